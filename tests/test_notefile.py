"""The in-place patcher: only the named fields' lines change; everything else stays byte for byte."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from papernotes.model.paper import STATUSES
from papernotes.store.library import Library, NoteError, WriteError
from papernotes.store.notefile import PatchError, patch_text

# -- generated notes ----------------------------------------------------------------------------------

NAMES = ["title", "authors", "tags", "status", "topic", "year", "venue", "my_field", "rating", "found_via", "code"]
WORDS = st.text(alphabet="abcdefgxyz ÄéΩ-_.:#'\"0123456789", min_size=1, max_size=12).filter(lambda s: s.strip() == s)


def scalar_lines(value: object, style: str, flow: bool = False) -> str:
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if style == "single":
        return "'" + text.replace("'", "''") + "'"
    if style == "double":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    # plain when YAML reads it back as the same string, else single-quoted
    try:
        probe = f"k: [{text}]" if flow else f"k: {text}"
        if yaml.safe_load(probe) == {"k": [text] if flow else text} and "#" not in text and ": " not in text:
            return text
    except yaml.YAMLError:
        pass
    return "'" + text.replace("'", "''") + "'"


@st.composite
def field_blocks(draw: st.DrawFn, name: str) -> tuple[str, object, list[str]]:
    """One field: its name, its value, and the lines (without line endings) that spell it."""
    comment = draw(st.sampled_from(["", "  # note", " #x"]))
    if name in ("authors", "tags", "found_via"):
        value: object = draw(st.lists(WORDS, max_size=4))
        style = draw(st.sampled_from(["flow", "block0", "block2"]))
        items = [scalar_lines(v, draw(st.sampled_from(["plain", "single", "double"])), flow=style == "flow")
                 for v in value]  # type: ignore[union-attr]
        if style == "flow" or not items:
            return name, value, [f"{name}: [{', '.join(items)}]{comment}"]
        indent = "" if style == "block0" else "  "
        return name, value, [f"{name}:{comment}"] + [f"{indent}- {item}" for item in items]
    if name in ("year", "rating"):
        value = draw(st.integers(min_value=1900, max_value=2100))
        return name, value, [f"{name}: {value}{comment}"]
    value = draw(st.sampled_from(STATUSES) if name == "status" else WORDS)
    return name, value, [f"{name}: {scalar_lines(value, draw(st.sampled_from(['plain', 'single', 'double'])))}{comment}"]


@st.composite
def notes(draw: st.DrawFn) -> tuple[str, dict[str, object], list[tuple[str | None, list[str]]]]:
    """A note's text, its fields, and its frontmatter as blocks (field name or None for a comment/blank)."""
    names = ["title"] + draw(st.lists(st.sampled_from(NAMES[1:]), unique=True, max_size=8))
    names = draw(st.permutations(names))
    blocks: list[tuple[str | None, list[str]]] = []
    values: dict[str, object] = {}
    for name in names:
        if draw(st.booleans()):
            blocks.append((None, [draw(st.sampled_from(["", "# a comment", "#", "   "]))]))
        field_name, value, lines = draw(field_blocks(name))
        blocks.append((field_name, lines))
        values[field_name] = value
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "\ufeff"]))
    body = draw(st.text(alphabet="ab #-:\n[]", max_size=40)).replace("\n", newline)
    front = "".join(line + newline for _, lines in blocks for line in lines)
    return f"{bom}---{newline}{front}---{newline}{body}", values, blocks


@st.composite
def patches(draw: st.DrawFn, values: dict[str, object]) -> dict[str, object]:
    changes: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from(NAMES + ["planned", "started", "priority"]), unique=True, max_size=4)):
        if name == "title":
            changes[name] = draw(WORDS)  # a note always keeps its title
        elif name in values and draw(st.booleans()):
            changes[name] = None
        elif name in ("authors", "tags", "found_via"):
            changes[name] = draw(st.lists(WORDS, max_size=4))
        elif name in ("year", "rating", "priority"):
            changes[name] = draw(st.integers(min_value=1, max_value=3))
        elif name == "started":
            changes[name] = dt.date(2026, 11, draw(st.integers(min_value=1, max_value=30)))
        elif name == "status":
            changes[name] = draw(st.sampled_from(STATUSES))
        elif name == "planned":
            changes[name] = f"2026-W{draw(st.integers(min_value=1, max_value=52)):02d}"
        else:
            changes[name] = draw(WORDS)
    return changes


def split_front(text: str) -> tuple[str, str]:
    text = text.removeprefix("\ufeff")
    start = text.index("\n") + 1
    end = text.index("\n---", start - 1) + 1
    return text[start:end], text[end:]


@pytest.mark.slow
@settings(max_examples=300)
@given(st.data())
def test_patching_changes_only_the_named_fields(data: st.DataObject) -> None:
    text, values, blocks = data.draw(notes())
    changes = data.draw(patches(values))
    newline = "\r\n" if "\r\n" in text.split("---", 2)[1][:2] else "\n"
    result = patch_text(text, changes, "papers/x.md")

    front, body = split_front(result)
    expected = {k: v for k, v in values.items() if k not in changes}
    expected.update({k: v for k, v in changes.items() if v is not None})
    parsed = yaml.safe_load(front) or {}
    assert parsed == expected
    # Fields keep their order; new ones come last.
    assert list(parsed) == [k for k in values if k in parsed] + [k for k in changes if k not in values and k in parsed]
    # Everything but the patched fields' own lines is byte-identical, in order: the BOM, the
    # delimiters, every other field, every comment and blank line, and the body.
    assert result.startswith(text[: text.index("---") + 3 + len(newline)])
    assert body == split_front(text)[1]
    kept_segments: list[list[str]] = [[]]
    for name, lines in blocks:
        if name is not None and name in changes:
            kept_segments.append([])
        else:
            kept_segments[-1].extend(lines)
    position = 0
    front_lines = front.split(newline)
    for i, segment in enumerate(kept_segments):
        if not segment:
            continue
        found = next((j for j in range(position, len(front_lines) - len(segment) + 1)
                      if front_lines[j : j + len(segment)] == segment), None)
        assert found is not None, (segment, front_lines)
        if i == 0:
            assert found == 0
        position = found + len(segment)
    if not any(n in changes for n, _ in blocks) and not any(v is not None for k, v in changes.items() if k not in values):
        assert result == text
    # Patching again with the same changes is a no-op.
    assert patch_text(result, changes, "papers/x.md") == result


# -- cases worth naming ---------------------------------------------------------------------------------

NOTE = (
    "\ufeff---\r\n"
    "title: \"A paper\"   # my title\r\n"
    "# reading notes below\r\n"
    "authors:\r\n"
    "  - Ada Lovelace\r\n"
    "  - Alan Turing\r\n"
    "\r\n"
    "tags:\r\n"
    "- x\r\n"
    "# after the tags\r\n"
    "status: to-read \r\n"
    "abstract: |\r\n"
    "  line one\r\n"
    "  line two\r\n"
    "---\r\n"
    "body  \r\n"
)


def test_a_block_list_stays_a_block_list_and_comments_stay() -> None:
    result = patch_text(NOTE, {"tags": ["x", "y"], "status": "read", "finished": dt.date(2026, 11, 27)}, "papers/x.md")
    assert result == NOTE.replace("- x\r\n", "- x\r\n- y\r\n").replace("status: to-read \r\n", "status: read \r\n").replace(
        "---\r\nbody", "finished: 2026-11-27\r\n---\r\nbody")


def test_quoting_style_and_trailing_comment_are_kept() -> None:
    result = patch_text(NOTE, {"title": "It's: new"}, "papers/x.md")
    assert result == NOTE.replace('title: "A paper"   # my title', 'title: "It\'s: new"   # my title')


def test_removing_fields_removes_their_lines_only() -> None:
    result = patch_text(NOTE, {"authors": None, "abstract": None, "nothing": None}, "papers/x.md")
    assert result == NOTE.replace("authors:\r\n  - Ada Lovelace\r\n  - Alan Turing\r\n", "").replace(
        "abstract: |\r\n  line one\r\n  line two\r\n", "")


def test_a_block_scalar_keeps_its_style() -> None:
    result = patch_text(NOTE, {"abstract": "new one\nnew two"}, "papers/x.md")
    assert result == NOTE.replace("abstract: |\r\n  line one\r\n  line two\r\n", "abstract: |-\r\n  new one\r\n  new two\r\n")


def test_ids_are_written_quoted() -> None:
    result = patch_text("---\ntitle: x\n---\n", {"arxiv": "1501.00010", "doi": "10.1/x"}, "papers/x.md")
    assert result == "---\ntitle: x\narxiv: '1501.00010'\ndoi: 10.1/x\n---\n"


def test_a_change_that_would_touch_other_lines_is_refused() -> None:
    aliased = "---\ntitle: x\nmine: &shared [a, b]\ntheirs: *shared\n---\n"
    with pytest.raises(NoteError, match="anchors and aliases are not supported"):
        patch_text(aliased, {"mine": ["c"]}, "papers/x.md")
    flow = "---\n{title: x}\n---\n"
    with pytest.raises(PatchError):
        patch_text(flow, {"tags": ["a"]}, "papers/x.md")


def test_a_note_that_does_not_parse_is_reported_with_its_line() -> None:
    with pytest.raises(NoteError, match=r"papers/x.md:3: field 'year': expected an integer"):
        patch_text("---\ntitle: x\nyear: soon\n---\n", {"status": "read"}, "papers/x.md")
    with pytest.raises(NoteError, match=r"papers/x.md:1: no frontmatter"):
        patch_text("just text\n", {"status": "read"}, "papers/x.md")


# -- writing ---------------------------------------------------------------------------------------------


def make_library(tmp_path: Path, text: str) -> tuple[Library, Path]:
    (tmp_path / "papers").mkdir()
    note = tmp_path / "papers" / "x.md"
    note.write_bytes(text.encode("utf-8"))
    return Library(tmp_path), note


def test_update_is_atomic_keeps_the_mode_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    library, note = make_library(tmp_path, NOTE)
    os.chmod(note, 0o640)
    updated = library.update(note.stem, {"status": "reading"})
    assert updated.changed and updated.after.status == "reading" and updated.before.status == "to-read"
    assert note.read_bytes() == NOTE.replace("to-read \r", "reading \r").encode("utf-8")
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert sorted(p.name for p in note.parent.iterdir()) == ["x.md"]


def test_an_editor_save_in_between_is_patched_not_overwritten(tmp_path: Path) -> None:
    library, note = make_library(tmp_path, "---\ntitle: x\nstatus: to-read\n---\nfirst\n")
    calls = []

    def change(paper):  # runs after the note is read: an editor saves right then, once
        calls.append(paper.body)
        if len(calls) == 1:
            note.write_text("---\ntitle: x\nstatus: to-read\n---\nthe editor's save\n", encoding="utf-8")
        return {"status": "read"}

    library.update(note.stem, change)
    assert note.read_text(encoding="utf-8") == "---\ntitle: x\nstatus: read\n---\nthe editor's save\n"
    assert calls == ["first\n", "the editor's save\n"]


def test_a_note_that_keeps_changing_is_left_alone(tmp_path: Path) -> None:
    library, note = make_library(tmp_path, "---\ntitle: x\n---\n")
    saves = iter(range(100))

    def change(paper):
        note.write_text(f"---\ntitle: x\n---\nsave {next(saves)}\n", encoding="utf-8")
        return {"status": "read"}

    with pytest.raises(WriteError, match="kept changing"):
        library.update(note.stem, change)
    assert note.read_text(encoding="utf-8").startswith("---\ntitle: x\n---\nsave ")
    assert sorted(p.name for p in note.parent.iterdir()) == ["x.md"]


def test_a_symlinked_note_is_updated_through_the_link(tmp_path: Path) -> None:
    library, note = make_library(tmp_path, "---\ntitle: x\n---\n")
    real = tmp_path / "elsewhere.md"
    note.rename(real)
    note.symlink_to(real)
    library.update(note.stem, {"status": "read"})
    assert note.is_symlink()
    assert real.read_text(encoding="utf-8") == "---\ntitle: x\nstatus: read\n---\n"


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    fifo = tmp_path / "papers" / "x.md"
    os.mkfifo(fifo)
    with pytest.raises(NoteError, match="not a regular file"):
        Library(tmp_path).update(fifo.stem, {"status": "read"})


# Scalars whose meaning YAML decides by their spelling: the fast path must agree with PyYAML on each.
_TRICKY_SCALARS = [
    "plain text", "'quoted'", '"double"', "yes", "No", "~", "null", "", "1e3", "0x1F", "0o17", "-1_000", "1:20",
    ".inf", "2020-01-01", "2020-02-30", "2001-12-14t21:59:43.10-05:00", "!!str 5", "!!int '7'", "[a, b]", "[1, 2]",
    "[a, [b]]", "[]", "{a: 1}", "{}", "&anchor x", "*anchor", "|\n  block\n", ">-\n  folded\n", "[a, 'b', \"c\"]",
    "[2020-01-01]", "[~, x]", "!custom x", "\n  - a\n  - 'b'\n", "\n  - [a]\n", "\n  a: 1\n", "a\n  continued",
    "[a,\n  b]", "{a: [1, 2]}", "&list [a]", "!!binary aGk=", "!!float 1", "!!seq [a]", "1.5",
]
_TRICKY_KEYS = ["title", "tags", "title", "<<", "'<<'", "1", "~", "'quoted key'", "? [a]", "!!str 5", "x", "&k key", "[a]"]


@settings(max_examples=400)
@given(st.lists(st.tuples(st.sampled_from(_TRICKY_KEYS), st.sampled_from(_TRICKY_SCALARS)), max_size=6))
def test_frontmatter_is_read_as_pyyaml_reads_it(pairs: list[tuple[str, str]]) -> None:
    """Notes' frontmatter is built by a fast path where it is flat; whatever the YAML, the result (or
    the error) must be the one PyYAML's general construction gives."""
    from papernotes.store.noteyaml import Loader

    class GeneralLoader(Loader):
        flat_fast_path = False

    raw = "".join(f"{key}: {value}\n" if not key.startswith("?") else f"{key}\n: {value}\n" for key, value in pairs)

    def outcome(loader: type) -> object:
        try:
            return ("value", yaml.load(raw, Loader=loader))
        except yaml.YAMLError as exc:
            return ("error", type(exc), getattr(exc, "problem", None))

    fast, general = outcome(Loader), outcome(GeneralLoader)
    assert fast == general
    if fast[0] == "value" and isinstance(fast[1], dict):
        assert [type(v) for v in fast[1].values()] == [type(v) for v in general[1].values()]  # type: ignore[index]


# -- lists with comments -----------------------------------------------------------------------------

@st.composite
def commented_list(draw: st.DrawFn) -> tuple[str, list[str], list[str], list[str]]:
    """A note whose tags are a block or flow list, items quoted or not and with comments or not;
    the lines that must survive; the old items; and the new value (some kept in order, some added)."""
    items = draw(st.lists(WORDS, min_size=1, max_size=6, unique=True))
    flow = draw(st.booleans())
    styles = [draw(st.sampled_from(["plain", "single", "double"])) for _ in items]
    kept = [item for item in items if draw(st.booleans())]
    added = draw(st.lists(WORDS.filter(lambda w: w not in items), max_size=3, unique=True))
    survivors: list[str] = ["# my tags, in the order I care about"]
    if flow:
        rendered = ", ".join(scalar_lines(i, s, flow=True) for i, s in zip(items, styles, strict=True))
        lines = [f"tags: [{rendered}]   # a comment after the list"]
        survivors.append("   # a comment after the list")
    else:
        lines = ["tags:"]
        for number, (item, style) in enumerate(zip(items, styles, strict=True)):
            if draw(st.booleans()):
                comment = f"  # a comment line before item {number}"
                lines.append(comment)
                survivors.append(comment)
            line = f"  - {scalar_lines(item, style)}" + (f"   # why {number} matters" if draw(st.booleans()) else "")
            lines.append(line)
            if item in kept:
                survivors.append(line)
    text = "---\ntitle: T\n# my tags, in the order I care about\n" + "\n".join(lines) + "\nyear: 2020\n---\nbody\n"
    return text, survivors, items, kept + added


@pytest.mark.slow
@given(commented_list())
@settings(max_examples=400)
def test_list_edits_keep_comments_and_styles(case: tuple[str, list[str], list[str], list[str]]) -> None:
    text, survivors, _, new = case
    result = patch_text(text, {"tags": new}, "papers/x.md")
    after = yaml.safe_load(result.split("---\n")[1])
    assert after.get("tags", []) == new
    for line in survivors:
        assert line in result, (line, result)
    assert result.startswith("---\ntitle: T\n") and result.endswith("year: 2020\n---\nbody\n")
