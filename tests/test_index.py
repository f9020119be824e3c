"""`python tools/index.py`: the README's generated region, strict loading, and the note cache."""

from __future__ import annotations

import dataclasses
import os
import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import LIBRARY_DATA, REPO, run_script, settled_cache, ten_seconds_on
from papernotes.model.paper import Paper
from papernotes.store import notecache
from papernotes.store.cache import DataCache
from papernotes.store.library import Library

START = "<!-- papernotes:index:start -->"
END = "<!-- papernotes:index:end -->"
GOLDEN = REPO / "tests" / "data" / "golden" / "readme_index.md"


def index(root: Path, *args: str, **env: str):
    return run_script("index.py", "--root", root, *args, **env)


def region(readme: Path) -> str:
    text = readme.read_text(encoding="utf-8")
    return text[text.index(START) : text.index(END) + len(END)]


def write_note(root: Path, key: str, body: str) -> Path:
    path = root / "papers" / f"{key}.md"
    path.write_text(body, encoding="utf-8")
    return path


def note(key: str, title: str, **fields: str) -> str:
    lines = [f"key: {key}", f"title: {title}"] + [f"{k}: {v}" for k, v in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\nbody\n"


def test_golden_readme_for_the_example_library(example_library: Path) -> None:
    readme = example_library / "README.md"
    readme.write_text(f"# Mine\n\n{START}\nstale\n{END}\n", encoding="utf-8")
    result = index(example_library)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated README.md\n"
    assert region(readme) + "\n" == GOLDEN.read_text(encoding="utf-8")


def test_the_example_readme_is_up_to_date(example_library: Path) -> None:
    result = index(example_library, "--check", "--no-cache")
    assert result.returncode == 0, result.stderr


def test_running_twice_changes_nothing(example_library: Path) -> None:
    readme = example_library / "README.md"
    assert index(example_library).returncode == 0
    first = readme.read_bytes()
    stat = readme.stat()
    again = index(example_library)
    assert again.returncode == 0 and again.stdout == ""
    assert readme.read_bytes() == first
    assert readme.stat().st_mtime_ns == stat.st_mtime_ns, "an up-to-date README is not even rewritten"


def test_output_ignores_file_order_locale_time_zone(library: Path) -> None:
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    notes = sorted((LIBRARY_DATA / "papers").glob("*.md"))
    outputs = []
    for seed, env in ((1, {"TZ": "UTC", "LC_ALL": "C"}), (2, {"TZ": "Pacific/Kiritimati", "LC_ALL": "C.UTF-8"})):
        for existing in (library / "papers").glob("*.md"):
            existing.unlink()
        shuffled = notes[:]
        random.Random(seed).shuffle(shuffled)
        for path in shuffled:  # a different creation order, so a different directory order
            shutil.copy(path, library / "papers" / path.name)
        assert index(library, "--no-cache", **env).returncode == 0
        outputs.append((library / "README.md").read_bytes())
    assert outputs[0] == outputs[1]


def test_check_on_fresh_stale_and_broken_libraries(example_library: Path) -> None:
    readme = example_library / "README.md"
    assert index(example_library).returncode == 0
    assert index(example_library, "--check").returncode == 0
    kingma = example_library / "papers" / "kingma2014adam.md"
    kingma.write_text(kingma.read_text().replace("status: read", "status: reading"), encoding="utf-8")
    before = readme.read_bytes()
    stale = index(example_library, "--check")
    assert stale.returncode == 1
    assert stale.stderr == "error: README.md index is stale; run python tools/index.py\n"
    assert readme.read_bytes() == before
    write_note(example_library, "broken", "---\ntitle: [oops\n---\n")
    broken = index(example_library, "--check")
    assert broken.returncode == 1
    assert "papers/broken.md:2: invalid YAML" in broken.stderr
    assert readme.read_bytes() == before


@pytest.mark.parametrize(
    "text, message",
    [
        ("---\ntitle: [unclosed\n---\n", "papers/bad.md:2: invalid YAML"),
        ("---\ntitle: [unclosed\nauthors: [A, B]\nyear: 2015\n---\n",
         "papers/bad.md:2: invalid YAML: the '[' on this line is not closed (did not find expected ',' or ']')"),
        ("---\nyear: 2015\ntitle: 'unclosed\nauthors: [A]\n---\n", "papers/bad.md:3: invalid YAML: the quote on this line is not closed"),
        ("---\ntitle: A\nyear: twenty\n---\n", "papers/bad.md:3: field 'year': expected an integer, got 'twenty'"),
        ("---\ntitle: A\nyear: 2018\narxiv: 1501.00010\n---\n", "papers/bad.md:4: field 'arxiv': expected a quoted string"),
        ("---\ntitle: A\ntags: {a: 1}\n---\n", "papers/bad.md:3: field 'tags': expected a list of text"),
        ("---\ntitle: A\nstatus: done\n---\n", "papers/bad.md:3: field 'status': expected one of to-read, reading, read, skipped"),
        ("---\ntitle: A\npublished: last week\n---\n", "papers/bad.md:3: field 'published': expected a date"),
        ("---\ntitle: A\nauthors: [X]\n", "papers/bad.md:1: frontmatter has no closing '---' line"),
        ("---\ntitle: A\nyear: 2018\ntitle: B\n---\n", "papers/bad.md:4: duplicate key 'title'"),
        ("title: A\n", "papers/bad.md:1: no frontmatter"),
        ("---\nyear: 2018\n---\n", "papers/bad.md:1: field 'title': is required"),
        ("---\n- a\n- b\n---\n", "papers/bad.md:2: frontmatter must be a mapping"),
        ("---\nkey: other\ntitle: A\n---\n", "papers/bad.md:2: key 'other' does not match the file name 'bad.md'"),
    ],
)
def test_each_kind_of_broken_note_is_reported_with_its_line(library: Path, text: str, message: str) -> None:
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    before = (library / "README.md").read_bytes()
    write_note(library, "bad", text)
    result = index(library)
    assert result.returncode == 1
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert (library / "README.md").read_bytes() == before
    assert (library / "papers" / "bad.md").read_text(encoding="utf-8") == text, "loading never rewrites a note"


def test_non_utf8_and_every_problem_listed_at_once(library: Path) -> None:
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    (library / "papers" / "latin1.md").write_bytes("---\ntitle: Caf\xe9\n---\n".encode("latin-1"))
    write_note(library, "good", note("good", "Fine"))
    write_note(library, "worse", "---\ntitle: A\nyear: 1.5\n---\n")
    result = index(library)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "error: papers/latin1.md:2: not valid UTF-8; save the file as UTF-8",
        "error: papers/worse.md:3: field 'year': expected an integer, got a number (1.5)",
        "2 notes could not be loaded",
    ]


def test_user_text_outside_the_markers_is_untouched_with_crlf(example_library: Path) -> None:
    readme = example_library / "README.md"
    before = b"# My papers\r\n\r\nIntro with trailing spaces   \r\n" + START.encode() + b"\r\nold\r\n" + END.encode() + b"\r\n\r\nFooter\r\n"
    readme.write_bytes(before)
    assert index(example_library).returncode == 0
    after = readme.read_bytes()
    head = before[: before.index(START.encode()) + len(START)]
    tail = before[before.index(END.encode()) :]
    assert after.startswith(head) and after.endswith(tail)
    middle = after[len(head) : -len(tail)]
    assert b"\r\n" in middle and b"\n" not in middle.replace(b"\r\n", b"")
    assert index(example_library, "--check").returncode == 0


def test_missing_markers_are_a_clear_error(example_library: Path) -> None:
    (example_library / "README.md").write_text("# no markers\n", encoding="utf-8")
    result = index(example_library)
    assert result.returncode == 1
    assert result.stderr.startswith("error: README.md needs the two marker lines")
    assert (example_library / "README.md").read_text() == "# no markers\n"


def test_topic_order_nesting_unknown_topics_and_unsorted(library: Path) -> None:
    (library / "README.md").write_text(f"{START}\n{END}\n", encoding="utf-8")
    write_note(library, "a", note("a", "Zeta paper", year="2020", topic="zeta-unknown", tags="[Ünïcode, beta]"))
    write_note(library, "b", note("b", "Alpha paper", year="2019", topic="nlp/embeddings/static", tags="[日本語]"))
    write_note(library, "c", note("c", "Loose paper", year="2018"))
    write_note(library, "d", note("d", "Vision paper", year="2017", topic="vision"))
    write_note(library, "e", note("e", "Early vision", year="2017", published="2017-01-01", topic="vision"))
    assert index(library).returncode == 0
    text = (library / "README.md").read_text(encoding="utf-8")
    headings = [line for line in text.splitlines() if line.startswith("#")]
    assert headings == [
        "### Natural Language Processing", "#### Embeddings and pre-training", "##### Static",
        "### Computer Vision", "### Zeta unknown", "### Unsorted", "### Tags",
    ]
    assert text.index("Early vision") < text.index("Vision paper")
    assert "- `beta` (1)" in text and "- `Ünïcode` (1)" in text and "- `日本語` (1)" in text
    assert "[Zeta paper](papers/a.md)" in text


def test_topics_without_a_title_are_titled_from_their_path() -> None:
    from papernotes.present.views import default_title

    assert [default_title(p) for p in ("nlp", "ml/rl-theory", "vision", "learning-on-graphs", "llm_agents", "Art", "a-b")] == [
        "NLP", "RL theory", "Vision", "Learning on graphs", "LLM agents", "Art", "A B"]


def test_hostile_titles_cannot_break_the_readme(library: Path) -> None:
    (library / "README.md").write_text(f"{START}\n{END}\n", encoding="utf-8")
    write_note(library, "x", note("x", "'[click](javascript:alert(1)) <img src=x onerror=alert(1)> *bold*'"))
    assert index(library).returncode == 0
    text = (library / "README.md").read_text(encoding="utf-8")
    assert "- ⏳ [\\[click\\](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt; \\*bold\\*](papers/x.md)" in text


# -- the cache --------------------------------------------------------------------------------------------


def note_cache(root: Path) -> DataCache:
    return DataCache(root, "notes.json", notecache._CACHE_FORMAT)


def count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The notes read and parsed, by file name (a load parses through notefile.read_note, in this
    process for a few notes)."""
    from papernotes.store import library, notefile

    reads: list[str] = []
    original = notefile.read_note

    def counting(root: Path | str, path: Path | str, rel: str, with_body: bool = True):  # type: ignore[no-untyped-def]
        reads.append(Path(path).name)
        return original(root, path, rel, with_body)

    monkeypatch.setattr(notefile, "read_note", counting)
    monkeypatch.setattr(library, "read_note", counting)
    return reads


def test_warm_cache_reads_nothing(example_library: Path, monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    cold, _ = Library(example_library).load(bodies=True)
    reads = count_reads(monkeypatch)
    warm, _ = Library(example_library).load(bodies=True)
    assert reads == []
    assert warm == cold and [p.body for p in warm] == [p.body for p in cold]
    assert "## Summary" in warm[0].body
    assert [p.body for p in Library(example_library).load()[0]] == [""] * 8
    Library(example_library).load(use_cache=False)
    assert len(reads) == 8


def test_recently_written_cache_entries_are_checked_again(example_library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Library(example_library).load()
    reads = count_reads(monkeypatch)
    Library(example_library).load()
    assert len(reads) == 8, "notes changed within the racy window of the cache are re-read"


def test_a_save_within_the_racy_window_is_not_written(example_library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A note saved a moment ago would not be trusted from a cache written now, so a command then
    leaves the cache as it is (at 10,000 notes, megabytes rewritten for nothing) and parses that
    note alone; the first command after the window writes it."""
    settled_cache(example_library)
    cache = example_library / ".cache" / "papernotes" / "notes.json"
    before = cache.read_bytes()
    adam = example_library / "papers" / "kingma2014adam.md"
    adam.write_text(adam.read_text(encoding="utf-8").replace("tags: [optimization]", "tags: [adam]"), encoding="utf-8")
    reads = count_reads(monkeypatch)
    for _ in range(2):
        by_key = {p.key: p for p in Library(example_library).load()[0]}
        assert by_key["kingma2014adam"].tags == ("adam",) and reads == ["kingma2014adam.md"]
        assert cache.read_bytes() == before
        reads.clear()
    with ten_seconds_on():
        Library(example_library).load()
        assert reads == ["kingma2014adam.md"] and cache.read_bytes() != before
        reads.clear()
        assert {p.key: p for p in Library(example_library).load()[0]} == by_key and reads == []


def test_cache_sees_edits_same_size_replacements_deletions_and_renames(example_library: Path, monkeypatch: pytest.MonkeyPatch,
                                                                      later: None) -> None:
    papers = example_library / "papers"
    Library(example_library).load()
    reads = count_reads(monkeypatch)

    adam = papers / "kingma2014adam.md"
    stat = adam.stat()
    swapped = adam.read_text().replace("tags: [optimization]", "tags: [optimizatiom]")
    assert len(swapped.encode()) == stat.st_size
    adam.write_text(swapped, encoding="utf-8")
    os.utime(adam, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    (papers / "goodfellow2014generative.md").unlink()
    he = papers / "he2015deep.md"
    he.write_text(he.read_text().replace("key: he2015deep\n", ""), encoding="utf-8")
    Library(example_library).load()
    reads.clear()
    he.rename(papers / "resnet.md")

    loaded, problems = Library(example_library).load()
    assert problems == []
    by_key = {p.key: p for p in loaded}
    assert by_key["kingma2014adam"].tags == ("optimizatiom",)
    assert "goodfellow2014generative" not in by_key
    assert "resnet" in by_key and "he2015deep" not in by_key
    assert reads == ["resnet.md"]


def test_abstracts_are_read_only_when_asked_for_and_never_stale(example_library: Path, monkeypatch: pytest.MonkeyPatch,
                                                                later: None) -> None:
    """`list` and the plan leave the abstracts (three quarters of the cache) unread; a note saved
    since its abstract was cached is parsed again when abstracts are next asked for, and a damaged
    abstracts file costs a parse, never a wrong abstract."""
    papers = example_library / "papers"
    for note in papers.glob("*.md"):
        note.write_text(note.read_text(encoding="utf-8").replace("---\n", f"---\nabstract: What {note.stem} found.\n", 1),
                        encoding="utf-8")
    cold, _ = Library(example_library).load()
    assert all(p.abstract == f"What {p.key} found." for p in cold)
    abstracts = example_library / ".cache" / "papernotes" / "abstracts.json"
    kept = abstracts.read_bytes()
    abstracts.write_bytes(b"unreadable")
    reads = count_reads(monkeypatch)
    light, _ = Library(example_library).load(abstracts=False)
    assert reads == [] and abstracts.read_bytes() == b"unreadable"
    assert [p.abstract for p in light] == [None] * 8
    assert [dataclasses.replace(p, abstract=None) for p in cold] == light
    assert Library(example_library).load()[0] == cold and len(reads) == 8, "an unreadable abstracts file: every note parsed"

    abstracts.write_bytes(kept)
    adam = papers / "kingma2014adam.md"
    adam.write_text(adam.read_text(encoding="utf-8").replace("abstract: What", "abstract: Revised. What", 1), encoding="utf-8")
    reads.clear()
    Library(example_library).load(abstracts=False)  # parses the saved note; its abstract left for later
    assert reads == ["kingma2014adam.md"] and abstracts.read_bytes() == kept
    reads.clear()
    by_key = {p.key: p for p in Library(example_library).load()[0]}
    assert by_key["kingma2014adam"].abstract.startswith("Revised. ") and reads == ["kingma2014adam.md"]
    reads.clear()
    assert Library(example_library).load()[0] == list(by_key.values()) and reads == []


def test_an_abstract_parsed_within_the_racy_window_is_never_trusted_later(example_library: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """A note saved twice within one clock tick keeps one signature for two texts. Its first text,
    parsed at once, must not leave an abstract that a later entry in notes.json (written by a command
    without abstracts, once the note has settled) would vouch for."""
    papers = example_library / "papers"
    first, second = Library(example_library).load()[0][:2]
    now = notecache.clock_ns()
    racy = (100, now, now, 7)  # changed this moment: both texts have it
    settled_one = (100, now - 60_000_000_000, now - 60_000_000_000, 8)
    cache = notecache.NoteCache(example_library, papers)
    cache.put("a.md", settled_one, first)  # a settled note: the save is worth making
    cache.put("b.md", racy, dataclasses.replace(second, abstract="The first text."))
    cache.save({"a.md", "b.md"})
    monkeypatch.setattr(notecache, "clock_ns", lambda: now + 10_000_000_000)
    light = notecache.NoteCache(example_library, papers, abstracts=False)
    assert light.get("b.md", racy) is None
    light.put("b.md", racy, dataclasses.replace(second, title="The second text", abstract="The second text."))
    light.save({"a.md", "b.md"})
    found = notecache.NoteCache(example_library, papers).get("b.md", racy)
    assert found is None or Paper.from_tuple(found + ("",)).abstract == "The second text.", found


def test_a_damaged_cache_is_rebuilt(example_library: Path, later: None) -> None:
    Library(example_library).load()
    cache = example_library / ".cache" / "papernotes" / "notes.json"
    cache.write_bytes(b"not a cache")
    papers, problems = Library(example_library).load()
    assert len(papers) == 8 and problems == []
    assert note_cache(example_library).load()["entries"]
    shutil.rmtree(example_library / ".cache")
    assert index(example_library).returncode == 0


def test_a_readme_that_is_not_utf8_is_refused_and_left_as_it_was(example_library: Path) -> None:
    readme = example_library / "README.md"
    before = "# Caf\xe9 papers\n".encode("latin-1") + START.encode() + b"\n" + END.encode() + b"\n"
    readme.write_bytes(before)
    result = index(example_library)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: README.md is not valid UTF-8"
    assert readme.read_bytes() == before


# -- the index patched in place ----------------------------------------------------------------------------


def test_the_shipped_index_template_is_the_one_the_patch_knows() -> None:
    from papernotes.services.readme import PATCHABLE_TEMPLATE, _digest

    assert _digest((REPO / "templates" / "readme_index.md.j2").read_bytes()) == PATCHABLE_TEMPLATE, \
        "the index template changed: check that services.readme.placement still names everything it shows of a " \
        "paper outside the paper's line, then update PATCHABLE_TEMPLATE"


def test_a_patched_index_equals_a_rendered_one_through_any_edit(library: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random status changes, hand edits of every kind, new and deleted notes: after each, the index
    from the memo equals a full render, and a status change never renders the whole index."""
    from papernotes.present import render
    from papernotes.services.readme import generated_region
    from papernotes.store import notecache

    monkeypatch.setattr(notecache, "RACY_SECONDS", 0)  # signatures trusted at once; mtimes are moved by hand
    renders: list[int] = []
    real_render = render.readme_index
    monkeypatch.setattr(render, "readme_index", lambda *a: renders.append(1) or real_render(*a))
    rng = random.Random(7)
    papers = library / "papers"
    clock = [1_700_000_000]

    def save(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        clock[0] += 10
        os.utime(path, (clock[0], clock[0]))  # a new mtime even when an edit keeps the size

    statuses = ["to-read", "reading", "read", "skipped"]
    settings = library / "pyproject.toml"  # the counts line says how far along rl is: patched too
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", '[tool.papernotes]\nfocus = "rl"\n', 1),
                        encoding="utf-8")
    for i in range(24):
        save(papers / f"p{i}.md", note(f"p{i}", f"Paper {i}", year=str(2000 + i % 7), topic=rng.choice(["nlp", "vision", "rl/x"]),
                                       tags=f"[t{i % 3}]", status=rng.choice(statuses)))
    generated_region(Library(library), use_cache=True)
    patched_status_changes = 0
    focus_lines: set[bytes] = set()
    for step in range(120):
        key = f"p{rng.randrange(24)}"
        path = papers / f"{key}.md"
        kind = rng.choice(["status", "status", "status", "title", "topic", "tags", "year", "new", "delete", "abstract"])
        if not path.exists() and kind != "new":
            continue
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if kind == "status":
            result = run_script("status.py", "--root", library, key, rng.choice(statuses), PAPERNOTES_TODAY="2026-03-01")
            assert result.returncode == 0, result.stderr
        elif kind == "new":
            save(path, note(key, f"New {step}", status="read", topic="nlp"))
        elif kind == "delete":
            path.unlink()
        elif kind == "abstract":
            kept = [line for line in text.splitlines() if not line.startswith("abstract: ")]
            save(path, "\n".join(kept).replace("---\nbody", f"abstract: words {step}\n---\nbody") + "\n")
        else:
            field = {"title": "title: ", "topic": "topic: ", "tags": "tags: ", "year": "year: "}[kind]
            value = {"title": f"Retitled {step}", "topic": rng.choice(["nlp", "theory"]), "tags": f"[t{step % 5}]",
                     "year": str(1990 + step % 30)}[kind]
            lines = [f"{field}{value}" if line.startswith(field) else line for line in text.splitlines()]
            save(path, "\n".join(lines) + "\n")
        before = len(renders)
        memo = generated_region(Library(library), use_cache=True)
        if kind == "status":
            patched_status_changes += len(renders) == before
        assert memo == generated_region(Library(library), use_cache=False), f"step {step}: {kind} of {key}"
        said = re.search(rb"focus: [^,]+, \d+ of \d+ read", memo)
        assert said, memo[:300]
        focus_lines.add(said.group(0))
    assert patched_status_changes >= 20, patched_status_changes
    assert len(focus_lines) >= 3, focus_lines


def test_a_fresh_clone_parsed_in_parts_loads_alike(example_library: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch, later: None) -> None:
    """Thousands of notes to parse (a fresh clone) are split between forked processes: the same
    papers, bodies and problems, in the same order, and a cache the next load reads nothing past."""
    import os
    import sys
    import threading

    from papernotes.store import library

    papers = example_library / "papers"
    (papers / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    (papers / "nofront.md").write_text("no frontmatter\n", encoding="utf-8")
    (tmp_path / "elsewhere.md").write_text("---\ntitle: Elsewhere\n---\n", encoding="utf-8")
    (papers / "linked.md").symlink_to(tmp_path / "elsewhere.md")
    whole, whole_problems = Library(example_library).load(use_cache=False, bodies=True)
    parts: list[int] = []
    split = library.in_parts

    def counted(work, items, above):  # type: ignore[no-untyped-def]
        found = split(work, items, above)
        parts.append(len(found))
        return found

    monkeypatch.setattr(library, "PARSE_IN_PARTS_ABOVE", 2)
    monkeypatch.setattr(library, "in_parts", counted)
    loaded, problems = Library(example_library).load(bodies=True)
    assert loaded == whole and [p.body for p in loaded] == [p.body for p in whole] and len(loaded) == 8
    assert [str(p) for p in problems] == [str(p) for p in whole_problems] and len(problems) == 3
    can_split = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1 and threading.active_count() == 1
    assert parts == [2 if can_split else 1]
    reads = count_reads(monkeypatch)
    assert Library(example_library).load(bodies=True)[0] == whole and sorted(reads) == ["broken.md", "nofront.md"]


_LOADER = """
import random, sys, time
from pathlib import Path
from papernotes.store import notecache
from papernotes.store.library import Library

real = notecache.clock_ns
notecache.clock_ns = lambda: real() + 10 * 1_000_000_000  # every save trusted at once: the cache is used
rng = random.Random(int(sys.argv[2]))
end = time.monotonic() + float(sys.argv[3])
while time.monotonic() < end:
    Library(Path(sys.argv[1])).load(abstracts=rng.random() < 0.5)
"""


@pytest.mark.slow  # a race's test: the full suite runs it
def test_commands_loading_while_notes_change_never_leave_a_stale_note_or_abstract(library: Path) -> None:
    """Four processes load the library over and over, half of them without abstracts, each saving the
    two cache files as it goes, while notes are saved (each save changes the size, so a signature never
    repeats). Whatever the interleaving, a load afterwards from the caches gives every note exactly as
    a load without them does."""
    import subprocess
    import sys

    from conftest import TOOLS

    papers = library / "papers"

    def save(key: str, version: int) -> None:
        (papers / f"{key}.md").write_text(
            f"---\ntitle: Paper {key} version {version}\nabstract: {'Words of version ' * version}{version}.\n"
            f"status: to-read\n---\n", encoding="utf-8")

    keys = [f"n{i}" for i in range(30)]
    versions = dict.fromkeys(keys, 1)
    for key in keys:
        save(key, 1)
    loaders = [subprocess.Popen([sys.executable, "-c", _LOADER, str(library), str(seed), "4"], cwd=TOOLS,
                                stderr=subprocess.PIPE, text=True) for seed in range(4)]
    rng = random.Random(3)
    try:
        while any(loader.poll() is None for loader in loaders):
            key = rng.choice(keys)
            versions[key] += 1
            save(key, versions[key])
    finally:
        errors = [loader.communicate()[1] for loader in loaders]
    assert [loader.returncode for loader in loaders] == [0] * 4, errors
    fresh, _ = Library(library).load(use_cache=False)
    assert [p.title for p in fresh] == [f"Paper {k} version {versions[k]}" for k in sorted(keys)]
    with ten_seconds_on():
        assert Library(library).load()[0] == fresh
        assert Library(library).load(abstracts=False)[0] == [dataclasses.replace(p, abstract=None) for p in fresh]
        assert Library(library).load()[0] == fresh
