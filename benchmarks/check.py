"""How fast is `papernotes check` (the pre-commit hook) on large libraries? Prints a table; asserts nothing.

    python benchmarks/check.py [SIZES...]      # default: 2000 10000

For each size: the floor (a separate Python process that reads every note and parses its
frontmatter with PyYAML's CSafeLoader, nothing else: what a check reading each note as written
would cost at least), check cold (no cache) and check warm (nothing changed since the last run).
Goal (issue 32): warm under 1 s at 2,000 notes.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

from _common import FLOOR, REPO, make_library, timed


def median_of(argv: list[str], runs: int = 3, cache: Path | None = None) -> float:
    """The median wall time of `runs` runs; with `cache`, each run starts without it (cold)."""
    seconds = []
    for _ in range(runs):
        if cache is not None:
            shutil.rmtree(cache, ignore_errors=True)
        seconds.append(timed(argv)[0])
    return statistics.median(seconds)


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [2000, 10000]
    check = [sys.executable, str(REPO / "tools" / "check.py")]
    print(f"{'notes':>7} {'floor':>8} {'cold':>8} {'warm':>8} {'warm/floor':>10}")
    for size in sizes:
        root = make_library(size)
        floor = median_of([sys.executable, "-c", FLOOR, str(root / "papers")])
        cold = median_of([*check, "--root", str(root)], cache=root / ".cache")
        time.sleep(2.1)  # past the cache's racy window, as for any note not edited in the last seconds
        timed([*check, "--root", str(root)])
        warm = median_of([*check, "--root", str(root)])
        print(f"{size:>7} {floor:>7.2f}s {cold:>7.2f}s {warm:>7.2f}s {warm / floor:>9.2f}x")
        shutil.rmtree(root)
    print("goal: warm < 1 s at 2,000 notes")


if __name__ == "__main__":
    main()
