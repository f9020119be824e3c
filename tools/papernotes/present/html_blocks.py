"""The generated pages' HTML blocks, kept out of Markdown's way under MkDocs.

Python-Markdown runs every tag of a raw HTML block through html.parser only to pass the block on
unchanged: on a paper page (the header, its BibTeX, the picture, the lists of related papers) that
was two thirds of the page's conversion, and a 2,000-note site built 2.7 times slower than the same
notes bare. So the generator fences each block it writes (`fence`), the MkDocs hook swaps every
fenced block for a placeholder before conversion (`set_aside`) and puts the block back into the
converted page (`put_back`). A block the theme's search leaves out anyway (the picture and the lists
under a paper's notes) is put back only after the search has read the page, which spares the search
another parse of every tag. Zensical, which runs no hooks, reads the fences as HTML comments.

A fence in a note's own text is broken (`unfenced`): only the generator's blocks are set aside, and
the placeholders carry a token made once per process, which no note can know.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

START = "<!-- papernotes:html -->"
START_UNSEARCHED = "<!-- papernotes:html data-search-exclude -->"
END = "<!-- /papernotes:html -->"
# Where a template's block goes on unsearched (the paper header's links, abstract and BibTeX).
UNSEARCHED = "<!-- papernotes:unsearched -->"
_FENCED = re.compile(r"^<!-- papernotes:html( data-search-exclude)? -->\n(.*?)\n<!-- /papernotes:html -->$", re.S | re.M)
_TOKEN = "papernoteshtml" + secrets.token_hex(8)
_PLACEHOLDER = re.compile(rf"<p>{_TOKEN}n(\d+)e</p>|<!--{_TOKEN}n(\d+)e-->|{_TOKEN}n(\d+)e")


@dataclass(frozen=True)
class Block:
    html: str
    searched: bool


def fence(block: str, searched: bool = True) -> str:
    """An HTML block for a generated Markdown page, fenced so the hook can set it aside; `searched`
    False for a block wholly marked data-search-exclude."""
    return f"{START if searched else START_UNSEARCHED}\n{block}\n{END}"


def unfenced(text: str) -> str:
    """A note's own text with any fence in it broken by an invisible word joiner."""
    return text.replace("<!-- papernotes:html", "<!-- papernotes:\u2060html").replace(
        "<!-- /papernotes:html", "<!-- /papernotes:\u2060html")


def set_aside(markdown: str) -> tuple[str, list[Block]]:
    """The page with each fenced block replaced by a placeholder paragraph, and the blocks."""
    blocks: list[Block] = []

    def placeholder(match: re.Match[str]) -> str:
        blocks.append(Block(match.group(2), searched=not match.group(1)))
        return f"\n{_TOKEN}n{len(blocks) - 1}e\n"

    return _FENCED.sub(placeholder, markdown), blocks


def put_back(html: str, blocks: list[Block], searched_only: bool = False) -> str:
    """The converted page with its blocks where their placeholders went (a placeholder inside a
    note's unclosed HTML or code block included: the block went there before). With `searched_only`,
    the others' placeholders become comments, for a second call after the search has read the page."""
    if not blocks:
        return html

    def block(match: re.Match[str]) -> str:
        number = int(match.group(1) or match.group(2) or match.group(3))
        if searched_only and not blocks[number].searched:
            return f"<!--{_TOKEN}n{number}e-->"
        return blocks[number].html

    return _PLACEHOLDER.sub(block, html)
