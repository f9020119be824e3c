"""Scaffold notes from arXiv (IDs, URLs, or every reference in a text), Semantic Scholar (DOIs, links, titles), or by hand.

    python tools/add.py 1810.04805 https://arxiv.org/pdf/1706.03762v7.pdf --topic nlp --tag transformers
    python tools/add.py 10.18653/v1/N19-1423 https://aclanthology.org/P19-1001/
    python tools/add.py --search "Semi-supervised sequence learning"
    python tools/add.py --from awesome-list.md --dry-run
    python tools/add.py --title "Dropout: ..." --author "Nitish Srivastava" --year 2014 --url http://jmlr.org/...
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from papernotes.commands import common
from papernotes.errors import PapernotesError, UsageError
from papernotes.files import read_named_file
from papernotes.model.ids import (
    ArxivId,
    InvalidPaperId,
    OtherId,
    find_references,
    parse_paper_id,
    unique_ids,
)
from papernotes.model.paper import STATUSES, FieldError, Paper, normalized_title
from papernotes.model.reading import status_changes
from papernotes.model.statuses import TO_READ
from papernotes.model.text import short_authors

SEARCH_SHOWN = 5


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("ids", nargs="*", metavar="ID_OR_URL",
                    help="arXiv IDs or links; DOIs; Semantic Scholar, ACL Anthology, OpenReview, Hugging Face or alphaXiv links")
    ap.add_argument("--from", dest="from_file", metavar="FILE", help="add every arXiv paper mentioned in FILE (- for stdin)")
    ap.add_argument("--topic", help="topic path for the new notes (and for existing ones that have none), e.g. nlp/embeddings")
    ap.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag for the notes (repeatable); added to existing notes too")
    ap.add_argument("--status", choices=STATUSES, help="reading status (new notes: to-read unless given); set on existing notes too")
    common.priority_option(ap)
    ap.add_argument("--dry-run", action="store_true", help="print the canonical IDs that would be added; contact nobody")
    ap.add_argument("--search", metavar="TITLE", help="find a paper by title words on Semantic Scholar; adds the exact title match")
    ap.add_argument("--pick", type=int, metavar="N", help="with --search: add the Nth match shown")
    manual = ap.add_argument_group("a paper not on arXiv")
    manual.add_argument("--title")
    manual.add_argument("--author", action="append", default=[], metavar="NAME", help="repeatable, in order")
    manual.add_argument("--year", type=int)
    manual.add_argument("--doi")
    manual.add_argument("--url")
    manual.add_argument("--venue")
    return ap


MAX_FROM_BYTES = 16 * 1024 * 1024  # the largest text --from reads: far more than any reading list


def read_text(source: str) -> str:
    try:
        if source == "-":
            if sys.stdin is None:
                raise PapernotesError("--from -: standard input is closed; give a file, or pipe the text in")
            data = sys.stdin.buffer.read(MAX_FROM_BYTES + 1)
        else:
            data = read_named_file(source, MAX_FROM_BYTES, f"--from {source}")
    except OSError as exc:
        raise PapernotesError(f"cannot read --from {source}: {exc.strerror}") from None
    if len(data) > MAX_FROM_BYTES:
        raise PapernotesError(f"--from {source}: more than {MAX_FROM_BYTES // (1024 * 1024)} MiB of text; split it")
    return data.decode("utf-8", "replace")


def collect_ids(args: argparse.Namespace) -> tuple[list[ArxivId | OtherId], int]:
    """IDs from the arguments and --from, deduplicated in order; and how many inputs were bad."""
    ids: list[ArxivId | OtherId] = []
    bad = 0
    for raw in args.ids:
        try:
            ident = parse_paper_id(raw)
        except InvalidPaperId as exc:
            common.error(str(exc))
            bad += 1
            continue
        ids.append(ArxivId(ident.canonical) if isinstance(ident, ArxivId) else ident)
    if args.from_file:
        findings = find_references(read_text(args.from_file))
        for finding in findings:
            if finding.problem:
                common.warn(f"{args.from_file}:{finding.line}: skipped '{finding.text}': {finding.problem}")
        found = unique_ids(findings)
        if not found:
            raise PapernotesError(f"no arXiv references found in {args.from_file}")
        ids.extend(ArxivId(i) for i in found)
    unique = {(i.canonical if isinstance(i, ArxivId) else i.s2_id): i for i in reversed(ids)}
    return list(reversed(unique.values())), bad


def run(args: argparse.Namespace) -> int:
    from papernotes.services.adding import add_candidates, new_note_fields, resolve

    if args.search is not None:
        if args.ids or args.from_file or args.title is not None:
            raise UsageError("--search finds one paper by its title; give IDs in a separate command")
        return add_search(args)
    if args.pick is not None:
        raise UsageError("--pick N chooses among the matches of --search \"title words\"")
    if args.title is not None:
        if args.ids or args.from_file:
            raise UsageError("--title adds one paper by hand; give arXiv IDs in a separate command")
        return add_manual(args)
    if not args.ids and not args.from_file:
        raise UsageError("nothing to add: give arXiv IDs, DOIs or links, --from FILE, --search \"title\", "
                              "or --title for a paper by hand")
    mine = new_note_fields(args.topic, args.tag, args.status or TO_READ, args.today, args.priority)
    ids, failures = collect_ids(args)
    library, catalog = common.library_for_adding(args)

    if args.dry_run:
        # Without asking anyone: the canonical IDs that would be added, and the papers already here.
        for ident in ids:
            if isinstance(ident, OtherId):
                print(ident.s2_id)
            elif ident.canonical in catalog.by_arxiv:
                print(f"exists {library.rel(library.note_path(catalog.by_arxiv[ident.canonical]))}")
            else:
                print(ident.canonical)
        return 1 if failures else 0

    from papernotes.sources.arxiv import (  # imported when needed: start-up stays quick
        BATCH_SIZE,
        ArxivUnavailable,
        terminal_progress,
    )

    candidates = resolve(library, ids)
    arxiv_count = sum(1 for c in candidates if c.arxiv and c.arxiv not in catalog.by_arxiv)
    progress = terminal_progress() if arxiv_count > BATCH_SIZE // 4 else None
    try:
        added = add_candidates(library, catalog, candidates, mine, existing_changes(args, mine), progress, report=common.REPORT)
    except ArxivUnavailable as exc:
        if not args.from_file:
            raise
        raise PapernotesError(f"{exc}; nothing was added (papernotes migrate {args.from_file} writes a list's papers "
                              "from its own words when arXiv cannot be reached)") from None
    return 1 if failures or added.failures else 0


def existing_changes(args: argparse.Namespace, mine: dict[str, Any]) -> Callable[[Paper], dict[str, object]] | None:
    """What --tag, --status and --topic (when the note has none) add to a paper already in the library."""
    if not (mine["tags"] or mine["topic"] or args.status):
        return None

    def additive(paper: Paper) -> dict[str, object]:
        changes: dict[str, object] = {}
        tags = [t for t in mine["tags"] if t not in paper.tags]
        if tags:
            changes["tags"] = [*paper.tags, *tags]
        if mine["topic"] and not paper.topic:
            changes["topic"] = mine["topic"]
        if args.status:
            changes.update(status_changes(paper, args.status, args.today))
        return changes

    return additive


def add_search(args: argparse.Namespace) -> int:
    """Show the top matches for a title; add the exact title match, or the one --pick names."""
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields, semantic_scholar
    from papernotes.sources.s2 import arxiv_of, authors_of, doi_of, paper_from_s2

    mine = new_note_fields(args.topic, args.tag, args.status or TO_READ, args.today, args.priority)
    library, catalog = common.library_for_adding(args)
    matches = semantic_scholar(library).search(args.search, limit=SEARCH_SHOWN)
    if not matches:
        raise PapernotesError(f"no paper on Semantic Scholar matches {args.search!r}")
    exact = [i for i, m in enumerate(matches) if normalized_title(str(m.get("title") or "")) == normalized_title(args.search)]
    if args.pick is not None and not 1 <= args.pick <= len(matches):
        raise PapernotesError(f"--pick {args.pick}: choose 1 to {len(matches)}")
    chosen = args.pick - 1 if args.pick is not None else exact[0] if len(exact) == 1 else None
    for i, match in enumerate(matches, 1):
        authors = authors_of(match)
        who = short_authors(authors)
        where = f"arXiv:{arxiv_of(match)}" if arxiv_of(match) else f"DOI:{doi_of(match)}" if doi_of(match) else ""
        mark = "→" if chosen == i - 1 else " "
        print(f"{mark} {i}. {' '.join(str(match.get('title') or '').split())} — {who}, {match.get('year') or 'n.d.'}"
              + (f" · {where}" if where else ""), file=sys.stderr)
    if chosen is None:
        common.error("no exact title match: add one with --pick N")
        return 1
    if args.dry_run:
        return 0
    match = matches[chosen]
    arxiv_id = arxiv_of(match)
    title = str(match.get("title") or args.search)
    found = None if arxiv_id else paper_from_s2(match)
    candidate = (Candidate(title, arxiv=arxiv_id) if arxiv_id else Candidate(title, paper=found) if found
                 else Candidate(title, problem="Semantic Scholar's match has no title; add it with --title"))
    return 1 if add_candidates(library, catalog, [candidate], mine, existing_changes(args, mine), report=common.REPORT).failures else 0


def add_manual(args: argparse.Namespace) -> int:
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields

    if not args.author:
        raise PapernotesError("--title needs at least one --author")
    mine = new_note_fields(args.topic, args.tag, args.status or TO_READ, args.today, args.priority)
    library, catalog = common.library_for_adding(args)
    fields: dict[str, object] = {"key": "-", "title": args.title, "authors": args.author}
    for name in ("year", "doi", "url", "venue"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    try:
        paper = Paper.from_frontmatter(fields)
    except FieldError as exc:
        raise PapernotesError(f"--{exc.field}: {exc.reason}") from None
    if paper.doi and paper.doi.lower().startswith("10.48550/arxiv."):
        raise PapernotesError(f"{paper.doi} is an arXiv DOI: run python tools/add.py {paper.doi}")
    if args.dry_run:
        print(f"would add {paper.title}")
        return 0
    failures = add_candidates(library, catalog, [Candidate(paper.title, paper=paper)], mine, existing_changes(args, mine), report=common.REPORT).failures
    return 1 if failures else 0
