"""Check the library: notes that do not load, the same paper twice, links to nothing, a stale index,
and (as warnings) unlisted topics, tags spelt several ways, stray files, papers read without notes.

    papernotes check            # every problem as papers/x.md:LINE: level: message; exit 1 on errors
    papernotes check --fix      # also apply the mechanical fixes, through the in-place patcher
    papernotes check --settings # the settings of [tool.papernotes], this library's values and what each is for
"""

from __future__ import annotations

import argparse

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.model.config import settings_listing
from papernotes.model.text import counted


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--fix", action="store_true",
                    help="apply the mechanical fixes (authors string to list, tag spelling, topic typo); report the rest")
    ap.add_argument("--settings", action="store_true",
                    help="print every setting of [tool.papernotes] with this library's value, its default and what it is for")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.checks import Context, apply_fix, run_checks

    library = common.open_library(args)
    if args.settings:
        print("[tool.papernotes]\n" + "\n".join(settings_listing(library.config)))
        return 0
    papers, problems = library.load(bodies=True)
    found = run_checks(Context(library, papers, problems))
    remaining = []
    for problem in found:
        if args.fix and problem.fix:
            try:
                print(apply_fix(library, problem))
            except PapernotesError as exc:
                common.error(str(exc))
                remaining.append(problem)
            continue
        remaining.append(problem)
    for problem in remaining:
        print(problem)
    errors = sum(1 for p in remaining if p.level == "error")
    warnings = len(remaining) - errors
    if remaining:
        fixable = sum(1 for p in remaining if p.fix)
        hint = f"; {fixable} can be fixed with --fix" if fixable and not args.fix else ""
        print(f"{counted(errors, 'error')}, {counted(warnings, 'warning')} in {counted(len(papers) + len(problems), 'note')}{hint}")
    return 1 if errors else 0
