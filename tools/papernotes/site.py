"""The site: pages generated at build time from the same views and renderer as the README index.

`SiteBuilder` holds one build's state (the library, link resolution, backlinks); the MkDocs hook
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

import jinja2

from .bibtex import export, export_entry
from .config import Config
from .errors import PapernotesError
from .ics import plan_calendar
from .ids import InvalidArxivId, parse_arxiv_id
from .library import Library, LibraryProblems
from .paper import Paper, web_url
from .reading import ReadingLog, planned_for, planning_week, queue, reading_log, recently_read
from .render import STATUS_MARKS, Links, environment, md, note_link
from .views import chronological, short_authors, status_counts, topic_tree

RESERVED = {"index", "tags", "timeline", "topics", "library", "javascripts", "stylesheets", "reading-log", "plan", "trails"}
WIKI_LINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+?))?\]\]")
_MATH = re.compile(r"\$([^$]+)\$")
AUTHORS_SHOWN = 12
HOME_LIST = 10

STYLESHEET = """\
.paper-header .paper-authors { margin-bottom: .2em; }
.paper-header .paper-meta, .paper-header .paper-links { margin: .2em 0; }
.paper-header details { margin: .6em 0; }
.paper-status { font-weight: 600; }
.paper-header .paper-dates { margin: .2em 0; font-size: .9em; color: var(--md-default-fg-color--light); }
.reading-chart svg { width: 100%; height: auto; max-width: 60em; }
.reading-chart .bar { fill: var(--md-primary-fg-color); }
.reading-chart .bar.empty { fill: var(--md-default-fg-color--lightest); }
.reading-chart text { fill: var(--md-default-fg-color--light); font-size: 10px; }
.unresolved-link { border-bottom: 1px dashed var(--md-typeset-a-color); cursor: help; opacity: .75; }
"""
MATHJAX_CONFIG = """\
window.MathJax = {
  tex: { inlineMath: [["\\\\(", "\\\\)"]], displayMath: [["\\\\[", "\\\\]"]], processEscapes: true, processEnvironments: true },
  options: { ignoreHtmlClass: ".*|", processHtmlClass: "arithmatex" }
};
"""


def slug(text: str) -> str:
    return re.sub(r"[^\w]+", "-", text.lower()).strip("-") or "topic"


def topic_page(path: str) -> str:
    """The page of a topic: topics/nlp/embeddings.md; papers without a topic: topics/unsorted.md."""
    if not path:
        return "topics/unsorted.md"
    return "topics/" + "/".join(slug(part) for part in path.split("/")) + ".md"


class SiteLinks(Links):
    """Links between Markdown files, relative to the page they appear on (MkDocs resolves them)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.directory = posixpath.dirname(page)

    def to(self, target: str) -> str:
        return posixpath.relpath(target, self.directory or ".")

    def note(self, paper: Paper) -> str:
        return self.to(f"{paper.key}.md")


def math_html(text: str) -> str:
    """Escaped HTML for text, with `$...$` kept as arithmatex spans for MathJax."""
    out = []
    for i, part in enumerate(_MATH.split(text)):
        out.append(f'<span class="arithmatex">\\({html.escape(part)}\\)</span>' if i % 2 else html.escape(part))
    return "".join(out)


@dataclass
class Trail:
    paper: Paper
    children: list[Trail]

    @property
    def size(self) -> int:
        return 1 + sum(child.size for child in self.children)

    @property
    def read(self) -> int:
        return (self.paper.status == "read") + sum(child.read for child in self.children)

    def lines(self, links: Links, depth: int = 0) -> list[str]:
        """The tree as nested Markdown list items, each with its status mark and word."""
        line = f"{'    ' * depth}- {STATUS_MARKS[self.paper.status]} {note_link(self.paper, links)} · *{status_word(self.paper.status)}*"
        return [line] + [text for child in self.children for text in child.lines(links, depth + 1)]


def status_word(status: str) -> str:
    return status.replace("-", " ")


@dataclass
class SiteBuilder:
    library: Library
    papers: list[Paper] = field(default_factory=list)
    today: dt.date = dt.date.min
    site_url: str | None = None
    by_key: dict[str, Paper] = field(default_factory=dict)
    by_arxiv: dict[str, Paper] = field(default_factory=dict)
    backlinks: dict[str, list[Paper]] = field(default_factory=dict)
    led_to: dict[str, list[Paper]] = field(default_factory=dict)  # the reading trail: found_via, reversed
    _bibtex: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path, today: dt.date, site_url: str | None = None) -> SiteBuilder:
        library = Library(root)
        papers, problems = library.load(bodies=True)
        if problems:
            raise LibraryProblems(problems)
        builder = cls(library, papers, today, site_url)
        for paper in papers:
            if paper.key.lower() in RESERVED:
                raise PapernotesError(
                    f"{library.rel(library.note_path(paper.key))}: the name '{paper.key}' is used by a site page; rename the note"
                )
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
        roots = [p for p in chronological(self.papers) if p.key in self.led_to
                 and not any(k in self.by_key and k != p.key for k in p.found_via)]
        trails = [self._trail(root, set()) for root in roots]
        return sorted(trails, key=lambda t: (-t.size, t.paper.key))

    def _trail(self, paper: Paper, seen: set[str]) -> Trail:
        seen.add(paper.key)
        children = [self._trail(child, seen) for child in self.led_to.get(paper.key, []) if child.key not in seen]
        return Trail(paper, children)

    @property
    def config(self) -> Config:
        return self.library.config

    def bibtex(self, paper: Paper) -> str:
        """The paper's BibTeX entry, made once per build (the page and library.bib both use it)."""
        entry = self._bibtex.get(paper.key)
        if entry is None:
            entry = self._bibtex[paper.key] = export_entry(paper)
        return entry

    def resolve(self, target: str) -> Paper | None:
        """A [[link]] target: a note's key, or an arXiv ID in any form."""
        target = target.strip()
        if target in self.by_key:
            return self.by_key[target]
        try:
            return self.by_arxiv.get(parse_arxiv_id(target).canonical)
        except InvalidArxivId:
            return None

    # -- generated pages -------------------------------------------------------------------------------

    def pages(self) -> dict[str, str]:
        """Every generated page (and file) by its path in the site's docs."""
        roots = topic_tree(self.papers, self.config)
        nodes = {node.path: node for root in roots for node in root.walk()}
        by_year: dict[int | None, list[Paper]] = {}
        for paper in chronological(self.papers):
            by_year.setdefault(paper.year, []).append(paper)
        reading = chronological(p for p in self.papers if p.status == "reading")
        recent = sorted(self.papers, key=lambda p: (p.added or dt.date.min, p.key), reverse=True)
        week = planning_week(self.today)
        waiting = queue(self.papers, week)
        shared = {
            "papers": self.papers,
            "counts": status_counts(self.papers),
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
        }
        pages = {
            "index.md": self._render("site_home.md.j2", "index.md", shared),
            "topics/index.md": self._render("site_topics.md.j2", "topics/index.md", shared),
            "tags.md": self._render("site_tags.md.j2", "tags.md", shared),
            "timeline.md": self._render("site_timeline.md.j2", "timeline.md", shared),
            "trails.md": self._render("site_trails.md.j2", "trails.md", shared, trails=self.trails()),
            "reading-log.md": self._render("site_reading_log.md.j2", "reading-log.md", shared,
                                           log=reading_log(self.papers, self.today), chart=self._chart),
            "plan.ics": plan_calendar(self.papers, self.config.reading_days, self.site_url).decode("utf-8"),
            "library.bib": export(self.papers, entry=self.bibtex),
            "stylesheets/papernotes.css": STYLESHEET,
            "javascripts/mathjax.js": MATHJAX_CONFIG,
        }
        for path, node in nodes.items():
            parts = path.split("/") if path else []
            parents = [nodes["/".join(parts[:i])] for i in range(1, len(parts))]
            page = topic_page(path)
            pages[page] = self._render("site_topic.md.j2", page, shared, node=node, parents=parents)
        return pages

    @staticmethod
    def _chart(log: ReadingLog) -> str:
        """Papers finished per week as an inline SVG bar chart: no script, colours from the theme."""
        bar, gap, height, top = 12, 3, 90, 12
        most = max([count for _, count in log.weeks] + [1])
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {len(log.weeks) * (bar + gap)} {height + top + 16}" '
                 f'role="img" aria-label="Papers read per week, last {len(log.weeks)} weeks">']
        for i, (week, count) in enumerate(log.weeks):
            x = i * (bar + gap)
            h = max(2, round(count / most * height))
            label = f"{week}: {count} {'paper' if count == 1 else 'papers'} read"
            css = "bar" if count else "bar empty"
            parts.append(f'<rect class="{css}" x="{x}" y="{top + height - h}" width="{bar}" height="{h}" rx="2">'
                         f"<title>{label}</title></rect>")
            if count:
                parts.append(f'<text x="{x + bar / 2}" y="{top + height - h - 2}" text-anchor="middle">{count}</text>')
            if i % 13 == 0:
                parts.append(f'<text x="{x}" y="{top + height + 13}">{week}</text>')
        parts.append("</svg>")
        return "".join(parts)

    def _render(self, template: str, page: str, shared: dict[str, object], **context: object) -> str:
        return environment(self.library.root).get_template(template).render(**shared, links=SiteLinks(page), **context)

    # -- paper pages -----------------------------------------------------------------------------------

    def paper_markdown(self, paper: Paper, markdown: str) -> str:
        """The user's notes with [[links]] resolved, then the "Linked from" backlinks."""
        links = SiteLinks(f"{paper.key}.md")
        body = WIKI_LINK.sub(lambda m: self._wiki_link(m, links), markdown)
        backlinks = self.backlinks.get(paper.key, [])
        tail = ""
        trail = [("Found via", [self.by_key[k] for k in dict.fromkeys(paper.found_via) if k in self.by_key and k != paper.key]),
                 ("Led to", self.led_to.get(paper.key, []))]
        for heading, related in trail:
            if related:
                tail += f"\n\n## {heading}\n\n" + "\n".join(
                    f"- {STATUS_MARKS[p.status]} {note_link(p, links)} — {md(short_authors(p))}, {p.year or 'n.d.'} · *{status_word(p.status)}*"
                    for p in related) + "\n"
        if backlinks:
            tail += "\n\n## Linked from\n\n" + "\n".join(
                f"- {note_link(p, links)} — {md(short_authors(p))}, {p.year or 'n.d.'}" for p in backlinks
            ) + "\n"
        return body.strip("\n") + tail + "\n"

    def paper_header(self, paper: Paper) -> str:
        """The HTML put above the notes, built from the frontmatter (after Markdown: no need to parse it)."""
        header = _HEADER_TEMPLATE.render(
            paper=paper,
            title=math_html(paper.title),
            authors=paper.authors[:AUTHORS_SHOWN],
            more_authors=paper.authors[AUTHORS_SHOWN:],
            venue=paper.venue,
            status=paper.status,
            mark=STATUS_MARKS[paper.status],
            arxiv=paper.arxiv,
            doi=paper.doi,
            url=web_url(paper.url),
            code=web_url(paper.code),
            abstract=math_html(paper.abstract) if paper.abstract else None,
            topic=paper.topic,
            planned=paper.planned,
            started=paper.started,
            finished=paper.finished,
        )
        # Material adds its copy button to any <pre><code>; data-search-exclude keeps it out of search.
        bibtex = (f'<details class="paper-bibtex" data-search-exclude><summary>BibTeX</summary>'
                  f"<pre><code>{html.escape(self.bibtex(paper))}</code></pre></details>")
        return header + "\n" + bibtex + "\n"

    def _wiki_link(self, match: re.Match[str], links: SiteLinks) -> str:
        target = self.resolve(match.group(1))
        label = match.group(2)
        if target is None:
            text = html.escape(match.group(0))
            return f'<span class="unresolved-link" title="No note for {html.escape(match.group(1).strip())} in this library">{text}</span>'
        return f"[{md(label.strip()) if label else md(target.title)}]({links.note(target)})"


_HEADER_ENV = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)


# An HTML block: Markdown leaves it alone, and autoescaping covers every value put into it.
_HEADER = """\
<div class="paper-header">
<h1>{{ title|safe }}</h1>
<p class="paper-authors">{{ authors|join(", ") }}
{%- if more_authors %}<details><summary>and {{ more_authors|length }} more</summary>{{ more_authors|join(", ") }}</details>{% endif %}</p>
<p class="paper-meta">{% if venue %}{{ venue }} · {% endif %}{{ paper.year or "n.d." }} · <span class="paper-status">{{ mark }} {{ status }}</span>{% if topic %} · {{ topic }}{% endif %}</p>
<p class="paper-links">
{%- set sep = joiner(" · ") %}
{%- if arxiv %}{{ sep() }}<a href="https://arxiv.org/abs/{{ arxiv }}">arXiv</a>{{ sep() }}<a href="https://arxiv.org/pdf/{{ arxiv }}">PDF</a>{% endif %}
{%- if doi %}{{ sep() }}<a href="https://doi.org/{{ doi }}">DOI</a>{% endif %}
{%- if url %}{{ sep() }}<a href="{{ url }}">Link</a>{% endif %}
{%- if code %}{{ sep() }}<a href="{{ code }}">Code</a>{% endif %}
</p>
{% if planned or started or finished %}
<p class="paper-dates">
{%- set sep = joiner(" · ") %}
{%- if planned %}{{ sep() }}planned for {{ planned }}{% endif %}
{%- if started %}{{ sep() }}started {{ started }}{% endif %}
{%- if finished %}{{ sep() }}finished {{ finished }}{% endif %}
</p>
{% endif %}
{% if abstract %}
<details class="paper-abstract" data-search-exclude><summary>Abstract</summary><p>{{ abstract|safe }}</p></details>
{% endif %}
</div>"""
_HEADER_TEMPLATE = _HEADER_ENV.from_string(_HEADER)
