"""The weekly digest a user ticks in any editor: its lines (each says why the paper is there), and
reading it back (what was ticked, and what was passed over, for the next week's ranking).
The ranking itself is services/ranking.py."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.files import INBOX, UnreadableFile, WriteError, library_folder, read_inside
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import Paper, week_of
from papernotes.model.reading import planning_week
from papernotes.model.text import author_list, counted
from papernotes.services.ranking import NewPaper
from papernotes.sources.s2 import arxiv_of
from papernotes.store.library import Catalog, Library

MAX_PASSED_OVER = 2000  # papers from earlier digests the ranking learns from, newest digests first
MAX_SHARERS_SHOWN = 5
# What a paper found only because someone the reader follows shared it "matched" (its found_via is
# `watch:people I follow` once accepted).
FOLLOWED = "people I follow"
# The digest's own short section: papers shared this week that came out before it.
SHARED_EARLIER = "## Shared this week, from before"


def digest_line(candidate: NewPaper) -> str:
    """`- [ ] [Title](arXiv link) — authors · categories · ▲ upvotes · trending #N · code · matched: q ·
    close to: [[key]] · phrases: p`, and the abstract folded on the next line. Everything from a service is escaped; the
    code link is a repository address rebuilt from its checked parts (`model.ids.code_link`)."""
    from papernotes.present.markdown import md

    paper = candidate.paper
    parts = [md(author_list(paper.authors)) or "Anonymous"]
    if paper.categories:
        parts.append(md(", ".join(paper.categories[:3])))
    if candidate.upvotes is not None:
        gained = f" (+{candidate.upvotes_gained} this week)" if candidate.upvotes_gained else ""
        parts.append(f"▲ {candidate.upvotes}{gained}")
    if candidate.trending is not None:
        parts.append(f"trending #{candidate.trending} on Papers with Code")
    if paper.code:
        parts.append(f"[code]({paper.code})")
    if candidate.shared_by:
        parts.append("shared by " + ", ".join(md(who) for who in candidate.shared_by[:MAX_SHARERS_SHOWN]))
    parts.append("matched: " + ", ".join(md(name) for name in candidate.queries or [FOLLOWED]))
    if candidate.close_to:
        parts.append("close to: " + ", ".join(f"[[{key}]]" for key in candidate.close_to))
    if candidate.phrases:
        parts.append("phrases: " + ", ".join(md(phrase) for phrase in candidate.phrases))
    line = f"- [ ] [{md(paper.title)}](https://arxiv.org/abs/{paper.arxiv}) — " + " · ".join(parts)
    if paper.abstract:
        line += f"\n    {ABSTRACT_OPEN}{md(paper.abstract)}{ABSTRACT_CLOSE}"
    return line


ABSTRACT_OPEN, ABSTRACT_CLOSE = "<details><summary>Abstract</summary>", "</details>"
_CHECKBOX = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(.*)$")
# The title's own link: the first "](" whose "]" is not escaped (a title is written with every "]"
# escaped, so a title holding "](https://arxiv.org/abs/...)" cannot stand in for the paper's link).
_ARXIV_LINK = re.compile(r"(?<!\\)(?:\\\\)*\]\((https?://(?:www\.)?arxiv\.org/abs/[^)\s]+)\)")
_MATCHED = re.compile(r"matched: (.+?)(?: · |$)")
_ESCAPED = re.compile(r"\\(.)")


@dataclass
class DigestItem:
    line: int
    arxiv: str
    ticked: bool
    queries: tuple[str, ...]
    title: str = ""
    abstract: str | None = None


def read_digest(text: str) -> tuple[list[DigestItem], list[tuple[int, str]]]:
    """The digest's items, and the checkbox lines that could not be read (line number, why)."""
    items: list[DigestItem] = []
    problems: list[tuple[int, str]] = []
    lines = text.splitlines()
    for number, line in enumerate(lines, 1):
        box = _CHECKBOX.match(line)
        if not box:
            continue
        link = _ARXIV_LINK.search(box.group(2))
        if not link:
            problems.append((number, "no arXiv link on this line"))
            continue
        try:
            ident = parse_arxiv_id(link.group(1)).canonical
        except InvalidArxivId as exc:
            problems.append((number, str(exc)))
            continue
        matched = _MATCHED.search(box.group(2)[link.end() :])
        names = tuple(n.strip() for n in matched.group(1).split(",") if n.strip()) if matched else ()
        following = lines[number].strip() if number < len(lines) else ""
        abstract = None
        if following.startswith(ABSTRACT_OPEN) and following.endswith(ABSTRACT_CLOSE):
            abstract = _unescape(following[len(ABSTRACT_OPEN) : -len(ABSTRACT_CLOSE)])
        title = _unescape(box.group(2)[1 : link.start()] if box.group(2).startswith("[") else "")
        items.append(DigestItem(number, ident, box.group(1) != " ", names, title, abstract))
    return items, problems


def _unescape(text: str) -> str:
    """Text as `md` wrote it, back: backslash escapes and the three HTML entities."""
    import html

    return html.unescape(_ESCAPED.sub(r"\1", text))


def passed_over(digests: Sequence[Sequence[DigestItem]]) -> list[Paper]:
    """Papers the reader saw and did not want: in a digest (its items, as read_digest reads them)
    where something was ticked, the unticked papers above the last tick. Newest digests first, at
    most MAX_PASSED_OVER."""
    out: list[Paper] = []
    for items in digests:
        ticked = [item.line for item in items if item.ticked]
        if not ticked:
            continue  # a digest nobody went through says nothing about taste
        for item in items:
            if not item.ticked and item.line < max(ticked) and item.title:
                out.append(Paper(key="", title=item.title, abstract=item.abstract, arxiv=item.arxiv))
        if len(out) >= MAX_PASSED_OVER:
            break
    return out[:MAX_PASSED_OVER]


@dataclass
class Shared:
    """What the people the reader follows shared in the checked days, by paper."""

    arxiv: dict[str, list[str]]  # arXiv ID -> who shared it, in the order they are followed
    lookups: dict[str, list[str]]  # a DOI or other paper link, as Semantic Scholar is asked for it -> who
    warnings: list[str]


MAX_SHARED_LOOKUPS = 100  # shared links that are not arXiv's, looked up on Semantic Scholar a run


def shared_papers(people: Any, accounts: Sequence[str], since: dt.date, until: dt.date) -> Shared:
    """Every paper link the followed accounts shared from `since` to `until`: arXiv's by their ID,
    the rest (DOIs, OpenReview, a venue's page) as lookups, through the one identifier parser."""
    from papernotes.model.ids import ArxivId, InvalidPaperId, parse_paper_id
    from papernotes.sources.service import ServiceDown

    found = Shared({}, {}, [])
    for account in accounts:
        shares = people.shares(account, since, until)
        if isinstance(shares, ServiceDown):
            found.warnings.append(str(shares))
            continue
        for share in shares:
            try:
                ident = parse_paper_id(share.link)
            except InvalidPaperId:
                continue
            bucket = found.arxiv if isinstance(ident, ArxivId) else found.lookups
            key = ident.canonical if isinstance(ident, ArxivId) else ident.s2_id
            if bucket is found.lookups and key not in bucket and len(bucket) >= MAX_SHARED_LOOKUPS:
                continue
            who = bucket.setdefault(key, [])
            if share.who not in who:
                who.append(share.who)
    return found


# -- the inbox: the last check, earlier digests, the new one --------------------------------------------

LAST_CHECK = "last-check"  # inbox/last-check: the date of the last complete check, committed with the digests
MAX_DIGESTS_READ = 520  # ten years of weekly digests: what came before teaches the ranking little
MAX_DIGEST_BYTES = 16 * 1024 * 1024  # a digest of 10,000 papers with abstracts is ~20 MB; --limit keeps it far below


def last_check(root: Path) -> dt.date | None:
    """The date of the last complete check (inbox/last-check), if the file holds one."""
    try:
        day = dt.date.fromisoformat(read_inside(root, root / INBOX / LAST_CHECK, 64).decode("ascii").strip())
    except (UnreadableFile, ValueError):
        return None
    return day if 1900 <= day.year <= 2999 else None


def earlier_digests(root: Path, warn: Callable[[str], None]) -> list[str]:
    """The text of the digests in the inbox, newest first. A paper in one was seen and is not shown
    again; what was passed over in them teaches the ranking."""
    inbox = root / INBOX
    texts: list[str] = []
    try:
        names = sorted(inbox.glob("*.md"), reverse=True) if inbox.is_dir() else []
    except OSError:
        names = []
    for digest in names[:MAX_DIGESTS_READ]:
        try:
            texts.append(read_inside(root, digest, MAX_DIGEST_BYTES).decode("utf-8", errors="replace"))
        except UnreadableFile as exc:
            warn(exc.describe(f"{INBOX}/{digest.name}") + " (left out)")
    return texts


def add_shares(library: Library, arxiv: Any, found: dict[str, NewPaper], catalog: Catalog, seen: set[str],
               since: dt.date, until: dt.date, warn: Callable[[str], None]) -> list[NewPaper]:
    """The papers the people the reader follows shared in the checked days: each found paper says who
    shared it, a shared paper new this week joins `found`, and one from before is returned for the
    digest's own short section. A service or account that fails is one warning."""
    from papernotes.services.adding import semantic_scholar
    from papernotes.sources.arxiv import ArxivUnavailable
    from papernotes.sources.s2 import S2Unavailable
    from papernotes.sources.social import People

    shared = shared_papers(People(library.root), library.config.follow, since, until)
    for warning in shared.warnings:
        warn(warning)
    if shared.lookups:  # a DOI or another paper link: its arXiv ID from Semantic Scholar, when it has one
        try:
            rows = semantic_scholar(library).batch(list(shared.lookups))
        except S2Unavailable as exc:
            warn(f"shared links that are not arXiv's left out: {exc}")
            rows = []
        for lookup, row in zip(shared.lookups, rows, strict=False):
            ident = arxiv_of(row) if isinstance(row, dict) else None
            if ident:
                who = shared.arxiv.setdefault(ident, [])
                who += [person for person in shared.lookups[lookup] if person not in who]
    wanted = [ident for ident in shared.arxiv if ident not in found and ident not in catalog.by_arxiv and ident not in seen]
    earlier: list[NewPaper] = []
    if wanted:
        try:
            fetched = arxiv.fetch(wanted).papers
        except (ArxivUnavailable, PapernotesError) as exc:
            warn(f"papers shared by people you follow left out: {exc}")
            fetched = {}
        for ident, paper in fetched.items():
            candidate = NewPaper(paper)
            if paper.published is not None and since <= paper.published <= until:
                found[ident] = candidate
            else:
                earlier.append(candidate)
    for candidate in [*found.values(), *earlier]:
        candidate.shared_by = list(shared.arxiv.get(candidate.paper.arxiv or "", []))
    return earlier


def write_digest(root: Path, until: dt.date, since: dt.date, ranked: list[NewPaper], found: int,
                 earlier: list[NewPaper] | None = None) -> Path:
    week = week_of(until)
    # Named for the week the papers came out in; on a Sunday `plan` already plans the next one, so say both.
    header = (f"# New papers, {week}\n\nSubmitted {since} to {until}; {len(ranked)} of {counted(found, 'new paper')}, best first. "
              f"Tick the ones to read (`[x]`), then run `papernotes watch --accept {INBOX}/{{name}}`: they join "
              f"the reading queue, which `papernotes plan` plans {planning_week(until)} from.\n\n")
    body = "\n".join(digest_line(candidate) for candidate in ranked) + "\n"
    if earlier:
        body += f"\n{SHARED_EARLIER}\n\n" + "\n".join(digest_line(candidate) for candidate in earlier) + "\n"
    inbox = library_folder(root, root / INBOX)
    for suffix in [""] + [f"-{n}" for n in range(2, 100)]:
        path = inbox / f"{week}{suffix}.md"
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as handle:  # never over an earlier digest
                handle.write(header.replace("{name}", path.name) + body)
            return path
        except FileExistsError:
            continue
        except OSError as exc:
            raise WriteError(f"cannot write {INBOX}/{path.name}: {exc.strerror}") from None
    raise PapernotesError(f"too many digests for {week} in {INBOX}/")
