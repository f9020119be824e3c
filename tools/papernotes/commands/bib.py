"""BibTeX out and in: `export` the library (or part of it) as a .bib; `import` a .bib as notes.

    python tools/bib.py export [--tag T] [--topic T] [--status S] [-o FILE]
    python tools/bib.py import FILE.bib [--topic T] [--tag X]... [--dry-run]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import check_output_path, read_named_file, write_file
from papernotes.model.latex import CITED_AS, ENTRY_KEY, cited_as, kept_fields
from papernotes.model.paper import STATUSES, Paper, in_topic
from papernotes.model.reading import IMPORT_PREFIX
from papernotes.model.statuses import TO_READ
from papernotes.present.views import known_filters
from papernotes.runtime import uninterrupted

if TYPE_CHECKING:
    from papernotes.store.library import Library


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    commands = ap.add_subparsers(dest="command", required=True, metavar="{export,import}")
    out = commands.add_parser("export", help="write the library as BibTeX (stdout by default)")
    out.add_argument("--tag", action="append", default=[], help="only papers with this tag (repeatable: any of them)")
    out.add_argument("--topic", help="only papers in this topic or its subtopics")
    out.add_argument("--status", choices=STATUSES, help="only papers with this status")
    out.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    out.add_argument("--unicode", action="store_true",
                     help="keep UTF-8 (for biblatex + biber); the default is ASCII LaTeX, for BibTeX + pdflatex")
    out.add_argument("--aux", metavar="FILE.aux", help="only the papers a LaTeX document cites (its .aux file)")
    out.add_argument("--keys", metavar="K1,K2", help="only these papers")
    out.add_argument("--with-code", action="store_true", help="add each paper's code link to its BibTeX note field")
    inp = commands.add_parser("import", help="create a note for each entry of a .bib file")
    inp.add_argument("file", metavar="FILE.bib")
    inp.add_argument("--topic", help="topic path for the new notes")
    inp.add_argument("--tag", action="append", default=[], help="a tag for the new notes (repeatable)")
    inp.add_argument("--status", choices=STATUSES, default=TO_READ, help=f"status of the new notes (default: {TO_READ})")
    common.priority_option(inp, bulk=True)
    inp.add_argument("--keywords-as-tags", action="store_true", help="the entries' keywords become the notes' tags")
    inp.add_argument("--dry-run", action="store_true", help="write nothing; print what would happen")
    for sub in (out, inp):
        sub.add_argument("--root", type=Path, default=argparse.SUPPRESS, metavar="DIR", help=argparse.SUPPRESS)
        sub.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return ap


def cited_keys(aux: str) -> set[str]:
    """The keys a LaTeX run wrote as \\citation{...} into its .aux file."""
    text = read_named_file(aux, MAX_AUX_BYTES).decode("utf-8", "replace")
    return {key.strip() for group in re.findall(r"\\citation\{([^}]*)\}", text) for key in group.split(",") if key.strip()}


def run_export(args: argparse.Namespace) -> int:
    library = common.open_library(args)
    papers = library.load_strict()
    known_filters(papers, args.tag, args.topic)
    if args.tag:
        wanted = {t.casefold() for t in args.tag}
        papers = [p for p in papers if wanted & {t.casefold() for t in p.tags}]
    if args.topic:
        papers = [p for p in papers if in_topic(p, args.topic)]
    if args.status:
        papers = [p for p in papers if p.status == args.status]
    missing: list[str] = []
    if args.aux or args.keys:
        wanted = cited_keys(args.aux) if args.aux else {k.strip() for k in args.keys.split(",") if k.strip()}
        if "*" not in wanted:  # \nocite{*}: every paper
            known = {p.key for p in papers}
            missing = sorted(wanted - known)
            papers = [p for p in papers if p.key in wanted]
    for key in missing:
        common.warn(f"{args.aux or '--keys'}: no paper '{key}' in the library")
    from functools import partial

    from papernotes.present.bibtex import export, export_entry

    exported = export(papers, entry=partial(export_entry, ascii=not args.unicode, with_code=args.with_code))
    for came, written in exported.renamed:
        common.warn(f"two papers came with the citation key {came!r}; the second is written as {written!r}")
    for key, characters in exported.unspellable.items():
        shown = ", ".join(characters[:8]) + (f" and {len(characters) - 8} more" if len(characters) > 8 else "")
        common.warn(f"{key}: no ASCII LaTeX spelling for {shown} (left as they are: pdflatex needs a package for "
                    f"them, e.g. T2A for Cyrillic; or export with --unicode for biber)")
    if not args.output:
        sys.stdout.write(exported.text)
        return 1 if missing else 0
    write_file(check_output_path(Path(args.output), args.output), exported.text, args.output)
    print(f"wrote {len(papers)} entries to {args.output}", file=sys.stderr)
    return 1 if missing else 0


MAX_BIB_BYTES = 64 * 1024 * 1024
MAX_AUX_BYTES = 64 * 1024 * 1024  # a thesis' .aux is a few hundred KB


def read_bib(name: str) -> str:
    """A .bib file named on the command line, as text (sources.bibtex.decode_bib: its encoding found
    as JabRef and biber find it, a guess said in a warning)."""
    from papernotes.sources.bibtex import decode_bib  # pybtex loads with the work, not with --help

    return decode_bib(read_named_file(name, MAX_BIB_BYTES), name, common.warn)


def run_import(args: argparse.Namespace) -> int:
    from papernotes.present.render import render
    from papernotes.services.adding import new_note_fields
    from papernotes.sources.bibtex import parse_bib

    text = read_bib(args.file)
    mine = new_note_fields(args.topic, args.tag, args.status, args.today, args.priority)
    # The import is one event: found_via marks where the papers came from (the feed shows one entry).
    mine["found_via"] = (f"{IMPORT_PREFIX}{Path(args.file).name}",)
    library, catalog = common.library_for_adding(args)
    body = render(library.root, "paper.md.j2")
    result = parse_bib(text)
    failed = 0
    counts = {"added": 0, "exists": 0}
    try:
        for entry in result.entries:
            if entry.paper is None:
                common.error(f"{args.file}:{entry.line}: entry '{entry.key[:60]}': {entry.problem}")
                failed += 1
                continue
            for warning in entry.warnings:
                common.warn(f"{args.file}:{entry.line}: entry '{entry.key[:60]}': {warning}")
            paper = entry.paper.replace(key="", body=body, **mine)
            if args.keywords_as_tags:
                keywords = kept_fields(entry.paper).get("keywords", "")
                tags = [re.sub(r"\s+", "-", k.strip()) for k in re.split(r"[,;]", keywords) if k.strip()]
                paper = paper.replace(tags=tuple(dict.fromkeys([*paper.tags, *tags])))
            existing = catalog.existing_key(paper)
            if args.dry_run:
                if existing:
                    print(f"exists {library.rel(library.note_path(existing))}  ({entry.key})")
                else:
                    print(f"would add {entry.key}  {paper.title}")
                counts["exists" if existing else "added"] += 1
                catalog.add(paper.replace(key=entry.key))
                continue
            with uninterrupted():  # Ctrl-C: every note written is also reported
                try:
                    written = library.write_new(paper, catalog, preferred_key=entry.key)
                except PapernotesError as exc:  # each entry stands alone: one that cannot be written is reported
                    common.error(f"{args.file}:{entry.line}: entry '{entry.key[:60]}': {exc}")
                    failed += 1
                    continue
                counts[written.status] += 1
                suffix = f"  {paper.title}" if written.status == "added" else f"  ({entry.key})"
                print(f"{written.status} {library.rel(written.path)}{suffix}")
            if written.status == "exists":
                keep_citation_key(library, written.paper.key, entry.key)
    finally:
        # The summary always comes, even after an interruption: it says what is on disk.
        verb = "would add" if args.dry_run else "added"
        print(f"{args.file}: {len(result.entries)} entries, {verb} {counts['added']} (priority {args.priority}), "
              f"{counts['exists']} already in the library, {failed} malformed", file=sys.stderr)
    return 1 if failed else 0


def keep_citation_key(library: Library, key: str, citation_key: str) -> None:
    """A .bib entry for a paper the library has: its citation key kept as another name of that note
    (`cited_as:`; the export writes the entry under it too), so that a document citing it still compiles."""
    def change(paper: Paper) -> dict[str, object]:
        names = cited_as(paper)
        if citation_key in (paper.key, kept_fields(paper).get(ENTRY_KEY), *names):
            return {}
        return {CITED_AS: [*names, citation_key]}

    try:
        updated = library.update(key, change)
    except PapernotesError as exc:
        common.warn(f"{citation_key}: not kept as another name of {key} ({exc})")
        return
    if updated.changed:
        print(f"kept {citation_key} as another citation key of {library.rel(updated.path)} (cited_as)")


def run(args: argparse.Namespace) -> int:
    return run_export(args) if args.command == "export" else run_import(args)

