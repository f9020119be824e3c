"""Hostile input: every run is bounded (memory, time, size), nothing is written wrong, and every
failure is one line naming the input. Each subprocess runs under a memory cap and a timeout, so a
regression fails here instead of taking the machine down."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from capped import TIME_CAP, one_line_error, tool
from conftest import (
    LIBRARY_DATA,
    REPO,
    TOOLS,
    interruptible,
    popen_with_small_pipe,
    script_env,
    settled_cache,
)
from fakearxiv import FEED_HEAD, FakeArxiv, make_entry
from fakes2 import FakeS2
from hypothesis import given, settings
from hypothesis import strategies as st
from papernotes.store.notefile import NoteError, parse_note

# -- notes -----------------------------------------------------------------------------------------------

ALIAS_BOMB = "---\ntitle: x\nl0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)) + "---\n"


def test_an_alias_bomb_is_refused(example_library: Path) -> None:
    (example_library / "papers" / "bomb.md").write_text(ALIAS_BOMB, encoding="utf-8")
    result = tool("index.py", "--root", example_library)
    one_line_error(result, "papers/bomb.md:3: anchors and aliases are not supported")
    cache = example_library / ".cache"
    assert sum(p.stat().st_size for p in cache.rglob("*") if p.is_file()) < 1024 * 1024


def test_huge_and_special_files_are_refused_without_hanging(example_library: Path) -> None:
    papers = example_library / "papers"
    os.mkfifo(papers / "fifo.md")
    (papers / "huge.md").write_bytes(b"---\ntitle: x\n---\n" + b"y" * (5 * 1024 * 1024))
    (papers / "longtitle.md").write_text("---\ntitle: \"a" + " " * 480_000 + "b\"\n---\n", encoding="utf-8")
    (papers / "spaces.md").write_text("---\ntitle: \"a" + " " * 200_000 + "b\"\n---\n", encoding="utf-8")
    (papers / "directory.md").mkdir()
    start = time.monotonic()
    result = tool("index.py", "--root", example_library)
    assert time.monotonic() - start < 30
    one_line_error(result, "papers/fifo.md:1: not a regular file", "papers/huge.md:1: larger than 4 MiB",
                   "papers/longtitle.md:1: frontmatter longer than 256 KiB", "papers/directory.md:1: not a regular file")
    assert "spaces.md" not in result.stderr, "a long line is read in linear time"


@pytest.mark.parametrize(("text", "message"), [
    ("---\ntitle: One\n\"title\": Two\n---\n", "papers/bad.md:3: duplicate key 'title'"),
    ("---\ntitle: x\npublished: 2018-13-45\n---\n", "papers/bad.md:3: invalid YAML: '2018-13-45' is not a date that exists"),
    ("---\ntitle: x\nlinks: &l [a]\nmore: *l\n---\n", "papers/bad.md:3: anchors and aliases are not supported"),
    ("---\ntitle: x\ndeep: " + "[" * 3000 + "]" * 3000 + "\n---\n", "papers/bad.md:"),
])
def test_frontmatter_that_means_trouble_is_reported_with_its_line(library: Path, text: str, message: str) -> None:
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    (library / "papers" / "bad.md").write_text(text, encoding="utf-8")
    one_line_error(tool("index.py", "--root", library), message)


def test_keys_must_be_citation_keys_unique_ignoring_case(library: Path) -> None:
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    for name in ("my note.md", "a,b}c.md", "devlin2018bert.md", "Devlin2018bert.md"):
        (library / "papers" / name).write_text("---\ntitle: x\n---\n", encoding="utf-8")
    result = tool("index.py", "--root", library)
    one_line_error(result, "papers/my note.md:1: 'my note.md' is not a usable citation key",
                   "papers/a,b}c.md:1: 'a,b}c.md' is not a usable citation key",
                   "papers/devlin2018bert.md:1: the key differs from Devlin2018bert.md only by case")


@settings(max_examples=300)
@given(st.text(alphabet="-:[]{}&*!|>'\"#\n\r\t abc1é", max_size=200))
def test_any_text_either_loads_or_is_a_note_problem(text: str) -> None:
    try:
        parse_note("---\n" + text + "\n---\n", "papers/x.md")
    except NoteError as exc:
        assert exc.problem.line >= 1 and exc.problem.message


# -- caches ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_truncated_index_memo_is_not_trusted(example_library: Path) -> None:
    assert tool("index.py", "--root", example_library).returncode == 0
    time.sleep(2.1)  # past the racy window, so the memo is stored
    assert tool("index.py", "--root", example_library).returncode == 0
    memo = example_library / ".cache" / "papernotes" / "readme_index.json"
    good = (example_library / "README.md").read_bytes()
    memo.write_bytes(memo.read_bytes()[:-1669])
    assert tool("index.py", "--root", example_library, "--check").returncode == 0
    assert tool("index.py", "--root", example_library).returncode == 0
    assert (example_library / "README.md").read_bytes() == good


@pytest.mark.slow
def test_a_flipped_byte_in_the_note_cache_changes_nothing(example_library: Path) -> None:
    first = tool("bib.py", "--root", example_library, "export")
    assert first.returncode == 0, first.stderr
    expected = first.stdout
    settled_cache(example_library)  # every note trusted: a damaged entry would be used
    for name in ("notes.json", "abstracts.json"):
        cache = example_library / ".cache" / "papernotes" / name
        data = bytearray(cache.read_bytes())
        for position in range(40, len(data), max(1, len(data) // 15)):
            flipped = bytearray(data)
            flipped[position] ^= 0x20
            cache.write_bytes(bytes(flipped))
            assert tool("bib.py", "--root", example_library, "export").stdout == expected, (name, position)
        cache.write_bytes(bytes(data))


# -- BibTeX ------------------------------------------------------------------------------------------------


def test_a_macro_bomb_is_refused_and_the_rest_imported(library: Path) -> None:
    bomb = "@string{a0 = \"lol\"}\n" + "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, 30))
    bib = library / "bomb.bib"
    bib.write_text(bomb + "@article{good, title={A Good Paper}, author={Ada Lovelace}, year=2020}\n"
                   "@article{bad, title=a29, author={X Y}, year=2020}\n", encoding="utf-8")
    start = time.monotonic()
    result = tool("bib.py", "--root", library, "import", bib)
    assert time.monotonic() - start < 30
    assert result.returncode == 1 and "would expand it past 1024 KiB" in result.stderr
    assert "added papers/good.md" in result.stdout
    assert "entry 'a19': @string macros would expand it past" in result.stderr  # the first to cross the cap
    assert "3 entries, added 1 (priority 3), 0 already in the library, 2 malformed" in result.stderr


def test_entries_stand_alone_and_the_summary_always_comes(library: Path) -> None:
    bib = library / "mixed.bib"
    long_key = "k" * 300
    bib.write_text("@article{valid, title={Valid Entry}, author={Ada Lovelace}, year=2020}\n"
                   "junk } text { after @ it\n"
                   f"@article{{{long_key}, title={{Long Key}}, author={{Grace Hopper}}, year=2021}}\n"
                   "@article{index, title={Named Like a Page}, author={Alan Turing}, year=1950}\n", encoding="utf-8")
    result = tool("bib.py", "--root", library, "import", bib)
    assert "added papers/valid.md  Valid Entry" in result.stdout
    assert "added papers/hopper2021long.md  Long Key" in result.stdout, "a key too long for a file name gets another"
    assert "added papers/turing1950named.md" in result.stdout, "a key that is a site page's name gets another"
    assert result.stderr.strip().endswith("3 entries, added 3 (priority 3), 0 already in the library, 0 malformed")


def test_a_latin1_bib_is_read_as_such(library: Path) -> None:
    bib = library / "latin1.bib"
    bib.write_bytes("@article{m, title={\u00dcber alles}, author={J\u00fcrgen M\u00fcller}, year=2020}\n".encode("latin-1"))
    result = tool("bib.py", "--root", library, "import", bib)
    assert result.returncode == 0, result.stderr
    assert "latin1.bib:1: not UTF-8; read as cp1252" in result.stderr
    text = (library / "papers" / "m.md").read_text(encoding="utf-8")
    assert "Jürgen Müller" in text and "Über alles" in text


# -- settings ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("settings_text", "message"), [
    ("tool = 'x'\n", "[tool.papernotes] must be a table of settings"),
    ("[tool.papernotes]\npapers_dir = 5\n", "papers_dir must be a folder inside the library"),
    ("[tool.papernotes]\npapers_dir = '../elsewhere'\n", "papers_dir must be a folder inside the library"),
    ("[tool.papernotes]\npaper_dir = 'x'\n", "unknown setting tool.papernotes.paper_dir"),
    ("[tool.papernotes\n", "pyproject.toml"),
])
def test_bad_settings_are_named(example_library: Path, settings_text: str, message: str) -> None:
    (example_library / "pyproject.toml").write_text(settings_text, encoding="utf-8")
    one_line_error(tool("index.py", "--root", example_library), message)
    one_line_error(tool("list.py", "--root", example_library), message)


# -- the network ---------------------------------------------------------------------------------------------


def gzip_bomb() -> bytes:
    """A feed's first tag and 300 MB of spaces, gzipped (300 KB), a megabyte at a time: made when the
    server starts, not when the module is collected (that cost every test worker a second and 300 MB),
    nor while a client waits for its answer (a second under load, past its timeout)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)  # 31: the gzip format
    spaces = b" " * (1024 * 1024)
    return b"".join([packer.compress(b"<feed>"), *(packer.compress(spaces) for _ in range(300)), packer.flush()])


class _Hostile(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    pages = 0
    bomb = b""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        kind = self.path.split("/")[1]
        if kind == "bomb":
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(self.bomb)))
            self.end_headers()
            self.wfile.write(self.bomb)
        elif kind == "trickle":
            self.send_response(200)
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(100000):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
        elif kind == "loop":
            self.send_response(302)
            self.send_header("Location", self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "headers":  # a header line every half second: no read ever times out
            self.send_response(200)
            try:
                for number in range(90):
                    self.send_header(f"X-Slow-{number}", "1")
                    self.flush_headers()
                    time.sleep(0.5)
            except OSError:
                pass
        elif kind == "busy":
            self.send_response(503)
            self.send_header("Retry-After", "100000")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif kind == "claims":  # a search that claims a billion results, 500 real ones a page
            start = int(self.path.split("start=")[1].split("&")[0]) if "start=" in self.path else 0
            type(self).pages += 1
            body = (FEED_HEAD.format(query="x", per_page=500, total=10**9, start=start)
                    + "".join(make_entry(f"2611.{start + n + 1:05d}", f"Paper {start + n + 1}", ["A B"],
                                         published="2026-11-25T10:00:00Z") for n in range(500)) + "</feed>\n").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif kind == "chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.wfile.write(b"100\r\n<feed")
            self.wfile.flush()
            self.connection.shutdown(2)


@pytest.fixture(scope="module")
def hostile_server() -> Iterator[str]:
    _Hostile.bomb = gzip_bomb()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hostile)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(("path", "message"), [
    ("bomb", "is larger than 32 MiB; not read"),
    ("trickle", "did not answer usefully"),
    ("loop", "too many redirects"),
    ("chunked", "did not answer usefully"),
    ("headers", "did not answer usefully"),
])
@pytest.mark.slow
def test_hostile_servers_are_bounded(library: Path, hostile_server: str, path: str, message: str) -> None:
    start = time.monotonic()
    result = tool("add.py", "--root", library, "1810.04805", ARXIV_API_URL=f"{hostile_server}/{path}/api/query",
                  ARXIV_API_TIMEOUT="1")
    assert time.monotonic() - start < 45
    one_line_error(result, message)
    assert list((library / "papers").iterdir()) == []


@pytest.mark.parametrize(("env", "message"), [
    ({"ARXIV_API_URL": "not a url"}, "ARXIV_API_URL='not a url' is not an http(s) URL"),
    ({"ARXIV_API_DELAY": "nan"}, "ARXIV_API_DELAY='nan' must be a number of seconds"),
    ({"ARXIV_API_TIMEOUT": "-1"}, "ARXIV_API_TIMEOUT='-1' must be a number of seconds"),
    ({"S2_API_URL": "ftp://x"}, "S2_API_URL='ftp://x' is not an http(s) URL"),
])
def test_bad_environment_is_named(library: Path, env: dict[str, str], message: str) -> None:
    paper = "10.1000/x" if "S2_API_URL" in env else "1810.04805"
    one_line_error(tool("add.py", "--root", library, paper, **env), message)


# -- the command line --------------------------------------------------------------------------------------


def test_unusual_inputs_and_outputs(library: Path, arxiv_server: FakeArxiv) -> None:
    bare = tool("add.py", "--root", library)
    assert bare.returncode == 2 and "error: nothing to add" in bare.stderr, "bad usage exits 2, as everywhere"
    usage = tool("add.py", "--root", library, "--status", "done", "1810.04805")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    one_line_error(tool("add.py", "--root", library, "--from", "/dev/zero"), "--from /dev/zero: not a regular file")
    closed = subprocess.run([sys.executable, str(TOOLS / "add.py"), "--root", str(library), "--from", "-"],
                            capture_output=True, text=True,
                            env=script_env(), timeout=TIME_CAP, preexec_fn=lambda: os.close(0))
    one_line_error(closed, "standard input is closed")
    arxiv_server.add("1810.04805", "BERT", ["Jacob Devlin"])
    with open("/dev/full", "w") as full:
        result = subprocess.run([sys.executable, str(TOOLS / "add.py"), "--root", str(library), "1810.04805"],
                                stdout=full, stderr=subprocess.PIPE, text=True, env=script_env(arxiv_server), timeout=TIME_CAP)
    assert result.returncode == 1
    assert result.stderr == ("error: could not write to standard output (No space left on device); it said:\n"
                             "added papers/devlin2018bert.md  BERT\n")
    assert (library / "papers" / "devlin2018bert.md").exists()


def test_readme_that_is_a_directory_or_a_symlink(example_library: Path) -> None:
    readme = example_library / "README.md"
    target = example_library / "docs-readme.md"
    readme.rename(target)
    readme.symlink_to(target.name)
    assert tool("index.py", "--root", example_library).returncode == 0
    assert readme.is_symlink() and "papernotes:index:start" in target.read_text(encoding="utf-8")
    readme.unlink()
    readme.mkdir()
    one_line_error(tool("index.py", "--root", example_library), "README.md is not a regular file")


def test_leftover_temporary_files_are_ignored_and_cleaned(example_library: Path) -> None:
    papers = example_library / "papers"
    dead = papers / ".devlin2018bert.md.4194000.deadbeef.tmp"
    dead.write_text("half a note", encoding="utf-8")
    assert tool("index.py", "--root", example_library).returncode == 0
    assert not dead.exists()
    shutil.copy(REPO / ".gitignore", example_library / ".gitignore")
    subprocess.run(["git", "init", "-q", str(example_library)], check=True)
    dead.write_text("again", encoding="utf-8")
    ignored = subprocess.run(["git", "-C", str(example_library), "check-ignore", "-q", str(dead)])
    assert ignored.returncode == 0, ".*.tmp files are ignored by git"


def test_ctrl_c_while_adding_leaves_what_was_printed_on_disk(library: Path, arxiv_server: FakeArxiv) -> None:
    # Enough papers that the interrupt lands mid-way even when this test is descheduled under load.
    ids = [f"2101.{i:05d}" for i in range(1, 601)]
    for ident in ids:
        arxiv_server.add(ident, f"Paper {ident}", ["Ada Lovelace"], published="2021-01-05T00:00:00Z")
    proc = popen_with_small_pipe([sys.executable, str(TOOLS / "add.py"), "--root", str(library), *ids],
                                 stderr=subprocess.PIPE, env=script_env(arxiv_server))
    assert proc.stdout is not None
    printed = [proc.stdout.readline().decode() for _ in range(15)]
    proc.send_signal(signal.SIGINT)
    rest, _ = proc.communicate(timeout=TIME_CAP)
    printed += rest.decode().splitlines(keepends=True)
    added = {line.split()[1].split("/")[1] for line in printed if line.startswith("added ")}
    on_disk = {p.name for p in (library / "papers").glob("*.md")}
    assert proc.returncode == 130 and 15 <= len(added) < len(ids)
    assert added == on_disk


@pytest.mark.parametrize(("file", "text", "message"), [
    ("papers/bad.md", "---\ntitle: x\npublished: 2018-13-45\n---\n", "papers/bad.md:3: invalid YAML: '2018-13-45' is not a date"),
    ("papers/bad.md", ALIAS_BOMB, "papers/bad.md:3: anchors and aliases are not supported"),
    ("pyproject.toml", "tool = 'x'\n", "[tool.papernotes] must be a table of settings"),
    ("pyproject.toml", "[tool.papernotes]\npapers_dir = 5\n", "papers_dir must be a folder inside the library"),
])
def test_the_site_build_names_what_is_wrong(tmp_path: Path, file: str, text: str, message: str) -> None:
    from sitekit import build, copy_library

    root = copy_library(tmp_path)
    (root / file).write_text(text, encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr, result.stderr[-2000:]


def test_a_reader_that_stops_early_is_a_broken_pipe_not_success(example_library: Path) -> None:
    for number in range(400):  # more than a pipe holds
        (example_library / "papers" / f"filler{number}.md").write_text(
            f"---\ntitle: Filler paper number {number} with a long enough title to fill a pipe\nyear: 2001\n---\n",
            encoding="utf-8")
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head` that has already stopped reading
    try:
        result = subprocess.run([sys.executable, str(TOOLS / "bib.py"), "--root", str(example_library), "export"],
                                stdout=write_end, stderr=subprocess.PIPE, text=True, env=script_env(), timeout=TIME_CAP)
    finally:
        os.close(write_end)
    assert result.returncode == 1
    assert result.stderr == "error: standard output was closed before everything was written (broken pipe)\n"


@pytest.mark.parametrize("target", ["/dev/null", "link", "folder", "missing/plan.ics", "fifo"])
def test_outputs_go_only_to_regular_files(example_library: Path, target: str) -> None:
    """As root, replacing a device with a regular file breaks the machine: -o and --ics refuse it."""
    (example_library / "real.bib").write_text("kept\n", encoding="utf-8")
    (example_library / "link").symlink_to("real.bib")
    (example_library / "folder").mkdir()
    os.mkfifo(example_library / "fifo")
    path = target if target.startswith("/") else str(example_library / target)
    for result in (tool("bib.py", "--root", example_library, "export", "-o", path),
                   tool("plan.py", "--root", example_library, "--ics", path, PAPERNOTES_TODAY="2026-11-30")):
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith(f"error: {path}"), result.stderr
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")
    assert (example_library / "link").is_symlink() and (example_library / "real.bib").read_text(encoding="utf-8") == "kept\n"
    assert not (example_library / "missing").exists()


@pytest.mark.parametrize("source", ["fifo", "/dev/zero", "folder"])
def test_inputs_are_read_only_from_regular_files(example_library: Path, source: str) -> None:
    os.mkfifo(example_library / "fifo")
    (example_library / "folder").mkdir()
    path = source if source.startswith("/") else str(example_library / source)
    for result in (tool("watch.py", "--root", example_library, "--accept", path),
                   tool("bib.py", "--root", example_library, "export", "--aux", path),
                   tool("bib.py", "--root", example_library, "import", path),
                   tool("migrate.py", "--root", example_library, path)):
        one_line_error(result, path)
        assert "not a regular file" in result.stderr or "a folder" in result.stderr, result.stderr


def test_migrate_never_follows_a_link_out_of_the_lists_folder(library: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.md"
    secret.write_text("the password is hunter2\n", encoding="utf-8")
    lists = tmp_path / "list"
    lists.mkdir()
    (lists / "notes.md").symlink_to(secret)
    (lists / "inside.md").write_text("my own notes on ResNet\n", encoding="utf-8")
    (lists / "README.md").write_text(
        "## Vision\n\n- Deep Residual Learning, He et al., 2015 [site](https://example.org/a) [Notes](notes.md)\n"
        "- Dropout, Srivastava et al., 2014 [site](https://example.org/b) [Notes](../secret.md)\n"
        "- Batch Normalization, Ioffe et al., 2015 [site](https://example.org/c) [Notes](inside.md)\n", encoding="utf-8")
    result = tool("migrate.py", "--root", library, lists / "README.md")
    assert result.returncode == 0, result.stderr
    written = "".join(p.read_text(encoding="utf-8") for p in (library / "papers").glob("*.md"))
    assert "hunter2" not in written
    assert "my own notes on ResNet" in written


def test_a_server_asking_to_wait_for_a_day_is_not_waited_for(library: Path, hostile_server: str) -> None:
    """Not even a capped part of it (the command sat 30 s, then gave up all the same): the wait asked for
    is said, and the command goes on without that service."""
    start = time.monotonic()
    result = tool("add.py", "--root", library, "1810.04805", ARXIV_API_URL=f"{hostile_server}/busy/api/query",
                  ARXIV_API_DELAY="0")
    waited = time.monotonic() - start
    one_line_error(result, "did not answer usefully")
    assert waited < 10, f"waited {waited:.0f} s"
    assert "asked to be left alone for 100000 s (Retry-After); not waiting that long" in result.stderr, result.stderr


def test_a_feed_claiming_a_billion_results_is_read_to_the_cap(library: Path, hostile_server: str) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "everything"\nquery = "cat:cs.LG"\n')
    _Hostile.pages = 0
    result = tool("watch.py", "--root", library, "--dry-run", "--limit", "3", ARXIV_API_URL=f"{hostile_server}/claims/api/query",
                  PAPERNOTES_TODAY="2026-11-29")
    assert result.returncode == 0, result.stderr
    assert _Hostile.pages == 4, "2,000 papers in pages of 500"
    assert "warning: watch query 'everything': arXiv counts 1,000,000,000 papers; ranked the newest 2,000" in result.stderr


def test_wrong_typed_values_from_semantic_scholar_are_left_out(library: Path, s2_server: FakeS2) -> None:
    odd = s2_server.add("odd1", "placeholder", doi="10.1000/odd1")
    odd.update(title=["a", "list", 515172], year={"v": 1}, venue=7, abstract=None,
               authors=[{"name": 42}, {"name": "Real\x00 Name"}, "not a mapping"],
               url="https://example.org/a\r\nb", publicationDate=["2020"])
    untitled = s2_server.add("odd2", "placeholder", doi="10.1000/odd2")
    untitled.update(title=None)
    good = s2_server.add("odd3", "A Fine \x07Title", doi="10.1000/odd3", venue="ACL")
    good.update(url="https://example.org/x\r\ny", year="2019")
    result = tool("add.py", "--root", library, "10.1000/odd1", "10.1000/odd2", "10.1000/odd3",
                  S2_API_URL=s2_server.url)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr
    assert "Semantic Scholar has no title for 10.1000/odd1" in result.stderr
    assert "Semantic Scholar has no title for 10.1000/odd2" in result.stderr
    notes = list((library / "papers").glob("*.md"))
    assert len(notes) == 1, notes
    text = notes[0].read_text(encoding="utf-8")
    assert "title: A Fine Title" in text and "\x07" not in text and "\r" not in text and "url:" not in text
    check = tool("check.py", "--root", library)
    assert check.returncode == 0, check.stdout + check.stderr


def test_notes_with_a_multi_line_link_or_a_nul_are_reported_by_check(example_library: Path) -> None:
    papers = example_library / "papers"
    (papers / "crlf2020link.md").write_text('---\ntitle: A\nurl: "https://a.org/x\\r\\ny"\n---\n', encoding="utf-8")
    (papers / "nul2020title.md").write_text('---\ntitle: "A\\0B"\n---\n', encoding="utf-8")
    result = tool("check.py", "--root", example_library)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "papers/crlf2020link.md:3: error: field 'url': expected one link or identifier on one line" in result.stdout
    assert "papers/nul2020title.md:2: error: field 'title': holds a control character" in result.stdout


# -- wrong output and unclear messages -------------------------------------------------------------------

@pytest.mark.parametrize(("args", "env", "message"), [
    (("--week", "２０２６-W49"), {}, "is not an ISO week like 2026-W49"),
    (("--week", "9999-W52"), {}, "is not an ISO week like 2026-W49"),
    ((), {"PAPERNOTES_TODAY": "9999-12-31"}, "is not a date like 2026-11-29 (from 1900 to 2999)"),
    ((), {"PAPERNOTES_TODAY": "２０２６-11-29"}, "is not a date like 2026-11-29"),
])
def test_weeks_and_dates_out_of_range_are_refused(example_library: Path, args: tuple[str, ...], env: dict[str, str],
                                                  message: str) -> None:
    result = tool("plan.py", "--root", example_library, *args, **env)
    assert result.returncode in (1, 2) and message in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "unexpected" not in result.stderr
    assert "planned:" not in "".join(p.read_text(encoding="utf-8") for p in (example_library / "papers").glob("*.md"))


@pytest.mark.parametrize("variable", ["ARXIV_API_TIMEOUT", "S2_API_TIMEOUT"])
def test_a_timeout_of_zero_is_a_clear_error(library: Path, variable: str) -> None:
    given = "1810.04805" if variable.startswith("ARXIV") else "10.18653/v1/N19-1423"
    result = tool("add.py", "--root", library, given, **{variable: "0"})
    one_line_error(result, f"{variable}='0' must be a number of seconds from more than 0 up")


def test_an_inbox_that_is_a_file(library: Path, arxiv_server: FakeArxiv) -> None:
    with open(library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.watch]]\nname = "nlp"\nquery = "cat:cs.CL"\n')
    arxiv_server.add("2611.00001", "New", ["A B"], published="2026-11-25T10:00:00Z")
    arxiv_server.add("2611.00002", "From the future", ["A B"], published="2999-11-25T10:00:00Z")
    (library / "inbox").write_text("not a folder\n", encoding="utf-8")
    one_line_error(tool("watch.py", "--root", library, server=arxiv_server, PAPERNOTES_TODAY="2026-11-29"),
                   "inbox is a file where the tools keep a folder")
    (library / "inbox").unlink()
    dry = tool("watch.py", "--root", library, "--dry-run", server=arxiv_server, PAPERNOTES_TODAY="2026-11-29")
    assert "2611.00001" in dry.stdout and "2611.00002" not in dry.stdout, "a paper dated 2999 is not new this week"


def test_a_note_named_like_a_site_page_is_refused_everywhere(example_library: Path) -> None:
    (example_library / "papers" / "index.md").write_text("---\ntitle: Index\n---\n", encoding="utf-8")
    for result in (tool("index.py", "--root", example_library), tool("check.py", "--root", example_library),
                   tool("bib.py", "--root", example_library, "export")):
        assert result.returncode == 1
        said = result.stdout + result.stderr
        assert "papers/index.md:1: " in said and "'index.md' is the name of a page of the site" in said, said


def test_a_topic_title_that_is_a_table(example_library: Path) -> None:
    with open(example_library / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write('\n[[tool.papernotes.topics]]\npath = "x"\ntitle = {a = 1}\n')
    one_line_error(tool("index.py", "--root", example_library), "topic 'x': title must be text")


def test_refresh_keeps_a_venue_typed_by_hand(library: Path, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("1810.04805", "BERT", ["Jacob Devlin"], version=2, journal_ref="NAACL-HLT 2019, pages 4171-4186")
    (library / "papers" / "devlin2018bert.md").write_text(
        "---\ntitle: BERT\nauthors: [Jacob Devlin]\nyear: 2018\narxiv: '1810.04805'\nversion: 1\nvenue: NAACL 2019 (best paper)\n---\n",
        encoding="utf-8")
    result = tool("refresh.py", "--root", library, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    text = (library / "papers" / "devlin2018bert.md").read_text(encoding="utf-8")
    assert "venue: NAACL 2019 (best paper)\n" in text and "version: 2\n" in text


@pytest.mark.slow
def test_ctrl_c_while_starting_up_prints_no_traceback(example_library: Path) -> None:
    # Python's own start-up (site-packages' .pth files) comes before any of our code and prints its
    # own traceback when interrupted: start after the time a bare interpreter takes to start.
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.monotonic() - start
    tracebacks: list[str] = []
    for delay in [bare + 0.02 * n for n in range(15)]:
        process = subprocess.Popen([sys.executable, str(TOOLS / "list.py"), "--root", str(example_library)],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=script_env(),
                                   preexec_fn=interruptible)
        time.sleep(delay)
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=TIME_CAP)
        if "Traceback" in stderr and "init_import_site" not in stderr:  # not the interpreter's own start-up
            tracebacks.append(stderr)
    assert tracebacks == [], tracebacks[0]


@pytest.mark.slow
def test_ctrl_c_while_a_fresh_clone_is_parsed_in_parts_prints_no_traceback(tmp_path: Path) -> None:
    """Thousands of notes to parse are split between forked workers; Ctrl-C (the terminal signals the
    whole process group) at any moment ends them all, with one line, no worker's traceback and no hang
    (a worker killed while sending its result left the pool's reader waiting forever)."""
    from papernotes.store.notefile import PARSE_IN_PARTS_ABOVE

    root = tmp_path / "lib"
    (root / "papers").mkdir(parents=True)
    (root / "pyproject.toml").write_text("", encoding="utf-8")
    for number in range(PARSE_IN_PARTS_ABOVE + 500):
        (root / "papers" / f"paper{number:05d}.md").write_text(
            f"---\ntitle: Paper {number}\nauthors: [Ada Lovelace]\nyear: 2020\nabstract: {'words ' * 80}\n---\n", encoding="utf-8")
    start = time.monotonic()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    bare = time.monotonic() - start  # Python's own start-up (site-packages' .pth files) prints its own traceback
    start = time.monotonic()
    subprocess.run([sys.executable, str(TOOLS / "list.py"), "--root", str(root), "--format", "keys"], capture_output=True,
                   env=script_env(), check=True)
    whole = time.monotonic() - start
    for delay in [bare + (whole - bare) * n / 8 for n in range(1, 8)]:
        shutil.rmtree(root / ".cache", ignore_errors=True)
        process = subprocess.Popen([sys.executable, str(TOOLS / "list.py"), "--root", str(root), "--format", "keys"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=script_env(),
                                   preexec_fn=lambda: (interruptible(), os.setpgrp()))
        time.sleep(delay)
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=TIME_CAP)
        if "init_import_site" in stderr:
            continue  # the interpreter's own start-up, before any of our code
        assert "Traceback" not in stderr and stderr in ("", "interrupted\n"), stderr
        assert process.returncode in (0, 130, -signal.SIGINT), (process.returncode, stderr)


def test_ctrl_c_while_a_class_is_created_is_an_interruption(tmp_path: Path) -> None:
    """Python 3.11 wraps a KeyboardInterrupt that lands while a class's attributes are named (every
    dataclass with a field()) in a RuntimeError: the flaky traceback of the test above under load.
    Made to happen every time here: a command module whose import is interrupted just there."""
    command_interrupted_while_imported(tmp_path, "class Named:\n    def __set_name__(self, owner, name):\n"
                                                 "        raise KeyboardInterrupt\n\nclass Settings:\n    field = Named()\n")


def test_ctrl_c_in_an_import_locks_callback_is_an_interruption(tmp_path: Path) -> None:
    """Ctrl-C that lands in a weakref callback of Python's import locks cannot be raised there: Python
    printed "Exception ignored ... KeyboardInterrupt" with a traceback and went on (the flaky failure of
    the start-up test above). Made to happen every time: a callback raising it during an import."""
    command_interrupted_while_imported(tmp_path, "import weakref\n\nclass Loaded:\n    pass\n\n"
                                                 "def interrupt(_):\n    raise KeyboardInterrupt\n\n"
                                                 "loaded = Loaded()\nwatched = weakref.ref(loaded, interrupt)\ndel loaded\n"
                                                 "for _ in range(1000):\n    pass\n")


def command_interrupted_while_imported(tmp_path: Path, module: str) -> None:
    """A command whose module, `module`'s text, is interrupted as it is imported: one line, exit 130."""
    (tmp_path / "interrupted_command.py").write_text(module, encoding="utf-8")
    code = ("import sys; from papernotes import cli\n"
            "cli.COMMANDS['slow'] = ('interrupted_command', '')\n"
            "sys.exit(cli.run_command('slow', [], 'slow.py'))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=TIME_CAP,
                            env={**script_env(), "PYTHONPATH": f"{TOOLS}{os.pathsep}{tmp_path}"})
    assert (result.returncode, result.stderr) == (130, "interrupted\n"), result.stderr


def test_bib_import_never_writes_a_note_that_would_not_load(library: Path) -> None:
    huge = "word " * 60_000  # 300 KB of abstract: more frontmatter than any command reads
    bib = library / "odd.bib"
    bib.write_text("@article{nul2020, title={A title with a NUL\x00 byte}, author={Ada Lovelace}, year={2020}}\n"
                   f"@article{{huge2020, title={{A huge abstract}}, author={{Ada Lovelace}}, year={{2020}}, abstract={{{huge}}}}}\n"
                   "@article{fine2020, title={A fine paper}, author={Ada Lovelace}, year={2020}}\n", encoding="utf-8")
    result = tool("bib.py", "--root", library, "import", bib)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "'A huge abstract' not written: frontmatter longer than 256 KiB" in result.stderr
    notes = sorted(p.name for p in (library / "papers").glob("*.md"))
    assert len(notes) == 2, notes
    assert "\x00" not in "".join((library / "papers" / n).read_text(encoding="utf-8") for n in notes)
    assert tool("check.py", "--root", library).returncode == 0


def test_list_never_prints_a_terminal_escape_from_a_title(example_library: Path) -> None:
    (example_library / "papers" / "escape2020title.md").write_text(
        '---\ntitle: "Innocent \\e]0;pwned\\a\\e[2J title \\x9b31m"\n---\n', encoding="utf-8")
    result = tool("list.py", "--root", example_library)
    assert "\x1b" not in result.stdout + result.stderr and "\x9b" not in result.stdout + result.stderr
    one_line_error(result, "papers/escape2020title.md:2: field 'title': holds a control character")
