"""The site's own pages, named once: the generator renders them, the home page links them, notes may
not take their names, and a test holds mkdocs.yml's nav to this table.

A page with a template is rendered from templates/ with the home page's context (the papers, counts,
focus, `links` relative to the page); one without is made in code (present/site.py). A new page is a
row here, a template, and a line in mkdocs.yml's nav.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SitePage:
    path: str  # the generated file, relative to the site's source folder
    title: str
    template: str | None = None
    nav: bool = True  # in the site's navigation (mkdocs.yml)
    home: bool = True  # on the home page's line of links


SITE_PAGES = (
    SitePage("index.md", "Home", "site_home.md.j2", home=False),
    SitePage("search.md", "Search", "site_search.md.j2", nav=False),  # only with Pagefind
    SitePage("all.md", "All papers", "site_all.md.j2"),
    SitePage("topics/index.md", "Topics", "site_topics.md.j2"),
    SitePage("tags.md", "Tags", "site_tags.md.j2"),
    SitePage("timeline.md", "Timeline", "site_timeline.md.j2"),
    SitePage("reading-log.md", "Reading log", "site_reading_log.md.j2"),
    SitePage("trails.md", "Trails", "site_trails.md.j2"),
    SitePage("map.md", "Map", "site_map.md.j2"),
    SitePage("inbox.md", "Inbox", home=False),
    SitePage("library.bib", "Download the library as BibTeX", nav=False),
    SitePage("plan.ics", "Reading plan calendar", nav=False),
    SitePage("feed.xml", "Feed", nav=False),
    SitePage("stylesheets/papernotes.css", "", "site_stylesheet.css.j2", nav=False, home=False),
    SitePage("javascripts/mathjax.js", "", "site_mathjax.js.j2", nav=False, home=False),
    SitePage("javascripts/search.js", "", "site_search.js.j2", nav=False, home=False),
)
PAGES = {page.path: page for page in SITE_PAGES}

# Names the engines and Pagefind use for their own files and folders.
ENGINE_NAMES = frozenset({"assets", "404", "sitemap", "pagefind"})
# A note's key is its page's name: it may not be one of the site's.
RESERVED_KEYS = frozenset({page.path.split("/")[0].rsplit(".", 1)[0] for page in SITE_PAGES}) | ENGINE_NAMES
