"""The `papernotes` command line: one table of commands, and the one place errors become messages
and exit codes. `python tools/NAME.py` runs the same command through a two-line shim.

Exit codes: 0 success; 1 some input failed or a check found problems; 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import papernotes
from papernotes.errors import PapernotesError, UsageError, error_text
from papernotes.runtime import today

if TYPE_CHECKING:  # not imported at start-up: `--help` stays fast
    from papernotes.store.library import Library

# The repository the scripts live in: tools/papernotes/cli.py -> the repository root.
DEFAULT_ROOT = Path(__file__).resolve().parents[2]

# name -> (module with parser(prog) and run(args), one line for `papernotes --help`).
# Modules are imported only when their command runs, so every command starts quickly.
COMMANDS: dict[str, tuple[str, str]] = {
    "add": ("papernotes.commands.add", "scaffold notes from arXiv IDs, DOIs, paper links, titles, or every arXiv link in a text"),
    "status": ("papernotes.commands.status", "mark papers reading, read, skipped or to-read"),
    "refs": ("papernotes.commands.refs", "a paper's references or citations from Semantic Scholar; add the ones to follow"),
    "related": ("papernotes.commands.related", "the papers in your library most related to one, and why"),
    "gaps": ("papernotes.commands.gaps", "papers your notes keep citing that are not in the library; add them"),
    "watch": ("papernotes.commands.watch", "check saved arXiv queries for new papers; a ranked digest to tick"),
    "highlights": ("papernotes.commands.highlights", "bring a PDF's, Zotero's or Hypothesis's highlights into notes, never over your words"),
    "tag": ("papernotes.commands.tag", "add and remove tags: papernotes tag KEY... +TAG -TAG"),
    "list": ("papernotes.commands.listing", "list papers by status, topic, tag, week, year or text"),
    "topics": ("papernotes.commands.topics", "the topics in use: titles, papers and how many are read"),
    "plan": ("papernotes.commands.plan", "plan the week's papers from the queue; write a calendar"),
    "migrate": ("papernotes.commands.migrate", "bring in a reading list (a README of paper links and notes)"),
    "init": ("papernotes.commands.init", "make this copy yours: name, site address, no example notes"),
    "refresh": ("papernotes.commands.refresh", "bring versions, dates, venues and DOIs up to date from arXiv"),
    "check": ("papernotes.commands.check", "check the library for errors; --fix applies the mechanical fixes"),
    "index": ("papernotes.commands.index", "rewrite the paper index in README.md"),
    "bib": ("papernotes.commands.bib", "export the library as BibTeX, or import a .bib file"),
    "site": ("papernotes.commands.site", "generate the site's pages from the notes; build or preview it"),
}



# Characters a terminal obeys rather than shows (ESC starts a sequence that can retitle the window,
# clear the screen or fake a prompt; C1's CSI is another way in): dropped from everything printed,
# whatever a title from a service or a committed file holds. Tab, line feed and carriage return stay.
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    return _TERMINAL_CONTROL.sub("", text) if _TERMINAL_CONTROL.search(text) else text


class _InertErrors(io.TextIOBase):
    """Standard error with the terminal's control characters dropped (see _TERMINAL_CONTROL)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(inert(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


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
        text = inert(text)
        if self.failure is None:
            try:
                assert self.stream is not None
                self.stream.write(text)
                return len(text)
            except OSError as exc:
                self._failed(exc)
        self.undelivered.append(text)
        return len(text)

    def flush(self) -> None:
        if self.failure is None and self.stream is not None:
            try:
                self.stream.flush()
            except OSError as exc:
                self._failed(exc)

    def _failed(self, exc: OSError) -> None:
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


def run(
    main: Callable[[argparse.Namespace], int],
    ap: argparse.ArgumentParser,
    argv: Sequence[str] | None = None,
    default_root: Path = DEFAULT_ROOT,
) -> int:
    output = _GuardedOutput(sys.stdout)
    errors = sys.stderr
    sys.stdout = output  # type: ignore[assignment]
    sys.stderr = _InertErrors(errors) if errors is not None else errors  # type: ignore[assignment]
    try:
        code = _run(main, ap, argv, default_root)
    except SystemExit as exc:  # argparse: --help, usage errors
        code = exc.code if isinstance(exc.code, int) else 2
    finally:
        sys.stdout = output.stream  # type: ignore[assignment]
        sys.stderr = errors
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
        args.libraries = []  # every library the command opened (commands.common.open_library)
        try:
            return main(args)
        finally:
            refresh_derived_state(args.libraries)
    except PapernotesError as exc:
        if debug:
            raise
        print(error_text(str(exc)), file=sys.stderr)
        return 2 if isinstance(exc, UsageError) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1
    except Exception as exc:
        if interrupted(exc):  # Ctrl-C while a module a command imports late was loading
            print("interrupted", file=sys.stderr)
            return 130
        if debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1


def interrupted(exc: BaseException) -> bool:
    """Whether Ctrl-C caused this exception. Python 3.11 wraps a KeyboardInterrupt that lands while
    a class is created (a dataclass's fields being named) in a RuntimeError."""
    seen = 0
    cause: BaseException | None = exc
    while cause is not None and seen < 10:
        if isinstance(cause, KeyboardInterrupt):
            return True
        cause, seen = cause.__cause__, seen + 1
    return False


def refresh_derived_state(libraries: list[Library]) -> None:
    """After a command changed notes (even one that then failed): the README index of each library it
    changed, so that what is committed next passes `check`. When that cannot be done (another note
    does not load), the command still did what it was asked: a warning names the way to the problem,
    and the exit code stays the command's (0)."""
    for library in libraries:
        if not library.changed:
            continue
        from papernotes.services.readme import refresh_readme  # only commands that changed notes pay for it

        try:
            refresh_readme(library)
        except PapernotesError as exc:
            print(f"warning: README.md index not updated: {str(exc).splitlines()[-1]} (papernotes check lists the problems)",
                  file=sys.stderr)


def run_command(name: str, argv: Sequence[str], prog: str, default_root: Path = DEFAULT_ROOT) -> int:
    try:
        module = importlib.import_module(COMMANDS[name][0])
    except (KeyboardInterrupt, RuntimeError) as exc:  # Ctrl-C while the command's libraries load
        if not interrupted(exc):
            raise
        module = None
    if module is None or papernotes.interrupted_in_a_callback:
        print("interrupted", file=sys.stderr)
        return 130
    argv = list(argv)
    if hasattr(module, "preprocess"):
        argv = module.preprocess(argv)
    return run(module.run, module.parser(prog), argv, default_root)


def find_root(start: Path) -> Path:
    """The library around `start` (a folder with a pyproject.toml naming [tool.papernotes]), as git finds
    its repository; the repository this package lives in when there is none."""
    from papernotes.files import UnreadableFile, read_regular_file

    for folder in (start, *start.parents):
        try:
            if b"[tool.papernotes" in read_regular_file(folder / "pyproject.toml", 1024 * 1024)[0]:
                return folder
        except UnreadableFile:
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


