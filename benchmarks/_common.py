"""Helpers shared by the benchmark scripts: paths, a throw-away library, timing."""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tools"), str(REPO / "tests")]


def empty_library() -> Path:
    root = Path(tempfile.mkdtemp(prefix="papernotes-bench-"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "papers").mkdir()
    return root


def timed(argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True)
    return time.perf_counter() - start, result


def median_time(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    return statistics.median(timed(argv, env)[0] for _ in range(runs))
