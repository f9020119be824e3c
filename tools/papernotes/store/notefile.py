"""One note file: parse it, serialize a new one, and patch an existing one in place.

The patcher is the one way tools change a note the user may have edited: it rewrites only the
lines of the fields it is asked to change, so comments, key order, quoting, block or flow style,
blank lines, line endings, a BOM and the whole body stay byte for byte as the user wrote them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, is_inside, read_regular_file
from papernotes.model.pages import RESERVED_KEYS
from papernotes.model.paper import MAX_KEY_LENGTH, VALID_KEY, FieldError, Paper

if TYPE_CHECKING:
    import yaml

# The largest note read, and the largest frontmatter parsed: far beyond any real note, small enough
# that a hostile file cannot exhaust memory or time.
MAX_NOTE_BYTES = 4 * 1024 * 1024
MAX_FRONTMATTER_CHARS = 256 * 1024


@dataclass(frozen=True)
class NoteProblem:
    """A note that cannot be used, with the line to look at: `papers/x.md:3: field 'year': ...`."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class NoteError(PapernotesError):
    def __init__(self, problem: NoteProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _closing_delimiter(text: str, start: int) -> tuple[int, int] | None:
    """Where the closing '---' line starts, and where the body after it starts."""
    position = start - 1
    while True:
        position = text.find("\n---", position)
        if position < 0:
            return None
        end = text.find("\n", position + 4)
        rest = text[position + 4 : end if end >= 0 else len(text)]
        if not rest.strip(" \t\r"):
            return position + 1, (end + 1 if end >= 0 else len(text))
        position += 4


def parse_note(text: str, rel_path: str, with_body: bool = True) -> Paper:
    """Parse a note's text; raise NoteError naming the line of the first problem."""
    return parse_note_full(text, rel_path, with_body).paper


@dataclass(frozen=True)
class ParsedNote:
    """A note parsed once: the Paper, the frontmatter's values as written, and its YAML node (whose
    marks the patcher edits by), so that changing a note reads and parses it once."""

    paper: Paper
    meta: dict[str, Any]
    root: yaml.Node | None


def parse_note_full(text: str, rel_path: str, with_body: bool = True) -> ParsedNote:
    """Parse a note's text into its parts; raise NoteError naming the line of the first problem."""
    text = text.removeprefix("\ufeff")
    first_line_end = text.find("\n")
    first_line = text if first_line_end < 0 else text[:first_line_end]
    if first_line.rstrip("\r \t") != "---":
        raise NoteError(NoteProblem(rel_path, 1, "no frontmatter: the file must start with a line '---'"))
    start = first_line_end + 1
    closing = _closing_delimiter(text, start)
    if closing is None:
        raise NoteError(NoteProblem(rel_path, 1, "frontmatter has no closing '---' line"))
    raw = text[start:closing[0]]
    body = text[closing[1] :]
    root, meta = _load(raw, rel_path)
    return _checked(root, meta, raw, body, rel_path, with_body)


def frontmatter_values(raw: str, rel_path: str) -> dict[str, Any]:
    """Frontmatter text's values as written, before the model reads them; NoteError as for a note."""
    return _load(raw, rel_path)[1]


def _load(raw: str, rel_path: str) -> tuple[yaml.Node | None, dict[str, Any]]:
    """The frontmatter's node and values; NoteError naming the line of the first problem."""
    import yaml

    from papernotes.store.noteyaml import AliasRefusingLoader, Loader

    if len(raw) > MAX_FRONTMATTER_CHARS:
        raise NoteError(NoteProblem(rel_path, 1, f"frontmatter longer than {MAX_FRONTMATTER_CHARS // 1024} KiB; "
                                                 "keep long text in the body"))
    try:
        loader = (AliasRefusingLoader if "*" in raw else Loader)(raw)
        try:
            root = loader.get_single_node()
            meta = loader.data_of(root)
        finally:
            loader.dispose()
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 2 if exc.problem_mark is not None else 1
        reason = exc.problem or "invalid value"
        raise NoteError(NoteProblem(rel_path, line, reason if "not supported" in reason or "duplicate" in reason
                                    else f"invalid YAML: {reason}")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        # A bracket or quote left open is only noticed lines later: point at where it was opened.
        opened = _LEFT_OPEN.get(getattr(exc, "context", None) or "")
        if opened and mark is not None and context_mark is not None and context_mark.line < mark.line:
            mark, reason = context_mark, f"{opened} is not closed ({reason})"
        elif mark is not None and context_mark is not None and mark.line >= raw.count("\n"):
            mark = context_mark
        line = mark.line + 2 if mark is not None else 1
        raise NoteError(NoteProblem(rel_path, line, f"invalid YAML: {reason}")) from None
    except RecursionError:
        raise NoteError(NoteProblem(rel_path, 2, "frontmatter nested too deeply")) from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise NoteError(NoteProblem(rel_path, 2, "frontmatter must be a mapping of 'field: value' lines"))
    return root, meta


def _checked(root: yaml.Node | None, meta: dict[str, Any], raw: str, body: str, rel_path: str,
             with_body: bool) -> ParsedNote:
    """The Paper a parsed frontmatter describes, checked field by field and against the file name."""
    deep = _deepest_field(meta)
    if deep is not None:
        raise NoteError(NoteProblem(rel_path, _line_of_field(raw, str(deep)),
                                    f"field '{deep}' is nested more than {MAX_NESTING} levels deep"))
    stem = rel_path.rsplit("/", 1)[-1].removesuffix(".md")
    if not VALID_KEY.fullmatch(stem) or len(stem) > MAX_KEY_LENGTH:
        raise NoteError(NoteProblem(rel_path, 1, f"'{stem}.md' is not a usable citation key: name the file with letters, "
                                                 f"digits, '-' and '_' (at most {MAX_KEY_LENGTH}), e.g. devlin2018bert.md"))
    if stem.lower() in RESERVED_KEYS:
        raise NoteError(NoteProblem(rel_path, 1, f"'{stem}.md' is the name of a page of the site; rename the note "
                                                 "(a citation key such as smith2020title)"))
    written = meta
    if "key" not in meta:
        # A note written by hand may leave the key out: its file name says it.
        meta = {"key": stem, **meta}
    try:
        paper = Paper.from_frontmatter(meta, body if with_body else "")
    except FieldError as exc:
        raise NoteError(NoteProblem(rel_path, _line_of_field(raw, exc.field), str(exc))) from None
    if paper.key != stem:
        raise NoteError(
            NoteProblem(rel_path, _line_of_field(raw, "key"), f"key '{paper.key}' does not match the file name '{stem}.md'")
        )
    return ParsedNote(paper, written, root)


OUTSIDE_NOTE = "a symbolic link to a file outside the library; a note lives in the library (copy it in instead)"


def read_note(root: Path | str, path: Path | str, rel: str, with_body: bool = True) -> Paper:
    """The note at `path` (`rel`: its name in messages), parsed; a link to a file outside the
    library `root` is a problem of that note, as it would publish whatever it points at."""
    if os.path.islink(path) and not is_inside(Path(root), path):
        raise NoteError(NoteProblem(rel, 1, OUTSIDE_NOTE))
    return parse_note(decode_note(read_regular(path, rel)[0], rel), rel, with_body)


# Notes to parse above which they are split between the processors: a fresh clone (the first command,
# a fork's CI running `check` and the site build) parses all of them, at 10,000 notes 1.6 s on one core.
PARSE_IN_PARTS_ABOVE = 2000


def parsed_notes(root: str, with_body: bool, notes: list[tuple[str, str]]) -> list[tuple[Any, ...] | NoteProblem]:
    """Each note (path, name shown) parsed, as the paper's flat tuple (quick to hand back from a
    worker process), or its problem."""
    results: list[tuple[Any, ...] | NoteProblem] = []
    for path, rel in notes:
        try:
            results.append(read_note(root, path, rel, with_body).as_tuple())
        except NoteError as exc:
            results.append(exc.problem)
    return results


_LEFT_OPEN = {"while parsing a flow sequence": "the '[' on this line", "while parsing a flow mapping": "the '{' on this line",
              "while scanning a quoted scalar": "the quote on this line"}


def read_regular(path: str | os.PathLike[str], rel: str, limit: int = MAX_NOTE_BYTES) -> tuple[bytes, tuple[int, int, int]]:
    """A note's bytes and (size, mtime_ns, mode); a FIFO, device or folder, or a note over
    `limit` bytes, is a problem of that note (see files.read_regular_file)."""
    try:
        data, status = read_regular_file(path, limit)
    except UnreadableFile as exc:
        reason = exc.message
        if exc.os_error and not os.path.lexists(path):
            reason = "the note no longer exists"
        elif exc.special:
            reason = "not a regular file; a note is a plain .md file"
        raise NoteError(NoteProblem(rel, 1, reason)) from None
    return data, (status.st_size, status.st_mtime_ns, status.st_mode)


def decode_note(data: bytes, rel: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise NoteError(NoteProblem(rel, line, "not valid UTF-8; save the file as UTF-8")) from None


MAX_NESTING = 16  # lists and mappings inside a field: real notes use one or two


def _deepest_field(meta: dict[Any, Any]) -> Any:
    """The first field nested deeper than MAX_NESTING (checked without recursion), or None."""
    for name, value in meta.items():
        if type(value) is list and all(type(item) is str for item in value):
            continue  # what the tools write: a flat list of text
        if not isinstance(value, (list, dict)):
            continue
        stack = [(value, 1)]
        while stack:
            item, depth = stack.pop()
            if depth > MAX_NESTING:
                return name
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children if isinstance(child, (list, dict)))
    return None


def _read_body(path: str) -> str | None:
    """The body of a note whose frontmatter is cached; None if the file no longer reads as a note."""
    try:
        text = decode_note(read_regular(path, path)[0], path)
    except NoteError:
        return None
    closing = _closing_delimiter(text, text.find("\n") + 1)
    return text[closing[1] :] if closing else None


def _line_of_field(raw: str, name: str) -> int:
    match = re.search(rf"^{re.escape(name)}\s*:", raw, re.MULTILINE)
    return raw.count("\n", 0, match.start()) + 2 if match else 1


def serialize(paper: Paper) -> str:
    """The full text of a note: YAML frontmatter written by a serializer, then the body as it is."""
    from frontmatter.default_handlers import YAMLHandler

    from papernotes.store.noteyaml import NoteDumper

    meta = paper.frontmatter()
    fm = YAMLHandler().export(meta, Dumper=NoteDumper, sort_keys=False, allow_unicode=True, width=1 << 30)
    return f"---\n{fm}\n---\n{paper.body}"




# -- changing a note in place ----------------------------------------------------------------------------


class PatchError(PapernotesError):
    """A change that cannot be made without touching lines other than the field's own."""


@dataclass(frozen=True)
class _Split:
    """A note's text cut into its parts; `raw` is the frontmatter between the two '---' lines."""

    head: str  # BOM and the opening '---' line
    raw: str
    tail: str  # the closing '---' line and the body
    newline: str

    @property
    def closing_end(self) -> int:
        """Where the body starts in `tail`: after the closing '---' line."""
        return self.tail.find("\n") + 1 or len(self.tail)


def foreign_note(text: str, rel_path: str) -> tuple[dict[str, Any], str]:
    """Another tool's Markdown note: its frontmatter's values (none when it has none) and its body.
    The frontmatter is read as a note's is (bounded, no aliases); when it is not YAML, as some tools
    write it (`title: RankGen: Improving ...`, a colon unquoted), each `field: words` line is taken
    as it reads, and the `- item` lines under an empty field as a list."""
    try:
        split = _split(text, rel_path)
    except NoteError:  # no frontmatter, or no closing line: all of it is text
        return {}, text
    raw, body = split.raw, split.tail[split.closing_end:]
    try:
        return _load(raw, rel_path)[1], body
    except NoteError:
        pass
    meta: dict[str, Any] = {}
    field = None
    for line in raw.splitlines()[:MAX_FOREIGN_LINES]:
        if (pair := _FOREIGN_FIELD.match(line)) is not None:
            field, value = pair.group(1).lower(), (pair.group(2) or "").strip().strip("'\"")
            meta[field] = value if value else []
        elif (entry := _FOREIGN_ENTRY.match(line)) is not None and field is not None and isinstance(meta[field], list):
            meta[field].append(entry.group(1).strip().strip("'\""))
    return meta, body


_FOREIGN_FIELD = re.compile(r"^([A-Za-z_][\w-]{0,50}):(?:\s+(.*)|\s*)$")
_FOREIGN_ENTRY = re.compile(r"^\s*-\s+(.+)$")
MAX_FOREIGN_LINES = 1000


def split_body(text: str, rel_path: str) -> tuple[str, str]:
    """A note's text as its head (through the closing '---' line) and its body."""
    split = _split(text, rel_path)
    return split.head + split.raw + split.tail[: split.closing_end], split.tail[split.closing_end :]


def _split(text: str, rel_path: str) -> _Split:
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    first_line_end = text.find("\n")
    if first_line_end < 0 or text[len(bom):first_line_end].rstrip("\r \t") != "---":
        raise NoteError(NoteProblem(rel_path, 1, "no frontmatter: the file must start with a line '---'"))
    start = first_line_end + 1
    closing = _closing_delimiter(text, start)
    if closing is None:
        raise NoteError(NoteProblem(rel_path, 1, "frontmatter has no closing '---' line"))
    newline = "\r\n" if text[:start].endswith("\r\n") else "\n"
    return _Split(text[:start], text[start:closing[0]], text[closing[0]:], newline)


def render_value(value: Any, style: str | None = None) -> str:
    """A value as the note writer spells it (quoted IDs, flow lists), in a scalar `style` if given."""
    import yaml

    from papernotes.store.noteyaml import NoteDumper

    dumped = yaml.dump(value, Dumper=NoteDumper, default_style=style, allow_unicode=True, width=1 << 30)
    return dumped.removesuffix("\n...\n").removesuffix("\n")


def _line_start(raw: str, index: int) -> int:
    return raw.rfind("\n", 0, index) + 1


def _line_end(raw: str, index: int) -> int:
    """Just past the line break of the line holding `index` (or the end of the text)."""
    end = raw.find("\n", index)
    return len(raw) if end < 0 else end + 1


def _content_end(node: yaml.Node, raw: str) -> int:
    """Where a value's own text ends: a block collection's end mark lies at the next key, past any
    comments and blank lines between, so take its last item's end instead."""
    import yaml

    if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(last, tuple) else last, raw)
    end = node.end_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">"):
        # A block scalar's end mark includes the line breaks after its text.
        while end > node.start_mark.index and raw[end - 1] in " \t\r\n":
            end -= 1
    return end


# A change that adds text at the end of a note's body (a reading list's words about a paper the
# library has), rather than setting a field: every byte before it stays.
APPEND_TO_BODY = "+body"


def patch_text(text: str, changes: Mapping[str, Any], rel_path: str) -> str:
    """`text` with the named fields changed (see patch_note)."""
    return patch_note(text, changes, rel_path)[0]


def patch_note(text: str, changes: Mapping[str, Any], rel_path: str,
               parsed: ParsedNote | None = None) -> tuple[str, ParsedNote]:
    """`text` with each named field set to its value (None removes it) and every other byte kept.

    A changed field keeps its place and its style (quoting, a block list stays a block list, a
    comment after the value stays); a new field goes at the end of the frontmatter. The result is
    parsed again and must hold exactly the expected fields, or PatchError is raised and the caller
    writes nothing.
    """
    import yaml

    # Parsed once, by the caller if it has read the note already; a note that does not parse is
    # reported, not patched. The result is parsed once more, to check it.
    parsed = parsed or parse_note_full(text, rel_path)
    addition = changes.get(APPEND_TO_BODY)
    changes = {name: value for name, value in changes.items() if name != APPEND_TO_BODY}
    parts = _split(text, rel_path)
    raw, newline = parts.raw, parts.newline
    root, before = parsed.root, parsed.meta
    if root is not None and (not isinstance(root, yaml.MappingNode) or root.flow_style):
        raise PatchError(f"{rel_path}: the frontmatter is not written as 'field: value' lines; change it by hand")
    pairs = {key.value: (key, value) for key, value in (root.value if root is not None else [])
             if isinstance(key, yaml.ScalarNode)}

    edits: list[tuple[int, int, str]] = []
    appended: list[str] = []
    for name, value in changes.items():
        if isinstance(value, tuple):
            value = list(value)
        if name not in pairs:
            if value is not None:
                appended.append(f"{render_value({name: value})}{newline}")
            continue
        key_node, value_node = pairs[name]
        if value is None:
            edits.append((_line_start(raw, key_node.start_mark.index), _line_end(raw, _content_end(value_node, raw)), ""))
        else:
            edits.append(_replacement(raw, key_node, value_node, value, newline))
    for start, end, replacement in sorted(edits, reverse=True):
        raw = raw[:start] + replacement + raw[end:]
    raw += "".join(appended)

    expected = {k: v for k, v in before.items() if k not in changes}
    expected.update({k: list(v) if isinstance(v, tuple) else v for k, v in changes.items() if v is not None})
    tail = parts.tail
    if addition:
        # After the body as it ends, one blank line between, in the note's own line endings.
        body_end = tail.rstrip("\r\n")
        tail = body_end + newline * 2 + str(addition).strip("\n").replace("\n", newline) + newline
    result = parts.head + raw + tail
    if result == text:
        return text, parsed
    try:
        root_after, after = _load(raw, rel_path)
    except NoteError:
        after = None
    if after is None or after != expected or list(after) != [k for k in before if k in after] + [k for k in after if k not in before]:
        names = ", ".join(changes)
        raise PatchError(f"{rel_path}: cannot change {names} in place without touching other lines; edit it by hand")
    # The new values checked as any note's are (a status that is not one is the caller's error).
    return result, _checked(root_after, after, raw, tail[_line_end(tail, 0):], rel_path, with_body=True)


def _edit_block_list(raw: str, node: yaml.SequenceNode, value: list[Any], newline: str) -> tuple[int, int, str] | None:
    """A block list changed by removing items and adding new ones at its end, with every line it keeps
    as it was: an item's comment and quoting, and comment lines between items. None when the change
    is not of that shape (the list is then written anew)."""
    import yaml

    items = node.value
    if not all(isinstance(item, yaml.ScalarNode) for item in items):
        return None
    old = [item.value for item in items]
    wanted = [str(v) for v in value]
    kept = [v for v in old if v in wanted]
    if len(set(old)) != len(old) or wanted[: len(kept)] != kept:
        return None
    start = _line_start(raw, items[0].start_mark.index)
    end = _line_end(raw, _content_end(items[-1], raw))
    removed = [(_line_start(raw, item.start_mark.index), _line_end(raw, _content_end(item, raw)))
               for item in items if item.value not in wanted]
    if any(raw.count("\n", a, b) != 1 for a, b in removed):
        return None  # an item over several lines, or two on one line: rewrite the list
    text = raw[start:end]
    for a, b in sorted(removed, reverse=True):
        text = text[: a - start] + text[b - start :]
    indent = " " * node.start_mark.column
    text += "".join(f"{indent}- {render_value(v)}{newline}" for v in value[len(kept):])
    return start, end, text


def _replacement(raw: str, key_node: yaml.Node, value_node: yaml.Node, value: Any, newline: str) -> tuple[int, int, str]:
    """The edit that puts `value` where `value_node` is, in the same style."""
    import yaml

    start, end = value_node.start_mark.index, _content_end(value_node, raw)
    block_list = isinstance(value_node, yaml.SequenceNode) and not value_node.flow_style and value_node.value
    if block_list and isinstance(value, list) and value and all(isinstance(v, (str, int, float)) for v in value):
        kept = _edit_block_list(raw, value_node, value, newline) if isinstance(value_node, yaml.SequenceNode) else None
        if kept is not None:
            return kept
        indent = " " * value_node.start_mark.column
        items = "".join(f"{indent}- {render_value(v)}{newline}" for v in value)
        return _line_start(raw, start), _line_end(raw, end), items
    if isinstance(value_node, (yaml.SequenceNode, yaml.MappingNode)) and not value_node.flow_style and value_node.value:
        # A block value becoming a one-line value: it moves up onto the key line.
        key_line_end = _line_end(raw, key_node.end_mark.index)
        colon = raw.index(":", key_node.end_mark.index) + 1
        # Comment lines among the old items are the user's: they stay, below the key.
        comments = "".join(line for line in raw[key_line_end:_line_end(raw, end)].splitlines(keepends=True)
                           if line.lstrip().startswith("#"))
        return colon, _line_end(raw, end), (f" {render_value(value)}{raw[colon:key_line_end].rstrip(chr(13) + chr(10))}"
                                            f"{newline}{comments}")
    style = value_node.style if isinstance(value_node, yaml.ScalarNode) and isinstance(value, str) else None
    if style in ("|", ">") and "\n" not in value:
        style = None
    rendered = render_value(value, style if style in ("'", '"', "|", ">") else None).replace("\n", newline)
    if start == end and raw[start - 1 : start] == ":":
        rendered = " " + rendered  # an empty value: `tags:` becomes `tags: [x]`
    return start, end, rendered
