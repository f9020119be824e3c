"""List papers, filtered and sorted: an aligned table, or keys, JSON or TSV for scripts.

    papernotes list --status to-read --topic nlp
    papernotes list --tag transformers --format keys
    papernotes list --text attention --sort added
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
from collections.abc import Callable, Iterable
from typing import Any

from papernotes.commands import common
from papernotes.model.paper import STATUSES, Paper, in_topic
from papernotes.model.reading import planning_week, queue
from papernotes.present.views import known_filters

SORTS = ("year", "key", "added", "title", "queue")
FORMATS = ("table", "keys", "json", "tsv")


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--status", action="append", choices=STATUSES, help="only papers with this status (repeatable)")
    ap.add_argument("--topic", help="only papers in this topic or its subtopics")
    ap.add_argument("--tag", action="append", default=[], help="only papers with this tag (repeatable: all of them)")
    ap.add_argument("--planned", type=common.week, metavar="WEEK", help="only papers planned for this ISO week, e.g. 2026-W49")
    ap.add_argument("--year", type=int, help="only papers of this year")
    ap.add_argument("--has-code", action="store_true", help="only papers with a code: link")
    ap.add_argument("--text", metavar="WORD", help="only papers whose title, authors or notes contain WORD (any case)")
    ap.add_argument("--sort", choices=SORTS, default="year", help="order (default: year, oldest first; queue: what plan would pick)")
    ap.add_argument("--format", choices=FORMATS, default="table", help="output (default: an aligned table)")
    return ap


def matches(args: argparse.Namespace) -> Callable[[Paper], bool]:
    topic = args.topic.strip("/") if args.topic else None
    text = args.text.casefold() if args.text else None
    wanted_tags = {t.casefold() for t in args.tag}

    def keep(paper: Paper) -> bool:
        if args.status and paper.status not in args.status:
            return False
        if topic and not in_topic(paper, topic):
            return False
        if wanted_tags and not wanted_tags <= {t.casefold() for t in paper.tags}:
            return False
        if args.planned and paper.planned != args.planned:
            return False
        if args.year is not None and paper.year != args.year:
            return False
        if args.has_code and not paper.code:
            return False
        if text is not None:
            haystack = "\n".join((paper.title, *paper.authors, paper.body)).casefold()
            if text not in haystack:
                return False
        return True

    return keep


def ordered(papers: list[Paper], sort: str, today: dt.date) -> list[Paper]:
    if sort == "queue":
        return queue(papers, planning_week(today))
    keys: dict[str, Callable[[Paper], Any]] = {
        "year": lambda p: (p.year or 9999, p.published or dt.date.max, p.key),
        "key": lambda p: p.key,
        "added": lambda p: (p.added or dt.date.min, p.key),
        "title": lambda p: (p.title.casefold(), p.key),
    }
    return sorted(papers, key=keys[sort])


def run(args: argparse.Namespace) -> int:
    library = common.open_library(args)
    papers = library.load_strict(bodies=bool(args.text), abstracts=args.format == "json")
    known_filters(papers, args.tag, args.topic)
    keep = matches(args)
    chosen = ordered([p for p in papers if keep(p)], args.sort, args.today)
    write = sys.stdout.write
    if args.format == "keys":
        write("".join(f"{p.key}\n" for p in chosen))
    elif args.format == "json":
        write(json.dumps([_json(p) for p in chosen], ensure_ascii=False, indent=1) + "\n")
    elif args.format == "tsv":
        write("key\tstatus\tyear\ttopic\ttags\tplanned\ttitle\n")
        write("".join("\t".join(_clean(v) for v in _row(p)) + "\n" for p in chosen))
    else:
        write(table(chosen, shutil.get_terminal_size().columns if sys.stdout.isatty() else None))
    return 0


def _row(paper: Paper) -> tuple[str, ...]:
    return (paper.key, paper.status, str(paper.year or ""), paper.topic or "", ",".join(paper.tags),
            paper.planned or "", paper.title)


def _clean(value: str) -> str:
    return " ".join(value.split())


def _json(paper: Paper) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in paper.frontmatter().items()}


def table(papers: Iterable[Paper], width: int | None) -> str:
    """Aligned columns; on a terminal, titles are cut to fit its width."""
    rows = [(p.key, p.status, str(p.year or "n.d."), _clean(p.title)) for p in papers]
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for key, status, year, title in rows:
        head = f"{key:<{widths[0]}}  {status:<{widths[1]}}  {year:<{widths[2]}}  "
        if width and len(head) + len(title) > width:
            title = title[: max(10, width - len(head) - 1)] + "…"
        lines.append(head + title)
    return "\n".join(lines) + "\n"
