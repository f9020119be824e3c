"""The generated pages' HTML blocks, kept out of Markdown's way: a Python-Markdown extension.

Python-Markdown runs every tag of a raw HTML block through html.parser only to pass the block on
unchanged: on a paper page (the header, its BibTeX, the picture, the lists of related papers) that
was two thirds of the page's conversion, and a 2,000-note site built 2.7 times slower than the same
notes bare. So the generator fences each block it writes (`fence`), and this extension (mkdocs.yml:
`markdown_extensions: - papernotes.present.html_blocks`, read by MkDocs and Zensical alike) puts
every fenced block straight into Python-Markdown's store of raw HTML, where its HTML block reader
would have put it after parsing: the engines' own steps over raw HTML (Zensical's links) see it
there as before.

With `defer_unsearched` (the MkDocs hook sets it) a block the theme's search leaves out anyway (the
picture and the lists under a paper's notes) is stored as a comment, and the hook puts it back
after the search has read the page (`put_back_deferred`), sparing the search a parse of every tag.

A fence in a note's own text is broken (`unfenced`): only the generator's blocks are set aside; a
deferred block's comment carries a token made once per process, which no note can know. Every
other piece of raw HTML on a page, and every link Markdown makes, is the note's own, and reaches
the page without what runs a script (present/own_html.py).
"""

from __future__ import annotations

import itertools
import re
import secrets
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from papernotes.present.own_html import unsafe_url, url_scheme, without_scripts

START = "<!-- papernotes:html -->"
START_UNSEARCHED = "<!-- papernotes:html data-search-exclude -->"
END = "<!-- /papernotes:html -->"
# Where a template's block goes on unsearched (the paper header's links, abstract and BibTeX).
UNSEARCHED = "<!-- papernotes:unsearched -->"
_TOKEN = "papernoteshtml" + secrets.token_hex(8)
_DEFERRED_MARK = re.compile(rf"<!--{_TOKEN}n(\d+)e-->")
# Blocks stored for after the search, by the number in their comment: the hook takes each back.
_DEFERRED: dict[int, str] = {}
_NUMBERS = itertools.count()


def fence(block: str, searched: bool = True) -> str:
    """An HTML block for a generated Markdown page, fenced for the extension; `searched` False for a
    block wholly marked data-search-exclude."""
    return f"{START if searched else START_UNSEARCHED}\n{block}\n{END}"


def unfenced(text: str) -> str:
    """A note's own text with any fence in it broken by an invisible word joiner."""
    return text.replace("<!-- papernotes:html", "<!-- papernotes:\u2060html").replace(
        "<!-- /papernotes:html", "<!-- /papernotes:\u2060html")


def put_back_deferred(html: str) -> str:
    """The page with the blocks `defer_unsearched` stored as comments put back (and forgotten)."""
    return _DEFERRED_MARK.sub(lambda m: _DEFERRED.pop(int(m.group(1)), ""), html)


class _Stash(Preprocessor):
    def __init__(self, md: Markdown, defer: bool) -> None:
        super().__init__(md)
        self.defer = defer
        self.own: set[int] = set()  # the places in the store of raw HTML of this page's fenced blocks
        self.left_out: list[str] = []  # what of the note's own HTML was left out, for `check`

    def run(self, lines: list[str]) -> list[str]:
        self.own.clear()
        self.left_out.clear()
        # Line by line (a fence is a whole line): a pattern over the joined page cost a third of its
        # conversion.
        out: list[str] = []
        opened: str | None = None
        block: list[str] = []
        for line in lines:
            if opened is None:
                if line == START or line == START_UNSEARCHED:
                    opened, block = line, []
                else:
                    out.append(line)
            elif line == END:
                html = "\n".join(block)
                if self.defer and opened == START_UNSEARCHED:
                    number = next(_NUMBERS)
                    _DEFERRED[number] = html
                    html = f"<!--{_TOKEN}n{number}e-->"
                # On a line of its own between blank lines, as the HTML block reader leaves its placeholders.
                out += ["", self.md.htmlStash.store(html), ""]
                self.own.add(self.md.htmlStash.html_counter - 1)
                opened = None
            else:
                block.append(line)
        if opened is not None:  # never closed: the page's own text after all
            out += [opened, *block]
        return out


class _OwnHtml(Postprocessor):
    """The raw HTML a note wrote itself, without what runs a script (present/own_html.py); the
    generator's fenced blocks are left as they are."""

    def __init__(self, md: Markdown, stash: _Stash) -> None:
        super().__init__(md)
        self.stash = stash

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        for place, block in enumerate(blocks):
            if place not in self.stash.own and isinstance(block, str):
                blocks[place] = without_scripts(block, self.stash.left_out)
        return text


class _OwnLinks(Treeprocessor):
    """The links and pictures Markdown makes from a note's `[text](url)`: none to a script."""

    def __init__(self, md: Markdown, stash: _Stash) -> None:
        super().__init__(md)
        self.stash = stash

    def run(self, root: Element) -> None:
        for element in root.iter():
            for name in ("href", "src"):
                value = element.get(name)
                if value is not None and unsafe_url(value, element.tag, name):
                    del element.attrib[name]
                    self.stash.left_out.append(f"{url_scheme(value)} link")


class HtmlBlocks(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"defer_unsearched": [False, "store the blocks the search skips as comments, for the MkDocs hook"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After whitespace is normalised (30), before code fences (25) and HTML blocks (20) are read.
        stash = _Stash(md, bool(self.getConfig("defer_unsearched")))
        md.preprocessors.register(stash, "papernotes_html_blocks", 27)
        # Before the raw HTML is put in its place (30); after Markdown's escapes are undone (0).
        md.postprocessors.register(_OwnHtml(md, stash), "papernotes_own_html", 35)
        md.treeprocessors.register(_OwnLinks(md, stash), "papernotes_own_links", -5)


def left_out_of_note(body: str) -> list[str]:
    """What the site leaves out of a note's own HTML, each once, in order ("<script>", "onerror=",
    "javascript: link"): the body read as the site reads it, code blocks and spans being text."""
    md = Markdown(extensions=["pymdownx.superfences", HtmlBlocks()])
    md.convert(body)
    stash = md.preprocessors["papernotes_html_blocks"]
    assert isinstance(stash, _Stash)
    return list(dict.fromkeys(stash.left_out))


def makeExtension(**kwargs: Any) -> HtmlBlocks:  # noqa: N802 (Python-Markdown's name)
    return HtmlBlocks(**kwargs)
