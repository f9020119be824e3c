"""`follow` in pyproject.toml: papers the people a reader follows shared this week (Bluesky's public
AppView and Mastodon instances, faked in their real shapes) arrive in the digest with who shared them."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakesocial import FakeSocial

TODAY = "2026-11-29"  # a Sunday; the last check was a week ago
FOLLOW = '[tool.papernotes]\nfollow = ["alice.bsky.social", "@bob@sigmoid.social", "carol.bsky.social"]\n'


@pytest.fixture
def following(library: Path, arxiv_server: FakeArxiv, social: FakeSocial) -> Path:
    settings = library / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", FOLLOW, 1), encoding="utf-8")
    (library / "inbox").mkdir()
    (library / "inbox" / "last-check").write_text("2026-11-22\n", encoding="utf-8")
    meta = {"title": "Denoising Diffusion Probabilistic Models", "year": 2020, "status": "read", "arxiv": "2006.11239",
            "topic": "generative-models",  # filed: no hint to file it (test_watch)
            "abstract": "High quality image synthesis using diffusion probabilistic models and denoising score matching."}
    (library / "papers" / "ho2020denoising.md").write_text("---\n" + yaml.safe_dump(meta) + "---\n", encoding="utf-8")
    a = arxiv_server
    a.add("2611.00101", "Faster diffusion sampling", ["A B"], summary="Diffusion models sample faster with fewer denoising steps.",
          published="2026-11-24T10:00:00Z")
    a.add("2611.00102", "A survey of graph databases", ["C D"], summary="Graph databases store graphs.",
          published="2026-11-25T10:00:00Z")
    a.add("2611.00103", "Consistency models revisited", ["E F"], summary="Consistency models for one-step generation.",
          published="2026-11-26T10:00:00Z")
    a.add("2301.00001", "An older classic, shared again", ["G H"], summary="From last year.", published="2023-01-02T10:00:00Z")
    a.add("2611.00104", "Shared last month", ["I J"], summary="Too early.", published="2026-11-01T10:00:00Z")
    s = social
    s.post("alice.bsky.social", "Wow, read this 🎉", "2026-11-26T09:00:00.000Z", link="https://arxiv.org/abs/2611.00102")
    s.post("alice.bsky.social", "Card only", "2026-11-25T09:00:00.000Z", card="https://arxiv.org/pdf/2611.00103v1")
    s.post("dave.bsky.social", "<script>alert(1)</script> my paper", "2026-11-27T09:00:00.000Z",
           link="https://arxiv.org/abs/2611.00101", reposted_by="alice.bsky.social", reposted_at="2026-11-27T12:00:00.000Z")
    s.post("alice.bsky.social", "old news", "2026-10-20T09:00:00.000Z", link="https://arxiv.org/abs/2611.00104")
    for n in range(20):  # a busy feed: pages of seven, as the AppView sends when it likes
        s.post("alice.bsky.social", f"chatter {n}", f"2026-11-2{3 + n % 5}T0{n % 9}:00:00.000Z")
    s.account("bob@sigmoid.social")
    s.status("bob@sigmoid.social", '<p>Classic: <a href="https://arxiv.org/abs/2301.00001" rel="nofollow noopener">'
             '<span class="invisible">https://</span><span class="ellipsis">arxiv.org/abs/2301.000</span>'
             '<span class="invisible">01</span></a></p>', "2026-11-24T10:00:00.000Z")
    boosted = {"id": "1", "created_at": "2026-11-10T10:00:00.000Z", "content": '<p><a href="https://arxiv.org/abs/2611.00102">x</a></p>',
               "card": None, "reblog": None}
    s.status("bob@sigmoid.social", "", "2026-11-28T10:00:00.000Z", boosted=boosted)
    return library


def watch(library: Path, *args: str, server: FakeArxiv, social: FakeSocial, **env: str) -> subprocess.CompletedProcess[str]:
    return run_script("watch.py", "--root", library, *args, server=server, PAPERNOTES_TODAY=TODAY, **{**social.env, **env})


def test_shared_papers_arrive_with_who_shared_them(following: Path, arxiv_server: FakeArxiv, social: FakeSocial) -> None:
    result = watch(following, server=arxiv_server, social=social)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ("warning: Bluesky: no account carol.bsky.social to follow (Profile not found); "
                             "check follow in pyproject.toml\n")
    digest = (following / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
    main, earlier = digest.split("## Shared this week, from before")
    lines = [line for line in main.splitlines() if line.startswith("- [ ]")]
    assert len(lines) == 3, lines
    graph = next(line for line in lines if "graph databases" in line)
    assert "shared by alice.bsky.social, @bob@sigmoid.social" in graph, "a post and a boost"
    assert "shared by alice.bsky.social" in next(line for line in lines if "Consistency" in line), "a link card"
    assert "shared by alice.bsky.social" in next(line for line in lines if "Faster diffusion" in line), "a repost counts for alice"
    assert "matched: people I follow" in graph
    assert "graph databases" in lines[0], "shared by two of the people followed: first, whatever the topic"
    assert "Shared last month" not in digest, "last month's shares stay out"
    assert "An older classic, shared again" in earlier and "shared by @bob@sigmoid.social" in earlier
    assert "<script" not in digest
    requests = [q for path, q in social.requests if path == "/xrpc/app.bsky.feed.getAuthorFeed" and q["actor"] == "alice.bsky.social"]
    assert len(requests) >= 2 and all(q["limit"] == "100" for q in requests), "pages followed by their cursor"
    accepted = (following / "inbox" / "2026-W48.md").read_text(encoding="utf-8").replace("- [ ] [A survey", "- [x] [A survey")
    (following / "inbox" / "2026-W48.md").write_text(accepted, encoding="utf-8")
    added = run_script("watch.py", "--root", following, "--accept", following / "inbox" / "2026-W48.md", server=arxiv_server,
                       PAPERNOTES_TODAY=TODAY)
    assert added.returncode == 0, added.stderr
    note = next(p for p in (following / "papers").glob("*.md") if "graph databases" in p.read_text(encoding="utf-8")).read_text(encoding="utf-8")
    assert "found_via: ['watch:people I follow']" in note or "- watch:people I follow" in note, note


def test_following_without_queries_and_a_service_down(following: Path, arxiv_server: FakeArxiv, social: FakeSocial) -> None:
    social.faults.extend(["500", "500"])  # Bluesky's first request and its one retry
    result = watch(following, "--dry-run", server=arxiv_server, social=social)
    assert result.returncode == 0
    assert result.stderr.count("Bluesky") == 1 and "Bluesky did not answer" in result.stderr, result.stderr
    assert "A survey of graph databases" in result.stdout and "shared by @bob@sigmoid.social" in result.stdout
    off = watch(following, "--dry-run", server=arxiv_server, social=social, BLUESKY_API_URL="off", MASTODON_API_URL="off")
    assert off.returncode == 0 and off.stderr == "" and off.stdout == "", off.stdout


def test_rate_limits_are_waited_for(following: Path, arxiv_server: FakeArxiv, social: FakeSocial) -> None:
    social.faults.append("429")
    result = watch(following, "--dry-run", server=arxiv_server, social=social)
    assert result.returncode == 0 and "A survey of graph databases" in result.stdout, result.stderr


@pytest.mark.parametrize("follow", ['["not a handle!"]', '"alice.bsky.social"', '["@bob"]', '[1]'])
def test_follow_must_name_accounts(library: Path, follow: str) -> None:
    settings = library / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", f"[tool.papernotes]\nfollow = {follow}\n", 1),
                        encoding="utf-8")
    result = run_script("watch.py", "--root", library, "--dry-run")
    assert result.returncode == 1 and "follow must list Bluesky handles and Mastodon accounts" in result.stderr
    assert result.stderr.count("\n") == 1


def test_an_unknown_or_suspended_mastodon_account_is_one_warning(library: Path, arxiv_server: FakeArxiv, social: FakeSocial) -> None:
    settings = library / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace(
        "[tool.papernotes]\n", '[tool.papernotes]\nfollow = ["@ghost@sigmoid.social", "@gone@sigmoid.social"]\n', 1), encoding="utf-8")
    social.account("gone@sigmoid.social", suspended=True)
    result = watch(library, "--dry-run", server=arxiv_server, social=social)
    assert result.returncode == 0
    assert result.stderr.splitlines() == [
        "warning: Mastodon: no account @ghost@sigmoid.social to follow (not found); check follow in pyproject.toml",
        "warning: Mastodon: no account @gone@sigmoid.social to follow (suspended); check follow in pyproject.toml"]
