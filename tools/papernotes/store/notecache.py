"""Parsed notes kept between commands (`.cache/papernotes/notes.json`), by file name and file
signature: a note is parsed again unless its signature is exactly as cached and it was not changed
within RACY_SECONDS of the cache being written (git's "racy clean" problem). JSON checked on the way
in (store.cache): a cache is a stranger's data."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from papernotes.model.paper import _ATTRIBUTES as _ATTRIBUTE_NAMES
from papernotes.model.paper import Paper
from papernotes.store.cache import CACHED_ATTRIBUTES, DataCache, Unencodable, decode_paper, encode_paper

# A file's size, modification and change times (ns) and inode: equal signatures, an unchanged file
# (git's index uses the same test), except within RACY_SECONDS of the signature being taken.
Signature = tuple[int, int, int, int]
MISSING: Signature = (-1, -1, -1, -1)


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def settled(note_signature: Signature, now_ns: int) -> bool:
    """Whether a file was last changed long enough before `now_ns` for its signature to be trusted later."""
    return max(note_signature[1], note_signature[2]) < now_ns - RACY_SECONDS * 1_000_000_000


RACY_SECONDS = 2
clock_ns = time.time_ns  # the time a cache is written at (tests move it on rather than wait)
_CACHE_FORMAT = ("papernotes-notes", 4, CACHED_ATTRIBUTES)
_ABSTRACTS_FORMAT = ("papernotes-abstracts", 1)
_ABSTRACT = _ATTRIBUTE_NAMES.index("abstract")
# A command that did not read the abstracts rewrites their file only for this many newly parsed
# notes (a fresh clone's): for a few notes saved a moment ago, parsing them again when abstracts
# are next read costs less than reading and writing every abstract now.
SAVE_UNREAD_ABSTRACTS_FROM = 200


class NoteCache:
    """Parsed notes by file name and file signature, in `.cache/` outside git. Safe to delete.

    Abstracts are three quarters of what a note's frontmatter holds, and most commands never show
    one, so they live in a file of their own (`abstracts.json`), read only when `abstracts` is asked
    for; without it, `get` gives None for every abstract. An abstract is trusted for a note whose
    signature is the one it was stored with and whose entry in `notes.json` is trusted
    (`abstracts.json` is written first: a failure there leaves `notes.json` as it was). The file
    keeps no time to judge the racy window by, so it takes only abstracts of notes settled when
    parsed: a note saved twice within one clock tick has one signature for two texts, and a later
    command without abstracts may trust its new entry in `notes.json`. An abstract stored with
    another signature only has its note parsed again."""

    def __init__(self, root: Path, papers_dir: Path, abstracts: bool = True) -> None:
        self.file = DataCache(root, "notes.json", _CACHE_FORMAT)
        self.abstracts_file = DataCache(root, "abstracts.json", _ABSTRACTS_FORMAT)
        self.papers_dir = str(papers_dir)
        self.entries: dict[str, tuple[Signature, tuple[Any, ...]]] = {}
        self.stored: dict[str, Any] = {}  # entries as the file holds them, decoded when asked for
        self.written_ns = 0
        self.opened_ns = clock_ns()
        self.worth_saving = False
        data = self.file.load()
        if self._ours(data) and type(data.get("written_ns")) is int:
            self.stored, self.written_ns = data["entries"], data["written_ns"]
        # name -> [signature, abstract] as stored; None until read (only when asked for, or to save new ones)
        self.abstracts: dict[str, Any] | None = self._stored_abstracts() if abstracts else None
        self.new_abstracts: dict[str, list[Any]] = {}

    def _ours(self, data: Any) -> bool:
        """Whether a cache file's data is of this library's notes (a copied library's is not)."""
        return isinstance(data, dict) and data.get("papers_dir") == self.papers_dir and isinstance(data.get("entries"), dict)

    def _stored_abstracts(self) -> dict[str, Any]:
        data = self.abstracts_file.load()
        return data["entries"] if self._ours(data) else {}

    def get(self, name: str, signature: Signature) -> tuple[Any, ...] | None:
        """A cached paper's fields, all but the body (the last field); its abstract None unless asked for."""
        entry = self.entries.get(name)
        if entry is None:
            stored = self.stored.get(name)
            if type(stored) is not list or len(stored) != 2:
                return None
            known, values = stored
            # The file's own signature is only compared (equal numbers are the same file), never kept.
            if type(known) is not list or tuple(known) != signature:
                return None
            try:
                entry = (signature, decode_paper(values))
            except (ValueError, TypeError):
                return None  # parsed again, and put back right
            self.entries[name] = entry
        if entry[0] != signature:
            return None
        if max(signature[1], signature[2]) >= self.written_ns - RACY_SECONDS * 1_000_000_000:
            return None  # parsed again, and put back: a save now may settle it
        abstract = None
        if self.abstracts is not None:
            stored = self.abstracts.get(name)
            if type(stored) is not list or len(stored) != 2 or type(stored[0]) is not list or tuple(stored[0]) != signature \
                    or not (stored[1] is None or type(stored[1]) is str):
                return None
            abstract = stored[1]
        values = entry[1]
        return values[:_ABSTRACT] + (abstract,) + values[_ABSTRACT:]

    def put(self, name: str, signature: Signature, paper: Paper) -> None:
        values = paper.as_tuple()[:-1]
        try:
            self.stored[name] = [list(signature), encode_paper(values[:_ABSTRACT] + values[_ABSTRACT + 1:])]
        except Unencodable:
            self.stored.pop(name, None)  # a user key holding binary data: that note is parsed each time
            return
        if settled(signature, self.opened_ns):
            self.new_abstracts[name] = [list(signature), values[_ABSTRACT]]
            self.worth_saving = True

    def save(self, keep: set[str]) -> None:
        """Write the cache if that spares the next command some work: entries of notes no longer
        there are dropped, or a note parsed now will be trusted next time. A note changed within
        RACY_SECONDS of now would not be (its entry is only trusted from a save that much later):
        for it alone, a save rewrites megabytes to spare nothing."""
        if self.stored.keys() - keep:
            self.stored = {name: entry for name, entry in self.stored.items() if name in keep}
            self.worth_saving = True
        if not self.worth_saving:
            return
        if self.abstracts is not None and (self.new_abstracts or self.abstracts.keys() - keep) \
                or len(self.new_abstracts) >= SAVE_UNREAD_ABSTRACTS_FROM:
            stored = self._stored_abstracts() if self.abstracts is None else self.abstracts
            entries = {name: entry for name, entry in {**stored, **self.new_abstracts}.items() if name in keep}
            if not self.abstracts_file.save({"papers_dir": self.papers_dir, "entries": entries}):
                return  # notes.json as it was: none of its trusted entries can meet an abstract newer than it
        self.file.save({"papers_dir": self.papers_dir, "written_ns": clock_ns(), "entries": self.stored})
