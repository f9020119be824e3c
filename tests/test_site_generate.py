"""`papernotes site`: the pages generated as files into the staging folder, incrementally, and the
same folder built by Zensical (which runs no hooks)."""

from __future__ import annotations

import datetime as dt
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import REPO, run_script
from papernotes.services.site import MANIFEST_FORMAT
from papernotes.store.cache import DataCache
from sitekit import add_hostile, assert_no_executable_markup, build, copy_library, page, reading_note, tokens

TODAY = {"PAPERNOTES_TODAY": "2026-11-29"}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_library(tmp_path)


def site(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_script("site.py", "--root", root, *args, **TODAY)
    return result.returncode, result.stdout, result.stderr


def staged(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root / "site-src").as_posix(): p.read_bytes()
            for p in sorted((root / "site-src").rglob("*")) if p.is_file() and p.name != ".gitignore"}


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root / "site-src").as_posix(): p.stat().st_mtime_ns for p in (root / "site-src").rglob("*") if p.is_file()}


def test_every_page_is_written_as_a_file_and_a_second_run_writes_nothing(root: Path) -> None:
    code, out, err = site(root)
    assert code == 0, err
    files = staged(root)
    for path in ("index.md", "all.md", "tags.md", "timeline.md", "reading-log.md", "trails.md", "inbox.md",
                 "topics/index.md", "topics/nlp/embeddings.md", "feed.xml", "plan.ics", "library.bib",
                 "devlin2018bert.md", "stylesheets/papernotes.css"):
        assert path in files, path
    bert = files["devlin2018bert.md"].decode()
    assert bert.startswith('---\ntitle: "BERT: Pre-training') and 'og_type: "article"' in bert
    assert '<div class="paper-header">' in bert and "## Summary" in bert
    assert "[Attention Is All You Need](vaswani2017attention.md)" in bert, "[[links]] resolved"
    assert not any(p.suffix == ".md" for p in (root / "papers").iterdir() if p.stem in ("index", "all")), \
        "nothing is written into papers/"
    before = mtimes(root)
    time.sleep(0.05)
    code, out, _ = site(root)
    assert code == 0 and ("0 written, 0 removed" in out or "is up to date" in out), out
    assert mtimes(root) == before, "nothing changed, nothing written"
    time.sleep(2.1)  # past the racy window: now the manifest alone says nothing changed
    assert site(root)[0] == 0
    code, out, _ = site(root)
    assert "site-src/ is up to date (27 files" in out, out


def test_an_edit_rewrites_only_the_pages_it_changes(root: Path) -> None:
    assert site(root)[0] == 0
    time.sleep(2.1)  # past the racy window: the manifest trusts file signatures from here
    assert site(root)[0] == 0
    note = root / "papers" / "kingma2014adam.md"
    before = mtimes(root)
    # Notes only (the body): the paper's own page, nothing that lists it.
    note.write_text(note.read_text(encoding="utf-8") + "\nOne more thought.\n", encoding="utf-8")
    code, out, _ = site(root)
    assert code == 0 and "1 written" in out, out
    after = mtimes(root)
    assert [path for path in after if after[path] != before.get(path)] == ["kingma2014adam.md"]
    assert "One more thought." in page(root / "site-src", "kingma2014adam.md")
    # The frontmatter (the status): the page and the listings, but no other paper's page unless it shows it.
    time.sleep(0.05)
    note.write_text(note.read_text(encoding="utf-8").replace("status: read", "status: reading", 1), encoding="utf-8")
    code, out, _ = site(root)
    changed = {path for path, ns in mtimes(root).items() if ns != after.get(path)}
    assert {"kingma2014adam.md", "index.md", "all.md"} <= changed, changed
    assert not {"he2015deep.md", "mikolov2013efficient.md"} & changed, changed
    # A note removed: its page goes too.
    note.unlink()
    code, out, err = site(root)
    assert code == 1 and "[[kingma2014adam]] links to no note" in err, "a note that linked to it is now broken"
    assert "1 removed" in out and not (root / "site-src" / "kingma2014adam.md").exists()


def test_a_broken_link_is_reported_on_every_run_not_only_when_its_page_is_written(root: Path) -> None:
    reading_note(root, "broken2020", "Broken", status="to-read")
    (root / "papers" / "broken2020.md").write_text("---\ntitle: Broken\n---\n\nSee [[nosuchpaper]].\n", encoding="utf-8")
    for _ in range(2):
        code, out, err = site(root)
        assert code == 1 and "papers/broken2020.md: [[nosuchpaper]] links to no note in the library" in err, err


def test_images_beside_the_notes_are_copied_but_never_a_symlink(root: Path, tmp_path: Path) -> None:
    (root / "papers" / "figures").mkdir()
    (root / "papers" / "figures" / "plot.png").write_bytes(b"\x89PNG fake")
    secret = tmp_path / "secret.txt"
    secret.write_text("private", encoding="utf-8")
    os.symlink(secret, root / "papers" / "figures" / "leak.png")
    os.symlink(tmp_path, root / "papers" / "shared-figures")
    os.mkfifo(root / "papers" / "figures" / "pipe")
    # What a browser opens as a document running scripts on the site's origin: left out.
    figures = root / "papers" / "figures"
    (figures / "chart.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle r="4"/></svg>')
    (figures / "blog.html").write_text("<p>A saved page <script>alert(1)</script></p>")
    hostile_svgs = {"onload.svg": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
                    "script.svg": "<svg><SCRIPT>alert(1)</SCRIPT></svg>",
                    "link.svg": '<svg><a xlink:href="java\tscript:alert(1)"><text>x</text></a></svg>',
                    "entity.svg": '<svg><a href="&#106;avascript:alert(1)"><text>x</text></a></svg>',
                    "foreign.svg": "<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>"}
    for name, text in hostile_svgs.items():
        (figures / name).write_text(text)
    (root / "papers" / "pdfs").mkdir()
    (root / "papers" / "pdfs" / "private.pdf").write_bytes(b"%PDF-1.7 kept for highlights, linked from no note")
    (figures / "unlinked.png").write_bytes(b"\x89PNG")
    note = root / "papers" / "kingma2014adam.md"
    shown = ["plot.png", "leak.png", "pipe", "chart.svg", "blog.html", *hostile_svgs]
    note.write_text(note.read_text(encoding="utf-8") + "\n" + " ".join(f"![{n}](figures/{n})" for n in shown) +
                    '\n<img src="shared-figures/x.png">\n', encoding="utf-8")
    code, _, err = site(root)
    assert code == 0
    assert (root / "site-src" / "figures" / "plot.png").read_bytes() == b"\x89PNG fake"
    assert not (root / "site-src" / "pdfs").exists() and not (root / "site-src" / "figures" / "unlinked.png").exists(), \
        "a file no note links to or shows is not published"
    assert "private.pdf" not in err and "unlinked.png" not in err, "and is no news to `site` (check names it)"
    assert not (root / "site-src" / "figures" / "leak.png").exists()
    assert not (root / "site-src" / "shared-figures").exists() and not (root / "site-src" / "figures" / "pipe").exists()
    assert "papers/figures/leak.png: not copied to the site: a symbolic link, which the site never follows" in err
    assert "papers/shared-figures: not copied to the site: a symbolic link" in err
    assert "papers/figures/pipe: not copied to the site: not a regular file" in err
    assert (root / "site-src" / "figures" / "chart.svg").exists(), "a picture that runs nothing is published"
    assert "papers/figures/blog.html: not copied to the site: a web page (.html), whose scripts would run on your site" in err
    for name in ["blog.html", *hostile_svgs]:
        assert not (root / "site-src" / "figures" / name).exists(), name
        assert f"papers/figures/{name}: not copied to the site" in err, (name, err)


def test_a_tree_of_folders_a_thousand_deep_is_no_trap(root: Path) -> None:
    """A committed tree of folders deeper than Python's recursion (os.walk recurses before 3.12)
    raised RecursionError in `site` and `check`; the walk now keeps its own stack and stops at
    MAX_FOLDER_DEPTH."""
    from papernotes.files import MAX_FOLDER_DEPTH

    deep = root / "papers" / "deep"
    deep.mkdir()
    folder = deep
    for _ in range(1200):  # one level at a time: Path.mkdir(parents=True) recurses too
        folder = folder / "a"
        folder.mkdir()
    (folder / "bottom.png").write_bytes(b"\x89PNG")
    (deep / "a" / "near.png").write_bytes(b"\x89PNG")
    try:
        code, _, err = site(root)
        assert code == 0 and "RecursionError" not in err, err
        checked = run_script("check.py", "--root", root)
        assert "RecursionError" not in checked.stdout + checked.stderr, checked.stderr
        assert "papers/deep:1: warning: a folder no note links into (the site leaves out its 1 file)" in checked.stdout, \
            f"near.png is found; bottom.png lies deeper than {MAX_FOLDER_DEPTH} folders"
    finally:  # bottom up, one level at a time: pytest's own clean-up (shutil.rmtree) recurses as well
        (folder / "bottom.png").unlink()
        (deep / "a" / "near.png").unlink()
        while folder != deep:
            folder.rmdir()
            folder = folder.parent


def test_pictures_are_found_however_many_notes_there_are(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The scan of papers/ is bounded by what lies beside the notes: the notes do not count, or a
    library of more notes than the bound would publish none of its pictures in folders."""
    import papernotes.store.library
    from papernotes.services.site import generate

    notes = len(list((root / "papers").glob("*.md")))
    monkeypatch.setattr(papernotes.store.library, "MAX_STRAY_SCAN", 2)
    assert notes > 2
    (root / "papers" / "figures").mkdir()
    for name in ("a.png", "b.png", "c.png"):
        (root / "papers" / "figures" / name).write_bytes(b"\x89PNG " + name.encode())
    note = root / "papers" / "kingma2014adam.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n![a](figures/a.png) ![b](figures/b.png) ![c](figures/c.png)\n",
                    encoding="utf-8")
    result = generate(root, root / "site-src", dt.date(2026, 11, 29))
    copied = sorted(p.name for p in (root / "site-src" / "figures").iterdir())
    assert copied == ["a.png", "b.png"], "the first two pictures, the bound's worth"
    assert {"figures/a.png", "figures/b.png"} <= set(result.written)


def test_the_staging_folder_must_be_a_folder_of_its_own(root: Path) -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("docs_dir: site-src", "docs_dir: papers"), encoding="utf-8")
    code, _, err = site(root)
    assert code == 1 and "docs_dir is 'papers', a folder of the library's own" in err, err
    notes = {p.name: p.read_bytes() for p in (root / 'papers').iterdir()}
    build_result = build(root)
    assert build_result.returncode != 0 and "set docs_dir: site-src" in build_result.stderr, build_result.stderr[-2000:]
    assert {p.name: p.read_bytes() for p in (root / 'papers').iterdir()} == notes, "an old mkdocs.yml never costs a note"
    assert not (root / "papers" / "index.md").exists()


@pytest.mark.slow
def test_zensical_builds_the_same_pages(root: Path) -> None:
    """Zensical runs no hooks: `papernotes site --build --engine zensical` generates, then builds."""
    add_hostile(root)
    result = build(root, "zensical", **TODAY)
    assert result.returncode == 0, result.stderr[-3000:]
    built = root / "site"
    for path in ("index.html", "all/index.html", "topics/index.html", "topics/nlp/embeddings/index.html",
                 "tags/index.html", "timeline/index.html", "reading-log/index.html", "trails/index.html",
                 "inbox/index.html", "devlin2018bert/index.html", "feed.xml", "library.bib", "plan.ics"):
        assert (built / path).is_file(), path
    bert = page(built, "devlin2018bert/index.html")
    assert 'class="paper-header"' in bert and 'href="../vaswani2017attention/"' in bert
    assert '<meta property="og:title" content="BERT: Pre-training' in bert
    tags = page(built, "tags/index.html")
    assert 'id="tag:pretraining"' in tags and 'href="../devlin2018bert/"' in tags
    assert_no_executable_markup(built)
    evil = page(built, "evil2020script/index.html")
    assert "&lt;script&gt;alert(" in evil


@pytest.mark.slow
def test_properdocs_builds_it_as_mkdocs_does(root: Path) -> None:
    """ProperDocs, the community's continuation of MkDocs 1.x, reads the same mkdocs.yml and runs the hook."""
    result = subprocess.run([sys.executable, "-m", "properdocs", "build", "--strict", "-f", "mkdocs.yml"], cwd=root,
                            capture_output=True, text=True, timeout=300, env={**os.environ, **TODAY})
    assert result.returncode == 0, result.stderr[-3000:]
    bert = page(root / "site", "devlin2018bert/index.html")
    assert 'class="paper-header"' in bert and 'href="../vaswani2017attention/"' in bert
    assert (root / "site" / "tags" / "index.html").is_file() and (root / "site" / "feed.xml").is_file()


def use_pagefind(root: Path) -> None:
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", "[tool.papernotes]\nsite_search = \"pagefind\"\n", 1),
                        encoding="utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_pagefind_indexes_the_papers_pages_only(root: Path, engine: str) -> None:
    """Above 2,000 notes (or when chosen) Pagefind searches the site: the papers' pages, without their
    BibTeX or link lines, and the theme's own index stays empty."""
    use_pagefind(root)
    result = build(root, engine, **TODAY)
    assert result.returncode == 0, result.stderr[-3000:]
    built = root / "site"
    entry = json.loads((built / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["en"]["page_count"] == 8, "the eight papers, not the listings or the home page"
    assert (built / "search" / "index.html").is_file() and 'id="pagefind-search"' in page(built, "search/index.html")
    if engine == "mkdocs":
        theme_index = json.loads(page(built, "search/search_index.json"))
        assert len(json.dumps(theme_index)) < 1000, "the theme's index is left empty"
    assert "data-pagefind-body" in page(built, "devlin2018bert/index.html")
    assert "data-pagefind-body" not in page(built, "index.html")
    if engine == "mkdocs":
        # The preview's rebuild after a saved note (dirty) keeps the index; a clean build makes it anew.
        made = (built / "pagefind" / "pagefind-entry.json").stat().st_mtime_ns
        note = root / "papers" / "kingma2014adam.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nA saved thought.\n", encoding="utf-8")
        dirty = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--dirty", "--no-strict"], cwd=root,
                               env={**os.environ, **TODAY, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True)
        assert dirty.returncode == 0, dirty.stderr[-3000:]
        assert "A saved thought." in page(built, "kingma2014adam/index.html")
        assert (built / "pagefind" / "pagefind-entry.json").stat().st_mtime_ns == made
        assert build(root, engine, **TODAY).returncode == 0
        assert (built / "pagefind" / "pagefind-entry.json").stat().st_mtime_ns != made


class Preview:
    """`papernotes site --serve` with `engine`, on a free port, in a process group of its own."""

    def __init__(self, root: Path, engine: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = subprocess.Popen([sys.executable, str(root / "tools" / "site.py"), "--serve", "--engine", engine,
                                        "--dev-addr", f"127.0.0.1:{self.port}"], cwd=root, env={**os.environ, **TODAY},
                                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)

    def fetch(self, path: str) -> tuple[int, str]:
        """The HTTP status and text of the page at `path` (0 when nothing answers)."""
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=5) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
        except OSError:
            return 0, ""

    def until(self, what: str, check: Callable[[], bool], seconds: float = 60) -> float:
        """Seconds until `check` holds; fails naming `what` after `seconds` or if the server stopped."""
        start = time.monotonic()
        while not check():
            assert time.monotonic() - start < seconds and self.server.poll() is None, what
            time.sleep(0.1)
        return time.monotonic() - start

    def stop(self) -> str:
        """Stopped as `kill` stops it (killed if it lingers); what it said on stderr."""
        if self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)
        try:
            _, err = self.server.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.server.pid, signal.SIGKILL)
            _, err = self.server.communicate()
        return err.decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_saved_note_shows_in_the_preview(root: Path, engine: str) -> None:
    """`papernotes site --serve`: the engine's server, and a saved note's words on its page soon after."""
    preview = Preview(root, engine)
    try:
        preview.until("the preview never served the page", lambda: "Adam" in preview.fetch("kingma2014adam/")[1], 120)
        note = root / "papers" / "kingma2014adam.md"
        note.write_text(note.read_text(encoding="utf-8") + "\nA thought saved while the preview runs.\n", encoding="utf-8")
        seconds = preview.until("the saved note never reached the preview",
                                lambda: "A thought saved while the preview runs." in preview.fetch("kingma2014adam/")[1])
        print(f"{engine}: the saved note showed after {seconds:.1f} s")
    finally:
        assert "Traceback" not in preview.stop()


@pytest.mark.slow
def test_the_mkdocs_preview_follows_new_renamed_broken_and_deleted_notes(root: Path) -> None:
    """The MkDocs preview renders again only what a save touched: a new note gets its page and its
    place on its topic's page, a new title reaches the listings, a half-written note is one error
    line and the preview goes on, a deleted note's page goes."""
    preview = Preview(root, "mkdocs")
    server, fetch, until = preview.server, preview.fetch, preview.until
    err_before_stop = b""
    try:
        until("the preview never served the page", lambda: "Adam" in fetch("kingma2014adam/")[1])
        reading_note(root, "fresh2026note", "A note written while previewing", topic="nlp")
        until("the new note's page", lambda: "A note written while previewing" in fetch("fresh2026note/")[1])
        until("the new note on its topic's page", lambda: "A note written while previewing" in fetch("topics/nlp/")[1])
        adam = root / "papers" / "kingma2014adam.md"
        text = adam.read_text(encoding="utf-8")
        adam.write_text(text.replace("A Method for", "A Renamed Method for", 1), encoding="utf-8")
        until("the new title in the timeline", lambda: "A Renamed Method" in fetch("timeline/")[1])
        adam.write_text("---\ntitle: [unclosed\n", encoding="utf-8")  # an editor's half-written save
        time.sleep(1.5)
        assert server.poll() is None and fetch("kingma2014adam/")[0] == 200, "the preview goes on"
        adam.write_text(text + "\nSaved whole again.\n", encoding="utf-8")
        until("the mended note", lambda: "Saved whole again." in fetch("kingma2014adam/")[1])
        (root / "papers" / "fresh2026note.md").unlink()
        until("the deleted note's page gone", lambda: fetch("fresh2026note/")[0] == 404)
        # Stopped while it rebuilds (after a change to mkdocs.yml: everything), it stops all the same.
        config = root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        assert server.stderr is not None
        said = b""
        deadline = time.monotonic() + 30
        while b"Cleaning site directory" not in said.split(b"Detected file changes")[-1]:
            assert time.monotonic() < deadline, "the rebuild never started"
            if select.select([server.stderr], [], [], 1)[0]:
                said += os.read(server.stderr.fileno(), 65536)
        server.send_signal(signal.SIGTERM)  # the full build is under way
        assert server.wait(timeout=30) == 130
        err_before_stop = said
    finally:
        err = preview.stop().encode("utf-8")
    said_all = (err_before_stop + err).decode("utf-8")
    assert "kingma2014adam.md" in said_all and "Traceback" not in said_all, said_all[-3000:]


def test_a_damaged_manifest_removes_nothing_outside_the_staging_folder(root: Path) -> None:
    assert site(root)[0] == 0
    manifest = DataCache(root, "site-manifest.json", (MANIFEST_FORMAT,))
    data = manifest.load()
    data["pages"]["../papers/kingma2014adam.md"] = "x"
    data["pages"]["../pyproject.toml"] = "x"
    manifest.save(data)
    (root / "papers" / "he2015deep.md").write_text((root / "papers" / "he2015deep.md").read_text(encoding="utf-8") + "\nMore.\n",
                                                   encoding="utf-8")
    assert site(root)[0] == 0
    assert (root / "papers" / "kingma2014adam.md").is_file() and (root / "pyproject.toml").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_stopping_the_preview_stops_its_server(root: Path, engine: str) -> None:
    """`papernotes site --serve & kill $!`: the engine's server goes too, and its port is free."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = subprocess.Popen([sys.executable, str(root / "tools" / "site.py"), "--serve", "--engine", engine,
                                "--dev-addr", f"127.0.0.1:{port}"], cwd=root, env={**os.environ, **TODAY},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            with socket.socket() as client:
                if client.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline and command.poll() is None, "the preview never listened"
            time.sleep(0.2)
        command.send_signal(signal.SIGTERM)  # the command only, as `kill $!` does
        command.wait(timeout=30)
        with socket.socket() as again:
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))  # the port is free: no server left behind
    finally:
        if command.poll() is None:
            os.killpg(command.pid, signal.SIGKILL)
        try:
            os.killpg(command.pid, signal.SIGKILL)  # whatever is left of its group, had the test failed
        except ProcessLookupError:
            pass


def test_a_deleted_notes_page_goes_even_without_the_manifest(root: Path) -> None:
    """`rm -rf .cache; git rm papers/X.md; papernotes site`: the staging folder is the site's, and
    whatever a run did not make there goes, manifest or not."""
    reading_note(root, "gone2020paper", "A paper soon deleted")
    assert site(root)[0] == 0
    assert (root / "site-src" / "gone2020paper.md").is_file()
    shutil.rmtree(root / ".cache")
    (root / "papers" / "gone2020paper.md").unlink()
    (root / "site-src" / "stray.md").write_text("# Put here by hand\n", encoding="utf-8")
    code, out, err = site(root)
    assert code == 0, err
    assert not (root / "site-src" / "gone2020paper.md").exists() and not (root / "site-src" / "stray.md").exists()
    assert (root / "site-src" / ".gitignore").is_file(), "the folder's own dot-files stay"


@pytest.mark.slow
def test_a_zensical_build_after_a_zotero_import_warns_of_nothing_generated(root: Path) -> None:
    """BibTeX's `[cs, stat]` in a paper's BibTeX block is no link reference: the only warnings left
    are of brackets the reader wrote in their own notes (the example note's `[CLS]`)."""
    import re

    assert run_script("bib.py", "--root", root, "import", REPO / "tests" / "data" / "bibtex" /
                      "brendon-boldt_phd-thesis_zotero.bib").returncode == 0
    built = build(root, "zensical", PAPERNOTES_TODAY="2026-11-29")
    assert built.returncode == 0, built.stderr[-2000:]
    plain = re.sub(r"\x1b\[[0-9;]*m", "", built.stdout + built.stderr)
    places = re.findall(r"\[ ([\w.-]+\.md):\d+:\d+ \]", plain)
    assert set(places) <= {"devlin2018bert.md"}, sorted(set(places))[:10]


def test_a_fork_overrides_a_pages_template_and_its_values_stay_escaped(root: Path) -> None:
    """The paper header, the stylesheet and the search scripts are templates in templates/: a fork
    that edits one sees it on its pages, and an HTML template (NAME.html.j2) still escapes every value."""
    (root / "templates" / "site_paper_header.html.j2").write_text(
        '<div class="paper-header my-own-header"><h1>{{ title|safe }}</h1><p>{{ venue }} · {{ paper.year }}</p></div>\n',
        encoding="utf-8")
    (root / "templates" / "site_stylesheet.css.j2").write_text(".my-own-header { color: teal; }\n", encoding="utf-8")
    note = root / "papers" / "evil2021venue.md"
    note.write_text("---\ntitle: A paper\nyear: 2021\nvenue: '<img src=x onerror=alert(1)>'\n---\n\nNotes.\n", encoding="utf-8")
    code, _, err = site(root)
    assert code == 0, err
    staged = root / "site-src"
    page_text = (staged / "evil2021venue.md").read_text(encoding="utf-8")
    assert 'class="paper-header my-own-header"' in page_text
    assert "&lt;img src=x onerror=alert(1)&gt;" in page_text and "<img src=x" not in page_text
    assert (staged / "stylesheets" / "papernotes.css").read_text(encoding="utf-8") == ".my-own-header { color: teal; }\n"


def test_pages_convert_the_same_with_their_html_blocks_set_aside(root: Path) -> None:
    """The html_blocks extension sets the generated HTML blocks aside while Python-Markdown converts
    a page (it would parse every tag only to pass it on) and puts them back: the page comes out as it
    would have, and a fence written in a note is the note's text, not a block."""
    import markdown
    from papernotes.present.html_blocks import END, START, START_UNSEARCHED, HtmlBlocks, put_back_deferred

    add_hostile(root)
    (root / "papers" / "vaswani2017attention.md").write_text(
        (root / "papers" / "vaswani2017attention.md").read_text(encoding="utf-8")
        + "\n<!-- papernotes:html -->\n**still Markdown**\n<!-- /papernotes:html -->\n", encoding="utf-8")
    for key, left_open in (("kingma2014adam", "\n<div class=\"mine\">\nleft open\n"), ("mikolov2013efficient", "\n```python\nx = 1\n")):
        note = root / "papers" / f"{key}.md"
        note.write_text(note.read_text(encoding="utf-8") + left_open, encoding="utf-8")  # the rest is the note's HTML, or code
    code, _, err = site(root)
    assert code == 0, err
    extensions: list[object] = ["toc", "admonition", "pymdownx.superfences", "pymdownx.tasklist", "pymdownx.arithmatex"]
    compared = 0
    for path, text in staged(root).items():
        if not path.endswith(".md") or path == "evil2020script.md":  # its own scripts are left out (test_present)
            continue
        body = text.decode("utf-8").split("\n---\n", 1)[1]
        plain = markdown.markdown(body, extensions=extensions)
        expected = [line for line in plain.splitlines() if line.strip() and line not in (START, START_UNSEARCHED, END)]
        for defer in (False, True):  # as Zensical runs it, and as MkDocs with the hook does
            fast = markdown.markdown(body, extensions=[*extensions, HtmlBlocks(defer_unsearched=defer)])
            if defer:
                fast = put_back_deferred(fast)
            # Line for line, each line read as a browser's parser would (the raw HTML of a page's own
            # text is written again tag by tag: `disabled/>` may come back as `disabled />`).
            assert [tokens(line) for line in fast.splitlines() if line.strip()] == [tokens(line) for line in expected], (path, defer)
        compared += START in body
    assert compared >= 12, "paper pages, the tables, topics, tags and timeline have blocks"
    vaswani = staged(root)["vaswani2017attention.md"].decode("utf-8").split("\n---\n", 1)[1]
    assert "<strong>still Markdown</strong>" in markdown.markdown(vaswani, extensions=[HtmlBlocks()]), \
        "a note's own fence is not the generator's"


def test_a_saved_notes_page_is_written_first_and_then_agrees_with_the_whole_run(root: Path) -> None:
    """`site --serve` with Zensical writes the saved note's page at once from the last run's state,
    then regenerates everything: the page is then what a run from nothing makes, its BibTeX too."""
    from papernotes.services.site import generate, stage_saved_first

    day = dt.date(2026, 11, 29)
    built = generate(root, root / "site-src", day).builder
    assert built is not None
    note = root / "papers" / "kingma2014adam.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("A Method for", "A Renamed Method for", 1) + "\nA thought saved just now.\n", encoding="utf-8")
    broken = root / "papers" / "he2015deep.md"
    broken.write_text("---\ntitle: [unclosed\n", encoding="utf-8")  # half-written by an editor
    reading_note(root, "fresh2026note", "A note that has no page yet")
    before = staged(root)

    written = stage_saved_first(root, root / "site-src", built, ["kingma2014adam.md", "he2015deep.md", "fresh2026note.md"])

    assert written == ["kingma2014adam.md"]
    after = staged(root)
    assert {path for path in after if after[path] != before.get(path)} == {"kingma2014adam.md"}
    first = after["kingma2014adam.md"].decode("utf-8")
    assert "A thought saved just now." in first and "A Renamed Method for" in first.split("paper-bibtex")[1].split("</details>")[0], \
        "the page and its BibTeX show the saved note"
    broken.write_text("---\ntitle: Deep Residual Learning\nyear: 2015\n---\n", encoding="utf-8")
    generate(root, root / "site-src", day)
    again = staged(root)
    shutil.rmtree(root / "site-src")
    shutil.rmtree(root / ".cache")
    generate(root, root / "site-src", day)
    assert again == staged(root), "the saved note's page first, then everything as a run from nothing makes it"
    assert stage_saved_first(root, root / "site-src", built, ["a.md", "b.md", "c.md", "kingma2014adam.md"]) == [], \
        "more notes saved at once than SAVED_FIRST: the whole run alone"


def test_a_note_that_does_not_load_is_said_once_while_previewing(capsys: pytest.CaptureFixture[str]) -> None:
    """The preview's loop reports a half-written note with the command's own error line: `error: `
    once, as the command line prints LibraryProblems (it was "error: error: papers/...")."""
    from papernotes.commands import common
    from papernotes.store.library import LibraryProblems
    from papernotes.store.notefile import NoteProblem

    common.error(str(LibraryProblems([NoteProblem("papers/adam.md", 1, "frontmatter has no closing '---' line")])))
    common.error("cannot read papers/")
    assert capsys.readouterr().err.splitlines() == [
        "error: papers/adam.md:1: frontmatter has no closing '---' line", "1 note could not be loaded",
        "error: cannot read papers/"]


@pytest.mark.slow
def test_a_renamed_and_a_new_note_show_in_the_zensical_preview(root: Path) -> None:
    """Zensical 0.0.41's preview builds no new page once a file of its folder was deleted: the loop
    keeps a gone note's page until the preview restarts, so a renamed note and a note added after it
    show (they never did)."""
    preview = Preview(root, "zensical")
    try:
        preview.until("the preview never served the page", lambda: "Adam" in preview.fetch("kingma2014adam/")[1])
        reading_note(root, "fresh2026note", "A note written while previewing")
        preview.until("the new note's page", lambda: "A note written while previewing" in preview.fetch("fresh2026note/")[1])
        (root / "papers" / "fresh2026note.md").rename(root / "papers" / "renamed2026note.md")
        preview.until("the renamed note's page",
                      lambda: "A note written while previewing" in preview.fetch("renamed2026note/")[1])
        reading_note(root, "later2026note", "A note written after the rename")
        preview.until("a note added after it", lambda: "A note written after the rename" in preview.fetch("later2026note/")[1])
    finally:
        said = preview.stop()
    assert "warning: the preview keeps 1 page gone from the site until it is started again" in said, said[-2000:]
    assert "Traceback" not in said
    assert site(root)[0] == 0 and not (root / "site-src" / "fresh2026note.md").exists(), "the next run removes it"
