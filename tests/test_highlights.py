"""`papernotes highlights`: what a reader marked while reading arrives in the paper's note, from a
PDF's own annotations (PDFs written here with pypdf), Zotero (fake local and Web APIs) and
Hypothesis (a fake API), again and again, without touching the reader's words."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import run_script
from fakehighlights import FakeHighlights
from pdfkit import Pdf, two_columns

ATTENTION = ("---\ntitle: Attention Is All You Need\nauthors: [Ashish Vaswani, Noam Shazeer]\nyear: 2017\n"
             "arxiv: '1706.03762'\nversion: 7\ndoi: 10.5555/3295222.3295349\n---\n\n## Notes\n\nMy own words.\n")


@pytest.fixture
def noted(library: Path) -> Path:
    (library / "papers" / "vaswani2017attention.md").write_text(ATTENTION, encoding="utf-8")
    (library / "papers" / "other2019paper.md").write_text("---\ntitle: Another Paper Entirely\nyear: 2019\n---\n\nMine.\n",
                                                          encoding="utf-8")
    return library


def note(library: Path, key: str = "vaswani2017attention") -> str:
    return (library / "papers" / f"{key}.md").read_text(encoding="utf-8")


def highlights(library: Path, *args: str | Path, servers: FakeHighlights | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("highlights.py", "--root", library, *args, **(servers.env if servers else {}))


def quotes(text: str) -> list[str]:
    """The quoted words of each highlight, in the order the note has them."""
    return [line[4:] for line in text.splitlines() if line.startswith("> ") and not line.startswith("> —")]


def words(text: str) -> list[str]:
    """Each highlight's quoted words without their colour mark."""
    return [line.split(" ", 2)[2] for line in text.splitlines() if line.startswith("> ") and not line.startswith("> —")]


def conference_paper(path: Path) -> Path:
    """A two-column page with a title across it, marked out of order (as a reader jumps about), and
    a second page labelled 'iv' with a sticky note, a text box and a drawing."""
    pdf = Pdf()
    first = pdf.page(two_columns(
        ["We propose a new simple network", "architecture, the Transformer, based", "solely on attention mech-",
         "anisms, dispensing with recurrence.", "Experiments on two machine", "translation tasks show these"],
        ["models to be superior in quality", "while being more parallelizable", "and requiring significantly less",
         "time to train. Our model achieves", "28.4 BLEU on the WMT 2014", "English-to-German translation task."],
        title="Attention Is All You Need",
        footer="A footnote across the whole page, under both columns, as wide as a figure's caption is."))
    pdf.mark(first, "/Highlight", [pdf.where(first, "English-to-German")], contents="the headline result",
             color=(0.37, 0.7, 0.21), name="right-bottom")
    pdf.mark(first, "/Underline", [pdf.where(first, "solely on attention mech-"), pdf.where(first, "anisms")],
             contents="", color=(0.18, 0.66, 0.9), name="left-hyphen")
    pdf.mark(first, "/Highlight", [pdf.where(first, "models to be superior")], name="right-top", author="Ada Lovelace")
    pdf.mark(first, "/Squiggly", [pdf.where(first, "A footnote across")], name="footer")
    pdf.mark(first, "/StrikeOut", [pdf.where(first, "We propose a new")], name="left-top")
    pdf.mark(first, "/Highlight", [pdf.where(first, "Attention Is All You Need")], name="title", color=(1, 0.4, 0.4))
    second = pdf.page([(72, 700, "Appendix text that nobody marks.")])
    pdf.note(second, 300, 650, "Check the appendix again.", name="sticky", author="Ada Lovelace")
    pdf.note(second, 72, 500, "A box of my own text", subtype="/FreeText", name="box")
    pdf.ink(second)
    pdf.label_pages(0, style="/r", first=3)  # i, ii, ... as front matter is numbered: iii, iv
    return pdf.save(path)


def test_a_pdfs_marks_arrive_in_reading_order_with_their_comments(noted: Path, tmp_path: Path) -> None:
    pdf = conference_paper(tmp_path / "paper.pdf")
    result = highlights(noted, "vaswani2017attention", "--pdf", pdf)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated papers/vaswani2017attention.md: 8 new highlights from the PDF\n"
    assert result.stderr == f"warning: {pdf}: 1 Ink annotation left out (drawings and shapes are not words)\n"
    text = note(noted)
    assert text.startswith(ATTENTION), "the reader's words, byte for byte, come first"
    # Title across the page, then the left column top to bottom, the right column, the footnote.
    assert words(text) == [
        "Attention Is All You Need", "We propose a new", "solely on attention mechanisms",
        "models to be superior", "English-to-German", "A footnote across"]
    assert "> 🟥 Attention Is All You Need" in text and "> 🟩 English-to-German" in text
    assert "> — [p. iii](https://arxiv.org/pdf/1706.03762v7#page=1) · underlined" in text
    assert "> — [p. iii](https://arxiv.org/pdf/1706.03762v7#page=1) · Ada Lovelace" in text
    assert "\n\nthe headline result\n" in text and "struck out" in text and "squiggly" in text
    assert "📝 [p. iv](https://arxiv.org/pdf/1706.03762v7#page=2) · Ada Lovelace\n\nCheck the appendix again." in text
    assert "📝 [p. iv](https://arxiv.org/pdf/1706.03762v7#page=2) · text box\n\nA box of my own text" in text
    before = (noted / "papers" / "vaswani2017attention.md").stat()
    again = highlights(noted, "vaswani2017attention", "--pdf", pdf)
    assert again.returncode == 0 and again.stdout == ""
    after = (noted / "papers" / "vaswani2017attention.md").stat()
    assert (after.st_mtime_ns, after.st_ino) == (before.st_mtime_ns, before.st_ino), "a second import writes nothing"


def test_a_new_highlight_arrives_once_and_the_readers_edits_stay(noted: Path, tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page([(72, 700, "First sentence to mark."), (72, 688, "Second sentence to mark."),
                     (72, 676, "Third sentence to mark.")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "First sentence")], contents="one", name="a1")
    pdf.mark(page, "/Highlight", [pdf.where(page, "Third sentence")], contents="three", name="a3")
    assert highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "v1.pdf")).returncode == 0
    path = noted / "papers" / "vaswani2017attention.md"
    # The reader adds a thought under the first highlight, and a line of their own after the part.
    edited = path.read_text(encoding="utf-8").replace("\none\n", "\none\n\nMy thought on it, added in my editor.\n")
    path.write_text(edited + "\nA line after everything.\n", encoding="utf-8")
    pdf.mark(page, "/Highlight", [pdf.where(page, "Second sentence")], contents="two", name="a2")
    result = highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "v2.pdf"))
    assert result.stdout == ("updated papers/vaswani2017attention.md: 1 new highlight from the PDF; "
                             "1 highlight you edited left as you wrote it\n")
    text = path.read_text(encoding="utf-8")
    assert words(text) == ["First sentence", "Second sentence", "Third sentence"]
    assert "My thought on it, added in my editor." in text and text.endswith("\nA line after everything.\n")
    assert highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "v2.pdf").stdout == "", "once"
    assert path.read_text(encoding="utf-8") == text


def test_a_highlight_deleted_in_the_pdf_or_by_the_reader(noted: Path, tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page([(72, 700, "Kept words."), (72, 688, "Gone words.")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "Kept words")], name="kept")
    pdf.mark(page, "/Highlight", [pdf.where(page, "Gone words")], name="gone")
    highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "both.pdf"))
    fewer = Pdf()
    page = fewer.page([(72, 700, "Kept words."), (72, 688, "Gone words.")])
    fewer.mark(page, "/Highlight", [fewer.where(page, "Kept words")], name="kept")
    result = highlights(noted, "vaswani2017attention", "--pdf", fewer.save(tmp_path / "one.pdf"))
    assert result.stdout == "updated papers/vaswani2017attention.md: 1 highlight no longer in the PDF, kept\n"
    assert "Gone words" in note(noted) and "*No longer in the PDF: kept here.*" in note(noted)
    assert highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "one.pdf").stdout == "", "said once"
    # The reader deletes a highlight from the note: it does not come back.
    path = noted / "papers" / "vaswani2017attention.md"
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if "papernotes:highlight " in line and "Kept" in lines[i + 1])
    path.write_text("\n".join(lines[:start] + lines[start + 3 :]), encoding="utf-8")
    assert "Kept words" not in note(noted)
    assert highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "one.pdf").stdout == ""
    assert "Kept words" not in note(noted)
    back = highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "both.pdf")
    assert back.stdout == "updated papers/vaswani2017attention.md: 1 highlight changed in the PDF\n", "back in the PDF"
    assert "Kept words" not in note(noted) and "No longer in" not in note(noted)


def test_hostile_words_and_comments_stay_text(noted: Path, tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page([(72, 700, "<script>alert(1)</script> [x](javascript:alert(2))"),
                     (72, 688, "# Not a heading <!-- papernotes:highlights:end pdf -->")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "<script>alert(1)</script> [x](javascript:alert(2))")],
             contents="<img src=x onerror=alert(3)>\n# heading\n[y](javascript:alert(4))\n<!-- papernotes:highlights:end pdf -->",
             author="<b>Eve</b>", name="../../../etc/passwd")
    pdf.mark(page, "/Highlight", [pdf.where(page, "# Not a heading <!-- papernotes:highlights:end pdf -->")])
    assert highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "evil.pdf")).returncode == 0
    text = note(noted)
    part = text[text.index("<!-- papernotes:highlights pdf"):]
    assert part.count("<!-- papernotes:highlights:end pdf -->") == 1, "a comment cannot close the part"
    import markdown  # the engine the site's pages go through

    page = markdown.markdown(text)
    assert "<script" not in page and "<img" not in page and "<b>" not in page and 'href="javascript' not in page, page
    assert "<h1" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "# heading" in page
    assert highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "evil.pdf").stdout == ""


@pytest.mark.parametrize(("making", "message"), [
    (lambda path: path.write_bytes(b"just text, not a PDF"), "not a PDF (it does not start with %PDF)"),
    (lambda path: path.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"),
     "is damaged or not a PDF papernotes can read"),
    (lambda path: Pdf().save(path, password="secret") if Pdf().page([(72, 700, "x")]) is not None else None,
     "is encrypted; save a copy without a password to read its highlights"),
])
def test_a_pdf_that_cannot_be_read_is_one_line_naming_it(noted: Path, tmp_path: Path, making: object, message: str) -> None:
    path = tmp_path / "bad.pdf"
    making(path)  # type: ignore[operator]
    result = highlights(noted, "vaswani2017attention", "--pdf", path)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"error: {path}: ") and message in result.stderr and result.stderr.count("\n") == 1, result.stderr
    assert note(noted) == ATTENTION


def test_a_fifo_or_a_missing_file_is_one_line(noted: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    for path in (fifo, tmp_path / "missing.pdf", tmp_path):
        result = highlights(noted, "vaswani2017attention", "--pdf", path)
        assert result.returncode == 1 and result.stderr.count("\n") == 1 and str(path) in result.stderr, result.stderr
    assert highlights(noted, "--pdf", fifo).returncode == 1, "--pdf names one note"


# -- Zotero ----------------------------------------------------------------------------------------------


def test_zotero_highlights_arrive_in_its_reading_order_matched_by_identifier(noted: Path, highlight_servers: FakeHighlights) -> None:
    zotero = highlight_servers
    pdf = zotero.zotero_paper("Attention is all you need", date="2017-06-12", url="http://arxiv.org/abs/1706.03762v7",
                              archive_id="arXiv:1706.03762", extra="arXiv: 1706.03762", item_type="preprint")
    second = zotero.zotero_annotation(pdf, "The dominant sequence transduction models", page=0, offset=10, top=5,
                                      comment="context", tags=("background",))
    zotero.zotero_annotation(pdf, "multi-head attention", kind="underline", page=3, offset=2, color="#2ea8e5")
    zotero.zotero_annotation(pdf, "", kind="note", comment="Come back to section 3.2", page=2, offset=0, color="#ffd400")
    zotero.zotero_annotation(pdf, "We propose a new simple network architecture", page=0, offset=5, top=2, color="#ff6666")
    zotero.zotero_annotation(pdf, "", kind="ink", page=1)
    # Another paper's annotations, and a paper no note has.
    other = zotero.zotero_paper("A Paper Nobody Noted", date="2020")
    zotero.zotero_annotation(other, "Not ours")
    result = highlights(noted, servers=zotero)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ("updated papers/vaswani2017attention.md: 4 new highlights from Zotero\n"
                             "4 highlights found for 1 note; 1 note changed\n")
    text = note(noted)
    assert words(text) == ["We propose a new simple network architecture", "The dominant sequence transduction models",
                           "multi-head attention"]
    assert "> 🟥 We propose" in text and "> 🟦 multi-head attention" in text
    assert f"> — [p. 1](zotero://open-pdf/library/items/{pdf}?page=1&annotation={second}) · #background\n\ncontext\n" in text
    assert "📝 [p. 3](zotero://open-pdf/library/items/" in text and "Come back to section 3.2" in text
    assert "Not ours" not in text + note(noted, "other2019paper")
    assert highlights(noted, servers=zotero).stdout == "4 highlights found for 1 note; 0 notes changed\n"
    # A comment changed in Zotero, and a new highlight: both arrive; nothing else moves.
    zotero.edit_zotero(second, annotationComment="context, revised in Zotero")
    zotero.zotero_annotation(pdf, "based solely on attention mechanisms", page=0, offset=7, top=3)
    result = highlights(noted, "vaswani2017attention", servers=zotero)
    assert result.stdout.startswith("updated papers/vaswani2017attention.md: 1 new highlight from Zotero; "
                                    "1 highlight changed in Zotero\n"), result.stdout
    assert words(note(noted))[:3] == ["We propose a new simple network architecture", "based solely on attention mechanisms",
                                      "The dominant sequence transduction models"]
    assert "context, revised in Zotero" in note(noted)


def test_zotero_matches_by_doi_then_title_and_year(library: Path, highlight_servers: FakeHighlights) -> None:
    (library / "papers" / "doi2020paper.md").write_text("---\ntitle: A Journal Paper\nyear: 2020\ndoi: 10.1000/XYZ.1\n---\n",
                                                        encoding="utf-8")
    (library / "papers" / "title2019paper.md").write_text("---\ntitle: 'Deep Learning: A Survey'\nyear: 2019\n---\n",
                                                          encoding="utf-8")
    zotero = highlight_servers
    by_doi = zotero.zotero_paper("A journal paper (as the publisher titled it)", date="2020-01-01", doi="10.1000/xyz.1")
    zotero.zotero_annotation(by_doi, "found by its DOI")
    by_title = zotero.zotero_paper("Deep learning: a survey", date="March 2019")
    zotero.zotero_annotation(by_title, "found by title and year")
    wrong_year = zotero.zotero_paper("Deep learning: a survey", date="2021")
    zotero.zotero_annotation(wrong_year, "another edition")
    for run in (("doi2020paper", "title2019paper"), ()):  # one by one, then the whole library at once
        for key in ("doi2020paper", "title2019paper"):
            (library / "papers" / f"{key}.md").write_text(note(library, key).split("\n<!--")[0], encoding="utf-8")
        assert highlights(library, *run, servers=zotero).returncode == 0
        assert words(note(library, "doi2020paper")) == ["found by its DOI"]
        assert words(note(library, "title2019paper")) == ["found by title and year"]


def test_zotero_pages_through_a_large_library(noted: Path, highlight_servers: FakeHighlights) -> None:
    zotero = highlight_servers
    pdf = zotero.zotero_paper("Attention Is All You Need", date="2017", archive_id="arXiv:1706.03762")
    for number in range(250):
        zotero.zotero_annotation(pdf, f"highlight number {number}", page=number // 50, offset=number % 50)
    assert highlights(noted, servers=zotero).returncode == 0
    assert words(note(noted)) == [f"highlight number {n}" for n in range(250)]
    pages = [r for r in zotero.requests if r[2].get("itemType") == "annotation"]
    assert [r[2]["start"] for r in pages] == ["0", "100", "200"] and all(r[2]["limit"] == "100" for r in pages)


def test_the_zotero_web_api_with_a_key_and_a_group_library(noted: Path, highlight_servers: FakeHighlights) -> None:
    zotero = highlight_servers
    zotero.library, zotero.api_key = "groups/4711", "P9NiFoyLeZu2bZNvvuQPDWsd"
    pdf = zotero.zotero_paper("Attention Is All You Need", date="2017", doi="10.5555/3295222.3295349")
    zotero.zotero_annotation(pdf, "a group's highlight")
    refused = highlights(noted, servers=zotero)
    assert "warning: Zotero refused the request (HTTP 403" in refused.stderr
    result = run_script("highlights.py", "--root", noted, **zotero.env, ZOTERO_API_KEY=zotero.api_key, ZOTERO_LIBRARY="groups/4711")
    assert result.returncode == 0, result.stderr
    assert words(note(noted)) == ["a group's highlight"]
    assert f"zotero://open-pdf/groups/4711/items/{pdf}" in note(noted)
    assert zotero.requests[-1][3]["zotero-api-key"] == zotero.api_key and zotero.requests[-1][3]["zotero-api-version"] == "3"
    bad = run_script("highlights.py", "--root", noted, **zotero.env, ZOTERO_LIBRARY="../../etc")
    assert bad.returncode == 1 and bad.stderr == "error: ZOTERO_LIBRARY='../../etc' is not like users/123456 or groups/123456\n"


def test_zotero_not_running_is_one_warning_and_hypothesis_goes_on(noted: Path, highlight_servers: FakeHighlights) -> None:
    reader(noted)
    highlight_servers.hypothesis("https://arxiv.org/abs/1706.03762", "the Transformer")
    result = run_script("highlights.py", "--root", noted, **{**highlight_servers.env, "ZOTERO_API_URL": "http://127.0.0.1:9/api"})
    assert result.returncode == 0
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("warning: Zotero did not answer (cannot connect"), result.stderr
    assert words(note(noted)) == ["the Transformer"]
    highlight_servers.faults["zotero"].extend(["garbage"])
    garbage = highlights(noted, servers=highlight_servers)
    assert garbage.stderr.startswith("warning: Zotero sent an answer that is not JSON") and garbage.returncode == 0
    off = run_script("highlights.py", "--root", noted, ZOTERO_API_URL="off", HYPOTHESIS_API_URL="off")
    assert off.returncode == 1 and off.stderr.startswith("error: no source of highlights to ask")


# -- Hypothesis ------------------------------------------------------------------------------------------


def reader(library: Path, name: str = "alice") -> None:
    settings = library / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", f'[tool.papernotes]\nhypothesis_user = "{name}"\n', 1),
                        encoding="utf-8")


def test_hypothesis_brings_one_readers_annotations_on_the_papers_addresses(noted: Path, highlight_servers: FakeHighlights) -> None:
    reader(noted)
    h = highlight_servers
    h.hypothesis("https://arxiv.org/pdf/1706.03762v5", "on page two", page=1, start=10, text="a comment", tags=("attention",))
    h.hypothesis("https://arxiv.org/abs/1706.03762", "the abstract's words", start=40)
    h.hypothesis("https://doi.org/10.5555/3295222.3295349", "", text="A page note on the DOI's page")
    h.hypothesis("https://arxiv.org/pdf/1706.03762v5", "on page one", page=0, start=99)
    h.hypothesis("https://arxiv.org/abs/1706.03762", "another reader's words", user="acct:bob@hypothes.is")
    h.hypothesis("https://arxiv.org/abs/1901.00001", "another paper's words")
    h.hypothesis("https://arxiv.org/abs/1706.03762", "a private thought", private=True)
    for run in (("vaswani2017attention",), ()):  # asked paper by paper, then one search of all alice's annotations
        (noted / "papers" / "vaswani2017attention.md").write_text(ATTENTION, encoding="utf-8")
        result = run_script("highlights.py", "--root", noted, *run, **{**h.env, "ZOTERO_API_URL": "off"})
        assert result.returncode == 0, result.stderr
        text = note(noted)
        assert words(text) == ["on page one", "on page two", "the abstract's words"], run
        assert "another reader" not in text and "another paper" not in text and "private" not in text
        assert "📝 [in context](https://hyp.is/" in text and "A page note on the DOI's page" in text
        assert "> — [p. 2](https://hyp.is/" in text and "#attention\n\na comment" in text
    private = run_script("highlights.py", "--root", noted, **{**h.env, "ZOTERO_API_URL": "off", "HYPOTHESIS_API_TOKEN": "tok"})
    assert "a private thought" not in note(noted), "the server decides what a token may read"
    h.hypothesis_token = "tok"
    private = run_script("highlights.py", "--root", noted, **{**h.env, "ZOTERO_API_URL": "off", "HYPOTHESIS_API_TOKEN": "tok"})
    assert private.returncode == 0 and "a private thought" in note(noted)
    assert h.requests[-1][3]["authorization"] == "Bearer tok"


def test_hypothesis_needs_a_user(noted: Path, highlight_servers: FakeHighlights) -> None:
    result = run_script("highlights.py", "--root", noted, "--source", "hypothesis", **highlight_servers.env)
    assert result.returncode == 1 and "set hypothesis_user" in result.stderr
    settings = noted / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", '[tool.papernotes]\nhypothesis_user = "a b"\n', 1),
                        encoding="utf-8")
    bad = run_script("highlights.py", "--root", noted, **highlight_servers.env)
    assert bad.returncode == 1 and "hypothesis_user must be a Hypothesis user name" in bad.stderr


def test_dry_run_says_what_would_change_and_writes_nothing(noted: Path, tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page([(72, 700, "Words to mark.")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "Words to mark")])
    result = highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "p.pdf"), "--dry-run")
    assert result.returncode == 0 and result.stdout == "would change papers/vaswani2017attention.md: 1 new highlight from the PDF\n"
    assert note(noted) == ATTENTION


def test_a_damaged_part_is_named_and_the_note_left_alone(noted: Path, tmp_path: Path) -> None:
    pdf = Pdf()
    page = pdf.page([(72, 700, "Words to mark.")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "Words to mark")])
    pdf.save(tmp_path / "p.pdf")
    assert highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "p.pdf").returncode == 0
    path = noted / "papers" / "vaswani2017attention.md"
    damaged = path.read_text(encoding="utf-8").replace("<!-- papernotes:highlights:end pdf -->\n", "")
    path.write_text(damaged, encoding="utf-8")
    result = highlights(noted, "vaswani2017attention", "--pdf", tmp_path / "p.pdf")
    assert result.returncode == 1 and result.stderr.startswith("error: papers/vaswani2017attention.md: the part of highlights "
                                                               "from the PDF has lost a fence")
    assert path.read_text(encoding="utf-8") == damaged


def test_no_sequence_of_imports_and_edits_loses_a_readers_line() -> None:
    """Property: whatever the source does (adds, changes, drops, brings back highlights) and whatever
    the reader does between imports (a line written anywhere: above, inside a highlight, between two,
    after the part; a highlight deleted), every line the reader wrote is still there afterwards."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from papernotes.model.highlights import Highlight
    from papernotes.services.highlights import merge

    pool = [Highlight(f"h{n}", "highlight", f"words {n}", f"comment {n}", "#ffd400", str(n)) for n in range(6)]
    changed = {h.anchor: Highlight(h.anchor, h.kind, h.text, h.comment + " (edited at the source)", h.color, h.page) for h in pool}
    imports = st.tuples(st.lists(st.integers(0, 5), unique=True), st.sets(st.integers(0, 5)))
    edits = st.lists(st.tuples(st.sampled_from(["write", "delete"]), st.integers(0, 10_000)), max_size=3)

    @settings(max_examples=300, deadline=None)
    @given(st.lists(st.tuples(imports, edits), min_size=1, max_size=6))
    def never_lost(steps: list[tuple[tuple[list[int], set[int]], list[tuple[str, int]]]]) -> None:
        body = "## Notes\n\nMine.\n"
        written: list[str] = []
        for number, ((chosen, edited_at_source), reader_edits) in enumerate(steps):
            source = [changed[pool[i].anchor] if i in edited_at_source else pool[i] for i in chosen]
            merged = merge(body, "zotero", source, "x.md")
            body = merged.text if merged.text is not None else body
            for count, (kind, where) in enumerate(reader_edits):
                lines = body.split("\n")
                if kind == "write":
                    line = f"reader's line {number}.{count}"
                    lines.insert(where % (len(lines) + 1), line)
                    written.append(line)
                else:
                    anchors = [i for i, text in enumerate(lines) if text.startswith("<!-- papernotes:highlight ")]
                    if anchors:  # the reader deletes a whole highlight: its anchor line and what follows
                        start = anchors[where % len(anchors)]
                        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("<!-- papernotes:highlight")),
                                   len(lines))
                        if not any(text in written for text in lines[start:end]):
                            del lines[start:end]
                body = "\n".join(lines)
            for line in written:
                assert line in body.split("\n"), (line, body)

    never_lost()


def test_marking_a_paper_read_mentions_its_highlights_waiting(noted: Path, highlight_servers: FakeHighlights) -> None:
    zotero = highlight_servers
    pdf = zotero.zotero_paper("Attention Is All You Need", date="2017", archive_id="arXiv:1706.03762")
    zotero.zotero_annotation(pdf, "one")
    zotero.zotero_annotation(pdf, "two")
    result = run_script("status.py", "--root", noted, "vaswani2017attention", "read", **zotero.env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == ["Zotero has 2 highlights for it that the note has not: "
                                              "papernotes highlights vaswani2017attention"]
    assert highlights(noted, "vaswani2017attention", servers=zotero).returncode == 0
    again = run_script("status.py", "--root", noted, "vaswani2017attention", "read", **zotero.env)
    assert again.stdout.splitlines()[1:] == [], "nothing waiting: nothing said"
    quiet = run_script("status.py", "--root", noted, "other2019paper", "read", **{**zotero.env, "ZOTERO_API_URL": "http://127.0.0.1:9/api"})
    assert quiet.returncode == 0 and quiet.stderr == "", "a Zotero that is not running is not status's business"


@pytest.mark.slow
def test_a_decompression_bomb_is_one_line_and_the_command_stays_small(noted: Path, tmp_path: Path) -> None:
    """A page whose content inflates to 1.5 GB: read in a child process under a memory limit, it
    costs one line naming the file, not the machine's memory."""
    import zlib

    pdf = Pdf()
    page = pdf.page([(72, 700, "Words to mark.")])
    pdf.mark(page, "/Highlight", [pdf.where(page, "Words to mark")])
    path = pdf.save(tmp_path / "bomb.pdf")
    packer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    bomb = b"".join(packer.compress(chunk) for _ in range(1500)) + packer.flush()
    data = path.read_bytes()
    # The page's content stream becomes the bomb (the page's own text is the first stream pypdf wrote).
    start = data.index(b"stream\n", data.index(b"BT /F1") - 200)
    end = data.index(b"endstream", start)
    head = data[:start].rsplit(b"<<", 1)
    bombed = head[0] + f"<< /Length {len(bomb)} /Filter /FlateDecode >>\nstream\n".encode() + bomb + b"\n" + data[end:]
    path.write_bytes(bombed)
    result = highlights(noted, "vaswani2017attention", "--pdf", path)
    assert result.returncode == 1 and result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(f"error: {path}: ") and "memory" in result.stderr, result.stderr
    assert note(noted) == ATTENTION


def test_check_names_a_part_that_lost_a_fence(noted: Path) -> None:
    from papernotes.model.highlights import Highlight
    from papernotes.services.highlights import merge

    merged = merge(ATTENTION.split("---\n", 2)[2], "zotero", [Highlight("K1", "highlight", "words")], "x.md")
    assert merged.text is not None
    path = noted / "papers" / "vaswani2017attention.md"
    path.write_text(ATTENTION.split("\n---\n")[0] + "\n---\n" + merged.text, encoding="utf-8")
    assert run_script("check.py", "--root", noted).returncode == 0
    path.write_text(path.read_text(encoding="utf-8").replace("<!-- papernotes:highlights:end zotero -->\n", ""), encoding="utf-8")
    result = run_script("check.py", "--root", noted)
    assert "papers/vaswani2017attention.md:14: warning: the part of highlights from Zotero has lost a fence" in result.stdout, result.stdout


def test_a_latex_two_column_paper_reads_left_column_then_right(noted: Path, tmp_path: Path) -> None:
    """A real pdfTeX paper (tests/data/pdf/two_column.tex: Computer Modern, ligatures, kerning, no
    space characters): highlights a reader made out of order come back as the paper reads, the left
    column's foot before the right column's top, with 'first' and 'efficient' spelled out of their
    ligatures. Where each phrase sits comes from pdfTeX itself (\\pdfsavepos), not from a PDF reader."""
    import shutil

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-base)")
    source = Path(__file__).parent / "data" / "pdf" / "two_column.tex"
    shutil.copy(source, tmp_path / "paper.tex")
    compiled = subprocess.run(["pdflatex", "-interaction=batchmode", "-halt-on-error", "paper.tex"], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)
    assert compiled.returncode == 0, compiled.stdout[-2000:]
    where: dict[str, dict[str, tuple[float, float]]] = {}
    for line in (tmp_path / "paper.marks").read_text(encoding="utf-8").splitlines():
        name, edge, x, y, _ = line.split()
        where.setdefault(name, {})[edge] = (int(x) / 65781.76, int(y) / 65781.76)  # scaled points to PDF points
    assert where["left-bottom"]["start"][1] < where["right-top"]["start"][1] and where["right-top"]["start"][0] > 306, \
        "the page is set as this test means: the left column's foot lower on the page than the right column's top"
    pdf = Pdf(clone_from=tmp_path / "paper.pdf")
    for name in ("right-top", "left-bottom", "title", "left-top"):  # the order a reader jumped about in
        (x0, y), (x1, _) = where[name]["start"], where[name]["end"]
        height = 17 if name == "title" else 9
        pdf.mark(0, "/Highlight", [(x0, y - 2, x1, y + height)], name=name)
    result = highlights(noted, "vaswani2017attention", "--pdf", pdf.save(tmp_path / "annotated.pdf"))
    assert result.returncode == 0, result.stderr
    assert words(note(noted)) == ["Attention Is All You Need", "The first model we propose", "a finding worth keeping",
                                  "efficient and flexible architectures"]
