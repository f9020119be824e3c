"""Every file the tools read and every folder they write, under one rule.

A library is a git repository that takes pull requests and is copied between machines, so every
file in it is input from a stranger: the notes, and also what the tools read back (`.cache/`, the
digests and lists in `inbox/`, the site's staging folder and its manifest, README.md, the
settings). So:

- every file is read by `read_regular_file`: regular files only (a FIFO cannot block a command, a
  device cannot exhaust memory), within a size limit; files of the library by `read_inside`, which
  also refuses a symbolic link that leads out of the library (a link to `/proc/self/environ` would
  otherwise be published on the site);
- every folder the tools write in is checked by `library_folder` to be a real folder inside the
  library, with no symbolic link on the way (a link `site-src/topics -> ../papers` would otherwise
  have notes overwritten);
- every JSON text is parsed by `load_json`, bounded in size by the reader and in depth by the
  interpreter's recursion limit, and every cache is data (JSON, NumPy arrays without objects) that
  cannot run code;
- every file a user names as output goes through `check_output_path`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG
from typing import Any

from papernotes.errors import PapernotesError

# The places inside a library that the tools write and read back, named once.
INBOX = "inbox"  # digests, popularity.tsv, references.jsonl, last-check: committed with the notes
CACHE = ".cache/papernotes"  # derived data, git-ignored, always safe to delete


class UnreadableFile(PapernotesError):
    """Why a file could not be read; `describe` puts the file's name in."""

    def __init__(self, reason: str, os_error: str | None = None, special: bool = False) -> None:
        super().__init__(reason)
        self.os_error = os_error  # the system's words, when the system refused
        self.special = special  # a folder, FIFO or device: not a regular file at all

    def describe(self, name: str) -> str:
        return f"cannot read {name}: {self.os_error}" if self.os_error else f"{name}: {self.message}"


class WriteError(PapernotesError):
    """A file or folder the tools could not write, named with the reason."""


OUTSIDE = "a symbolic link to a file outside the library; not read"


MAX_FOLDER_DEPTH = 64  # folders below a walked folder: a deeper tree is a trap, not a library


def walk(top: str | os.PathLike[str]) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(top): top down, the caller may prune the folders it is given, a link to a folder is
    listed among the folders and never followed. But with a stack of its own, where os.walk recurses
    (before Python 3.12: a committed tree a thousand folders deep raised RecursionError), and no
    deeper than MAX_FOLDER_DEPTH."""
    stack = [(os.fspath(top), 0)]
    while stack:
        current, depth = stack.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError:
            continue
        folders: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                (folders if entry.is_dir() else files).append(entry.name)
            except OSError:
                files.append(entry.name)
        yield current, folders, files
        if depth < MAX_FOLDER_DEPTH:
            stack.extend((os.path.join(current, name), depth + 1) for name in reversed(folders)
                         if not os.path.islink(os.path.join(current, name)))


def read_regular_file(path: str | os.PathLike[str], limit: int) -> tuple[bytes, os.stat_result]:
    """A regular file's bytes and status, at most `limit` bytes; UnreadableFile otherwise.

    Opened non-blocking and checked before reading, so a FIFO or device is refused at once."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror}", exc.strerror or str(exc)) from None
    try:
        status = os.fstat(fd)
        if not S_ISREG(status.st_mode):
            raise UnreadableFile("a folder, not a file" if S_ISDIR(status.st_mode) else "not a regular file", special=True)
        if status.st_size > limit:
            raise UnreadableFile(_too_large(limit))
        # os.read, not a buffered file: asking one for `limit` bytes allocates that much every time.
        # The first read usually returns the whole file; reading on to the end catches a file that grew.
        chunks = [os.read(fd, status.st_size + 1)]
        total = len(chunks[0])
        while chunks[-1] and total <= limit:
            chunks.append(os.read(fd, min(1 << 16, limit + 1 - total)))
            total += len(chunks[-1])
    except OSError as exc:
        raise UnreadableFile(f"cannot read: {exc.strerror}", exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if total > limit:
        raise UnreadableFile(_too_large(limit))
    return (chunks[0] if len(chunks) <= 2 else b"".join(chunks)), status


def _too_large(limit: int) -> str:
    return f"larger than {limit // (1024 * 1024)} MiB; not read" if limit >= 1024 * 1024 else f"larger than {limit} bytes; not read"


def is_inside(root: Path, path: str | os.PathLike[str]) -> bool:
    """Whether `path`, every symbolic link followed, lies inside the library at `root`."""
    return Path(os.path.realpath(path)).is_relative_to(os.path.realpath(root))


def read_inside(root: Path, path: str | os.PathLike[str], limit: int) -> bytes:
    """A file of the library (see the module's docstring): UnreadableFile when it is missing, not a
    regular file, over `limit` bytes, or a symbolic link that leads out of the library."""
    if not is_inside(root, path):
        raise UnreadableFile(OUTSIDE, special=True)
    return read_regular_file(path, limit)[0]


def read_text_inside(root: Path, path: Path, limit: int) -> str:
    """A text file of the library (settings, README.md) as UTF-8: an error naming it otherwise."""
    name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    try:
        return read_inside(root, path, limit).decode("utf-8")
    except UnreadableFile as exc:
        raise PapernotesError(exc.describe(name)) from None
    except UnicodeDecodeError:
        raise PapernotesError(f"{name} is not valid UTF-8; save it as UTF-8") from None


def unusable(root: Path, path: str | os.PathLike[str]) -> str | None:
    """Why `read_inside` would refuse a file, told from its status alone (nothing is read): OUTSIDE,
    "not a regular file", or the system's words; None for a regular file of the library."""
    if not is_inside(root, path):
        return OUTSIDE
    try:
        status = os.stat(path)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None if S_ISREG(status.st_mode) else "not a regular file"


def read_named_file(name: str | os.PathLike[str], limit: int, label: str | None = None) -> bytes:
    """A file the user named on the command line: its bytes, or an error naming it (as `label`)."""
    try:
        return read_regular_file(name, limit)[0]
    except UnreadableFile as exc:
        raise PapernotesError(exc.describe(label or os.fspath(name))) from None


def load_json(data: bytes | str) -> Any:
    """Parsed JSON; ValueError for text that is not JSON, or nests deeper than the interpreter's
    recursion limit (the standard parser recurses once per level, and raises RecursionError, not
    ValueError, on `[[[[...`). The size is bounded by whoever read `data`."""
    try:
        return json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None


def library_folder(root: Path, folder: Path, create: bool = True) -> Path:
    """`folder`, once it and every folder between it and `root` is a real folder (missing ones are
    made when `create`): WriteError naming the first that is a symbolic link, a file, or outside the
    library. Writing through a link would put files wherever it points."""
    base = Path(os.path.abspath(root))
    target = Path(os.path.abspath(folder))
    try:
        parts = target.relative_to(base).parts
    except ValueError:
        raise WriteError(f"{folder} is not a folder inside the library {root}") from None
    current = base
    for part in parts:
        current = current / part
        shown = current.relative_to(base).as_posix()
        try:
            status = os.lstat(current)
        except FileNotFoundError:
            if not create:
                raise WriteError(f"{shown}/ does not exist") from None
            try:
                os.mkdir(current)
                continue
            except FileExistsError:
                status = os.lstat(current)
            except OSError as exc:
                raise WriteError(f"cannot create {shown}/: {exc.strerror}") from None
        except OSError as exc:
            raise WriteError(f"cannot write in {shown}/: {exc.strerror}") from None
        if S_ISLNK(status.st_mode):
            raise WriteError(f"{shown} is a symbolic link; the tools write only in real folders inside the library "
                             f"(remove the link, then run the command again)")
        if not S_ISDIR(status.st_mode):
            raise WriteError(f"{shown} is a file where the tools keep a folder; move it away, then run the command again")
    return folder


def write_file(path: Path, data: str | bytes | list[bytes], name: str | None = None, keep_mode: bool = False,
               root: Path | None = None) -> None:
    """Replace a file that is not a note (README, a digest, a .bib, a calendar) atomically: a temporary
    file beside it, then a rename, so a reader never sees half of it. `name` is what errors call it.
    `data` may be a list of pieces, written one after another rather than joined in memory first.
    With `root`, the file is the library's: its folder is checked (and made) by `library_folder`.
    A symbolic link at `path` itself is replaced by the file, never written through."""
    tmp = temporary_beside(path)
    pieces = [data.encode("utf-8")] if isinstance(data, str) else [data] if isinstance(data, bytes) else data
    if root is not None:
        library_folder(root, path.parent)
    try:
        if root is None:
            path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as handle:
            for piece in pieces:
                handle.write(piece)
        if keep_mode and path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):  # the folder may be read-only, or not a folder at all
            tmp.unlink(missing_ok=True)
        raise WriteError(f"cannot write {name or path}: {exc.strerror or exc}") from None


def check_output_path(path: Path, name: str) -> Path:
    """The path to write a user-named output to: a regular file or a new one, in a folder that exists.

    A symlink is refused rather than followed (writing through it would replace what it points at,
    wherever that is), and so is a device, FIFO or folder: as root, replacing `/dev/full` with a
    regular file breaks the machine."""
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        status = None
    except OSError as exc:
        raise PapernotesError(f"{name}: {exc.strerror}") from None
    if status is not None:
        if S_ISLNK(status.st_mode):
            raise PapernotesError(f"{name} is a symbolic link; give the path of the file itself")
        if not S_ISREG(status.st_mode):
            kind = "a folder" if S_ISDIR(status.st_mode) else "not a regular file (a device or pipe)"
            raise PapernotesError(f"{name} is {kind}; give a file to write, or leave the option out to print")
    parent = path.parent
    if not parent.is_dir():
        raise PapernotesError(f"{name}: the folder {parent} does not exist; create it first")
    return path


_TEMPORARY = re.compile(r"\..+\.(\d+)(?:\.[0-9a-f]+)?\.tmp")


def temporary_beside(path: Path, unique: bool = False) -> Path:
    """Where a file is written before it takes `path`'s place: hidden, named for this process (a
    killed writer's is removed by remove_stale_temporaries), and `unique` where this process may be
    writing the same file twice at once."""
    mark = f".{os.urandom(4).hex()}" if unique else ""
    return path.with_name(f".{path.name}.{os.getpid()}{mark}.tmp")


def remove_stale_temporaries(entries: Iterable[os.DirEntry[str]]) -> None:
    """Delete temporary files (`.x.md.PID.HEX.tmp`) left by a process that was killed mid-write."""
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry.name)
        if match is None or int(match.group(1)) == os.getpid():
            continue
        try:
            os.kill(int(match.group(1)), 0)
        except ProcessLookupError:
            try:
                os.unlink(entry.path)
            except OSError:
                pass
        except (PermissionError, OverflowError):
            continue
