"""How fast is `python tools/index.py` on large libraries? Prints a table; asserts nothing.

    python benchmarks/index.py [SIZES...]      # default: 1000 10000 50000

For each size: the floor (a separate Python process that reads every note and parses its
frontmatter with PyYAML's CSafeLoader, nothing else, in one process), index.py cold (no cache; from
2,000 notes it parses on up to four of the machine's processors), index.py warm
(cache, nothing changed; the steady state, i.e. the second warm run), and the peak memory (max RSS)
of the cold and of the warm runs.
Goals (issue 35): cold <= 1.3x the floor at 10,000 notes; warm <= 0.15 s at 10,000; at 50,000 notes
peak memory under 400 MB cold and under 200 MB warm (issue 13).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

from _common import FLOOR, REPO, make_library


def run(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str] | None]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed: {err}")
    return seconds, usage.ru_maxrss / 1024, subprocess.CompletedProcess(argv, proc.returncode, out, err)


def best(argv: list[str], runs: int = 3) -> tuple[float, float]:
    results = [run(argv)[:2] for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 10000, 50000]
    index = [sys.executable, str(REPO / "tools" / "index.py")]
    print(f"{'notes':>7} {'MB':>6} {'floor':>8} {'cold':>8} {'cold/floor':>10} {'warm':>8} {'cold MB':>8} {'warm MB':>8}")
    for size in sizes:
        start = time.perf_counter()
        root = make_library(size)
        made = time.perf_counter() - start
        megabytes = sum(p.stat().st_size for p in (root / "papers").iterdir()) / 1e6
        floor, _ = best([sys.executable, "-c", FLOOR, str(root / "papers")])
        colds = []
        cold_peak = 0.0
        for _ in range(3):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            seconds, rss, _ = run([*index, "--root", str(root)])
            colds.append(seconds)
            cold_peak = max(cold_peak, rss)
        cold = min(colds)
        time.sleep(2.1)  # past the cache's racy window, as for any note not edited in the last seconds
        run([*index, "--root", str(root)])  # the first warm run refreshes entries it had to re-check
        warm, warm_peak = best([*index, "--root", str(root), "--check"])
        print(f"{size:>7} {megabytes:>6.1f} {floor:>7.2f}s {cold:>7.2f}s {cold / floor:>9.2f}x {warm:>7.2f}s "
              f"{cold_peak:>8.0f} {warm_peak:>8.0f}   (generated in {made:.0f} s)")
        shutil.rmtree(root)
    print("goals (issue 35): cold/floor <= 1.3x; warm <= 0.15 s at 10,000 notes; at 50,000: cold MB < 400, warm MB < 200")


if __name__ == "__main__":
    main()
