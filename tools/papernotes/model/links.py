"""Wiki-links between notes (`[[devlin2018bert]]`, `[[1810.04805]]`) and what a note's body says. No MkDocs."""

from __future__ import annotations

import posixpath
import re
import urllib.parse
from collections.abc import Iterator, Mapping
from typing import TypeVar

from papernotes.model.ids import InvalidArxivId, parse_arxiv_id

# What a note links to or shows: a Markdown link or image, a reference's address, an HTML src or href.
_LOCAL_LINK = re.compile(r"""\]\(\s*<?([^)\s>]+)|^ {0,3}\[[^\]\n]+\]:[ \t]*<?([^\s>]+)|\b(?:src|href)\s*=\s*["']([^"']+)""",
                         re.MULTILINE)
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
Note = TypeVar("Note")


def resolve_link(target: str, by_key: Mapping[str, Note], by_arxiv: Mapping[str, Note]) -> Note | None:
    """What a [[link]] names: a note's key, or an arXiv ID in any form that a note has; else None."""
    target = target.strip()
    if target in by_key:
        return by_key[target]
    try:
        return by_arxiv.get(parse_arxiv_id(target).canonical)
    except InvalidArxivId:
        return None


def names_a_paper_to_add(target: str) -> bool:
    """A [[link]] to an arXiv ID no note has yet: the site links it to arXiv, on purpose."""
    try:
        parse_arxiv_id(target.strip())
    except InvalidArxivId:
        return False
    return True


_HEADING = re.compile(r"^(#{1,6})[ \t]+\S|^(#{1,6})[ \t]*$")
_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")


def has_notes(markdown: str) -> bool:
    """Whether `strip_empty_sections` would leave anything: a line that is neither blank nor a
    heading (a fence's own line counts), found without working out the sections."""
    return any(line.strip() and not _HEADING.match(line) for line in markdown.split("\n"))


def strip_empty_sections(markdown: str) -> str:
    """The notes without headings that head nothing (the scaffold's "## Summary" left unfilled),
    so a page shows what the user wrote and its table of contents points only at that."""
    lines = markdown.split("\n")
    levels = _heading_levels(lines)
    keep = [True] * len(lines)
    # From the end: a heading is empty when, before the next heading of its level or higher, there
    # is nothing but blank lines and headings already found empty.
    for i in range(len(lines) - 1, -1, -1):
        if not levels[i]:
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or (levels[j] and not keep[j])):
            j += 1
        if j == len(lines) or (levels[j] and levels[j] <= levels[i]):
            keep[i] = False
    kept = "\n".join(line for line, wanted in zip(lines, keep, strict=True) if wanted)
    return re.sub(r"\n{3,}", "\n\n", kept).strip("\n")


_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")


def fenced_lines(lines: list[str]) -> list[bool]:
    """Which lines are inside (or open or close) a fenced code block."""
    fenced = [False] * len(lines)
    fence: str | None = None
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None and match:
            fence = match.group(1)[0] * 3
            fenced[i] = True
        elif fence is not None:
            fenced[i] = True
            if line.strip().startswith(fence):
                fence = None
    return fenced


def _heading_levels(lines: list[str]) -> list[int]:
    """Each line's ATX heading level (`## x` is 2), 0 for any other line and for lines in code."""
    fenced = fenced_lines(lines)
    return [len(m.group(1) or m.group(2)) if not fenced[i] and (m := _HEADING.match(line)) else 0
            for i, line in enumerate(lines)]


def under_the_title(markdown: str) -> str:
    """The notes as they sit under the page's title: when they have a heading of the title's level
    (a notes file written elsewhere starts with its own `# Title`), every heading one level down, so
    the page has one H1 and the notes keep their outline. Underlined (setext) headings become
    `##`/`###` headings. Notes without an H1 come back as they are."""
    outline = _Outline(markdown)
    return outline.shifted(1) if outline.top() == 1 else markdown


def headings_below(markdown: str, level: int) -> str:
    """`markdown` with its headings moved down, the highest one level below `level`, so that it nests
    under a heading of that level (a notes file under its note's `## From FOLDER`: its `# Title`
    becomes `### Title`, and its sections follow); as it is when they are already below."""
    outline = _Outline(markdown)
    top = outline.top()
    return outline.shifted(level + 1 - top) if top and top <= level else markdown


class _Outline:
    """A text's lines and their headings: ATX (`## x`) and underlined (setext), none in code."""

    def __init__(self, markdown: str) -> None:
        self.lines = markdown.split("\n")
        self.levels = _heading_levels(self.lines)
        fenced = fenced_lines(self.lines)
        # An underline after a line of text makes that line a heading (=== level 1, --- level 2),
        # unless it follows a blank line (then --- is a rule) or a heading.
        self.setext = [0] * len(self.lines)
        for i in range(1, len(self.lines)):
            if (not fenced[i] and not fenced[i - 1] and (m := _SETEXT.match(self.lines[i])) and self.lines[i - 1].strip()
                    and not self.levels[i - 1] and not self.setext[i - 1] and not _SETEXT.match(self.lines[i - 1])):
                self.setext[i] = 1 if m.group(1)[0] == "=" else 2

    def top(self) -> int:
        """The highest heading's level (1 for `#`), 0 when there is none."""
        return min((level for level in (*self.levels, *self.setext) if level), default=0)

    def shifted(self, by: int) -> str:
        """Every heading `by` levels down (to `######` at most), underlined ones written with `#`."""
        out: list[str] = []
        for i, line in enumerate(self.lines):
            if self.levels[i]:
                out.append("#" * min(self.levels[i] + by, 6) + line[self.levels[i]:])
            elif i + 1 < len(self.lines) and self.setext[i + 1]:
                out.append("#" * min(self.setext[i + 1] + by, 6) + " " + line.strip())
            elif not self.setext[i]:
                out.append(line)
        return "\n".join(out)


def places_linked(body: str) -> Iterator[str]:
    """The paths below papers/ a note's links and pictures name (relative to the note, which lies in
    papers/): `./figs/plot%20one.png#x` names figs/plot one.png. What the site publishes of the
    files beside the notes, and what `check` calls unlinked."""
    for groups in _LOCAL_LINK.findall(body):
        target = urllib.parse.unquote(next(filter(None, groups)).split("#")[0].split("?")[0])
        if target and "://" not in target and not target.startswith(("/", "mailto:", "data:")):
            place = posixpath.normpath(target)
            if not place.startswith(".."):
                yield place
