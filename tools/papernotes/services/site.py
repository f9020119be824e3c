"""The site as files: every page generated into the staging folder that the engine's `docs_dir`
points at (MkDocs or Zensical build it from there; neither needs to know papernotes).

Incremental: a manifest in `.cache/` keeps, per page, a digest of what the page was made from.
A run with nothing changed renders nothing and writes nothing; a note whose notes changed
rewrites its own page (and the pages that list it, when its frontmatter changed); a file is
written only when its bytes differ, so the engine's own watcher sees only real changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import yaml

from papernotes.errors import PapernotesError
from papernotes.files import (
    CACHE,
    INBOX,
    UnreadableFile,
    WriteError,
    library_folder,
    read_inside,
    read_regular_file,
    walk,
    write_file,
)
from papernotes.model.links import WIKI_LINK, places_linked
from papernotes.model.paper import Paper
from papernotes.present.site import SiteBuilder
from papernotes.services.citations import gaps, library_citations, read_references, related
from papernotes.services.readme import rendering_inputs
from papernotes.store.cache import DataCache
from papernotes.store.library import (
    MAX_STRAY_SCAN,
    Library,
    files_beside_notes,
    files_digest,
    left_out_of_site,
)

MAX_DIGEST = 2 * 1024 * 1024  # the Inbox page shows at most this much of the latest digest
TRAIL_GAPS = 20  # the foundations the Trails page lists
MANIFEST_FORMAT = 2  # 2: kept by store.cache, as JSON with a digest


DEFAULT_STAGING = "site-src"


@dataclass
class SiteSettings:
    """What generating the pages needs from the engine's settings (mkdocs.yml, which both engines read)."""

    staging: Path
    site_url: str | None = None
    site_name: str = "Paper notes"
    directory_urls: bool = True
    edit_base: str | None = None  # from repo_url and edit_uri: where a file of the repository is edited


def edit_base(repo_url: object, edit_uri: object, papers_dir: str) -> str | None:
    """Where any file of the repository is edited, from the notes' edit link (repo_url + edit_uri,
    which `papernotes init` sets to ".../edit/BRANCH/papers/"); None when they say otherwise."""
    if not isinstance(repo_url, str) or not isinstance(edit_uri, str) or not repo_url.startswith("https://"):
        return None
    folder = papers_dir.strip("/") + "/"
    if not edit_uri.endswith(folder):
        return None
    return repo_url.rstrip("/") + "/" + edit_uri[: -len(folder)].lstrip("/")


class _EngineConfigLoader(yaml.SafeLoader):
    """mkdocs.yml's tags: `!ENV [NAME, default]` read as MkDocs reads it, any other tag as nothing."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> object:
    names = [loader.construct_scalar(node)] if isinstance(node, yaml.ScalarNode) else \
        loader.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else []
    *variables, default = names if len(names) > 1 else [*names, None]
    return next((os.environ[str(v)] for v in variables if str(v) in os.environ), default)


_EngineConfigLoader.add_constructor("!ENV", _env_tag)
_EngineConfigLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def site_settings(root: Path) -> SiteSettings:
    """The staging folder (`docs_dir`), the site's name and address, from the library's mkdocs.yml."""
    if not os.path.lexists(root / "mkdocs.yml"):
        return SiteSettings(root / DEFAULT_STAGING)
    try:
        data = read_inside(root, root / "mkdocs.yml", 1024 * 1024)
        config = yaml.load(data.decode("utf-8"), Loader=_EngineConfigLoader)  # noqa: S506 - a SafeLoader
    except UnreadableFile as exc:
        raise PapernotesError(exc.describe("mkdocs.yml")) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise PapernotesError(f"mkdocs.yml is not valid YAML: {str(exc).splitlines()[0]}") from None
    except RecursionError:
        raise PapernotesError("mkdocs.yml is not valid YAML: nested too deeply") from None
    config = config if isinstance(config, dict) else {}
    docs_dir = config.get("docs_dir") or DEFAULT_STAGING
    if not isinstance(docs_dir, str) or Path(docs_dir).is_absolute() or ".." in Path(docs_dir).parts:
        raise PapernotesError(f"mkdocs.yml: docs_dir must be a folder inside the library, like {DEFAULT_STAGING}")
    return SiteSettings(root / docs_dir, str(config.get("site_url") or "") or None,
                        str(config.get("site_name") or "Paper notes"), config.get("use_directory_urls", True) is not False,
                        edit_base(config.get("repo_url"), config.get("edit_uri"), Library(root).config.papers_dir))


@dataclass
class Generated:
    """What one run of `generate` did."""

    staging: Path
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # what would have been removed, kept for a preview
    unchanged: int = 0
    unresolved: list[tuple[str, str]] = field(default_factory=list)  # (note, [[target]]) naming no note
    skipped_assets: list[tuple[str, str]] = field(default_factory=list)  # path below papers/, why
    up_to_date: bool = False  # nothing changed since the last run: nothing was even rendered
    builder: SiteBuilder | None = None  # what the pages were made from (None when nothing was rendered)


def latest_digest(root: Path) -> tuple[str, str] | None:
    """The newest digest's name and text (bounded; a digest that cannot be read, or is a link out of
    the library, is left out: its text would be published)."""
    try:
        digests = sorted((root / INBOX).glob("*.md"), key=lambda p: (p.stem[:8], len(p.stem), p.stem))
    except OSError:
        return None
    if not digests:
        return None
    try:
        data = read_inside(root, digests[-1], MAX_DIGEST * 4)
    except UnreadableFile:
        return None
    return digests[-1].name, data.decode("utf-8", "replace")[:MAX_DIGEST]


def generate(root: Path, staging: Path, today: dt.date, site_url: str | None = None, site_name: str = "Paper notes",
             directory_urls: bool = True, engine: str = "mkdocs", edit_base: str | None = None,
             remove_strays: bool = True) -> Generated:
    """Bring the staging folder up to date with the library, for `engine` to build; see the module's
    docstring. Without `remove_strays`, the pages of notes gone stay (`Generated.kept`): Zensical's
    preview (0.0.41) builds no new page once a file of the folder it watches was deleted, so a renamed
    note would never show."""
    library = Library(root)
    _check_staging(library, staging)
    result = Generated(staging)
    manifest_file = DataCache(library.root, "site-manifest.json", (MANIFEST_FORMAT,))
    manifest = _manifest(manifest_file.load())
    settings = repr((today.isoformat(), site_url or None, site_name, directory_urls, str(staging), engine, edit_base))
    code, code_settled = files_digest(rendering_inputs(library))
    notes_dir = library.papers_dir
    beside = files_beside_notes(notes_dir)
    everything, settled = files_digest([*library.note_files(), *beside, *_listing(library.root / INBOX)])
    inputs = _digest(settings, code, everything)
    if manifest.get("inputs") == inputs and all(_is_page(staging / path) for path in manifest["pages"]) \
            and not _strays(staging, manifest["pages"]):
        result.up_to_date = True
        result.unchanged = len(manifest["pages"])
        result.unresolved = list(manifest["unresolved"])
        return result

    builder = site_state(library, today, site_url, site_name, directory_urls, engine, edit_base)
    papers = builder.papers
    old_pages: dict[str, str] = manifest.get("pages", {})
    pages: dict[str, str] = {}
    unresolved: list[tuple[str, str]] = []
    # Each paper's frontmatter as text, once: the listings' digest and every page's inputs use it.
    metadata = {paper.key: repr(paper.as_tuple()[:-1]) for paper in papers}
    listing = _digest(settings, code, repr(builder.digest), repr(builder.gaps), *metadata.values(),
                      repr(sorted(builder.noted)))
    listing_unchanged = manifest.get("listing") == listing and all(
        _is_page(staging / path) for path, digest in old_pages.items() if digest == listing)
    old_unresolved: dict[str, list[str]] = {}
    for note, target in manifest.get("unresolved", []):
        old_unresolved.setdefault(note, []).append(target)

    content: dict[str, str] = {}
    if listing_unchanged:
        # The listing pages (home, topics, tags, feed, ...) are recorded under the listing's digest.
        pages.update({path: digest for path, digest in old_pages.items() if digest == listing})
    else:
        for path, text in builder.pages().items():
            content[path] = text
            pages[path] = listing
    notes_rel = library.rel(notes_dir)
    shown: dict[str, str] = {}
    for paper in papers:
        path = f"{paper.key}.md"
        rel = f"{notes_rel}/{path}"
        digest = _digest(settings, code, _page_inputs(builder, paper, metadata[paper.key], shown))
        pages[path] = digest
        if old_pages.get(path) == digest and _is_page(staging / path):
            unresolved.extend((rel, target) for target in old_unresolved.get(rel, []))
            continue
        text, missing = builder.paper_page(paper)
        content[path] = text
        unresolved.extend((rel, target) for target in missing)
    folders: set[Path] = set()
    for path, text in content.items():
        _write_if_changed(staging, path, text.encode("utf-8"), result, folders)
    linked = {place for paper in papers for place in places_linked(paper.body)} if beside else set()
    for path in _copy_assets(notes_dir, beside, staging, result, folders, linked):
        pages[path] = "asset"
    result.unchanged = len(pages) - len(result.written)
    # The staging folder is the site's alone: whatever this run did not make goes, with or without a
    # manifest (.cache/ may have been removed, and a deleted note's page must not stay published).
    for stray in _strays(staging, pages):
        if not remove_strays:
            result.kept.append(stray.relative_to(staging).as_posix())
            continue
        try:
            stray.unlink()
            result.removed.append(stray.relative_to(staging).as_posix())
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise WriteError(f"cannot remove {library.rel(stray)}: {exc.strerror}") from None
    result.unresolved = unresolved
    result.builder = builder
    manifest_file.save({
        # Stored only when every input was settled: a change in the same clock tick must not go unseen.
        "inputs": inputs if settled and code_settled else None,
        "listing": listing,
        "pages": pages,
        "unresolved": unresolved,
    })
    return result


SAVED_FIRST = 3  # notes saved at once whose pages a preview writes first; more, and it waits for them all


def stage_saved_first(root: Path, staging: Path, builder: SiteBuilder, names: list[str]) -> list[str]:
    """The pages of the notes just saved (`names`, file names in the notes' folder), written at once
    from the state of the last run (`builder`: its neighbours, related papers and listings), and
    the pages written. For a preview: its engine starts on the page being edited while `generate`
    brings the rest up to date, rewriting any page whose neighbours changed. A note that is new,
    renamed, or does not load now is left to `generate`, which says what is wrong with it."""
    if len(names) > SAVED_FIRST:
        return []
    library = Library(root)
    _check_staging(library, staging)
    result = Generated(staging)
    for name in names:
        key = name.removesuffix(".md")
        if key not in builder.by_key:
            continue
        try:
            paper = library.read_note(library.papers_dir / name)
        except PapernotesError:
            continue
        text, _ = builder.paper_page(paper)
        _write_if_changed(staging, f"{key}.md", text.encode("utf-8"), result, set())
    return result.written


def site_state(library: Library, today: dt.date, site_url: str | None = None, site_name: str = "Paper notes",
               directory_urls: bool = True, engine: str = "mkdocs", edit_base: str | None = None) -> SiteBuilder:
    """What every page is made from: the notes, their links, related papers and gaps."""
    papers = library.load_strict(bodies=True)
    builder = SiteBuilder.build(library.root, library.config, papers, today, latest_digest(library.root),
                                site_url, site_name, directory_urls, engine)
    builder.edit_base = edit_base
    # Related papers and gaps from the reference lists kept in inbox/: no network at build time.
    lists = read_references(library.root)
    builder.related = related(papers, lists, library.root)
    for key, cited in library_citations(papers, lists).items():
        builder.cites[key] = [builder.by_key[k] for k in cited]
        for other in cited:
            builder.cited_by.setdefault(other, []).append(builder.by_key[key])
    builder.gaps = gaps(papers, lists, library.catalog(papers))[:TRAIL_GAPS]
    return builder


OWNED = ".papernotes-site"  # in the staging folder: the site's own, emptied and filled at will
_OWNED_TEXT = "papernotes site generates this folder from the notes; it removes anything else in it.\n"


def _check_staging(library: Library, staging: Path) -> None:
    """The staging folder is the site's alone: its files are replaced and removed at will, so it must
    be a real folder inside the library (no symbolic link on the way), neither the notes' folder (a
    fork whose mkdocs.yml still says `docs_dir: papers`) nor hold or lie in any folder of the
    library's own, and hold nothing the site did not make: a folder that is new or empty, the
    template's `site-src`, or one marked as the site's by an earlier run."""
    folder, root = Path(os.path.abspath(staging)), library.root
    own = [library.papers_dir, *(root / name for name in ("templates", "tools", "tests", "overrides", INBOX, ".git", CACHE.split("/")[0]))]
    shown = library.rel(staging)
    if folder == root or not folder.is_relative_to(root) or any(
            folder.is_relative_to(other) or other.is_relative_to(folder) for other in own):
        raise PapernotesError(f"mkdocs.yml: docs_dir is {shown!r}, a folder of the library's own (the site's pages "
                              f"replace what is there); set docs_dir: {DEFAULT_STAGING}, a folder for the site alone "
                              "(README, \"The site\")")
    existed = os.path.lexists(folder)
    try:
        library_folder(root, folder)
    except WriteError as exc:
        raise PapernotesError(f"mkdocs.yml: docs_dir is {shown!r}, and {exc}") from None
    marker = folder / OWNED
    if os.path.lexists(marker):
        return
    if existed and folder.relative_to(root).as_posix() != DEFAULT_STAGING:
        try:
            others = [entry.name for entry in os.scandir(folder) if not entry.name.startswith(".")]
        except OSError as exc:
            raise PapernotesError(f"cannot read {shown}/: {exc.strerror}") from None
        if others:
            raise PapernotesError(f"mkdocs.yml: docs_dir is {shown!r}, which holds files the site did not make "
                                  f"({', '.join(sorted(others)[:3])}); the site's pages replace and remove what is "
                                  f"there: set docs_dir to a new folder (like {DEFAULT_STAGING}), or empty {shown}/")
    try:
        write_file(marker, _OWNED_TEXT, f"{shown}/{OWNED}", root=root)
    except WriteError as exc:
        raise PapernotesError(f"{exc}; the site's pages go in {shown}/, which must be writable") from None


def _is_page(path: Path) -> bool:
    """A regular file, and not a symbolic link (a page the engine would read through a link)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _strays(staging: Path, pages: dict[str, str]) -> list[Path]:
    """What the staging folder holds that is not one of `pages` (its own dot-files aside): left by an
    earlier run, put there by hand, or links. Bounded like the other scans of the library."""
    found: list[Path] = []
    seen = 0
    top = str(staging)
    for current, folders, files in walk(top):
        folders.sort()
        # Strings, not Paths: this looks at every page on every run.
        prefix = "" if current == top else os.path.relpath(current, top).replace(os.sep, "/") + "/"
        for name in [*folders, *files]:
            path = os.path.join(current, name)
            if name in folders and not os.path.islink(path):
                continue
            seen += 1
            if current == top and name.startswith("."):
                continue
            if prefix + name not in pages or os.path.islink(path):
                found.append(Path(path))
        if seen > len(pages) + MAX_STRAY_SCAN:
            break
    return found


def wants_pagefind(staging: Path) -> bool:
    """Whether the generated pages are searched with Pagefind (they then include its search page)."""
    return (staging / "search.md").is_file()


def index_for_search(site_dir: Path) -> None:
    """Pagefind's index of the built site: the papers' pages (marked data-pagefind-body), without
    what the theme's search also leaves out (data-search-exclude: the link line, BibTeX, the lists
    of related papers) and the headings' permalink marks."""
    argv = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--exclude-selectors", "[data-search-exclude]",
            # the themes' permalink marks: without this a result's headings read "Summary¶"
            "--exclude-selectors", ".headerlink", "--silent"]
    try:
        result = subprocess.run(argv, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PapernotesError(f"pagefind did not run: {exc}") from None
    if result.returncode != 0:
        message = (result.stderr or result.stdout).strip().splitlines()
        raise PapernotesError(f"pagefind could not index {site_dir}: {message[-1] if message else result.returncode}")


def _page_inputs(builder: SiteBuilder, paper: Paper, metadata: str, shown: dict[str, str]) -> str:
    """Everything a paper's page shows: the note itself (its `metadata` and its text's digest), and
    of the papers it links to, was found via, led to and is linked from, what the page writes about
    them (kept in `shown` by key: a paper is the neighbour of many)."""
    def about(other: Paper) -> str:
        text = shown.get(other.key)
        if text is None:
            text = shown[other.key] = repr((other.key, other.title, other.authors[:4], len(other.authors),
                                            other.year, other.status))
        return text

    related = [builder.by_key[k] for k in paper.found_via if k in builder.by_key]
    related += builder.led_to.get(paper.key, []) + builder.backlinks.get(paper.key, [])
    similar = builder.related.get(paper.key, [])
    related += [builder.by_key[r.key] for r in similar if r.key in builder.by_key]
    related += builder.cites.get(paper.key, []) + builder.cited_by.get(paper.key, [])  # the picture of its neighbours
    targets = [builder.resolve(match.group(1)) for match in WIKI_LINK.finditer(paper.body)]
    body = hashlib.blake2b(paper.body.encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()
    # The metadata is text already: repr would copy and escape its every character again.
    return metadata + "\0" + repr((body, [about(p) for p in related], [about(t) if t else None for t in targets],
                                   [r.reason for r in similar]))


def _listing(folder: Path) -> list[Path]:
    """The files a folder holds, for the digest of inputs (bounded like the asset scan)."""
    found: list[Path] = []
    for current, folders, files in walk(folder):
        folders[:] = sorted(f for f in folders if not f.startswith("."))
        found.extend(Path(current) / name for name in files if not name.startswith("."))
        if len(found) > MAX_STRAY_SCAN * 2:
            break
    return found


def _copy_assets(notes_dir: Path, beside: list[Path], staging: Path, result: Generated, folders: set[Path],
                 linked: set[str]) -> list[str]:
    """Copy the files beside the notes (`beside`) that a note links to or shows (`linked`) to the same
    place in the site, those `left_out_of_site` allows. A file no note names stays private: a folder
    of PDFs kept for `highlights` is not published for being there."""
    copied: list[str] = []
    # A link into a folder names the folder too: a folder that is a symlink is warned about, not passed over.
    named = linked | {str(parent) for place in linked for parent in PurePosixPath(place).parents}
    for source in beside:
        path = source.relative_to(notes_dir).as_posix()
        if source.name.endswith(".md") or path not in named:
            continue
        try:
            info = source.lstat()
        except OSError:
            continue
        reason = left_out_of_site(source, info)
        if reason is not None:
            result.skipped_assets.append((path, reason))
            continue
        target = staging / path
        try:
            now = target.lstat()
            if stat.S_ISREG(now.st_mode) and now.st_size == info.st_size and now.st_mtime_ns == info.st_mtime_ns:
                copied.append(path)
                continue
        except OSError:
            pass
        _folder(staging, target.parent, folders)
        try:
            if os.path.lexists(target) and not _is_page(target):
                target.unlink()  # a link or FIFO where the copy goes: replaced, never written through
            shutil.copy2(source, target, follow_symlinks=False)
        except OSError as exc:
            raise WriteError(f"cannot copy {path} to the site: {exc.strerror}") from None
        copied.append(path)
        result.written.append(path)
    return copied


def _folder(staging: Path, folder: Path, checked: set[Path]) -> None:
    """`folder` in the staging folder made a real folder: the staging folder is the site's, so a link
    or a file in the way (a link `topics -> ../papers` would have pages written among the notes) is
    removed, never followed."""
    if folder in checked:
        return
    current = staging
    for part in folder.relative_to(staging).parts:
        current = current / part
        if os.path.islink(current) or (os.path.lexists(current) and not current.is_dir()):
            try:
                current.unlink()
            except OSError as exc:
                raise WriteError(f"cannot remove {current}: {exc.strerror}") from None
    library_folder(staging, folder)
    checked.add(folder)


def _write_if_changed(staging: Path, path: str, data: bytes, result: Generated, folders: set[Path]) -> None:
    target = staging / path
    if _is_page(target):
        try:
            if read_regular_file(target, len(data))[0] == data:
                return
        except UnreadableFile:
            pass
    _folder(staging, target.parent, folders)
    write_file(target, data, str(target))
    result.written.append(path)


def _digest(*parts: str) -> str:
    digest = hashlib.blake2b(digest_size=20)
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def _manifest(data: Any) -> dict[str, Any]:
    """The manifest as the last run saved it, its types checked; {} (everything is made again) for
    anything else: `.cache/` is anybody's to edit."""
    try:
        pages = {str(path): str(digest) for path, digest in data["pages"].items()
                 if _PAGE_PATH.fullmatch(path) and ".." not in path.split("/")}
        unresolved = [(str(note), str(target)) for note, target in data["unresolved"]]
        inputs, listing = data["inputs"], data["listing"]
    except (KeyError, TypeError, ValueError, AttributeError):
        return {}
    if not (inputs is None or isinstance(inputs, str)) or not isinstance(listing, str) or len(pages) != len(data["pages"]):
        return {}
    return {"inputs": inputs, "listing": listing, "pages": pages, "unresolved": unresolved}


_PAGE_PATH = re.compile(r"[^/\x00\\][^\x00\\]{0,400}")
