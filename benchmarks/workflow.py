"""How fast are the reading workflow's commands on a large library? Prints figures; asserts nothing.

    python benchmarks/workflow.py [SIZE]      # default: 10000 notes

Goals (issues 8 and 35), at 10,000 notes: `status KEY read` under 0.3 s wall (it reads one note,
not the library), `plan --show` and `list` warm (the note cache in place) under 0.3 s. Issue 21: `status` reads
its note once and parses it at most twice (the read, and the check of the written result), README
index refresh included.
"""

from __future__ import annotations

import statistics
import sys
import time

from _common import REPO, make_library
from _common import timed as _timed

GOALS = {"status KEY read": 0.3, "plan --show (warm)": 0.3, "list (warm)": 0.3, "list --status to-read --format keys (warm)": 0.3}


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
    figures["list right after a status change"] = timed(command("list"), env)[0]
    time.sleep(2.1)  # warm: past the racy window of the notes status changed, and one command settles them
    timed(command("list", "--format", "keys"), env)
    figures["plan --show (warm)"] = statistics.median(timed(command("plan", "--show"), env)[0] for _ in range(3))
    figures["list (warm)"] = statistics.median(timed(command("list"), env)[0] for _ in range(3))
    figures["list --status to-read --format keys (warm)"] = statistics.median(
        timed(command("list", "--status", "to-read", "--format", "keys"), env)[0] for _ in range(3))
    start = time.perf_counter()
    timed(command("plan"), env)
    figures["plan (writes 3 notes)"] = time.perf_counter() - start
    base = statistics.median(timed([sys.executable, "-c", "pass"])[0] for _ in range(5))

    reads, parses = status_parses(root, "k7")

    print(f"workflow benchmark, {size:,} notes (python -c pass: {base * 1000:.0f} ms; list cold: {cold:.2f} s)")
    print(f"  status k7 read: the note read {reads} time(s), its YAML parsed {parses} time(s)   goal <= 2")
    for name, seconds in figures.items():
        goal = GOALS.get(name)
        verdict = f"goal < {goal:.1f} s   ratio {seconds / goal:.2f}" if goal else ""
        print(f"  {name:<44} {seconds * 1000:7.0f} ms   {verdict}")


def status_parses(root: object, key: str) -> tuple[int, int]:
    """`papernotes status KEY read` in this process, counting reads of the note's file and every YAML
    parse of its text (the loaders of papernotes and any direct PyYAML call)."""
    import contextlib
    import io
    import os

    import yaml
    from papernotes import files
    from papernotes.cli import run_command
    from papernotes.store import notefile

    note = f"{key}.md"
    counts = {"reads": 0, "parses": 0}
    real_read, real_load = files.read_regular_file, notefile._load
    real_yaml = {name: getattr(yaml, name) for name in ("load", "safe_load", "compose")}

    def read(path: object, limit: int) -> object:
        counts["reads"] += str(path).endswith(note)
        return real_read(path, limit)  # type: ignore[arg-type]

    def load(raw: str, rel: str) -> object:
        counts["parses"] += rel.endswith(note)
        return real_load(raw, rel)

    def counting(name: str) -> object:
        def call(*args: object, **kwargs: object) -> object:
            counts["parses"] += 1
            return real_yaml[name](*args, **kwargs)
        return call

    notefile.read_regular_file, notefile._load = read, load  # type: ignore[assignment]
    for name in real_yaml:
        setattr(yaml, name, counting(name))
    os.environ["PAPERNOTES_TODAY"] = "2026-11-29"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            run_command("status", ["--root", str(root), key, "read"], prog="status")
    finally:
        notefile.read_regular_file, notefile._load = real_read, real_load  # type: ignore[assignment]
        for name, function in real_yaml.items():
            setattr(yaml, name, function)
    return counts["reads"], counts["parses"]


if __name__ == "__main__":
    main()
