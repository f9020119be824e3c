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
