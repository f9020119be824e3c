"""The foundations your library keeps citing: papers cited by several of your notes, not in the library.

    papernotes gaps                        # cited by at least 2 notes, most cited first
    papernotes gaps --min 3 --topic nlp    # cited by 3 notes of nlp (and its subtopics)
    papernotes gaps --add 1,2              # add those, found via the notes citing them
    papernotes gaps --offline              # only the reference lists already in inbox/references.jsonl
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.commands.common import selection
from papernotes.errors import PapernotesError
from papernotes.model.citations import Gap
from papernotes.model.config import checked_topic
from papernotes.model.ids import parse_paper_id
from papernotes.model.paper import Paper
from papernotes.model.statuses import TO_READ

if TYPE_CHECKING:
    from papernotes.store.library import Library


SHOWN = 30
FOUND_VIA_KEPT = 10


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--min", type=common.whole_number(1, 10_000), default=2, metavar="N", help="cited by at least N notes (default 2)")
    ap.add_argument("--topic", help="only what the notes of this topic (and its subtopics) cite")
    ap.add_argument("--limit", type=common.whole_number(1, 100_000), default=SHOWN, metavar="N", help=f"show at most N (default {SHOWN})")
    ap.add_argument("--offline", action="store_true", help="fetch no reference list; use those kept in inbox/")
    ap.add_argument("--add", type=selection, metavar="1,4,7-9", help="add the papers with these numbers")
    common.priority_option(ap)
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.citations import gaps, reference_lists

    library = common.open_library(args)
    papers = library.load_strict()
    topic = checked_topic(args.topic, "--topic") if args.topic else None
    lists = reference_lists(library, papers, args.offline, common.warn, lambda line: print(line, flush=True))
    found = gaps(papers, lists, library.catalog(papers), args.min, topic)[: args.limit]
    if not args.add:
        for number, gap in enumerate(found, 1):
            print(line(number, gap, len(found)))
        known = sum(1 for p in papers if p.key in lists)
        print(f"{len(found)} papers cited by at least {args.min} of your notes and not in the library "
              f"(from the reference lists of {known} notes)", flush=True)
        return 0
    wrong = [n for n in args.add if not 1 <= n <= len(found)]
    if wrong:
        raise PapernotesError(f"--add {','.join(map(str, wrong))}: the list has {len(found)} papers (1 to {len(found)})")
    return 1 if add_gaps(library, papers, [found[n - 1] for n in args.add], topic, args) else 0


def line(number: int, gap: Gap, count: int) -> str:
    cited = gap.cited
    citing = ", ".join(gap.citing[:5]) + (f" and {len(gap.citing) - 5} more" if len(gap.citing) > 5 else "")
    who = f"{cited.author}, {cited.year or 'n.d.'}"
    return f"{number:>{len(str(count))}}. {cited.title} — {who} · {cited.ident} · cited by {len(gap.citing)}: {citing}"


def add_gaps(library: Library, papers: list[Paper], chosen: list[Gap], topic: str | None, args: argparse.Namespace) -> int:
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields, resolve

    ids = [parse_paper_id(g.cited.ident) for g in chosen if not g.cited.ident.startswith("S2:")]
    resolved = iter(resolve(library, ids))
    candidates = []
    for gap in chosen:
        if gap.cited.ident.startswith("S2:"):
            paper = Paper(key="", title=gap.cited.title, year=gap.cited.year, authors=(gap.cited.author,) if gap.cited.author else ())
            candidate = Candidate(gap.cited.title, paper=paper)
        else:
            candidate = next(resolved)
        via = ("found_via", gap.citing[:FOUND_VIA_KEPT])
        candidates.append(Candidate(candidate.label, candidate.arxiv, candidate.paper, candidate.problem, candidate.not_found,
                                    (*candidate.fields, via), candidate.fill))
    mine = new_note_fields(topic, [], TO_READ, args.today, args.priority)
    catalog = library.catalog(papers)
    return add_candidates(library, catalog, candidates, mine, None, report=common.REPORT).failures
