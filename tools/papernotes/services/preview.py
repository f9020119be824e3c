"""The MkDocs preview: `mkdocs serve`, less rebuilding the site for each saved note.

`mkdocs serve --dirty` reloads mkdocs.yml and the theme, lists every file and renders every page
newer than its output, once its polling watcher has seen the save (every half second): 1.7 s
from a saved note to its page at 2,000 notes. Here one configuration, its files, navigation and
theme stay loaded. A saved note runs the build's first step (the hook regenerates the staging
folder), and only the pages it rewrote are converted and rendered again; a page it added or removed
joins or leaves the site's files (paper pages are not in the nav). A changed mkdocs.yml, theme
override or template rebuilds everything, as `mkdocs serve` would. Pagefind's index is the first
build's (see site_hooks.on_post_build) and the theme's search index is not rewritten.

Built from MkDocs 1.6's own build steps and live-reload server (pyproject pins MkDocs below 2).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from papernotes.errors import PapernotesError
from papernotes.files import INBOX

log = logging.getLogger("mkdocs.papernotes.preview")
POLL_SECONDS = 0.25  # how often the notes are looked at (MkDocs's own watcher: every 0.5 s)
# What, when changed, means a new configuration or theme: everything is built again.
SETTINGS = ("mkdocs.yml", "overrides", "templates")


class _Keep(BasePlugin):  # type: ignore[type-arg]
    """Keeps what a full build gathered (its files, navigation and theme) for the rebuilds."""

    files: Files
    nav: Navigation
    env: Any

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        self.files = files
        return files

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Any, *, config: MkDocsConfig, files: Files) -> Any:
        self.env = env
        return env


class Preview:
    """The site of the library at `root`, built into `site_dir` and kept up to date by `build`."""

    def __init__(self, root: Path, site_dir: str, serve_url: str) -> None:
        self.root = root
        self.site_dir = site_dir
        self.serve_url = serve_url
        self.config: MkDocsConfig | None = None
        self.kept = _Keep()
        self.settings: dict[str, tuple[int, int]] = {}
        self.staged: dict[str, tuple[int, int]] = {}  # the staging folder as last rendered

    def build(self) -> None:
        """The first build, or the rebuild after a change (the live-reload server calls this)."""
        settings = _signatures(self.root, SETTINGS)
        try:
            if self.config is None or settings != self.settings:
                self.settings = settings
                self._build_all()
            else:
                self._rebuild(self.config)
        except (MkDocsException, PapernotesError) as exc:
            # A note half-written by an editor, say: the next rebuild renders every page regenerated
            # since the last one that went through.
            raise PapernotesError(str(exc).strip() or "the preview's build failed") from None

    def rebuild_or_say(self) -> None:
        try:
            self.build()
        except PapernotesError as exc:
            log.error(f"{exc} (the preview shows the last build; save again once it is fixed)")

    def _build_all(self) -> None:
        config = load_config(config_file=str(self.root / "mkdocs.yml"), site_dir=self.site_dir, strict=False)
        config.site_url = self.serve_url
        config.plugins["papernotes-preview"] = self.kept
        if self.config is None:
            config.plugins.on_startup(command="serve", dirty=False)
        self.config = None  # until this build has gathered what a rebuild needs
        mkdocs_build.build(config, serve_url=self.serve_url)
        self.config = config
        self.staged = dict(_staged(Path(config.docs_dir)))

    def _rebuild(self, config: MkDocsConfig) -> None:
        config.plugins.on_pre_build(config=config)  # the hook regenerates the staging folder
        before, after = self.staged, dict(_staged(Path(config.docs_dir)))
        files = self.kept.files
        changed = [path for path, stamp in after.items() if before.get(path) != stamp]
        for path in before.keys() - after.keys():
            gone = files.get_file_from_path(path)
            if gone is not None:
                files.remove(gone)
                _remove(Path(gone.abs_dest_path))
        pages: list[Page] = []
        for path in changed:
            file = files.get_file_from_path(path)
            if file is None:
                file = File(path, config.docs_dir, config.site_dir, config.use_directory_urls)
                files.append(file)
            if file.is_documentation_page():
                if file.page is None:
                    Page(None, file, config)
                assert file.page is not None
                mkdocs_build._populate_page(file.page, config, files)
                pages.append(file.page)
            else:
                file.copy_file()
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for page in pages:
            mkdocs_build._build_page(page, config, doc_files, self.kept.nav, self.kept.env)
        self.staged = after
        log.info(f"Rebuilt {len(pages)} of {len(doc_files)} pages")


def _staged(docs: Path) -> Iterator[tuple[str, tuple[int, int]]]:
    """Each file of the staging folder (its own dot-files aside) and its modification stamp."""
    for current, folders, names in os.walk(docs):
        folders[:] = [f for f in folders if not f.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = os.path.join(current, name)
            try:
                stat = os.stat(path)
            except OSError:
                continue
            yield os.path.relpath(path, docs).replace(os.sep, "/"), (stat.st_mtime_ns, stat.st_size)


def _signatures(root: Path, names: tuple[str, ...]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for name in names:
        path = root / name
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else []
        for item in paths:
            try:
                stat = item.stat()
            except OSError:
                continue
            found[str(item)] = (stat.st_mtime_ns, stat.st_size)
    return found


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass


def serve(root: Path, papers_dir: Path, dev_addr: str) -> None:
    """Serve the preview at `dev_addr` (HOST:PORT) until interrupted; rebuild as notes are saved."""
    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]")
    site_dir = tempfile.mkdtemp(prefix="papernotes-preview-")
    server = LiveReloadServer(builder=lambda: None, host=host, port=int(port), root=site_dir,
                              polling_interval=POLL_SECONDS)
    preview = Preview(root, site_dir, server.url)
    server.builder = preview.build
    server.error_handler = lambda code: _error_page(site_dir, code)
    try:
        preview.build()  # raises on the first build; later, the server logs a failed rebuild and goes on
        server.builder = preview.rebuild_or_say
        for watched in (papers_dir, root / INBOX, root / "pyproject.toml", *(root / name for name in SETTINGS)):
            if watched.exists():
                server.watch(str(watched))
        try:
            server.serve()
        except OSError as exc:
            raise PapernotesError(f"cannot serve the preview at {dev_addr}: {exc.strerror}") from None
    finally:
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = Path(site_dir) / f"{code}.html"
    try:
        return page.read_bytes() if code in (404, 500) and page.is_file() else None
    except OSError:
        return None
