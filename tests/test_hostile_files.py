"""Committed files are input too: what the tools read back (`.cache/`, `inbox/`, the staging folder and
its manifest, README.md and its markers) may come from a pull request or another machine. Each case
is a real process under the memory and time caps of `capped`: no code runs, no file outside the
library is read or written, nothing hangs, and every failure is one line naming the file."""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
import stat
import time
from pathlib import Path

import pytest
from capped import one_line_error, tool
from conftest import LIBRARY_DATA, script_env, settled_cache
from fakearxiv import FakeArxiv
from fakecommunity import FakeCommunity
from fakes2 import FakeS2
from sitekit import copy_library, elements

TODAY = {"PAPERNOTES_TODAY": "2026-11-29"}
SECRET = "PAPERNOTES-SECRET-TOKEN-1234"


@pytest.fixture
def lib(tmp_path: Path) -> Path:
    root = tmp_path / "lib"
    root.mkdir()
    return copy_library(root)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the library, with a secret in it: nothing of it may be read or written."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.md").write_text(f"# {SECRET}\n\n- [ ] [x](https://arxiv.org/abs/2611.00001) — {SECRET}\n",
                                      encoding="utf-8")
    return folder


def ok(result: object) -> None:
    assert result.returncode == 0, (result.returncode, result.stdout, result.stderr)  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr  # type: ignore[attr-defined]


def staged(root: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted((root / "site-src").rglob("*"))
                   if p.is_file() and not p.is_symlink())


# -- 1. caches are data ----------------------------------------------------------------------------------


class _Payload:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_pickle_in_the_cache_runs_nothing(lib: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    cache = lib / ".cache" / "papernotes"
    cache.mkdir(parents=True)
    payload = pickle.dumps({"format": "x", "entries": _Payload(marker)})
    for name in ("notes.pickle", "readme_index.pickle", "related.pickle", "related-model.pickle"):
        # The old caches' own layout: a blake2b of the pickle, then the pickle.
        (cache / name).write_bytes(hashlib.blake2b(payload, digest_size=16).digest() + payload)
    for name in ("notes.json", "abstracts.json", "readme_index.json", "related.json", "related-model.json", "site-manifest.json"):
        (cache / name).write_bytes(payload)
    ok(tool("list.py", "--root", lib))
    ok(tool("index.py", "--root", lib))
    ok(tool("site.py", "--root", lib, **TODAY))
    assert not marker.exists()


def test_a_cache_of_the_right_form_with_wrong_types_is_rebuilt(lib: Path) -> None:
    from papernotes.store import notecache
    from papernotes.store.cache import DataCache

    for note in (lib / "papers").glob("*.md"):
        note.write_text(note.read_text(encoding="utf-8").replace("---\n", f"---\nabstract: What {note.stem} found.\n", 1),
                        encoding="utf-8")
    expected = tool("list.py", "--root", lib, "--format", "json").stdout
    assert '"abstract": "' in expected
    settled_cache(lib)
    cache = DataCache(lib, "notes.json", notecache._CACHE_FORMAT)
    data = cache.load()
    for entry in data["entries"].values():
        entry[1][1] = {"m": [[1, 2]]}  # a title that is a mapping
        entry[1][2] = "not a list"
    cache.save(data)
    result = tool("list.py", "--root", lib, "--format", "json")
    ok(result)
    assert result.stdout == expected
    settled_cache(lib)
    abstracts = DataCache(lib, "abstracts.json", notecache._ABSTRACTS_FORMAT)
    data = abstracts.load()
    for entry in data["entries"].values():
        entry[1] = {"m": [[1, 2]]}  # an abstract that is a mapping
    abstracts.save(data)
    result = tool("list.py", "--root", lib, "--format", "json")
    ok(result)
    assert result.stdout == expected


# -- 2. a file's contents are never published ------------------------------------------------------------


def test_a_digest_linked_to_a_file_outside_is_not_published(lib: Path, outside: Path) -> None:
    (lib / "inbox").mkdir()
    (lib / "inbox" / "9999-W52.md").symlink_to(outside / "secret.md")
    (lib / "inbox" / "9998-W51.md").symlink_to("/proc/self/environ")
    ok(tool("site.py", "--root", lib, **TODAY, PAPERNOTES_SECRET=SECRET))
    assert SECRET not in staged(lib)
    result = tool("check.py", "--root", lib)
    assert result.returncode == 1 and "inbox/9999-W52.md:1: error: a symbolic link to a file outside the library" in result.stdout
    ok(tool("check.py", "--root", lib, "--fix"))
    assert not os.path.lexists(lib / "inbox" / "9999-W52.md") and (outside / "secret.md").is_file()


def test_a_note_or_template_linked_from_outside_is_refused(lib: Path, outside: Path) -> None:
    (outside / "note.md").write_text(f"---\ntitle: {SECRET}\n---\n\n{SECRET}\n", encoding="utf-8")
    (lib / "papers" / "stolen.md").symlink_to(outside / "note.md")
    one_line_error(tool("site.py", "--root", lib, **TODAY), "papers/stolen.md:1: a symbolic link to a file outside the library")
    assert SECRET not in staged(lib)
    (lib / "papers" / "stolen.md").unlink()
    (lib / "templates" / "site_home.md.j2").unlink()
    (lib / "templates" / "site_home.md.j2").symlink_to(outside / "secret.md")
    one_line_error(tool("site.py", "--root", lib, **TODAY), "templates/site_home.md.j2: a symbolic link to a file outside")
    assert SECRET not in staged(lib)


def test_a_readme_linked_outside_is_neither_read_nor_written(lib: Path, outside: Path) -> None:
    target = outside / "README.md"
    shutil.copy(LIBRARY_DATA / "README.md", target)
    before = target.read_bytes()
    (lib / "README.md").unlink()
    (lib / "README.md").symlink_to(target)
    one_line_error(tool("index.py", "--root", lib), "README.md is a symbolic link to a file outside the library")
    result = tool("status.py", "--root", lib, "he2015deep", "reading")
    assert result.returncode == 0 and "README.md index not updated" in result.stderr, result.stderr
    assert target.read_bytes() == before


# -- 3. nothing is written outside the library ---------------------------------------------------------------


def test_a_link_in_the_staging_folder_is_replaced_not_written_through(lib: Path) -> None:
    notes = {p.name: p.read_bytes() for p in (lib / "papers").iterdir()}
    (lib / "site-src" / "topics").symlink_to("../papers")
    ok(tool("site.py", "--root", lib, **TODAY))
    assert {p.name: p.read_bytes() for p in (lib / "papers").iterdir()} == notes
    assert (lib / "site-src" / "topics").is_dir() and not (lib / "site-src" / "topics").is_symlink()


def test_a_staging_folder_or_cache_linked_outside_gets_nothing_written(lib: Path, outside: Path) -> None:
    shutil.rmtree(lib / "site-src")
    (lib / "site-src").symlink_to(outside)
    one_line_error(tool("site.py", "--root", lib, **TODAY), "site-src is a symbolic link")
    (lib / "site-src").unlink()
    (lib / ".cache").symlink_to(outside)
    ok(tool("site.py", "--root", lib, **TODAY))
    ok(tool("index.py", "--root", lib))
    assert sorted(p.name for p in outside.iterdir()) == ["secret.md"]
    result = tool("check.py", "--root", lib)
    assert result.returncode == 1 and ".cache:1: error: a symbolic link" in result.stdout
    ok(tool("check.py", "--root", lib, "--fix"))
    assert not os.path.lexists(lib / ".cache") and (outside / "secret.md").is_file()


@pytest.mark.parametrize("docs_dir", ["benchmarks", "README.md", "papers/sub", "inbox"])
def test_a_staging_folder_that_is_not_the_sites_is_refused(lib: Path, docs_dir: str) -> None:
    (lib / "benchmarks").mkdir()
    (lib / "benchmarks" / "speed.py").write_text("print('mine')\n", encoding="utf-8")
    mkdocs = (lib / "mkdocs.yml").read_text(encoding="utf-8").replace("docs_dir: site-src", f"docs_dir: {docs_dir}")
    (lib / "mkdocs.yml").write_text(mkdocs, encoding="utf-8")
    before = {p: p.read_bytes() for p in lib.rglob("*") if p.is_file() and ".cache" not in p.parts}
    result = tool("site.py", "--root", lib, **TODAY)
    one_line_error(result, "docs_dir")
    assert {p: p.read_bytes() for p in lib.rglob("*") if p.is_file() and ".cache" not in p.parts} == before


# -- 4. JSON nested without end ------------------------------------------------------------------------------

DEEP = "[" * 100_000 + "]" * 100_000


def test_deep_json_in_committed_files_is_a_damaged_file(lib: Path) -> None:
    (lib / "inbox").mkdir()
    (lib / "inbox" / "references.jsonl").write_text(DEEP + "\n", encoding="utf-8")
    ok(tool("site.py", "--root", lib, **TODAY))
    cache = lib / ".cache" / "papernotes"
    for path in cache.rglob("*.json"):
        path.write_text(DEEP, encoding="utf-8")
    ok(tool("site.py", "--root", lib, **TODAY))
    ok(tool("related.py", "--root", lib, "devlin2018bert", "--offline"))
    ok(tool("gaps.py", "--root", lib, "--offline"))
    result = tool("check.py", "--root", lib)
    assert "inbox/references.jsonl:1: warning: 1 line that does not read" in result.stdout, result.stdout


def test_deep_json_from_the_services_is_one_warning(lib: Path, arxiv_server: FakeArxiv, community: FakeCommunity,
                                                    s2_server: FakeS2) -> None:
    arxiv_server.add("2611.00001", "A new paper", ["Ada Lovelace"], published="2026-11-25T00:00:00Z")
    community.faults["hf"].extend(["deep"] * 5)
    community.faults["pwc"].extend(["deep"] * 5)
    s2_server.faults.extend(["deep"] * 10)
    env = {**community.env, "S2_API_URL": s2_server.url, **TODAY}
    result = tool("add.py", "--root", lib, "2611.00001", server=arxiv_server, **env)
    ok(result)
    assert "sent an answer it could not use" in result.stderr or "not JSON" in result.stderr, result.stderr
    result = tool("add.py", "--root", lib, "10.1145/3290605.3300857", server=arxiv_server, **env)
    one_line_error(result, "Semantic Scholar")
    result = tool("gaps.py", "--root", lib, server=arxiv_server, **env)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr


def test_settings_nested_without_end_are_one_line(lib: Path) -> None:
    (lib / "mkdocs.yml").write_text("site_name: x\nnav: " + DEEP + "\n", encoding="utf-8")
    one_line_error(tool("site.py", "--root", lib, **TODAY), "mkdocs.yml is not valid YAML: nested too deeply")
    (lib / "pyproject.toml").write_text("[tool.papernotes]\nx = " + DEEP + "\n", encoding="utf-8")
    one_line_error(tool("list.py", "--root", lib), "pyproject.toml: values nested too deeply")


# -- 5. special files behind committed names ------------------------------------------------------------------


def test_fifos_and_devices_behind_derived_files_never_hang(lib: Path, arxiv_server: FakeArxiv) -> None:
    (lib / "inbox").mkdir()
    os.mkfifo(lib / "inbox" / "references.jsonl")
    os.mkfifo(lib / "inbox" / "last-check")
    (lib / "inbox" / "popularity.tsv").symlink_to("/dev/zero")
    (lib / "inbox" / "2026-W47.md").symlink_to("/dev/zero")
    cache = lib / ".cache" / "papernotes"
    cache.mkdir(parents=True)
    (cache / "notes.json").symlink_to("/dev/zero")
    os.mkfifo(cache / "site-manifest.json")
    os.mkfifo(cache / "readme_index.json")
    (lib / "pyproject.toml").write_text((lib / "pyproject.toml").read_text(encoding="utf-8")
                                        + '\n[[tool.papernotes.watch]]\nname = "x"\nquery = "cat:cs.CL"\n', encoding="utf-8")
    start = time.monotonic()
    ok(tool("list.py", "--root", lib))
    ok(tool("site.py", "--root", lib, **TODAY))
    ok(tool("gaps.py", "--root", lib, "--offline"))
    result = tool("watch.py", "--root", lib, "--dry-run", server=arxiv_server, **TODAY)
    assert result.returncode == 0 and "inbox/2026-W47.md" in result.stderr, result.stderr
    os.mkfifo(lib / "README.2")
    (lib / "README.md").unlink()
    (lib / "README.md").symlink_to("README.2")
    one_line_error(tool("index.py", "--root", lib), "README.md is not a regular file")
    assert time.monotonic() - start < 60
    checked = tool("check.py", "--root", lib)
    for name in ("inbox/references.jsonl", "inbox/last-check", "inbox/popularity.tsv", "inbox/2026-W47.md"):
        assert f"{name}:1: error:" in checked.stdout, checked.stdout


def test_a_fifo_named_pyproject_in_a_parent_folder_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pyproject.toml")
    folder = tmp_path / "deeper"
    folder.mkdir()
    import subprocess
    import sys

    from capped import TIME_CAP, capped

    program = "from papernotes.cli import main; raise SystemExit(main(['list', '--help']))"
    result = subprocess.run([sys.executable, "-c", program], cwd=folder, capture_output=True,
                            text=True, env={**script_env(), "PYTHONPATH": str(Path(__file__).parents[1] / "tools")},
                            timeout=TIME_CAP, preexec_fn=capped)
    assert result.returncode == 0 and "usage: papernotes list" in result.stdout, result.stderr


# -- 6. a digest edited by hand ---------------------------------------------------------------------------------

HAND_EDITED_DIGEST = """# New papers, 2026-W48

- [ ] [Evil](https://arxiv.org/abs/2611.00001) — A · [click](javascript:alert(40)) · ![x](javascript:alert(41))
- [ ] [Evil too][ref] and [more](<javascript:alert(43)>) and [ent](jav&#97;script:alert(44)) and ![t](https://tracker.example/t.png)

[ref]: javascript:alert(42)
"""


def test_a_hand_edited_digest_links_nothing_but_web_addresses(lib: Path) -> None:
    (lib / "inbox").mkdir()
    (lib / "inbox" / "2026-W48.md").write_text(HAND_EDITED_DIGEST, encoding="utf-8")
    ok(tool("site.py", "--root", lib, **TODAY))
    import markdown

    page = (lib / "site-src" / "inbox.md").read_text(encoding="utf-8").split("---", 2)[2]
    built = markdown.markdown(page, extensions=["pymdownx.tasklist", "pymdownx.superfences", "admonition", "toc"])
    links = [attrs for tag, attrs in elements(built).elements if tag in ("a", "img")]
    assert links and all((a.get("href") or a.get("src") or "").startswith("https://") for a in links), links
    assert not any(tag == "img" for tag, _ in elements(built).elements)
    assert "https://arxiv.org/abs/2611.00001" in [a.get("href") for a in links]


# -- 7 and 8. migrate, bounded and counted ---------------------------------------------------------------------


@pytest.mark.slow  # a limit's test: the full suite runs it (README, Development)
def test_migrate_reads_pathological_lists_in_linear_time(lib: Path, tmp_path: Path) -> None:
    lines = tmp_path / "lines.md"
    lines.write_text("# L\n\n- " + "[" * 1_000_000 + "\n- " + "[x](" * 250_000 + "\n- " + "[[" * 500_000 + "\n",
                     encoding="utf-8")
    start = time.monotonic()
    ok(tool("migrate.py", "--root", lib, lines, "--dry-run"))
    assert time.monotonic() - start < 20
    cites = tmp_path / "cites.md"
    cites.write_text("# L\n\n" + "".join(f'**[{n}]** Author, A. "Paper number {n} on things." Venue 2015.\n\n'
                                          for n in range(150_000)), encoding="utf-8")
    assert cites.stat().st_size > 9_000_000
    start = time.monotonic()
    result = tool("migrate.py", "--root", lib, cites, "--dry-run")
    ok(result)
    assert time.monotonic() - start < 60
    assert "150000 items" in result.stderr


@pytest.mark.slow  # a limit's test: the full suite runs it (README, Development)
def test_migrate_looks_up_a_bounded_number_of_titles_and_writes_as_it_goes(lib: Path, tmp_path: Path,
                                                                           s2_server: FakeS2) -> None:
    listed = tmp_path / "list.md"
    listed.write_text("# L\n\n" + "".join(f"- Paper number {n} on things, Ada Lovelace, 2015\n" for n in range(130)),
                      encoding="utf-8")
    notes = len(list((lib / "papers").glob("*.md")))
    result = tool("migrate.py", "--root", lib, listed, S2_API_URL=s2_server.url, **TODAY)
    assert "Traceback" not in result.stderr and "unexpected" not in result.stderr, result.stderr
    matches = [r for r in s2_server.requests if r.path.endswith("/search/match")]
    assert len(matches) == 100, len(matches)
    assert "30 citations without a link are left for the next run" in result.stderr
    assert "100 by hand" in result.stderr and "30 left for the next run" in result.stderr
    assert len(list((lib / "papers").glob("*.md"))) == notes + 100


def test_migrate_counts_outcomes_with_services_failing(lib: Path, tmp_path: Path, arxiv_server: FakeArxiv,
                                                       community: FakeCommunity) -> None:
    ids = [f"2611.{n:05d}" for n in range(1, 62)]
    for ident in ids:
        arxiv_server.add(ident, f"Paper {ident}", ["Ada Lovelace"], published="2026-11-25T00:00:00Z")
    community.faults["pwc"].extend(["500"] * 200)
    listed = tmp_path / "list.md"
    listed.write_text("# L\n\n" + "".join(f"- [Paper {i}](https://arxiv.org/abs/{i})\n" for i in ids[:60]), encoding="utf-8")
    result = tool("migrate.py", "--root", lib, listed, server=arxiv_server, **community.env, S2_API_URL="off", **TODAY)
    ok(result)
    assert "60 added from arXiv" in result.stderr and "0 failed" in result.stderr, result.stderr
    assert "Papers with Code" in result.stderr and "more papers not looked up" in result.stdout
    result = tool("migrate.py", "--root", lib, listed, server=arxiv_server, S2_API_URL="http://127.0.0.1:9", **TODAY)
    ok(result)
    assert "60 already there" in result.stderr, result.stderr
    evil = tmp_path / "evil.md"
    evil.write_text(f"# L\n\n- [Paper](https://arxiv.org/abs/{ids[60]}) [code](https://evil.example/x)\n", encoding="utf-8")
    ok(tool("migrate.py", "--root", lib, evil, server=arxiv_server, S2_API_URL="off", **TODAY))
    assert "evil.example" not in "".join(p.read_text(encoding="utf-8") for p in (lib / "papers").glob("*.md"))


# -- 9. the README's markers ------------------------------------------------------------------------------------


def test_a_tag_holding_a_marker_cannot_break_the_index_and_check_mends_markers(lib: Path) -> None:
    note = lib / "papers" / "devlin2018bert.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("tags: [", 'tags: ["<!-- papernotes:index:end -->", "<!-- papernotes:index:start -->", ', 1),
                    encoding="utf-8")
    ok(tool("index.py", "--root", lib))
    readme = (lib / "README.md").read_bytes()
    assert readme.count(b"<!-- papernotes:index:end -->") == 1 and readme.count(b"<!-- papernotes:index:start -->") == 1
    ok(tool("check.py", "--root", lib))
    doubled = readme.replace(b"<!-- papernotes:index:end -->", b"<!-- papernotes:index:end -->\n<!-- papernotes:index:end -->")
    (lib / "README.md").write_bytes(doubled + b"\nMy own words.\n")
    result = tool("check.py", "--root", lib)
    assert result.returncode == 1 and "README.md:1: error: README.md has more than one" in result.stdout, result.stdout
    ok(tool("status.py", "--root", lib, "he2015deep", "reading"))
    ok(tool("check.py", "--root", lib, "--fix"))
    mended = (lib / "README.md").read_bytes()
    assert mended.count(b"<!-- papernotes:index:end -->") == 1 and mended.endswith(b"\nMy own words.\n")
    ok(tool("check.py", "--root", lib))
    for broken in (mended.replace(b"<!-- papernotes:index:start -->", b""),
                   b"<!-- papernotes:index:end -->\n<!-- papernotes:index:start -->\n",
                   b"\xff\xfe not UTF-8 <!-- papernotes:index:start -->\n<!-- papernotes:index:end -->\n"):
        (lib / "README.md").write_bytes(broken)
        result = tool("check.py", "--root", lib)
        assert result.returncode == 1 and "README.md:1: error:" in result.stdout, (broken[:40], result.stdout)


# -- 10. damaged manifest and folders ---------------------------------------------------------------------------


@pytest.mark.parametrize("damage", [{"pages": ["a"]}, {"pages": {"": "x", "../../x": "y"}}, {"unresolved": 5},
                                    {"unresolved": [[1]]}, {"inputs": 7}])
def test_a_damaged_manifest_only_makes_the_pages_again(lib: Path, damage: dict[str, object]) -> None:
    from papernotes.services.site import MANIFEST_FORMAT
    from papernotes.store.cache import DataCache

    ok(tool("site.py", "--root", lib, **TODAY))
    manifest = DataCache(lib, "site-manifest.json", (MANIFEST_FORMAT,))
    manifest.save({**manifest.load(), **damage})
    ok(tool("site.py", "--root", lib, **TODAY))
    ok(tool("site.py", "--root", lib, **TODAY))


def test_derived_folders_that_are_files(lib: Path) -> None:
    (lib / ".cache").write_text("not a folder", encoding="utf-8")
    ok(tool("index.py", "--root", lib))
    ok(tool("site.py", "--root", lib, **TODAY))
    shutil.rmtree(lib / "site-src")
    (lib / "site-src").write_text("not a folder", encoding="utf-8")
    one_line_error(tool("site.py", "--root", lib, **TODAY), "site-src is a file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_folders_are_one_line(lib: Path) -> None:
    ok(tool("site.py", "--root", lib, **TODAY))
    (lib / "site-src" / "index.md").unlink()
    os.chmod(lib / "site-src", stat.S_IRUSR | stat.S_IXUSR)
    try:
        one_line_error(tool("site.py", "--root", lib, **TODAY), "site-src")
    finally:
        os.chmod(lib / "site-src", stat.S_IRWXU)


# -- 11. the terminal ---------------------------------------------------------------------------------------------


def test_titles_in_reference_lists_cannot_drive_the_terminal(lib: Path) -> None:
    (lib / "inbox").mkdir()
    evil = "\x1b]0;owned\x07\x1b[2J Evil \x9b31m title"
    rows = [["arXiv:1207.0580", evil, 2012, "\x1b[5mBlink"]]
    (lib / "inbox" / "references.jsonl").write_text(
        "".join(json.dumps({"key": key, "references": rows}) + "\n" for key in ("devlin2018bert", "he2015deep")),
        encoding="utf-8")
    result = tool("gaps.py", "--root", lib, "--offline", "--min", "2")
    ok(result)
    assert "Evil" in result.stdout
    assert not any(ch in result.stdout + result.stderr for ch in "\x1b\x07\x9b")


# -- 12. the small ones --------------------------------------------------------------------------------------------


def test_watch_dates_out_of_range_are_messages(lib: Path) -> None:
    result = tool("watch.py", "--root", lib, "--since", "0001-01-01")
    assert result.returncode == 2 and "not a date arXiv has papers for" in result.stderr, result.stderr
    (lib / "inbox").mkdir()
    (lib / "inbox" / "last-check").write_text("9999-12-31\n", encoding="utf-8")
    (lib / "pyproject.toml").write_text((lib / "pyproject.toml").read_text(encoding="utf-8")
                                        + '\n[[tool.papernotes.watch]]\nname = "x"\nquery = "cat:cs.CL"\n', encoding="utf-8")
    result = tool("watch.py", "--root", lib, "--since", "2999-01-01", **TODAY)
    one_line_error(result, "after today")


def test_status_with_another_note_broken_makes_its_change_and_says_so(lib: Path) -> None:
    (lib / "papers" / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    result = tool("status.py", "--root", lib, "he2015deep", "reading")
    assert result.returncode == 0, result.stderr
    assert "status: " in result.stdout and "warning: README.md index not updated" in result.stderr


def test_a_service_cache_from_the_future_expires(lib: Path, community: FakeCommunity) -> None:
    from papernotes.sources.http import JsonCache

    community.add("2611.00002", "Cached", github="https://github.com/a/b")
    (lib / "inbox").mkdir()
    import datetime as dt

    cache = JsonCache(lib, "community", dt.timedelta(days=1))
    url = community.url + "/pwc/api/v1/papers/2611.00002"
    cache.put(("GET", url, {"include_resources": "true"}), {"data": None})
    path = cache._file(("GET", url, {"include_resources": "true"}))
    entry = json.loads(path.read_text(encoding="utf-8"))
    entry["saved"] = "9999-01-01T00:00:00+00:00"
    path.write_text(json.dumps(entry), encoding="utf-8")
    assert cache.get(("GET", url, {"include_resources": "true"})) is None


def test_one_paper_cited_by_its_arxiv_id_and_its_doi_is_one_gap(lib: Path) -> None:
    (lib / "inbox").mkdir()
    lines = [{"key": "devlin2018bert", "references": [["arXiv:1207.0580", "Improving neural networks by preventing "
                                                        "co-adaptation", 2012, "Hinton"]]},
             {"key": "he2015deep", "references": [["DOI:10.48550/arXiv.1207.0580", "Improving neural networks by "
                                                   "preventing co-adaptation", 2012, "Hinton"]]},
             {"key": "kingma2014adam", "references": [["DOI:10.5555/other", "Improving Neural Networks by Preventing "
                                                       "Co-adaptation", 2012, "Hinton"]]}]
    (lib / "inbox" / "references.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = tool("gaps.py", "--root", lib, "--offline", "--min", "3")
    ok(result)
    assert result.stdout.count("Improving neural networks") == 1 and "3 notes" in result.stdout, result.stdout
