"""The MkDocs preview: `mkdocs serve`, less rebuilding the site for each saved note.

`mkdocs serve --dirty` reloads mkdocs.yml and the theme, lists every file and renders every page
newer than its output, once its polling watcher has seen the save (every half second): 1.7 s
from a saved note to its page at 2,000 notes, and 0.7 s here (benchmarks/site.py --preview). Here
one configuration, its files, navigation and theme stay loaded. A saved note runs the build's first
step (the hook regenerates the staging folder), and only the pages it rewrote are converted and
rendered again; a page it added or removed joins or leaves the site's files (paper pages are not
in the nav). A changed mkdocs.yml, theme override or template rebuilds everything, as `mkdocs serve`
would. Pagefind's index is the first build's (see site_hooks.on_post_build) and the theme's search
index is not rewritten.

Built from MkDocs 1.6's own build steps and live-reload server (pyproject pins MkDocs below 2).
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import tempfile
import threading
import time
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
        settings = _stamps(*(self.root / name for name in SETTINGS))
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
        gc.unfreeze()  # the last full build's pages, given back to the collector
        mkdocs_build.build(config, serve_url=self.serve_url)
        self.config = config
        self.staged = _stamps(Path(config.docs_dir), relative_to=Path(config.docs_dir))
        # What the build keeps (every page, its text and HTML) stays for the preview's life: out of the
        # garbage collector's rounds, which otherwise walk all of it again and again while a note
        # regenerates (a third of the time at 5,000 notes).
        gc.collect()
        gc.freeze()

    def _rebuild(self, config: MkDocsConfig) -> None:
        start = time.perf_counter()
        config.plugins.on_pre_build(config=config)  # the hook regenerates the staging folder
        generated = time.perf_counter()
        before, after = self.staged, _stamps(Path(config.docs_dir), relative_to=Path(config.docs_dir))
        files = self.kept.files
        changed = [path for path, stamp in after.items() if before.get(path) != stamp]
        for path in before.keys() - after.keys():
            gone = files.get_file_from_path(path)
            if gone is not None:
                files.remove(gone)
                with contextlib.suppress(OSError):
                    Path(gone.abs_dest_path).unlink()
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
        log.info(f"Rebuilt {len(pages)} of {len(doc_files)} pages in {time.perf_counter() - start:.2f} s "
                 f"(regenerating {generated - start:.2f} s)")


Stamps = dict[str, tuple[int, int]]


def _stamps(*paths: Path, relative_to: Path | None = None) -> Stamps:
    """Each file under `paths` (dot-files and dot-folders aside) and its modification time and size,
    by its path (relative to `relative_to`, with forward slashes, when given)."""
    found: Stamps = {}
    folders = [str(path) for path in paths]
    while folders:
        folder = folders.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                        continue
                    stat = entry.stat()
                    name = entry.path if relative_to is None else os.path.relpath(entry.path, relative_to).replace(os.sep, "/")
                    found[name] = (stat.st_mtime_ns, stat.st_size)
        except NotADirectoryError:
            stat = os.stat(folder)
            found[folder] = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            continue
    return found


class _Watch(threading.Thread):
    """Asks the server for a rebuild when a file under `paths` changed, looked at every POLL_SECONDS.

    MkDocs's own watcher (watchdog's polling observer, since file events are missed on some disks)
    builds a snapshot object of every file each time: at 5,000 notes it held the interpreter for
    half a second of each regeneration. This compares one mapping of times and sizes (14 ms)."""

    def __init__(self, server: LiveReloadServer, paths: list[Path]) -> None:
        super().__init__(daemon=True)
        self.server, self.paths = server, paths
        self.stopped = threading.Event()

    def run(self) -> None:
        seen = _stamps(*self.paths)
        while not self.stopped.wait(POLL_SECONDS):
            now = _stamps(*self.paths)
            if now != seen:
                seen = now
                with self.server._rebuild_cond:  # what LiveReloadServer.watch's own callback does
                    self.server._want_rebuild = True
                    self.server._rebuild_cond.notify_all()


def serve(root: Path, papers_dir: Path, dev_addr: str) -> None:
    """Serve the preview at `dev_addr` (HOST:PORT) until interrupted; rebuild as notes are saved."""
    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]")
    site_dir = tempfile.mkdtemp(prefix="papernotes-preview-")
    server = LiveReloadServer(builder=lambda: None, host=host, port=int(port), root=site_dir)
    # No wait for more changes after the first: _Watch reports at most one per look, however many files.
    server.build_delay = 0
    preview = Preview(root, site_dir, server.url)
    server.builder = preview.rebuild_or_say
    server.error_handler = lambda code: _error_page(site_dir, code)
    watch: _Watch | None = None
    try:
        preview.build()  # raises on the first build; later, the server logs a failed rebuild and goes on
        watched = [path for path in (papers_dir, root / INBOX, root / "pyproject.toml", *(root / name for name in SETTINGS))
                   if path.exists()]
        watch = _Watch(server, watched)
        watch.start()
        log.info(f"Watching {', '.join(os.path.relpath(path, root) for path in watched)} for changes")
        try:
            server.serve()
        except OSError as exc:
            raise PapernotesError(f"cannot serve the preview at {dev_addr}: {exc.strerror}") from None
    finally:
        if watch is not None:
            watch.stopped.set()
        server.shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = Path(site_dir) / f"{code}.html"
    try:
        return page.read_bytes() if code in (404, 500) and page.is_file() else None
    except OSError:
        return None
