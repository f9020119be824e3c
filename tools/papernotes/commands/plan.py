"""Plan the week's reading: pick papers from the head of the queue and mark them `planned: WEEK`.

    papernotes plan                    # on a Sunday: the coming week; otherwise this week
    papernotes plan --week 2026-W49 --count 4
    papernotes plan --show             # print the week's plan and the queue; change nothing
    papernotes plan --ics plan.ics     # also write every planned paper to a calendar file
    papernotes plan --focus nlp/retrieval   # that topic's papers first (or focus = "..." in pyproject.toml)
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import check_output_path, read_text_inside, write_file
from papernotes.model.config import checked_topic
from papernotes.model.paper import Paper, in_topic
from papernotes.model.reading import focus_progress, make_plan, planning_week, queue, week_days
from papernotes.present.views import topic_title

if TYPE_CHECKING:
    from papernotes.store.library import Library


QUEUE_SHOWN = 5


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--week", type=common.week, help="the ISO week to plan, e.g. 2026-W49 (default: this week; on Sundays the next)")
    ap.add_argument("--count", type=common.whole_number(1, 100), help="papers in the week (default: papers_per_week in pyproject.toml, 3)")
    ap.add_argument("--show", action="store_true", help="print the week's plan and the head of the queue; change nothing")
    ap.add_argument("--dry-run", action="store_true", help="print what would be planned; write nothing")
    ap.add_argument("--focus", metavar="TOPIC", help="take this topic's papers first (default: focus in pyproject.toml; '' for none)")
    ap.add_argument("--ics", metavar="FILE", help="write every planned paper as all-day events on the reading days")
    return ap


def run(args: argparse.Namespace) -> int:
    library = common.open_library(args)
    papers, problems = library.load(abstracts=False)
    for problem in problems:
        common.warn(f"{problem} (left out of the plan)")
    target = args.week or planning_week(args.today)
    focus = library.config.focus if args.focus is None else checked_topic(args.focus, "--focus") if args.focus.strip() else None
    if focus and not any(in_topic(p, focus) for p in papers):
        raise PapernotesError(f"focus '{focus}': no paper has this topic; `papernotes topics` lists the topics in use")
    plan = make_plan(papers, target, args.count or library.config.papers_per_week, focus)
    monday, sunday = week_days(target)
    new = [] if args.show else plan.new
    print(f"Week {target} ({monday:%a %d %b} – {sunday:%a %d %b %Y}): {len(plan.kept) + len(new)} papers to read")
    if focus:
        progress = focus_progress(papers, focus)
        print(f"Focus: {topic_title(library.config.topics, focus)}, {progress.read} of {progress.total} read")
        if plan.focus_left == 0:
            print(f"  nothing left to read in {focus}: the rest of the queue comes next; "
                  f"`papernotes gaps --topic {focus}` lists the papers its notes cite that are not in the library")
    for paper in plan.kept:
        print(f"  planned  {_line(library, paper)}")
    failures = 0
    for paper in new:
        if args.dry_run:
            print(f"  would plan  {_line(library, paper)}")
            continue
        try:
            library.update(paper.key, {"planned": target})
        except PapernotesError as exc:
            common.error(str(exc))
            failures += 1
            continue
        print(f"  new      {_line(library, paper)}")
    if args.show:
        upcoming = queue(papers, target)
        if upcoming:
            print(f"Next in the queue ({len(upcoming)}):")
            for paper in upcoming[:QUEUE_SHOWN]:
                print(f"  {_line(library, paper)}")
    if not plan.kept and not plan.new:
        print("  nothing to plan: no paper is waiting to be read (add some, or mark some to-read)")
    if args.ics and not args.dry_run:
        write_calendar(library, Path(args.ics))
    if problems:
        from papernotes.store.library import LibraryProblems

        raise LibraryProblems(problems)
    return 1 if failures else 0


def _line(library: Library, paper: Paper) -> str:
    return f"{library.rel(library.note_path(paper.key))}  {paper.title}"


def site_url(root: Path) -> str | None:
    """`site_url` from mkdocs.yml, read as text: the file may hold tags no safe YAML loader accepts."""
    try:
        text = read_text_inside(root, root / "mkdocs.yml", 1024 * 1024)
    except PapernotesError:
        return None
    match = re.search(r"^site_url:[ \t]*['\"]?(https?://[^\s'\"#]+)", text, re.MULTILINE)
    return match.group(1) if match else None


def write_calendar(library: Library, target: Path) -> None:
    from papernotes.present.ics import plan_calendar

    check_output_path(target, str(target))
    papers = library.load_strict(abstracts=False)
    data = plan_calendar(papers, library.config.reading_days, site_url(library.root))
    write_file(target, data)
    print(f"wrote {target}")
