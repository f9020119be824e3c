"""The `papernotes` command line: one table of commands, and the one place errors become messages
and exit codes. `python tools/NAME.py` runs the same command through a two-line shim.

Exit codes: 0 success; 1 some input failed or a check found problems; 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import difflib
import importlib
import io
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from papernotes.errors import PapernotesError, UsageError

if TYPE_CHECKING:
    from papernotes.model.paper import Paper
    from papernotes.store.library import Catalog, Library

# The repository the scripts live in: tools/papernotes/cli.py -> the repository root.
DEFAULT_ROOT = Path(__file__).resolve().parents[2]

# name -> (module with parser(prog) and run(args), one line for `papernotes --help`).
# Modules are imported only when their command runs, so every command starts quickly.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("papernotes.commands.add", "scaffold notes from arXiv IDs, DOIs, paper links, titles, or every arXiv link in a text"),
    "status": ("papernotes.commands.status", "mark papers reading, read, skipped or to-read"),
    "refs": ("papernotes.commands.refs", "a paper's references or citations from Semantic Scholar; add the ones to follow"),
    "watch": ("papernotes.commands.watch", "check saved arXiv queries for new papers; a ranked digest to tick"),
    "tag": ("papernotes.commands.tag", "add and remove tags: papernotes tag KEY... +TAG -TAG"),
    "list": ("papernotes.commands.listing", "list papers by status, topic, tag, week, year or text"),
    "plan": ("papernotes.commands.plan", "plan the week's papers from the queue; write a calendar"),
    "migrate": ("papernotes.commands.migrate", "bring in a reading list (a README of paper links and notes)"),
    "init": ("papernotes.commands.init", "make this copy yours: name, site address, no example notes"),
    "refresh": ("papernotes.commands.refresh", "bring versions, dates, venues and DOIs up to date from arXiv"),
    "check": ("papernotes.commands.check", "check the library for errors; --fix applies the mechanical fixes"),
    "index": ("papernotes.commands.index", "rewrite the paper index in README.md"),
    "bib": ("papernotes.commands.bib", "export the library as BibTeX, or import a .bib file"),
}

TODAY_VARIABLE = "PAPERNOTES_TODAY"


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
    print(f"error: {message}", file=sys.stderr)


def warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def today() -> dt.date:
    """Today's date, or the one PAPERNOTES_TODAY names (tests and "what if" runs set it)."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999 or not value.isascii():
        raise PapernotesError(f"{TODAY_VARIABLE}={value!r} is not a date like 2026-11-29 (from 1900 to 2999)")
    return day


class _GuardedOutput(io.TextIOBase):
    """Standard output that, when it fails (a full disk, a closed pipe or descriptor), keeps what it
    could not deliver, so that the command can still say on stderr what it did: a note written is
    never left unreported."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.failure: str | None = None if stream is not None else "standard output is closed"
        self.undelivered: list[str] = []
        self.broken_pipe = False

    def write(self, text: str) -> int:
        if self.failure is None:
            try:
                assert self.stream is not None
                self.stream.write(text)
                return len(text)
            except OSError as exc:
                self.failure = exc.strerror or str(exc)
                self.broken_pipe = isinstance(exc, BrokenPipeError)
        self.undelivered.append(text)
        return len(text)

    def flush(self) -> None:
        if self.failure is None and self.stream is not None:
            try:
                self.stream.flush()
            except OSError as exc:
                self.failure = exc.strerror or str(exc)
                self.broken_pipe = isinstance(exc, BrokenPipeError)

    def isatty(self) -> bool:
        return self.failure is None and self.stream is not None and self.stream.isatty()

    def report(self) -> bool:
        """Tell stderr what could not be printed; True if output failed."""
        self.flush()
        if self.failure is None:
            return False
        if self.broken_pipe:
            # The reader stopped (`| head`): what it did not want is not repeated on stderr.
            print("error: standard output was closed before everything was written (broken pipe)", file=sys.stderr)
            try:  # what is still buffered would fail again at exit, with a traceback (Python's documented remedy)
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())  # type: ignore[union-attr]
            except (OSError, AttributeError, ValueError):
                pass
            return True
        lost = "".join(self.undelivered)
        print(f"error: could not write to standard output ({self.failure})" + ("; it said:" if lost else ""),
              file=sys.stderr)
        sys.stderr.write(lost)
        return True


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C until the block is done: a note written is also reported, or neither happens."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        sys.stdout.flush()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def run(
    main: Callable[[argparse.Namespace], int],
    ap: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
    default_root: Path = DEFAULT_ROOT,
) -> int:
    output = _GuardedOutput(sys.stdout)
    sys.stdout = output  # type: ignore[assignment]
    try:
        code = _run(main, ap, argv, default_root)
    except SystemExit as exc:  # argparse: --help, usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdout = output.stream  # type: ignore[assignment]
    return 1 if output.report() else code


def _run(
    main: Callable[[argparse.Namespace], int],
    ap: argparse.ArgumentParser,
    argv: Sequence[str] | None,
    default_root: Path,
) -> int:
    args = ap.parse_args(argv)
    if getattr(args, "root", None) is None:
        args.root = default_root
    if not args.root.is_dir():
        ap.error(f"--root {args.root}: no such directory")
    debug = getattr(args, "debug", False)
    try:
        args.today = today()
        try:
            code = main(args)
        finally:
            code_after = refresh_derived_state()
        return max(code, code_after)
    except PapernotesError as exc:
        if debug:
            raise
        message = str(exc)
        print(message if message.startswith("error: ") else f"error: {message}", file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        if debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1


def refresh_derived_state() -> int:
    """After a command changed notes (even one that then failed): the README index of each library it
    changed, so that what is committed next passes `check`. 1 if that could not be done."""
    from papernotes.store.library import CHANGED_ROOTS, Library

    failures = 0
    while CHANGED_ROOTS:
        root = CHANGED_ROOTS.pop()
        from papernotes.services.readme import refresh_readme  # only commands that changed notes pay for it

        try:
            refresh_readme(Library(root))
        except PapernotesError as exc:
            warn(f"README.md index not updated: {str(exc).splitlines()[-1]} (papernotes check lists the problems)")
            failures = 1
    return failures


def run_command(name: str, argv: Sequence[str], prog: str, default_root: Path = DEFAULT_ROOT) -> int:
    try:
        module = importlib.import_module(COMMANDS[name][0])
    except KeyboardInterrupt:  # Ctrl-C while the command's libraries load
        print("interrupted", file=sys.stderr)
        return 130
    argv = list(argv)
    if hasattr(module, "preprocess"):
        argv = module.preprocess(argv)
    return run(module.run, module.parser(prog), argv, default_root)


def find_root(start: Path) -> Path:
    """The library around `start` (a folder with a pyproject.toml naming [tool.papernotes]), as git finds
    its repository; the repository this package lives in when there is none."""
    for folder in (start, *start.parents):
        try:
            if "[tool.papernotes" in (folder / "pyproject.toml").read_text(encoding="utf-8", errors="replace"):
                return folder
        except OSError:
            continue
    return DEFAULT_ROOT


def main(argv: Sequence[str] | None = None) -> int:
    """The `papernotes` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        width = max(map(len, COMMANDS))
        lines = [f"  {name:<{width}}  {summary}" for name, (_, summary) in COMMANDS.items()]
        usage = "usage: papernotes COMMAND [ARGS...]   (papernotes COMMAND --help for its options)\n\ncommands:\n"
        (sys.stdout if argv else sys.stderr).write(usage + "\n".join(lines) + "\n")
        return 0 if argv else 2
    name = argv[0]
    if name not in COMMANDS:
        close = difflib.get_close_matches(name, COMMANDS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        print(f"papernotes: error: no command '{name}'{hint}; papernotes --help lists them", file=sys.stderr)
        return 2
    return run_command(name, argv[1:], prog=f"papernotes {name}", default_root=find_root(Path.cwd()))


def priority_option(ap: argparse.ArgumentParser, bulk: bool = False) -> None:
    """`--priority 1|2|3` for the notes a command writes; a bulk import defaults to 3, so that a
    hundred imported papers do not bury the week's plan (see the queue's order)."""
    default = "3 (low: a bulk import does not bury what you planned)" if bulk else "none (counts as 2)"
    ap.add_argument("--priority", type=int, choices=(1, 2, 3), default=3 if bulk else None,
                    help=f"priority of the new notes: 1 high, 2, 3 low (default: {default})")


def new_note_fields(topic: str | None, tags: Sequence[str], status: str, added: dt.date,
                    priority: int | None = None) -> dict[str, object]:
    """The user's own fields for new notes (from --topic, --tag, --status, --priority), checked like a note's."""
    from papernotes.model.paper import FieldError, Paper

    fields: dict[str, object] = {"key": "-", "title": "-", "status": status, "tags": list(tags)}
    if topic:
        fields["topic"] = topic
    try:
        checked = Paper.from_frontmatter(fields)
    except FieldError as exc:
        raise PapernotesError(f"--{exc.field}: {exc.message.split(': ', 1)[1]}") from None
    unique_tags = tuple(dict.fromkeys(t.strip() for t in checked.tags if t.strip()))
    fields_: dict[str, object] = {"topic": checked.topic, "tags": unique_tags, "status": checked.status, "added": added}
    if priority is not None:
        fields_["priority"] = priority
    return fields_


def library_for_adding(root: Path) -> tuple[Library, Catalog]:
    """The library and what it already holds; notes that do not load are named, not fatal."""
    from papernotes.store.library import Library

    library = Library(root)
    papers, problems = library.load()
    for problem in problems:
        warn(f"{problem} (not checked for duplicates)")
    return library, library.catalog(papers, problems)


def update_notes(library: Library, refs: Sequence[str], change: Callable[[Paper], dict[str, object]]) -> int:
    """Change each note `refs` names, through the patcher, and print what changed.

    Every ref is resolved first: if one names no paper, nothing is written. A note that fails to
    load or write is reported and the others are still done.
    """
    from papernotes.model.paper import describe_change

    paths: list[Path] = []
    unknown = 0
    for ref in refs:
        try:
            paths.append(library.find(ref))
        except PapernotesError as exc:
            error(str(exc))
            unknown += 1
    if unknown:
        return 1
    failures = 0
    for path in dict.fromkeys(paths):
        with uninterrupted():  # Ctrl-C: a note changed is also reported
            try:
                updated = library.update(path, change)
            except PapernotesError as exc:
                error(str(exc))
                failures += 1
                continue
            if updated.changed:
                print(f"updated {library.rel(path)} {describe_change(updated.before, updated.after)}")
            else:
                print(f"unchanged {library.rel(path)}")
    return 1 if failures else 0
