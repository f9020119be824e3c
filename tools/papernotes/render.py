"""The one Jinja2 environment, its filters, and the README index built from `views`.

Templates live in the library's `templates/`, so a fork can restyle them. Output is Markdown, so
autoescaping is off and every value from a note passes through `md`, `md_url` or `code`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import jinja2

from .config import Config
from .paper import Paper
from .views import TopicNode, short_authors, status_counts, tag_index, topic_tree

# The templates shipped with papernotes, used when a library has none of its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

STATUS_MARKS = {"read": "✅", "reading": "📖", "to-read": "⏳", "skipped": "⏭️"}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+|!~&$])")


def md(text: object) -> str:
    """Text that Markdown shows literally: no emphasis, links, HTML or attribute lists."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def md_url(url: object) -> str:
    """A link target that survives spaces and parentheses."""
    url = str(url).strip()
    if re.search(r"[\s()<>]", url):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def code(text: object) -> str:
    """Text for inside a code span."""
    return " ".join(str(text).replace("`", "'").split())


def link_label(paper: Paper) -> str:
    return "arXiv" if paper.arxiv else "DOI" if paper.doi else "link"


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
    env.filters.update(md=md, md_url=md_url, code=code)
    env.globals.update(status_mark=STATUS_MARKS.get, short_authors=short_authors, link_label=link_label)
    return env


def render(root: Path, template: str, **context: Any) -> str:
    return environment(root).get_template(template).render(**context)


@dataclass(frozen=True)
class ReadmeLinks:
    """Links as they work when browsing the repository on GitHub: relative to the README."""

    papers_dir: str

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


def readme_index(papers: list[Paper], config: Config) -> str:
    roots = topic_tree(papers, config)
    return render(
        config.root,
        "readme_index.md.j2",
        papers=papers,
        counts=status_counts(papers),
        nodes=[n for root in roots for n in root.walk()],
        anchors=heading_anchors(roots),
        tags=tag_index(papers),
        links=ReadmeLinks(config.papers_dir),
    )
