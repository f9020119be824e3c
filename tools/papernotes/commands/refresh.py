"""Refresh the bibliographic fields arXiv (and Semantic Scholar) know better now: new versions, dates,
journal references, DOIs. Only fields the tools own change; yours never do, except an empty `code:`,
which is filled from the paper's own words, Papers with Code or Hugging Face.

    papernotes refresh                     # every note with an arXiv ID or a DOI
    papernotes refresh devlin2018bert --dry-run
"""

from __future__ import annotations

import argparse
from functools import partial
from typing import TYPE_CHECKING, Any

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.model.paper import FIELD_BY_NAME, Paper, describe_change
from papernotes.runtime import uninterrupted

if TYPE_CHECKING:
    from papernotes.store.library import Library


# What a source may bring up to date, field by field; the rest of a note stays as the user has it.
FROM_ARXIV = ("version", "updated", "venue", "doi")
FROM_S2 = ("venue", "year")


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("papers", nargs="*", metavar="KEY", help="notes to refresh (default: all with an arXiv ID or DOI)")
    ap.add_argument("--dry-run", action="store_true", help="print what would change; write nothing")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.adding import CodeFinder
    from papernotes.store.library import LibraryProblems

    library = common.open_library(args)
    papers, problems = library.load()
    if args.papers:
        by_key = {p.key: p for p in papers}
        chosen = [by_key.get(key) or library.get(key) for key in map(library.key_of, args.papers)]
    else:
        if problems:
            raise LibraryProblems(problems)
        chosen = [p for p in papers if p.arxiv or p.doi]
    latest = fresh_metadata(library, chosen)
    code = CodeFinder(library, common.REPORT)
    failures = 0
    for paper in chosen:
        news = latest.get(paper.key)
        if news is None:
            continue
        sources = FROM_ARXIV if paper.arxiv else FROM_S2
        if paper.code is None and (found := code.find(news.replace(arxiv=paper.arxiv))):
            news = news.replace(code=found)
        changes = newer_fields(paper, news, sources)
        if not changes:
            continue
        rel = library.rel(library.note_path(paper.key))
        if args.dry_run:
            print(f"would update {rel} {describe_change(paper, paper.replace(**changes))}")
            continue
        with uninterrupted():
            try:
                updated = library.update(paper.key, partial(newer_fields, news=news, fields=sources))
            except PapernotesError as exc:
                common.error(str(exc))
                failures += 1
                continue
            if updated.changed:
                print(f"updated {rel} {describe_change(updated.before, updated.after)}")
    code.finish()
    return 1 if failures else 0


KEPT_WHEN_SET = ("year", "venue", "doi")


def newer_fields(paper: Paper, news: Paper, fields: tuple[str, ...]) -> dict[str, Any]:
    """The tool-owned fields the source knows and the note has otherwise (never a user's field)."""
    changes: dict[str, Any] = {}
    if paper.code is None and news.code is not None:
        changes["code"] = news.code  # the one user field a refresh fills, and only when it is empty
    for name in fields:
        assert FIELD_BY_NAME[name].owner == "tool"
        value = getattr(news, name)
        if value is not None and value != getattr(paper, name):
            if name in KEPT_WHEN_SET and getattr(paper, name) is not None:
                # A year or venue the note has may be the user's own correction: a source fills
                # these only when the note has none (a venue changed by hand is never undone).
                continue
            changes[name] = value
    return changes


def fresh_metadata(library: Library, papers: list[Paper]) -> dict[str, Paper]:
    """The sources' current record of each paper: arXiv (one batched request) or Semantic Scholar (one batch)."""
    from papernotes.services.adding import semantic_scholar

    latest: dict[str, Paper] = {}
    on_arxiv = [p for p in papers if p.arxiv]
    if on_arxiv:
        from papernotes.sources.arxiv import ArxivSource

        fetched = ArxivSource().fetch([p.arxiv for p in on_arxiv if p.arxiv])
        for paper in on_arxiv:
            if paper.arxiv in fetched.papers:
                latest[paper.key] = fetched.papers[paper.arxiv]
        # A preprint published since: arXiv's record often never learns its venue or DOI; Semantic
        # Scholar usually does. Asked only for what neither the note nor arXiv has.
        unpublished = [p for p in on_arxiv if p.key in latest and not ((p.doi or latest[p.key].doi) and (p.venue or latest[p.key].venue))]
        if unpublished:
            from papernotes.sources.s2 import published_as

            try:
                found = semantic_scholar(library).batch([f"arXiv:{p.arxiv}" for p in unpublished])
            except PapernotesError as exc:
                common.warn(f"venues and DOIs from Semantic Scholar skipped: {exc}")
                found = [None] * len(unpublished)
            for paper, data in zip(unpublished, found, strict=True):
                if data is not None:
                    news = latest[paper.key]
                    known = {name: value for name, value in published_as(data) if value and getattr(news, name) is None}
                    latest[paper.key] = news.replace(**known) if known else news
    by_doi = [p for p in papers if not p.arxiv and p.doi]
    if by_doi:
        from papernotes.sources.s2 import paper_from_s2

        found = semantic_scholar(library).batch([f"DOI:{p.doi}" for p in by_doi])
        for paper, data in zip(by_doi, found, strict=True):
            record = paper_from_s2(data) if data is not None else None
            if record is not None:
                latest[paper.key] = record
    return latest
