"""How fast are the reading workflow's commands on a large library? Prints figures; asserts nothing.

    python benchmarks/workflow.py [SIZE]      # default: 10000 notes

Goals (issue 8), at 10,000 notes: `status KEY read` under 0.3 s wall (it reads one note, not the
library), `plan --show` and `list` warm (the note cache in place) under 1 s.
"""

from __future__ import annotations

import statistics
import sys
import time

from _common import REPO, make_library
from _common import timed as _timed

GOALS = {"status KEY read": 0.3, "plan --show (warm)": 1.0, "list (warm)": 1.0, "list --status to-read --format keys (warm)": 1.0}


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, object]:
    seconds, result = _timed(argv, env)
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr}")
    return seconds, result


def main() -> None:
    if "--help" in sys.argv:
        print(__doc__)
        return
    size = int(sys.argv[1]) if len(sys.argv) > 1 else 10000
    root = make_library(size)
    tools = REPO / "tools"
    env = {"PAPERNOTES_TODAY": "2026-11-29"}

    def command(name: str, *args: str) -> list[str]:
        return [sys.executable, str(tools / f"{name}.py"), "--root", str(root), *args]

    cold, _ = timed(command("list", "--format", "keys"), env)
    time.sleep(2.1)  # past the cache's racy window
    timed(command("list", "--format", "keys"), env)
    figures: dict[str, float] = {}
    statuses = ["read", "reading", "to-read", "skipped", "read"]
    figures["status KEY read"] = statistics.median(
        timed(command("status", f"k{i * 37}", statuses[i]), env)[0] for i in range(5))
    figures["plan --show (warm)"] = statistics.median(timed(command("plan", "--show"), env)[0] for _ in range(3))
    figures["list (warm)"] = statistics.median(timed(command("list"), env)[0] for _ in range(3))
    figures["list --status to-read --format keys (warm)"] = statistics.median(
        timed(command("list", "--status", "to-read", "--format", "keys"), env)[0] for _ in range(3))
    start = time.perf_counter()
    timed(command("plan"), env)
    figures["plan (writes 3 notes)"] = time.perf_counter() - start
    base = statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(5))

    print(f"workflow benchmark, {size:,} notes (python -c pass: {base * 1000:.0f} ms; list cold: {cold:.2f} s)")
    for name, seconds in figures.items():
        goal = GOALS.get(name)
        verdict = f"goal < {goal:.1f} s   ratio {seconds / goal:.2f}" if goal else ""
        print(f"  {name:<44} {seconds * 1000:7.0f} ms   {verdict}")


if __name__ == "__main__":
    main()
