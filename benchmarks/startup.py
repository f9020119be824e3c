"""How quickly does every command start? CPU time (user + system) of `--help` for each command, and of
`status` and `list` on a small library; best of 5. Prints figures; asserts nothing.

    python benchmarks/startup.py

Goals: under 0.15 s of CPU each (issue 13), which means importing arxiv, pybtex, jinja2, lxml,
requests and scikit-learn only in the commands and code paths that use them; at most 10x the CPU of a
bare `python -c pass` in the same interpreter and environment, measured in the same run (issue 35).
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys

from _common import REPO, empty_library

# isort: split
# (_common put tools/ and tests/ on sys.path)
from papernotes.cli import COMMANDS

GOAL = 0.15


def cpu(argv: list[str], runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(argv, capture_output=True, check=False)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        best = min(best, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return best


def main() -> None:
    root = empty_library()
    for note in sorted((REPO / "tests" / "data" / "library" / "papers").glob("*.md")):
        shutil.copy(note, root / "papers" / note.name)
    tools = REPO / "tools"
    baseline = cpu([sys.executable, "-c", "pass"])
    print(f"start-up CPU, best of 5 (python -c pass: {baseline:.3f} s); goals < {GOAL} s and <= 10x bare python")
    rows = [(f"{name} --help", [sys.executable, str(tools / f"{name}.py"), "--help"]) for name in COMMANDS]
    rows += [("status KEY read (8 notes)", [sys.executable, str(tools / "status.py"), "--root", str(root), "devlin", "read"]),
             ("list (8 notes)", [sys.executable, str(tools / "list.py"), "--root", str(root)])]
    for label, argv in rows:
        seconds = cpu(argv)
        print(f"  {label:<28} {seconds:.3f} s   ratio to goal {seconds / GOAL:.2f}   {seconds / baseline:4.1f}x bare python")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
