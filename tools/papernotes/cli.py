"""What every script shares: `--root`, `--debug`, and the one place errors become messages and exit codes.

Exit codes: 0 success; 1 some input failed or a check found problems; 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .errors import PapernotesError
from .library import Catalog, Library
from .paper import FieldError, Paper

# The repository the scripts live in: tools/papernotes/cli.py -> the repository root.
DEFAULT_ROOT = Path(__file__).resolve().parents[2]


def parser(description: str, prog: str | None = None) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument(
        "--root",
        type=Path,
        default=DEFAULT_ROOT,
        metavar="DIR",
        help="the library to work on (default: the repository this script is in)",
    )
    ap.add_argument("--debug", action="store_true", help="show a traceback when something fails")
    return ap


def error(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def run(main: Callable[[argparse.Namespace], int], ap: argparse.ArgumentParser, argv: Sequence[str] | None = None) -> int:
    args = ap.parse_args(argv)
    if not args.root.is_dir():
        ap.error(f"--root {args.root}: no such directory")
    try:
        return main(args)
    except PapernotesError as exc:
        if args.debug:
            raise
        message = str(exc)
        print(message if message.startswith("error: ") else f"error: {message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1


def new_note_fields(topic: str | None, tags: Sequence[str], status: str = "to-read") -> dict[str, object]:
    """The user's own fields for new notes (from --topic, --tag, --status), checked like a note's."""
    fields: dict[str, object] = {"key": "-", "title": "-", "status": status, "tags": list(tags)}
    if topic:
        fields["topic"] = topic
    try:
        checked = Paper.from_frontmatter(fields)
    except FieldError as exc:
        raise PapernotesError(f"--{exc.field}: {exc.message.split(': ', 1)[1]}") from None
    unique_tags = tuple(dict.fromkeys(t.strip() for t in checked.tags if t.strip()))
    return {"topic": checked.topic, "tags": unique_tags, "status": checked.status, "added": dt.date.today()}


def library_for_adding(root: Path) -> tuple[Library, Catalog]:
    """The library and what it already holds; notes that do not load are named, not fatal."""
    library = Library(root)
    papers, problems = library.load()
    for problem in problems:
        warn(f"{problem} (not checked for duplicates)")
    return library, library.catalog(papers, problems)
