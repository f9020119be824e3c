"""Adding papers that come from anywhere (arXiv IDs, Semantic Scholar records, a reference list):
one path that fetches arXiv papers in one batched request, writes new notes, and applies
additive changes to papers the library already has. `add` and `refs` both go through it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.model.paper import Paper, describe_change
from papernotes.store.library import Catalog, Library


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


def add_candidates(
    library: Library,
    catalog: Catalog,
    candidates: Sequence[Candidate],
    new_fields: dict[str, Any],
    existing_changes: Callable[[Paper], dict[str, object]] | None,
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """Write a note for each new candidate and update the ones already in the library; return failures."""
    from papernotes.cli import error, uninterrupted
    from papernotes.present.render import render

    wanted_arxiv = [c.arxiv for c in candidates if c.arxiv and c.arxiv not in catalog.by_arxiv]
    fetched = None
    if wanted_arxiv:
        from papernotes.sources.arxiv import ArxivSource

        fetched = ArxivSource().fetch(list(dict.fromkeys(wanted_arxiv)), progress)
    body = render(library.root, "paper.md.j2")
    failures = 0
    for candidate in candidates:
        if candidate.problem:
            error(candidate.problem)
            failures += 1
            continue
        if candidate.not_found:
            print(f"not found {candidate.label}")
            failures += 1
            continue
        if candidate.arxiv and candidate.arxiv in catalog.by_arxiv:
            failures += not update_existing(library, catalog.by_arxiv[candidate.arxiv], existing_changes)
            continue
        paper = candidate.paper
        if candidate.arxiv:
            assert fetched is not None
            if candidate.arxiv in fetched.rejected:
                error(f"{candidate.arxiv}: {fetched.rejected[candidate.arxiv]}")
                failures += 1
                continue
            paper = fetched.papers.get(candidate.arxiv)
            if paper is None:
                print(f"not found {candidate.label}")
                failures += 1
                continue
        assert paper is not None
        missing = {name: value for name, value in candidate.fill if value is not None and getattr(paper, name) is None}
        if missing:
            paper = paper.replace(**missing)
        with uninterrupted():  # Ctrl-C: what is printed as added is exactly what is on disk
            written = library.write_new(paper.replace(**{"body": body, **new_fields, **dict(candidate.fields)}), catalog)
            if written.status != "exists":
                print(f"added {library.rel(written.path)}  {written.paper.title}")
        if written.status == "exists":
            failures += not update_existing(library, written.paper.key, existing_changes)
    return failures


def update_existing(library: Library, key: str, changes: Callable[[Paper], dict[str, object]] | None) -> bool:
    """Apply additive changes to a note that exists and say what changed; never remove anything."""
    from papernotes.cli import error

    path = library.note_path(key)
    rel = library.rel(path)
    if changes is None:
        print(f"exists {rel}")
        return True
    try:
        updated = library.update(path, changes)
    except PapernotesError as exc:
        error(str(exc))
        return False
    print(f"updated {rel} {describe_change(updated.before, updated.after)}" if updated.changed else f"exists {rel}")
    return True
