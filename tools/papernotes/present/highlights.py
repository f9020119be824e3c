"""A source's highlights as the part of a note the tool owns: HTML comments fence it (the site does
not show them), a heading names the source, and each highlight is a block under its own anchor: the
words as a quote with the colour's mark, the page (a link to it) and what kind of mark it was, then
the comment. Every value from a source goes through md(): a comment holding `<script>` or a link is
text."""

from __future__ import annotations

from papernotes.model.highlights import SOURCES, Highlight, color_name
from papernotes.present.markdown import md, md_line, md_url

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
