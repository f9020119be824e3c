"""Set papers' reading status; the first `reading` records `started:`, the first `read` records `finished:`.

    papernotes status devlin2018bert reading
    papernotes status 1810.04805 vaswani read
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.model.paper import STATUSES, Paper
from papernotes.model.reading import status_changes
from papernotes.model.statuses import READ
from papernotes.model.text import counted

if TYPE_CHECKING:
    from papernotes.store.library import Library


MENTIONED_UP_TO = 10  # papers marked read at once whose highlights are looked for


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("papers", nargs="+", metavar="KEY", help="a note's key, an arXiv ID in any form, or a unique prefix of a key")
    ap.add_argument("status", choices=STATUSES, help="the new status")
    return ap


def run(args: argparse.Namespace) -> int:
    def change(paper: Paper) -> dict[str, object]:
        return status_changes(paper, args.status, args.today)

    library = common.open_library(args)
    code, updated = common.update_notes(library, args.papers, change)
    if args.status == READ and code == 0:
        _mention_highlights(library, [u.after for u in updated[:MENTIONED_UP_TO]])
    return code


def _mention_highlights(library: Library, papers: list[Paper]) -> None:
    """Finished reading: the highlights made meanwhile, in Zotero or Hypothesis, are a command away."""
    from papernotes.model.highlights import SOURCES
    from papernotes.services.highlights import waiting

    for paper in papers:
        for source, count in waiting(library, paper):
            print(f"{SOURCES[source]} has {counted(count, 'highlight')} for it that the note has not: "
                  f"papernotes highlights {paper.key}")
