"""Scaffold notes from arXiv (IDs, URLs, or every reference in a text), or for a paper not on arXiv.

    python tools/add.py 1810.04805 https://arxiv.org/pdf/1706.03762v7.pdf --topic nlp --tag transformers
    python tools/add.py --from awesome-list.md --dry-run
    python tools/add.py --title "Dropout: ..." --author "Nitish Srivastava" --year 2014 --url http://jmlr.org/...
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from papernotes import cli
from papernotes.arxiv_source import BATCH_SIZE, ArxivSource, terminal_progress
from papernotes.errors import PapernotesError
from papernotes.ids import InvalidArxivId, find_references, parse_arxiv_id, unique_ids
from papernotes.library import Library, Written
from papernotes.paper import STATUSES, FieldError, Paper, describe_change
from papernotes.reading import status_changes
from papernotes.render import render


def parser(prog: str) -> argparse.ArgumentParser:
    ap = cli.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("ids", nargs="*", metavar="ID_OR_URL", help="arXiv IDs or links (abs, pdf, html, DOI)")
    ap.add_argument("--from", dest="from_file", metavar="FILE", help="add every arXiv paper mentioned in FILE (- for stdin)")
    ap.add_argument("--topic", help="topic path for the new notes (and for existing ones that have none), e.g. nlp/embeddings")
    ap.add_argument("--tag", action="append", default=[], metavar="TAG", help="a tag for the notes (repeatable); added to existing notes too")
    ap.add_argument("--status", choices=STATUSES, help="reading status (new notes: to-read unless given); set on existing notes too")
    ap.add_argument("--dry-run", action="store_true", help="print the canonical IDs that would be added; contact nobody")
    manual = ap.add_argument_group("a paper not on arXiv")
    manual.add_argument("--title")
    manual.add_argument("--author", action="append", default=[], metavar="NAME", help="repeatable, in order")
    manual.add_argument("--year", type=int)
    manual.add_argument("--doi")
    manual.add_argument("--url")
    manual.add_argument("--venue")
    return ap


def read_text(source: str) -> str:
    if source == "-":
        return sys.stdin.buffer.read().decode("utf-8", "replace")
    try:
        return Path(source).read_bytes().decode("utf-8", "replace")
    except OSError as exc:
        raise PapernotesError(f"cannot read --from {source}: {exc.strerror}") from None


def collect_ids(args: argparse.Namespace) -> tuple[list[str], int]:
    """Canonical IDs from the arguments and --from, deduplicated in order; and how many inputs were bad."""
    ids: list[str] = []
    bad = 0
    for raw in args.ids:
        try:
            ids.append(parse_arxiv_id(raw).canonical)
        except InvalidArxivId as exc:
            cli.error(str(exc))
            bad += 1
    if args.from_file:
        findings = find_references(read_text(args.from_file))
        for finding in findings:
            if finding.problem:
                cli.warn(f"{args.from_file}:{finding.line}: skipped '{finding.text}': {finding.problem}")
        found = unique_ids(findings)
        if not found:
            raise PapernotesError(f"no arXiv references found in {args.from_file}")
        ids.extend(found)
    return list(dict.fromkeys(ids)), bad


def run(args: argparse.Namespace) -> int:
    if args.title is not None:
        if args.ids or args.from_file:
            raise PapernotesError("--title adds one paper by hand; give arXiv IDs in a separate command")
        return add_manual(args)
    if not args.ids and not args.from_file:
        raise PapernotesError("nothing to add: give arXiv IDs or links, --from FILE, or --title for a paper not on arXiv")
    mine = cli.new_note_fields(args.topic, args.tag, args.status or "to-read", args.today)
    ids, failures = collect_ids(args)
    library, catalog = cli.library_for_adding(args.root)

    if args.dry_run:
        for ident in ids:
            if ident not in catalog.by_arxiv:
                print(ident)
        return 1 if failures else 0

    # Papers already in the library are reported without asking arXiv.
    to_fetch = [i for i in ids if i not in catalog.by_arxiv]
    source = ArxivSource()
    progress = terminal_progress() if len(to_fetch) > BATCH_SIZE // 4 else None
    fetched = source.fetch(to_fetch, progress) if to_fetch else None
    body = render(library.root, "paper.md.j2")
    for ident in ids:
        if ident in catalog.by_arxiv:
            failures += not update_existing(library, library.note_path(catalog.by_arxiv[ident]), args, mine)
            continue
        assert fetched is not None
        if ident in fetched.rejected:
            cli.error(f"{ident}: {fetched.rejected[ident]}")
            failures += 1
            continue
        paper = fetched.papers.get(ident)
        if paper is None:
            print(f"not found {ident}")
            failures += 1
            continue
        failures += not report(library, library.write_new(paper.replace(body=body, **mine), catalog), args, mine)
    return 1 if failures else 0


def add_manual(args: argparse.Namespace) -> int:
    if not args.author:
        raise PapernotesError("--title needs at least one --author")
    mine = cli.new_note_fields(args.topic, args.tag, args.status or "to-read", args.today)
    library, catalog = cli.library_for_adding(args.root)
    fields: dict[str, object] = {"key": "-", "title": args.title, "authors": args.author}
    for name in ("year", "doi", "url", "venue"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name)
    try:
        paper = Paper.from_frontmatter(fields)
    except FieldError as exc:
        raise PapernotesError(f"--{exc.field}: {exc.message.split(': ', 1)[1]}") from None
    if paper.doi and paper.doi.lower().startswith("10.48550/arxiv."):
        raise PapernotesError(f"{paper.doi} is an arXiv DOI: run python tools/add.py {paper.doi}")
    paper = paper.replace(body=render(library.root, "paper.md.j2"), **mine)
    if args.dry_run:
        print(f"would add {paper.title}")
        return 0
    return 0 if report(library, library.write_new(paper, catalog), args, mine) else 1


def report(library: Library, written: Written, args: argparse.Namespace, mine: dict[str, Any]) -> bool:
    """Say what happened to one paper; a paper already in the library gets the options applied."""
    if written.status == "exists":
        return update_existing(library, written.path, args, mine)
    print(f"added {library.rel(written.path)}  {written.paper.title}")
    return True


def update_existing(library: Library, path: Path, args: argparse.Namespace, mine: dict[str, Any]) -> bool:
    """Apply --tag, --status and --topic (when the note has none) to a note that exists; never remove."""

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

    rel = library.rel(path)
    if not (mine["tags"] or mine["topic"] or args.status):
        print(f"exists {rel}")
        return True
    try:
        updated = library.update(path, additive)
    except PapernotesError as exc:
        cli.error(str(exc))
        return False
    print(f"updated {rel} {describe_change(updated.before, updated.after)}" if updated.changed else f"exists {rel}")
    return True

