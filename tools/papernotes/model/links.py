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
    (a notes file migrated from a list starts with its own `# Title`), every heading one level
    down, so the page has one H1 and the notes keep their outline. Underlined (setext) headings
    become `##`/`###` headings. Notes without an H1 come back as they are."""
    lines = markdown.split("\n")
    levels = _heading_levels(lines)
    fenced = fenced_lines(lines)
    # An underline after a line of text makes that line a heading (=== level 1, --- level 2),
    # unless it follows a blank line (then --- is a rule) or a heading.
    setext = [0] * len(lines)
    for i in range(1, len(lines)):
        if (not fenced[i] and not fenced[i - 1] and (m := _SETEXT.match(lines[i])) and lines[i - 1].strip()
                and not levels[i - 1] and not setext[i - 1] and not _SETEXT.match(lines[i - 1])):
            setext[i] = 1 if m.group(1)[0] == "=" else 2
    if 1 not in levels and 1 not in setext:
        return markdown
    out: list[str] = []
    for i, line in enumerate(lines):
        if levels[i]:
            out.append("#" * min(levels[i] + 1, 6) + line[levels[i]:])
        elif i + 1 < len(lines) and setext[i + 1]:
            out.append("#" * (setext[i + 1] + 1) + " " + line.strip())
        elif not setext[i]:
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
