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
from papernotes.store.cache import DataCache, Unencodable, decode_paper, encode_paper

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
_CACHE_FORMAT = ("papernotes-notes", 3, _ATTRIBUTE_NAMES)


class NoteCache:
    """Parsed notes by file name and file signature, in `.cache/` outside git. Safe to delete."""

    def __init__(self, root: Path, papers_dir: Path) -> None:
        self.file = DataCache(root, "notes.json", _CACHE_FORMAT)
        self.papers_dir = str(papers_dir)
        self.entries: dict[str, tuple[Signature, tuple[Any, ...]]] = {}
        self.stored: dict[str, Any] = {}  # entries as the file holds them, decoded when asked for
        self.written_ns = 0
        self.dirty = False
        data = self.file.load()
        if isinstance(data, dict) and data.get("papers_dir") == self.papers_dir and type(data.get("written_ns")) is int \
                and isinstance(data.get("entries"), dict):
            self.stored, self.written_ns = data["entries"], data["written_ns"]

    def get(self, name: str, signature: Signature) -> tuple[Any, ...] | None:
        """A cached paper's fields, all but the body (the last field)."""
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
            self.dirty = True  # re-checked now; saving again moves the racy window past it
            return None
        return entry[1]

    def put(self, name: str, signature: Signature, paper: Paper) -> None:
        try:
            self.stored[name] = [list(signature), encode_paper(paper.as_tuple()[:-1])]
        except Unencodable:
            self.stored.pop(name, None)  # a user key holding binary data: that note is parsed each time
        self.dirty = True

    def save(self, keep: set[str]) -> None:
        if self.stored.keys() - keep:
            self.stored = {name: entry for name, entry in self.stored.items() if name in keep}
            self.dirty = True
        if not self.dirty:
            return
        entries = self.stored
        self.file.save({"papers_dir": self.papers_dir, "written_ns": time.time_ns(), "entries": entries})
