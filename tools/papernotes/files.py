"""Files a command is given by name: read only regular files, boundedly; write only to regular files.

Every file a command reads (a note, a .bib, a digest, a reading list, an .aux) goes through
`read_regular_file`, so a FIFO cannot block a command, `/dev/zero` cannot exhaust memory, and a
folder is reported rather than crashing. Every file a command writes at a path the user named
(`-o`, `--ics`) goes through `check_output_path`, so a device or a symlink is never replaced.
"""

from __future__ import annotations

import os
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

from papernotes.errors import PapernotesError


class UnreadableFile(PapernotesError):
    """Why a file could not be read; `describe` puts the file's name in."""

    def __init__(self, reason: str, os_error: str | None = None, special: bool = False) -> None:
        super().__init__(reason)
        self.os_error = os_error  # the system's words, when the system refused
        self.special = special  # a folder, FIFO or device: not a regular file at all

    def describe(self, name: str) -> str:
        return f"cannot read {name}: {self.os_error}" if self.os_error else f"{name}: {self.message}"


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


def read_named_file(name: str | os.PathLike[str], limit: int, label: str | None = None) -> bytes:
    """A file the user named on the command line: its bytes, or an error naming it (as `label`)."""
    try:
        return read_regular_file(name, limit)[0]
    except UnreadableFile as exc:
        raise PapernotesError(exc.describe(label or os.fspath(name))) from None


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
