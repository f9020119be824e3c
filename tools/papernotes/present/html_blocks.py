"""The generated pages' HTML blocks, kept out of Markdown's way under MkDocs.

Python-Markdown runs every tag of a raw HTML block through html.parser only to pass the block on
unchanged: on a paper page (the header, its BibTeX, the picture, the lists of related papers) that
was two thirds of the page's conversion, and a 2,000-note site built 2.7 times slower than the same
notes bare. So the generator fences each block it writes (`fence`), the MkDocs hook swaps every
fenced block for a placeholder before conversion (`set_aside`) and puts the block back into the
converted page (`put_back`). Zensical, which runs no hooks, reads the fences as HTML comments.

A fence in a note's own text is broken (`unfenced`): only the generator's blocks are set aside, and
the placeholders carry a token made once per process, which no note can know.
"""

from __future__ import annotations

import re
import secrets

START = "<!-- papernotes:html -->"
END = "<!-- /papernotes:html -->"
_FENCED = re.compile(rf"^{re.escape(START)}\n(.*?)\n{re.escape(END)}$", re.S | re.M)
_TOKEN = "papernoteshtml" + secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"<p>{_TOKEN}n(\d+)e</p>|{_TOKEN}n(\d+)e")


def fence(block: str) -> str:
    """An HTML block for a generated Markdown page, fenced so the hook can set it aside."""
    return f"{START}\n{block}\n{END}"


def unfenced(text: str) -> str:
    """A note's own text with any fence in it broken by an invisible word joiner."""
    return text.replace("<!-- papernotes:html", "<!-- papernotes:\u2060html").replace(
        "<!-- /papernotes:html", "<!-- /papernotes:\u2060html")


def set_aside(markdown: str) -> tuple[str, list[str]]:
    """The page with each fenced block replaced by a placeholder paragraph, and the blocks."""
    blocks: list[str] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(match.group(1))
        return f"\n{_TOKEN}n{len(blocks) - 1}e\n"

    return _FENCED.sub(placeholder, markdown), blocks


def put_back(html: str, blocks: list[str]) -> str:
    """The converted page with its blocks where their placeholders went (a placeholder inside a
    note's unclosed HTML or code block included: the block went there before)."""
    if not blocks:
        return html
    return _PLACEHOLDER.sub(lambda m: blocks[int(m.group(1) or m.group(2))], html)
