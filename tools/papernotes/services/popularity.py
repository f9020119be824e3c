"""How much the community is reading a new paper ("top hype"): Hugging Face daily papers' upvotes and
Papers with Code's trending list, with a snapshot per check in a small file committed with the
digests (inbox/popularity.tsv). No API gives velocity; git keeps every week's file, and a paper's
growth since the last check is told from the snapshot before this one.

The digest's order (`watch --sort`): relevance (the reader's ranking), popular (upvotes, then the
trending list), or mixed (the default): relevance first, with popularity added on a scale where the
most upvoted paper of the week gains as much as one standard deviation of relevance. A near-tie goes
to the popular paper, and a paper the whole field is reading surfaces from the middle of the list.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from papernotes.files import INBOX, UnreadableFile, read_inside
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import week_of
from papernotes.services.ranking import NewPaper
from papernotes.sources.community import MAX_TRENDING

SNAPSHOT = "popularity.tsv"
SNAPSHOT_HEADER = "arxiv\tweek\tupvotes\n"
MAX_SNAPSHOT_ROWS = 5000  # a few weeks of daily papers; the oldest weeks go first
MAX_WEEKS_ASKED = 5  # a check covering more weeks asks for the latest five
MIX_WEIGHT = 1.0  # the most upvoted paper's gain, in standard deviations of relevance
TRENDING_GAIN = 0.5  # being in Papers with Code's trending list, at its top
SORTS = ("mixed", "relevance", "popular")


@dataclass(frozen=True)
class Snapshot:
    week: str
    upvotes: int


def weeks_between(since: dt.date, until: dt.date) -> list[str]:
    """The ISO weeks a check covers, the latest MAX_WEEKS_ASKED of them."""
    weeks: list[str] = []
    day = until
    while day >= since and len(weeks) < MAX_WEEKS_ASKED:
        if (week := week_of(day)) not in weeks:
            weeks.append(week)
        day -= dt.timedelta(days=1)
    return weeks


MAX_SNAPSHOT_BYTES = 2 * 1024 * 1024


def read_snapshot(root: Path) -> dict[str, Snapshot]:
    """The last check's upvotes by arXiv ID; rows that do not read are left out (the file is git's and
    the user's to edit), and so is a file that is not one (see papernotes.files)."""
    try:
        text = read_inside(root, root / INBOX / SNAPSHOT, MAX_SNAPSHOT_BYTES).decode("utf-8", "replace")
    except UnreadableFile:
        return {}
    rows: dict[str, Snapshot] = {}
    for line in text.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) != 3 or not parts[2].isdigit() or len(parts[2]) > 9:
            continue
        try:
            rows[parse_arxiv_id(parts[0]).canonical] = Snapshot(parts[1], int(parts[2]))
        except InvalidArxivId:
            continue
    return rows


def snapshot_text(before: dict[str, Snapshot], upvotes: dict[str, int], week: str) -> str:
    """The new snapshot: this check's upvotes over the last one's, newest weeks kept first, sorted so
    that a check with nothing new writes the same bytes."""
    rows = dict(before)
    rows.update({ident: Snapshot(week, votes) for ident, votes in upvotes.items()})
    kept = sorted(rows.items(), key=lambda item: (item[1].week, item[1].upvotes, item[0]), reverse=True)[:MAX_SNAPSHOT_ROWS]
    return SNAPSHOT_HEADER + "".join(f"{ident}\t{s.week}\t{s.upvotes}\n" for ident, s in sorted(kept))


def attach(candidates: Sequence[NewPaper], upvotes: dict[str, int], trending: Sequence[str],
           before: dict[str, Snapshot]) -> None:
    """Each candidate's upvotes, growth since the last snapshot and place in the trending list."""
    place = {ident: number for number, ident in enumerate(trending, 1)}
    for candidate in candidates:
        ident = candidate.paper.arxiv or ""
        if ident in upvotes:
            candidate.upvotes = upvotes[ident]
            if ident in before and upvotes[ident] > before[ident].upvotes:
                candidate.upvotes_gained = upvotes[ident] - before[ident].upvotes
        candidate.trending = place.get(ident)


def order(sort: str) -> Callable[[list[NewPaper]], list[NewPaper]] | None:
    """How `watch --sort` reorders candidates already ranked by relevance (None: keep that order)."""
    if sort == "relevance":
        return None
    return popular_first if sort == "popular" else mixed


def _popularity(candidate: NewPaper, most: int) -> float:
    """0 to 1.5: log upvotes against the week's most, plus a gain for a place in the trending list."""
    votes = math.log1p(candidate.upvotes or 0) / math.log1p(most) if most else 0.0
    trend = TRENDING_GAIN * (1 - (candidate.trending - 1) / MAX_TRENDING) if candidate.trending else 0.0
    return votes + trend


def popular_first(ranked: list[NewPaper]) -> list[NewPaper]:
    most = _most(ranked)
    return sorted(ranked, key=lambda c: -_popularity(c, most))  # stable: relevance among equals


def mixed(ranked: list[NewPaper]) -> list[NewPaper]:
    most = _most(ranked)
    scores = [c.standing for c in ranked]
    spread = statistics.pstdev(scores) if len(scores) > 1 else 0.0
    mean = statistics.fmean(scores) if scores else 0.0

    def value(candidate: NewPaper) -> float:
        relevance = (candidate.standing - mean) / spread if spread else 0.0
        return relevance + MIX_WEIGHT * _popularity(candidate, most)

    return sorted(ranked, key=lambda c: -value(c))


def _most(ranked: list[NewPaper]) -> int:
    return max((c.upvotes or 0 for c in ranked), default=0)


def gather(root: Path, candidates: list[NewPaper], since: dt.date, until: dt.date) -> tuple[str | None, list[str]]:
    """Fill in each candidate's upvotes, trending place and code (from its own words, else Hugging
    Face's daily papers); return the new snapshot for inbox/ (None when Hugging Face said nothing)
    and a warning per service that failed: the digest comes all the same."""
    from papernotes.sources.community import Community, ServiceDown, code_in_text

    warnings: list[str] = []
    for candidate in candidates:
        if candidate.paper.code is None and (said := code_in_text(candidate.paper.comment, candidate.paper.abstract)):
            candidate.paper = candidate.paper.replace(code=said)
    if not candidates:
        return None, warnings
    community = Community(root)
    upvotes: dict[str, int] = {}
    heard = False
    for week in weeks_between(since, until):
        daily = community.daily(week)
        if isinstance(daily, ServiceDown):
            warnings.append(str(daily))
            break
        heard = heard or community.hf.url is not None
        for ident, votes in daily.upvotes.items():
            upvotes[ident] = max(votes, upvotes.get(ident, 0))
        for candidate in candidates:
            if candidate.paper.code is None and (url := daily.code.get(candidate.paper.arxiv or "")):
                candidate.paper = candidate.paper.replace(code=url)
    trending = community.trending()
    if isinstance(trending, ServiceDown):
        warnings.append(str(trending))
        trending = []
    before = read_snapshot(root)
    attach(candidates, upvotes, trending, before)
    return (snapshot_text(before, upvotes, week_of(until)) if heard and upvotes else None), warnings
