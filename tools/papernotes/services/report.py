"""Where a service's outcomes go, one line each: commands pass print and their error line, so that a
service never prints itself and a command starts without loading any service (`--help`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reporter:
    """Where a service's outcomes go, one line each: the command passes print and its error line."""

    say: Callable[[str], None]
    problem: Callable[[str], None]
    warn: Callable[[str], None] | None = None  # a service left out: the work goes on (problem when None)

    def warning(self, message: str) -> None:
        (self.warn or self.problem)(message)
