"""Check for new papers: run the saved queries, rank what they found against the library, write a digest to tick.

    papernotes watch                          # inbox/2026-W48.md: new since the last check, best first
    papernotes watch --dry-run                # print the ranked list; write nothing
    papernotes watch --sort popular           # most upvoted first (default: mixed, relevance first)
    papernotes watch --accept inbox/2026-W48.md   # add the papers ticked [x] in the digest
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import (
    INBOX,
    read_named_file,
    write_file,
)
from papernotes.model.config import WatchQuery
from papernotes.model.paper import Paper
from papernotes.model.reading import planning_week
from papernotes.model.statuses import TO_READ
from papernotes.model.text import counted
from papernotes.services.popularity import SNAPSHOT, SORTS
from papernotes.services.ranking import NewPaper
from papernotes.sources.s2 import arxiv_of

if TYPE_CHECKING:
    from papernotes.store.library import Catalog, Library


FIRST_CHECK_DAYS = 7
# The score --dry-run shows: the model's decision value (services.ranking), explained once.
WHAT_SCORES_MEAN = ("score: how much a paper reads like the library's papers (above 0) rather than the ones "
                    "skipped or passed over in earlier digests (below 0); the digest lists the best first")
FILING_HINT = ("the papers you read have no topic or tags yet; filed under one (`topic: retrieval` in a note, "
             "or `papernotes tag KEY +retrieval`), they rank the digest better")
MAX_SHARED_EARLIER = 20  # papers from before the week, shared in it: a short section
MAX_EXAMPLES = 100  # papers read (and passed over) a recommendation is asked from, at most
RECOMMENDATIONS = 100  # papers Semantic Scholar is asked to recommend


def day(text: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-22") from None
    if not 1991 <= value.year <= 2999:  # arXiv opened in 1991
        raise argparse.ArgumentTypeError(f"'{text}' is not a date arXiv has papers for (from 1991)")
    return value


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--since", type=day, help="papers submitted from this date (default: the last check)")
    ap.add_argument("--limit", type=common.whole_number(1, 10_000), default=50, help="papers in the digest at most (default 50)")
    ap.add_argument("--dry-run", action="store_true", help="print the ranked list; write nothing")
    ap.add_argument("--sort", choices=SORTS, default="mixed",
                    help="order: relevance to what you read, popular (upvotes, trending), or mixed (default)")
    ap.add_argument("--accept", metavar="DIGEST", help="add the papers ticked [x] in this digest")
    ap.add_argument("--topic", help="with --accept: topic path for the papers added, e.g. nlp/retrieval")
    common.priority_option(ap)
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.watch import (
        LAST_CHECK,
        SHARED_EARLIER,
        add_shares,
        earlier_digests,
        last_check,
        passed_over,
        read_digest,
        write_digest,
    )

    library = common.open_library(args)
    if args.accept:
        return accept(library, Path(args.accept), args)
    queries = library.config.watches
    if not queries and not library.config.follow:
        raise PapernotesError("no saved queries and nobody followed: add [[tool.papernotes.watch]] tables to pyproject.toml "
                              "(name, and query, authors, cited_by or similar_to), or follow = [\"alice.bsky.social\"]")
    inbox = library.root / INBOX
    until = args.today
    since = args.since or last_check(library.root) or until - dt.timedelta(days=FIRST_CHECK_DAYS)
    if since > until:
        raise PapernotesError(f"--since {since} is after today ({until}); give an earlier date" if args.since else
                              f"{INBOX}/{LAST_CHECK} says {since}, after today ({until}); delete the file or give --since")
    papers = library.load_strict(bodies=True)
    from papernotes.services.ranking import rank, unfiled_start
    from papernotes.sources.arxiv import (  # imported when needed: start-up stays quick
        ArxivRejected,
        ArxivSource,
    )

    catalog = library.catalog(papers)
    digests = [read_digest(text)[0] for text in earlier_digests(library.root, common.warn)]  # each read and parsed once
    seen = {item.arxiv for items in digests for item in items}
    passed = passed_over(digests)
    found: dict[str, NewPaper] = {}
    failures = 0
    arxiv = ArxivSource()
    for query in queries:
        try:
            results = run_query(query, arxiv, library, papers, since, until, passed)
        except ArxivRejected as exc:
            common.error(f"watch query '{query.name}': {exc.message}; fix it in pyproject.toml")
            failures += 1
            continue
        except PapernotesError as exc:
            common.error(f"watch query '{query.name}': {exc}")
            failures += 1
            continue
        for paper in results:
            if paper.arxiv is None or paper.arxiv in catalog.by_arxiv or paper.arxiv in seen:
                continue
            entry = found.setdefault(paper.arxiv, NewPaper(paper))
            if query.name not in entry.queries:
                entry.queries.append(query.name)
    earlier: list[NewPaper] = []
    if library.config.follow:
        earlier = add_shares(library, arxiv, found, catalog, seen, since, until, common.warn)
    from papernotes.services.popularity import gather, order

    snapshot, warnings = gather(library.root, list(found.values()), since, until)
    for warning in warnings:
        common.warn(warning)
    ranked = rank(list(found.values()), papers, passed, explain=args.limit, order=order(args.sort))[: args.limit]
    earlier = rank(earlier, papers, explain=MAX_SHARED_EARLIER)[:MAX_SHARED_EARLIER]
    hint = FILING_HINT if ranked and unfiled_start(papers) else None
    if args.dry_run:
        if ranked or earlier:
            print(WHAT_SCORES_MEAN if any(c.score for c in ranked) else "no paper read yet to learn from: newest first")
        for number, candidate in enumerate(ranked, 1):
            print(f"{number:>3}. {_dry_line(candidate)}")
        if earlier:
            print(SHARED_EARLIER.lstrip("# "))
            for number, candidate in enumerate(earlier, 1):
                print(f"{number:>3}. {_dry_line(candidate)}")
        if hint:
            common.hint(hint)
        return 1 if failures else 0
    if ranked or earlier:
        path = write_digest(library.root, until, since, ranked, len(found), earlier)
        print(f"wrote {library.rel(path)}: {counted(len(ranked), 'new paper')} submitted {since} to {until} (of {len(found)} found); "
              f"the ones you tick join the queue that `papernotes plan` plans {planning_week(until)} from")
        if hint:
            common.hint(hint)
    else:
        print(f"nothing new since {since}")
    if snapshot is not None:
        write_file(inbox / SNAPSHOT, snapshot, root=library.root)
    if failures:
        print(f"the last check stays {since}: {failures} of {len(queries)} queries failed", flush=True)
        return 1
    write_file(inbox / LAST_CHECK, f"{until.isoformat()}\n", root=library.root)
    return 0


def run_query(query: WatchQuery, arxiv: Any, library: Library, papers: list[Paper], since: dt.date,
              until: dt.date, passed: list[Paper]) -> list[Paper]:
    from papernotes.services.adding import semantic_scholar

    arxiv_query = query.arxiv_query()
    if arxiv_query is not None:
        papers, more = arxiv.search(arxiv_query, since, until)
        if more is not None:
            common.warn(f"watch query '{query.name}': arXiv counts {more:,} papers; ranked the newest {len(papers):,} "
                     "(narrow the query to see the rest)")
        # The server was asked for these dates; a paper dated otherwise (0001, 2999) is not new this week.
        return [p for p in papers if p.published is not None and since <= p.published <= until]
    if query.similar_to is not None:
        return recommended(query, arxiv, library, papers, since, until, passed)
    # New papers citing the library's papers with the given status, found on Semantic Scholar.
    s2 = semantic_scholar(library)
    wanted: list[str] = []
    for paper in papers:
        if paper.status != query.cited_by or not (paper.arxiv or paper.doi):
            continue
        for row in s2.references(s2_id(paper), cited_by=True, label=paper.key):
            published = row.get("publicationDate")
            arxiv_id = arxiv_of(row)
            if arxiv_id and isinstance(published, str) and since.isoformat() <= published[:10] <= until.isoformat():
                wanted.append(arxiv_id)
    if not wanted:
        return []
    fetched = arxiv.fetch(list(dict.fromkeys(wanted)))
    return list(fetched.papers.values())


def s2_id(paper: Paper) -> str:
    """How Semantic Scholar is asked for a paper of the library (one on arXiv or with a DOI)."""
    return f"arXiv:{paper.arxiv}" if paper.arxiv else f"DOI:{paper.doi}"


def recommended(query: WatchQuery, arxiv: Any, library: Library, papers: list[Paper], since: dt.date,
                until: dt.date, passed: list[Paper]) -> list[Paper]:
    """This week's papers Semantic Scholar recommends from the library's papers with the query's
    status (the most recently finished first), and unlike the papers passed over in earlier digests."""
    from papernotes.services.adding import semantic_scholar

    examples = sorted((p for p in papers if p.status == query.similar_to and (p.arxiv or p.doi)),
                      key=lambda p: (p.finished or p.added or dt.date.min, p.key), reverse=True)[:MAX_EXAMPLES]
    if not examples:
        common.warn(f"watch query '{query.name}': no paper with status {query.similar_to} is on arXiv or has a DOI; "
                    "nothing to find similar papers to yet")
        return []
    unwanted = [s2_id(p) for p in passed if p.arxiv][:MAX_EXAMPLES]
    s2 = semantic_scholar(library, at_most_days=1)  # last week's recommendations are not this week's
    # Semantic Scholar's own IDs first: a paper it does not know yet (a new preprint) is left out
    # rather than failing the request.
    known = [row.get("paperId") if row else None for row in s2.batch([s2_id(p) for p in examples] + unwanted, fields="paperId")]
    positive = list(dict.fromkeys(k for k in known[: len(examples)] if k))
    negative = [k for k in dict.fromkeys(known[len(examples) :]) if k and k not in positive]
    if not positive:
        common.warn(f"watch query '{query.name}': Semantic Scholar knows none of the papers with status "
                    f"{query.similar_to} yet; nothing to find similar papers to")
        return []
    wanted = [arxiv_id for row in s2.recommendations(positive, negative, limit=RECOMMENDATIONS)
              if (arxiv_id := arxiv_of(row)) and not str(row.get("publicationDate", "9999"))[:10] < since.isoformat()]
    if not wanted:
        return []
    fetched = arxiv.fetch(list(dict.fromkeys(wanted)))
    return [p for p in fetched.papers.values() if p.published is not None and since <= p.published <= until]


def _dry_line(candidate: NewPaper) -> str:
    from papernotes.services.watch import FOLLOWED

    votes = f" · ▲ {candidate.upvotes}" if candidate.upvotes is not None else ""
    shared = f" · shared by {', '.join(candidate.shared_by)}" if candidate.shared_by else ""
    close = f" · close to: {', '.join(candidate.close_to)}" if candidate.close_to else ""
    phrases = f" · phrases: {', '.join(candidate.phrases)}" if candidate.phrases else ""
    return (f"{candidate.score:.3f} {candidate.paper.title} — arXiv:{candidate.paper.arxiv}{votes}{shared} · "
            f"matched: {', '.join(candidate.queries or [FOLLOWED])}{close}{phrases}")


def accept(library: Library, digest: Path, args: argparse.Namespace) -> int:
    """Add the ticked papers (one arXiv request) with found_via: ["watch:QUERY"]; report unreadable lines."""
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields
    from papernotes.services.watch import MAX_DIGEST_BYTES, read_digest

    try:
        text = read_named_file(digest, MAX_DIGEST_BYTES).decode("utf-8")
    except UnicodeDecodeError:
        raise PapernotesError(f"{digest}: not valid UTF-8; save the digest as UTF-8") from None
    items, problems = read_digest(text)
    for line, reason in problems:
        common.error(f"{digest}:{line}: {reason}")
    ticked = [item for item in items if item.ticked]
    if not ticked:
        print(f"{digest}: nothing ticked; mark papers [x] to add them")
        return 1 if problems else 0
    papers, load_problems = library.load()
    for problem in load_problems:
        common.warn(f"{problem} (not checked for duplicates)")
    catalog: Catalog = library.catalog(papers, load_problems)
    mine = new_note_fields(args.topic, [], TO_READ, args.today, args.priority)
    candidates = [Candidate(item.arxiv, arxiv=item.arxiv,
                            fields=(("found_via", tuple(f"watch:{q}" for q in item.queries)),))
                  for item in ticked]
    failures = add_candidates(library, catalog, candidates, mine, None, report=common.REPORT).failures
    return 1 if failures or problems else 0

