"""Follow a paper's references (or the papers citing it) on Semantic Scholar, and add the ones that matter.

    papernotes refs devlin2018bert                  # numbered: influential first, then by citations
    papernotes refs devlin2018bert --context        # with the sentences in which the paper cites each
    papernotes refs devlin2018bert --add 1,4,7-9    # add those, with found_via: [devlin2018bert]
    papernotes refs devlin2018bert --add-influential
    papernotes refs 1810.04805 --cited-by --limit 20
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from papernotes.commands import common
from papernotes.commands.common import selection
from papernotes.errors import PapernotesError
from papernotes.model.ids import ArxivId, InvalidPaperId, parse_paper_id
from papernotes.model.paper import Paper
from papernotes.model.statuses import STATUS_WORDS, TO_READ
from papernotes.model.text import short_authors
from papernotes.sources.s2 import arxiv_of, authors_of, doi_of, paper_from_s2, text_of

if TYPE_CHECKING:
    from papernotes.store.library import Catalog, Library


@dataclass(frozen=True)
class Reference:
    number: int
    data: dict[str, Any]  # Semantic Scholar's record of the cited (or citing) paper
    influential: bool
    contexts: tuple[str, ...]
    library_key: str | None

    @property
    def resolved(self) -> bool:
        return bool(self.data.get("paperId"))

    @property
    def title(self) -> str:
        return text_of(self.data.get("title")) or "(untitled)"

    @property
    def citations(self) -> int:
        count = self.data.get("citationCount")
        return count if isinstance(count, int) and not isinstance(count, bool) else 0


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("paper", metavar="KEY|ID", help="a note (key, arXiv ID, key prefix), or any arXiv ID, DOI or paper link")
    ap.add_argument("--cited-by", action="store_true", help="the papers citing it instead of its references")
    ap.add_argument("--limit", type=common.whole_number(1, 100_000), metavar="N", help="at most N references (default: all)")
    ap.add_argument("--context", action="store_true", help="print the sentences in which the paper cites each reference")
    ap.add_argument("--format", choices=("table", "json", "tsv"), default="table")
    ap.add_argument("--refresh", action="store_true", help="ask Semantic Scholar again instead of using .cache/")
    adding = ap.add_mutually_exclusive_group()
    adding.add_argument("--add", type=selection, metavar="1,4,7-9", help="add the references with these numbers")
    adding.add_argument("--add-influential", action="store_true", help="add every reference marked influential")
    adding.add_argument("--add-all", action="store_true", help="add every reference")
    ap.add_argument("--topic", help="topic for the papers added (default: the paper's own topic)")
    common.priority_option(ap)
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.adding import semantic_scholar

    library = common.open_library(args)
    papers, problems = library.load()
    for problem in problems:
        common.warn(f"{problem} (not checked for duplicates)")
    by_key = {p.key: p for p in papers}
    parent, s2_id, label = target(library, args.paper, by_key)
    s2 = semantic_scholar(library, refresh=args.refresh)
    if s2_id is None:
        assert parent is not None
        match = s2.match(parent.title)
        if match is None:
            raise PapernotesError(f"not found on Semantic Scholar: {parent.title!r} ({label}); it has no arXiv ID or DOI to look up")
        s2_id = str(match["paperId"])
    rows = s2.references(s2_id, cited_by=args.cited_by, limit=args.limit, label=label)
    catalog = library.catalog(papers, problems)
    refs = ranked(rows, catalog)
    kind = "citing papers" if args.cited_by else "references"
    if not (args.add or args.add_influential or args.add_all):
        show(refs, by_key, args)
        if args.format == "table":
            unresolved = sum(not r.resolved for r in refs)
            extra = f", {unresolved} not resolved by Semantic Scholar" if unresolved else ""
            print(f"{label}: {len(refs)} {kind}{extra}", file=sys.stderr)
        return 0
    if args.add:
        wrong = [n for n in args.add if not 1 <= n <= len(refs)]
        if wrong:
            raise PapernotesError(f"--add {','.join(map(str, wrong))}: the list has {len(refs)} {kind} (1 to {len(refs)})")
        chosen = [refs[n - 1] for n in args.add]
    else:
        chosen = [r for r in refs if r.influential or args.add_all]
        if not chosen:
            print(f"{label}: no {kind} marked influential; nothing added", file=sys.stderr)
            return 0
    return 1 if add_references(library, catalog, chosen, parent, args, s2) else 0


def target(library: Library, ref: str, by_key: dict[str, Paper]) -> tuple[Paper | None, str | None, str]:
    """The paper whose references are wanted: a note (and its Semantic Scholar ID, if it has an
    arXiv ID or DOI), or any paper named by ID or link; with a label for messages."""
    from papernotes.store.library import UnknownPaper

    try:
        key = library.key_of(ref)
    except UnknownPaper as unknown:
        try:
            ident = parse_paper_id(ref)
        except InvalidPaperId:
            raise unknown from None
        if isinstance(ident, ArxivId):
            return None, f"arXiv:{ident.canonical}", f"arXiv:{ident.canonical}"
        return None, ident.s2_id, ident.text
    paper = by_key.get(key) or library.get(key)
    if paper.arxiv:
        return paper, f"arXiv:{paper.arxiv}", paper.key
    if paper.doi:
        return paper, f"DOI:{paper.doi}", paper.key
    return paper, None, paper.key


def ranked(rows: list[dict[str, Any]], catalog: Catalog) -> list[Reference]:
    """Influential first, then the most cited, then by title; numbered in that order."""
    def in_library(data: dict[str, Any]) -> str | None:
        if not data.get("title"):
            return None
        year = data.get("year") if isinstance(data.get("year"), int) else None
        probe = Paper(key="", title=str(data["title"]), year=year, arxiv=arxiv_of(data), doi=doi_of(data))
        return catalog.existing_key(probe)

    refs = [Reference(0, row, bool(row.get("isInfluential")),
                      tuple(" ".join(str(c).split()) for c in row.get("contexts") or [] if c), in_library(row))
            for row in rows]
    refs.sort(key=lambda r: (not r.influential, -r.citations, r.title.casefold()))
    return [Reference(i, r.data, r.influential, r.contexts, r.library_key) for i, r in enumerate(refs, 1)]


def show(refs: list[Reference], by_key: dict[str, Paper], args: argparse.Namespace) -> None:
    def status(ref: Reference) -> str:
        paper = by_key.get(ref.library_key or "")
        return paper.status if paper else ""

    if args.format == "json":
        out = [{"number": r.number, "influential": r.influential, "library_key": r.library_key,
                "status": status(r) or None, "title": r.title, "authors": list(authors_of(r.data)),
                "year": r.data.get("year"), "venue": r.data.get("venue") or None, "citations": r.citations,
                "arxiv": arxiv_of(r.data), "doi": doi_of(r.data), "paper_id": r.data.get("paperId"),
                "contexts": list(r.contexts)} for r in refs]
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return
    if args.format == "tsv":
        print("number\tinfluential\tlibrary_key\tstatus\tyear\tcitations\tarxiv\tdoi\ttitle")
        for r in refs:
            print("\t".join(str(v) for v in (r.number, "yes" if r.influential else "", r.library_key or "", status(r),
                                             r.data.get("year") or "", r.citations, arxiv_of(r.data) or "",
                                             doi_of(r.data) or "", r.title)))
        return
    width = len(str(len(refs)))
    for r in refs:
        authors = authors_of(r.data)
        who = short_authors(authors)
        parts = [f"{who}, {r.data.get('year') or 'n.d.'}"]
        if r.data.get("venue"):
            parts.append(" ".join(str(r.data["venue"]).split()))
        if r.resolved:
            parts.append(f"{r.citations:,} citations")
        arxiv_id, doi = arxiv_of(r.data), doi_of(r.data)
        if arxiv_id or doi:
            parts.append(f"arXiv:{arxiv_id}" if arxiv_id else f"DOI:{doi}")
        mark = f"[{STATUS_WORDS[status(r)]}] " if status(r) else "[unresolved] " if not r.resolved else ""
        print(f"{r.number:>{width}}. {'★' if r.influential else ' '} {mark}{r.title} — {' · '.join(parts)}")
        if args.context:
            for context in r.contexts:
                print(f"{' ' * (width + 5)}“{context}”")


def add_references(library: Library, catalog: Catalog, chosen: list[Reference], parent: Paper | None,
                   args: argparse.Namespace, s2: Any) -> int:
    """Add the chosen references: arXiv papers from arXiv (one request), the others from Semantic
    Scholar (one batch request), unresolved ones from the title and what little else is known."""
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields

    others = [r for r in chosen if r.resolved and not arxiv_of(r.data) and r.library_key is None]
    full = dict(zip((str(r.data["paperId"]) for r in others),
                    s2.batch([str(r.data["paperId"]) for r in others]) if others else [], strict=True))
    candidates = []
    for ref in chosen:
        arxiv_id = arxiv_of(ref.data)
        if arxiv_id:
            candidates.append(Candidate(ref.title, arxiv=arxiv_id))
        elif ref.library_key is not None:
            candidates.append(Candidate(ref.title, paper=Paper(key="", title=ref.title, year=ref.data.get("year"),
                                                               doi=doi_of(ref.data))))
        else:
            data = full.get(str(ref.data.get("paperId"))) or ref.data
            found = paper_from_s2(data)
            candidates.append(Candidate(ref.title, paper=found) if found is not None
                              else Candidate(ref.title, problem=f"Semantic Scholar has no title for reference '{ref.title}'"))
    topic = args.topic or (parent.topic if parent else None)
    mine = new_note_fields(topic, [], TO_READ, args.today, args.priority)
    if parent is not None:
        mine["found_via"] = (parent.key,)

    def found_via(paper: Paper) -> dict[str, object]:
        if parent is None or parent.key in paper.found_via or parent.key == paper.key:
            return {}
        return {"found_via": [*paper.found_via, parent.key]}

    return add_candidates(library, catalog, candidates, mine, found_via, report=common.REPORT).failures
