"""MkDocs hook (mkdocs.yml: `hooks: [tools/site_hooks.py]`): runs `papernotes site` before each build.

Thin on purpose: the pages are generated as files into `docs_dir` by papernotes.services.site, the
same step `papernotes site` runs before any engine (Zensical runs no hooks). This hook only makes
`mkdocs build` and `mkdocs serve` just work: it generates first, turns a [[link]] to no note into a
warning (which `--strict` makes fatal), watches the notes while serving, keeps edit links on
paper pages only, leaves the theme's search fewer tags to read (present/html_blocks.py) and renders
the theme's nav once for all paper pages. MkDocs puts this file's folder on sys.path while importing it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.pages import Page
from papernotes.errors import PapernotesError
from papernotes.files import INBOX
from papernotes.present import html_blocks
from papernotes.runtime import today
from papernotes.services.site import edit_base, generate, index_for_search, wants_pagefind
from papernotes.store.library import Library

log = logging.getLogger("mkdocs.hooks.papernotes")
BLOCKS_EXTENSION = html_blocks.__name__  # as mkdocs.yml names it under markdown_extensions


def on_pre_build(config: MkDocsConfig) -> None:
    root = Path(config.config_file_path).parent
    try:
        library = Library(root)
        result = generate(root, Path(config.docs_dir), today(), config.site_url, config.site_name,
                          config.use_directory_urls, "mkdocs",
                          edit_base(config.repo_url, config.edit_uri, library.config.papers_dir))
    except PapernotesError as exc:
        raise PluginError(str(exc)) from None
    for note, target in result.unresolved:
        log.warning(f"{note}: [[{target}]] links to no note in the library (papernotes check lists them all)")


class _NavOnce(jinja2.BaseLoader):
    """The theme's loader, but its navigation partial renders once for all paper pages at one depth.

    A paper page is not in the nav, so the nav is the same HTML on every one of them (nothing in it is
    active; its links are relative to the page's depth): the theme rendered it 2,000 times for 2,000
    notes, 0.8 s of an 8 s build. The theme's own template is wrapped, not copied."""

    def __init__(self, theme: jinja2.BaseLoader) -> None:
        self.theme = theme

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str | None, Any]:
        source, filename, uptodate = self.theme.get_source(environment, template)
        if template == "partials/nav.html":
            source = (
                '{%- set papernotes_key = base_url if page and page.meta and page.meta.og_type == "article" '
                'and page not in nav.pages else none -%}'
                '{%- if papernotes_key is not none and papernotes_key in papernotes_navs -%}'
                '{{ papernotes_navs[papernotes_key] }}'
                '{%- else -%}{%- set papernotes_html -%}' + source + '{%- endset -%}{{ papernotes_html }}'
                '{%- if papernotes_key is not none %}{{ papernotes_navs.update({papernotes_key: papernotes_html}) or "" }}'
                '{% endif -%}{%- endif -%}')
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.theme.list_templates()


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Any) -> jinja2.Environment:
    env.loader = _NavOnce(env.loader)
    env.globals["papernotes_navs"] = {}
    return env


def on_post_build(config: MkDocsConfig) -> None:
    # A clean build starts from an empty site; a dirty one (the preview's rebuild after a saved note)
    # keeps the index it has rather than spend seconds re-indexing every page for one.
    if wants_pagefind(Path(config.docs_dir)) and not (Path(config.site_dir) / "pagefind").is_dir():
        try:
            index_for_search(Path(config.site_dir))
        except PapernotesError as exc:
            raise PluginError(str(exc)) from None


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    root = Path(config.config_file_path).parent
    server.watch(str(Library(root).papers_dir))
    if (root / INBOX).is_dir():
        server.watch(str(root / INBOX))
    return server


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # The generated HTML blocks the theme's search skips stay comments until the search has read the page.
    if BLOCKS_EXTENSION in config.markdown_extensions:
        config.mdx_configs.setdefault(BLOCKS_EXTENSION, {})["defer_unsearched"] = True
    return config


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Any) -> str:
    if page.meta.get("og_type") != "article":
        page.edit_url = None  # a generated listing has no file to edit
    return markdown


@event_priority(-100)  # after the theme's search has read the page: it need not parse what it leaves out
def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    page.content = html_blocks.put_back_deferred(page.content or "")
    return context
