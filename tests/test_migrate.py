"""`papernotes migrate`: a reading list like anebz/papers (tests/data/readmes) becomes one note a paper."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2
from papernotes.model.links import strip_empty_sections

READMES = Path(__file__).parent / "data" / "readmes"


def test_the_plan_for_a_real_reading_list(library: Path, tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_bytes((READMES / "anebz_papers_README.md").read_bytes())
    (tmp_path / "2018").mkdir()
    (tmp_path / "2018" / "1810.04805.md").write_bytes((READMES / "anebz_papers_note_2018_1810.04805.md").read_bytes())
    result = run_script("migrate.py", "--root", library, readme, "--dry-run")
    assert result.returncode == 0, result.stderr
    # 16 papers are listed under two topics each: one note each, in its first topic.
    assert result.stderr.endswith("139 items, 16 of them a paper named above: 76 from arXiv, 31 from Semantic Scholar, "
                                  "14 by hand, 2 skipped\n"), result.stderr
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
    PDFs) are asked of Semantic Scholar by their venue's address or written from their citations, and
    the README's own prose bullets are not papers."""
    lines, summary = plan(library, READMES / "terryum_awesome-deep-learning-papers_README.md")
    assert summary.endswith("256 items: 114 from arXiv, 68 from Semantic Scholar, 33 by hand, 41 skipped\n"), summary
    distill = next(line for line in lines if "arXiv 1503.02531" in line)
    assert "topic " in distill and "skip" not in distill
    assert any(":21: skip (not a paper" in line for line in lines), "the README's criteria are named, with their line"


def test_a_link_is_read_as_commonmark_reads_it(library: Path, tmp_path: Path) -> None:
    """Spaces around a link's address (terryum's list: `[[pdf]](https://arxiv.org/pdf/1509.06461.pdf )`)
    and a title after it: still a link, and its label no part of the citation (it was the venue "[pdf]")."""
    listed = tmp_path / "list.md"
    listed.write_text("- **Deep Reinforcement Learning with Double Q-Learning** (2016), H. Hasselt et al. "
                      "[[pdf]](https://arxiv.org/pdf/1509.06461.pdf )\n"
                      '- Attention Is All You Need (2017), A. Vaswani et al. [[pdf]]( https://arxiv.org/abs/1706.03762 "arXiv" )\n',
                      encoding="utf-8")
    closed = {name: "http://127.0.0.1:9" for name in ("ARXIV_API_URL", "S2_API_URL", "HF_API_URL", "PWC_API_URL")}
    result = run_script("migrate.py", "--root", library, listed, **closed)
    assert result.returncode == 0, result.stderr
    notes = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1]) for p in (library / "papers").glob("*.md")}
    assert {(n["arxiv"], n["title"], n.get("venue")) for n in notes.values()} == {
        ("1509.06461", "Deep Reinforcement Learning with Double Q-Learning", None),
        ("1706.03762", "Attention Is All You Need", None)}


def test_a_roadmap_of_numbered_citations_with_stars(library: Path) -> None:
    """floodsung's roadmap: 133 numbered citations (`**[12]** Author. "**Title**." Venue. [[pdf]](...) ★★★`),
    97 of them on arXiv (the README's 97 distinct arXiv IDs; one citation wraps onto a second line), in
    sections and subsections, ordered from the foundations, starred by importance."""
    lines, summary = plan(library, READMES / "floodsung_Deep-Learning-Papers-Reading-Roadmap_README.md")
    assert summary.endswith("137 items: 97 from arXiv, 16 from Semantic Scholar, 20 by hand, 4 skipped\n"), summary
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
    bible = next(p for p in papers if p.title.casefold() == "deep learning" and "Goodfellow" in " ".join(p.authors))
    assert bible.venue == "An MIT Press book" and bible.year == 2015
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
    # HTML is no part of a list's words (a survey's <img> and <br>): left out; the rest is text.
    assert "onerror" not in note and "<script" not in note and "](javascript" not in note, note
    assert "\\{: onclick=alert(4) \\}" in note and "## From list.md" in note, note
    built = build(root, PAPERNOTES_TODAY="2026-11-29")
    assert built.returncode == 0, built.stderr[-2000:]
    assert_no_executable_markup(root / "site")
    assert "onclick=alert(4)" in page(root / "site", "lovelace2021ordinary/index.html"), "shown as text"


# -- the shapes reading lists take (tests/data/lists: written for these tests, each after a public list's shape) ---

LISTS = Path(__file__).parent / "data" / "lists"


def planned(library: Path, name: str) -> dict[int, str]:
    lines, _ = plan(library, LISTS / name)
    return {int(line.split(":")[1]): line.split(":", 2)[2].strip() for line in lines}


def test_a_surveys_tables(library: Path) -> None:
    """Rows that end in a comment after the last `|`, a `|:--|` rule, `<br>` between title and
    authors, a star badge before the title, and headings with a table of contents before them."""
    rows = planned(library, "survey_table.md")
    assert sorted(rows) == [18, 19, 20, 21, 26, 27, 34, 35], rows
    assert rows[20].startswith("arXiv 2302.05737 · topic mathematics/discrete-denoising")
    assert rows[18].startswith("Semantic Scholar URL:https://proceedings.mlr.press/"), "a venue's page is a paper"
    assert rows[34].startswith("arXiv 2505.16446 · topic applications/safety") and "code https://github.com/example/BadThing" in rows[34]
    assert rows[35].startswith("by hand"), "a blog's model report, with its authors, is written from its row"


def test_a_newsletters_weekly_tables(library: Path) -> None:
    rows = planned(library, "weekly_table.md")
    assert rows[6].startswith("arXiv 2304.11062") and "also on line 15" in rows[6], "a paper two weeks name is one note"
    assert 15 not in rows
    assert rows[9].startswith("skip (not a paper"), "no title from a quoted word, no author from a paragraph"


def test_headings_as_a_reader_means_them(library: Path) -> None:
    rows = planned(library, "monthly_notes.md")
    assert "topic papers/2018-02" in rows[7] and "notes: 3 lines" in rows[7]
    assert rows[8].startswith("arXiv 1801.06146 · topic papers/2018-02"), "a link whose words wrap onto the next line"
    assert "topic papers/2018-01 " in rows[13], "sibling headings below a skipped level stay siblings"
    assert "topic transformers " in rows[17], "a heading that is a link is its words"
    assert "topic None " in rows[21], "a list's Unsorted is no topic"
    assert "topic from-awesome-llm " in rows[25], "a badge is not part of a heading"


def test_a_numbered_bibliography_with_authors_on_the_next_line(library: Path) -> None:
    rows = planned(library, "bibliography.md")
    assert rows[5].startswith("Semantic Scholar DOI:10.1038/323533a0"), "a DOI inside a publisher's address is a DOI"
    assert rows[7].startswith("by hand") and rows[9].startswith("by hand")
    assert rows[16].startswith("Semantic Scholar DOI:10.1038/nature16961")
    assert rows[18].startswith("Semantic Scholar DOI:10.1126/science.aar6404")
    from papernotes.sources.reading_list import citation_of, parse_list

    items = {item.line: item for item in parse_list((LISTS / "bibliography.md").read_text(encoding="utf-8"))}
    rumelhart = citation_of(items[5])
    assert rumelhart is not None and rumelhart.title == "Learning representations by back-propagating errors"
    assert rumelhart.authors == ("David E. Rumelhart", "Geoffrey E. Hinton", "Ronald J. Williams") and rumelhart.year == 1986
    hinton = citation_of(items[9])
    assert hinton is not None and hinton.authors == ("Geoffrey E. Hinton",) and hinton.title.startswith("Learning distributed")


def test_a_checklist_with_venue_links_and_duplicates(library: Path) -> None:
    rows = planned(library, "checklist.md")
    assert rows[5].startswith("Semantic Scholar URL:https://openaccess.thecvf.com/") and " · read" in rows[5]
    assert rows[7].startswith("Semantic Scholar URL:https://openreview.net/forum?id=YicbFdNTTy")
    assert rows[13].startswith("Semantic Scholar ACL:N19-1423")
    assert " · read" in rows[14] and "also on line 15" in rows[14], "ticked on either line: read"
    assert rows[19].startswith("by hand · topic None"), "a title with its venue and year is a citation"


def test_an_org_mode_reading_list(library: Path) -> None:
    rows = planned(library, "reading.org")
    assert sorted(rows) == [5, 8, 9, 10, 12, 13, 14], rows
    assert rows[5].startswith("by hand · topic reinforcement-learning") and " · read" in rows[5] and "notes: 1 lines" in rows[5]
    assert rows[9].startswith("arXiv 1801.01290") and " · read" not in rows[9]
    assert "tags games" in rows[10]
    assert rows[14].startswith("skip (not a paper"), "a TODO that is no paper"


def test_an_awesome_list_of_repositories_and_posts(library: Path) -> None:
    rows = planned(library, "awesome_repos.md")
    assert rows[5].startswith("skip") and rows[6].startswith("skip"), "repositories are not papers"
    assert rows[12].startswith("Semantic Scholar DOI:10.1145/3586183.3606763")
    assert rows[16].startswith("skip") and rows[17].startswith("skip"), "no note by hand written by a company or a blog"


@pytest.mark.slow  # a limit's test: the full suite runs it (README, Development)
def test_with_every_service_unreachable_every_arxiv_paper_is_written(library: Path) -> None:
    closed = {name: "http://127.0.0.1:9" for name in ("ARXIV_API_URL", "S2_API_URL", "HF_API_URL", "PWC_API_URL")}
    for name in ("survey_table.md", "bibliography.md", "checklist.md", "reading.org"):
        result = run_script("migrate.py", "--root", library, LISTS / name, **closed)
        assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
        assert "failed" not in result.stderr.rsplit(":", 1)[-1] or ", 0 failed," in result.stderr, result.stderr
        assert " 0 added from arXiv," in result.stderr, "written from the list's words, not from arXiv: said so"
    notes = {p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1]) for p in (library / "papers").glob("*.md")}
    arxiv = {n["arxiv"] for n in notes.values() if n.get("arxiv")}
    assert {"2302.05737", "2406.07524", "2211.16750", "2505.16446", "1412.6980", "1311.2901", "2005.14165", "1909.11942",
            "1409.0473", "1801.01290"} <= arxiv
    assert all(author.split()[-1][:1].isupper() for n in notes.values() for author in n.get("authors", []) if author != "others")
    mnih = next(n for n in notes.values() if n["title"].startswith("Human-level control"))
    assert mnih["status"] == "read" and mnih["year"] == 2015 and mnih["authors"][0].endswith("Mnih"), \
        "the bibliography wrote it first; the Org list, where it is DONE, marked it read"


def test_a_box_ticked_in_the_list_marks_a_paper_the_library_has_read(library: Path, tmp_path: Path,
                                                                         arxiv_server: FakeArxiv) -> None:
    (library / "papers" / "mine.md").write_text("---\ntitle: ALBERT\narxiv: '1909.11942'\nstatus: to-read\n---\n", encoding="utf-8")
    (library / "papers" / "done.md").write_text("---\ntitle: GPT-3\narxiv: '2005.14165'\nstatus: skipped\n---\n", encoding="utf-8")
    listed = tmp_path / "list.md"
    listed.write_text("- [x] [ALBERT](https://arxiv.org/abs/1909.11942)\n- [x] [GPT-3](https://arxiv.org/abs/2005.14165)\n",
                      encoding="utf-8")
    rows = planned(library, str(listed))
    assert "(exists: papers/mine.md)" in rows[1], "the plan says which papers the library has"
    result = run_script("migrate.py", "--root", library, listed, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert "status: to-read → read" in result.stdout
    assert "status: skipped" in (library / "papers" / "done.md").read_text(encoding="utf-8"), "a status set by hand stays"
    assert "1 already there and updated" in result.stderr or "2 already there and updated" in result.stderr


@pytest.mark.parametrize(("text", "title", "authors", "year"), [
    ("Title of the paper, Devlin et al., 2018", "Title of the paper", ("Devlin",), 2018),
    ('Hinton, Geoffrey E. "Learning distributed representations of concepts." Proceedings of CogSci, 1986.',
     "Learning distributed representations of concepts", ("Geoffrey E. Hinton",), 1986),
    ("Mnih et al. 2015: Human-level control through deep reinforcement learning",
     "Human-level control through deep reinforcement learning", ("Mnih",), 2015),
    ("Sutton and Barto 2018: Reinforcement Learning: An Introduction", "Reinforcement Learning: An Introduction",
     ("Sutton", "Barto"), 2018),
    ("Mordvintsev, Alexander; Olah, Christopher; Tyka, Mike (2015). \"**Inceptionism: Going Deeper**\". Google Research.",
     "Inceptionism: Going Deeper", ("Alexander Mordvintsev", "Christopher Olah", "Mike Tyka"), 2015),
    ("Learning deep architectures for AI (2009), Y. Bengio.", "Learning deep architectures for AI", ("Y. Bengio.",), 2009),
    ("Farhadi,Ali,etal. \"**Every picture tells a story**\". In ECCV 2010.", "Every picture tells a story", ("Ali Farhadi",), 2010),
])
def test_citations_as_lists_write_them(text: str, title: str, authors: tuple[str, ...], year: int) -> None:
    from papernotes.sources.citation import parse_citation

    cited = parse_citation(text)
    assert cited is not None and (cited.title, cited.authors, cited.year) == (title, authors, year), cited


@pytest.mark.parametrize(("text", "venue"), [
    # Google Scholar's form, as the Deep Learning Papers Reading Roadmap writes it
    ('Silver, David, et al. "**Mastering the game of Go with deep neural networks and tree search**." Nature 529.7587 '
     '(2016): 484-489.', "Nature"),
    ('Simonyan, Karen, and Andrew Zisserman. "**Very deep convolutional networks**." arXiv preprint arXiv:1409.1556 (2014).',
     None),
    ('Ba, Jimmy, et al. "**Multiple object recognition with visual attention**." In arXiv preprint arXiv:1412.7755', None),
    ('Bengio, Yoshua. "**Deep Learning of Representations for Unsupervised and Transfer Learning**." ICML Unsupervised '
     'and Transfer Learning 27 (2012): 17-36.', "ICML Unsupervised and Transfer Learning"),
    ('Goodfellow, Ian, et al. "**Maxout networks**." ICML. Vol. 28 (2013).', "ICML"),
    ('Farhadi,Ali,etal. "**Every picture tells a story**". In CVPR 2010.', "CVPR"),
    ('Mordvintsev, Alexander (2015). "**Inceptionism: Going Deeper**". Google Research. **(Deep Dream)**', "Google Research"),
])
def test_a_citations_venue_is_the_venue_alone(text: str, venue: str | None) -> None:
    """Not arXiv (the note's `arxiv` says it), nor the style's "In", a volume and issue, or a list's bold."""
    from papernotes.sources.citation import parse_citation

    cited = parse_citation(text)
    assert cited is not None and cited.venue == venue, cited


@pytest.mark.parametrize("text", [
    'Google "We Have No Moat, And Neither Does OpenAI"',
    '1) **Segment Anything** - a new task, model and dataset for "promptable" segmentation.',
    "Buy groceries",
    "LLM Powered Autonomous Agents - Lilian Weng, 2023.",
    "**2016** :  +60 citations or \"More Papers from 2016\"",
])
def test_words_that_cite_no_paper(text: str) -> None:
    from papernotes.sources.citation import parse_citation

    assert parse_citation(text) is None


def test_a_links_description_names_no_authors() -> None:
    """An awesome list's `[Meetup 16](https://www.meetup.com/...) - Quantum Mechanics London`
    (krishnakumarsekar's quantum machine learning list): after a dash and with no year, the words
    describe the link; with a year they name its authors."""
    from papernotes.sources.citation import parse_citation

    assert parse_citation("Meetup 16 - Quantum Mechanics London", "Meetup 16") is None
    assert parse_citation("Matlab based python library - Matlab Python Library", "Matlab based python library") is None
    cited = parse_citation("Attention Is All You Need - A. Vaswani, N. Shazeer (2017)", "Attention Is All You Need")
    assert cited is not None and (cited.authors, cited.year) == (("A. Vaswani", "N. Shazeer"), 2017)
    table = parse_citation("Dream 7b · Jiacheng Ye, Zhihui Xie, Lin Zheng", "Dream 7b")
    assert table is not None and table.authors == ("Jiacheng Ye", "Zhihui Xie", "Lin Zheng"), "a table's author column"


NOTE_FOLDERS = Path(__file__).parent / "data" / "paper_notes"


def note_folder(tmp_path: Path) -> Path:
    """shagunsodhani/papers-I-read's Jekyll posts on top, AlexPiche/obsidian_vault's reading notes in
    LLM/ (tests/data/paper_notes), with what a vault also holds: its settings, a picture, a link out."""
    folder = tmp_path / "papers I read"
    shutil.copytree(NOTE_FOLDERS / "shagunsodhani_papers-I-read", folder)
    shutil.copytree(NOTE_FOLDERS / "AlexPiche_obsidian_vault", folder / "LLM")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "workspace.md").write_text("# not a paper\n", encoding="utf-8")
    (folder / "LLM" / "Screen Shot 2022-08-03 at 2.53.00 PM.png").write_bytes(b"\x89PNG\r\n")
    (tmp_path / "secret.md").write_text("---\ntitle: A secret\n---\nprivate words\n", encoding="utf-8")
    (folder / "secret.md").symlink_to(tmp_path / "secret.md")
    return folder


def test_a_folder_of_notes_becomes_one_note_a_file(library: Path, tmp_path: Path, arxiv_server: FakeArxiv,
                                                   s2_server: FakeS2) -> None:
    folder = note_folder(tmp_path)
    arxiv_server.add("1503.02531", "Distilling the Knowledge in a Neural Network", ["Geoffrey Hinton", "Oriol Vinyals"],
                     published="2015-03-09T15:44:49Z")
    arxiv_server.add("1505.00468", "VQA: Visual Question Answering", ["Aishwarya Agrawal"], published="2015-05-03T00:00:00Z")
    arxiv_server.add("2203.02155", "Training language models to follow instructions with human feedback", ["Long Ouyang"],
                     published="2022-03-04T00:00:00Z")
    nips = "http://papers.nips.cc/paper/5347-how-transferable-are-features-in-deep-neural-networks.pdf"
    s2_server.add("y" * 40, "How transferable are features in deep neural networks?", ["Jason Yosinski"], year=2014,
                  venue="NIPS", urls=(nips,))
    s2_server.add("o" * 40, "Training language models to follow instructions with human feedback", ["Long Ouyang"],
                  year=2022, arxiv="2203.02155")
    s2_server.add("k" * 40, "RankGen: Improving Text Generation with Large Ranking Models", ["Kalpesh Krishna"],
                  year=2022, venue="EMNLP")

    plan = run_script("migrate.py", "--root", library, folder, "--dry-run", server=arxiv_server, s2=s2_server)
    assert plan.returncode == 0, plan.stderr
    lines = plan.stdout.splitlines()
    assert f"{folder}/2017-12-31-Distilling the Knowledge in a Neural Network.md: arXiv 1503.02531 · topic None · " \
           "tags 2014, nips-2014, ai, nips · read · notes: 49 lines" in lines
    assert f"{folder}/LLM/@rogersPrimerBERTologyWhat2020.md: by hand · topic llm · tags -" in lines
    assert f"{folder}/secret.md: skip (a symbolic link to a file outside the folder; not read) · topic None · tags -" in lines
    assert len(lines) == 7, "the vault's settings and its pictures are no papers"

    result = run_script("migrate.py", "--root", library, folder, server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    assert result.stderr.endswith("7 items: 3 added from arXiv, 2 from Semantic Scholar, 1 by hand, 0 already there and "
                                  "updated, 0 already there, 0 failed, 1 skipped\n"), result.stderr
    assert f"warning: {folder}/secret.md: skipped, a symbolic link to a file outside the folder; not read" in result.stderr
    notes = {p.name: p.read_text(encoding="utf-8") for p in (library / "papers").iterdir()}
    # The vault's notes keep their citation keys (`@ouyangTrainingLanguageModels2022.md`), as `bib import` keeps a .bib's.
    assert sorted(notes) == ["agrawal2015vqa.md", "hinton2015distilling.md", "krishnaRankGenImprovingText2022.md",
                             "ouyangTrainingLanguageModels2022.md", "rogersPrimerBERTologyWhat2020.md",
                             "yosinski2014transferable.md"]
    assert not any("private words" in text for text in notes.values())

    def note(name: str) -> tuple[dict, str]:
        _, front, body = notes[name].split("---\n", 2)
        return yaml.safe_load(front), body

    distilling, body = note("hinton2015distilling.md")
    assert distilling["status"] == "read" and distilling["tags"] == ["2014", "nips-2014", "ai", "nips"]
    assert distilling["finished"] == dt.date(2017, 12, 31), "read when the post was written (its file name's date)"
    assert distilling["found_via"] == ["import:papers I read/2017-12-31-Distilling the Knowledge in a Neural Network.md"]
    assert body.startswith("\n## From papers I read\n\n### Introduction\n"), "the post's headings under the section's"
    original = (NOTE_FOLDERS / "shagunsodhani_papers-I-read" / "2017-12-31-Distilling the Knowledge in a Neural Network.md")
    written = original.read_text(encoding="utf-8").split("---\n", 2)[2].strip()
    assert re.sub(r"(?m)^#+", "", written) in re.sub(r"(?m)^#+", "", body), "the notes, every word as written"
    assert "## From papers I read" in strip_empty_sections(body), "the site keeps the section (an H1 ended it)"
    transferable, _ = note("yosinski2014transferable.md")
    assert transferable["venue"] == "NIPS" and transferable["status"] == "read"
    # The Obsidian notes: their frontmatter is not YAML (an unquoted colon), read line by line; the
    # subfolder is their topic; a vault's own links and pictures become their words.
    rankgen, body = note("krishnaRankGenImprovingText2022.md")
    assert rankgen["title"] == "RankGen: Improving Text Generation with Large Ranking Models" and rankgen["topic"] == "llm"
    assert rankgen["venue"] == "EMNLP" and rankgen["tags"] == ["languagemodels", "ebm"] and "finished" not in rankgen
    assert "* Screen Shot 2022-08-03 at 2.53.00 PM.png\n" in body and "[[" not in body
    ouyang, _ = note("ouyangTrainingLanguageModels2022.md")
    assert ouyang["arxiv"] == "2203.02155" and ouyang["tags"] == ["language_models", "preferences", "rl"]
    assert ouyang["status"] == "to-read", "a note of nothing but its frontmatter: not read yet"
    rogers, _ = note("rogersPrimerBERTologyWhat2020.md")
    assert rogers["authors"] == ["Anna Rogers", "Olga Kovaleva", "Anna Rumshisky"] and rogers["year"] == 2020
    check = run_script("check.py", "--root", library)
    assert check.returncode == 0 and "0 errors" in check.stdout + check.stderr, check.stdout + check.stderr

    again = run_script("migrate.py", "--root", library, folder, server=arxiv_server, s2=s2_server)
    assert again.returncode == 0, again.stderr
    assert "0 added from arXiv, 0 from Semantic Scholar, 0 by hand, 0 already there and updated, 6 already there" in again.stderr
    assert {p.name: p.read_text(encoding="utf-8") for p in (library / "papers").iterdir()} == notes, "a second run adds nothing"


def test_a_folder_of_notes_from_a_stranger(library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files that are no notes are skipped with their reason; frontmatter is read as a note's is (no
    YAML aliases); a folder with more notes than the limit is refused whole, naming it."""
    import os

    from papernotes.commands import migrate

    folder = tmp_path / "notes"
    (folder / "deep").mkdir(parents=True)
    os.mkfifo(folder / "pipe.md")
    (folder / "huge.md").write_bytes(b"x" * (migrate.MAX_NOTE_FILE + 1))
    (folder / "aliases.md").write_text("---\ntitle: Laughs\na: &a [x, x]\nb: [*a, *a, *a]\n---\nwords\n", encoding="utf-8")
    (folder / "markup.md").write_text("---\ntitle: '<script>alert(1)</script> A paper'\nyear: 2020\n---\n", encoding="utf-8")
    (folder / "deep" / "unclosed.md").write_text("---\ntitle: never closed\nnotes without an end\n", encoding="utf-8")
    (folder / "empty.md").write_text("---\n---\n", encoding="utf-8")
    (folder / "values.md").write_text("---\ntitle: \"Odd\\0 values\\e[31m\"\nauthors: [{a: 1}, [x], Real Name]\nyear: 99999\n"
                                      "tags: [[1, 2], {x: y}, NIPS 2014, '#rl']\narxiv: [1, 2]\ncitekey: ../../evil\n---\n", encoding="utf-8")
    (folder / "code.md").write_text("---\ntitle: Code\n---\n```c\n#include <x.h>\n```\n`#define` http://a.org/page#part "
                                    "and #real-tag\n#Not a heading\n", encoding="utf-8")
    (folder / "dated.md").write_text("---\ntitle: Dated\ndate: 2019-05-02 10:00:00 +0000\n---\nread it\n", encoding="utf-8")
    (folder / "2999-01-01-future.md").write_text("---\ntitle: Future\n---\nnot yet\n", encoding="utf-8")
    trap = folder.joinpath(*["x"] * 70)
    trap.mkdir(parents=True)
    (trap / "deep.md").write_text("# Deep\n", encoding="utf-8")
    result = run_script("migrate.py", "--root", library, folder, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "its folders are not read, 64 levels below" in result.stderr, "a tree deeper than that is said, not lost silently"
    lines = result.stdout.splitlines()
    assert f"{folder}/empty.md: skip (an empty file) · topic None · tags -" in lines
    assert f"{folder}/values.md: by hand · topic None · tags nips-2014, rl" in lines
    assert f"{folder}/code.md: by hand · topic None · tags real-tag, not · read · notes: 5 lines" in lines
    assert f"{folder}/pipe.md: skip (not a regular file) · topic None · tags -" in lines
    assert f"{folder}/huge.md: skip (larger than 1 MiB; not read) · topic None · tags -" in lines
    assert f"{folder}/aliases.md: by hand · topic None · tags - · read · notes: 1 lines" in lines
    assert f"{folder}/deep/unclosed.md: by hand · topic deep · tags - · read · notes: 3 lines" in lines
    written = run_script("migrate.py", "--root", library, folder, S2_API_URL="off")
    assert written.returncode == 0, written.stderr
    def front(pattern: str) -> dict:
        return yaml.safe_load(next((library / "papers").glob(pattern)).read_text(encoding="utf-8").split("---\n")[1])

    assert front("*dated*.md")["finished"] == dt.date(2019, 5, 2) and "finished" not in front("*future*.md")
    odd = yaml.safe_load(next((library / "papers").glob("*odd*.md")).read_text(encoding="utf-8").split("---\n")[1])
    assert odd["title"] == "Odd values[31m" and odd["authors"] == ["Real Name"] and "year" not in odd
    assert ".." not in odd["key"] and (library / "papers" / f"{odd['key']}.md").is_file(), "a citation key that is no file name is not taken"
    markup = next((library / "papers").glob("*2020*.md")).read_text(encoding="utf-8")
    assert yaml.safe_load(markup.split("---\n")[1])["title"] == "<script>alert(1)</script> A paper", "text, kept as written"

    # The library itself, or its notes' folder, is no folder to bring in: every note would get a
    # section of itself.
    (library / "README.md").write_text("- [x](papers/x.md) [arXiv](https://arxiv.org/abs/1706.03762)\n", encoding="utf-8")
    for own in (library, library / "papers", library / "README.md"):
        refused = run_script("migrate.py", "--root", library, own)
        assert refused.returncode == 1 and "holds this library's own notes" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1

    monkeypatch.setattr(migrate, "MAX_FOLDER_NOTES", 3)
    refused = run_script("migrate.py", "--root", library, folder, "--dry-run")
    assert refused.returncode == 1 and refused.stderr == f"error: {folder}: more than 3 notes; migrate its folders one at a time\n"


def test_a_note_whose_first_heading_cites_its_paper(library: Path, tmp_path: Path) -> None:
    """anebz/papers' notes have no frontmatter: `# BERT: Pre-training ..., Devlin et al., 2018`, then
    `## [Paper](https://arxiv.org/abs/1810.04805)`. With arXiv off the note is written from that citation."""
    folder = tmp_path / "notes"
    folder.mkdir()
    shutil.copy(READMES / "anebz_papers_note_2018_1810.04805.md", folder / "1810.04805.md")
    result = run_script("migrate.py", "--root", library, folder, ARXIV_API_URL="off", S2_API_URL="off")
    assert result.returncode == 0, result.stderr
    bert = yaml.safe_load((library / "papers" / "devlin2018bert.md").read_text(encoding="utf-8").split("---\n")[1])
    assert bert["title"] == "BERT: Pre-training of deep bidirectional transformers for language understanding"
    assert bert["authors"] == ["Devlin"] and bert["year"] == 2018 and bert["arxiv"] == "1810.04805"
    assert bert["tags"] == ["nlp", "embeddings"], "its text's #tags (`Tags: \\#nlp, \\#embeddings`)"
