"""The reading plan as an iCalendar file: each planned paper an all-day event on a reading day.

Pure: papers in, bytes out. The same bytes come out for the same plan (stable UIDs, DTSTAMP taken
from the plan's week rather than the clock), so the published `plan.ics` changes only when the
plan does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from papernotes.model.config import WEEKDAYS
from papernotes.model.paper import Paper, parse_week
from papernotes.model.reading import planned_for
from papernotes.model.statuses import STATUS_WORDS
from papernotes.model.text import author_list


def plan_calendar(papers: Iterable[Paper], reading_days: Sequence[str], site_url: str | None = None,
                  name: str = "Reading plan") -> bytes:
    """Every planned paper, week by week, spread over the reading days in plan order."""
    import icalendar  # only the commands that write calendars pay for it

    papers = list(papers)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//papernotes//reading plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    offsets = [WEEKDAYS.index(day) for day in reading_days]
    for week in sorted({p.planned for p in papers if p.planned}):
        monday = parse_week(week)
        assert monday is not None
        for i, paper in enumerate(planned_for(papers, week)):
            day = monday + dt.timedelta(days=offsets[i % len(offsets)])
            event = icalendar.Event()
            event.add("uid", f"{paper.key}-{week}@papernotes")
            event.add("dtstamp", dt.datetime.combine(monday, dt.time(), tzinfo=dt.UTC))
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", paper.title)
            page = f"{site_url.rstrip('/')}/{paper.key}/" if site_url else None
            lines = [author_list(paper.authors),
                     f"Status: {STATUS_WORDS[paper.status]}"]
            if paper.link:
                lines.append(f"Paper: {paper.link}")
            if page:
                lines.append(f"Notes: {page}")
            event.add("description", "\n".join(line for line in lines if line))
            if page or paper.link:
                event.add("url", page or paper.link)
            event.add("transp", "TRANSPARENT")  # reading time, not a meeting: shows as free
            calendar.add_component(event)
    return calendar.to_ical()
