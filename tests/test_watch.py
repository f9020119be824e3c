"""`papernotes watch`: saved queries against a fake arXiv (search, paging, date sorting, faults) and a
fake Semantic Scholar; the ranked digest; --accept."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2

TODAY = "2026-11-29"  # a Sunday; the digest is inbox/2026-W48.md
QUERIES = """
[[tool.papernotes.watch]]
name = "retrieval"
query = 'cat:cs.CL AND (abs:retrieval OR abs:"dense passage")'

[[tool.papernotes.watch]]
name = "authors I follow"
authors = ["Kenton Lee", "Percy Liang"]
"""


def note(library: Path, key: str, title: str, abstract: str, status: str = "read", **fields: object) -> None:
    meta = {"title": title, "authors": ["Ada Lovelace"], "year": 2020, "abstract": abstract, "status": status, **fields}
    (library / "papers" / f"{key}.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n",
                                                   encoding="utf-8")


@pytest.fixture
def watching(library: Path, arxiv_server: FakeArxiv) -> Path:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(QUERIES)
    note(library, "karpukhin2020dense", "Dense Passage Retrieval for Open-Domain Question Answering",
         "Open-domain question answering relies on efficient passage retrieval to select candidate contexts; "
         "dense representations with a dual encoder outperform sparse BM25 retrieval.", arxiv="2004.04906")
    note(library, "he2015deep", "Deep Residual Learning for Image Recognition",
         "Deeper neural networks are more difficult to train; residual learning eases training of image networks.",
         status="skipped")
    a = arxiv_server
    a.add("2611.00001", "Late-interaction retrieval for open-domain question answering", ["Kenton Lee"],
          summary="We improve dense passage retrieval for question answering with late interaction over passages.",
          published="2026-11-25T10:00:00Z", categories=("cs.CL", "cs.IR"))
    a.add("2611.00002", "A retrieval benchmark for image captions", ["Someone Else"],
          summary="A new retrieval dataset of image captions.", published="2026-11-24T10:00:00Z", categories=("cs.CL",))
    a.add("2611.00003", "Scaling laws for protein folding", ["Percy Liang"],
          summary="Protein structure prediction scales with compute.", published="2026-11-26T10:00:00Z",
          categories=("q-bio.BM",))
    a.add("2611.00004", "Old retrieval paper", ["Kenton Lee"], summary="retrieval from last month",
          published="2026-10-01T10:00:00Z", categories=("cs.CL",))
    a.add("2004.04906", "Dense Passage Retrieval for Open-Domain Question Answering", ["Vladimir Karpukhin"],
          summary="dense passage retrieval", published="2026-11-27T10:00:00Z", categories=("cs.CL",))  # in the library
    return library


def watch(library: Path, *args: str, server: FakeArxiv, s2: FakeS2 | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("watch.py", "--root", library, *args, server=server, s2=s2, PAPERNOTES_TODAY=TODAY)


def test_the_weekly_digest(watching: Path, arxiv_server: FakeArxiv) -> None:
    result = watch(watching, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    # On a Sunday the digest is the week just ended and the plan the week to come: both say which.
    assert result.stdout == ("wrote inbox/2026-W48.md: 3 new papers submitted 2026-11-22 to 2026-11-29 (of 3 found); "
                             "the ones you tick join the queue that `papernotes plan` plans 2026-W49 from\n")
    assert result.stderr == ("hint: the papers you read have no topic or tags yet; filed under one (`topic: retrieval` in "
                             "a note, or `papernotes tag KEY +retrieval`), they rank the digest better\n")
    digest = (watching / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
    assert "which `papernotes plan` plans 2026-W49 from." in digest.splitlines()[2]
    plan = run_script("plan.py", "--root", watching, "--dry-run", server=arxiv_server, PAPERNOTES_TODAY=TODAY)
    assert plan.stdout.startswith("Week 2026-W49 (Mon 30 Nov – Sun 06 Dec 2026): "), plan.stdout
    lines = [line for line in digest.splitlines() if line.startswith("- [ ]")]
    assert lines[0] == ("- [ ] [Late-interaction retrieval for open-domain question answering](https://arxiv.org/abs/2611.00001)"
                        " — Kenton Lee · cs.CL, cs.IR · matched: retrieval, authors I follow · close to: [[karpukhin2020dense]]"
                            " · phrases: question answering, open-domain question, passage retrieval")
    assert "2611.00003" in lines[-1], "a paper unlike the library comes last"
    assert "<details><summary>Abstract</summary>We improve dense passage retrieval" in digest
    assert "2611.00004" not in digest and "2004.04906" not in digest, "old papers and papers in the library are left out"
    assert (watching / "inbox" / "last-check").read_text(encoding="utf-8") == "2026-11-29\n"
    searches = [r.query["search_query"][0] for r in arxiv_server.requests]
    assert searches[0] == ('(cat:cs.CL AND (abs:retrieval OR abs:"dense passage")) AND '
                           "submittedDate:[202611220000 TO 202611292359]")
    assert searches[1].startswith('(au:"Kenton Lee" OR au:"Percy Liang")')
    assert all(r.query["sortBy"] == ["submittedDate"] and r.query["sortOrder"] == ["descending"] for r in arxiv_server.requests)
    again = watch(watching, server=arxiv_server)
    assert again.returncode == 0 and again.stdout == "nothing new since 2026-11-29\n"
    rerun = watch(watching, "--since", "2026-09-01", server=arxiv_server)
    assert "2611.00004" in (watching / "inbox" / "2026-W48-2.md").read_text(encoding="utf-8")
    assert "of 1 found" in rerun.stdout, "papers in an earlier digest were seen: not shown again"


def test_a_new_reader_is_told_once_that_filing_papers_ranks_better(watching: Path, arxiv_server: FakeArxiv) -> None:
    """Two or three papers read, none under a topic or tag: the cold start the ranking is weakest at,
    and the words a reader files papers under are its surest sign. A filed library, or a reader of
    many papers, is not told."""
    from papernotes.services.ranking import FEW_PAPERS_READ

    result = watch(watching, "--dry-run", server=arxiv_server)
    assert result.returncode == 0 and result.stderr.startswith("hint: ") and result.stderr.count("\n") == 1
    assert run_script("tag.py", "--root", watching, "karpukhin2020dense", "+retrieval").returncode == 0
    assert watch(watching, "--dry-run", server=arxiv_server).stderr == ""
    assert run_script("tag.py", "--root", watching, "karpukhin2020dense", "-retrieval").returncode == 0
    for number in range(FEW_PAPERS_READ):
        note(watching, f"read{number}", f"Retrieval paper {number}", "Dense retrieval of passages.")
    assert watch(watching, "--dry-run", server=arxiv_server).stderr == ""


def test_accepting_the_ticked_papers(watching: Path, arxiv_server: FakeArxiv) -> None:
    assert watch(watching, server=arxiv_server).returncode == 0
    digest = watching / "inbox" / "2026-W48.md"
    text = digest.read_text(encoding="utf-8").replace("- [ ] [Late", "- [x] [Late").replace("- [ ] [A retrieval", "- [X] [A retrieval")
    text += "- [x] a line someone typed by hand\n"
    digest.write_text(text, encoding="utf-8")
    before = len(arxiv_server.requests)
    result = watch(watching, "--accept", str(digest), server=arxiv_server)
    assert result.returncode == 1
    broken = len(text.splitlines())
    assert result.stderr == f"error: {digest}:{broken}: no arXiv link on this line\n"
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == ["papers/else2026retrieval.md",
                                                                             "papers/lee2026late.md"]
    assert len(arxiv_server.requests) == before + 1, "one arXiv request for every ticked paper"
    late = yaml.safe_load((watching / "papers" / "lee2026late.md").read_text(encoding="utf-8").split("---\n")[1])
    assert late["found_via"] == ["watch:retrieval", "watch:authors I follow"] and late["status"] == "to-read"
    again = watch(watching, "--accept", str(digest), server=arxiv_server)
    assert again.stdout.count("exists ") == 2 and "added" not in again.stdout


def test_a_query_arxiv_rejects_and_arxiv_down(watching: Path, arxiv_server: FakeArxiv) -> None:
    with open(watching / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "broken"\nquery = "nonsense:field"\n')
    result = watch(watching, server=arxiv_server)
    assert result.returncode == 1
    assert "error: watch query 'broken': arXiv rejected the request: malformed query: unknown field nonsense" in result.stderr
    assert (watching / "inbox" / "2026-W48.md").exists(), "the other queries still ran"
    assert not (watching / "inbox" / "last-check").exists(), "the last check is not advanced"
    arxiv_server.always = "503"
    (watching / "inbox" / "2026-W48.md").unlink()
    down = watch(watching, server=arxiv_server)
    assert down.returncode == 1 and "arXiv did not answer usefully" in down.stderr
    assert not (watching / "inbox" / "2026-W48.md").exists(), "no digest when every query failed"


@pytest.mark.parametrize(("entry", "message"), [
    ('name = "x"\nquery = "(cat:cs.CL"', "watch query 'x': query has unbalanced parentheses"),
    ('name = "x"\nquery = "ti:\\"open"', "watch query 'x': query has an unclosed quote"),
    ('name = "x"\nquery = "cat:cs.CL"\nauthors = ["A B"]', "watch query 'x' needs exactly one of query, authors, cited_by or similar_to"),
    ('name = "x"\ncited_by = "read"\nsimilar_to = "read"', "watch query 'x' needs exactly one of query, authors, cited_by or similar_to"),
    ('name = "x"\nsimilar_to = ["read"]', "watch query 'x': similar_to must be a status"),
    ('name = "x"\nsearch = "cat:cs.CL"', "watch query 'x': unknown key 'search'"),
    ('name = "x"\ncited_by = "finished"', "watch query 'x': cited_by must be a status"),
    ('query = "cat:cs.CL"', "watch query #1 needs name"),
])
def test_saved_queries_are_validated(library: Path, entry: str, message: str) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(f"\n[[tool.papernotes.watch]]\n{entry}\n")
    result = run_script("watch.py", "--root", library, PAPERNOTES_TODAY=TODAY)
    assert result.returncode == 1 and message in result.stderr and "Traceback" not in result.stderr


def test_dry_run_and_paging(library: Path, arxiv_server: FakeArxiv) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "busy"\nquery = "cat:cs.LG"\n')
    for i in range(1, 1201):
        arxiv_server.add(f"2611.{i:05d}", f"Paper {i}", ["A B"], categories=("cs.LG",),
                         published=f"2026-11-{23 + i % 6:02d}T{i % 24:02d}:00:00Z")
    result = watch(library, "--dry-run", "--limit", "5", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 6 and not (library / "inbox").exists()
    assert result.stdout.startswith("no paper read yet to learn from: newest first\n") or \
        result.stdout.startswith("score: how much a paper reads like the library's papers (above 0)"), result.stdout
    assert len(arxiv_server.requests) == 3, "1,200 papers in pages of 500"
    assert [r.query["start"][0] for r in arxiv_server.requests] == ["0", "500", "1000"]


def test_new_papers_citing_what_was_read(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "cites what I read"\ncited_by = "read"\n')
    note(library, "devlin2018bert", "BERT", "pre-training transformers", arxiv="1810.04805")
    s2_server.add("b" * 40, "BERT", arxiv="1810.04805")
    new = s2_server.add("c" * 40, "A new paper citing BERT", arxiv="2611.00042", year=2026)
    new["publicationDate"] = "2026-11-26"
    old = s2_server.add("d" * 40, "An old paper citing BERT", arxiv="2001.00042", year=2020)
    old["publicationDate"] = "2020-01-01"
    s2_server.cite("c" * 40, "b" * 40)
    s2_server.cite("d" * 40, "b" * 40)
    arxiv_server.add("2611.00042", "A new paper citing BERT", ["Grace Hopper"], summary="Pre-training transformers again.",
                     published="2026-11-26T10:00:00Z")
    result = watch(library, s2=s2_server, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    digest = (library / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
    assert "2611.00042" in digest and "matched: cites what I read" in digest and "2001.00042" not in digest


LIKE_WHAT_I_READ = '\n[[tool.papernotes.watch]]\nname = "like what I read"\nsimilar_to = "read"\n'


def test_new_papers_like_what_was_read(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    """Semantic Scholar's recommendations from the papers read (newest first), unlike the papers passed
    over in an earlier digest; only this week's papers on arXiv join the digest."""
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(LIKE_WHAT_I_READ)
    note(library, "devlin2018bert", "BERT", "pre-training transformers", arxiv="1810.04805", finished="2026-11-02")
    note(library, "vaswani2017attention", "Attention", "attention only", doi="10.5555/attention", finished="2026-11-20")
    note(library, "lee2026brand", "A preprint Semantic Scholar does not know yet", "new", arxiv="2611.09999")
    note(library, "queued2020paper", "Not read yet", "queued", status="to-read", arxiv="2001.00001")
    (library / "inbox").mkdir()
    (library / "inbox" / "2026-W47.md").write_text(
        "- [ ] [A paper passed over](https://arxiv.org/abs/2611.00077) — A · matched: like what I read\n"
        "- [x] [A paper taken](https://arxiv.org/abs/2611.00078) — B · matched: like what I read\n", encoding="utf-8")
    s2 = s2_server
    s2.add("b" * 40, "BERT", arxiv="1810.04805")
    s2.add("v" * 40, "Attention", doi="10.5555/attention")
    s2.add("q" * 40, "Not read yet", arxiv="2001.00001")
    s2.add("e" * 40, "A paper passed over", arxiv="2611.00077", year=2026)
    s2.add("n" * 40, "Recommended, this week", arxiv="2611.00050", year=2026)["publicationDate"] = "2026-11-26"
    s2.add("u" * 40, "Recommended, no date yet", arxiv="2611.00051", year=None)
    s2.add("w" * 40, "Recommended, dated this week but submitted in October", arxiv="2611.00052", year=None)
    s2.add("o" * 40, "Recommended, old", arxiv="2001.00050", year=2020)
    s2.add("j" * 40, "Recommended, a journal paper not on arXiv", doi="10.5555/journal", year=2026)
    s2.recommended = ["n" * 40, "o" * 40, "j" * 40, "u" * 40, "w" * 40]
    arxiv_server.add("2611.00050", "Recommended, this week", ["Grace Hopper"], summary="Attention again.",
                     published="2026-11-26T10:00:00Z")
    arxiv_server.add("2611.00051", "Recommended, no date yet", ["Grace Hopper"], summary="Transformers again.",
                     published="2026-11-27T10:00:00Z")
    arxiv_server.add("2611.00052", "Recommended, submitted in October", ["Grace Hopper"], summary="Old news.",
                     published="2026-10-01T10:00:00Z")
    result = watch(library, s2=s2, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("wrote inbox/2026-W48.md: 2 new papers submitted"), result.stdout
    digest = (library / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
    assert "2611.00050" in digest and "2611.00051" in digest and "matched: like what I read" in digest
    assert "2611.00052" not in digest and "2001.00050" not in digest
    asked = next(r for r in s2.requests if r.path == "/recommendations/v1/papers/")
    assert asked.method == "POST" and asked.body == {"positivePaperIds": ["v" * 40, "b" * 40], "negativePaperIds": ["e" * 40]}
    fetched = {ident for r in arxiv_server.requests for ident in r.id_list}
    assert fetched == {"2611.00050", "2611.00051", "2611.00052"}, "an old recommendation is not even fetched"


def test_recommendations_that_fail_or_find_nothing(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(LIKE_WHAT_I_READ)
    nothing_read = watch(library, s2=s2_server, server=arxiv_server)
    assert nothing_read.returncode == 0, nothing_read.stderr
    assert nothing_read.stderr == ("warning: watch query 'like what I read': no paper with status read is on arXiv or has "
                                   "a DOI; nothing to find similar papers to yet\n")
    note(library, "devlin2018bert", "BERT", "pre-training transformers", arxiv="1810.04805")
    unknown = watch(library, "--since", "2026-11-22", s2=s2_server, server=arxiv_server)
    assert unknown.returncode == 0 and "Semantic Scholar knows none of the papers with status read yet" in unknown.stderr
    s2_server.add("b" * 40, "BERT", arxiv="1810.04805")
    # The real answer (titles only, no arXiv IDs): nothing for the digest, nothing wrong.
    s2_server.replay("test_get_recommended_papers_from_lists.yaml")
    titles_only = watch(library, "--since", "2026-11-22", s2=s2_server, server=arxiv_server)
    assert titles_only.returncode == 0 and titles_only.stdout == "nothing new since 2026-11-22\n", titles_only.stderr
    # The real refusal, as one line naming the query; the week stays to be checked again.
    s2_server.replays.clear()
    s2_server.replay("test_get_recommended_papers_from_lists_negative_only.yaml")
    (library / ".cache").rename(library / ".cache-old")
    refused = watch(library, "--since", "2026-11-22", s2=s2_server, server=arxiv_server)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "error: watch query 'like what I read': Semantic Scholar refused the request for recommendations: " \
           "No positive paper examples given" in refused.stderr
    off = run_script("watch.py", "--root", library, "--since", "2026-11-22", server=arxiv_server, S2_API_URL="off",
                     PAPERNOTES_TODAY=TODAY)
    assert off.returncode == 1 and off.stderr.count("\n") == 1 and "Semantic Scholar is off" in off.stderr


HOSTILE_ROWS = json.dumps({"recommendedPapers": [
    "not a paper", None, [1, 2], {"paperId": ["x"]}, {"title": "no paperId", "externalIds": {"ArXiv": "2611.00060"}},
    {"paperId": "h" * 40, "externalIds": {"ArXiv": "javascript:alert(1)"}, "publicationDate": "2026-11-26"},
    {"paperId": "i" * 40, "externalIds": ["2611.00061"], "publicationDate": {"date": 1}},
    {"paperId": "k" * 40, "title": "<script>alert(1)</script>", "externalIds": {"ArXiv": "2611.00062"},
     "publicationDate": 20261126},
]})


@pytest.mark.parametrize(("answer", "fault", "outcome"), [
    (HOSTILE_ROWS, None, "2611.00062"),  # the one usable row, whatever the others hold
    ('{"recommendedPapers": "none"}', None, "Semantic Scholar sent no list of recommended papers"),
    ("not JSON", None, "Semantic Scholar sent an answer that is not JSON for recommendations"),
    (None, "deep", "Semantic Scholar sent an answer that is not JSON for recommendations"),
])
def test_recommendations_from_a_hostile_server(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2,
                                               answer: str | None, fault: str | None, outcome: str) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(LIKE_WHAT_I_READ)
    note(library, "devlin2018bert", "BERT", "pre-training transformers", arxiv="1810.04805")
    s2_server.add("b" * 40, "BERT", arxiv="1810.04805")
    if answer is not None:
        s2_server.replays[("POST", "/recommendations/v1/papers/")] = [({}, answer, 200)]
    if fault is not None:
        s2_server.faults.extend(["none", fault])  # the IDs' batch answered, then the recommendations
    arxiv_server.add("2611.00062", "A paper recommended by a hostile server", ["Grace Hopper"], summary="Fine.",
                     published="2026-11-26T10:00:00Z")
    result = watch(library, s2=s2_server, server=arxiv_server)
    assert "Traceback" not in result.stderr
    if outcome.startswith("2611"):
        assert result.returncode == 0, result.stderr
        assert result.stdout.startswith("wrote inbox/2026-W48.md: 1 new paper submitted 2026-11-22 to 2026-11-29 (of 1 found)")
        digest = (library / "inbox" / "2026-W48.md").read_text(encoding="utf-8")
        assert "; 1 of 1 new paper, best first." in digest
        assert outcome in digest and "<script" not in digest and "javascript" not in digest
        assert {i for r in arxiv_server.requests for i in r.id_list} == {"2611.00062"}
    else:
        assert result.returncode == 1 and f"error: watch query 'like what I read': {outcome}" in result.stderr


def test_no_saved_queries(library: Path) -> None:
    result = run_script("watch.py", "--root", library)
    assert result.returncode == 1 and "no saved queries" in result.stderr


def test_the_workflow_opens_a_pull_request_with_least_privilege() -> None:
    from conftest import REPO

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "watch.yml").read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    job = workflow["jobs"]["digest"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write"}
    triggers = workflow[True]  # YAML 1.1 reads the key `on` as true
    assert "workflow_dispatch" in triggers and triggers["schedule"][0]["cron"] == "0 6 * * 0"
    pr = next(step for step in job["steps"] if "create-pull-request" in step.get("uses", ""))
    assert pr["if"] == "steps.changes.outputs.digest == 'true'", "nothing new, no pull request"


@pytest.mark.parametrize(("settings", "watching"), [("", "false"), (QUERIES, "true"), ('\nfollow = ["alice.bsky.social"]\n', "true"),
                                                   ('\n[[tool.papernotes.watch]]\nname = "x"\n', None)])
def test_the_workflow_skips_a_library_with_nothing_to_watch(library: Path, settings: str, watching: str | None) -> None:
    """The Sunday run of a fresh fork is skipped, not failed every week; a setting that does not read fails it."""
    from conftest import REPO, run_step, workflow_step

    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "watch.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["digest"]["needs"] == "configured"
    assert workflow["jobs"]["digest"]["if"] == "needs.configured.outputs.watching == 'true'"
    text = (library / "pyproject.toml").read_text(encoding="utf-8")
    (library / "pyproject.toml").write_text(text.replace("[tool.papernotes]\n", "[tool.papernotes]\n" + settings.lstrip("\n"), 1)
                                             if settings.startswith("\nfollow") else text + settings, encoding="utf-8")
    (library / "tools").symlink_to(REPO / "tools")  # the checkout's tools/, nothing installed
    python = f'exec "{sys.executable}" -S "$@"'  # without its site-packages, as on a runner before the install step
    result, output = run_step(workflow_step("watch.yml", "configured", "settings"), library, {"python": python})
    if watching is None:
        assert result.returncode != 0 and "watch query 'x' needs exactly one of" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert output == f"watching={watching}\n"
    assert ("::notice::nothing to watch" in result.stdout) == (watching == "false")


HOSTILE_CATEGORY = '<img src=x onerror=alert(1)>'


def test_hostile_values_in_a_digest_stay_text_and_cannot_redirect_accept(watching: Path, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("2611.00009", "Evil ](https://arxiv.org/abs/1706.03762) retrieval title <script>alert(2)</script>",
                     ["Kenton Lee", "<svg onload=alert(3)>"], published="2026-11-25T11:00:00Z",
                     categories=("cs.CL", HOSTILE_CATEGORY),
                     summary="An abstract with [a link](javascript:alert(4)) and <img src=x onerror=alert(5)> retrieval.")
    assert watch(watching, server=arxiv_server).returncode == 0
    digest = watching / "inbox" / "2026-W48.md"
    text = digest.read_text(encoding="utf-8")
    evil = next(line for line in text.splitlines() if "2611.00009" in line)
    assert "<img" not in text.replace("<details><summary>Abstract</summary>", "") and "<svg" not in text
    assert "<script" not in text and not re.search(r"(?<!\\)\]\(javascript:", text)
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil
    digest.write_text(text.replace("- [ ] [Evil", "- [x] [Evil"), encoding="utf-8")
    result = watch(watching, "--accept", str(digest), server=arxiv_server)
    assert result.returncode == 0, result.stderr
    added = yaml.safe_load((watching / "papers" / "lee2026evil.md").read_text(encoding="utf-8").split("---\n")[1])
    assert added["arxiv"] == "2611.00009", "the title's link is not the paper's"


def test_query_names_cannot_hold_the_digest_separator(library: Path) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "a, b"\nquery = "cat:cs.CL"\n')
    result = run_script("watch.py", "--root", library, PAPERNOTES_TODAY=TODAY)
    assert result.returncode == 1 and "watch query 'a, b': a name cannot hold ','" in result.stderr
