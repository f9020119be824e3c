"""The marks a reader made in a PDF: highlights, underlines, squiggles and strike-outs with the words
under them, sticky notes and free text, each with its comment, colour, page label and author, in
reading order (a two-column page: the left column, then the right, top to bottom, with what spans
both columns in its place).

Read with pdfminer.six (MIT): pypdf has the annotations but not where each character sits, and the
words under a highlight are the characters inside its quadrilaterals. A PDF is a stranger's file
(a fork takes pull requests; papers come from anywhere): it is read in a child process with a time
limit and a memory limit, so a decompression bomb, a cycle of references or a parser's recursion
costs one line naming the file, never the command.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.files import load_json
from papernotes.model.highlights import MAX_HIGHLIGHTS, MAX_TEXT, hex_color, tidy

MAX_PDF_BYTES = 200 * 1024 * 1024
MAX_PAGES = 5000
SECONDS = 120.0  # for the whole file; a 40-page paper with a hundred marks takes about a second
MEMORY = 1024 * 1024 * 1024  # the reading process's address space
MARKUP = {"Highlight": "highlight", "Underline": "underline", "Squiggly": "squiggly", "StrikeOut": "strikeout"}
NOTES = {"Text": "note", "FreeText": "text"}
IGNORED = {"Link", "Popup", "Widget"}  # parts of the page, not a reader's marks
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})


class PdfError(PapernotesError):
    """A PDF that could not be read; the message names it, in one line."""


@dataclass(frozen=True)
class PdfMark:
    page: int  # from 0
    label: str  # the page's label ("3", "iv"), as a reader's PDF viewer shows it
    kind: str
    text: str
    comment: str
    color: str | None
    author: str | None
    ident: str | None  # the annotation's /NM, its name in the file
    box: tuple[float, float, float, float]  # where on the page (x0, y0, x1, y1), rounded


@dataclass(frozen=True)
class PdfMarks:
    marks: list[PdfMark]
    left_out: dict[str, int]  # drawings and shapes by kind: not words, so not brought in
    pages: int


def read_marks(data: bytes, name: str) -> PdfMarks:
    """The reader's marks in a PDF's bytes, in reading order; PdfError naming `name` when it cannot be read."""
    if not data.startswith(b"%PDF") and b"%PDF" not in data[:1024]:
        raise PdfError(f"{name}: not a PDF (it does not start with %PDF)")
    tools = str(Path(__file__).resolve().parents[2])
    env = {**os.environ, "PYTHONPATH": tools + os.pathsep + os.environ.get("PYTHONPATH", "")}
    try:
        result = subprocess.run([sys.executable, "-c", "from papernotes.sources.pdf import _child; _child()"],
                                input=data, capture_output=True, timeout=SECONDS, env=env, preexec_fn=_limits,
                                check=False)
    except subprocess.TimeoutExpired:
        raise PdfError(f"{name}: took longer than {SECONDS:g} s to read; not read") from None
    except OSError as exc:
        raise PdfError(f"{name}: could not start reading it ({exc.strerror})") from None
    try:
        answer = load_json(result.stdout) if result.stdout else None
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        why = "it needed more memory than allowed" if result.returncode < 0 or b"MemoryError" in result.stderr else \
            "the reader stopped"
        raise PdfError(f"{name}: could not be read ({why})")
    if isinstance(answer.get("error"), str):
        raise PdfError(f"{name}: {tidy(answer['error'], 300)}")
    return _marks_from(answer)


def _limits() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
    except (ImportError, ValueError, OSError):  # not on this system: the time limit still holds
        pass


def _marks_from(answer: dict[str, Any]) -> PdfMarks:
    """The child's answer, checked again: it read a stranger's file."""
    marks = []
    for row in answer.get("marks") or []:
        if not isinstance(row, dict) or row.get("kind") not in {*MARKUP.values(), *NOTES.values()}:
            continue
        box = row.get("box")
        if not (isinstance(box, list) and len(box) == 4 and all(isinstance(v, int | float) for v in box)):
            box = [0, 0, 0, 0]
        page = row.get("page")
        marks.append(PdfMark(page if type(page) is int and page >= 0 else 0, tidy(row.get("label"), 40) or "?",
                             row["kind"], tidy(row.get("text")), tidy(row.get("comment")), hex_color(row.get("color")),
                             tidy(row.get("author"), 200) or None, tidy(row.get("ident"), 200) or None,
                             (float(box[0]), float(box[1]), float(box[2]), float(box[3]))))
    left_out = answer.get("left_out")
    pages = answer.get("pages")
    return PdfMarks(marks[:MAX_HIGHLIGHTS],
                    {tidy(k, 40): v for k, v in left_out.items() if type(v) is int} if isinstance(left_out, dict) else {},
                    pages if type(pages) is int else 0)


# -- in the child process ----------------------------------------------------------------------------------


def _child() -> None:
    sys.setrecursionlimit(2000)
    data = sys.stdin.buffer.read(MAX_PDF_BYTES + 1)
    try:
        if len(data) > MAX_PDF_BYTES:
            raise PdfError(f"larger than {MAX_PDF_BYTES // (1024 * 1024)} MiB")
        answer: dict[str, Any] = _read(data)
    except PdfError as exc:
        answer = {"error": str(exc)}
    except RecursionError:
        answer = {"error": "nested too deeply to be read"}
    except MemoryError:
        answer = {"error": "could not be read (it needed more memory than allowed)"}
    except Exception as exc:  # noqa: BLE001 - pdfminer raises many kinds on a broken file: each is one line
        answer = {"error": _why_broken(exc)}
    sys.stdout.write(json.dumps(answer))


def _why_broken(exc: Exception) -> str:
    kind = type(exc).__name__
    if "Password" in kind or "Encrypt" in kind:
        return "is encrypted; save a copy without a password to read its highlights"
    said = " ".join(str(exc).split())[:120]
    return f"is damaged or not a PDF papernotes can read ({kind}{': ' + said if said else ''})"


def _read(data: bytes) -> dict[str, Any]:
    import io
    from itertools import islice

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams
    from pdfminer.pdfdocument import PDFDocument, PDFNoPageLabels
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)))
    if not document.is_extractable:
        pass  # a reader's own marks are not the text the author protected; pdfminer reads them either way
    manager = PDFResourceManager()
    device = PDFPageAggregator(manager, laparams=LAParams())
    interpreter = PDFPageInterpreter(manager, device)
    pages = list(islice(PDFPage.create_pages(document), MAX_PAGES + 1))
    if len(pages) > MAX_PAGES:
        raise PdfError(f"more than {MAX_PAGES} pages; not read")
    if not pages:
        raise PdfError("is damaged or not a PDF papernotes can read (it has no pages)")
    try:
        labels = [str(label) for label in islice(document.get_page_labels(), len(pages))]
    except (PDFNoPageLabels, Exception):  # noqa: BLE001 - a broken label tree: pages are numbered instead
        labels = []
    marks: list[dict[str, Any]] = []
    left_out: dict[str, int] = {}
    for index, page in enumerate(pages):
        annotations = [a for a in (_resolve(x) for x in _list(_resolve(page.annots))) if isinstance(a, dict)]
        found = []
        for annotation in annotations:
            subtype = _name(annotation.get("Subtype"))
            if subtype in MARKUP or subtype in NOTES:
                found.append((subtype, annotation))
            elif subtype and subtype not in IGNORED:
                left_out[subtype] = left_out.get(subtype, 0) + 1
        if not found:
            continue
        if len(marks) + len(found) > MAX_HIGHLIGHTS:
            raise PdfError(f"more than {MAX_HIGHLIGHTS} highlights and notes; not read")
        width = _page_width(page)
        lines = []
        if any(subtype in MARKUP for subtype, _ in found):
            interpreter.process_page(page)
            lines = list(_text_lines(device.get_result()))
        label = labels[index] if index < len(labels) and labels[index] else str(index + 1)
        page_marks = [_mark(subtype, annotation, lines, index, label) for subtype, annotation in found]
        marks.extend(_reading_order(page_marks, lines, width))
    return {"marks": marks, "left_out": left_out, "pages": len(pages)}


def _mark(subtype: str, annotation: dict[str, Any], lines: list[Any], index: int, label: str) -> dict[str, Any]:
    box = _box(annotation.get("Rect"))
    text, extent = "", (box[0], box[2])
    if subtype in MARKUP:
        text, extent = _words_under(_quads(annotation.get("QuadPoints")) or [box], lines, extent)
    return {
        "extent": [round(v, 1) for v in extent],
        "page": index, "label": label, "kind": MARKUP.get(subtype) or NOTES[subtype], "text": text,
        "comment": _text(annotation.get("Contents")), "color": _color(annotation.get("C")),
        "author": _text(annotation.get("T")) or None, "ident": _text(annotation.get("NM")) or None,
        "box": [round(v, 1) for v in box],
    }


def _reading_order(marks: list[dict[str, Any]], lines: list[Any], width: float) -> list[dict[str, Any]]:
    """A page's marks as one reads it: top to bottom, and on a page set in two columns the left
    column before the right between two things that span both (a title, a wide figure)."""
    def top(mark: dict[str, Any]) -> float:
        return -mark["box"][3]

    def column(mark: dict[str, Any]) -> int:  # 0 left, 1 right, -1 across both: by the lines marked
        x0, x1 = mark["extent"]
        return 0 if x1 <= width * 0.55 else 1 if x0 >= width * 0.45 else -1

    spans = [(line.x0, line.x1) for line in lines]
    left = sum(1 for x0, x1 in spans if x1 <= width * 0.55)
    right = sum(1 for x0, _ in spans if x0 >= width * 0.45)
    if not (left >= 3 and right >= 3 and len(spans) - left - right < (left + right) / 2):
        return sorted(marks, key=lambda m: (top(m), m["box"][0]))
    ordered: list[dict[str, Any]] = []
    band: list[dict[str, Any]] = []
    for mark in sorted(marks, key=lambda m: (top(m), m["box"][0])):
        if column(mark) == -1:
            ordered += sorted(band, key=lambda m: (column(m), top(m), m["box"][0])) + [mark]
            band = []
        else:
            band.append(mark)
    return ordered + sorted(band, key=lambda m: (column(m), top(m), m["box"][0]))


def _text_lines(layout: Any) -> Any:
    from pdfminer.layout import LTTextLine

    stack = [layout]
    while stack:
        item = stack.pop()
        if isinstance(item, LTTextLine):
            yield item
        elif hasattr(item, "__iter__") and not isinstance(item, str | bytes):
            stack.extend(reversed(list(item)))


def _words_under(quads: list[tuple[float, float, float, float]], lines: list[Any],
                 extent: tuple[float, float]) -> tuple[str, tuple[float, float]]:
    """The characters inside each quadrilateral (one per line of text marked), joined across line
    ends: a word broken by a hyphen is whole again, other lines meet with a space; and how far the
    lines marked reach across the page (what decides the mark's column)."""
    from pdfminer.layout import LTChar

    pieces = []
    reach: list[float] = []
    for x0, y0, x1, y1 in quads:
        height = max(y1 - y0, 0.1)
        for line in lines:
            overlap = min(y1, line.y1) - max(y0, line.y0)
            if overlap < 0.5 * min(height, max(line.y1 - line.y0, 0.1)):
                continue
            chars: list[str] = []
            pending = ""  # a space pdfminer put between words: kept when a marked character follows
            for item in line:
                if isinstance(item, LTChar):
                    middle = (item.x0 + item.x1) / 2
                    if x0 - 1 <= middle <= x1 + 1:
                        if chars and pending:
                            chars.append(pending)
                        chars.append(item.get_text())
                    pending = ""
                else:
                    pending = " " if item.get_text().isspace() and item.get_text() != "\n" else pending
            if chars:
                pieces.append("".join(chars).translate(_LIGATURES))
                reach += [line.x0, line.x1]
    text = ""
    for piece in (" ".join(p.split()) for p in pieces):
        if not piece:
            continue
        if text.endswith(("-", "\u00ad")) and len(text) > 1 and text[-2].isalpha() and piece[:1].islower():
            text = text[:-1] + piece
        else:
            text = f"{text} {piece}" if text else piece
    return text[:MAX_TEXT], (min(reach), max(reach)) if reach else extent


def _resolve(value: Any) -> Any:
    """A PDF object through its references, at most a few deep (a reference to itself loops forever
    in pdfminer's resolve1)."""
    from pdfminer.pdftypes import PDFObjRef

    for _ in range(32):
        if not isinstance(value, PDFObjRef):
            return value
        value = value.resolve()
    return None


def _list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list) else []


def _name(value: Any) -> str:
    from pdfminer.psparser import PSLiteral

    value = _resolve(value)
    return value.name if isinstance(value, PSLiteral) and isinstance(value.name, str) else ""


def _number(value: Any) -> float | None:
    value = _resolve(value)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e7 else None


def _box(value: Any) -> tuple[float, float, float, float]:
    numbers = [_number(v) for v in _list(_resolve(value))[:4]]
    if len(numbers) < 4 or any(n is None for n in numbers):
        return (0.0, 0.0, 0.0, 0.0)
    x0, y0, x1, y1 = (float(n) for n in numbers if n is not None)
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _quads(value: Any) -> list[tuple[float, float, float, float]]:
    """Each quadrilateral's bounding box: readers disagree on the order of its four corners."""
    numbers = [_number(v) for v in _list(_resolve(value))[: 8 * 500]]
    if any(n is None for n in numbers):
        return []
    boxes = []
    for start in range(0, len(numbers) - 7, 8):
        xs = [numbers[start + i] or 0.0 for i in (0, 2, 4, 6)]
        ys = [numbers[start + i] or 0.0 for i in (1, 3, 5, 7)]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    return boxes


def _page_width(page: Any) -> float:
    box = _box(page.mediabox)
    return box[2] - box[0] if box[2] > box[0] else 612.0


def _text(value: Any) -> str:
    from pdfminer.utils import decode_text

    value = _resolve(value)
    if isinstance(value, bytes):
        return tidy(decode_text(value[: 4 * MAX_TEXT]))
    return tidy(value) if isinstance(value, str) else ""


def _color(value: Any) -> str | None:
    numbers = [_number(v) for v in _list(_resolve(value))[:4]]
    if not numbers or any(n is None or not 0 <= n <= 1 for n in numbers):
        return None
    values = [n or 0.0 for n in numbers]
    if len(values) == 1:
        rgb = values * 3
    elif len(values) == 3:
        rgb = values
    elif len(values) == 4:  # CMYK
        c, m, y, k = values
        rgb = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    else:
        return None
    return "#" + "".join(f"{round(v * 255):02x}" for v in rgb)
