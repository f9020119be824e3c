"""Set papers' reading status; the first `reading` records `started:`, the first `read` records `finished:`.

    papernotes status devlin2018bert reading
    papernotes status 1810.04805 vaswani read
"""

from __future__ import annotations

import argparse

from papernotes.commands import common
from papernotes.model.paper import STATUSES, Paper
from papernotes.model.reading import status_changes
from papernotes.store.library import Library


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("papers", nargs="+", metavar="KEY", help="a note's key, an arXiv ID in any form, or a unique prefix of a key")
    ap.add_argument("status", choices=STATUSES, help="the new status")
    return ap


def run(args: argparse.Namespace) -> int:
    def change(paper: Paper) -> dict[str, object]:
        return status_changes(paper, args.status, args.today)

    return common.update_notes(Library(args.root), args.papers, change)
