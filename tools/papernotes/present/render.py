"""The one Jinja2 environment, its filters, and the README index built from `views`.

Templates live in the library's `templates/`, so a fork can restyle them. Output is Markdown, so
autoescaping is off and every value from a note passes through `md`, `md_url` or `code`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus

import jinja2

from papernotes.model.config import Config
from papernotes.model.paper import Paper
from papernotes.model.statuses import STATUS_MARKS, STATUS_WORDS
from papernotes.present.views import TopicNode, short_authors, status_counts, tag_index, topic_tree

# The templates shipped with papernotes, used when a library has none of its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"


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


def md_url(url: object) -> str:
    """A link target that survives spaces and parentheses."""
    url = str(url).strip()
    if _URL_NEEDS_BRACKETS.search(url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def code(text: object) -> str:
    """Text for inside a code span."""
    return " ".join(str(text).replace("`", "'").split())


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
    line += f" — {md(short_authors(paper))}, {paper.year or 'n.d.'} · [{link_label(paper)}]({md_url(way_out(paper))})"
    for tag in paper.tags:
        target = links.tag(tag)
        line += f" [`#{code(tag)}`]({target})" if target else f" `#{code(tag)}`"
    return line


def note_link(paper: Paper, links: Links) -> str:
    return links.title_link(paper)


def github_anchor(text: str) -> str:
    """The id GitHub gives a heading: lower-case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


@lru_cache(maxsize=8)
def environment(root: Path) -> jinja2.Environment:
    search = [str(root / "templates")]
    if (root / "templates").resolve() != DEFAULT_TEMPLATES:
        search.append(str(DEFAULT_TEMPLATES))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(md=md, md_url=md_url, code=code, note_link=note_link)
    env.globals.update(status_mark=STATUS_MARKS.get, paper_line=paper_line, note_link=note_link, short_authors=short_authors)
    return env


def render(root: Path, template: str, **context: Any) -> str:
    return environment(root).get_template(template).render(**context)


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


def heading_anchors(nodes: Iterable[TopicNode]) -> dict[str, str]:
    """Anchor per topic path (and '#tags'), made unique the way GitHub does: -1, -2, ..."""
    seen: Counter[str] = Counter()
    anchors: dict[str, str] = {}
    for path, title in [(n.path, n.title) for root in nodes for n in root.walk()] + [("#tags", "Tags")]:
        base = github_anchor(title)
        anchors[path] = base if seen[base] == 0 else f"{base}-{seen[base]}"
        seen[base] += 1
    return anchors


def render_utf8(root: Path, template: str, **context: Any) -> bytes:
    """Rendered straight to UTF-8, a batch of pieces at a time: as one str, a large index holding a
    single emoji would take four bytes per character."""
    batches: list[bytes] = []
    batch: list[str] = []
    for piece in environment(root).get_template(template).generate(**context):
        batch.append(piece)
        if len(batch) == 4096:
            batches.append("".join(batch).encode("utf-8"))
            batch.clear()
    batches.append("".join(batch).encode("utf-8"))
    return b"".join(batches)


def readme_index(papers: list[Paper], config: Config) -> bytes:
    roots = topic_tree(papers, config)
    return render_utf8(
        config.root,
        "readme_index.md.j2",
        papers=papers,
        counts=status_counts(papers),
        nodes=[n for root in roots for n in root.walk()],
        anchors=heading_anchors(roots),
        tags=tag_index(papers),
        links=ReadmeLinks(config.papers_dir),
    )
