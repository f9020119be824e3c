"""The reading workflow as pure functions: status dates, the queue, the week's plan, the reading log.

"Today" is always a parameter: nothing here reads the clock, so the site, the commands and the
tests agree on what "this week" means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from papernotes.model.paper import DEFAULT_PRIORITY, Paper, in_topic, parse_week, week_of
from papernotes.model.statuses import READ, READING, SKIPPED, TO_READ, UNFINISHED

# `found_via` of a paper brought in from a file: "import:NAME", or "import:NAME:LINE" for an entry of a
# reading list, whose line keeps the list's order in the queue.
IMPORT_PREFIX = "import:"


def imported_from(paper: Paper) -> tuple[str, int | None] | None:
    """The file a paper was imported from, and its line there when the list's order matters."""
    for origin in paper.found_via:
        if origin.startswith(IMPORT_PREFIX):
            name, _, line = origin[len(IMPORT_PREFIX):].rpartition(":")
            return (name, int(line)) if name and line.isdigit() else (origin[len(IMPORT_PREFIX):], None)
    return None


def status_changes(paper: Paper, status: str, today: dt.date) -> dict[str, Any]:
    """The fields to set for a new status: the status, and `started`/`finished` the first time."""
    changes: dict[str, Any] = {}
    if paper.status != status:
        changes["status"] = status
    if status == READING and paper.started is None:
        changes["started"] = today
    if status == READ and paper.finished is None:
        changes["finished"] = today
    return changes


def planning_week(today: dt.date) -> str:
    """The week a plan is for: this ISO week, or the coming one on a Sunday (when people plan)."""
    return week_of(today + dt.timedelta(days=1) if today.isoweekday() == 7 else today)


def week_days(week: str) -> tuple[dt.date, dt.date]:
    monday = parse_week(week)
    assert monday is not None, week
    return monday, monday + dt.timedelta(days=6)


def queue(papers: Iterable[Paper], week: str) -> list[Paper]:
    """What to read next, best first.

    The queue holds papers to read, and unfinished papers planned for a week before `week`
    (carried over). Order: those carried over (oldest plan first), then by priority (1 first; none
    counts as 2), then papers found via a paper being read, then the oldest added; papers imported
    together from a reading list in the list's order. Papers added the
    same day (a paper and the references added from it) come as a reader would take them: a paper
    before those found via it, then the older first (the foundations before what builds on them).
    """
    papers = list(papers)
    candidates = [
        p for p in papers
        if (p.status == TO_READ and not (p.planned and p.planned >= week))
        or (p.status in UNFINISHED and p.planned and p.planned < week)
    ]
    return sorted(candidates, key=_ranking(papers, week))


def planned_for(papers: Iterable[Paper], week: str) -> list[Paper]:
    """The papers planned for `week`, ranked as the queue ranks them (priority, trail, added)."""
    papers = list(papers)
    return sorted((p for p in papers if p.planned == week), key=_ranking(papers, week))


def _ranking(papers: list[Paper], week: str) -> Callable[[Paper], tuple[Any, ...]]:
    being_read = {p.key for p in papers if p.status == READING}
    in_library = {p.key for p in papers}

    def rank(paper: Paper) -> tuple[Any, ...]:
        carried = paper.planned is not None and paper.planned < week
        origin = imported_from(paper)
        return (
            0 if carried else 1,
            paper.planned if carried else "",
            paper.priority or DEFAULT_PRIORITY,
            0 if being_read.intersection(paper.found_via) else 1,
            paper.added or dt.date.max,
            1 if in_library.intersection(paper.found_via) else 0,
            origin[1] if origin and origin[1] is not None else 0,  # a reading list read from the top
            paper.year or 10_000,
            paper.key,
        )

    return rank


@dataclass(frozen=True)
class Plan:
    week: str
    kept: list[Paper]  # already planned for the week
    new: list[Paper]  # to be planned now, from the head of the queue
    focus: str | None = None
    focus_left: int = 0  # papers of the focus topic still in the queue, before this plan took any


def make_plan(papers: Sequence[Paper], week: str, count: int, focus: str | None = None) -> Plan:
    """The week's plan: what is planned already, then the head of the queue, the focus topic's papers
    first (one topic at a time: the rest only when the topic has none left)."""
    kept = planned_for(papers, week)
    waiting = queue(papers, week)
    in_focus = [p for p in waiting if focus and in_topic(p, focus)]
    if focus:
        waiting = in_focus + [p for p in waiting if not in_topic(p, focus)]
    return Plan(week, kept, waiting[: max(0, count - len(kept))], focus, len(in_focus))


@dataclass(frozen=True)
class Progress:
    topic: str
    read: int
    total: int


def focus_progress(papers: Iterable[Paper], focus: str) -> Progress:
    """How far along the focus topic is: its papers read, of all its papers (skipped ones left out)."""
    mine = [p for p in papers if in_topic(p, focus) and p.status != SKIPPED]
    return Progress(focus, sum(1 for p in mine if p.status == READ), len(mine))


# -- the reading log ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadingLog:
    weeks: list[tuple[str, int]]  # the last 52 weeks (oldest first) and papers finished in each
    streak: int  # weeks in a row, up to this one, with at least one paper read
    total_read: int
    by_topic: list[tuple[str, int, int]]  # topic, papers read, papers in all


def reading_log(papers: Sequence[Paper], today: dt.date, weeks: int = 52) -> ReadingLog:
    finished: dict[str, int] = {}
    for paper in papers:
        if paper.status == READ and paper.finished is not None:
            week = week_of(paper.finished)
            finished[week] = finished.get(week, 0) + 1
    this_monday = today - dt.timedelta(days=today.weekday())
    recent = [week_of(this_monday - dt.timedelta(weeks=i)) for i in range(weeks - 1, -1, -1)]
    # This week still counts as unbroken until it ends: the streak starts from last week if need be.
    streak = 0
    start = 0 if finished.get(recent[-1]) else 1
    monday = this_monday - dt.timedelta(weeks=start)
    while finished.get(week_of(monday)):
        streak += 1
        monday -= dt.timedelta(weeks=1)
    topics: dict[str, list[int]] = {}
    for paper in papers:
        counts = topics.setdefault(paper.topic or "", [0, 0])
        counts[0] += paper.status == READ
        counts[1] += 1
    by_topic = sorted(((t, c[0], c[1]) for t, c in topics.items()), key=lambda item: (-item[1], item[0] == "", item[0]))
    return ReadingLog(
        weeks=[(week, finished.get(week, 0)) for week in recent],
        streak=streak,
        total_read=sum(1 for p in papers if p.status == READ),
        by_topic=by_topic,
    )


def recently_read(papers: Iterable[Paper]) -> list[Paper]:
    """Papers read, the most recently finished first (those without a date last)."""
    read = [p for p in papers if p.status == READ]
    return sorted(read, key=lambda p: (p.finished is None, -(p.finished or dt.date.min).toordinal(), p.key))
