"""Related papers and gaps from reference lists (a fake Semantic Scholar), kept in inbox/references.jsonl,
on the command line and on the site; and related papers kept up to date incrementally."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2
from papernotes.model.citations import Cited
from papernotes.model.paper import Paper
from papernotes.services import citations

HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> [x](javascript:alert(3))'


def write_note(library: Path, key: str, **fields: object) -> None:
    meta = {"title": fields.pop("title", key), "authors": ["Ada Lovelace"], "year": 2020, "status": "read", **fields}
    (library / "papers" / f"{key}.md").write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n## Notes\n",
                                                   encoding="utf-8")


@pytest.fixture
def cited(library: Path, s2_server: FakeS2) -> Path:
    """Three notes on arXiv: BERT and GPT cite Transformer, ELMo and a hostile title; RoBERTa cites BERT,
    Transformer and GloVe. Transformer is in the library; ELMo, GloVe and the hostile paper are not."""
    s = s2_server
    write_note(library, "devlin2018bert", title="BERT: Pre-training of Deep Bidirectional Transformers", arxiv="1810.04805", topic="nlp")
    write_note(library, "radford2018gpt", title="Improving Language Understanding by Generative Pre-Training", arxiv="1801.00001", topic="nlp")
    write_note(library, "liu2019roberta", title="RoBERTa: A Robustly Optimized BERT Pretraining Approach", arxiv="1907.11692", topic="nlp/bert")
    write_note(library, "vaswani2017attention", title="Attention Is All You Need", arxiv="1706.03762", topic="nlp")
    write_note(library, "he2015deep", title="Deep Residual Learning for Image Recognition", topic="vision")  # no ID: no list
    for paper_id, title, arxiv in (("1" * 40, "BERT", "1810.04805"), ("2" * 40, "GPT", "1801.00001"), ("3" * 40, "RoBERTa", "1907.11692"),
                                   ("4" * 40, "Attention Is All You Need", "1706.03762"), ("5" * 40, "Deep Contextualized Word Representations", "1802.05365")):
        s.add(paper_id, title, ["Someone"], arxiv=arxiv)
    s.add("6" * 40, "GloVe: Global Vectors for Word Representation", ["Jeffrey Pennington"], year=2014, doi="10.3115/V1/D14-1162")
    s.add("7" * 40, HOSTILE, ["Mallory <b>"], year=2019)
    for citing in ("1" * 40, "2" * 40):
        for target in ("4" * 40, "5" * 40, "7" * 40):
            s.cite(citing, target)
    for target in ("1" * 40, "4" * 40, "6" * 40, "5" * 40):
        s.cite("3" * 40, target)
    s.cite("2" * 40, "6" * 40)
    return library


def test_gaps_lists_what_the_notes_keep_citing(cited: Path, s2_server: FakeS2) -> None:
    result = run_script("gaps.py", "--root", cited, s2=s2_server)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "fetching the reference lists of 4 notes from Semantic Scholar (kept in inbox/references.jsonl)"
    assert lines[1].startswith("1. Deep Contextualized Word Representations — Someone, 2018 · arXiv:1802.05365 · cited by 3: ")
    glove = next(line for line in lines if "GloVe" in line)
    assert "DOI:10.3115/v1/d14-1162" in glove and "cited by 2: liu2019roberta, radford2018gpt" in glove
    assert "Attention" not in result.stdout, "a paper in the library is no gap"
    kept = (cited / "inbox" / "references.jsonl").read_text(encoding="utf-8")
    assert [json.loads(line)["key"] for line in kept.splitlines()] == ["devlin2018bert", "liu2019roberta", "radford2018gpt", "vaswani2017attention"]
    # Kept: asked once. A second run (or --offline) reads the file; the same lists write the same bytes.
    asked = len(s2_server.requests)
    again = run_script("gaps.py", "--root", cited, "--offline", "--min", "3", s2=s2_server)
    assert len(s2_server.requests) == asked and again.stdout.splitlines()[0].startswith("1. Deep Contextualized")
    assert "GloVe" not in again.stdout
    topic = run_script("gaps.py", "--root", cited, "--topic", "nlp/bert", "--min", "1", s2=s2_server)
    assert "GloVe" in topic.stdout and "cited by 1: liu2019roberta" in topic.stdout


def test_gaps_add(cited: Path, s2_server: FakeS2, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("1802.05365", "Deep contextualized word representations", ["Matthew E. Peters"])
    result = run_script("gaps.py", "--root", cited, "--add", "1", server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    note = next((cited / "papers").glob("peters*.md")).read_text(encoding="utf-8")
    meta = yaml.safe_load(note.split("---\n")[1])
    assert meta["found_via"] == ["devlin2018bert", "liu2019roberta", "radford2018gpt"] and meta["status"] == "to-read"
    bad = run_script("gaps.py", "--root", cited, "--add", "9", "--offline")
    assert bad.returncode != 0 and bad.stderr.strip().startswith("error: --add 9: the list has")


def test_related_with_reasons(cited: Path, s2_server: FakeS2) -> None:
    assert run_script("gaps.py", "--root", cited, s2=s2_server).returncode == 0
    result = run_script("related.py", "--root", cited, "devlin2018bert", "--offline")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Related to devlin2018bert (BERT: Pre-training of Deep Bidirectional Transformers):"
    assert lines[1].startswith("  liu2019roberta ") and "cites this paper · cites 2 of the same papers" in lines[1]
    gpt = next(line for line in lines if "radford2018gpt" in line)
    assert "cites 3 of the same papers" in gpt
    transformer = next(line for line in lines if "vaswani2017attention" in line)
    assert "cited by this paper" in transformer
    # A note sharing a word of its title only ("Deep") comes after every note related by citations.
    assert all("similar words" == line.split(" — ")[1] for line in lines[1:] if "he2015deep" in line)
    assert lines[-1].startswith("  he2015deep") or "he2015deep" not in result.stdout


def test_the_site_shows_related_papers_and_gaps_escaped(cited: Path, s2_server: FakeS2) -> None:
    assert run_script("gaps.py", "--root", cited, "--min", "1", s2=s2_server).returncode == 0
    (cited / "mkdocs.yml").write_text("site_name: Mine\ndocs_dir: site-src\n", encoding="utf-8")
    assert run_script("site.py", "--root", cited, PAPERNOTES_TODAY="2026-11-29").returncode == 0
    page = (cited / "site-src" / "devlin2018bert.md").read_text(encoding="utf-8")
    assert '<h2 id="related" data-search-exclude>Related in your library</h2>' in page
    assert "Improving Language Understanding" in page and "cites 3 of the same papers" in page
    trails = (cited / "site-src" / "trails.md").read_text(encoding="utf-8")
    assert "## Foundations your library keeps citing" in trails and "Deep Contextualized Word Representations" in trails
    assert "<script>" not in trails and "<img" not in trails and not re.search(r"(?<!\\)\]\(javascript", trails)


def test_related_is_updated_incrementally_and_equals_a_full_computation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random edits to 150 notes: after each, the lists kept up to date equal every list computed again
    with the same text model (vocabulary and weights are those of the last full computation), and a
    one-note edit never computes everything again."""
    from papernotes.store.cache import DataCache
    rng = random.Random(5)
    words = "retrieval dense passage transformer attention reward policy graph diffusion vision parsing speech".split()
    idents = [f"arXiv:2001.{n:05d}" for n in range(60)]
    papers = [Paper(key=f"p{i}", title=" ".join(rng.sample(words, 3)), abstract=" ".join(rng.choices(words, k=30)),
                    arxiv=f"2101.{i:05d}") for i in range(150)]
    lists = {p.key: [Cited(i, "T", 2020, "A") for i in rng.sample(idents, 8)] + [Cited(f"arXiv:2101.{rng.randrange(150):05d}", "T", 2020, "A")]
             for p in papers[:100]}
    cache = tmp_path
    full_runs: list[int] = []
    real_all = citations._Model.all
    monkeypatch.setattr(citations._Model, "all", lambda self: full_runs.append(1) or real_all(self))
    citations.related(papers, lists, cache)
    assert len(full_runs) == 1
    for step in range(15):
        i = rng.randrange(len(papers))
        papers[i] = papers[i].replace(abstract=" ".join(rng.choices(words, k=30)), body=f"notes {step} " + rng.choice(words))
        patched = citations.related(papers, lists, cache)
        assert len(full_runs) == 1, f"step {step} computed everything again"
        kept = DataCache(tmp_path, "related-model.json", citations.CACHE_FORMAT).load()
        model = citations._Model.from_data(kept, {p.key: p for p in papers}, lists, {})
        assert model is not None
        assert patched == real_all(model), f"step {step}"
    assert citations.related(papers, lists, cache) is not None and len(full_runs) == 1
    lists["p0"] = lists["p0"][:3]  # a reference list changed: everything again
    citations.related(papers, lists, cache)
    assert len(full_runs) == 2


def test_reference_lists_are_fetched_a_bounded_number_a_run(cited: Path, s2_server: FakeS2, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(citations, "MAX_FETCHED", 3)
    monkeypatch.setattr(citations, "WRITE_EVERY", 2)
    first = run_script("gaps.py", "--root", cited, s2=s2_server)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines()[0] == ("fetching the reference lists of 3 notes from Semantic Scholar "
                                            "(kept in inbox/references.jsonl); the other 1 next time")
    assert len((cited / "inbox" / "references.jsonl").read_text(encoding="utf-8").splitlines()) == 3
    second = run_script("gaps.py", "--root", cited, s2=s2_server)
    assert second.stdout.splitlines()[0].startswith("fetching the reference lists of 1 note ")
    assert len((cited / "inbox" / "references.jsonl").read_text(encoding="utf-8").splitlines()) == 4
    assert "fetching" not in run_script("gaps.py", "--root", cited, s2=s2_server).stdout
