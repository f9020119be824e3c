"""Generate the site's pages from the notes into the staging folder (mkdocs.yml: docs_dir); build or preview it.

    papernotes site              # write the pages that changed into site-src/
    papernotes site --build      # then build the site into site/ with the engine (pyproject: site_engine)
    papernotes site --serve      # preview at http://127.0.0.1:8000, regenerating as notes are saved

Both engines, MkDocs (Material) and Zensical, build the same generated pages from mkdocs.yml.
A [[link]] to no note is an error (exit 1), as a broken link is to `mkdocs build --strict`.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import INBOX
from papernotes.model.config import SITE_ENGINES
from papernotes.model.text import counted
from papernotes.runtime import today

if TYPE_CHECKING:
    from papernotes.present.site import SiteBuilder
    from papernotes.services.site import Generated
    from papernotes.store.library import Library
    from papernotes.store.notecache import Signature


POLL_SECONDS = 0.25  # how often --serve looks for saved notes


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    what = ap.add_mutually_exclusive_group()
    what.add_argument("--build", action="store_true", help="then build the site with the engine (into site/)")
    what.add_argument("--serve", action="store_true", help="preview the site, regenerating pages as notes change")
    ap.add_argument("--engine", choices=SITE_ENGINES, help="the engine for --build and --serve (default: pyproject's "
                                                          "site_engine, else mkdocs)")
    ap.add_argument("--dev-addr", default="127.0.0.1:8000", metavar="IP:PORT", help="where --serve listens")
    return ap


def run(args: argparse.Namespace) -> int:
    library = common.open_library(args)
    engine = args.engine or library.config.site_engine
    result = _generate(library.root, engine)
    if result.unresolved:
        return 1
    if args.build:
        code = _engine(engine, "build", library.root, args.dev_addr).wait()
        # The MkDocs hook indexes for Pagefind after its build; Zensical runs no hooks.
        from papernotes.services.site import index_for_search, site_settings, wants_pagefind

        if code == 0 and engine == "zensical" and wants_pagefind(site_settings(library.root).staging):
            index_for_search(library.root / "site")
        return code
    if args.serve:
        return _serve(library.root, engine, args.dev_addr, result.builder)
    return 0


def _generate(root: Path, engine: str, written_first: list[str] | None = None, remove_strays: bool = True) -> Generated:
    # The site's machinery (Jinja, the BibTeX writer, the related-papers model) loads only when pages
    # are made: `site --help` starts as quickly as any command.
    from papernotes.services.site import generate, site_settings

    settings = site_settings(root)
    start = time.perf_counter()
    result = generate(root, settings.staging, today(), settings.site_url, settings.site_name, settings.directory_urls,
                      engine, settings.edit_base, remove_strays)
    seconds = time.perf_counter() - start
    for note, target in result.unresolved:
        common.error(f"{note}: [[{target}]] links to no note in the library (papernotes check lists them all)")
    for path, reason in result.skipped_assets:
        common.warn(f"papers/{path}: not copied to the site: {reason}")
    where = os.path.relpath(settings.staging, root)
    if result.up_to_date:
        print(f"{where}/ is up to date ({result.unchanged} files, {seconds:.2f} s)")
    else:
        first = len(set(written_first or ()) - set(result.written))  # found as they were by then
        print(f"{where}/: {len(result.written) + first} written, {len(result.removed)} removed, "
              f"{result.unchanged - first} unchanged ({seconds:.2f} s)")
    return result


def _engine(engine: str, action: str, root: Path, dev_addr: str) -> subprocess.Popen[bytes]:
    if engine == "mkdocs":
        argv = [sys.executable, "-m", "mkdocs", action, "--strict"]
    else:
        program = shutil.which("zensical")
        if program is None:
            raise PapernotesError("zensical is not installed: pip install zensical (or site_engine = \"mkdocs\")")
        # Not --strict: Zensical 0.0.41 calls plain bracketed words in a note ("[CLS] and [SEP] tokens")
        # unresolved link references and would refuse the site; the [[links]] were checked above.
        argv = [program, action] + (["--dev-addr", dev_addr] if action == "serve" else [])
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        return subprocess.Popen(argv, cwd=root, env=env)
    except OSError as exc:
        raise PapernotesError(f"cannot start {engine}: {exc.strerror}") from None


class _Stop(BaseException):
    """SIGTERM or SIGHUP: stop serving, as Ctrl-C does (a BaseException, as KeyboardInterrupt is: the
    live-reload server carries on after any Exception a rebuild raises)."""


def _serve(root: Path, engine: str, dev_addr: str, built: SiteBuilder | None) -> int:
    """MkDocs: services/preview.py serves, and rebuilds only the pages a saved note touches.
    Zensical: its own server watches the staging folder, and this loop regenerates the pages when a
    note is saved (Zensical runs no hooks), the saved note's own page first from what the pages were
    last made from (`built`, or made now). However the command is stopped (Ctrl-C, `kill`, a closed
    terminal), the server stops with it and its port is free when the command has ended."""
    def stop(signum: int, frame: object) -> None:
        raise _Stop

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGHUP)}
    if engine == "mkdocs":
        try:
            _preview_with_mkdocs(root, dev_addr)
            return 0
        except (KeyboardInterrupt, _Stop):
            return 130
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    server = _engine(engine, "serve", root, dev_addr)
    try:
        from papernotes.services.site import site_settings, site_state, stage_saved_first
        from papernotes.store.library import Library

        library = Library(root)
        seen = _signature(library)
        last = built
        kept = 0  # pages of notes gone, left for Zensical (see services.site.generate)
        if last is None:  # the pages were up to date: nothing was made
            settings = site_settings(root)
            with contextlib.suppress(PapernotesError):  # the first save then waits for everything
                last = site_state(library, today(), settings.site_url, settings.site_name, settings.directory_urls,
                                  engine, settings.edit_base)
        while server.poll() is None:
            time.sleep(POLL_SECONDS)
            now = _signature(library)
            if now != seen:
                saved = [name for name, stamp in now[0].items() if seen[0].get(name) != stamp]
                seen = now
                try:
                    # The page being edited first: the engine rebuilds it while the rest is made.
                    first = stage_saved_first(root, site_settings(root).staging, last, saved) if last and saved else []
                    result = _generate(root, engine, first, remove_strays=False)
                    last = result.builder or last
                    if len(result.kept) != kept:
                        kept = len(result.kept)
                        if kept:
                            common.warn(f"the preview keeps {counted(kept, 'page')} gone from the site until it "
                                        "is started again (Zensical's preview builds no new page once one is deleted)")
                except PapernotesError as exc:  # a note half-written by an editor: say so, keep serving
                    common.error(str(exc))
        return server.returncode
    except (KeyboardInterrupt, _Stop):
        return 130
    finally:
        _end(server)
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _preview_with_mkdocs(root: Path, dev_addr: str) -> None:
    os.environ["NO_MKDOCS_2_WARNING"] = "1"  # Material's banner, as for `mkdocs` run by this command
    # MkDocs's own lines ("Serving on ...", warnings), as `mkdocs serve` prints them.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.addHandler(handler)
    mkdocs_log.setLevel(logging.INFO)
    mkdocs_log.propagate = False
    from papernotes.services.preview import serve  # MkDocs loads only for a preview with it
    from papernotes.store.library import Library

    serve(root, Library(root).papers_dir, dev_addr)


def _end(server: subprocess.Popen[bytes]) -> None:
    """Stop the server and wait for it (its port is free after), killing it if it lingers."""
    if server.poll() is not None:
        return
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _signature(library: Library) -> tuple[dict[str, Signature], list[tuple[str, int]]]:
    """The notes' signatures by file name, and the inbox's files with their times: what, changed, is regenerated for."""
    inbox = library.root / INBOX
    try:
        digests = sorted((e.name, e.stat().st_mtime_ns) for e in os.scandir(inbox))
    except OSError:
        digests = []
    return library.note_signatures(), digests
