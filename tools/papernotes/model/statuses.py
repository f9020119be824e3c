"""The reading statuses, once: each one's name in notes, its word and mark on pages, its place in
sorted tables, whether it is still to be read, and how much it says about the reader's taste (the
weekly digest ranks new papers by the ones read)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Status:
    name: str  # as notes write it
    word: str  # as pages and messages say it
    mark: str
    sort: int  # in the All papers table: reading first
    unfinished: bool  # still to be read: it stays in the queue
    taste: float  # how much a paper with this status counts when ranking new ones


# In the order notes and `--status` list them; the legends list them read first (LEGEND).
TABLE = (
    Status("to-read", "to read", "⏳", 1, True, 0.6),
    Status("reading", "reading", "📖", 0, True, 1.0),
    Status("read", "read", "✅", 2, False, 1.0),
    Status("skipped", "skipped", "⏭️", 3, False, 0.2),
)
TO_READ, READING, READ, SKIPPED = (status.name for status in TABLE)  # the names code refers to
BY_NAME = {status.name: status for status in TABLE}
STATUSES = tuple(status.name for status in TABLE)
LEGEND = ("read", "reading", "to-read", "skipped")
STATUS_MARKS = {name: BY_NAME[name].mark for name in LEGEND}
STATUS_WORDS = {status.name: status.word for status in TABLE}
STATUS_ORDER = {status.name: status.sort for status in TABLE}
STATUS_WEIGHT = {status.name: status.taste for status in TABLE}
UNFINISHED = tuple(status.name for status in TABLE if status.unfinished)
