"""The command line as a stranger's input meets it: each run a real process under a memory cap and a
timeout, so that a regression (a hang, a file read whole) fails a test instead of taking the machine down."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from conftest import TOOLS, script_env
from fakearxiv import FakeArxiv

MEMORY_CAP = 1536 * 1024 * 1024  # address space per tool run; the tools need a fraction of it
TIME_CAP = 90


def capped() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def tool(name: str, *args: str | Path, stdin: str | None = None, server: FakeArxiv | None = None,
         **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(TOOLS / name), *map(str, args)], input=stdin, capture_output=True,
                          text=True, env=script_env(server, **env), timeout=TIME_CAP, preexec_fn=capped)


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 1, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr
