"""BibTeX out and in: `export` the library (or part of it) as a .bib; `import` a .bib as notes.

    python tools/bib.py export [--tag T] [--topic T] [--status S] [-o FILE]
    python tools/bib.py import FILE.bib [--topic T] [--tag X]... [--dry-run]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from papernotes import cli
from papernotes.bibtex import export, parse_bib
from papernotes.errors import PapernotesError
from papernotes.library import Library
from papernotes.paper import STATUSES, Paper
from papernotes.render import render


def parser(prog: str) -> argparse.ArgumentParser:
    ap = cli.parser(__doc__.splitlines()[0], prog=prog)
    commands = ap.add_subparsers(dest="command", required=True, metavar="{export,import}")
    out = commands.add_parser("export", help="write the library as BibTeX (stdout by default)")
    out.add_argument("--tag", action="append", default=[], help="only papers with this tag (repeatable: any of them)")
    out.add_argument("--topic", help="only papers in this topic or its subtopics")
    out.add_argument("--status", choices=STATUSES, help="only papers with this status")
    out.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    inp = commands.add_parser("import", help="create a note for each entry of a .bib file")
    inp.add_argument("file", metavar="FILE.bib")
    inp.add_argument("--topic", help="topic path for the new notes")
    inp.add_argument("--tag", action="append", default=[], help="a tag for the new notes (repeatable)")
    inp.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    for sub in (out, inp):
        sub.add_argument("--root", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=argparse.SUPPRESS)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return ap


def in_topic(paper: Paper, topic: str) -> bool:
    topic = topic.strip("/")
    return paper.topic is not None and (paper.topic == topic or paper.topic.startswith(topic + "/"))


def run_export(args: argparse.Namespace) -> int:
    library = Library(args.root)
    papers = library.load_strict()
    if args.tag:
        papers = [p for p in papers if set(p.tags) & set(args.tag)]
    if args.topic:
        papers = [p for p in papers if in_topic(p, args.topic)]
    if args.status:
        papers = [p for p in papers if p.status == args.status]
    text = export(papers)
    if not args.output:
        sys.stdout.write(text)
        return 0
    target = Path(args.output)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PapernotesError(f"cannot write {args.output}: {exc.strerror}") from None
    print(f"wrote {len(papers)} entries to {args.output}", file=sys.stderr)
    return 0


def run_import(args: argparse.Namespace) -> int:
    try:
        text = Path(args.file).read_bytes().decode("utf-8-sig", "replace")
    except OSError as exc:
        raise PapernotesError(f"cannot read {args.file}: {exc.strerror}") from None
    mine = cli.new_note_fields(args.topic, args.tag)
    library, catalog = cli.library_for_adding(args.root)
    body = render(library.root, "paper.md.j2")
    result = parse_bib(text)
    failed = 0
    counts = {"added": 0, "exists": 0}
    for entry in result.entries:
        if entry.paper is None:
            cli.error(f"{args.file}:{entry.line}: entry '{entry.key}': {entry.problem}")
            failed += 1
            continue
        paper = entry.paper.replace(key="", body=body, **mine)
        existing = catalog.existing_key(paper)
        if args.dry_run:
            if existing:
                print(f"exists {library.rel(library.note_path(existing))}  ({entry.key})")
            else:
                print(f"would add {entry.key}  {paper.title}")
            counts["exists" if existing else "added"] += 1
            catalog.add(paper.replace(key=entry.key))
            continue
        written = library.write_new(paper, catalog, preferred_key=entry.key)
        counts[written.status] += 1
        suffix = f"  {paper.title}" if written.status == "added" else f"  ({entry.key})"
        print(f"{written.status} {library.rel(written.path)}{suffix}")
    verb = "would add" if args.dry_run else "added"
    print(f"{args.file}: {len(result.entries)} entries, {verb} {counts['added']}, "
          f"{counts['exists']} already in the library, {failed} malformed", file=sys.stderr)
    return 1 if failed else 0


def run(args: argparse.Namespace) -> int:
    return run_export(args) if args.command == "export" else run_import(args)

