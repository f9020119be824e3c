"""Check the library: notes that do not load, the same paper twice, links to nothing, a stale index,
and (as warnings) unlisted topics, tags spelt several ways, stray files, papers read without notes.

    papernotes check            # every problem as papers/x.md:LINE: level: message; exit 1 on errors
    papernotes check --fix      # also apply the mechanical fixes, through the in-place patcher
"""

from __future__ import annotations

import argparse
from pathlib import PurePosixPath

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.model.paper import describe_change
from papernotes.model.text import counted
from papernotes.services.checks import REBUILD_INDEX, Context, run_checks
from papernotes.store.library import Library


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--fix", action="store_true",
                    help="apply the mechanical fixes (authors string to list, tag spelling, topic typo); report the rest")
    return ap


def readme_stale(library: Library) -> bool | None:
    from papernotes.services.readme import generated_region, read_readme, updated_readme

    try:
        found = read_readme(library)
        return found is not None and updated_readme(found[1], generated_region(library, use_cache=True), "README.md") is not None
    except PapernotesError:
        return None  # no README with an index (or notes that do not load, reported on their own)


def run(args: argparse.Namespace) -> int:
    library = Library(args.root)
    papers, problems = library.load(bodies=True)
    context = Context(library, papers, problems, lambda: readme_stale(library))
    found = run_checks(context)
    remaining = []
    for problem in found:
        if args.fix and problem.fix == REBUILD_INDEX:
            from papernotes.services.readme import refresh_readme

            refresh_readme(library)
            print("fixed README.md: rebuilt the paper index")
            continue
        if args.fix and problem.fix:
            try:
                updated = library.update(PurePosixPath(problem.path).stem, dict(problem.fix))
            except PapernotesError as exc:
                common.error(str(exc))
                remaining.append(problem)
                continue
            print(f"fixed {problem.path} {describe_change(updated.before, updated.after)}")
        else:
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
