"""What a reader marked in a paper while reading it: highlights, underlines, sticky notes, each with
its comment, from a PDF file, Zotero or Hypothesis. Sources build these; the note keeps them in a
part of its own (services/highlights.py). No I/O here."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from papernotes.model.paper import clean_text

# The sources, by the name their part of a note carries, and how messages and headings call them.
SOURCES = {"pdf": "the PDF", "zotero": "Zotero", "hypothesis": "Hypothesis"}

# What a reader can do to a page, by the word the note shows for it (a highlight shows its colour).
KINDS = ("highlight", "underline", "squiggly", "strikeout", "note", "text", "image")

MAX_HIGHLIGHTS = 2000  # per paper and source: far beyond a read paper's marks
MAX_TEXT = 10_000  # characters of one highlight's words or comment
MAX_TAGS = 20
_ANCHOR = re.compile(r"[A-Za-z0-9_-]{1,40}")


@dataclass(frozen=True)
class Highlight:
    anchor: str  # the source's own id when it is a plain word, else a digest of it (see anchor_of)
    kind: str  # one of KINDS
    text: str = ""  # the words marked ("" for a sticky note)
    comment: str = ""
    color: str | None = None  # "#ffd400"
    page: str | None = None  # the page's label as the PDF numbers it ("3", "iv")
    link: str | None = None  # the page in the PDF, or the annotation in context (http(s), or zotero://)
    author: str | None = None
    tags: tuple[str, ...] = ()


def anchor_of(*identity: object) -> str:
    """A highlight's anchor in a note: the source's id when it is a short plain word (a Zotero key,
    a Hypothesis id), else a digest of what identifies it (a PDF's /NM, or its text and position)."""
    if len(identity) == 1 and isinstance(identity[0], str) and _ANCHOR.fullmatch(identity[0]):
        return identity[0]
    return hashlib.sha256(repr(identity).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def tidy(text: object, limit: int = MAX_TEXT) -> str:
    """Text from a source as a note can hold it: no control characters (line breaks kept), no
    trailing spaces, at most `limit` characters."""
    if not isinstance(text, str):
        return ""
    text = clean_text(text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n")[:limit]


_COLORS = {  # the names of Zotero's palette (and PDF readers' usual ones), with the mark a note shows
    "yellow": ((255, 212, 0), "🟨"), "red": ((255, 102, 102), "🟥"), "green": ((95, 178, 54), "🟩"),
    "blue": ((46, 168, 229), "🟦"), "purple": ((162, 138, 229), "🟪"), "magenta": ((229, 110, 238), "🟪"),
    "orange": ((241, 152, 55), "🟧"), "gray": ((170, 170, 170), "⬜"), "black": ((0, 0, 0), "⬛"),
    "brown": ((150, 90, 40), "🟫"),
}
_HEX = re.compile(r"#?([0-9a-fA-F]{6})")


def hex_color(value: object) -> str | None:
    """"#rrggbb" from "#RRGGBB" or "rrggbb"; None for anything else."""
    match = _HEX.fullmatch(value) if isinstance(value, str) else None
    return f"#{match.group(1).lower()}" if match else None


def color_name(color: str | None) -> tuple[str, str] | None:
    """The nearest named colour and its mark, for a colour as "#rrggbb"."""
    if color is None or not _HEX.fullmatch(color):
        return None
    rgb = tuple(int(color[i : i + 2], 16) for i in (1, 3, 5))
    name = min(_COLORS, key=lambda n: sum((a - b) ** 2 for a, b in zip(_COLORS[n][0], rgb, strict=True)))
    return name, _COLORS[name][1]
