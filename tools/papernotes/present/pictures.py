"""Pictures where a reader would rather look than read: a paper among its neighbours on its page, a
year of reading on the home page, every note on the map page, and the reading log's weeks.

Each is laid out here, as numbers and labels, and drawn as SVG by templates/site_pictures.html.j2
(autoescaped, so a hostile title is text in a picture too). Not a drawing library: each is a fixed,
deterministic layout of a few dozen shapes (a ring, a grid, bars), built at generation time with no
script and no request. Colours come from the theme's variables (papernotes.css), so both palettes hold.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from papernotes.model.paper import Paper, week_of
from papernotes.model.reading import ReadingLog
from papernotes.model.statuses import READ
from papernotes.model.text import short_authors
from papernotes.present.render import environment

MAX_NEIGHBOURS = 30  # a few dozen at most: beyond that the ring is a blur, and the lists say it all
LABEL_CHARACTERS = 20  # a label's authors, cut to stay inside the picture (the title says it all)
# How each neighbour is related, in the order the ring goes round and the legend reads.
RELATIONS = (("links", "in the notes"), ("linked", "links here"), ("via", "found via"), ("led", "led to"),
             ("cites", "cited"), ("cited", "cites this"), ("related", "related"))
MAP_COLUMNS = 1200  # the map's width before zooming; regions wrap into rows within it
MAP_CELL = 14  # a note's square in a region


def _drawn(root: Path, picture: str, layout: dict[str, Any]) -> str:
    return str(getattr(environment(root).get_template("site_pictures.html.j2").module, picture)(layout))


def neighbourhood(root: Path, paper: Paper, groups: Sequence[tuple[str, Sequence[Paper]]],
                  url_of: Callable[[Paper], str]) -> str:
    """The paper among the notes it is connected to: a ring of its neighbours, each a link to its page
    coloured by its status, the line to it drawn by how they are related. Empty without neighbours."""
    placed: dict[str, tuple[Paper, str]] = {}
    for relation, papers in groups:
        for other in papers:
            if other.key != paper.key and other.key not in placed and len(placed) < MAX_NEIGHBOURS:
                placed[other.key] = (other, relation)
    if not placed:
        return ""
    cx, cy, rx, ry = 360, 142, 220, 110
    words = dict(RELATIONS)
    nodes = []
    for number, (other, relation) in enumerate(placed.values()):
        angle = -math.pi / 2 + 2 * math.pi * number / len(placed)
        x, y = cx + rx * math.cos(angle), cy + ry * math.sin(angle)
        who = short_authors(other.authors)
        anchor = "start" if math.cos(angle) > 0.2 else "end" if math.cos(angle) < -0.2 else "middle"
        dx = 10 if anchor == "start" else -10 if anchor == "end" else 0
        dy = 4 if anchor != "middle" else (-11 if math.sin(angle) < 0 else 19)
        nodes.append({"relation": relation, "word": words[relation], "url": url_of(other), "title": other.title,
                      "status": other.status, "x": f"{x:.1f}", "y": f"{y:.1f}", "anchor": anchor,
                      "label_x": f"{x + dx:.1f}", "label_y": f"{y + dy:.1f}",
                      "label": f"{who if len(who) <= LABEL_CHARACTERS else who[: LABEL_CHARACTERS - 1] + '…'}, "
                               f"{other.year or 'n.d.'}"})
    legend = [(name, word) for name, word in RELATIONS if any(r == name for _, r in placed.values())]
    return _drawn(root, "neighbourhood", {"width": 720, "height": 300, "cx": cx, "cy": cy, "title": paper.title,
                                          "status": paper.status, "nodes": nodes, "legend": legend})


def reading_calendar(root: Path, papers: Sequence[Paper], today: dt.date, goal: int) -> str:
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
    weeks: list[dict[str, Any]] = []
    for column in range(53):
        monday = first + dt.timedelta(weeks=column)
        days = [{"date": day.isoformat(), "count": finished.get(day, 0), "y": top + row * (cell + gap)}
                for row in range(7) if (day := monday + dt.timedelta(days=row)) <= today]
        weeks.append({"x": left + column * (cell + gap), "days": days, "total": sum(d["count"] for d in days),
                      "name": week_of(monday), "month": f"{monday:%b}" if monday.day <= 7 else None})
    total = sum(week["total"] for week in weeks)
    met = sum(week["total"] >= goal for week in weeks)
    return _drawn(root, "calendar", {
        "width": left + 53 * (cell + gap), "height": top + 7 * (cell + gap) + 8, "cell": cell, "goal": goal,
        "goal_y": top + 7 * (cell + gap) + 2, "weeks": weeks,
        "weekdays": [(name, top + row * (cell + gap) + 9) for row, name in ((0, "Mon"), (2, "Wed"), (4, "Fri"))],
        "summary": f"{total} {'paper' if total == 1 else 'papers'} read in the last year; the weekly goal of {goal} "
                   f"met in {met} of 53 weeks"})


def library_map(root: Path, papers: Sequence[Paper], title_of: Callable[[str], str], url_of: Callable[[Paper], str],
                queued: set[str]) -> str:
    """Every note on one picture: a region per top-level topic (largest first, wrapping into rows),
    and in each region its notes in rows by subtopic, then year, so that a subtopic is a band and its
    papers sit together; each note a dot coloured by status, the queue's ringed, each a link with its
    title. A fixed layout, so the page is the same at every build and needs no script to lay out."""
    by_topic: dict[str, list[Paper]] = {}
    for paper in papers:
        by_topic.setdefault((paper.topic or "").split("/")[0], []).append(paper)
    regions = []
    x = y = row_height = 0
    for topic in sorted(by_topic, key=lambda t: (t == "", -len(by_topic[t]), t)):
        members = sorted(by_topic[topic], key=lambda p: (p.topic or "", p.year or 0, p.key))
        caption = f"{title_of(topic) if topic else 'No topic'} ({len(members)})"
        # Wide enough for its name (about 7 units a letter at this size), square-ish for its notes.
        columns = max(4, math.ceil(math.sqrt(len(members) * 1.6)), min(math.ceil(len(caption) * 7 / MAP_CELL), 60))
        width, height = columns * MAP_CELL + 16, math.ceil(len(members) / columns) * MAP_CELL + 34
        if x and x + width > MAP_COLUMNS:
            x, y, row_height = 0, y + row_height + 12, 0
        dots = [{"paper": paper, "url": url_of(paper), "authors": short_authors(paper.authors),
                 "queued": paper.key in queued,
                 "x": f"{x + 8 + (number % columns) * MAP_CELL + MAP_CELL / 2:.0f}",
                 "y": f"{y + 26 + (number // columns) * MAP_CELL + MAP_CELL / 2:.0f}"} for number, paper in enumerate(members)]
        regions.append({"x": x, "y": y, "width": width, "height": height, "caption": caption, "dots": dots})
        x += width + 12
        row_height = max(row_height, height)
    return _drawn(root, "library_map", {"width": MAP_COLUMNS, "height": y + row_height + 4, "regions": regions,
                                        "summary": f"Every note in the library, {len(papers)} in all, by topic"})


def reading_chart(root: Path, log: ReadingLog) -> str:
    """Papers finished per week as bars, the weeks' counts on them, every 13th week named beneath."""
    bar, gap, height, top = 12, 3, 90, 12
    most = max([count for _, count in log.weeks] + [1])
    bars = []
    for i, (week, count) in enumerate(log.weeks):
        h = max(2, round(count / most * height))
        bars.append({"week": week, "count": count, "x": i * (bar + gap), "y": top + height - h, "height": h})
    return _drawn(root, "reading_chart", {"width": len(log.weeks) * (bar + gap), "height": height + top + 16,
                                          "bar": bar, "axis_y": top + height + 13, "bars": bars})
