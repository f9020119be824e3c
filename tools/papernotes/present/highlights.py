"""A source's highlights as the part of a note the tool owns: HTML comments fence it (the site does
not show them), a heading names the source, and each highlight is a block under its own anchor: the
words as a quote with the colour's mark, the page (a link to it) and what kind of mark it was, then
the comment. Every value from a source goes through md(): a comment holding `<script>` or a link is
text."""

from __future__ import annotations

import re

from papernotes.model.highlights import SOURCES, Highlight, color_name
from papernotes.present.markdown import inert_links, md, md_line, md_url

START = re.compile(r"<!-- papernotes:highlights (\w{1,20}) written=([A-Za-z0-9_,-]{0,200000}) digest=([0-9a-f]{16}) -->")
END = re.compile(r"<!-- papernotes:highlights:end (\w{1,20}) -->")
BLOCK = re.compile(r"<!-- papernotes:highlight ([A-Za-z0-9_-]{1,40}) ([0-9a-f]{16}) -->")
ANY_MARKER = re.compile(r"<!-- papernotes:highlights?[ :]")

KIND_WORDS = {"underline": "underlined", "squiggly": "squiggly", "strikeout": "struck out", "text": "text box",
              "image": "image", "note": "note"}


def part_start(source: str, written: list[str], digest: str) -> str:
    return f"<!-- papernotes:highlights {source} written={','.join(written)} digest={digest} -->"


def part_end(source: str) -> str:
    return f"<!-- papernotes:highlights:end {source} -->"


def block_start(anchor: str, digest: str) -> str:
    return f"<!-- papernotes:highlight {anchor} {digest} -->"


def heading(source: str) -> list[str]:
    return [f"## Highlights from {SOURCES[source]}", ""]


def block(highlight: Highlight) -> list[str]:
    """One highlight's lines (ending with a blank line)."""
    named = color_name(highlight.color)
    facts = []
    if highlight.page:
        page = f"p. {md(highlight.page)}"
        facts.append(f"[{page}]({md_url(highlight.link)})" if highlight.link else page)
    elif highlight.link:
        facts.append(f"[in context]({md_url(highlight.link)})")
    if highlight.kind in KIND_WORDS and (highlight.text or highlight.kind != "note"):
        facts.append(KIND_WORDS[highlight.kind])
    if highlight.author:
        facts.append(md(highlight.author))
    facts += [f"#{md(tag.replace(' ', '-'))}" for tag in highlight.tags]
    lines: list[str] = []
    if highlight.text:
        mark = named[1] if named else "▍"
        words = highlight.text.split("\n")
        lines.append(f"> {mark} {md_line(words[0]) if words[0] else ''}".rstrip())
        lines += [f"> {md_line(line)}" if line.strip() else ">" for line in words[1:]]
        if facts:
            lines.append(f"> — {' · '.join(facts)}")
    else:
        lines.append(" ".join(["📝", *([" · ".join(facts)] if facts else [])]))
    if highlight.comment:
        lines.append("")
        lines += [md_line(line) if line.strip() else "" for line in highlight.comment.split("\n")]
    return [*lines, ""]


def published(body: str) -> str:
    """A note's body for its page: in the parts of highlights, only web links stay links (a zotero:
    link opens the reader's own Zotero; on a published page it is text)."""
    lines = body.split("\n")
    inside = False
    for number, line in enumerate(lines):
        if START.fullmatch(line.strip()):
            inside = True
        elif END.fullmatch(line.strip()):
            inside = False
        elif inside and "](" in line:
            lines[number] = inert_links(line)
    return "\n".join(lines)
