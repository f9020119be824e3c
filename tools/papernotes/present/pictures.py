"""Pictures where a reader would rather look than read: a paper among its neighbours on its page, and
a year of reading on the home page. SVG written here rather than by a drawing library: both are a
fixed, deterministic layout of a few dozen shapes (a ring, a grid), built at generation time with no
script and no request, and every value goes through html_text, the escaping every generated HTML
block uses (a hostile title is text in the picture too). Colours come from the theme's variables
(papernotes.css), so both palettes hold."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence

from papernotes.model.paper import Paper, week_of
from papernotes.model.statuses import READ
from papernotes.model.text import short_authors
from papernotes.present.markdown import html_text

MAX_NEIGHBOURS = 30
LABEL_CHARACTERS = 20  # a label's authors, cut to stay inside the picture (the title says it all)  # a few dozen at most: beyond that the ring is a blur, and the lists say it all
# How each neighbour is related, in the order the ring goes round and the legend reads.
RELATIONS = (("links", "in the notes"), ("linked", "links here"), ("via", "found via"), ("led", "led to"),
             ("cites", "cited"), ("cited", "cites this"), ("related", "related"))


def neighbourhood(paper: Paper, groups: Sequence[tuple[str, Sequence[Paper]]], url_of: Callable[[Paper], str]) -> str:
    """The paper among the notes it is connected to: a ring of its neighbours, each a link to its page
    coloured by its status, the line to it drawn by how they are related. Empty without neighbours."""
    placed: dict[str, tuple[Paper, str]] = {}
    for relation, papers in groups:
        for other in papers:
            if other.key != paper.key and other.key not in placed and len(placed) < MAX_NEIGHBOURS:
                placed[other.key] = (other, relation)
    if not placed:
        return ""
    width, height, cx, cy = 720, 300, 360, 142
    rx, ry = 220, 110
    count = len(placed)
    words = {name: word for name, word in RELATIONS}
    edges, nodes = [], []
    for number, (other, relation) in enumerate(placed.values()):
        angle = -math.pi / 2 + 2 * math.pi * number / count
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        edges.append(f'<line class="pn-edge pn-{relation}" x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}"/>')
        who = short_authors(other.authors)
        label = f"{who if len(who) <= LABEL_CHARACTERS else who[: LABEL_CHARACTERS - 1] + '…'}, {other.year or 'n.d.'}"
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-11 if math.sin(angle) < 0 else 19)
        nodes.append(f'<a href="{html_text(url_of(other))}"><title>{html_text(other.title)} ({html_text(words[relation])})</title>'
                     f'<circle class="pn-node pn-{other.status}" cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
                     f'<text x="{x + dx:.1f}" y="{y + dy:.1f}" text-anchor="{anchor}">{html_text(label)}</text></a>')
    shown = [(name, word) for name, word in RELATIONS if any(r == name for _, r in placed.values())]
    legend = "".join(f'<line class="pn-edge pn-{name}" x1="{12 + i * 104}" y1="{height - 10}" x2="{32 + i * 104}" y2="{height - 10}"/>'
                     f'<text x="{36 + i * 104}" y="{height - 6}">{html_text(word)}</text>' for i, (name, word) in enumerate(shown))
    centre = (f'<circle class="pn-node pn-centre pn-{paper.status}" cx="{cx}" cy="{cy}" r="11"><title>{html_text(paper.title)}</title></circle>')
    title = f"{html_text(paper.title)} and {count} {'paper' if count == 1 else 'papers'} around it in this library"
    return (f'<figure class="paper-neighbourhood" data-search-exclude><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="group" '
            f'aria-label="{title}"><title>{title}</title>{"".join(edges)}{centre}{"".join(nodes)}'
            f'<g class="pn-legend">{legend}</g></svg></figure>')


def reading_calendar(papers: Sequence[Paper], today: dt.date, goal: int) -> str:
    """A year of reading as contribution calendars draw it: a column a week (Monday on top), each day
    shaded by the papers finished that day, and under each week a mark that fills when the week met
    the goal. Every day and week says its count in its <title>."""
    finished: dict[dt.date, int] = {}
    for paper in papers:
        if paper.status == READ and paper.finished is not None:
            finished[paper.finished] = finished.get(paper.finished, 0) + 1
    this_monday = today - dt.timedelta(days=today.weekday())
    first = this_monday - dt.timedelta(weeks=52)
    cell, gap, top, left = 10, 2, 14, 26
    parts = []
    met = total = 0
    for column in range(53):
        monday = first + dt.timedelta(weeks=column)
        x = left + column * (cell + gap)
        if monday.day <= 7:  # a month's first week carries its name
            parts.append(f'<text class="pn-month" x="{x}" y="10">{monday:%b}</text>')
        week_total = 0
        for row in range(7):
            day = monday + dt.timedelta(days=row)
            if day > today:
                break
            count = finished.get(day, 0)
            week_total += count
            level = min(count, 3)
            parts.append(f'<rect class="pn-day pn-level{level}" x="{x}" y="{top + row * (cell + gap)}" width="{cell}" height="{cell}" rx="2">'
                         f'<title>{day.isoformat()}: {count} read</title></rect>')
        total += week_total
        met += week_total >= goal
        y = top + 7 * (cell + gap) + 2
        parts.append(f'<rect class="pn-goal{" pn-met" if week_total >= goal else ""}" x="{x}" y="{y}" width="{cell}" height="4" rx="1">'
                     f'<title>{week_of(monday)}: {week_total} of {goal} read</title></rect>')
    for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri")):
        parts.append(f'<text class="pn-weekday" x="0" y="{top + row * (cell + gap) + 9}">{name}</text>')
    width = left + 53 * (cell + gap)
    height = top + 7 * (cell + gap) + 8
    summary = (f"{total} {'paper' if total == 1 else 'papers'} read in the last year; the weekly goal of {goal} "
               f"met in {met} of 53 weeks")
    return (f'<figure class="reading-calendar" data-search-exclude><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{summary}"><title>{summary}</title>{"".join(parts)}</svg><figcaption>{summary}.</figcaption></figure>')


MAP_COLUMNS = 1200  # the map's width before zooming; regions wrap into rows within it
MAP_CELL = 14  # a note's square in a region


def library_map(papers: Sequence[Paper], title_of: Callable[[str], str], url_of: Callable[[Paper], str],
                queued: set[str]) -> str:
    """Every note on one picture: a region per top-level topic (largest first, wrapping into rows),
    and in each region its notes in rows by subtopic, then year, so that a subtopic is a band and its
    papers sit together; each note a dot coloured by status, the queue's ringed, each a link with its
    title. A fixed layout computed here, so the page is the same at every build and needs no script
    to lay out (zooming is a button away)."""
    regions: dict[str, list[Paper]] = {}
    for paper in papers:
        regions.setdefault((paper.topic or "").split("/")[0], []).append(paper)
    order = sorted(regions, key=lambda t: (t == "", -len(regions[t]), t))
    parts: list[str] = []
    x = y = row_height = 0
    for topic in order:
        members = sorted(regions[topic], key=lambda p: (p.topic or "", p.year or 0, p.key))
        label = title_of(topic) if topic else "No topic"
        caption = f"{label} ({len(members)})"
        # Wide enough for its name (about 7 units a letter at this size), square-ish for its notes.
        columns = max(4, math.ceil(math.sqrt(len(members) * 1.6)), min(math.ceil(len(caption) * 7 / MAP_CELL), 60))
        rows = math.ceil(len(members) / columns)
        width, height = columns * MAP_CELL + 16, rows * MAP_CELL + 34
        if x and x + width > MAP_COLUMNS:
            x, y, row_height = 0, y + row_height + 12, 0
        parts.append(f'<g class="pn-region"><rect x="{x}" y="{y}" width="{width}" height="{height}" rx="6"/>'
                     f'<text x="{x + 8}" y="{y + 17}">{html_text(caption)}</text>')
        for number, paper in enumerate(members):
            cx = x + 8 + (number % columns) * MAP_CELL + MAP_CELL / 2
            cy = y + 26 + (number // columns) * MAP_CELL + MAP_CELL / 2
            queue = " pn-queued" if paper.key in queued else ""
            parts.append(f'<a href="{html_text(url_of(paper))}"><title>{html_text(paper.title)} — '
                         f'{html_text(short_authors(paper.authors))}, {paper.year or "n.d."}</title>'
                         f'<circle class="pn-node pn-{paper.status}{queue}" cx="{cx:.0f}" cy="{cy:.0f}" r="5"/></a>')
        parts.append("</g>")
        x += width + 12
        row_height = max(row_height, height)
    total_height = y + row_height + 4
    summary = f"Every note in the library, {len(papers)} in all, by topic"
    return (f'<figure class="library-map" data-search-exclude><div class="library-map-view">'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{MAP_COLUMNS}" height="{total_height}" '
            f'viewBox="0 0 {MAP_COLUMNS} {total_height}" role="group" aria-label="{summary}"><title>{summary}</title>'
            f'{"".join(parts)}</svg></div><figcaption>{summary}; the All papers page lists them as text.</figcaption></figure>')
