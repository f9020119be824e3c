"""`papernotes migrate`: a reading list like anebz/papers (tests/data/readmes) becomes one note a paper."""

from __future__ import annotations

from pathlib import Path

import pytest
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
    assert body.startswith("\n## From My papers\n\nBERT: Pre-training of deep bidirectional transformers, Devlin et al., 2018\n")
    assert "Masked language modelling, both directions." in body
    hangya, _ = note("hangya2018two.md")
    assert hangya["title"] == "Two Methods for Domain Adaptation of Bilingual Tasks" and hangya["topic"] == "nlp/embeddings"
    poor, _ = note("balboni2020people.md")
    assert poor["authors"] == ["Balboni", "Bandiera"] and poor["year"] == 2020 and poor["url"] == "https://economics.example/poor"
    assert poor["topic"] == "economics" and poor["tags"] == ["economics"]


def plan(library: Path, readme: Path) -> tuple[list[str], str]:
    result = run_script("migrate.py", "--root", library, readme, "--dry-run")
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines(), result.stderr


def test_an_awesome_list_of_pdf_links(library: Path) -> None:
    """terryum/awesome-deep-learning-papers: `- **Title** (2015), A. Author et al. [[pdf]](http://arxiv.org/pdf/...)`.
    Counted by hand: the README links 114 distinct arXiv papers (every `arxiv.org/pdf|abs` link and
    `arXiv:` citation, `grep -o` and `sort -u`), each in its own entry; the other papers (NIPS, CVPR, ...
    PDFs) are written from their citations, and the README's own prose bullets are not papers."""
    lines, summary = plan(library, READMES / "terryum_awesome-deep-learning-papers_README.md")
    assert summary.endswith("256 items: 114 from arXiv, 0 from Semantic Scholar, 99 by hand, 43 skipped\n"), summary
    distill = next(line for line in lines if "arXiv 1503.02531" in line)
    assert "topic " in distill and "skip" not in distill
    assert any(":21: skip (not a paper" in line for line in lines), "the README's criteria are named, with their line"


def test_a_roadmap_of_numbered_citations_with_stars(library: Path) -> None:
    """floodsung's roadmap: 133 numbered citations (`**[12]** Author. "**Title**." Venue. [[pdf]](...) ★★★`),
    97 of them on arXiv (the README's 97 distinct arXiv IDs; one citation wraps onto a second line), in
    sections and subsections, ordered from the foundations, starred by importance."""
    lines, summary = plan(library, READMES / "floodsung_Deep-Learning-Papers-Reading-Roadmap_README.md")
    assert summary.endswith("137 items: 97 from arXiv, 0 from Semantic Scholar, 36 by hand, 4 skipped\n"), summary
    papers = [line for line in lines if "skip" not in line]
    assert len(papers) == 133
    assert "topic deep-learning-history-and-basics/survey" in papers[1] and "priority 1" in papers[1], papers[1]
    vgg = next(line for line in papers if "arXiv 1409.1556" in line)
    assert "topic deep-learning-history-and-basics/imagenet-evolutiondeep-learning-broke-out-from-here" in vgg
    assert "priority 3" in vgg, "three stars: read after the five- and four-star papers"
    rfcn = next(line for line in papers if "arXiv 1605.06409" in line)
    assert "priority 2" in rfcn, "the citation that wraps onto a second line keeps its four stars"
    order = [int(line.split(":")[1]) for line in papers]
    assert order == sorted(order), "the roadmap's order is kept"


def test_a_table_and_a_checklist_field_by_field(library: Path, tmp_path: Path, arxiv_server: FakeArxiv) -> None:
    readme = tmp_path / "list.md"
    readme.write_text(
        "# Reading group\n\n## Transformers\n\n"
        "| Done | Paper | Code |\n|---|---|---|\n"
        "| [x] | [Attention Is All You Need](https://arxiv.org/abs/1706.03762) | [code](https://github.com/tensorflow/tensor2tensor) |\n"
        "| [ ] | BERT, arXiv:1810.04805 | |\n\n"
        "## Later\n\n"
        "- [x] Dropout https://arxiv.org/abs/1207.0580 #regularization\n"
        "    - read in 2019: simple and it works\n"
        "    - see also the JMLR version\n"
        "- [ ] Some talk I liked, no link\n",
        encoding="utf-8")
    for ident, title in (("1706.03762", "Attention Is All You Need"), ("1810.04805", "BERT: Pre-training"),
                         ("1207.0580", "Improving neural networks by preventing co-adaptation")):
        arxiv_server.add(ident, title, ["Ada Lovelace"], published="2017-06-12T17:57:34Z")
    result = run_script("migrate.py", "--root", library, readme, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert f"{readme}:15: skipped, not a paper" in result.stderr, "an entry that is no paper is named, line and reason"

    def front(key_part: str) -> tuple[dict, str]:
        name = next(p for p in (library / "papers").iterdir() if key_part in p.name)
        _, head, body = name.read_text(encoding="utf-8").split("---\n", 2)
        return yaml.safe_load(head), body

    attention, _ = front("attention")
    assert attention["status"] == "read" and attention["topic"] == "transformers"
    assert attention["code"] == "https://github.com/tensorflow/tensor2tensor"
    bert, _ = front("bert")
    assert bert["status"] == "to-read" and "code" not in bert
    dropout, body = front("improving")
    assert dropout["status"] == "read" and dropout["tags"] == ["regularization"] and dropout["topic"] == "later"
    assert "- read in 2019: simple and it works" in body and "- see also the JMLR version" in body


def test_a_roadmap_enters_the_queue_in_its_order_after_what_was_planned(library: Path, tmp_path: Path,
                                                                         arxiv_server: FakeArxiv) -> None:
    from papernotes.model.reading import queue
    from papernotes.store.library import Library

    (library / "papers" / "mine2024own.md").write_text("---\ntitle: My own pick\nyear: 2024\npriority: 2\n---\n", encoding="utf-8")
    readme = tmp_path / "roadmap.md"
    readme.write_text("# Roadmap\n\n## Start here\n\n**[1]** Newer, A. \"**Read this first**.\" arXiv:2001.00001 (2020)\n\n"
                      "**[2]** Older, B. \"**Then this older one**.\" arXiv:1001.00002 (2010)\n\n"
                      "## Then\n\n**[3]** Middle, C. \"**Last**.\" arXiv:1501.00003 (2015)\n", encoding="utf-8")
    for ident, title, year in (("2001.00001", "Read this first", "2020"), ("1001.00002", "Then this older one", "2010"),
                               ("1501.00003", "Last", "2015")):
        arxiv_server.add(ident, title, ["Ada Lovelace"], published=f"{year}-01-02T00:00:00Z")
    assert run_script("migrate.py", "--root", library, readme, server=arxiv_server,
                      PAPERNOTES_TODAY="2026-11-29").returncode == 0
    order = [p.title for p in queue(Library(library).load_strict(), "2026-W49")]
    assert order == ["My own pick", "Read this first", "Then this older one", "Last"], order


def test_a_paper_already_in_the_library_gets_the_lists_words_once(library: Path, tmp_path: Path,
                                                                   arxiv_server: FakeArxiv) -> None:
    mine = library / "papers" / "devlin2018bert.md"
    original = "---\ntitle: BERT  # my title\narxiv: '1810.04805'\ntags: [NLP]\ncode: https://github.com/mine/bert\n---\n\nMy own notes.\n"
    mine.write_text(original, encoding="utf-8")
    readme = tmp_path / "list.md"
    readme.write_text("# Group picks\n\n- BERT https://arxiv.org/abs/1810.04805 #nlp #pretraining [code](https://github.com/google/bert)\n"
                      "    - discussed on 3 May\n", encoding="utf-8")
    first = run_script("migrate.py", "--root", library, readme, server=arxiv_server)
    assert first.returncode == 0, first.stderr
    assert "updated papers/devlin2018bert.md" in first.stdout, first.stdout
    text = mine.read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: BERT  # my title\narxiv: '1810.04805'\n"), "its own lines are kept"
    assert "tags: [NLP, pretraining]" in text, "a tag it lacks is added; NLP and nlp are one tag"
    assert "code: https://github.com/mine/bert" in text, "its code link is never overwritten"
    assert text.endswith("\nMy own notes.\n\n## From Group picks\n\nBERT\n\n- discussed on 3 May\n"), text
    second = run_script("migrate.py", "--root", library, readme, server=arxiv_server)
    assert second.returncode == 0 and mine.read_text(encoding="utf-8") == text, "a second migration adds nothing"
    assert "exists papers/devlin2018bert.md" in second.stdout, second.stdout


def test_citations_without_a_link_are_looked_up_by_title(library: Path, tmp_path: Path, arxiv_server: FakeArxiv,
                                                         s2_server: FakeS2) -> None:
    readme = tmp_path / "list.md"
    readme.write_text(
        "# Classics\n\n"
        "- **Deep Residual Learning for Image Recognition** (2016), K. He et al. [[pdf]](http://www.cv-foundation.org/resnet.pdf)\n"
        "- **Long Short-Term Memory** (1997), S. Hochreiter and J. Schmidhuber\n"
        "- **A paper nobody indexed** (2001), A. Nobody\n",
        encoding="utf-8")
    s2_server.add("r" * 40, "Deep Residual Learning for Image Recognition", ["Kaiming He"], year=2016, arxiv="1512.03385")
    s2_server.add("l" * 40, "Long Short-Term Memory", ["Sepp Hochreiter", "Jürgen Schmidhuber"], year=1997,
                  venue="Neural Computation", doi="10.1162/neco.1997.9.8.1735")
    arxiv_server.add("1512.03385", "Deep Residual Learning for Image Recognition", ["Kaiming He"],
                     published="2015-12-10T19:51:55Z")
    result = run_script("migrate.py", "--root", library, readme, server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("3 items: 1 added from arXiv, 1 from Semantic Scholar, 1 by hand, 0 already there and "
                                  "updated, 0 already there, 0 failed, 0 skipped\n"), result.stderr
    notes = {p.name: p.read_text(encoding="utf-8") for p in (library / "papers").iterdir()}
    resnet = next(text for name, text in notes.items() if "deep" in name)
    assert "arxiv: '1512.03385'" in resnet or "arxiv: 1512.03385" in resnet
    lstm = next(text for name, text in notes.items() if "long" in name)
    assert "doi: 10.1162/neco.1997.9.8.1735" in lstm and "Neural Computation" in lstm
    nobody = next(text for name, text in notes.items() if "nobody" in name)
    assert "title: A paper nobody indexed" in nobody and "year: 2001" in nobody


def test_semantic_scholar_down_means_by_hand_with_one_warning(library: Path, tmp_path: Path) -> None:
    readme = tmp_path / "list.md"
    readme.write_text("".join(f"- **Paper number {i} of the list** (2001), A. Author{i}\n" for i in range(4)), encoding="utf-8")
    result = run_script("migrate.py", "--root", library, readme)  # S2 points at a closed port
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("the citations without a link are written by hand") == 1, result.stderr
    assert "4 by hand" in result.stderr and len(list((library / "papers").iterdir())) == 4


@pytest.mark.slow
def test_the_whole_roadmap_becomes_notes_in_its_order(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    from papernotes.model.ids import find_references, unique_ids
    from papernotes.model.reading import imported_from, queue
    from papernotes.store.library import Library

    roadmap = READMES / "floodsung_Deep-Learning-Papers-Reading-Roadmap_README.md"
    for number, ident in enumerate(unique_ids(find_references(roadmap.read_text(encoding="utf-8")))):
        arxiv_server.add(ident, f"Roadmap paper {number}", ["Ada Lovelace"], published="2015-06-01T00:00:00Z")
    result = run_script("migrate.py", "--root", library, roadmap, server=arxiv_server, s2=s2_server,
                        PAPERNOTES_TODAY="2026-11-29")
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.endswith("137 items: 97 added from arXiv, 0 from Semantic Scholar, 36 by hand, 0 already there "
                                  "and updated, 0 already there, 0 failed, 4 skipped\n"), result.stderr[-400:]
    papers = Library(library).load_strict(bodies=True)
    assert len(papers) == 133
    assert all(p.body.startswith("\n## From Deep Learning Papers Reading Roadmap\n") for p in papers)
    lines = [imported_from(p) for p in queue(papers, "2026-W49")]
    by_priority: dict[int, list[int]] = {}
    for paper, origin in zip(queue(papers, "2026-W49"), lines, strict=True):
        assert origin is not None and origin[0] == roadmap.name
        by_priority.setdefault(paper.priority or 2, []).append(origin[1] or 0)
    assert sorted(by_priority) == [1, 2, 3] and all(order == sorted(order) for order in by_priority.values()), \
        "five stars first, then four, then the rest, each in the roadmap's order"
    bible = next(p for p in papers if p.title.casefold() == "deep learning" and p.venue is None and "Goodfellow" in " ".join(p.authors))
    assert bible.priority == 1 and bible.topic == "deep-learning-history-and-basics/book"


@pytest.mark.slow
def test_a_hostile_list_becomes_text_on_the_site(tmp_path: Path, arxiv_server: FakeArxiv) -> None:
    """A list from the web is data: its words reach the note escaped, and no page of the site runs them."""
    from sitekit import assert_no_executable_markup, build, copy_library, page

    (tmp_path / "lib").mkdir()
    root = copy_library(tmp_path / "lib")
    readme = tmp_path / "list.md"
    readme.write_text(
        "# <img src=x onerror=alert(1)>\n\n## Evil\n\n"
        "- <img src=x onerror=alert(2)> [[x](javascript:alert(3))](https://arxiv.org/abs/2101.00001) {: onclick=alert(4) }\n"
        "    - <script>alert(5)</script> ![p](javascript:alert(6))\n",
        encoding="utf-8")
    arxiv_server.add("2101.00001", "An ordinary paper", ["Ada Lovelace"], published="2021-01-01T00:00:00Z")
    result = run_script("migrate.py", "--root", root, readme, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    note = next((root / "papers").glob("lovelace2021*.md")).read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(2)&gt; \\[x\\](javascript:alert(3))" in note, note
    assert "&lt;script&gt;alert(5)&lt;/script&gt;" in note and "## From &lt;img src=x onerror=alert(1)&gt;" in note
    built = build(root, PAPERNOTES_TODAY="2026-11-29")
    assert built.returncode == 0, built.stderr[-2000:]
    assert_no_executable_markup(root / "site")
    assert "&lt;img src=x onerror=alert(2)&gt;" in page(root / "site", "lovelace2021ordinary/index.html")
