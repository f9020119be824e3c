"""BibTeX out and in: `export` the library (or part of it) as a .bib; `import` a .bib as notes.

    python tools/bib.py export [--tag T] [--topic T] [--status S] [-o FILE]
    python tools/bib.py import FILE.bib [--topic T] [--tag X]... [--dry-run]
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import check_output_path, read_named_file
from papernotes.model.latex import CITED_AS, ENTRY_KEY, cited_as, kept_fields
from papernotes.model.paper import STATUSES, Paper, in_topic
from papernotes.model.reading import IMPORT_PREFIX
from papernotes.model.statuses import TO_READ
from papernotes.present.views import known_filters
from papernotes.runtime import uninterrupted
from papernotes.services.adding import new_note_fields
from papernotes.store.library import Library, write_file


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
    library = Library(args.root)
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


_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def read_bib(name: str) -> str:
    """A .bib file's text, its encoding found as JabRef and biber find it: a byte-order mark (JabRef
    writes UTF-16 with one), else UTF-8, else the best guess of charset-normalizer (GBK, Shift-JIS,
    Windows-1252, ...), said in a warning; never with characters silently replaced."""
    data = read_named_file(name, MAX_BIB_BYTES)
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise PapernotesError(f"{name}: starts as {codec.upper()} but is not; save it as UTF-8") from None
    declared = declared_encoding(data)
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            common.warn(f"{name}: says it is {declared}, but is not; guessing instead")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    encoding = guess_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding, text = "cp1252", data.decode("cp1252", "replace")
    common.warn(f"{name}:{line}: not UTF-8; read as {encoding} (the likeliest encoding); check the names and titles")
    return text


# What a file may say of its own encoding in its first lines: JabRef's `% Encoding: windows-1252`,
# Emacs's `-*- coding: latin-9-unix -*-`.
_DECLARED = re.compile(rb"^%\s*Encoding:\s*([-\w.]+)|-\*-.*?coding:\s*([-\w.]+?)(?:-unix|-dos|-mac)?\s*(?:;.*?)?-\*-",
                       re.IGNORECASE | re.MULTILINE)


def declared_encoding(data: bytes) -> str | None:
    """The encoding a .bib file names in its first lines, if Python knows it."""
    import codecs

    found = _DECLARED.search(data[:1024])
    if found is None:
        return None
    name = (found.group(1) or found.group(2)).decode("ascii")
    for spelling in (name, name.replace("-", ""), name.replace("-", "_")):  # Emacs writes latin-9, Python latin9
        try:
            return codecs.lookup(spelling).name
        except LookupError:
            continue
    return None


# Among encodings charset-normalizer finds equally likely (a short file), the more common in .bib files.
_PREFERRED = ("cp1252", "gb18030", "big5", "shift_jis", "euc_kr")


def guess_encoding(data: bytes) -> str:
    """The encoding of a .bib file that is not UTF-8. Windows-1252 when it reads as Western text
    (accented letters inside words: `M\xfcller`), which charset-normalizer cannot tell apart from a
    CJK encoding in a short file; else charset-normalizer's best guess."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _reads_as_western(western):
        return "cp1252"
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[: 4 * 1024 * 1024]))
    if not results:
        return "cp1252"
    least = min(result.chaos for result in results)
    likely = [result.encoding for result in results if result.chaos == least]
    return next((name for name in _PREFERRED if name in likely), likely[0])


def _reads_as_western(text: str) -> bool:
    """Most characters outside ASCII stand between ASCII letters, as accents do in European words; a
    double-byte encoding read as Windows-1252 gives runs of them (`\xd6\xd0\xce\xc4` for 中文)."""
    outside = [i for i, char in enumerate(text) if ord(char) > 127]
    if not outside:
        return True
    paired = sum(1 for i in outside if (i > 0 and ord(text[i - 1]) > 127) or (i + 1 < len(text) and ord(text[i + 1]) > 127))
    return paired <= len(outside) // 2


def run_import(args: argparse.Namespace) -> int:
    from papernotes.present.render import render
    from papernotes.sources.bibtex import parse_bib

    text = read_bib(args.file)
    mine = new_note_fields(args.topic, args.tag, args.status, args.today, args.priority)
    # The import is one event: found_via marks where the papers came from (the feed shows one entry).
    mine["found_via"] = (f"{IMPORT_PREFIX}{Path(args.file).name}",)
    library, catalog = common.library_for_adding(args.root)
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

