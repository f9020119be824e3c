"""MkDocs hook (mkdocs.yml: `hooks: [tools/site_hooks.py]`): generates the site's pages from the notes.

Thin on purpose: the pages come from papernotes.present.site, which renders with the same views and
templates as the README index. MkDocs puts this file's folder on sys.path while importing it.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url
from papernotes.errors import PapernotesError
from papernotes.model.paper import Paper
from papernotes.present.site import MATHJAX_URL, SiteBuilder
from papernotes.runtime import today
from papernotes.services.site import load_site

_builder: SiteBuilder | None = None
log = logging.getLogger("mkdocs.hooks.papernotes")


def on_files(files: Files, config: MkDocsConfig) -> Files:
    global _builder
    try:
        _builder = load_site(Path(config.config_file_path).parent, today=today(), site_url=config.site_url,
                                    site_name=config.site_name, directory_urls=config.use_directory_urls)
    except PapernotesError as exc:
        raise PluginError(str(exc)) from None
    generated = _builder.pages()
    for page in list(files.documentation_pages()):
        # Only notes are pages: Markdown in a folder below papers/ is not read by the library, and MkDocs
        # would parse its frontmatter with nothing bounding it (`papernotes check` names these files).
        if "/" in page.src_uri and page.src_uri not in generated:
            files.remove(page)
    for path, content in generated.items():
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
    if paper is None:
        page.edit_url = None  # generated pages have no file to edit
        return markdown
    # Material writes the description into a <meta> attribute as it is.
    page.meta["description"] = html.escape(_builder.description(paper))
    _builder.unresolved.clear()
    result = _builder.paper_markdown(paper, markdown)
    for target in _builder.unresolved:
        # A warning: `mkdocs build --strict` fails on it, as on any broken link.
        log.warning(f"{page.file.src_uri}: [[{target}]] links to no note in the library (papernotes check lists them all)")
    return result


def on_page_content(html_content: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    paper = _paper_of(page)
    return html_content if paper is None else _builder.paper_header(paper) + html_content  # type: ignore[union-attr]


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    """Link previews for paper pages, the feed for every page, and MathJax only where there is math."""
    def relative(path: str) -> str:
        return html.escape(get_relative_url(path, page.url))

    head = f'<link rel="alternate" type="application/atom+xml" title="{html.escape(config.site_name)}" href="{relative("feed.xml")}">'
    paper = _paper_of(page)
    if paper is not None:
        assert _builder is not None
        head += (f'<meta property="og:type" content="article"><meta property="og:title" content="{html.escape(paper.title)}">'
                 f'<meta property="og:description" content="{html.escape(_builder.description(paper))}">')
        if page.canonical_url:
            head += f'<meta property="og:url" content="{html.escape(page.canonical_url)}">'
    output = output.replace("</head>", head + "</head>", 1)
    if 'class="arithmatex"' in output:
        scripts = f'<script src="{relative("javascripts/mathjax.js")}"></script><script src="{MATHJAX_URL}"></script>'
        output = output.replace("</body>", scripts + "</body>", 1)
    return output


def _paper_of(page: Page) -> Paper | None:
    assert _builder is not None
    uri = page.file.src_uri
    return _builder.by_key.get(uri.removesuffix(".md")) if "/" not in uri else None
