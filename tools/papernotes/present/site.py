"""The site: pages generated at build time from the same views and renderer as the README index.

`SiteBuilder` holds one build's state (the papers, link resolution, backlinks); the MkDocs hook
in tools/site_hooks.py only forwards MkDocs events to it. Every value that came from arXiv or a
.bib file reaches a page escaped: Markdown pages go through `render.md`, the paper header is an
HTML block rendered by an autoescaping template.
"""

from __future__ import annotations

import datetime as dt
import html
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

import markupsafe

from papernotes.files import INBOX
from papernotes.model.citations import Gap, Relation
from papernotes.model.config import PAGEFIND_FROM, Config
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.links import WIKI_LINK, has_notes, resolve_link, strip_empty_sections, under_the_title
from papernotes.model.pages import SITE_PAGES
from papernotes.model.paper import Paper, web_url
from papernotes.model.reading import (
    imported_from,
    planned_for,
    planning_week,
    queue,
    reading_log,
    recently_read,
)
from papernotes.model.statuses import READ, READING, STATUS_MARKS, STATUS_ORDER, STATUS_WORDS
from papernotes.model.text import author_list, counted, short_authors
from papernotes.present.bibtex import export, export_entry
from papernotes.present.highlights import published
from papernotes.present.html_blocks import UNSEARCHED, fence, unfenced
from papernotes.present.ics import plan_calendar
from papernotes.present.markdown import (
    NOTES_MARK,
    Links,
    html_text,
    inert_links,
    link_label,
    md,
    md_url,
    meta_value,
    note_link,
    status_word,
    way_out,
)
from papernotes.present.pictures import library_map, neighbourhood, reading_calendar, reading_chart
from papernotes.present.render import environment
from papernotes.present.views import (
    chronological,
    default_title,
    focus_of,
    status_counts,
    tag_index,
    topic_tree,
)

_MATH = re.compile(r"\$([^$]+)\$")
_DIGEST_TAG = re.compile(r"<(?!/?(?:details|summary)>)")
# A digest's first paragraph as `watch` writes it: what it holds, then how to tick it in an editor. The
# Inbox page says how itself, so the page keeps only the dates and counts (never the text around them:
# a digest is a stranger's file).
_DIGEST_SUMMARY = re.compile(r"Submitted (\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}); (\d{1,6}) of (\d[\d,]{0,9}) new papers?, "
                             r"best first\.[^\n]*\n")
AUTHORS_SHOWN = 12
HOME_LIST = 10
FEED_ENTRIES = 50


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)



def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "topic"


def topic_page(path: str) -> str:
    """The page of a topic: topics/nlp/embeddings.md; papers without a topic: topics/unsorted.md."""
    if not path:
        return "topics/unsorted.md"
    return "topics/" + "/".join(slug(part) for part in path.split("/")) + ".md"


class SiteLinks(Links):
    """Links between Markdown files, relative to the page they appear on (MkDocs resolves them)."""

    status_words = True

    def __init__(self, page: str, noted: frozenset[str] = frozenset()) -> None:
        super().__init__()
        self.directory = posixpath.dirname(page)
        self.noted = noted

    def to(self, target: str) -> str:
        return posixpath.relpath(target, self.directory or ".")

    def note(self, paper: Paper) -> str:
        return self.to(f"{paper.key}.md")

    def tag(self, tag: str) -> str:
        return f"{self.to('tags.md')}#tag:{tag_slug(tag)}"

    def has_notes(self, paper: Paper) -> bool:
        return paper.key in self.noted


def tag_slug(tag: str) -> str:
    """The anchor Material's tags plugin gives a tag on the tags page."""
    return re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", tag.strip().lower()))


def front_matter(**fields: object) -> str:
    """A generated page's YAML front matter, every value through `meta_value`."""
    return "---\n" + "".join(f"{name}: {meta_value(value)}\n" for name, value in fields.items()) + "---\n"


def math_html(text: str) -> str:
    """Escaped HTML for text, with `$...$` kept as arithmatex spans for MathJax."""
    out = []
    for i, part in enumerate(_MATH.split(text)):
        out.append(f'<span class="arithmatex">\\({html_text(part)}\\)</span>' if i % 2 else html_text(part))
    return "".join(out)


# Trails nest no deeper than this on the page: a chain of 1,000 papers is shown, but as a list
# Markdown and a browser can handle.
MAX_TRAIL_INDENT = 12


@dataclass
class Trail:
    """A reading trail from its first paper: every paper on it with its depth, depth first."""

    paper: Paper
    members: list[tuple[int, Paper]]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def read(self) -> int:
        return sum(paper.status == READ for _, paper in self.members)

    def lines(self, links: Links) -> list[str]:
        """The tree as nested Markdown list items, each with its status mark and word."""
        return [f"{'    ' * min(depth, MAX_TRAIL_INDENT)}- {STATUS_MARKS[p.status]} {note_link(p, links)} · *{status_word(p.status)}*"
                for depth, p in self.members]


@dataclass
class SiteBuilder:
    root: Path  # the library's folder: its templates
    config: Config
    papers: list[Paper] = field(default_factory=list)
    today: dt.date = dt.date.min
    site_url: str | None = None
    site_name: str = "Paper notes"
    directory_urls: bool = True
    engine: str = "mkdocs"  # which engine builds the pages: it decides how links in HTML are resolved
    pagefind: bool = False  # search by Pagefind (a search page; the theme's index left empty)
    edit_base: str | None = None  # where the repository's files are edited on GitHub: ".../edit/main/"
    by_key: dict[str, Paper] = field(default_factory=dict)
    by_arxiv: dict[str, Paper] = field(default_factory=dict)
    backlinks: dict[str, list[Paper]] = field(default_factory=dict)
    led_to: dict[str, list[Paper]] = field(default_factory=dict)  # the reading trail: found_via, reversed
    noted: frozenset[str] = frozenset()  # papers whose notes say something
    digest: tuple[str, str] | None = None  # the latest digest of `papernotes watch`: (file name, text)
    related: dict[str, list[Relation]] = field(default_factory=dict)  # "Related in your library", by key
    cites: dict[str, list[Paper]] = field(default_factory=dict)  # the notes a note's reference list names
    cited_by: dict[str, list[Paper]] = field(default_factory=dict)
    gaps: list[Gap] = field(default_factory=list)  # what the notes keep citing that is not in the library
    unresolved: list[str] = field(default_factory=list)  # [[links]] to no note, found on the page being built
    _bibtex: dict[str, tuple[Paper, str]] = field(default_factory=dict)

    @classmethod
    def build(cls, root: Path, config: Config, papers: list[Paper], today: dt.date, digest: tuple[str, str] | None = None,
              site_url: str | None = None, site_name: str = "Paper notes", directory_urls: bool = True,
              engine: str = "mkdocs") -> SiteBuilder:
        """One build's state from the papers as loaded (see services.site, which loads them)."""
        builder = cls(root, config, papers, today, site_url or None, site_name, directory_urls, engine)
        builder.pagefind = config.site_search == "pagefind" or (config.site_search == "auto" and len(papers) >= PAGEFIND_FROM)
        builder.noted = frozenset(p.key for p in papers if has_notes(p.body))
        builder.digest = digest
        for paper in papers:  # the loader refuses keys that are site pages' names
            builder.by_key[paper.key] = paper
            if paper.arxiv:
                builder.by_arxiv.setdefault(paper.arxiv, paper)
        for paper in chronological(papers):
            for target in dict.fromkeys(builder.resolve(m.group(1)) for m in WIKI_LINK.finditer(paper.body)):
                if target is not None and target.key != paper.key:
                    builder.backlinks.setdefault(target.key, []).append(paper)
            for parent in dict.fromkeys(paper.found_via):
                if parent in builder.by_key and parent != paper.key:
                    builder.led_to.setdefault(parent, []).append(paper)
        return builder

    def trails(self) -> list[Trail]:
        """Every reading trail as a tree from a root paper (one that led somewhere and was itself not
        found via a paper in the library), largest first."""
        leaders = [p for p in chronological(self.papers) if p.key in self.led_to]
        roots = [p for p in leaders if not any(k in self.by_key and k != p.key for k in p.found_via)]
        trails = [self._trail(root) for root in roots]
        # Papers that found each other (a cycle) have no first paper: the oldest of them starts one.
        shown = {p.key for trail in trails for _, p in trail.members}
        for paper in leaders:
            if paper.key not in shown:
                trails.append(self._trail(paper))
                shown.update(p.key for _, p in trails[-1].members)
        return sorted(trails, key=lambda t: (-t.size, t.paper.key))

    def _trail(self, root: Paper) -> Trail:
        """Depth first without recursion: a trail may be thousands of papers long."""
        members: list[tuple[int, Paper]] = []
        seen: set[str] = set()
        stack = [(0, root)]
        while stack:
            depth, paper = stack.pop()
            if paper.key in seen:
                continue
            seen.add(paper.key)
            members.append((depth, paper))
            stack.extend((depth + 1, child) for child in reversed(self.led_to.get(paper.key, [])) if child.key not in seen)
        return Trail(root, members)

    def bibtex(self, paper: Paper) -> str:
        """The paper's BibTeX entry, made once per build (the page and library.bib both use it), and
        again for a paper read since (a preview's saved note)."""
        made = self._bibtex.get(paper.key)
        if made is None or made[0] is not paper:
            made = self._bibtex[paper.key] = (paper, export_entry(paper))
        return made[1]

    def resolve(self, target: str) -> Paper | None:
        """A [[link]] target: a note's key, or an arXiv ID in any form."""
        return resolve_link(target, self.by_key, self.by_arxiv)

    # -- generated pages -------------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        """Every generated page (and file) by its path in the site's docs."""
        roots = topic_tree(self.papers, self.config)
        nodes = {node.path: node for root in roots for node in root.walk()}
        by_year: dict[int | None, list[Paper]] = {}
        for paper in chronological(self.papers):
            by_year.setdefault(paper.year, []).append(paper)
        reading = chronological(p for p in self.papers if p.status == READING)
        # Papers with notes first: they are what the library is for.
        recent = sorted(self.papers, key=lambda p: (p.key in self.noted, p.added or dt.date.min, p.key), reverse=True)
        week = planning_week(self.today)
        waiting = queue(self.papers, week)
        shared: dict[str, object] = {
            "papers": self.papers,
            "counts": status_counts(self.papers),
            "focus": focus_of(self.papers, self.config),
            "roots": roots,
            # The home page stays short however large the library: the rest is a click away.
            "reading": reading[:HOME_LIST],
            "more_reading": len(reading) - HOME_LIST,
            "recent": recent[:HOME_LIST],
            "week": week,
            "this_week": planned_for(self.papers, week),
            "queue": waiting[:HOME_LIST],
            "more_queue": len(waiting) - HOME_LIST,
            "recently_read": recently_read(self.papers)[:HOME_LIST],
            "years": sorted(by_year.items(), key=lambda item: -(item[0] or 0)),
            "topic_page": topic_page,
            "topic_title": self.topic_title,
            "site_name": self.site_name,
            "pagefind": self.pagefind,
            "site_pages": [page for page in SITE_PAGES if page.home and (self.pagefind or page.path != "search.md")],
            "calendar": reading_calendar(self.root, self.papers, self.today, self.config.papers_per_week),
            "legend": " · ".join(f"{mark} {status_word(status)}" for status, mark in STATUS_MARKS.items())
                      + f" · {NOTES_MARK} has notes",
        }
        # Each page's own data, beside what every page gets; pages without a template are made in code.
        own: dict[str, dict[str, object]] = {
            "tags.md": {"tags": tag_index(self.papers), "tag_slug": tag_slug},
            "trails.md": {"trails": self.trails(),
                          "gaps": [(gap, [self.by_key[k] for k in gap.citing if k in self.by_key]) for gap in self.gaps]},
            "reading-log.md": {"log": reading_log(self.papers, self.today), "chart": lambda log: reading_chart(self.root, log)},
            "all.md": {"table": self.papers_table()},
            "map.md": {"picture": library_map(self.root, self.papers, self.topic_title,
                                              lambda paper: self.url(paper.key + ".md", "map.md"), {p.key for p in waiting})},
            # the site's root, from the search page
            "search.md": {"root": "" if self.url("index.md", "search.md") == "./" else self.url("index.md", "search.md")},
        }
        made = {
            "plan.ics": lambda: plan_calendar(self.papers, self.config.reading_days, self.site_url).decode("utf-8"),
            "inbox.md": self.inbox,
            "feed.xml": self.feed,
            "library.bib": lambda: export(self.papers).text,
        }
        pages = {}
        for page in SITE_PAGES:
            if page.path == "search.md" and not self.pagefind:
                continue
            if page.template is None:
                pages[page.path] = made[page.path]()
            else:
                pages[page.path] = self._render(page.template, page.path, shared, **own.get(page.path, {}))
        for path, node in nodes.items():
            parts = path.split("/") if path else []
            parents = [nodes["/".join(parts[:i])] for i in range(1, len(parts))]
            pages[topic_page(path)] = self._render("site_topic.md.j2", topic_page(path), shared, node=node, parents=parents)
        return pages

    def _render(self, template: str, page: str, shared: dict[str, object], **context: object) -> str:
        links = SiteLinks(page, self.noted)
        return environment(self.root).get_template(template).render(
            **shared, links=links, paper_list=lambda papers, form="full": self.paper_list(papers, page, form), **context)

    def paper_list(self, papers: list[Paper], page: str, form: str) -> str:
        """Papers as a fenced HTML list on the generated page `page` (see site_paper_list.html.j2)."""
        urls = {p.key: self.url(p.key + ".md", page) for p in papers}
        return fence(environment(self.root).get_template("site_paper_list.html.j2").render(
            papers=papers, form=form, url=lambda paper: urls[paper.key], marks=STATUS_MARKS, words=STATUS_WORDS,
            noted=self.noted, notes_mark=NOTES_MARK, short_authors=short_authors, way_out=way_out,
            link_label=link_label, tags_url=self.url("tags.md", page), tag_slug=tag_slug))

    def url(self, source: str, from_source: str) -> str:
        """The built URL of the page made from `source`, for a link in HTML on the page made from
        `from_source`. MkDocs leaves links in HTML as written, so they are relative to the built page;
        Zensical resolves them from the page's source file, as it does Markdown links."""
        def built(path: str) -> str:
            stem = path.removesuffix(".md")
            if not self.directory_urls:
                return stem + ".html"
            return stem.removesuffix("index") if stem == "index" or stem.endswith("/index") else stem + "/"

        target = built(source)
        if self.engine == "zensical":
            base = posixpath.dirname(from_source) or "."
        elif self.directory_urls:
            base = built(from_source).rstrip("/") or "."
        else:
            base = posixpath.dirname(built(from_source)) or "."
        relative = posixpath.relpath(target.rstrip("/") or ".", base)
        if not self.directory_urls:
            return relative
        return "./" if relative == "." else relative + "/"

    def inbox(self) -> str:
        """The latest digest of new papers, ranked, as `papernotes watch` wrote it."""
        head = "---\nsearch:\n  exclude: true\ntitle: Inbox\n---\n\n# Inbox\n\n"
        if self.digest is None:
            return head + "No digest yet: `papernotes watch` checks the saved queries for new papers.\n"
        name, text = self.digest
        body = text.split("\n", 1)[1] if text.startswith("# ") else text
        links = SiteLinks("inbox.md", self.noted)
        # The digest holds data from arXiv, escaped when it was written; a digest written by hand or by an
        # older version may not be: no tag but the abstract's fold reaches the page.
        body = inert_links(_DIGEST_TAG.sub("&lt;", body))
        body = WIKI_LINK.sub(lambda m: self._wiki_link(m, links), body)
        digest = f"{INBOX}/{name}"
        where = f"`{digest}`"
        if self.edit_base:
            where = f"[`{digest}`]({md_url(self.edit_base + digest)})"
        what = "Best first"
        body = body.lstrip("\n")
        summary = _DIGEST_SUMMARY.match(body)
        if summary:
            since, until, shown, found = summary.groups()
            what = f"Submitted {since} to {until}: {shown} of {counted(int(found.replace(',', '')), 'new paper')}, best first"
            body = body[summary.end() :]
        how = (f"{what}; each abstract is folded. Tick the papers to read in {where} (on GitHub, the link opens it "
               f"to edit), then `papernotes watch --accept {digest}` adds them to the reading queue.")
        return head + how + "\n\n" + body.strip("\n") + "\n"

    def topic_title(self, path: str) -> str:
        """A topic as readers see it: its title from the settings, else one made from its path."""
        return self.config.topics.get(path) or default_title(path)

    def papers_table(self) -> str:
        """Every paper as one HTML table's rows (templates/site_all_rows.html.j2), sortable and
        filterable by a few lines of script (no network)."""
        rows = []
        for paper in chronological(self.papers):
            rows.append({
                "paper": paper, "status_sort": STATUS_ORDER[paper.status], "mark": STATUS_MARKS[paper.status],
                "status": status_word(paper.status), "url": self.url(paper.key + ".md", "all.md"),
                "noted": paper.key in self.noted, "authors": short_authors(paper.authors),
                "topic_url": self.url(topic_page(paper.topic), "all.md") if paper.topic else None,
                "topic_title": self.topic_title(paper.topic) if paper.topic else None,
                "tags": [(f"{self.url('tags.md', 'all.md')}#tag:{tag_slug(t)}", t) for t in paper.tags],
                "code": web_url(paper.code),
                "words": " ".join([paper.title, *paper.authors, paper.topic or "",
                                   self.topic_title(paper.topic) if paper.topic else "", *paper.tags,
                                   str(paper.year or "")]).casefold(),
            })
        return environment(self.root).get_template("site_all_rows.html.j2").render(rows=rows, notes_mark=NOTES_MARK)

    def feed(self) -> str:
        """An Atom feed of papers recently added and recently read, newest first."""
        from feedgen.feed import FeedGenerator  # only the site build pays for it

        events: list[tuple[dt.date, str, Paper]] = []
        imports: dict[tuple[dt.date, str], list[Paper]] = {}  # a bulk import is one entry, not hundreds
        for paper in self.papers:
            origin = imported_from(paper)
            source = origin[0] if origin else None
            if paper.added and source:
                imports.setdefault((paper.added, source), []).append(paper)
            elif paper.added:
                events.append((paper.added, "added", paper))
            if paper.status == READ and paper.finished:
                events.append((paper.finished, "read", paper))
        for (day, source), group in imports.items():
            events.append((day, "imported:" + source, min(group, key=lambda p: p.key)))
        counts = {(day, source): len(group) for (day, source), group in imports.items()}
        events.sort(key=lambda e: (e[0], e[1], e[2].key), reverse=True)
        events = events[:FEED_ENTRIES]
        base = (self.site_url or "").rstrip("/") + "/"
        feed = FeedGenerator()
        feed.id(base + "feed.xml" if self.site_url else "urn:papernotes:" + self.site_name)
        feed.title(self.site_name)
        feed.subtitle("Papers added to and read in this library")
        feed.link(href=base, rel="alternate")
        feed.link(href=base + "feed.xml", rel="self")
        feed.generator("papernotes")
        feed.updated(_midnight(events[0][0] if events else dt.date(1970, 1, 1)))
        for day, what, paper in reversed(events):  # feedgen puts the last added entry first
            page = f"{base}{paper.key}/" if self.directory_urls else f"{base}{paper.key}.html"
            entry = feed.add_entry()
            if what.startswith("imported:"):
                source = what[len("imported:"):]
                count = counts[(day, source)]
                entry.id(f"{base}all/#imported-{day.isoformat()}-{slug(source)}" if self.site_url
                         else f"urn:papernotes:import:{slug(source)}:{day.isoformat()}")
                entry.title(f"Imported {count} {'paper' if count == 1 else 'papers'} from {source}")
                entry.link(href=f"{base}all/" if self.directory_urls else f"{base}all.html")
                entry.updated(_midnight(day))
                entry.author({"name": self.site_name})
                entry.summary(f"{count} papers from {source} joined the library, at the end of the reading queue.")
                continue
            # Entry IDs must never change; without the site's address only a URN is stable.
            entry.id(f"{page}#{what}-{day.isoformat()}" if self.site_url else f"urn:papernotes:{paper.key}:{what}:{day.isoformat()}")
            entry.title(f"{'Read' if what == 'read' else 'Added'}: {paper.title}")
            entry.link(href=page)
            entry.updated(_midnight(day))
            entry.author({"name": short_authors(paper.authors)})
            entry.summary(f"{author_list(paper.authors, 5)} "
                          f"({paper.year or 'n.d.'}). {paper.abstract or ''}".strip())
        return feed.atom_str(pretty=True).decode("utf-8")

    # -- paper pages -----------------------------------------------------------------------------------

    def paper_page(self, paper: Paper) -> tuple[str, list[str]]:
        """The paper's page as a Markdown file, and the [[links]] in it that name no note: metadata for
        the theme, the header, the notes with [[links]] resolved, then the trail and the backlinks."""
        self.unresolved.clear()
        body = self.paper_markdown(paper, paper.body)
        search = {"search": {"exclude": True}, "pagefind": True} if self.pagefind else {}
        meta = front_matter(title=paper.title, description=self.description(paper), og_type="article", **search)
        searched, _, unsearched = self.paper_header(paper).strip("\n").partition(UNSEARCHED)
        header = fence(searched.strip("\n")) + ("\n" + fence(unsearched.strip("\n"), searched=False) if unsearched.strip() else "")
        return meta + "\n" + header + "\n\n" + body, list(self.unresolved)

    def paper_markdown(self, paper: Paper, markdown: str) -> str:
        """The user's notes with [[links]] resolved and empty sections left out, then the reading trail
        ("Found via", "Led to") and the backlinks ("Linked from"), kept out of search."""
        links = SiteLinks(f"{paper.key}.md", self.noted)
        body = under_the_title(strip_empty_sections(WIKI_LINK.sub(lambda m: self._wiki_link(m, links),
                                                                  published(unfenced(markdown)))))
        related = [
            ("found-via", "Found via", [self.by_key[k] for k in dict.fromkeys(paper.found_via) if k in self.by_key and k != paper.key]),
            ("led-to", "Led to", self.led_to.get(paper.key, [])),
            ("linked-from", "Linked from", self.backlinks.get(paper.key, [])),
        ]
        reasons = {r.key: r.reason for r in self.related.get(paper.key, []) if r.key in self.by_key}
        related.append(("related", "Related in your library", [self.by_key[k] for k in reasons]))
        linked = [t for t in dict.fromkeys(self.resolve(m.group(1)) for m in WIKI_LINK.finditer(paper.body)) if t is not None]
        picture = neighbourhood(self.root, paper, [("links", linked), ("linked", self.backlinks.get(paper.key, [])),
                                        ("via", related[0][2]), ("led", self.led_to.get(paper.key, [])),
                                        ("cites", self.cites.get(paper.key, [])), ("cited", self.cited_by.get(paper.key, [])),
                                        ("related", related[3][2])],
                                lambda other: self.url(other.key + ".md", paper.key + ".md"))
        lists = [(anchor, heading, [(p, STATUS_MARKS[p.status], self.url(p.key + ".md", paper.key + ".md"),
                                     short_authors(p.authors), status_word(p.status),
                                     reasons.get(p.key) if anchor == "related" else None) for p in papers])
                 for anchor, heading, papers in related if papers]
        tail = (picture + "\n\n" if picture else "") + \
            environment(self.root).get_template("site_paper_related.html.j2").render(lists=lists).strip("\n")
        return body + ("\n\n" + fence(tail.strip("\n"), searched=False) if tail.strip() else "") + "\n"

    def description(self, paper: Paper) -> str:
        """A line for search engines and link previews: authors, year, venue, the abstract's start."""
        who = author_list(paper.authors)
        text = f"{who} ({paper.year or 'n.d.'}{', ' + paper.venue if paper.venue else ''})."
        if paper.abstract:
            text += " " + paper.abstract
        return text if len(text) <= 300 else text[:297].rsplit(" ", 1)[0] + "…"

    def paper_header(self, paper: Paper) -> str:
        """The HTML put above the notes, built from the frontmatter (after Markdown: no need to parse it)."""
        return environment(self.root).get_template("site_paper_header.html.j2").render(
            unsearched=markupsafe.Markup(UNSEARCHED),
            paper=paper,
            title=math_html(paper.title),
            authors=paper.authors[:AUTHORS_SHOWN],
            more_authors=paper.authors[AUTHORS_SHOWN:],
            venue=paper.venue,
            status=status_word(paper.status),
            mark=STATUS_MARKS[paper.status],
            arxiv=paper.arxiv,
            doi=paper.doi,
            url=web_url(paper.url),
            code=web_url(paper.code),
            abstract=math_html(paper.abstract) if paper.abstract else None,
            topic=self.topic_title(paper.topic) if paper.topic else None,
            topic_path=paper.topic,
            topic_url=self.url(topic_page(paper.topic), paper.key + ".md") if paper.topic else None,
            tags=[(tag, self.url("tags.md", paper.key + ".md") + "#tag:" + tag_slug(tag)) for tag in paper.tags],
            find=None if paper.link else way_out(paper),
            planned=paper.planned,
            started=paper.started,
            finished=paper.finished,
            bibtex=self.bibtex(paper),
        )

    def _wiki_link(self, match: re.Match[str], links: SiteLinks) -> str:
        target = self.resolve(match.group(1))
        label = match.group(2)
        if target is None:
            try:
                # A paper not added yet, named by its arXiv ID: a link to arXiv, on purpose.
                ident = parse_arxiv_id(match.group(1)).canonical
                return f"[{md(label.strip()) if label else md('arXiv:' + ident)}](https://arxiv.org/abs/{ident})"
            except InvalidArxivId:
                pass
            self.unresolved.append(match.group(1).strip())  # the hook reports it: a strict build fails
            text = html.escape(match.group(0))
            return f'<span class="unresolved-link" title="No note for {html.escape(match.group(1).strip())} in this library">{text}</span>'
        return f"[{md(label.strip()) if label else md(target.title)}]({links.note(target)})"

