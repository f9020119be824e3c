"""Rewrite the paper index in README.md (the region between the papernotes:index markers).

    python tools/index.py            # rewrite the region if the notes changed
    python tools/index.py --check    # change nothing; exit 1 if the README is stale

Everything outside the markers is yours and stays byte-identical.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path

import papernotes
from papernotes import cli
from papernotes.errors import PapernotesError
from papernotes.library import Library, LibraryProblems, write_file

START = "<!-- papernotes:index:start -->"
END = "<!-- papernotes:index:end -->"


def parser(prog: str) -> argparse.ArgumentParser:
    ap = cli.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when README.md is stale")
    ap.add_argument("--no-cache", action="store_true", help="read every note, ignoring .cache/")
    return ap


def splice(text: str, region: str, readme: str) -> str:
    """`text` with the region between the markers replaced, in the file's own line endings."""
    start = text.find(START)
    end = text.find(END)
    if start < 0 or end < 0 or end < start:
        raise PapernotesError(
            f"{readme} needs the two marker lines {START} and {END}, in that order, where the index should go"
        )
    if text.find(START, start + 1) >= 0 or text.find(END, end + 1) >= 0:
        raise PapernotesError(f"{readme} has more than one {START} or {END} marker; keep one of each")
    newline = "\r\n" if "\r\n" in text[:start] or text[start:].startswith(START + "\r\n") else "\n"
    body = region.replace("\n", newline) if newline != "\n" else region
    return "".join((text[: start + len(START)], newline, body, text[end:]))


def generated_region(library: Library, use_cache: bool) -> str:
    """The region's text; reused from .cache/ when no note, setting, template or code file changed."""
    memo = library.root / ".cache" / "papernotes" / "readme_index.md"
    package = Path(papernotes.__file__).parent
    inputs = [library.root / "pyproject.toml", *(package.parents[1] / "templates").glob("*.j2"),
              *(library.root / "templates").glob("*.j2"), *package.glob("*.py")]
    digest, settled = library.fingerprint(inputs)
    if use_cache:
        try:
            header, region = memo.read_text(encoding="utf-8").split("\n", 1)
            stored_digest, checksum = header.split(" ")
            # The checksum catches a truncated or damaged memo, which would otherwise pass --check.
            if stored_digest == digest and checksum == hashlib.blake2b(region.encode("utf-8"), digest_size=16).hexdigest():
                return region
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    # Imported only on a miss: Jinja2 is a fifth of a warm run's time.
    from papernotes.render import readme_index

    papers, problems = library.load(use_cache=use_cache)
    if problems:
        raise LibraryProblems(problems)
    region = readme_index(papers, library.config)
    if use_cache and settled:
        try:
            tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
            with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
                handle.write(f"{digest} {hashlib.blake2b(region.encode('utf-8'), digest_size=16).hexdigest()}\n")
                handle.write(region)
            os.replace(tmp, memo)
        except OSError:
            pass
    return region


def run(args: argparse.Namespace) -> int:
    library = Library(args.root)
    region = generated_region(library, use_cache=not args.no_cache)
    # A README that is a symlink: its target is updated and the link kept.
    readme = Path(os.path.realpath(library.root / "README.md"))
    try:
        if not readme.is_file() and readme.exists():
            raise PapernotesError("README.md is not a regular file; the index goes into a README.md file")
        current = readme.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PapernotesError(f"no README.md in {library.root}; create one with the lines {START} and {END}") from None
    except UnicodeDecodeError:
        raise PapernotesError("README.md is not valid UTF-8") from None
    except OSError as exc:
        raise PapernotesError(f"cannot read README.md: {exc.strerror}") from None
    updated = splice(current, region, "README.md")
    unchanged = updated == current
    del current, region  # at 50,000 notes each copy of the index is ~20 MB
    if unchanged:
        return 0
    if args.check:
        print("error: README.md index is stale; run python tools/index.py", file=sys.stderr)
        return 1
    write_file(readme, updated, "README.md", keep_mode=True)
    print("updated README.md")
    return 0

