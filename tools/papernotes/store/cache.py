"""Caches in `.cache/papernotes/`: data that cannot run code, checksummed, rebuilt when damaged.

A cache may arrive from anywhere (a copied library, a pull request that commits `.cache/`), so it
is JSON, never pickle: loading one can at worst give wrong values, and the readers check the types
of what they take. Each file is the JSON `["DIGEST", {...}]`, the digest being that of what follows it: a
truncated or damaged cache is not used, silently, and the next save replaces it. Only ever a saving of time: a
cache that cannot be read or written is no error.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from papernotes.files import (
    CACHE,
    UnreadableFile,
    WriteError,
    library_folder,
    load_json,
    read_inside,
    remove_stale_temporaries,
    temporary_beside,
)
from papernotes.model.paper import _ATTRIBUTES, FIELDS

MAX_CACHE_BYTES = 512 * 1024 * 1024  # the note cache of 50,000 notes is about 60 MB
_DIGEST_BYTES = 16


class DataCache:
    """One cache file, `.cache/papernotes/NAME`, holding data of one `format` (a change of format is
    a cache to rebuild)."""

    def __init__(self, root: Path, name: str, format: tuple[Any, ...]) -> None:
        self.root = root
        self.path = root / CACHE / name
        self.format = json.loads(json.dumps(list(format)))  # as it reads back: tuples are lists

    def load(self) -> Any:
        """What was saved, or None when missing, damaged, of another format, or not a regular file
        inside the library."""
        try:
            data = read_inside(self.root, self.path, MAX_CACHE_BYTES)
        except UnreadableFile:
            return None
        # ["DIGEST",{...}]: the digest of what follows it, checked without copying it out.
        start = len(_HEAD) + 2 * _DIGEST_BYTES + 2
        if not (data.startswith(_HEAD) and data.endswith(b"]") and len(data) > start) or data[start - 2 : start] != b'",' \
                or data[len(_HEAD) : start - 2] != hashlib.blake2b(memoryview(data)[start:-1], digest_size=_DIGEST_BYTES).hexdigest().encode():
            return None
        try:
            stored = load_json(data)[1]
        except (ValueError, IndexError, TypeError):
            return None
        if not isinstance(stored, dict) or stored.get("format") != self.format:
            return None
        return stored.get("data")

    def save(self, data: Any) -> bool:
        """Store `data` (JSON types), streamed: at 50,000 notes the note cache is never held twice.
        ASCII only: a text holding one emoji would otherwise be read back at four bytes a character.
        Whether it was stored."""
        try:
            library_folder(self.root, self.path.parent)
            remove_stale_temporaries(list(os.scandir(self.path.parent)))
        except (WriteError, OSError):
            return False  # `.cache` is a link or a file: no cache, rather than one written elsewhere
        tmp = temporary_beside(self.path)
        digest = hashlib.blake2b(digest_size=_DIGEST_BYTES)
        try:
            with open(tmp, "wb") as handle:
                handle.write(_HEAD + b"0" * (2 * _DIGEST_BYTES) + b'",')  # the digest's place, filled in at the end
                batch: list[str] = []
                held = 0
                for piece in _pieces({"format": self.format, "data": data}):
                    batch.append(piece)
                    held += len(piece)
                    if held >= _BLOCK_CHARS:
                        _write(handle, digest, batch)
                        held = 0
                _write(handle, digest, batch)
                handle.write(b"]")
                handle.seek(len(_HEAD))
                handle.write(digest.hexdigest().encode())
            os.replace(tmp, self.path)
        except (OSError, ValueError, TypeError):
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
            return False
        return True


_HEAD = b'["'


# json.dumps with options builds a new encoder at each call: a cache of 10,000 entries made 20,000.
_encode = json.JSONEncoder(separators=(",", ":")).encode
_MEMBERS_AT_ONCE = 1024
_BLOCK_CHARS = 1 << 20  # written out at about this much text: a large cache is never held as text whole


def _pieces(value: Any, depth: int = 0) -> Any:
    """`value` as JSON text in pieces: a large mapping a thousand members at a time, so that it is never
    held twice as text (json's own streaming encoder is pure Python, several times slower)."""
    if not isinstance(value, dict) or depth >= 3:
        yield _encode(value)
        return
    yield "{"
    comma = ""
    run: dict[str, Any] = {}
    for key, member in value.items():
        if isinstance(member, dict) and depth < 2:
            if run:
                yield comma + _encode(run)[1:-1]
                comma, run = ",", {}
            yield comma + _encode(str(key)) + ":"
            comma = ","
            yield from _pieces(member, depth + 1)
        else:
            run[str(key)] = member
            if len(run) == _MEMBERS_AT_ONCE:
                yield comma + _encode(run)[1:-1]
                comma, run = ",", {}
    if run:
        yield comma + _encode(run)[1:-1]
    yield "}"


def _write(handle: Any, digest: Any, batch: list[str]) -> None:
    block = "".join(batch).encode("ascii")
    digest.update(block)
    handle.write(block)
    batch.clear()


# -- values that JSON has no type for --------------------------------------------------------------------


class Unencodable(Exception):
    """A value a note may hold (YAML's binary or set) that the cache does not keep: the note is parsed."""


def encode_value(value: Any) -> Any:
    """Any value a note's frontmatter may hold, as JSON: a mapping, a date or a tuple is tagged (a
    one-key object), so that it reads back as exactly what it was."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if value == value and value not in (float("inf"), float("-inf")) else {"f": repr(value)}
    if isinstance(value, list):
        return [encode_value(v) for v in value]
    if isinstance(value, tuple):
        return {"t": [encode_value(v) for v in value]}
    if isinstance(value, dict):
        return {"m": [[encode_value(k), encode_value(v)] for k, v in value.items()]}
    if isinstance(value, dt.datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, dt.date):
        return {"d": value.isoformat()}
    raise Unencodable(type(value).__name__)


def decode_value(value: Any) -> Any:
    """`encode_value` undone; ValueError (or TypeError) for what it never writes."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [decode_value(v) for v in value]
    if isinstance(value, dict) and len(value) == 1:
        (tag, inner), = value.items()
        if tag == "t" and isinstance(inner, list):
            return tuple(decode_value(v) for v in inner)
        if tag == "m" and isinstance(inner, list):
            return {_hashable(decode_value(k)): decode_value(v) for k, v in inner}
        if tag == "dt" and isinstance(inner, str):
            return dt.datetime.fromisoformat(inner)
        if tag == "d" and isinstance(inner, str):
            return dt.date.fromisoformat(inner)
        if tag == "f" and inner in ("nan", "inf", "-inf"):
            return float(inner)
    raise ValueError(f"not a cached value: {str(value)[:40]}")


def _hashable(key: Any) -> Any:
    if isinstance(key, (list, dict)):
        raise ValueError("a mapping key that is a list or mapping")
    return key


# -- papers ------------------------------------------------------------------------------------------------

_KINDS = {spec.name: spec.kind for spec in FIELDS}
# The attributes `encode_paper` keeps: all but the abstract (three quarters of the note cache, kept in
# a file of its own that only the commands showing abstracts read) and the body (never cached).
CACHED_ATTRIBUTES = tuple(name for name in _ATTRIBUTES if name not in ("abstract", "body"))
# Each as the cache keeps it: 's' text or None, 'S' text, 'i' integer or None, 'd' a date or None,
# 'l' a list of text, 'x' the user's own keys.
_CODES = "".join("S" if name in ("key", "title", "status") else
                 "x" if name == "extra" else
                 {"int": "i", "priority": "i", "date": "d", "list": "l"}.get(_KINDS[name], "s")
                 for name in CACHED_ATTRIBUTES)


_DATES = [i for i, code in enumerate(_CODES) if code == "d"]
_LISTS = [i for i, code in enumerate(_CODES) if code == "l"]
_EXTRA = _CODES.index("x")


def encode_paper(values: tuple[Any, ...]) -> list[Any]:
    """A paper's CACHED_ATTRIBUTES, in that order, as JSON values (Unencodable for a user key holding
    binary data)."""
    out = list(values)
    for i in _DATES:
        if out[i] is not None:
            out[i] = out[i].isoformat()
    for i in _LISTS:
        out[i] = list(out[i])
    out[_EXTRA] = encode_value(out[_EXTRA]) if out[_EXTRA] else None
    return out


_TEXT = [i for i, code in enumerate(_CODES) if code == "S"]
_STR = {str}
_OPTIONAL = [(i, str if code == "s" else int) for i, code in enumerate(_CODES) if code in "si"]


def decode_paper(values: Any) -> tuple[Any, ...]:
    """The fields `encode_paper` wrote, checked against the field table: a cache edited by anyone
    gives a ValueError or TypeError, never a paper of the wrong types. (Position by position rather
    than field by field: `list` at 10,000 notes reads 10,000 of these.)"""
    if type(values) is not list or len(values) != len(_CODES):
        raise ValueError("not a cached paper")
    out = list(values)
    for i in _TEXT:
        if type(out[i]) is not str:
            raise ValueError("text expected")
    for i, kind in _OPTIONAL:
        if out[i] is not None and type(out[i]) is not kind:
            raise ValueError("text or an integer expected")
    for i in _DATES:
        if out[i] is not None:
            out[i] = dt.date.fromisoformat(out[i])
    for i in _LISTS:
        items = out[i]
        if type(items) is not list or (items and {type(v) for v in items} != _STR):
            raise ValueError("a list of text expected")
        out[i] = tuple(items)
    extra = decode_value(out[_EXTRA]) if out[_EXTRA] is not None else {}
    if not isinstance(extra, dict) or not all(isinstance(k, str) for k in extra):
        raise ValueError("a mapping expected")
    out[_EXTRA] = extra
    return tuple(out)


# -- arrays ------------------------------------------------------------------------------------------------

_ARRAY_TYPES = ("float32", "float64", "int32", "int64")


def encode_array(array: Any) -> dict[str, Any]:
    """A NumPy array of numbers as JSON: its type, shape and bytes (base64)."""
    if str(array.dtype) not in _ARRAY_TYPES:
        raise TypeError(f"arrays of {array.dtype} are not cached")
    return {"dtype": str(array.dtype), "shape": list(array.shape), "bytes": base64.b64encode(array.tobytes()).decode()}


def decode_array(value: Any) -> Any:
    """`encode_array` undone; ValueError for anything else (an object array cannot be written here)."""
    import numpy

    if not isinstance(value, dict) or value.get("dtype") not in _ARRAY_TYPES or not isinstance(value.get("bytes"), str):
        raise ValueError("not a cached array")
    shape = value.get("shape")
    if not isinstance(shape, list) or not all(type(n) is int and n >= 0 for n in shape):
        raise ValueError("not a cached array")
    array = numpy.frombuffer(base64.b64decode(value["bytes"], validate=True), dtype=value["dtype"])
    return array.reshape(shape)
