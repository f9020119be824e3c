"""Rewrite the paper index in README.md (the region between the papernotes:index markers).

    python tools/index.py            # rewrite the region if the notes changed
    python tools/index.py --check    # change nothing; exit 1 if the README is stale

Everything outside the markers is yours and stays byte-identical.
"""

from __future__ import annotations

import argparse
import sys

from papernotes.commands import common
from papernotes.errors import PapernotesError


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when README.md is stale")
    ap.add_argument("--no-cache", action="store_true", help="read every note, ignoring .cache/")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.readme import (
        END,
        START,
        generated_region,
        read_readme,
        rewrite_readme,
        updated_readme,
    )

    library = common.open_library(args)
    region = generated_region(library, use_cache=not args.no_cache)
    # A README that is a symlink (to a file of the library): its target is updated and the link kept.
    found = read_readme(library)
    if found is None:
        raise PapernotesError(f"no README.md in {library.root}; create one with the lines {START} and {END}")
    readme, current = found
    stale = updated_readme(current, region, "README.md") is not None
    del current
    if not stale:
        return 0
    if args.check:
        print("error: README.md index is stale; run python tools/index.py", file=sys.stderr)
        return 1
    if rewrite_readme(readme, region):
        print("updated README.md")
    return 0
