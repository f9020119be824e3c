"""Following references: `papernotes refs` and `add` by DOI, link or title, against a fake Semantic Scholar
and a fake arXiv on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2

BERT_S2 = "df2b0e26d0599ce3e70df8a9da02e51594e0e992"
HOSTILE = "<script>alert(1)</script> *[x](javascript:alert(2))* {: onclick=alert(3) } #tag"


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def write_note(library: Path, key: str, **fields: object) -> Path:
    meta = {"title": f"Paper {key}", "authors": ["Ada Lovelace"], "year": 2018, **fields}
    path = library / "papers" / f"{key}.md"
    path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\nMy notes.\n", encoding="utf-8")
    return path


@pytest.fixture
def bert(library: Path, s2_server: FakeS2, arxiv_server: FakeArxiv) -> Path:
    """BERT in the library (reading), ELMo too (read); Semantic Scholar knows BERT's references."""
    write_note(library, "devlin2018bert", title="BERT: Pre-training of Deep Bidirectional Transformers",
               arxiv="1810.04805", topic="nlp/embeddings", status="reading")
    write_note(library, "peters2018deep", title="Deep contextualized word representations", arxiv="1802.05365",
               status="read")
    s = s2_server
    s.add(BERT_S2, "BERT: Pre-training of Deep Bidirectional Transformers", ["Jacob Devlin"], arxiv="1810.04805",
          doi="10.18653/v1/N19-1423", citations=90000)
    s.add("a" * 40, "Attention is All you Need", ["Ashish Vaswani", "Noam Shazeer"], year=2017, venue="NeurIPS",
          arxiv="1706.03762", citations=120000)
    s.add("b" * 40, "Semi-supervised Sequence Learning", ["Andrew M. Dai", "Quoc V. Le"], year=2015, venue="NIPS",
          arxiv="1511.01432", citations=1200)
    s.add("c" * 40, "Deep Contextualized Word Representations", ["Matthew E. Peters"], venue="NAACL",
          arxiv="1802.05365", citations=9000)
    s.add("d" * 40, "GloVe: Global Vectors for Word Representation", ["Jeffrey Pennington"], year=2014,
          venue="EMNLP", doi="10.3115/v1/D14-1162", citations=30000, abstract="Vectors.")
    s.add("e" * 40, HOSTILE, ["Mallory <b>Evil</b>"], year=2019, citations=3)
    s.cite(BERT_S2, "a" * 40, influential=True, contexts=("We use the Transformer of Vaswani et al.",))
    s.cite(BERT_S2, "b" * 40, influential=True, contexts=("Pre-training as in Dai and Le.", "Also fine-tuning."))
    s.cite(BERT_S2, "c" * 40)
    s.cite(BERT_S2, "d" * 40)
    s.cite(BERT_S2, "e" * 40)
    s.cite(BERT_S2, {"title": "A technical report nobody indexed", "year": 2016})
    arxiv_server.add("1706.03762", "Attention Is All You Need", ["Ashish Vaswani", "Noam Shazeer"], version=7,
                     published="2017-06-12T17:57:34Z")
    arxiv_server.add("1511.01432", "Semi-supervised Sequence Learning", ["Andrew M. Dai", "Quoc V. Le"],
                     published="2015-11-04T19:01:02Z")
    return library


def refs(library: Path, *args: str, s2: FakeS2, arxiv: FakeArxiv | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("refs.py", "--root", library, *args, s2=s2, server=arxiv, PAPERNOTES_TODAY="2026-11-29")


def test_references_are_ranked_and_marked(bert: Path, s2_server: FakeS2) -> None:
    result = refs(bert, "devlin2018bert", s2=s2_server)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "1. ★ Attention is All you Need — Vaswani and Shazeer, 2017 · NeurIPS · 120,000 citations · arXiv:1706.03762"
    assert lines[1] == "2. ★ Semi-supervised Sequence Learning — Dai and Le, 2015 · NIPS · 1,200 citations · arXiv:1511.01432"
    assert lines[2].startswith("3.   GloVe: Global Vectors for Word Representation — Pennington, 2014 · EMNLP · 30,000 citations · DOI:10.3115/v1/D14-1162")
    assert lines[3] == "4.   [read] Deep Contextualized Word Representations — Peters, 2018 · NAACL · 9,000 citations · arXiv:1802.05365"
    assert lines[5] == "6.   [unresolved] A technical report nobody indexed — Anonymous, 2016"
    assert result.stderr == "devlin2018bert: 6 references, 1 not resolved by Semantic Scholar\n"
    paths = [r.path for r in s2_server.requests]
    assert paths == ["/graph/v1/paper/arXiv:1810.04805/references"]
    assert s2_server.requests[0].query["limit"] == "1000" and "contexts" in s2_server.requests[0].query["fields"]


def test_context_json_and_the_cache(bert: Path, s2_server: FakeS2) -> None:
    context = refs(bert, "devlin", "--context", s2=s2_server)
    assert "\n      “Pre-training as in Dai and Le.”\n      “Also fine-tuning.”\n" in context.stdout
    data = json.loads(refs(bert, "1810.04805", "--format", "json", s2=s2_server).stdout)
    assert data[3]["library_key"] == "peters2018deep" and data[3]["status"] == "read"
    assert data[4]["title"] == HOSTILE
    assert len(s2_server.requests) == 1, "the second listing came from .cache/"
    refs(bert, "devlin", "--refresh", s2=s2_server)
    assert len(s2_server.requests) == 2
    cited_by = refs(bert, "https://huggingface.co/papers/1706.03762", "--cited-by", s2=s2_server)
    assert cited_by.returncode == 0, cited_by.stderr
    assert "BERT: Pre-training" in cited_by.stdout


def test_adding_references_records_the_trail(bert: Path, s2_server: FakeS2, arxiv_server: FakeArxiv) -> None:
    refs(bert, "devlin2018bert", s2=s2_server)
    result = refs(bert, "devlin2018bert", "--add", "1,3-5", s2=s2_server, arxiv=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "added papers/vaswani2017attention.md  Attention Is All You Need",
        "added papers/pennington2014glove.md  GloVe: Global Vectors for Word Representation",
        "updated papers/peters2018deep.md found_via: [devlin2018bert]",
        f"added papers/bevilb2019script.md  {HOSTILE}",
    ]
    transformer = front(bert / "papers" / "vaswani2017attention.md")
    assert transformer["found_via"] == ["devlin2018bert"] and transformer["topic"] == "nlp/embeddings"
    assert transformer["status"] == "to-read" and transformer["version"] == 7, "arXiv papers come from arXiv"
    glove = front(bert / "papers" / "pennington2014glove.md")
    assert glove["doi"] == "10.3115/v1/D14-1162" and glove["venue"] == "EMNLP" and glove["abstract"] == "Vectors."
    assert front(bert / "papers" / "bevilb2019script.md")["title"] == HOSTILE, "stored verbatim"
    # one arXiv request, one Semantic Scholar batch (the listing itself came from the cache)
    assert len(arxiv_server.requests) == 1
    assert [(r.method, r.path) for r in s2_server.requests[1:]] == [("POST", "/graph/v1/paper/batch")]
    again = refs(bert, "devlin2018bert", "--add-influential", s2=s2_server, arxiv=arxiv_server)
    assert again.stdout.splitlines() == ["exists papers/vaswani2017attention.md",
                                         "added papers/dai2015semi.md  Semi-supervised Sequence Learning"]


def test_an_unresolved_reference_is_added_by_its_title(bert: Path, s2_server: FakeS2) -> None:
    result = refs(bert, "devlin2018bert", "--add", "6", "--topic", "reports", s2=s2_server)
    assert result.returncode == 0, result.stderr
    note = front(bert / "papers" / "technical2016report.md")
    assert note["title"] == "A technical report nobody indexed" and note["topic"] == "reports"


def test_bad_selections(bert: Path, s2_server: FakeS2) -> None:
    out_of_range = refs(bert, "devlin2018bert", "--add", "2,99", s2=s2_server)
    assert out_of_range.returncode == 1
    assert out_of_range.stderr == "error: --add 99: the list has 6 references (1 to 6)\n"
    assert refs(bert, "devlin2018bert", "--add", "3-1", s2=s2_server).returncode == 2
    assert refs(bert, "devlin2018bert", "--add", "x", s2=s2_server).returncode == 2
    assert sorted(p.name for p in (bert / "papers").iterdir()) == ["devlin2018bert.md", "peters2018deep.md"]


@pytest.mark.slow
def test_unknown_paper_and_faults(bert: Path, s2_server: FakeS2) -> None:
    unknown = refs(bert, "10.1234/x", s2=s2_server)
    assert unknown.returncode == 1 and unknown.stderr == "error: not found on Semantic Scholar: 10.1234/x\n"
    s2_server.faults.extend(["429", "500"])
    recovered = refs(bert, "devlin2018bert", s2=s2_server)
    assert recovered.returncode == 0, recovered.stderr
    s2_server.faults.extend(["429"] * 5)
    failed = refs(bert, "devlin2018bert", "--refresh", "--add-all", s2=s2_server)
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: Semantic Scholar did not answer usefully after 5 tries: HTTP 429: Too Many Requests.")
    assert "Traceback" not in failed.stderr
    assert sorted(p.name for p in (bert / "papers").iterdir()) == ["devlin2018bert.md", "peters2018deep.md"]
    s2_server.faults.extend(["stall"] * 5)
    s2_server.stall_seconds = 1.5
    stalled = refs(bert, "devlin2018bert", "--refresh", s2=s2_server)
    assert stalled.returncode == 1 and "did not answer usefully" in stalled.stderr


def test_a_thousand_references_are_paged_not_truncated(library: Path, s2_server: FakeS2) -> None:
    write_note(library, "big2020survey", arxiv="2001.00001")
    s2_server.add("f" * 40, "A big survey", arxiv="2001.00001")
    for i in range(1500):
        s2_server.add(f"{i:040d}", f"Reference {i}", citations=i)
        s2_server.cite("f" * 40, f"{i:040d}")
    result = refs(library, "big2020survey", "--format", "tsv", s2=s2_server)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1 + 1500
    assert [r.query["offset"] for r in s2_server.requests] == ["0", "1000"]


def test_recorded_reference_pages_are_followed(library: Path, s2_server: FakeS2) -> None:
    s2_server.replay("test_get_paper_references.yaml")  # 50 rows with next=50, then 17 rows
    result = refs(library, "10.2139/ssrn.2250500", "--format", "json", s2=s2_server)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data) == 67
    assert "Group lending or individual lending? Evidence from a randomised field experiment in Mongolia" in [d["title"] for d in data]


def test_add_by_doi_and_links(library: Path, s2_server: FakeS2, arxiv_server: FakeArxiv) -> None:
    s2_server.add(BERT_S2, "BERT", arxiv="1810.04805", doi="10.18653/v1/N19-1423", acl="N19-1423")
    s2_server.add("d" * 40, "GloVe: Global Vectors for Word Representation", ["Jeffrey Pennington"], year=2014,
                  venue="EMNLP", doi="10.3115/v1/D14-1162", acl="D14-1162")
    s2_server.add("9" * 40, "An OpenReview paper", ["Grace Hopper"], year=2019,
                  urls=("https://openreview.net/forum?id=rJ4km2R5t7",))
    arxiv_server.add("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers", ["Jacob Devlin"],
                     published="2018-10-11T00:50:01Z")
    arxiv_server.add("1706.03762", "Attention Is All You Need", ["Ashish Vaswani"], published="2017-06-12T17:57:34Z")
    result = run_script("add.py", "--root", library, "https://doi.org/10.18653/v1/N19-1423",
                        "https://aclanthology.org/D14-1162.pdf", "https://openreview.net/pdf?id=rJ4km2R5t7",
                        "https://huggingface.co/papers/1706.03762", "10.1234/x", server=arxiv_server, s2=s2_server)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "added papers/devlin2018bert.md  BERT: Pre-training of Deep Bidirectional Transformers",
        "added papers/pennington2014glove.md  GloVe: Global Vectors for Word Representation",
        "added papers/hopper2019openreview.md  An OpenReview paper",
        "added papers/vaswani2017attention.md  Attention Is All You Need",
    ]
    assert result.stderr == "error: not found on Semantic Scholar: 10.1234/x\n"
    assert front(library / "papers" / "devlin2018bert.md")["arxiv"] == "1810.04805", "taken from arXiv"
    assert [r.path for r in s2_server.requests] == ["/graph/v1/paper/batch"]
    assert s2_server.requests[0].body["ids"] == ["DOI:10.18653/v1/N19-1423", "ACL:D14-1162",
                                                 "URL:https://openreview.net/forum?id=rJ4km2R5t7", "DOI:10.1234/x"]
    assert len(arxiv_server.requests) == 1


def test_recorded_batch_answer_with_an_unknown_id(library: Path, s2_server: FakeS2) -> None:
    s2_server.replay("test_get_papers_return_not_found.yaml")
    result = run_script("add.py", "--root", library, "https://api.semanticscholar.org/CorpusID:211530585",
                        "https://api.semanticscholar.org/CorpusID:470667", "10.2139/ssrn.2250500",
                        "https://www.semanticscholar.org/paper/0f40b1f08821e22e859c6050916cec3667778613", s2=s2_server)
    assert result.returncode == 1
    assert result.stderr == "error: not found on Semantic Scholar: https://api.semanticscholar.org/CorpusID:211530585\n"
    added = result.stdout.splitlines()
    assert len(added) == 3 and added[0] == "added papers/bertrand2001much.md  How Much Should We Trust Differences-in-Differences Estimates?"
    note = front(library / "papers" / "bertrand2001much.md")
    assert note["doi"] == "10.2139/ssrn.288970" and note["authors"][:2] == ["Marianne Bertrand", "E. Duflo"]


def test_add_by_title_search(library: Path, s2_server: FakeS2, arxiv_server: FakeArxiv) -> None:
    s2_server.add("b" * 40, "Semi-supervised Sequence Learning", ["Andrew M. Dai"], year=2015, arxiv="1511.01432")
    s2_server.add("1" * 40, "Sequence to Sequence Learning with Neural Networks", ["Ilya Sutskever"], year=2014)
    arxiv_server.add("1511.01432", "Semi-supervised Sequence Learning", ["Andrew M. Dai", "Quoc V. Le"],
                     published="2015-11-04T19:01:02Z")
    exact = run_script("add.py", "--root", library, "--search", "semi-supervised sequence learning",
                       server=arxiv_server, s2=s2_server)
    assert exact.returncode == 0, exact.stderr
    assert exact.stdout == "added papers/dai2015semi.md  Semi-supervised Sequence Learning\n"
    assert "→ 1. Semi-supervised Sequence Learning — Dai, 2015 · arXiv:1511.01432" in exact.stderr
    vague = run_script("add.py", "--root", library, "--search", "sequence learning", s2=s2_server)
    assert vague.returncode == 1 and "add one with --pick N" in vague.stderr and vague.stdout == ""
    picked = run_script("add.py", "--root", library, "--search", "sequence learning", "--pick", "2", s2=s2_server)
    assert picked.returncode == 0, picked.stderr
    assert picked.stdout == "added papers/sutskever2014sequence.md  Sequence to Sequence Learning with Neural Networks\n"
    nothing = run_script("add.py", "--root", library, "--search", "no such words", s2=s2_server)
    assert nothing.returncode == 1 and nothing.stderr == "error: no paper on Semantic Scholar matches 'no such words'\n"


def test_the_api_key_is_sent_as_a_header(bert: Path, s2_server: FakeS2) -> None:
    result = run_script("refs.py", "--root", bert, "devlin2018bert", s2=s2_server, S2_API_KEY="secret-key")
    assert result.returncode == 0, result.stderr
    assert s2_server.requests[0].headers.get("x-api-key") == "secret-key"
    assert s2_server.requests[0].headers.get("User-Agent", "").startswith("papernotes/")
