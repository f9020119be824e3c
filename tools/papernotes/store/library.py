"""The library on disk: load every note (strictly, with line numbers), and write new notes safely.

Only this module writes notes. A new note is written to a temporary file and hard-linked into
place, which fails if the name exists: an existing note is never overwritten, and a crash never
leaves a half-written note behind.
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import os
import re
import stat
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None  # type: ignore[assignment]

from papernotes.errors import PapernotesError
from papernotes.files import (
    UnreadableFile,
    WriteError,
    is_inside,
    library_folder,
    read_regular_file,
    remove_stale_temporaries,
    temporary_beside,
    walk,
    write_file,
)
from papernotes.model.config import Config, load_config
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.pages import RESERVED_KEYS
from papernotes.model.paper import (
    MAX_KEY_LENGTH,
    VALID_KEY,
    Paper,
    base_key,
    key_candidates,
    last_name,
    normalized_title,
    sanitized,
)
from papernotes.model.text import counted
from papernotes.runtime import collector_paused, in_parts
from papernotes.store.notecache import MISSING, NoteCache, Signature, settled, signature
from papernotes.store.notefile import (
    OUTSIDE_NOTE,
    PARSE_IN_PARTS_ABOVE,
    NoteError,
    NoteProblem,
    _read_body,
    decode_note,
    parse_note,
    parse_note_full,
    parsed_notes,
    patch_note,
    read_note,
    serialize,
    split_body,
)
from papernotes.store.swap import replace_checked

__all__ = ["Library", "LibraryProblems", "NoteError", "NoteProblem", "WriteError", "parse_note", "serialize", "write_file"]

# Notes this process has just written, with their file signature right after: a load in the same
# process (the README index after `status`) takes the parsed paper instead of parsing it again, as
# long as the file is still exactly what was written (an editor's save changes the signature).
JUST_WRITTEN: dict[str, tuple[Signature, tuple[Any, ...]]] = {}


def files_digest(paths: Iterable[Path]) -> tuple[str, bool]:
    """A digest of these files' signatures, and whether all of them are settled."""
    digest = hashlib.blake2b(digest_size=20)
    now = time.time_ns()
    all_settled = True
    for path in sorted(map(str, paths)):
        try:
            file_signature = signature(os.stat(path))
        except OSError:
            digest.update(f"{path}\0missing\n".encode())
            continue
        digest.update(f"{path}\0{file_signature}\n".encode())
        all_settled = all_settled and settled(file_signature, now)
    return digest.hexdigest(), all_settled


def _remember(path: Path, paper: Paper) -> None:
    try:
        info = os.stat(path)
    except OSError:
        return
    JUST_WRITTEN[str(path)] = (signature(info), paper.as_tuple()[:-1])


class LibraryProblems(PapernotesError):
    """Some notes failed to load; carries every problem so a user can fix them in one pass."""

    def __init__(self, problems: list[NoteProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(f"error: {p}" for p in problems) + f"\n{counted(len(problems), 'note')} could not be loaded")


class UnknownPaper(PapernotesError):
    pass


@dataclass(frozen=True)
class Updated:
    """What `Library.update` did to one note: the paper before and after (equal when nothing changed)."""

    path: Path
    before: Paper
    after: Paper

    @property
    def changed(self) -> bool:
        return self.before.frontmatter() != self.after.frontmatter()


@dataclass
class Catalog:
    """What is already in the library, for spotting duplicates before writing."""

    by_arxiv: dict[str, str] = field(default_factory=dict)
    by_doi: dict[str, str] = field(default_factory=dict)
    by_title: dict[tuple[str, int | None], Paper] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)

    def add(self, paper: Paper) -> None:
        self.keys.add(paper.key)
        if paper.arxiv:
            self.by_arxiv.setdefault(paper.arxiv, paper.key)
        if paper.doi:
            self.by_doi.setdefault(paper.doi.lower(), paper.key)
        self.by_title.setdefault((normalized_title(paper.title), paper.year), paper)

    def existing_key(self, paper: Paper) -> str | None:
        """The key of the note this paper duplicates: same arXiv ID, same DOI, or same title and year."""
        if paper.arxiv and paper.arxiv in self.by_arxiv:
            return self.by_arxiv[paper.arxiv]
        if paper.doi and paper.doi.lower() in self.by_doi:
            return self.by_doi[paper.doi.lower()]
        same_title = self.by_title.get((normalized_title(paper.title), paper.year))
        if same_title is None:
            return None
        # Two different arXiv IDs or DOIs are two papers, however alike their titles; so are two first
        # authors ("Deep learning", 2015: the book by Bengio et al., the review by LeCun et al.).
        if paper.arxiv and same_title.arxiv or paper.doi and same_title.doi:
            return None
        if paper.authors and same_title.authors and \
                last_name(paper.authors[0]).casefold() != last_name(same_title.authors[0]).casefold():
            return None
        return same_title.key


@dataclass(frozen=True)
class Written:
    status: str  # "added" or "exists"
    path: Path
    paper: Paper


class Library:
    def __init__(self, root: Path, config: Config | None = None) -> None:
        self.root = root.resolve()
        self.config = config or load_config(self.root)
        self.papers_dir = self.config.papers_path
        self.changed = False  # a note was written: the README index is due (the command line sees to it)

    def rel(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def note_path(self, key: str) -> Path:
        return self.papers_dir / f"{key}.md"

    def load(self, use_cache: bool = True, bodies: bool = False,
             abstracts: bool = True) -> tuple[list[Paper], list[NoteProblem]]:
        """Every note that loads, sorted by key, and a problem for each one that does not.

        Bodies are read only when asked for: indexes need just the frontmatter, and leaving
        bodies out keeps the cache small and quick to read and write. Without `abstracts`, a
        paper read from the cache has None for its abstract: for commands that neither show nor
        rank by one (a list, the plan, the README index), which then read a quarter of the cache.

        With the cache, a note is parsed again unless its size, modification and change times
        (in nanoseconds) and inode are exactly as cached, and it was not changed within
        RACY_SECONDS of the cache being written (a change in the same clock tick would
        otherwise go unseen: git's "racy clean" problem).
        """
        with collector_paused():
            return self._load(use_cache, bodies, abstracts)

    def _load(self, use_cache: bool, bodies: bool, abstracts: bool) -> tuple[list[Paper], list[NoteProblem]]:
        cache = NoteCache(self.root, self.papers_dir, abstracts) if use_cache else None
        try:
            listing = list(os.scandir(self.papers_dir))
            remove_stale_temporaries(listing)
            entries = sorted((e for e in listing if e.name.endswith(".md") and not e.name.startswith(".")), key=lambda e: e.name)
        except FileNotFoundError:
            entries = []
        except OSError as exc:
            raise PapernotesError(f"cannot read {self.rel(self.papers_dir)}/: {exc.strerror}") from None
        prefix = self.rel(self.papers_dir) + "/"
        if entries:
            self.check_papers_dir()
        outcomes: list[Paper | NoteProblem | None] = []  # each note's, in the order of the files
        unparsed: list[tuple[int, str, str, Signature]] = []  # its place there, path, name shown, signature
        for entry in entries:
            rel = prefix + entry.name
            try:
                info = entry.stat()
            except OSError as exc:
                outcomes.append(NoteProblem(rel, 1, f"cannot read: {exc.strerror}"))
                continue
            if entry.is_symlink() and not is_inside(self.root, entry.path):
                outcomes.append(NoteProblem(rel, 1, OUTSIDE_NOTE))
                continue
            note_signature = signature(info)
            cached = cache.get(entry.name, note_signature) if cache else None
            written = JUST_WRITTEN.get(entry.path)
            if cached is None and written is not None and written[0] == note_signature:
                cached = written[1]  # written and parsed by this process a moment ago, and unchanged since
            if cached is not None:
                body = _read_body(entry.path) if bodies else ""
                if body is not None:
                    outcomes.append(Paper.from_tuple(cached + (body,)))
                    continue
            unparsed.append((len(outcomes), entry.path, rel, note_signature))
            outcomes.append(None)
        parse = functools.partial(parsed_notes, str(self.root), bodies)
        parsed = [result for part in in_parts(parse, [(path, rel) for _, path, rel, _ in unparsed], PARSE_IN_PARTS_ABOVE)
                  for result in part]
        for (place, path, _, note_signature), result in zip(unparsed, parsed, strict=True):
            outcomes[place] = paper = Paper.from_tuple(result) if isinstance(result, tuple) else result
            if cache and isinstance(paper, Paper):
                cache.put(os.path.basename(path), note_signature, paper)
        papers = [outcome for outcome in outcomes if isinstance(outcome, Paper)]
        problems = [outcome for outcome in outcomes if isinstance(outcome, NoteProblem)]
        if cache:
            cache.save(keep={e.name for e in entries})
        return _unique_ignoring_case(papers, problems, prefix)

    def check_papers_dir(self) -> None:
        """The notes' folder must lie inside the library: a link to a folder elsewhere would publish
        (and let the tools write) whatever that folder holds."""
        if not is_inside(self.root, self.papers_dir):
            shown = self.rel(self.papers_dir)
            raise PapernotesError(f"{shown}/ is a symbolic link to a folder outside the library; the notes must live "
                                  f"in the library (move them into {shown}/)")

    def note_signatures(self) -> dict[str, Signature]:
        """Each note's file signature by file name, taken without reading the note: equal signatures
        mean an unchanged file, unless it changed within RACY_SECONDS of the signature (`settled`)."""
        signatures: dict[str, Signature] = {}
        try:
            entries = [e for e in os.scandir(self.papers_dir) if e.name.endswith(".md") and not e.name.startswith(".")]
        except FileNotFoundError:
            return signatures
        except OSError as exc:
            raise PapernotesError(f"cannot read {self.rel(self.papers_dir)}/: {exc.strerror}") from None
        for entry in entries:
            try:
                signatures[entry.name] = signature(entry.stat())
            except OSError:
                signatures[entry.name] = MISSING
        return signatures

    def read_settled_note(self, name: str, known: Signature) -> Paper:
        """The note `name` without its body, whose signature was `known` just before: the paper this
        process wrote there if the file is still exactly that, else the file parsed (NoteError)."""
        path = self.papers_dir / name
        written = JUST_WRITTEN.get(str(path))
        if written is not None and written[0] == known:
            return Paper.from_tuple(written[1] + ("",))
        return self.read_note(path, with_body=False)

    def load_strict(self, bodies: bool = False, abstracts: bool = True) -> list[Paper]:
        """Every note, or LibraryProblems naming each one that does not load."""
        papers, problems = self.load(bodies=bodies, abstracts=abstracts)
        if problems:
            raise LibraryProblems(problems)
        return papers

    def read_note(self, path: Path | str, rel: str | None = None, with_body: bool = True) -> Paper:
        return read_note(self.root, path, rel or self.rel(Path(path)), with_body)

    def get(self, ref: str) -> Paper:
        """The paper a user means by `ref` (see `key_of`), read from its note with its body."""
        return self.read_note(self.note_path(self.key_of(ref)))

    def key_of(self, ref: str) -> str:
        """The key of the note a user means by `ref`: its key, an arXiv ID in any form, or a unique
        prefix of a key (UnknownPaper, with a suggestion, if none or several)."""
        ref = ref.strip()
        if VALID_KEY.fullmatch(ref) and self.note_path(ref).is_file():
            return ref
        stems = self._stems()
        try:
            arxiv_id = parse_arxiv_id(ref).canonical
        except InvalidArxivId:
            arxiv_id = None
        if arxiv_id is not None:
            papers, _ = self.load(abstracts=False)
            for paper in papers:
                if paper.arxiv == arxiv_id:
                    return paper.key
            raise UnknownPaper(f"no paper with arXiv ID {arxiv_id} in {self.rel(self.papers_dir)}/ (add it: papernotes add {arxiv_id})")
        folded = ref.lower()
        matches = [stem for stem in stems if stem.lower().startswith(folded)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            shown = ", ".join(matches[:10]) + (f" and {len(matches) - 10} more" if len(matches) > 10 else "")
            raise UnknownPaper(f"'{ref}' matches {len(matches)} papers: {shown}; give more of the key")
        close = difflib.get_close_matches(ref, stems, n=1, cutoff=0.75)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UnknownPaper(f"no paper '{ref}'{hint}")

    def _stems(self) -> list[str]:
        return [path.name[:-3] for path in self.note_files()]

    def note_files(self) -> list[Path]:
        """The notes' files (papers/*.md) in name order, unread; none when papers/ cannot be listed."""
        try:
            # Sorted as text: sorting Paths compares their parts, 0.05 s at 5,000 notes.
            return [Path(path) for path in sorted(e.path for e in os.scandir(self.papers_dir)
                                                  if e.name.endswith(".md") and not e.name.startswith("."))]
        except OSError:
            return []

    def update(self, key: str, changes: Mapping[str, Any] | Callable[[Paper], Mapping[str, Any]]) -> Updated:
        """Set (or, with None, remove) the named frontmatter fields of the note `key`, in place.

        Only those fields' lines change (see notefile.patch_text). The new text takes the note's
        place only if the note is still exactly what was read: if an editor saved it meanwhile, the
        change is made again on what the editor saved, and after a few tries the note is left alone
        with an error. On Linux the check and the replacement are one atomic step, and a program
        writing the note in place is seen (see swap_in), so no save can land between them. `changes` may be a function of the paper as read, so that it
        is worked out again then.
        """
        path = self.note_path(key)
        rel = self.rel(path)
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(self.root):
            raise WriteError(f"{rel}: {OUTSIDE_NOTE}")
        outcome: list[Paper] = []

        def patched(data: bytes) -> bytes | None:
            text = decode_note(data, rel)
            parsed = parse_note_full(text, rel)  # parsed once; the patcher edits by its marks
            before = parsed.paper
            new_text, patched = patch_note(text, changes(before) if callable(changes) else changes, rel, parsed)
            outcome[:] = [before, patched.paper if new_text != text else before]
            return new_text.encode("utf-8") if new_text != text else None

        if replace_checked(target, rel, patched):
            self.changed = True
            _remember(target, outcome[1])
        return Updated(path, outcome[0], outcome[1])

    def rewrite_body(self, key: str, rewrite: Callable[[str], str | None]) -> bool:
        """Replace the body of the note `key` with rewrite(its body), unless that is None; True if
        written. The frontmatter stays byte for byte, and the replacement has update()'s guarantees:
        an editor's save in the meantime is never overwritten (rewrite runs again on it)."""
        path = self.note_path(key)
        rel = self.rel(path)
        target = Path(os.path.realpath(path))
        if not target.is_relative_to(self.root):
            raise WriteError(f"{rel}: {OUTSIDE_NOTE}")

        def rewritten(data: bytes) -> bytes | None:
            head, body = split_body(decode_note(data, rel), rel)
            new_body = rewrite(body)
            return None if new_body is None or new_body == body else (head + new_body).encode("utf-8")

        if replace_checked(target, rel, rewritten):
            self.changed = True
            return True
        return False

    def catalog(self, papers: Iterable[Paper], problems: Iterable[NoteProblem] = ()) -> Catalog:
        """What one load() saw. Built from that load only: a note another process writes afterwards is
        found when creating its file fails, and is then read and compared (see write_new)."""
        catalog = Catalog()
        for paper in papers:
            catalog.add(paper)
        # Broken notes still own their file names.
        catalog.keys.update(Path(problem.path).stem for problem in problems)
        return catalog

    def write_new(self, paper: Paper, catalog: Catalog, preferred_key: str | None = None) -> Written:
        """Write `paper` under a fresh key, unless the library already has it (arXiv ID, DOI, title and year).

        `preferred_key` (say, a BibTeX entry's own key) is used when it is a valid file name and free.
        """
        paper = sanitized(paper)
        existing = catalog.existing_key(paper)
        if existing is not None:
            return Written("exists", self.note_path(existing), paper.replace(key=existing))
        library_folder(self.root, self.papers_dir)
        candidates = key_candidates(base_key(paper.authors, paper.year, paper.title))
        if preferred_key and VALID_KEY.fullmatch(preferred_key) and len(preferred_key) <= MAX_KEY_LENGTH \
                and preferred_key.lower() not in RESERVED_KEYS:
            candidates.insert(0, preferred_key)
        taken = {k.lower() for k in catalog.keys}
        for key in candidates:
            if key.lower() in taken:
                continue
            note = paper.replace(key=key)
            path = self.note_path(key)
            text = serialize(note)
            try:
                # Never write a note that every later command would refuse to read.
                parse_note(text, self.rel(path), with_body=False)
            except NoteError as exc:
                raise WriteError(f"'{_short(paper.title)}' not written: {exc.problem.message}") from None
            if self._create_exclusive(path, text):
                self.changed = True
                catalog.add(note)
                return Written("added", path, note)
            # Another process created this file first; it may be this very paper.
            catalog.keys.add(key)
            taken.add(key.lower())
            try:
                other = self.read_note(path)
            except NoteError:
                continue
            catalog.add(other)
            if catalog.existing_key(paper) == other.key:
                return Written("exists", path, other)
        raise WriteError(f"no free key for '{paper.title}'")

    def _create_exclusive(self, path: Path, text: str) -> bool:
        """Create `path` holding `text` completely, or return False if it exists. Never overwrites."""
        tmp = temporary_beside(path, unique=True)
        try:
            with open(tmp, "x", encoding="utf-8", newline="\n") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            except OSError:
                # File systems without hard links: exclusive create is still safe against overwrite.
                try:
                    with open(path, "x", encoding="utf-8", newline="\n") as handle:
                        handle.write(text)
                except FileExistsError:
                    return False
            return True
        except OSError as exc:
            raise WriteError(f"cannot write {self.rel(path)}: {exc.strerror or exc}") from None
        finally:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
            except OSError:
                pass


def _short(title: str) -> str:
    return title if len(title) <= 80 else title[:77] + "..."


MAX_STRAY_SCAN = 10_000  # files looked at beside the notes: images, never a tree to crawl
MAX_ASSET_BYTES = 50 * 1024 * 1024  # a file beside the notes (an image, a PDF) copied to the site


def files_beside_notes(papers_dir: Path) -> list[Path]:
    """What papers/ holds besides the notes (papers/*.md) and hidden files, folder by folder in name
    order: the images notes show, any Markdown in a subfolder, and a link to a folder (named, never
    followed). The notes do not count towards the bound, so a library of any size has its pictures
    found."""
    found: list[Path] = []
    for folder, folders, files in walk(papers_dir):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        here = Path(folder)
        folder_links = [name for name in folders if os.path.islink(here / name)]
        top = here == papers_dir
        for name in sorted([*files, *folder_links]):
            if not name.startswith(".") and not (top and name.endswith(".md")):
                found.append(here / name)
                if len(found) >= MAX_STRAY_SCAN:
                    return found
    return found


# Files a browser opens as a document that runs scripts, on the site's origin (USER.github.io, which
# all of its owner's project sites share): a note cannot show them, and a pull request could add one.
WEB_PAGES = frozenset(".html .htm .xhtml .xht .shtml .mht .mhtml .xml .xsl .xslt .svgz".split())
# (A link's scheme is read with its blanks left out, as a browser does: "java\tscript:".)
_ACTIVE_SVG = re.compile(rb"<\s*(?:script|foreignobject|iframe|embed|object|handler|!entity)|\bon[a-z]+\s*=|"
                         rb"s\s*c\s*r\s*i\s*p\s*t\s*:|d\s*a\s*t\s*a\s*:\s*t\s*e\s*x\s*t|&#", re.IGNORECASE)


def left_out_of_site(path: Path, info: os.stat_result) -> str | None:
    """Why the site does not publish the file beside the notes at `path` (its lstat `info`), or None
    when it does: regular files only (a link could publish a file from anywhere on the disk), none
    over 50 MB, no web page, and no SVG picture holding a script (opened on its own, it runs)."""
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link, which the site never follows (copy it in)"
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_size > MAX_ASSET_BYTES:
        return f"over {MAX_ASSET_BYTES // 1024 // 1024} MB"
    suffix = path.suffix.lower()
    if suffix in WEB_PAGES:
        return f"a web page ({suffix}), whose scripts would run on your site"
    if suffix == ".svg":
        try:
            found = _ACTIVE_SVG.search(read_regular_file(path, MAX_ASSET_BYTES)[0])
        except UnreadableFile as exc:
            return str(exc)
        if found:
            return f"an SVG picture holding a script ({found.group().decode('ascii', 'replace').strip()}), which would run on your site"
    return None


def _unique_ignoring_case(papers: list[Paper], problems: list[NoteProblem], prefix: str) -> tuple[list[Paper], list[NoteProblem]]:
    """Two notes whose keys differ only by case are one file on macOS and Windows and one citation
    key to BibTeX: the second (in sorted order) is reported instead of loaded."""
    first: dict[str, str] = {}
    kept: list[Paper] = []
    for paper in papers:
        other = first.setdefault(paper.key.lower(), paper.key)
        if other == paper.key:
            kept.append(paper)
        else:
            problems.append(NoteProblem(f"{prefix}{paper.key}.md", 1, f"the key differs from {other}.md only by case; "
                                                                      "rename one of the two"))
    return kept, problems
