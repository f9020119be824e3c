"""`watch` with popularity: Hugging Face daily papers' upvotes and Papers with Code's trending list
(fakes in their real shapes), the weekly snapshot in inbox/, `--sort`, and services that fail."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakecommunity import FakeCommunity

QUERIES = """
[[tool.papernotes.watch]]
name = "retrieval"
query = 'cat:cs.CL AND abs:retrieval'

[[tool.papernotes.watch]]
name = "authors I follow"
authors = ["Kenton Lee", "Percy Liang"]
"""


def note(library: Path, key: str, title: str, abstract: str, **fields: object) -> None:
    meta = {"title": title, "authors": ["Ada Lovelace"], "year": 2020, "abstract": abstract, "status": "read", **fields}
    (library / "papers" / f"{key}.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n", encoding="utf-8")

TODAY = "2026-11-29"


@pytest.fixture
def week(library: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> Path:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(QUERIES)
    note(library, "karpukhin2020dense", "Dense Passage Retrieval for Open-Domain Question Answering",
         "Open-domain question answering relies on efficient passage retrieval; dense representations with a "
         "dual encoder outperform sparse BM25 retrieval.", arxiv="2004.04906",
         topic="retrieval")  # filed: no hint to file it (test_watch)
    a = arxiv_server
    a.add("2611.00001", "Late-interaction retrieval for open-domain question answering", ["Kenton Lee"],
          summary="We improve dense passage retrieval for question answering with late interaction over passages.",
          published="2026-11-25T10:00:00Z")
    a.add("2611.00002", "A retrieval benchmark for image captions", ["Someone Else"],
          summary="A new retrieval dataset of image captions.", published="2026-11-24T10:00:00Z")
    a.add("2611.00003", "Scaling laws for protein folding", ["Percy Liang"],
          summary="Protein structure prediction scales with compute.", published="2026-11-26T10:00:00Z")
    community.add("2611.00003", "Scaling laws for protein folding", upvotes=312, github="https://github.com/pl/fold", week="2026-W48")
    community.add("2611.00002", "A retrieval benchmark for image captions", upvotes=4, week="2026-W48")
    community.trending = [{"id": "1", "arxiv_id": "2611.00002", "title": "A retrieval benchmark for image captions"}]
    return library


def watch(library: Path, *args: str, server: FakeArxiv, community: FakeCommunity, today: str = TODAY) -> subprocess.CompletedProcess[str]:
    return run_script("watch.py", "--root", library, *args, server=server, PAPERNOTES_TODAY=today, **community.env)


def digest_lines(library: Path, name: str = "2026-W48.md") -> list[str]:
    return [line for line in (library / "inbox" / name).read_text(encoding="utf-8").splitlines() if line.startswith("- [")]


def test_upvotes_code_and_the_snapshot(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    result = watch(week, "--sort", "relevance", server=arxiv_server, community=community)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    lines = digest_lines(week)
    assert "2611.00001" in lines[0], "by relevance, the paper like the library's comes first"
    protein = next(line for line in lines if "2611.00003" in line)
    assert " · ▲ 312 · [code](https://github.com/pl/fold) · matched: authors I follow" in protein
    assert " · ▲ 4 · trending #1 on Papers with Code · matched: retrieval" in next(line for line in lines if "2611.00002" in line)
    assert ("hf", "/hf/api/daily_papers", {"week": "2026-W48", "limit": "100", "p": "0"}) in community.requests
    snapshot = (week / "inbox" / "popularity.tsv").read_text(encoding="utf-8")
    assert snapshot == "arxiv\tweek\tupvotes\n2611.00002\t2026-W48\t4\n2611.00003\t2026-W48\t312\n"


@pytest.mark.parametrize(("sort", "first"), [("relevance", "2611.00001"), ("popular", "2611.00003"), ("mixed", "2611.00001")])
def test_sort(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity, sort: str, first: str) -> None:
    result = watch(week, "--sort", sort, "--dry-run", server=arxiv_server, community=community)
    assert result.returncode == 0, result.stderr
    explained, *lines = result.stdout.splitlines()
    assert explained.startswith("score: "), explained
    assert first in lines[0]
    if sort == "popular":
        assert [line.split("arXiv:")[1][:10] for line in lines] == ["2611.00003", "2611.00002", "2611.00001"]


def test_mixed_lets_a_very_popular_paper_surface(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    for n in range(10, 30):  # a crowd of papers as relevant as each other, none upvoted
        arxiv_server.add(f"2611.000{n}", f"Retrieval study {n}", ["Kenton Lee"], summary="Retrieval of passages, study.",
                         published="2026-11-27T10:00:00Z")
    community.add("2611.00029", "Retrieval study 29", upvotes=900, week="2026-W48")
    relevance = watch(week, "--sort", "relevance", "--dry-run", server=arxiv_server, community=community).stdout.splitlines()[1:]
    mixed = watch(week, "--dry-run", server=arxiv_server, community=community).stdout.splitlines()[1:]
    place = [next(i for i, line in enumerate(lines) if "2611.00029" in line) for lines in (relevance, mixed)]
    assert place[1] < place[0] and place[1] <= 1, place


def test_growth_since_the_last_check(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    community.add("2611.00009", "Listed on Hugging Face before arXiv's listing had it", upvotes=10, week="2026-W48")
    assert watch(week, server=arxiv_server, community=community).returncode == 0
    community.add("2611.00009", "Listed on Hugging Face before arXiv's listing had it", upvotes=50, week="2026-W49")
    arxiv_server.add("2611.00009", "Listed on Hugging Face before arXiv's listing had it", ["Kenton Lee"],
                     summary="Retrieval.", published="2026-12-01T10:00:00Z")
    assert watch(week, server=arxiv_server, community=community, today="2026-12-06").returncode == 0
    line = next(line for line in digest_lines(week, "2026-W49.md") if "2611.00009" in line)
    assert "▲ 50 (+40 this week)" in line


@pytest.mark.parametrize("fault", ["500", "garbage", pytest.param("stall", marks=pytest.mark.slow), "huge"])
def test_a_service_down_is_a_warning_and_the_digest_comes(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity,
                                                          fault: str) -> None:
    community.faults["hf"].extend([fault] * 4)
    community.faults["pwc"].extend([fault] * 4)
    result = watch(week, server=arxiv_server, community=community)
    assert result.returncode == 0, result.stderr
    warnings = result.stderr.splitlines()
    assert len(warnings) == 2 and all(w.startswith("warning: ") for w in warnings), warnings
    assert len(digest_lines(week)) == 3 and not (week / "inbox" / "popularity.tsv").exists()
    assert (week / "inbox" / "last-check").read_text(encoding="utf-8") == "2026-11-29\n"


def test_hostile_answers_stay_text(week: Path, arxiv_server: FakeArxiv, community: FakeCommunity) -> None:
    community.daily["2026-W48"] = [
        {"paper": {"id": "2611.00001", "upvotes": "9999", "githubRepo": "javascript:alert(1)"}},
        {"paper": {"id": "2611.00002", "upvotes": -5, "githubRepo": "https://github.com/a/b\"><script>alert(2)</script>"}},
        {"paper": {"id": "<img src=x onerror=alert(3)>", "upvotes": 7}},
        {"paper": {"id": "2611.00003", "upvotes": 10**12}},
        {"paper": "not a mapping"}, "neither", None,
    ]
    community.trending = [{"arxiv_id": "<script>"}, {"arxiv_id": ["2611.00001"]}, "x"]  # type: ignore[list-item]
    result = watch(week, server=arxiv_server, community=community)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    text = (week / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
    assert "javascript" not in text and "<script>" not in text and "▲" not in text
    assert "[code](https://github.com/a/b)" in text
