"""PDFs the highlight tests write, with pypdf (not the library papernotes reads them with): pages of
Courier text (every character 0.6 em wide, so a test knows where each word is) and a reader's
annotations on them, as PDF readers write them (Acrobat, Preview, Zotero's export, Okular):
/Highlight, /Underline, /Squiggly and /StrikeOut with /QuadPoints, /Text sticky notes, /FreeText,
and an /Ink drawing, each with /Contents, /C, /NM and /T."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    RectangleObject,
    TextStringObject,
)

SIZE = 10  # points: a character is 6 wide, a line 12 high
CHAR = 0.6 * SIZE


class Pdf:
    def __init__(self, clone_from: Path | None = None) -> None:
        """A new PDF, or a copy of one (to annotate a PDF another program made)."""
        self.writer = PdfWriter(clone_from=clone_from) if clone_from is not None else PdfWriter()
        font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                                 NameObject("/BaseFont"): NameObject("/Courier")})
        self.font = self.writer._add_object(font)
        self.lines: list[list[tuple[float, float, str]]] = []

    def page(self, lines: list[tuple[float, float, str]]) -> int:
        """A page with these (x, y, text) lines; its index."""
        page = self.writer.add_blank_page(612, 792)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject({NameObject("/F1"): self.font})})
        ops = []
        for x, y, text in lines:
            escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"BT /F1 {SIZE} Tf {x} {y} Td ({escaped}) Tj ET")
        stream = DecodedStreamObject()
        stream.set_data("\n".join(ops).encode("latin-1"))
        page[NameObject("/Contents")] = self.writer._add_object(stream)
        self.lines.append(lines)
        return len(self.lines) - 1

    def where(self, page: int, words: str, line: int | None = None) -> tuple[float, float, float, float]:
        """The box of `words` on a line of the page (the first line holding them)."""
        for number, (x, y, text) in enumerate(self.lines[page]):
            if (line is None or number == line) and words in text:
                start = text.index(words)
                return (x + start * CHAR, y - 2, x + (start + len(words)) * CHAR, y + SIZE - 1)
        raise ValueError(words)

    def mark(self, page: int, subtype: str, boxes: list[tuple[float, float, float, float]], *, contents: str = "",
             color: tuple[float, ...] = (1, 0.83, 0), name: str | None = None, author: str | None = None) -> None:
        """A text-markup annotation: one quadrilateral per box, corners in the order the PDF
        specification gives (upper left, upper right, lower left, lower right)."""
        points: list[float] = []
        for x0, y0, x1, y1 in boxes:
            points += [x0, y1, x1, y1, x0, y0, x1, y0]
        rect = [min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes)]
        self._annotate(page, subtype, rect, contents, color, name, author,
                       {"/QuadPoints": ArrayObject([FloatObject(v) for v in points])})

    def note(self, page: int, x: float, y: float, contents: str, *, subtype: str = "/Text", name: str | None = None,
             author: str | None = None) -> None:
        width = 200 if subtype == "/FreeText" else 20
        self._annotate(page, subtype, [x, y, x + width, y + 20], contents, (1, 1, 0), name, author, {})

    def ink(self, page: int) -> None:
        self._annotate(page, "/Ink", [100, 100, 200, 200], "", (1, 0, 0), None, None,
                       {"/InkList": ArrayObject([ArrayObject([FloatObject(v) for v in (100, 100, 150, 180, 200, 120)])])})

    def _annotate(self, page: int, subtype: str, rect: list[float], contents: str, color: tuple[float, ...],
                  name: str | None, author: str | None, extra: dict[str, object]) -> None:
        annotation = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject(subtype),
                                       NameObject("/Rect"): RectangleObject(rect),
                                       NameObject("/C"): ArrayObject([FloatObject(c) for c in color])})
        for key, value in extra.items():
            annotation[NameObject(key)] = value  # type: ignore[assignment]
        for key, value in (("/Contents", contents), ("/NM", name), ("/T", author)):
            if value:
                annotation[NameObject(key)] = TextStringObject(value)
        target = self.writer.pages[page]
        if "/Annots" not in target:
            target[NameObject("/Annots")] = ArrayObject()
        target["/Annots"].append(self.writer._add_object(annotation))  # type: ignore[union-attr]

    def label_pages(self, start: int, prefix: str = "", style: str = "/D", first: int = 1) -> None:
        self.writer.set_page_label(start, len(self.lines) - 1, style=style, prefix=prefix, start=first)  # type: ignore[arg-type]

    def save(self, path: Path, password: str | None = None) -> Path:
        if password is not None:
            self.writer.encrypt(password, algorithm="AES-128")
        with open(path, "wb") as handle:
            self.writer.write(handle)
        return path


def two_columns(left: list[str], right: list[str], top: float = 700, title: str | None = None,
                footer: str | None = None) -> list[tuple[float, float, str]]:
    """A page set like a conference paper: an optional title across the page, two columns of
    lines, and an optional line across the page at the foot."""
    lines: list[tuple[float, float, str]] = []
    y = top
    if title is not None:
        lines.append((72, y + 40, title))
    for number, text in enumerate(left):
        lines.append((50, y - number * 12, text))
    for number, text in enumerate(right):
        lines.append((320, y - number * 12, text))
    if footer is not None:
        lines.append((72, y - (max(len(left), len(right)) + 2) * 12, footer))
    return lines
