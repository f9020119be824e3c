"""MkDocs hook (mkdocs.yml: `hooks: [tools/site_hooks.py]`): generates the site's pages from the notes.

Thin on purpose: the pages come from papernotes.site, which renders with the same views and
templates as the README index. MkDocs puts this file's folder on sys.path while importing it.
"""

from __future__ import annotations

import html
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from papernotes.cli import today
from papernotes.errors import PapernotesError
from papernotes.paper import Paper
from papernotes.site import SiteBuilder

_builder: SiteBuilder | None = None


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _builder
    try:
        _builder = SiteBuilder.load(Path(config.config_file_path).parent, today=today(), site_url=config.site_url)
    except PapernotesError as exc:
        raise PluginError(str(exc)) from None
    for path, content in _builder.pages().items():
        existing = files.get_file_from_path(path)
        if existing is not None:
            files.remove(existing)
        files.append(File.generated(config, path, content=content))
    return files


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    assert _builder is not None
    # Material writes page titles (header, tag listings) and tag names into pages unescaped, and
    # both come from notes: escape them here, before the theme and the tags plugin read them.
    if isinstance(page.meta.get("title"), str):
        page.meta["title"] = html.escape(page.meta["title"])
    if isinstance(page.meta.get("tags"), list):
        page.meta["tags"] = [html.escape(str(tag)) for tag in page.meta["tags"]]
    paper = _paper_of(page)
    return markdown if paper is None else _builder.paper_markdown(paper, markdown)


def on_page_content(html_content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    paper = _paper_of(page)
    return html_content if paper is None else _builder.paper_header(paper) + html_content  # type: ignore[union-attr]


def _paper_of(page: Page) -> Paper | None:
    assert _builder is not None
    uri = page.file.src_uri
    return _builder.by_key.get(uri.removesuffix(".md")) if "/" not in uri else None
