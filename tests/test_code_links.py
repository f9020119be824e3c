"""A paper's code: from its own words, Papers with Code's official repository or Hugging Face's link,
when adding and on refresh; each service optional, bounded and never trusted with markup."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakecommunity import FakeCommunity
from papernotes.model.ids import code_link


def front(library: Path, key: str) -> dict[str, object]:
    text = (library / "papers" / f"{key}.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


@pytest.mark.parametrize(("text", "link"), [
    ("Code: github.com/facebookresearch/DPR.", "https://github.com/facebookresearch/DPR"),
    ("https://github.com/x/y/tree/main/src", "https://github.com/x/y"),
    ("(see https://huggingface.co/spaces/a/b-c)", "https://huggingface.co/spaces/a/b-c"),
    ("https://GitHub.com/Owner/Repo.git", "https://github.com/Owner/Repo"),
    ("https://gitlab.com/group/project", "https://gitlab.com/group/project"),
    ("javascript:alert(1)//github.com/a", None),
    ("http://evil.example/github.com/a/b", None),
    ("https://github.com/features/actions", None),
    ('https://github.com/a/b"><script>alert(1)</script>', "https://github.com/a/b"),
    ("no code here", None),
])
def test_a_code_link_is_rebuilt_from_its_parts(text: str, link: str | None) -> None:
    assert code_link(text) == link


def test_adding_finds_the_code(library: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    arxiv_server.add("2611.00001", "Said in the comment", ["Ada Lovelace"], comment="12 pages. Code: https://github.com/ada/engine.")
    arxiv_server.add("2611.00002", "Known to Papers with Code", ["Ada Lovelace"])
    arxiv_server.add("2611.00003", "Known to Hugging Face", ["Ada Lovelace"])
    arxiv_server.add("2611.00004", "Known to nobody", ["Ada Lovelace"])
    community.add("2611.00002", "Known to Papers with Code", github="https://github.com/hf/other", repositories=[
        {"url": "javascript:alert(1)", "is_official": True},
        {"url": "https://github.com/someone/reimplementation", "is_official": False},
        {"url": "https://github.com/ada/official", "is_official": True},
    ])
    community.add("2611.00003", "Known to Hugging Face", github="https://github.com/ada/from-hf")
    result = run_script("add.py", "--root", library, "2611.00001", "2611.00002", "2611.00003", "2611.00004",
                        server=arxiv_server, **community.env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    codes = {path.stem: front(library, path.stem).get("code") for path in (library / "papers").glob("*.md")}
    assert set(codes.values()) == {"https://github.com/ada/engine", "https://github.com/ada/from-hf",
                                   "https://github.com/ada/official", None}
    # The comment said it: neither service was asked about that paper.
    assert not any("2611.00001" in path for _, path, _ in community.requests)
    assert ("pwc", "/pwc/api/v1/papers/2611.00002", {"include_resources": "true"}) in community.requests


@pytest.mark.parametrize("fault", ["500", "garbage", pytest.param("stall", marks=pytest.mark.slow), "huge"])
def test_a_failing_service_is_one_warning_and_the_paper_is_added(library: Path, arxiv_server: FakeArxiv,
                                                                  community: FakeCommunity, fault: str) -> None:
    for n in (1, 2, 3):
        arxiv_server.add(f"2611.0000{n}", f"Paper {n}", ["Ada Lovelace"])
        community.add(f"2611.0000{n}", f"Paper {n}", github=f"https://github.com/ada/p{n}")
    community.faults["pwc"].extend([fault] * 5)
    result = run_script("add.py", "--root", library, "2611.00001", "2611.00002", "2611.00003", server=arxiv_server, **community.env)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line]
    assert len(warnings) == 1 and warnings[0].startswith("warning: Papers with Code") and "Traceback" not in result.stderr
    assert len(list((library / "papers").glob("*.md"))) == 3
    # Hugging Face still answered for every paper.
    assert {front(library, p.stem).get("code") for p in (library / "papers").glob("*.md")} == {
        "https://github.com/ada/p1", "https://github.com/ada/p2", "https://github.com/ada/p3"}
    assert sum(1 for service, _, _ in community.requests if service == "pwc") <= 2  # asked until it failed, not per paper


def test_services_can_be_turned_off(library: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    arxiv_server.add("2611.00002", "Known to Papers with Code", ["Ada Lovelace"])
    community.add("2611.00002", "Known", github="https://github.com/ada/x")
    env = {**community.env, "HF_API_URL": "off", "PWC_API_URL": "off"}
    assert run_script("add.py", "--root", library, "2611.00002", server=arxiv_server, **env).returncode == 0
    assert community.requests == []
    arxiv_server.add("2611.00003", "Another", ["Ada Lovelace"])
    bad = run_script("add.py", "--root", library, "2611.00003", server=arxiv_server, **{**env, "HF_API_URL": "ftp://x"})
    assert bad.returncode != 0 and bad.stderr.strip().splitlines() == ["error: HF_API_URL='ftp://x' is not an http(s) URL (or 'off')"]


def test_refresh_fills_an_empty_code_and_never_replaces_one(library: Path, arxiv_server: FakeArxiv,
                                                           community: FakeCommunity) -> None:
    for n in (1, 2):
        arxiv_server.add(f"2611.0000{n}", f"Paper {n}", ["Ada Lovelace"])
    assert run_script("add.py", "--root", library, "2611.00001", "2611.00002", server=arxiv_server).returncode == 0
    keys = sorted(p.stem for p in (library / "papers").glob("*.md"))
    mine = library / "papers" / f"{keys[1]}.md"
    mine.write_text(mine.read_text(encoding="utf-8").replace("status:", "code: https://gitlab.com/me/mine\nstatus:", 1), encoding="utf-8")
    before = mine.read_bytes()
    for n in (1, 2):
        community.add(f"2611.0000{n}", f"Paper {n}", github=f"https://github.com/ada/p{n}")
    result = run_script("refresh.py", "--root", library, server=arxiv_server, **community.env)
    assert result.returncode == 0, result.stderr
    assert front(library, keys[0])["code"] == "https://github.com/ada/p1"
    assert mine.read_bytes() == before
    assert "code" in result.stdout


def test_code_is_listed_exported_when_asked_and_shown_on_the_site(tmp_path: Path) -> None:
    from sitekit import add_hostile, copy_library

    root = copy_library(tmp_path)
    add_hostile(root)  # its code: is javascript:alert(9)
    bert = root / "papers" / "devlin2018bert.md"
    bert.write_text(bert.read_text(encoding="utf-8").replace("status:", "code: https://github.com/google-research/bert\nstatus:", 1),
                    encoding="utf-8")
    listed = run_script("list.py", "--root", root, "--has-code", "--format", "keys")
    assert listed.returncode == 0 and listed.stdout.split() == ["devlin2018bert", "evil2020script"]
    plain = run_script("bib.py", "--root", root, "export", "--keys", "devlin2018bert").stdout
    assert "github.com" not in plain
    asked = run_script("bib.py", "--root", root, "export", "--keys", "devlin2018bert,evil2020script", "--with-code").stdout
    assert r"Code: \url{https://github.com/google-research/bert}" in asked and "Code: \\url{javascript" not in asked
    assert run_script("site.py", "--root", root, PAPERNOTES_TODAY="2026-11-29").returncode == 0
    table = (root / "site-src" / "all.md").read_text(encoding="utf-8")
    assert '<a href="https://github.com/google-research/bert" rel="nofollow noopener">code</a>' in table
    assert "javascript:alert(9)" not in table


def test_a_bulk_add_asks_the_services_about_a_bounded_number_of_papers(library: Path, arxiv_server: FakeArxiv,
                                                                       community: FakeCommunity,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from papernotes.services import adding

    monkeypatch.setattr(adding, "MAX_CODE_LOOKUPS", 3)
    ids = [f"2611.{n:05d}" for n in range(1, 9)]
    for n, ident in enumerate(ids):
        arxiv_server.add(ident, f"Paper number {n}", ["Ada Lovelace"])
        community.add(ident, f"Paper number {n}", github=f"https://github.com/ada/p{n}")
    result = run_script("add.py", "--root", library, *ids, server=arxiv_server, **community.env)
    assert result.returncode == 0, result.stderr
    assert "code links: 5 more papers not looked up on Papers with Code and Hugging Face this run (at most 3)" in result.stdout
    assert len({path for _, path, _ in community.requests}) == 6  # 3 papers, 2 services
    assert sum(1 for p in (library / "papers").glob("*.md") if "code:" in p.read_text(encoding="utf-8")) == 3
    # Each refresh asks about the next ones; answers already cached cost nothing.
    for expected in (6, 8):
        refreshed = run_script("refresh.py", "--root", library, server=arxiv_server, **community.env)
        assert refreshed.returncode == 0, refreshed.stderr
        assert sum(1 for p in (library / "papers").glob("*.md") if "code:" in p.read_text(encoding="utf-8")) == expected
