"""Replacing a file people also edit (a note, README.md) without ever overwriting their save: the new
text takes its place only if the file still holds exactly what was read, checked and swapped in one
atomic step where the system allows it (renameat2's RENAME_EXCHANGE, a read lease on the note)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from papernotes.files import WriteError, temporary_beside
from papernotes.runtime import uninterrupted
from papernotes.store.notefile import MAX_NOTE_BYTES, read_regular


def replace_checked(target: Path, rel: str, make: Callable[[bytes], bytes | list[bytes] | None],
                    limit: int = MAX_NOTE_BYTES) -> bool:
    """Replace a file people also edit (a note, README.md) with make(the bytes it holds), unless that
    is None; True if replaced. The new bytes take its place only if the file still holds exactly
    what was read (see swap_in): if an editor saved it meanwhile, make runs again on that save, and
    after a few tries the file is left alone with an error."""
    for attempt in range(UPDATE_ATTEMPTS):
        if attempt:
            time.sleep(RETRY_SECONDS * 2 ** (attempt - 1))  # let the other program finish its save
        data, signature = _settled_read(target, rel, limit)
        new = make(data)
        if new is None:
            return False
        recent = time.time() - signature[1] / 1e9 < RECENT_SECONDS
        with uninterrupted():  # Ctrl-C between a swap and its check would leave the file half-decided
            if swap_in(target, data, new, signature[2] & 0o7777, rel, recent, limit):
                return True
    raise WriteError(f"{rel} kept changing, or stayed open for writing in another program, while it was being "
                     "updated (is an editor saving it?); nothing written")


UPDATE_ATTEMPTS = 5
RETRY_SECONDS = 0.02  # 20, 40, 80 and 160 ms between attempts: 0.3 s for a program to finish saving
SWAP_BACK_ATTEMPTS = 20


def swap_in(target: Path, expected: bytes, new: bytes | list[bytes], mode: int, rel: str, recent: bool = False,
            limit: int = MAX_NOTE_BYTES) -> bool:
    """Put `new` (bytes, or pieces written one after another) in place of `target` if the file there
    still holds `expected`; False (and the file as it was found) if someone saved it since it was
    read, or has it open for writing. Versions are compared by digest, read in blocks: a README's
    20 MB index is never held twice.

    Comparing and then renaming leaves a window in which an editor's save is overwritten. On Linux
    the new file is swapped with the note in one step (renameat2 RENAME_EXCHANGE): every version
    stays on disk, either at the note's name or at the temporary name, until what was swapped out
    has been compared with what was read. A version that differs is swapped back; if a save also
    landed meanwhile, the newest is kept at the note's name. Nothing is ever deleted that is not
    our own text or a save that a later save of the same file replaced.

    An editor that writes in place (open, truncate, write) may have opened the note just before the
    swap and write to it just after the comparison: its save would go to the file deleted at the
    end. A read lease on the note (see _lease) closes that: it cannot be taken while another program
    has the note open for writing, and any such open made while it is held waits until it is
    released and marks it broken, so the version swapped out goes back. Where leases are missing
    (not Linux, another owner's note, some network file systems) a note changed in the last half
    second is watched for 50 ms instead, and without the swap the tool compares and then renames,
    which leaves a window of microseconds.
    """
    tmp = temporary_beside(target, unique=True)
    # Whether the temporary name holds nothing anyone needs (our own text, or a version that was
    # read or replaced by a later save): only then is it deleted at the end. Otherwise (an error or
    # a signal in the middle of a swap) it is kept beside the note as a conflict copy.
    disposable = True
    lease: int | None = None
    pieces = [new] if isinstance(new, bytes) else new
    read, written = _digest([expected]), _digest(pieces)

    def digest_of(file: Path | int) -> bytes:
        return _file_digest(file, max(limit, len(expected)) + 1)  # a version longer than that differs anyway

    try:
        try:
            lease = _lease(target)
        except _OpenForWriting:
            return False
        if lease is not None and digest_of(lease) != read:
            return False  # saved since it was read; nothing can change it while the lease is held
        with open(tmp, "xb") as handle:
            for piece in pieces:
                handle.write(piece)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        if not _exchange(tmp, target):
            if digest_of(target) != read or (lease is not None and not _lease_unbroken(lease)):
                return False
            os.replace(tmp, target)
            return True
        disposable = False  # the note as it was now sits at the temporary name
        swapped_out = digest_of(tmp)
        if lease is not None:
            # The file swapped out is the leased one (not a save renamed over the note meanwhile)
            # and nobody opened it for writing since: it still holds what was read.
            untouched = _same_file(lease, tmp) and _lease_unbroken(lease)
        else:
            untouched = not (recent and _still_written(tmp))
        if swapped_out == read and untouched:
            disposable = True  # exactly what was read, and the new text is made from it
            return True
        if swapped_out == read and lease is None:
            swapped_out = digest_of(tmp)  # written to since: the editor's save, finished, goes back
        # An editor saved since the note was read: give its version back. After each swap the
        # temporary name holds what was at the note's name: our own text (done), or a save that
        # landed on top of what we put there, which is newer still and goes back in turn. A program
        # waiting on the lease writes its save once the lease is released, to the version given back.
        placed, waiting = written, swapped_out
        for _ in range(SWAP_BACK_ATTEMPTS):
            _exchange(tmp, target)
            out = digest_of(tmp)
            if out == placed:
                disposable = True  # our own text, or a save that a later one replaced
                return False
            placed, waiting = waiting, out
        raise WriteError(f"{rel} kept changing while it was being updated; the version it replaced is kept "
                         f"beside it as {target.name}.conflict-{os.getpid()}")
    except OSError as exc:
        raise WriteError(f"cannot write {rel}: {exc.strerror or exc}") from None
    finally:
        if disposable:
            tmp.unlink(missing_ok=True)
        else:
            with contextlib.suppress(OSError):
                os.replace(tmp, target.with_name(f"{target.name}.conflict-{os.getpid()}"))
        if lease is not None:
            os.close(lease)  # releases the lease: a program waiting to write goes on


class _OpenForWriting(Exception):
    """Another program has the note open for writing: it may be in the middle of a save."""


def _lease(target: Path) -> int | None:
    """A descriptor of the note holding a read lease (fcntl F_SETLEASE), or None where leases are
    unavailable. A read lease is granted only while no other process has the file open for writing
    (_OpenForWriting otherwise); an open for writing or a truncation by another process while it
    is held waits (up to /proc/sys/fs/lease-break-time) until it is released, and breaks it."""
    if fcntl is None or not hasattr(fcntl, "F_SETLEASE"):
        return None
    try:
        descriptor = os.open(target, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None  # what the note is (gone, a FIFO) was said by the read; the swap reports the rest
    try:
        # The kernel signals a lease break; SIGIO, the default, would end the process. SIGURG is
        # ignored unless a program handles it, and the break is read with F_GETLEASE instead.
        fcntl.fcntl(descriptor, fcntl.F_SETSIG, signal.SIGURG)
        fcntl.fcntl(descriptor, fcntl.F_SETLEASE, fcntl.F_RDLCK)
    except OSError as exc:
        os.close(descriptor)
        if exc.errno == errno.EAGAIN:
            raise _OpenForWriting from None
        return None  # EACCES (another owner's note), EINVAL (a file system without leases)
    return descriptor


def _lease_unbroken(descriptor: int) -> bool:
    return bool(fcntl is not None and fcntl.fcntl(descriptor, fcntl.F_GETLEASE) == fcntl.F_RDLCK)


def _same_file(descriptor: int, path: Path) -> bool:
    held, named = os.fstat(descriptor), os.stat(path)
    return (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino)


def _digest(pieces: list[bytes]) -> bytes:
    digest = hashlib.blake2b(digest_size=16)
    for piece in pieces:
        digest.update(piece)
    return digest.digest()


def _file_digest(file: Path | int, limit: int) -> bytes:
    """The digest of the first `limit` bytes a file (by path, or a descriptor) holds, read in blocks."""
    digest = hashlib.blake2b(digest_size=16)
    descriptor = file if isinstance(file, int) else os.open(file, os.O_RDONLY | os.O_NONBLOCK)
    try:
        offset = 0
        while offset < limit and (block := os.pread(descriptor, min(1 << 20, limit - offset), offset)):
            digest.update(block)
            offset += len(block)
    finally:
        if not isinstance(file, int):
            os.close(descriptor)
    return digest.digest()


# An editor that writes a file in place (truncate, then write) may be between two writes when the
# note is read: a note modified this recently is read again once it has been still this long.
SETTLE_SECONDS = 0.02


def _settled_read(target: Path, rel: str, limit: int) -> tuple[bytes, tuple[int, int, int]]:
    for _ in range(40):
        data, signature = read_regular(target, rel, limit)
        age = time.time() - signature[1] / 1e9
        if not 0 <= age < SETTLE_SECONDS:
            break
        time.sleep(SETTLE_SECONDS - age)
    return data, signature


# A note changed this recently may belong to an editor that writes in place in pieces: after the
# swap, what was swapped out is watched this long, and goes back if it is written to meanwhile.
RECENT_SECONDS = 0.5
WATCH_SECONDS = 0.05


def _still_written(path: Path) -> bool:
    try:
        before = os.stat(path)
        time.sleep(WATCH_SECONDS)
        after = os.stat(path)
    except OSError:
        return False
    return (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2: Any = None


def _exchange(first: Path, second: Path) -> bool:
    """Swap two files atomically; False where the system cannot (not Linux, an old kernel or libc, a
    file system without it), and the caller falls back to compare-then-rename."""
    global _renameat2
    if _renameat2 is None:
        _renameat2 = False
        if sys.platform.startswith("linux"):
            import ctypes  # only here: the one call the standard library does not offer

            try:
                function = ctypes.CDLL(None, use_errno=True).renameat2
                function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
                _renameat2 = function
            except (AttributeError, OSError):
                pass
    if not _renameat2:
        return False
    if _renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    errno_value = ctypes.get_errno()
    if errno_value in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(errno_value, os.strerror(errno_value), str(second))
