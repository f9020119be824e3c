"""The README's paper index: derived state, kept current the way a database keeps an index.

Every command that changes notes refreshes it in the same run (`refresh_readme`, called once by
the command line after the command), cheaply: when a few notes changed only in their own lines (a
status, a plan), those lines and the counts line are patched in the last region; the region is
rendered again only when a note was added, removed or moved, or a setting, a template or the code
changed; and the README is written only when the region differs. A hand
edit that leaves it stale is reported by `check` as fixable, and `check --fix` rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import papernotes
from papernotes.errors import PapernotesError
from papernotes.files import CACHE, OUTSIDE, UnreadableFile, WriteError, read_inside, write_file
from papernotes.model.paper import Paper, in_topic
from papernotes.model.statuses import READ, SKIPPED, STATUS_MARKS, STATUSES
from papernotes.present import DEFAULT_TEMPLATES, MAX_TEMPLATE_BYTES
from papernotes.present.markdown import Focus, ReadmeLinks, counts_line, paper_line
from papernotes.present.views import chronological_key, focus_of, status_counts
from papernotes.store.cache import DataCache
from papernotes.store.library import Library, LibraryProblems, files_digest
from papernotes.store.notecache import MISSING, Signature, settled
from papernotes.store.notefile import NoteError
from papernotes.store.swap import replace_checked

START = "<!-- papernotes:index:start -->"
END = "<!-- papernotes:index:end -->"
START_BYTES, END_BYTES = START.encode(), END.encode()


class MarkerProblem(PapernotesError):
    """README.md's index markers are missing, reversed or repeated; `repairable` when `check --fix`
    can tell the region (from the first start marker to the last end marker)."""

    def __init__(self, message: str, repairable: bool) -> None:
        super().__init__(message)
        self.repairable = repairable


def region_bounds(data: bytes, readme: str, repair: bool = False) -> tuple[int, int]:
    """Where the index's start marker and end marker are; MarkerProblem when they are not one of
    each, in order (with `repair`, repeated markers are taken as one region: first start to last end)."""
    start, end = data.find(START_BYTES), data.find(END_BYTES)
    if start < 0 or end < 0 or end < start:
        raise MarkerProblem(f"{readme} needs the two marker lines {START} and {END}, in that order, where the index "
                            "should go", False)
    last_end = data.rfind(END_BYTES)
    if data.find(START_BYTES, start + 1) >= 0 or last_end != end:
        if repair:
            return start, last_end
        repairable = data.find(START_BYTES, start + 1) < 0 or data.rfind(START_BYTES) < last_end
        raise MarkerProblem(f"{readme} has more than one {START} or {END} marker" +
                            ("; papernotes check --fix keeps the text outside the first and last and rebuilds the index"
                             if repairable else "; keep one of each"), repairable)
    return start, end


def updated_readme(data: bytes, region: bytes, readme: str, repair: bool = False) -> list[bytes] | None:
    """The README with `region` between the markers, in the file's own line endings, as pieces to
    write; None when it holds exactly that already. MarkerProblem when the markers are wrong (see
    `region_bounds`; with `repair`, repeated markers are mended).

    Bytes throughout: at 50,000 notes the region is ~20 MB, and one emoji in it makes Python store
    it as text at four bytes per character, so it is never decoded, and never joined to the rest.
    """
    start, end = region_bounds(data, readme, repair)
    head_end = start + len(START_BYTES)
    head, tail = data[:head_end], data[end:]
    try:
        # Only the user's text must be UTF-8: the region between the markers is replaced anyway.
        head.decode("utf-8")
        tail.decode("utf-8")
    except UnicodeDecodeError:
        raise PapernotesError(f"{readme} is not valid UTF-8") from None
    newline = b"\r\n" if data.find(b"\r\n", 0, start) >= 0 or data.startswith(b"\r\n", head_end) else b"\n"
    body = region.replace(b"\n", newline) if newline != b"\n" else region
    if end - head_end == len(newline) + len(body) and data.startswith(newline, head_end) \
            and data.startswith(body, head_end + len(newline)):
        return None
    return [head, newline, body, tail]


# The index template that `patched_region` knows: what it shows of a paper outside the paper's own
# line is `placement` and the counts line. A library with another index template (a fork restyled
# it) is re-rendered whenever anything changed. Changing the shipped template fails
# test_index.py::test_the_shipped_index_template_is_the_one_the_patch_knows: check `placement`,
# then update this digest.
PATCHABLE_TEMPLATE = "055c834f78de810ecf23036471e41531"
MEMO_FORMAT = ("papernotes-readme-index", 4)
# Beyond this many changed notes a full render is about as quick as patching.
MAX_PATCHED = 200
# A patched memo is stored only once this many notes were read to patch it: storing costs more than
# reading a few notes again, and a memo left as it was stays true (its lines are still found).
STORE_AFTER = 16


def placement(paper: Paper) -> bytes:
    """What the shipped index shows of a paper outside its line: where the line sits (topic, order
    in it) and what the contents and the tag index repeat (title, tags); as a digest, which keeps
    the memo quick to load."""
    shown = (paper.key, paper.title, paper.topic, paper.tags, chronological_key(paper))
    return hashlib.blake2b(repr(shown).encode("utf-8"), digest_size=12).digest()


@dataclass
class IndexMemo:
    """The last region, and per note what it was built from: enough to patch a few lines. Kept as
    it is stored (JSON values), and read only where used: a cache may hold anything, and whatever it
    holds that is not this only makes the index be rendered anew."""

    inputs: str  # the digest of the settings, templates and code
    notes: dict[str, list[Any]]  # name: [signature, placement (hex), status]; its line is found in the region
    counts_line: str
    region: bytes
    # The focus topic's title and its notes (a change of focus is a change of settings, and a note
    # changing topic changes its placement: both render anew), for the counts line's focus part.
    focus: list[Any] | None = None  # [title, [name, ...]]

    def data(self) -> dict[str, Any]:
        """What the memo file keeps: everything but the region, which is kept as it is beside it
        (`REGION`; as JSON text, one emoji in it would make it four bytes a character when read)."""
        return {"inputs": self.inputs, "notes": self.notes, "counts_line": self.counts_line,
                "region": _digest(self.region), "focus": self.focus}

    @classmethod
    def from_data(cls, data: Any, region: bytes | None) -> IndexMemo | None:
        try:
            if region is None or data["region"] != _digest(region):
                return None
            return cls(str(data["inputs"]), dict(data["notes"]), str(data["counts_line"]), region, data["focus"])
        except (KeyError, TypeError, ValueError):
            return None


REGION = "readme_index.md"  # in .cache/papernotes/, beside the memo


def _kept_region(library: Library) -> bytes | None:
    try:
        return read_inside(library.root, library.root / CACHE / REGION, MAX_README_BYTES)
    except UnreadableFile:
        return None


def _keep(library: Library, memo_file: DataCache, memo: IndexMemo) -> None:
    try:
        write_file(library.root / CACHE / REGION, memo.region, root=library.root)
    except WriteError:
        return  # `.cache` is a link or a file: no memo
    memo_file.save(memo.data())


def rendering_inputs(library: Library) -> list[Path]:
    """What any derived output (the README index, the site's pages) is made with besides the notes:
    the settings, the templates and the code."""
    package = Path(papernotes.__file__).parent
    return [library.root / "pyproject.toml", *(package.parents[1] / "templates").glob("*.j2"),
            *(library.root / "templates").glob("*.j2"), *package.rglob("*.py")]


def generated_region(library: Library, use_cache: bool) -> bytes:
    """The region's UTF-8 text: from the memo in .cache/ when no note changed, patched there when a
    few notes changed only in their own lines (a status change), else rendered."""
    memo_file = DataCache(library.root, "readme_index.json", MEMO_FORMAT)
    inputs, inputs_settled = files_digest(rendering_inputs(library))
    # Taken before any note is read: a note changed after this shows as changed next time.
    signatures = library.note_signatures()
    if use_cache:
        stored = IndexMemo.from_data(memo_file.load(), _kept_region(library))
        if stored is not None and stored.inputs == inputs:
            patchable = _digest(_index_template(library.root)) == PATCHABLE_TEMPLATE
            try:
                patched = patched_region(library, stored, signatures, patchable)
            except (TypeError, ValueError, KeyError, IndexError, AttributeError, UnicodeEncodeError):
                patched = None  # a memo that is not what this code stores: render anew
            if patched is not None:
                memo, notes_read = patched
                if notes_read >= STORE_AFTER and inputs_settled:
                    _keep(library, memo_file, memo)
                return memo.region
    # Imported only on a miss: Jinja2 is a fifth of a warm run's time.
    from papernotes.present import render

    papers, problems = library.load(use_cache=use_cache, abstracts=False)
    if problems:
        raise LibraryProblems(problems)
    region = render.readme_index(papers, library.config)
    if use_cache and inputs_settled:
        now = time.time_ns()
        notes = {}
        for paper in papers:
            name = f"{paper.key}.md"
            known = signatures.get(name, MISSING)
            notes[name] = [list(known if settled(known, now) else MISSING), placement(paper).hex(), paper.status]
        focus = focus_of(papers, library.config)
        members = [focus.title, sorted(f"{p.key}.md" for p in papers if in_topic(p, library.config.focus or ""))] if focus else None
        memo = IndexMemo(inputs, notes, counts_line(len(papers), status_counts(papers), focus), region, members)
        _keep(library, memo_file, memo)
    return region


def patched_region(library: Library, memo: IndexMemo, signatures: dict[str, Signature],
                   patchable: bool) -> tuple[IndexMemo, int] | None:
    """The memo brought up to date by replacing changed papers' lines and the counts line, and how
    many notes were read to do it; None when a render is needed (a note added, removed, moved or
    renamed, one that does not load, too many changes, or an index template the patch does not know)."""
    if signatures.keys() != memo.notes.keys():
        return None
    changed = [name for name, known in signatures.items() if known == MISSING or memo.notes[name][0] != list(known)]
    if not changed:
        return memo, 0
    if not patchable or len(changed) > MAX_PATCHED:
        return None
    links = ReadmeLinks(library.config.papers_dir)
    now = time.time_ns()
    notes = dict(memo.notes)
    region: bytes | None = memo.region
    for name in changed:
        try:
            paper = library.read_settled_note(name, signatures[name])
        except NoteError:
            return None  # the render reports it with every other problem
        _, old_placement, old_status = notes[name]
        if placement(paper).hex() != old_placement or f"{paper.key}.md" != name or region is None:
            return None
        old_line = _line_of(region, old_status, paper, links)
        if old_line is None:
            return None
        line = paper_line(paper, links).encode("utf-8")
        if line != old_line:
            region = _replace_line(region, old_line, line)
        known = signatures[name]
        # A note changed within the racy window is read again next time.
        notes[name] = [list(known if settled(known, now) else MISSING), old_placement, paper.status]
    counts = Counter(entry[2] for entry in notes.values())
    focus = None
    if memo.focus is not None:
        title, members = memo.focus
        statuses = [notes[name][2] for name in members if notes[name][2] != SKIPPED]
        focus = Focus(str(title), statuses.count(READ), len(statuses))
    new_counts = counts_line(len(notes), {status: counts[status] for status in STATUSES}, focus)
    if new_counts != memo.counts_line and region is not None:
        region = _replace_line(region, memo.counts_line.encode("utf-8"), new_counts.encode("utf-8"))
    if region is None:
        return None
    return IndexMemo(memo.inputs, notes, new_counts, region, memo.focus), len(changed)


def _line_of(region: bytes, status: str, paper: Paper, links: ReadmeLinks) -> bytes | None:
    """The paper's line in the region as it was shipped, found by what its placement vouches is
    unchanged: its title link (a note's link is unique) after its status mark as the memo knew it.
    Kept out of the memo, which a warm `index` reads whole: the lines were two thirds of it."""
    head = f"\n- {STATUS_MARKS[status]} {links.title_link(paper)}".encode()
    if region.count(head) != 1:
        return None
    start = region.index(head) + 1
    end = region.find(b"\n", start)
    return region[start : end if end >= 0 else len(region)]


def _replace_line(region: bytes, old: bytes, new: bytes) -> bytes | None:
    """`region` with its one line `old` replaced; None unless exactly one line is `old` (a paper's
    line names its note, so it is unique in the shipped index)."""
    old_line = b"\n" + old + b"\n"
    if region.count(old_line) != 1:
        return None
    return region.replace(old_line, b"\n" + new + b"\n")


def _index_template(root: Path) -> bytes:
    for base, folder in ((root, root / "templates"), (DEFAULT_TEMPLATES, DEFAULT_TEMPLATES)):
        try:
            return read_inside(base, folder / "readme_index.md.j2", MAX_TEMPLATE_BYTES)
        except UnreadableFile:
            continue
    return b""


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def read_readme(library: Library) -> tuple[Path, bytes] | None:
    """README.md (the file it links to, inside the library) and its bytes; None when there is none.
    An error when it cannot be read, is not a regular file, or links out of the library (the index
    would be written there)."""
    readme = library.root / "README.md"
    if not os.path.lexists(readme):
        return None
    try:
        return Path(os.path.realpath(readme)), read_inside(library.root, readme, MAX_README_BYTES)
    except UnreadableFile as exc:
        if exc.os_error and not os.path.exists(readme):
            return None  # a link to nothing
        if exc.message == OUTSIDE:
            raise PapernotesError("README.md is a symbolic link to a file outside the library; the index is written "
                                  "only into a file of the library") from None
        if exc.special:
            raise PapernotesError("README.md is not a regular file; the index goes into a README.md file") from None
        raise PapernotesError(exc.describe("README.md")) from None


def refresh_readme(library: Library) -> bool:
    """Bring README.md's index up to date; True if it was rewritten. A library without a README, or
    whose README has no index markers, has no index to keep."""
    found = read_readme(library)
    if found is None:
        return False
    readme, current = found
    if START_BYTES not in current and END_BYTES not in current:
        return False
    del current
    return rewrite_readme(readme, generated_region(library, use_cache=True))


MAX_README_BYTES = 256 * 1024 * 1024  # the index of 50,000 notes is about 20 MB


def repair_readme(library: Library) -> bool:
    """README.md with repeated index markers mended (the text before the first start marker and after
    the last end marker kept, the index rebuilt between them); True if it changed."""
    found = read_readme(library)
    if found is None:
        return False
    region = generated_region(library, use_cache=True)
    return replace_checked(found[0], "README.md", lambda data: updated_readme(data, region, "README.md", repair=True),
                           MAX_README_BYTES)


def rewrite_readme(readme: Path, region: bytes) -> bool:
    """Put `region` between README.md's markers; True if the file changed. README.md is yours too:
    if your editor saves it meanwhile, the index goes into your save, never over it (see
    store.library.replace_checked)."""
    target = Path(os.path.realpath(readme))  # a symlinked README: its target is updated and the link kept
    return replace_checked(target, "README.md", lambda data: updated_readme(data, region, "README.md"), MAX_README_BYTES)
