"""Rewrite the paper index in README.md (the region between the papernotes:index markers).

    python tools/index.py            # rewrite the region if the notes changed
    python tools/index.py --check    # change nothing; exit 1 if the README is stale

Everything outside the markers is yours and stays byte-identical.
"""

from __future__ import annotations

import argparse
import os
import sys

from papernotes import cli
from papernotes.errors import PapernotesError
from papernotes.library import Library, LibraryProblems
from papernotes.render import readme_index

START = "<!-- papernotes:index:start -->"
END = "<!-- papernotes:index:end -->"


def build_parser() -> argparse.ArgumentParser:
    ap = cli.parser(__doc__.splitlines()[0], prog="index.py")
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
    body = region.replace("\n", newline)
    return text[: start + len(START)] + newline + body + text[end:]


def main(args: argparse.Namespace) -> int:
    library = Library(args.root)
    papers, problems = library.load(use_cache=not args.no_cache)
    if problems:
        raise LibraryProblems(problems)
    readme = library.root / "README.md"
    try:
        current = readme.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise PapernotesError(f"no README.md in {library.root}; create one with the lines {START} and {END}") from None
    except UnicodeDecodeError:
        raise PapernotesError("README.md is not valid UTF-8") from None
    updated = splice(current, readme_index(papers, library.config), "README.md")
    if updated == current:
        return 0
    if args.check:
        print("error: README.md index is stale; run python tools/index.py", file=sys.stderr)
        return 1
    tmp = readme.with_name(f".README.md.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(updated.encode("utf-8"))
        os.chmod(tmp, readme.stat().st_mode & 0o7777)
        os.replace(tmp, readme)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise PapernotesError(f"cannot write README.md: {exc.strerror}") from None
    print(f"updated README.md: {len(papers)} papers")
    return 0


if __name__ == "__main__":
    sys.exit(cli.run(main, build_parser()))
