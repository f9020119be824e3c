"""Highlights into notes, again and again, without touching the reader's words.

Each source has a part of the note, fenced by HTML comments and owned by the tool: everything
outside it is the reader's and stays byte for byte. Inside, each highlight is a block under an
anchor that carries a digest of the block as last written, and the part's opening line carries the
anchors written so far and a digest of its heading. Importing again:

- a block whose text still matches its digest is the tool's: rewritten from the source when the
  source changed it (a comment edited in Zotero), left alone otherwise;
- a block the reader edited (added words, a changed line) stays as they left it;
- a highlight new at the source is inserted in the source's reading order, after the block of the
  highlight before it;
- a highlight deleted at the source stays in the note (the reader may have built on it: said once);
- a highlight the reader deleted from the note does not come back (its anchor is among those written).

Nothing changed: the part comes out byte for byte the same, and the note is not written.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from papernotes.errors import PapernotesError
from papernotes.model.highlights import MAX_HIGHLIGHTS, SOURCES, Highlight, anchor_of, tidy
from papernotes.model.ids import find_references
from papernotes.model.paper import Paper
from papernotes.present.highlights import ANY_MARKER as _ANY_MARKER
from papernotes.present.highlights import BLOCK as _BLOCK
from papernotes.present.highlights import END as _END
from papernotes.present.highlights import START as _START
from papernotes.present.highlights import block, block_start, heading, part_end, part_start
from papernotes.sources.hypothesis import Hypothesis, HypothesisAnnotation
from papernotes.sources.pdf import PdfMarks
from papernotes.sources.service import ServiceDown, not_running
from papernotes.sources.zotero import Zotero, ZoteroAnnotation, ZoteroItem
from papernotes.store.library import Catalog, Library

MAX_WRITTEN = 4 * MAX_HIGHLIGHTS  # anchors remembered in a part: the oldest go first beyond this


class PartProblem(PapernotesError):
    """A part whose fences were damaged (a marker deleted or repeated): the note is left alone."""


@dataclass
class Merged:
    text: str | None  # the new body, or None when nothing changes
    added: int = 0
    updated: int = 0
    kept_edited: int = 0  # blocks the reader edited, kept as they are
    gone_at_source: int = 0  # blocks whose highlight the source no longer has, kept
    total: int = 0
    new_anchors: list[str] = field(default_factory=list)


def digest(lines: Sequence[str]) -> str:
    """What a block (or a heading) says, as a digest that survives an editor's line endings and
    trailing spaces: a block whose digest matches is the tool's to rewrite."""
    text = "\n".join(line.rstrip() for line in lines).strip("\n")
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class _Block:
    anchor: str
    stored: str  # the digest its anchor line carries
    lines: list[str]  # its text after the anchor line

    @property
    def untouched(self) -> bool:
        return digest(self.lines) == self.stored


def merge(body: str, source: str, highlights: Sequence[Highlight], rel: str) -> Merged:
    """The note's body with `source`'s part brought up to date with `highlights` (in reading order)."""
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.split("\n")
    crlf = [line.endswith("\r") for line in lines]
    lines = [line[:-1] if cr else line for line, cr in zip(lines, crlf, strict=True)]
    starts = [i for i, line in enumerate(lines) if (m := _START.fullmatch(line.strip())) and m.group(1) == source]
    ends = [i for i, line in enumerate(lines) if (m := _END.fullmatch(line.strip())) and m.group(1) == source]
    name = SOURCES[source]
    if len(starts) > 1 or len(ends) > 1 or len(starts) != len(ends) or (starts and ends[0] < starts[0]):
        raise PartProblem(f"{rel}: the part of highlights from {name} has lost a fence (a '<!-- papernotes:highlights' "
                          "line was deleted, repeated or moved); put it back, or delete the whole part to import it anew")
    by_anchor = {h.anchor: h for h in highlights}
    if not starts:
        if not highlights:
            return Merged(None)
        part = _render(source, [], _Block("", "", heading(source)), [_Block(h.anchor, "", block(h)) for h in highlights])
        ending = "" if not body or body.endswith("\n\n") else "\n" if body.endswith("\n") else "\n\n"
        text = body + ending + newline.join(part) + newline
        return Merged(text, added=len(highlights), total=len(highlights), new_anchors=list(by_anchor))
    start, end = starts[0], ends[0]
    found = _START.fullmatch(lines[start].strip())
    assert found is not None
    written = [a for a in found.group(2).split(",") if a]
    inside = lines[start + 1 : end]
    first = next((i for i, line in enumerate(inside) if _BLOCK.fullmatch(line.strip())), len(inside))
    preamble = _Block("", found.group(3), inside[:first])
    if preamble.untouched:
        preamble = _Block("", "", heading(source))
    blocks: list[_Block] = []
    for line in inside[first:]:
        if (m := _BLOCK.fullmatch(line.strip())) is not None:
            blocks.append(_Block(m.group(1), m.group(2), []))
        else:
            blocks[-1].lines.append(line)
    merged = Merged(None, total=len(highlights))
    on_disk = {b.anchor for b in blocks}
    remembered = set(written) | on_disk
    gone_line = f"*No longer in {name}: kept here.*"
    for existing in blocks:
        fresh = by_anchor.get(existing.anchor)
        if fresh is None:
            # Said once: the tool's own block says so from now on (a block the reader edited is theirs).
            if existing.untouched and gone_line not in existing.lines:
                kept = list(existing.lines)
                while kept and not kept[-1].strip():
                    kept.pop()
                existing.lines, existing.stored = [*kept, "", gone_line, ""], ""
                merged.gone_at_source += 1
        elif not existing.untouched:
            merged.kept_edited += 1
        else:
            lines_now = block(fresh)
            if digest(lines_now) != existing.stored:
                existing.lines, existing.stored = lines_now, ""
                merged.updated += 1
    # New highlights go after the block of the nearest highlight before them in reading order.
    position = {b.anchor: i for i, b in enumerate(blocks)}
    after: int | None = None
    inserted: list[tuple[int, int, _Block]] = []
    for order, highlight in enumerate(highlights):
        if highlight.anchor in position:
            after = position[highlight.anchor]
        elif highlight.anchor not in remembered:
            inserted.append((-1 if after is None else after, order, _Block(highlight.anchor, "", block(highlight))))
            merged.new_anchors.append(highlight.anchor)
    for place, _, new in sorted(inserted, key=lambda item: (item[0], item[1]), reverse=True):
        blocks.insert(place + 1, new)
    merged.added = len(inserted)
    written = [a for a in dict.fromkeys([*written, *(b.anchor for b in blocks)])][-MAX_WRITTEN:]
    part = _render(source, written, preamble, blocks)
    old = lines[start : end + 1]
    if part == [line.strip() if _ANY_MARKER.match(line.strip()) else line for line in old]:
        return merged
    ending_cr = [crlf[start + i] if i < len(old) else newline == "\r\n" for i in range(len(part))]
    rebuilt = [line + ("\r" if cr else "") for line, cr in zip(part, ending_cr, strict=True)]
    before = [line + ("\r" if cr else "") for line, cr in zip(lines[:start], crlf[:start], strict=True)]
    rest = [line + ("\r" if cr else "") for line, cr in zip(lines[end + 1 :], crlf[end + 1 :], strict=True)]
    merged.text = "\n".join([*before, *rebuilt, *rest])
    return merged


def _render(source: str, written: list[str], preamble: _Block, blocks: list[_Block]) -> list[str]:
    """The part's lines. A block the tool wrote carries the digest of its text; one the reader edited
    keeps the digest of what the tool last wrote, so that it stays theirs at every later import."""
    anchors = list(dict.fromkeys([*written, *(b.anchor for b in blocks)]))
    lines = [part_start(source, anchors, _kept_digest(preamble)), *preamble.lines]
    for each in blocks:
        lines += [block_start(each.anchor, _kept_digest(each)), *each.lines]
    return [*lines, part_end(source)]


def _kept_digest(each: _Block) -> str:
    return each.stored if each.stored and not each.untouched else digest(each.lines)


def anchors_in(body: str, source: str) -> set[str]:
    """The anchors a note's part for `source` holds (for `status` to tell whether there is news)."""
    return {m.group(1) for line in body.split("\n") if (m := _BLOCK.fullmatch(line.strip()))} \
        if any((m := _START.fullmatch(line.strip())) and m.group(1) == source for line in body.split("\n")) else set()


# -- from each source to highlights ------------------------------------------------------------------------


def from_pdf(marks: PdfMarks, page_link: Callable[[int], str | None]) -> list[Highlight]:
    """A PDF's marks (already in reading order); anchored by the annotation's /NM, else its words and place."""
    highlights: dict[str, Highlight] = {}
    for mark in marks.marks:
        anchor = anchor_of("pdf", mark.ident) if mark.ident else anchor_of(mark.page, mark.kind, mark.text, mark.box)
        if anchor not in highlights:
            highlights[anchor] = Highlight(anchor, mark.kind, mark.text, mark.comment, mark.color, mark.label,
                                           page_link(mark.page), mark.author)
    return list(highlights.values())


def pdf_page_link(paper: Paper, pdf: Path | None, note: Path) -> Callable[[int], str | None]:
    """Where a page of the paper opens: its arXiv PDF (the version the note names) or the PDF file
    itself when it lies beside the notes; a file elsewhere on this computer is not linked (a note is
    published, and its address would tell where the reader keeps their files)."""
    if paper.arxiv:
        version = f"v{paper.version}" if paper.version else ""
        return lambda page: f"https://arxiv.org/pdf/{paper.arxiv}{version}#page={page + 1}"
    if pdf is not None and pdf.resolve().is_relative_to(note.parent.resolve().parent):
        relative = Path(os.path.relpath(pdf.resolve(), note.parent.resolve())).as_posix()
        return lambda page: f"{relative}#page={page + 1}"
    return lambda page: None


def from_zotero(zotero: Zotero, papers: Sequence[Paper]) -> dict[str, list[Highlight]] | ServiceDown:
    """Zotero's annotations for these papers, by note key: each annotation's PDF, the PDF's item,
    and the item matched to a note by arXiv ID, DOI, or title and year (the rule `add` uses)."""
    annotations = zotero.annotations()
    if isinstance(annotations, ServiceDown):
        return annotations
    attachments = zotero.items([a.attachment for a in annotations])
    if isinstance(attachments, ServiceDown):
        return attachments
    parents = zotero.items([item.parent for item in attachments.values() if item.parent])
    if isinstance(parents, ServiceDown):
        return parents
    catalog = Catalog()
    for paper in papers:
        catalog.add(paper)
    note_of: dict[str, str] = {}  # Zotero item key -> note key
    for item in parents.values():
        found = catalog.existing_key(_paper_of(item))
        if found is not None:
            note_of[item.key] = found
    by_note: dict[str, list[ZoteroAnnotation]] = {}
    for annotation in annotations:
        attachment = attachments.get(annotation.attachment)
        key = note_of.get(attachment.parent or "") if attachment is not None else None
        if key is not None:
            by_note.setdefault(key, []).append(annotation)
    return {key: _from_annotations(zotero, found) for key, found in by_note.items()}


def from_zotero_for(zotero: Zotero, paper: Paper) -> list[Highlight] | ServiceDown:
    """Zotero's annotations for one paper: its item found by a search (its arXiv ID or DOI, else its
    title), matched by the rule `add` uses, then the annotations on that item's PDFs."""
    catalog = Catalog()
    catalog.add(paper)
    words, everywhere = (paper.arxiv, True) if paper.arxiv else (paper.doi, True) if paper.doi else (paper.title, False)
    found = zotero.search(words or paper.title, everywhere)
    if isinstance(found, ServiceDown):
        return found
    if not found and everywhere:  # an item that names neither in a field Zotero searches: by its title
        found = zotero.search(paper.title, False)
        if isinstance(found, ServiceDown):
            return found
    items = [item for item in found if catalog.existing_key(_paper_of(item)) == paper.key]
    annotations = []
    for item in items[:5]:
        more = zotero.annotations_of(item.key)
        if isinstance(more, ServiceDown):
            return more
        annotations += more
    return _from_annotations(zotero, annotations)


def _from_annotations(zotero: Zotero, annotations: Sequence[ZoteroAnnotation]) -> list[Highlight]:
    """Highlights in Zotero's reading order (its sort index: page, place on the page); drawings left out."""
    ordered = sorted((a for a in annotations if a.kind != "ink"), key=lambda a: a.sort_index)
    return [Highlight(a.key, a.kind, a.text, a.comment, a.color, a.page_label, zotero.link(a), a.author, a.tags)
            for a in ordered][:MAX_HIGHLIGHTS]


def _paper_of(item: ZoteroItem) -> Paper:
    """What a Zotero item says of its paper, to find its note."""
    data = item.data
    text = " ".join(str(data.get(name, ""))[:2000] for name in ("archiveID", "url", "extra", "DOI"))
    arxiv = next((f.arxiv_id.canonical for f in find_references(text) if f.arxiv_id is not None), None)
    doi = data.get("DOI") if isinstance(data.get("DOI"), str) and data["DOI"].startswith("10.") else None
    year_match = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", str(data.get("date", ""))[:100])
    title = tidy(data.get("title"), 2000) or "untitled"
    return Paper(key="zotero-item", title=title, year=int(year_match.group(1)) if year_match else None,
                 arxiv=arxiv, doi=doi.strip()[:300] if doi else None)


def paper_addresses(paper: Paper) -> list[str]:
    """The addresses a reader may have annotated the paper at: its arXiv abstract and PDF pages (each
    version too), its DOI, its own address."""
    addresses = []
    if paper.arxiv:
        versions = [""] + [f"v{n}" for n in range(1, min(paper.version or 1, 5) + 1)]
        for kind in ("abs", "pdf"):
            addresses += [f"https://arxiv.org/{kind}/{paper.arxiv}{version}" for version in versions]
    if paper.doi:
        addresses += [f"https://doi.org/{paper.doi}", f"doi:{paper.doi}"]
    if paper.url and paper.url.startswith(("http://", "https://")):
        addresses.append(paper.url)
    return list(dict.fromkeys(addresses))


def from_hypothesis(hypothesis: Hypothesis, papers: Sequence[Paper], user: str, each: bool) -> dict[str, list[Highlight]] | ServiceDown:
    """The user's Hypothesis annotations by note key: asked paper by paper and address by address
    (`each`, for a few papers), or in one search of all the user's annotations (the whole library)."""
    owner: dict[str, str] = {}
    for paper in papers:
        for address in paper_addresses(paper):
            owner.setdefault(address, paper.key)
    found: list[HypothesisAnnotation] = []
    if each:
        for paper in papers:
            if addresses := paper_addresses(paper):
                more = hypothesis.annotations(addresses, user)
                if isinstance(more, ServiceDown):
                    return more
                found += more
    else:
        everything = hypothesis.by_user(user)
        if isinstance(everything, ServiceDown):
            return everything
        found = everything
    by_note: dict[str, dict[str, HypothesisAnnotation]] = {}
    for annotation in found:
        keys = {owner[a] for a in annotation.addresses if a in owner}
        if len(keys) == 1:  # an address two notes share says nothing of which paper it is
            by_note.setdefault(keys.pop(), {}).setdefault(annotation.ident, annotation)
    return {key: [Highlight(a.ident, "highlight" if a.text else "note", a.text, a.comment, None, a.page_label, a.link,
                            None, a.tags) for a in sorted(mine.values(), key=lambda a: a.order)][:MAX_HIGHLIGHTS]
            for key, mine in by_note.items()}


def bring_in(library: Library, paper: Paper, source: str, highlights: Sequence[Highlight], dry_run: bool = False) -> Merged:
    """The note's part for `source` brought up to date (through the store's checked rewrite: an
    editor's save meanwhile is never lost); with `dry_run` only worked out."""
    outcome: list[Merged] = []
    rel = library.rel(library.note_path(paper.key))

    def rewrite(body: str) -> str | None:
        outcome[:] = [merge(body, source, highlights, rel)]
        return None if dry_run else outcome[0].text

    library.rewrite_body(paper.key, rewrite)
    return outcome[0]


def waiting(library: Library, paper: Paper) -> list[tuple[str, int]]:
    """How many highlights each configured service has for the paper that its note does not: what
    `status KEY read` mentions. Asked quietly: a service off, not running or down says nothing here
    (`papernotes highlights` warns)."""
    from papernotes.sources.hypothesis import Hypothesis

    news: list[tuple[str, int]] = []
    zotero = Zotero()
    if not zotero.off and not not_running(zotero.service.url or ""):
        found = from_zotero_for(zotero, paper)
        if not isinstance(found, ServiceDown):
            news.append(("zotero", len({h.anchor for h in found} - anchors_in(paper.body, "zotero"))))
    user = library.config.hypothesis_user
    hypothesis = Hypothesis()
    if user is not None and not hypothesis.off:
        by_note = from_hypothesis(hypothesis, [paper], user, each=True)
        if not isinstance(by_note, ServiceDown):
            mine = by_note.get(paper.key, [])
            news.append(("hypothesis", len({h.anchor for h in mine} - anchors_in(paper.body, "hypothesis"))))
    return [(source, count) for source, count in news if count]
