"""`papernotes migrate`: a reading list like anebz/papers (tests/data/readmes) becomes one note a paper."""

from __future__ import annotations

from pathlib import Path

import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2

READMES = Path(__file__).parent / "data" / "readmes"


def test_the_plan_for_a_real_reading_list(library: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes((READMES / "anebz_papers_README.md").read_bytes())
    (tmp_path / "2018").mkdir()
    (tmp_path / "2018" / "1810.04805.md").write_bytes((READMES / "anebz_papers_note_2018_1810.04805.md").read_bytes())
    result = run_script("migrate.py", "--root", library, readme, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("139 items: 85 from arXiv, 31 from Semantic Scholar, 21 by hand, 2 skipped\n")
    lines = result.stdout.splitlines()
    assert f"{readme}:36: arXiv 1804.07853 · topic nlp · tags nlp" in lines
    bert = next(line for line in lines if "arXiv 1810.04805" in line)
    assert "topic nlp/embeddings" in bert and "notes: " in bert, "the note file the item links to is found"
    assert any("skip (not a paper: no arXiv ID, DOI or paper link" in line for line in lines)
    assert list((library / "papers").iterdir()) == [], "a dry run writes nothing"


def test_migrating_a_list(library: Path, tmp_path: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# My papers\n\n- [NLP](#nlp)\n\n## NLP\n\n### Embeddings\n\n"
        "1. BERT: Pre-training of deep bidirectional transformers, Devlin et al., 2018 [[Paper](https://arxiv.org/abs/1810.04805)]"
        " [[Notes](2018/1810.04805.md)] [\\#nlp](#nlp) [\\#embeddings](#embeddings)\n"
        "2. Two Methods for Domain Adaptation, Hangya et al., 2018 [[Paper](https://www.aclweb.org/anthology/P18-1075)] [\\#nlp](#nlp)\n\n"
        "## Economics\n\n1. Why people stay poor, Balboni and Bandiera, 2020 [[Paper](https://economics.example/poor)] #economics\n",
        encoding="utf-8")
    (tmp_path / "2018").mkdir()
    (tmp_path / "2018" / "1810.04805.md").write_text("# BERT\n\nMasked language modelling, both directions.\n", encoding="utf-8")
    arxiv_server.add("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers", ["Jacob Devlin"],
                     published="2018-10-11T00:50:01Z")
    s2_server.add("a" * 40, "Two Methods for Domain Adaptation of Bilingual Tasks", ["Viktor Hangya"], year=2018, acl="P18-1075")
    result = run_script("migrate.py", "--root", library, readme, server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    assert sorted(line.split()[1] for line in result.stdout.splitlines()) == [
        "papers/balboni2020people.md", "papers/devlin2018bert.md", "papers/hangya2018two.md"]

    def note(name: str) -> tuple[dict, str]:
        text = (library / "papers" / name).read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        return yaml.safe_load(front), body

    bert, body = note("devlin2018bert.md")
    assert bert["topic"] == "nlp/embeddings" and bert["tags"] == ["nlp", "embeddings"] and bert["arxiv"] == "1810.04805"
    assert body.startswith("\nBERT: Pre-training of deep bidirectional transformers, Devlin et al., 2018\n")
    assert "Masked language modelling, both directions." in body
    hangya, _ = note("hangya2018two.md")
    assert hangya["title"] == "Two Methods for Domain Adaptation of Bilingual Tasks" and hangya["topic"] == "nlp/embeddings"
    poor, _ = note("balboni2020people.md")
    assert poor["authors"] == ["Balboni", "Bandiera"] and poor["year"] == 2020 and poor["url"] == "https://economics.example/poor"
    assert poor["topic"] == "economics" and poor["tags"] == ["economics"]
