"""The one Jinja2 environment, its filters, and the README index built from `views`.

Templates live in the library's `templates/`, so a fork can restyle them. Output is Markdown, so
autoescaping is off and every value from a note passes through `md`, `md_url` or `code`.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes
import markupsafe

from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, read_inside
from papernotes.model.config import Config
from papernotes.model.paper import Paper
from papernotes.model.statuses import STATUS_MARKS
from papernotes.model.text import short_authors
from papernotes.present import DEFAULT_TEMPLATES, MAX_TEMPLATE_BYTES
from papernotes.present.html_blocks import fence
from papernotes.present.markdown import (
    ReadmeLinks,
    code,
    counts_line,
    html_text,
    md,
    md_url,
    meta_value,
    note_link,
    paper_line,
)
from papernotes.present.views import TopicNode, focus_of, status_counts, tag_index, topic_tree


def github_anchor(text: str) -> str:
    """The id GitHub gives a heading: lower-case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


class LibraryTemplates(jinja2.BaseLoader):
    """Templates from the library's `templates/`, else the shipped ones, read by the rule of
    `papernotes.files`: a template is a file of the library, and a link to a file outside it (or a
    FIFO) is not read (its text would be published). Jinja's own FileSystemLoader follows links."""

    def __init__(self, root: Path) -> None:
        self.places = [(root, root / "templates")]
        if (root / "templates").resolve() != DEFAULT_TEMPLATES:
            self.places.append((DEFAULT_TEMPLATES, DEFAULT_TEMPLATES))

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Callable[[], bool]]:
        if not _TEMPLATE_NAME.fullmatch(template):
            raise jinja2.TemplateNotFound(template)
        for base, folder in self.places:
            path = folder / template
            if not os.path.lexists(path):
                continue
            try:
                signature = _signature(path)
                source = read_inside(base, path, MAX_TEMPLATE_BYTES).decode("utf-8")
            except UnreadableFile as exc:
                raise PapernotesError(exc.describe(f"templates/{template}")) from None
            except UnicodeDecodeError:
                raise PapernotesError(f"templates/{template} is not valid UTF-8") from None
            # Compiled once and kept while the file is the same (a preview's process lives on
            # through edits of a template); compiling takes 100 times longer than rendering.
            return source, str(path), lambda path=path, signature=signature: _signature(path) == signature
        raise jinja2.TemplateNotFound(template)


def _signature(path: Path) -> tuple[int, int, int] | None:
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


_TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*\.j2")


@jinja2.pass_eval_context
def _html_text_when_escaping(context: jinja2.nodes.EvalContext, value: Any) -> Any:
    """In an autoescaped (HTML) template every value is escaped as html_text escapes it, square
    brackets too: one escaping path for the HTML of every page."""
    if context.autoescape and not isinstance(value, markupsafe.Markup | int | float) and value is not None:
        return markupsafe.Markup(html_text(value))
    return value


@lru_cache(maxsize=8)
def environment(root: Path) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=LibraryTemplates(root),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        # Markdown templates escape with |md; an HTML template (NAME.html.j2) is autoescaped.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        finalize=_html_text_when_escaping,
    )
    env.filters.update(md=md, md_url=md_url, code=code, meta=meta_value, note_link=note_link, html=html_text,
                       html_block=fence)
    env.globals.update(status_mark=STATUS_MARKS.get, paper_line=paper_line, counts_line=counts_line, note_link=note_link, short_authors=short_authors)
    return env


def render(root: Path, template: str, **context: Any) -> str:
    return environment(root).get_template(template).render(**context)


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
        focus=focus_of(papers, config),
        nodes=[n for root in roots for n in root.walk()],
        anchors=heading_anchors(roots),
        tags=tag_index(papers),
        links=ReadmeLinks(config.papers_dir),
    )
