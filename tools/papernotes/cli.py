"""What every script shares: `--root`, `--debug`, and the one place errors become messages and exit codes.

Exit codes: 0 success; 1 some input failed or a check found problems; 2 bad usage (argparse).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable, Sequence

from .errors import PapernotesError

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
    except Exception as exc:  # noqa: BLE001 - the promise is one line, never a traceback
        if args.debug:
            raise
        print(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr)
        return 1
