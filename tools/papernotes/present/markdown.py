"""Markdown pieces: escaping every value that came from outside, and the one-line renderings of a
paper that the README and every site page repeat per paper (its list line, the counts line).

Plain Python without Jinja2, so that patching one paper's line in the README index (a `status`
change) neither loads the template engine nor the library.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote_plus

from papernotes.model.paper import Paper
from papernotes.model.statuses import READ, READING, SKIPPED, STATUS_MARKS, STATUS_WORDS, TO_READ
from papernotes.model.text import short_authors

# Markdown punctuation, escaped with a backslash (GitHub and Python-Markdown agree on these), and
# the HTML specials, written as entities (Python-Markdown has no backslash escape for '<').
# Parentheses stay: with '[' and ']' escaped they cannot form a link, and '\(' would start math.
_MD_SPECIAL = re.compile(r"[\\`*_{}\[\]$]")
_HTML_SPECIAL = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_NEEDS_FOLDING = re.compile(r"\s\s|[^\S ]|^\s|\s$")
_URL_NEEDS_BRACKETS = re.compile(r"[\s()<>]")


def md(text: object) -> str:
    """Text that Markdown shows literally: no emphasis, links, HTML or attribute lists."""
    text = str(text)
    if _NEEDS_FOLDING.search(text):
        text = " ".join(text.split())
    return _MD_SPECIAL.sub(r"\\\g<0>", text).translate(_HTML_SPECIAL)


def meta_value(value: object) -> str:
    """A value for a generated page's YAML front matter. Themes write the title and description into
    the page unescaped (Material and Zensical alike), so text is HTML-escaped here, once; a JSON
    string is YAML, so no value can break out of its line."""
    return json.dumps(html.escape(value) if isinstance(value, str) else value, ensure_ascii=False)


_BRACKETS = str.maketrans({"[": "&#91;", "]": "&#93;"})


def html_text(value: object) -> str:
    """Text for an HTML block of a generated page: escaped, and its square brackets as entities, so
    that no engine reads `[cs, stat]` in a BibTeX entry as a link reference (Zensical warns of each)."""
    return html.escape(str(value)).translate(_BRACKETS)


def md_url(url: object) -> str:
    """A link target that survives spaces and parentheses."""
    url = str(url).strip()
    if _URL_NEEDS_BRACKETS.search(url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


# A "]" not escaped by a backslash, where a link's text ends: before "(" (an inline link or image)
# or ":" (a reference definition, which reference-style links need).
_LINK_TEXT_END = re.compile(r"(?<!\\)((?:\\\\)*)\](?=[(:])")
_WEB_DESTINATION = re.compile(r"\(https?://[^\s()<>\"'`\\]+\)")
_IMAGE_START = re.compile(r"(?<!\\)((?:\\\\)*)!\[")


def inert_links(text: str) -> str:
    """Markdown someone else wrote (a digest edited by hand), with every link that is not a plain web
    address made text: `[x](javascript:...)`, links written with entities or angle brackets,
    reference definitions. An image becomes a link, so that no address is fetched by a reader's
    browser just by opening the page. (HTML tags are the caller's: escape them first.)"""
    text = _IMAGE_START.sub(r"\1\\![", text)

    def check(match: re.Match[str]) -> str:
        if text.startswith("(", match.end()) and _WEB_DESTINATION.match(text, match.end()):
            return match.group(0)
        return match.group(1) + "\\]"

    return _LINK_TEXT_END.sub(check, text)


def code(text: object) -> str:
    """Text for inside a code span. A code span shows "<" as it is, so an HTML comment's opening is
    broken by an invisible word joiner: a value can never write the README's index markers."""
    return " ".join(str(text).replace("`", "'").replace("<!--", "<!\u2060--").split())


NOTES_MARK = "📝"


def link_label(paper: Paper) -> str:
    return "arXiv" if paper.arxiv else "DOI" if paper.doi else "link" if paper.link else "find it"


def way_out(paper: Paper) -> str:
    """Where to read the paper: its arXiv, DOI or web link, else a search for its title."""
    return paper.link or "https://www.semanticscholar.org/search?q=" + quote_plus(" ".join(paper.title.split()))


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def paper_line(paper: Paper, links: Links) -> str:
    """One paper as a list item: status, title linked to the note, authors and year, paper link, tags.

    A Python function rather than a template macro: the README and every site page call it once
    per paper, and at 10,000 papers a macro call is most of the rendering time.
    """
    mark = STATUS_MARKS[paper.status]
    if links.status_words:
        mark += f" {status_word(paper.status)}"
    line = f"- {mark} {note_link(paper, links)}"
    if links.has_notes(paper):
        line += f" {NOTES_MARK}"
    line += f" — {md(short_authors(paper.authors))}, {paper.year or 'n.d.'} · [{link_label(paper)}]({md_url(way_out(paper))})"
    for tag in paper.tags:
        target = links.tag(tag)
        line += f" [`#{code(tag)}`]({target})" if target else f" `#{code(tag)}`"
    return line


def note_link(paper: Paper, links: Links) -> str:
    return links.title_link(paper)


class Links:
    """Where links point: the README links to files in the repository, the site to its pages.

    One instance serves one rendering, and remembers each paper's title link, which the tag
    index repeats once per tag.
    """

    status_words = False  # the status written beside its mark

    def __init__(self) -> None:
        self._title_links: dict[str, str] = {}

    def note(self, paper: Paper) -> str:
        raise NotImplementedError

    def tag(self, tag: str) -> str | None:
        """Where a tag links to, if anywhere."""
        return None

    def has_notes(self, paper: Paper) -> bool:
        return False

    def title_link(self, paper: Paper) -> str:
        text = self._title_links.get(paper.key)
        if text is None:
            text = self._title_links[paper.key] = f"[{md(paper.title)}]({md_url(self.note(paper))})"
        return text


class ReadmeLinks(Links):
    """Links as they work when browsing the repository on GitHub: relative to the README."""

    def __init__(self, papers_dir: str) -> None:
        super().__init__()
        self.papers_dir = papers_dir

    def note(self, paper: Paper) -> str:
        return f"{self.papers_dir}/{paper.key}.md"


def counts_line(total: int, counts: Mapping[str, int], focus: Focus | None = None) -> str:
    """The library in one line: "**12 papers** · 3 read · 1 reading · 8 to read · focus: NLP › Retrieval, 2 of 5 read"."""
    line = f"**{total} {'paper' if total == 1 else 'papers'}** · {counts[READ]} read · {counts[READING]} reading · {counts[TO_READ]} to read"
    if counts[SKIPPED]:
        line += f" · {counts[SKIPPED]} skipped"
    if focus is not None:
        line += f" · focus: {md(focus.title)}, {focus.read} of {focus.total} read"
    return line


@dataclass(frozen=True)
class Focus:
    """The topic the reader focuses on (`focus` in pyproject.toml), by its title, and how far along it is."""

    title: str
    read: int
    total: int


_BLOCK_START = re.compile(r"(#|>|[-+=|]|\d{1,9}[.)])")


def md_line(text: object) -> str:
    """One line of text that Markdown shows literally, at the start of a line too (a comment that
    begins with '#' or '1.' stays a sentence, not a heading or a list)."""
    line = md(text)
    return "\\" + line if _BLOCK_START.match(line) else line
