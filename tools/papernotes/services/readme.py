"""The README's paper index: derived state, kept current the way a database keeps an index.

Every command that changes notes refreshes it in the same run (`refresh_readme`, called once by
the command line after the command), cheaply: the region is rebuilt only when a note, a setting,
a template or the code changed, and the README is written only when the region differs. A hand
edit that leaves it stale is reported by `check` as fixable, and `check --fix` rebuilds it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import papernotes
from papernotes.errors import PapernotesError
from papernotes.store.library import Library, LibraryProblems, WriteError, write_file

START = "<!-- papernotes:index:start -->"
END = "<!-- papernotes:index:end -->"
START_BYTES, END_BYTES = START.encode(), END.encode()


def updated_readme(data: bytes, region: bytes, readme: str) -> list[bytes] | None:
    """The README with `region` between the markers, in the file's own line endings, as pieces to
    write; None when it holds exactly that already.

    Bytes throughout: at 50,000 notes the region is ~20 MB, and one emoji in it makes Python store
    it as text at four bytes per character, so it is never decoded, and never joined to the rest.
    """
    start = data.find(START_BYTES)
    end = data.find(END_BYTES)
    if start < 0 or end < 0 or end < start:
        raise PapernotesError(
            f"{readme} needs the two marker lines {START} and {END}, in that order, where the index should go"
        )
    if data.find(START_BYTES, start + 1) >= 0 or data.find(END_BYTES, end + 1) >= 0:
        raise PapernotesError(f"{readme} has more than one {START} or {END} marker; keep one of each")
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


def generated_region(library: Library, use_cache: bool) -> bytes:
    """The region's UTF-8 text; reused from .cache/ when no note, setting, template or code file changed."""
    memo = library.root / ".cache" / "papernotes" / "readme_index.md"
    package = Path(papernotes.__file__).parent
    inputs = [library.root / "pyproject.toml", *(package.parents[1] / "templates").glob("*.j2"),
              *(library.root / "templates").glob("*.j2"), *sorted(package.rglob("*.py"))]
    digest, settled = library.fingerprint(inputs)
    if use_cache:
        try:
            with open(memo, "rb") as handle:
                stored_digest, checksum = handle.readline(200).decode("ascii").split()
                region = handle.read()
            # The checksum catches a truncated or damaged memo, which would otherwise pass --check.
            if stored_digest == digest and checksum == _checksum(region):
                return region
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    # Imported only on a miss: Jinja2 is a fifth of a warm run's time.
    from papernotes.present.render import readme_index

    papers, problems = library.load(use_cache=use_cache)
    if problems:
        raise LibraryProblems(problems)
    region = readme_index(papers, library.config)
    del papers
    if use_cache and settled:
        try:
            write_file(memo, [f"{digest} {_checksum(region)}\n".encode("ascii"), region])
        except WriteError:
            pass  # the memo only saves time
    return region


def _checksum(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()




def refresh_readme(library: Library) -> bool:
    """Bring README.md's index up to date; True if it was rewritten. A library without a README, or
    whose README has no index markers, has no index to keep."""
    readme = Path(os.path.realpath(library.root / "README.md"))
    try:
        current = readme.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False
    except OSError as exc:
        raise PapernotesError(f"cannot read README.md: {exc.strerror}") from None
    if START_BYTES not in current and END_BYTES not in current:
        return False
    pieces = updated_readme(current, generated_region(library, use_cache=True), "README.md")
    if pieces is None:
        return False
    write_file(readme, pieces, "README.md", keep_mode=True)
    return True
