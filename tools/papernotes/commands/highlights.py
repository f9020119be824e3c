"""Bring in what you marked while reading (highlights, underlines, sticky notes and their comments)
into each paper's note, again and again, without touching your own words.

    papernotes highlights attention --pdf ~/Downloads/1706.03762.pdf   # a PDF's own annotations
    papernotes highlights                    # from Zotero and Hypothesis, for every note
    papernotes highlights bert adam          # ... for these notes
    papernotes highlights --dry-run          # say what would change; write nothing
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import read_named_file
from papernotes.model.highlights import SOURCES, Highlight
from papernotes.model.paper import Paper
from papernotes.model.text import counted
from papernotes.runtime import uninterrupted
from papernotes.sources.service import ServiceDown

if TYPE_CHECKING:
    from papernotes.services.highlights import Merged
    from papernotes.store.library import Library


EACH_UP_TO = 20  # named notes asked for one by one; more, and the whole library is read at once
SERVICES = ("zotero", "hypothesis")


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("papers", nargs="*", metavar="KEY", help="notes to bring highlights into (default: every note)")
    ap.add_argument("--pdf", type=Path, metavar="FILE", help="read this PDF's annotations into the one note named")
    ap.add_argument("--source", action="append", choices=SERVICES,
                    help="ask only this service (repeatable; default: Zotero, and Hypothesis when hypothesis_user is set)")
    ap.add_argument("--dry-run", action="store_true", help="say what would change; write nothing")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.highlights import from_hypothesis, from_zotero, from_zotero_for

    library = common.open_library(args)
    keys = [library.key_of(ref) for ref in args.papers]
    papers = library.load_strict()
    by_key = {p.key: p for p in papers}
    chosen = [by_key[k] for k in dict.fromkeys(keys)] if keys else papers
    if args.pdf is not None:
        if len(chosen) != 1 or not keys:
            raise PapernotesError("--pdf reads one paper's PDF: name its note, like `papernotes highlights bert --pdf bert.pdf`")
        return _from_pdf(library, chosen[0], args.pdf, args.dry_run)
    wanted = args.source or list(SERVICES)
    found: list[tuple[Paper, str, list[Highlight]]] = []
    failures = 0
    asked = 0
    if "zotero" in wanted:
        from papernotes.sources.zotero import Zotero

        zotero = Zotero()
        if not zotero.off:
            asked += 1
            if keys and len(chosen) <= EACH_UP_TO:
                for paper in chosen:
                    result = from_zotero_for(zotero, paper)
                    if isinstance(result, ServiceDown):
                        common.warn(str(result))
                        break
                    found.append((paper, "zotero", result))
            else:
                everything = from_zotero(zotero, papers)
                if isinstance(everything, ServiceDown):
                    common.warn(str(everything))
                else:
                    found += [(paper, "zotero", everything.get(paper.key, [])) for paper in chosen]
    if "hypothesis" in wanted:
        from papernotes.sources.hypothesis import Hypothesis

        user = library.config.hypothesis_user
        hypothesis = Hypothesis()
        if user is None and args.source and "hypothesis" in args.source:
            raise PapernotesError("Hypothesis: set hypothesis_user = \"NAME\" under [tool.papernotes] in pyproject.toml "
                                  "(only that reader's annotations are brought in)")
        if user is not None and not hypothesis.off:
            asked += 1
            each = bool(keys) and len(chosen) <= EACH_UP_TO
            by_note = from_hypothesis(hypothesis, chosen if each else papers, user, each)
            if isinstance(by_note, ServiceDown):
                common.warn(str(by_note))
            else:
                found += [(paper, "hypothesis", by_note.get(paper.key, [])) for paper in chosen]
    if not asked:
        raise PapernotesError("no source of highlights to ask: Zotero is off (ZOTERO_API_URL=off) and Hypothesis needs "
                              "hypothesis_user in pyproject.toml; or read a PDF with --pdf")
    changed = 0
    for paper, source, highlights in found:
        outcome = _bring(library, paper, source, highlights, args.dry_run)
        failures += outcome is None
        changed += bool(outcome and outcome.text is not None)
    total = sum(len(h) for _, _, h in found)
    verb = "would change" if args.dry_run else "changed"
    print(f"{counted(total, 'highlight')} found for {counted(len({p.key for p, _, h in found if h}), 'note')}; "
          f"{counted(changed, 'note')} {verb}")
    return 1 if failures else 0


def _from_pdf(library: Library, paper: Paper, pdf: Path, dry_run: bool) -> int:
    from papernotes.services.highlights import from_pdf, pdf_page_link
    from papernotes.sources.pdf import MAX_PDF_BYTES, read_marks

    marks = read_marks(read_named_file(pdf, MAX_PDF_BYTES), str(pdf))
    highlights = from_pdf(marks, pdf_page_link(paper, pdf, library.note_path(paper.key)))
    for kind, count in sorted(marks.left_out.items()):
        common.warn(f"{pdf}: {counted(count, f'{kind} annotation')} left out (drawings and shapes are not words)")
    outcome = _bring(library, paper, "pdf", highlights, dry_run)
    if outcome is None:
        return 1
    if not highlights:
        print(f"{pdf}: no highlights or notes in its {counted(marks.pages, 'page')}")
    return 0


def _bring(library: Library, paper: Paper, source: str, highlights: Sequence[Highlight], dry_run: bool) -> Merged | None:
    from papernotes.services.highlights import PartProblem, bring_in

    rel = library.rel(library.note_path(paper.key))
    with uninterrupted():  # Ctrl-C: a note changed is also reported
        try:
            merged = bring_in(library, paper, source, highlights, dry_run)
        except PartProblem as exc:
            common.error(str(exc))
            return None
        except PapernotesError as exc:
            common.error(str(exc))
            return None
        said = _what_changed(merged, SOURCES[source])
        if said:
            print(f"{'would change' if dry_run else 'updated'} {rel}: {said}" if merged.text is not None else f"{rel}: {said}")
    return merged


def _what_changed(merged: Merged, name: str) -> str:
    parts = []
    if merged.added:
        parts.append(f"{counted(merged.added, 'new highlight')} from {name}")
    if merged.updated:
        parts.append(f"{counted(merged.updated, 'highlight')} changed in {name}")
    if merged.gone_at_source:
        parts.append(f"{counted(merged.gone_at_source, 'highlight')} no longer in {name}, kept")
    if merged.kept_edited and (merged.added or merged.updated):
        parts.append(f"{counted(merged.kept_edited, 'highlight')} you edited left as you wrote {'it' if merged.kept_edited == 1 else 'them'}")
    return "; ".join(parts)
