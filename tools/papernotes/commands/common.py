"""What every command shares: its argument parser (--root, --debug), argument types, one-line
messages, and the loops that change notes and print what changed. Commands import this module and
services; `cli` runs them.

A command module imports the store, services and sources in the functions that use them, not at
its top: `papernotes CMD --help` then loads only the model and argparse (benchmarks/startup.py;
tests/test_workflow.py keeps the store out of every command's start).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.errors import PapernotesError, error_text
from papernotes.model.paper import Paper, describe_change, parse_week
from papernotes.runtime import uninterrupted
from papernotes.services.report import Reporter

if TYPE_CHECKING:
    from papernotes.store.library import Catalog, Library, Updated


def parser(description: str, prog: str | None = None) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog=prog, description=description)
    ap.add_argument(
        "--root",
        type=Path,
        default=None,
        metavar="DIR",
        help="the library to work on (default: for `papernotes`, the library around the current folder; "
             "for tools/NAME.py, the repository the script is in)",
    )
    ap.add_argument("--debug", action="store_true", help="show a traceback when something fails")
    return ap


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: a whole number from `low` to `high`, or a usage error naming the input."""
    def parse(text: str) -> int:
        if not text.strip().isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from {low} to {high}")
        return int(text)

    return parse


def error(message: str) -> None:
    print(error_text(message), file=sys.stderr)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def hint(message: str) -> None:
    """Advice, beside the warnings as git's hints are: what a command prints on stdout stays its output."""
    print(f"hint: {message}", file=sys.stderr)


# Services report what they did through this: lines on stdout, problems as `error: ...` on stderr.
REPORT = Reporter(say=print, problem=error, warn=warn)


def week(text: str) -> str:
    """An argparse type: an ISO week like 2026-W49."""
    if parse_week(text) is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an ISO week like 2026-W49")
    return text.strip()


def priority_option(ap: argparse.ArgumentParser, bulk: bool = False) -> None:
    """`--priority 1|2|3` for the notes a command writes; a bulk import defaults to 3, so that a
    hundred imported papers do not bury the week's plan (see the queue's order)."""
    default = "3 (low: a bulk import does not bury what you planned)" if bulk else "none (counts as 2)"
    ap.add_argument("--priority", type=int, choices=(1, 2, 3), default=3 if bulk else None,
                    help=f"priority of the new notes: 1 high, 2, 3 low (default: {default})")


def open_library(args: argparse.Namespace) -> Library:
    """The library at --root. The command line brings the README index of each library a command
    changed up to date afterwards (`Library.changed`), even when the command then failed."""
    from papernotes.store.library import Library

    library = Library(args.root)
    args.libraries.append(library)
    return library


def library_for_adding(args: argparse.Namespace, library: Library | None = None) -> tuple[Library, Catalog]:
    """The library (opened here unless the command has it open) and what it already holds; notes that
    do not load are named, not fatal."""
    library = library or open_library(args)
    papers, problems = library.load()
    for problem in problems:
        warn(f"{problem} (not checked for duplicates)")
    return library, library.catalog(papers, problems)


def update_notes(library: Library, refs: Sequence[str], change: Callable[[Paper], dict[str, object]]) -> tuple[int, list[Updated]]:
    """Change each note `refs` names, through the patcher, and print what changed: the exit code,
    and each note's update (its paper after it, body included).

    Every ref is resolved first: if one names no paper, nothing is written. A note that fails to
    load or write is reported and the others are still done.
    """
    keys: list[str] = []
    unknown = 0
    for ref in refs:
        try:
            keys.append(library.key_of(ref))
        except PapernotesError as exc:
            error(str(exc))
            unknown += 1
    if unknown:
        return 1, []
    failures = 0
    done: list[Updated] = []
    for key in dict.fromkeys(keys):
        with uninterrupted():  # Ctrl-C: a note changed is also reported
            try:
                updated = library.update(key, change)
            except PapernotesError as exc:
                error(str(exc))
                failures += 1
                continue
            done.append(updated)
            rel = library.rel(updated.path)
            print(f"updated {rel} {describe_change(updated.before, updated.after)}" if updated.changed else f"unchanged {rel}")
    return (1 if failures else 0), done


def selection(text: str) -> list[int]:
    """`1,4,7-9` as [1, 4, 7, 8, 9]."""
    numbers: list[int] = []
    for part in text.split(","):
        match = re.fullmatch(r"\s*(\d+)\s*(?:-\s*(\d+)\s*)?", part)
        if not match or (match.group(2) and int(match.group(2)) < int(match.group(1))):
            raise argparse.ArgumentTypeError(f"'{text}' is not a list of numbers like 1,4,7-9")
        first, last = int(match.group(1)), int(match.group(2) or match.group(1))
        if last - first > 10_000:
            raise argparse.ArgumentTypeError(f"'{part}' is too long a range")
        numbers.extend(range(first, last + 1))
    return list(dict.fromkeys(numbers))
