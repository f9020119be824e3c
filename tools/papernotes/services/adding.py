"""Adding papers that come from anywhere (arXiv IDs, Semantic Scholar records, a reference list):
one path that fetches arXiv papers in one batched request, writes new notes, and applies
additive changes to papers the library already has. `add` and `refs` both go through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.model.ids import ArxivId, OtherId
from papernotes.model.paper import FieldError, Paper, describe_change
from papernotes.model.text import counted
from papernotes.runtime import uninterrupted
from papernotes.services.report import Reporter
from papernotes.sources.s2 import SemanticScholar, arxiv_of, paper_from_s2, published_as
from papernotes.store.library import Catalog, Library


def semantic_scholar(library: Library, refresh: bool = False, at_most_days: float | None = None) -> SemanticScholar:
    """A client caching in the library's .cache/ for as long as its settings say (and `at_most_days`,
    for answers that change faster)."""
    days = library.config.s2_cache_days if at_most_days is None else min(library.config.s2_cache_days, at_most_days)
    return SemanticScholar(cache_root=library.root, max_age=dt.timedelta(days=days), refresh=refresh)


MAX_CODE_LOOKUPS = 50  # papers whose code is asked of the services in one run


@dataclass(frozen=True)
class Candidate:
    """One paper to add: from arXiv when `arxiv` is set, else from `paper` (Semantic Scholar, by hand)."""

    label: str  # what to call it in messages: the input as given, or a reference's title
    arxiv: str | None = None
    paper: Paper | None = None
    problem: str | None = None  # why it cannot be added (printed as an error)
    not_found: bool = False  # printed as "not found LABEL", the way add has always said it
    fields: tuple[tuple[str, Any], ...] = ()  # fields of this paper's own, over the shared new-note fields
    # What another source knew (Semantic Scholar's DOI and venue for an arXiv paper added by its ACL
    # link): filled in where the paper's own source has nothing, never over it.
    fill: tuple[tuple[str, Any], ...] = ()
    # What to change when the paper is in the library already (over add_candidates' own rule).
    on_existing: Callable[[Paper], dict[str, object]] | None = None
    # What to write of an arXiv paper when arXiv cannot be asked (a list's own words and the ID):
    # nothing a list names is lost, and `refresh` fills the note in once arXiv answers.
    fallback: Paper | None = None
    key: str | None = None  # the key it asks for (a citation key), taken when it is free


# What became of a candidate: one of these, in `Added.outcomes`.
ADDED, UPDATED, EXISTS, NOT_FOUND, FAILED = "added", "updated", "exists", "not found", "failed"


@dataclass
class Added:
    """What add_candidates did: each candidate's outcome, in the candidates' order."""

    outcomes: list[str]
    from_the_list: frozenset[int] = frozenset()  # candidates written from their fallback: arXiv was unreachable

    @property
    def failures(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome in (NOT_FOUND, FAILED))


def add_candidates(
    library: Library,
    catalog: Catalog,
    candidates: Sequence[Candidate],
    new_fields: dict[str, Any],
    existing_changes: Callable[[Paper], dict[str, object]] | None,
    progress: Callable[[int, int], None] | None = None,
    *,
    report: Reporter,
) -> Added:
    """Write a note for each new candidate and update the ones already in the library; report each
    outcome as it happens (a note written is reported before Ctrl-C is let through), and return them
    as data (warnings about a service go to the report only)."""
    from papernotes.present.render import render

    wanted_arxiv = [c.arxiv for c in candidates if c.arxiv and c.arxiv not in catalog.by_arxiv]
    fetched = None
    from_the_list: frozenset[int] = frozenset()
    if wanted_arxiv:
        from papernotes.sources.arxiv import ArxivSource, ArxivUnavailable

        try:
            fetched = ArxivSource().fetch(list(dict.fromkeys(wanted_arxiv)), progress)
        except ArxivUnavailable as exc:
            if not any(c.fallback is not None for c in candidates if c.arxiv):
                raise
            report.warning(f"{exc}; the arXiv papers are written from the list's own words (papernotes refresh "
                           "fills them in later)")
            from_the_list = frozenset(i for i, c in enumerate(candidates)
                                      if c.arxiv and c.fallback is not None and c.arxiv not in catalog.by_arxiv)
            candidates = [replace(c, arxiv=None, paper=c.fallback) if i in from_the_list else c
                          for i, c in enumerate(candidates)]
    body = render(library.root, "paper.md.j2")
    code = CodeFinder(library, report)
    outcomes: list[str] = []
    for candidate in candidates:
        outcomes.append(_add_one(library, catalog, candidate, fetched, body, new_fields, existing_changes, code, report))
    code.finish()
    return Added(outcomes, from_the_list)


def _add_one(library: Library, catalog: Catalog, candidate: Candidate, fetched: Any, body: str,
             new_fields: dict[str, Any], existing_changes: Callable[[Paper], dict[str, object]] | None,
             code: CodeFinder, report: Reporter) -> str:
    if candidate.problem:
        report.problem(candidate.problem)
        return FAILED
    if candidate.not_found:
        report.say(f"not found {candidate.label}")
        return NOT_FOUND
    changes = candidate.on_existing or existing_changes
    if candidate.arxiv and candidate.arxiv in catalog.by_arxiv:
        return update_existing(library, catalog.by_arxiv[candidate.arxiv], changes, report)
    paper = candidate.paper
    if candidate.arxiv:
        if fetched is None:
            report.problem(f"{candidate.arxiv}: arXiv was not asked")
            return FAILED
        if candidate.arxiv in fetched.rejected:
            report.problem(f"{candidate.arxiv}: {fetched.rejected[candidate.arxiv]}")
            return FAILED
        paper = fetched.papers.get(candidate.arxiv)
        if paper is None:
            report.say(f"not found {candidate.label}")
            return NOT_FOUND
    assert paper is not None
    missing = {name: value for name, value in candidate.fill if value is not None and getattr(paper, name) is None}
    if paper.code is None and "code" not in dict(candidate.fields) and (found := code.find(paper)):
        missing["code"] = found
    if missing:
        paper = paper.replace(**missing)
    with uninterrupted():  # Ctrl-C: what is printed as added is exactly what is on disk
        written = library.write_new(paper.replace(**{"body": body, **new_fields, **dict(candidate.fields)}), catalog,
                                    preferred_key=candidate.key)
        if written.status != "exists":
            report.say(f"added {library.rel(written.path)}  {written.paper.title}")
    if written.status == "exists":
        return update_existing(library, written.paper.key, changes, report)
    return ADDED


class CodeFinder:
    """A paper's code for a new note or a refresh: a repository its arXiv comment or abstract names, else
    the official one Papers with Code knows, else Hugging Face's link. Each service is asked at most
    until it fails once; its failure is one warning, and the note is written without code. The services
    are asked about MAX_CODE_LOOKUPS papers a run (answers in the cache are free): adding the 500 papers
    of an awesome list does not wait minutes for code links, and each `refresh` asks for the next ones."""

    def __init__(self, library: Library, report: Reporter) -> None:
        self.library = library
        self.report = report
        self._community: Any = None
        self.looked_up = 0
        self.left_out = 0

    def find(self, paper: Paper) -> str | None:
        from papernotes.sources.community import Community, ServiceDown, code_in_text

        if (said := code_in_text(paper.comment, paper.abstract)) is not None:
            return said
        if not paper.arxiv:
            return None
        if self._community is None:
            self._community = Community(self.library.root)
        if not self._community.knows(paper.arxiv):
            if self.looked_up >= MAX_CODE_LOOKUPS:
                self.left_out += 1
                return None
            self.looked_up += 1
        for found in self._community.code(paper.arxiv):
            if isinstance(found, ServiceDown):
                self.report.warning(str(found))
            else:
                return found
        return None


    def finish(self) -> None:
        """Say once what was left for later."""
        if self.left_out:
            self.report.say(f"code links: {self.left_out} more papers not looked up on Papers with Code and Hugging Face "
                            f"this run (at most {MAX_CODE_LOOKUPS}); `papernotes refresh` looks them up")


def update_existing(library: Library, key: str, changes: Callable[[Paper], dict[str, object]] | None,
                    report: Reporter) -> str:
    """Apply additive changes to a note that exists and say what changed; never remove anything."""
    rel = library.rel(library.note_path(key))
    if changes is None:
        report.say(f"exists {rel}")
        return EXISTS
    try:
        updated = library.update(key, changes)
    except PapernotesError as exc:
        report.problem(str(exc))
        return FAILED
    if updated.changed:
        report.say(f"updated {rel} {describe_change(updated.before, updated.after)}")
        return UPDATED
    report.say(f"exists {rel}")
    return EXISTS


def new_note_fields(topic: str | None, tags: Sequence[str], status: str, added: dt.date,
                    priority: int | None = None) -> dict[str, object]:
    """The user's own fields for new notes (from --topic, --tag, --status, --priority), checked like a note's."""
    fields: dict[str, object] = {"key": "-", "title": "-", "status": status, "tags": list(tags)}
    if topic:
        fields["topic"] = topic
    try:
        checked = Paper.from_frontmatter(fields)
    except FieldError as exc:
        raise PapernotesError(f"--{exc.field}: {exc.reason}") from None
    unique_tags = tuple(dict.fromkeys(t.strip() for t in checked.tags if t.strip()))
    fields_: dict[str, object] = {"topic": checked.topic, "tags": unique_tags, "status": checked.status, "added": added}
    if priority is not None:
        fields_["priority"] = priority
    return fields_


def resolve(library: Library, ids: list[ArxivId | OtherId], warn: Callable[[str], None] | None = None) -> list[Candidate]:
    """Candidates in the order given; papers named by DOI or link are looked up on Semantic Scholar
    (one batch request) and taken from arXiv when they are on arXiv. With `warn`, Semantic Scholar
    down (or off) is one warning and costs only those papers (their candidates carry the problem);
    without, it is an error."""
    from papernotes.sources.s2 import S2Unavailable

    others = [i for i in ids if isinstance(i, OtherId)]
    found: dict[str, dict[str, Any] | None] = {}
    down: str | None = None
    if others:
        s2 = semantic_scholar(library)
        try:
            found = dict(zip([o.s2_id for o in others], s2.batch([o.s2_id for o in others]), strict=True))
        except S2Unavailable as exc:
            if warn is None:
                raise
            down = str(exc)
            warn(f"{down}; the {counted(len(others), 'paper')} named by DOI or link {'is' if len(others) == 1 else 'are'} not looked up")
    candidates = []
    for ident in ids:
        if isinstance(ident, ArxivId):
            candidates.append(Candidate(ident.canonical, arxiv=ident.canonical))
            continue
        data = found.get(ident.s2_id)
        if down is not None:
            candidates.append(Candidate(ident.text, problem=f"{ident.text}: not looked up (Semantic Scholar is unavailable)"))
        elif data is None:
            candidates.append(Candidate(ident.text, problem=f"not found on Semantic Scholar: {ident.text}"))
        elif arxiv_id := arxiv_of(data):
            candidates.append(Candidate(ident.text, arxiv=arxiv_id, fill=published_as(data)))
        elif (paper := paper_from_s2(data)) is not None:
            candidates.append(Candidate(ident.text, paper=paper))
        else:
            candidates.append(Candidate(ident.text, problem=f"Semantic Scholar has no title for {ident.text}; add it with --title"))
    return candidates
