"""The one model of a paper, its frontmatter schema, and the citation-key rule. No I/O here.

The schema is declared once (`FIELDS`): its order is the order keys are written in, its kinds
drive validation, and `owner` says which fields the tool may refresh from a source and which
belong to the user and are never touched without an explicit command.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Literal

from papernotes.errors import PapernotesError
from papernotes.model.pages import RESERVED_KEYS
from papernotes.model.statuses import STATUSES, TO_READ
from papernotes.model.texcommands import without_left_commands

PRIORITIES = (1, 2, 3)  # 1 high ... 3 low; a note without one counts as 2
DEFAULT_PRIORITY = 2

Kind = Literal["str", "link", "int", "date", "list", "status", "topic", "priority", "week"]


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    owner: Literal["tool", "user"]


def note(kind: Kind, owner: Literal["tool", "user"], default: Any = None, *, required: bool = False) -> Any:
    """A Paper field as notes hold it (see Paper)."""
    metadata = {"kind": kind, "owner": owner}
    return field(metadata=metadata) if required else field(default=default, metadata=metadata)


# Written even when empty, so a new note shows the user where their own fields go.
ALWAYS_WRITTEN = ("tags", "status")


class FieldError(PapernotesError):
    """A frontmatter field with a value of the wrong type; `field` lets the loader find its line."""

    def __init__(self, field_name: str, reason: str) -> None:
        self.field = field_name
        self.reason = reason  # what is wrong with the value, without the field's name
        super().__init__(f"field '{field_name}': {reason}")


@dataclass(frozen=True)
class Paper:
    """A note's fields, declared once: each line is the field's name, Python type, default and, through
    `note(kind, owner)`, how notes write it (validated by kind) and who may change it (the tools own the
    bibliographic fields and refresh them; the user owns the rest). FIELDS, validation, the loader's
    cache, `list --format json` and refresh all read this table. A new field is one line here."""

    key: str = note("str", "tool", required=True)
    title: str = note("str", "tool", required=True)
    authors: tuple[str, ...] = note("list", "tool", ())
    year: int | None = note("int", "tool")
    arxiv: str | None = note("str", "tool")
    version: int | None = note("int", "tool")
    published: dt.date | None = note("date", "tool")
    updated: dt.date | None = note("date", "tool")
    categories: tuple[str, ...] = note("list", "tool", ())
    venue: str | None = note("str", "tool")
    doi: str | None = note("link", "tool")
    url: str | None = note("link", "tool")
    abstract: str | None = note("str", "tool")
    comment: str | None = note("str", "tool")
    code: str | None = note("link", "user")
    topic: str | None = note("topic", "user")
    tags: tuple[str, ...] = note("list", "user", ())
    status: str = note("status", "user", TO_READ)
    added: dt.date | None = note("date", "user")
    # The reading workflow's fields: set by `status`, `plan` and `refs`, or by hand.
    priority: int | None = note("priority", "user")
    planned: str | None = note("week", "user")
    started: dt.date | None = note("date", "user")
    finished: dt.date | None = note("date", "user")
    found_via: tuple[str, ...] = note("list", "user", ())
    # Keys the user invented, kept in their order and never dropped.
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    body: str = ""

    # -- conversion -------------------------------------------------------------------------------

    @classmethod
    def from_frontmatter(cls, meta: dict[str, Any], body: str = "") -> Paper:
        """Validate a parsed frontmatter mapping; raise FieldError for the first bad field."""
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, value in meta.items():
            spec = FIELD_BY_NAME.get(name)
            if spec is None:
                if not isinstance(name, str):
                    raise FieldError(str(name), "field names must be text")
                extra[name] = value
                continue
            # Values as the tools write them pass here without a call; the rest are checked in full.
            kind, value_type = spec.kind, type(value)
            if value_type is str and value and kind == "str" and not _CONTROL.search(value) \
                    or value_type is int and kind == "int" or value_type is dt.date and kind == "date":
                values[name] = value
            elif value is None or value == "" or value == []:
                continue
            else:
                values[name] = _validate(spec, value)
        for name in REQUIRED:
            if name not in values:
                raise FieldError(name, "is required")
        return cls(**values, extra=extra, body=body)

    def frontmatter(self) -> dict[str, Any]:
        """The mapping to serialise: schema order, empty fields left out, user keys kept at the end."""
        out: dict[str, Any] = {}
        for spec in FIELDS:
            value = getattr(self, spec.name)
            if isinstance(value, tuple):
                value = list(value)
            if value is None or (value in ("", []) and spec.name not in ALWAYS_WRITTEN):
                continue
            out[spec.name] = value
        for name, value in self.extra.items():
            out.setdefault(name, value)
        return out

    def replace(self, **changes: Any) -> Paper:
        return dataclasses.replace(self, **changes)

    # A flat tuple is what the load cache stores: unpickling 10,000 tuples is several times faster
    # than unpickling 10,000 objects, and rebuilding from it skips validation already done.
    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in _ATTRIBUTES)

    @classmethod
    def from_tuple(cls, values: tuple[Any, ...]) -> Paper:
        paper = object.__new__(cls)
        paper.__dict__.update(zip(_ATTRIBUTES, values, strict=True))
        return paper

    # -- derived ----------------------------------------------------------------------------------

    @property
    def link(self) -> str | None:
        """The best public link to the paper itself (web links only: no `javascript:`)."""
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return web_url(self.url)


FIELDS: tuple[Field, ...] = tuple(Field(f.name, f.metadata["kind"], f.metadata["owner"])
                                  for f in dataclasses.fields(Paper) if "kind" in f.metadata)
FIELD_BY_NAME = {f.name: f for f in FIELDS}
REQUIRED = tuple(f.name for f in dataclasses.fields(Paper) if "kind" in f.metadata
                 and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
_ATTRIBUTES = tuple(f.name for f in dataclasses.fields(Paper))
assert _ATTRIBUTES[-1] == "body", "the load cache leaves the body, the last field, out"


# Characters XML 1.0 (the feed, the sitemap) cannot carry, and no reader means: tab, line feed and
# carriage return are the only control characters text may hold.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # C1 too: \x9b starts a terminal escape
_LINK_BREAKER = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")  # a line break or control character


def clean_text(text: str) -> str:
    """Text from a service or a file, as a note holds it: control characters dropped."""
    return _CONTROL.sub("", text) if _CONTROL.search(text) else text


def sanitized(paper: Paper) -> Paper:
    """A paper from outside (a service, a .bib, a list) made fit to write: control characters dropped
    from every text, and a link or identifier that spans lines dropped (a URL with CR LF would
    otherwise be stored, and break every page built from it)."""
    changes: dict[str, Any] = {}
    for spec in FIELDS:
        value = getattr(paper, spec.name)
        if isinstance(value, str):
            if spec.kind == "link" and _LINK_BREAKER.search(value.strip()):
                changes[spec.name] = None
            elif _CONTROL.search(value):
                changes[spec.name] = clean_text(value)
        elif isinstance(value, tuple) and any(isinstance(v, str) and _CONTROL.search(v) for v in value):
            changes[spec.name] = tuple(clean_text(v) for v in value)
    return dataclasses.replace(paper, **changes) if changes else paper


def in_topic(paper: Paper, topic: str) -> bool:
    """The paper is in `topic` or one of its subtopics, whatever the case."""
    own, wanted = (paper.topic or "").casefold(), topic.strip("/").casefold()
    return bool(own) and (own == wanted or own.startswith(wanted + "/"))


def web_url(url: str | None) -> str | None:
    """`url` if it is a web link; `javascript:` and other schemes never reach a page."""
    if url and re.match(r"https?://", url.strip(), re.IGNORECASE):
        return url.strip()
    return None


def _validate(spec: Field, value: Any) -> Any:
    kind = spec.kind
    # Fast path for lists as the tools write them (plain str, int and date values never get here).
    if type(value) is list and kind == "list" and all(type(v) is str for v in value):
        return tuple(value)
    if kind in ("str", "link"):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise FieldError(spec.name, f"expected text, got {_describe(value)}")
        if spec.name in ("arxiv", "doi", "key") and not isinstance(value, str):
            raise FieldError(spec.name, f"expected a quoted string, got {_describe(value)}; write it as '{value}'")
        text = str(value)
        if kind == "link" and _LINK_BREAKER.search(text.strip()):
            raise FieldError(spec.name, "expected one link or identifier on one line, without line breaks")
        if _CONTROL.search(text):
            raise FieldError(spec.name, "holds a control character (such as NUL), which no page or feed can show; delete it")
        return text
    if kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            raise FieldError(spec.name, f"expected an integer, got {_describe(value)}")
        return value
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        raise FieldError(spec.name, f"expected a date like 2018-10-11, got {_describe(value)}")
    if kind == "list":
        if isinstance(value, str):
            # A lone word is a natural thing to write for one tag; accept it rather than fail.
            value = [value]
        if not isinstance(value, list) or not all(
            isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
        ):
            raise FieldError(spec.name, f"expected a list of text, got {_describe(value)}")
        return tuple(str(v) for v in value)
    if kind == "status":
        if value not in STATUSES:
            raise FieldError(spec.name, f"expected one of {', '.join(STATUSES)}, got {_describe(value)}")
        return value
    if kind == "priority":
        if value not in PRIORITIES or isinstance(value, bool):
            raise FieldError(spec.name, f"expected 1 (high), 2 or 3 (low), got {_describe(value)}")
        return value
    if kind == "week":
        if not isinstance(value, str) or parse_week(value) is None:
            raise FieldError(spec.name, f"expected an ISO week like 2026-W49, got {_describe(value)}")
        return value
    if kind == "topic":
        if not isinstance(value, str):
            raise FieldError(spec.name, f"expected a topic path like nlp/embeddings, got {_describe(value)}")
        parts = [p.strip() for p in value.strip().strip("/").split("/")]
        if not all(parts):
            raise FieldError(spec.name, f"expected a topic path like nlp/embeddings, got '{value}'")
        if len(parts) > MAX_TOPIC_DEPTH:  # the topic tree is walked level by level, and is a tree to read
            raise FieldError(spec.name, f"expected a topic path of at most {MAX_TOPIC_DEPTH} levels, got {len(parts):,}")
        return "/".join(parts)
    raise AssertionError(kind)


# ASCII digits only (\d would take "２０２６"), and years a reading plan can have.
_WEEK = re.compile(r"([12][0-9]{3})-W([0-9]{2})")


def parse_week(text: str) -> dt.date | None:
    """The Monday of an ISO week written `2026-W49`; None if `text` is not such a week."""
    match = _WEEK.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def week_of(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


# -- citation keys ------------------------------------------------------------------------------------

_STOPWORDS = frozenset(
    ["a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "without", "via", "from", "by", "at", "as", "is", "are", "be", "do", "does", "can", "how", "what", "when", "why", "which", "we", "our", "your", "its", "it", "this", "that", "these", "those", "into", "towards", "toward", "using", "use", "one"]
)
# Letters that NFKD does not decompose into ASCII.
_FOLD = str.maketrans(
    {"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
     "đ": "d", "Đ": "D", "ð": "d", "þ": "th", "ı": "i"}
)
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"})


def ascii_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def last_name(name: str) -> str:
    """The family name: 'Devlin, Jacob' and 'Jacob Devlin' both give 'Devlin'."""
    name = name.strip()
    if "," in name:
        return name.split(",", 1)[0].strip()
    parts = name.split()
    while len(parts) > 1 and parts[-1].lower() in _NAME_SUFFIXES:
        parts.pop()
    return parts[-1] if parts else ""


_ARXIV_VENUE = re.compile(r"(?i)arxiv\b|corr$")


def published_venue(venue: str | None) -> str | None:
    """`venue`, or None when it names arXiv itself ("arXiv preprint arXiv:1512.02595", a .bib's
    `journal = {CoRR}`: a note's `arxiv` field says that already) or has no word at all ("**")."""
    return venue if venue and any(c.isalpha() for c in venue) and not _ARXIV_VENUE.match(venue.strip()) else None


def normalized_title(title: str) -> str:
    """A title reduced to its letters and digits, for spotting the same paper written twice."""
    if "\\" in title:  # imported before biblatex's commands were read ("\mkbibquote Über die ..."): the same title
        title = without_left_commands(title)
    return _slug(title)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", ascii_fold(text).lower())


def base_key(authors: tuple[str, ...] | list[str], year: int | None, title: str) -> str:
    """`{last name}{year}{first significant title word}`, ASCII-folded and lower-case."""
    author = _slug(last_name(authors[0])) if authors else ""
    words = re.findall(r"[a-z0-9]+", ascii_fold(re.sub(r"\$[^$]*\$|\\[a-zA-Z]+", " ", title)).lower())
    significant = [w for w in words if w not in _STOPWORDS] or words or ["paper"]
    if not author:
        # No author: the title's first word stands in for one ("technical2016report", never "anon2016...").
        author, significant = significant[0], significant[1:] or [""]
    return f"{author}{year if year is not None else ''}{significant[0]}"


def key_candidates(base: str) -> list[str]:
    """The base key, then base+a ... base+z, base+aa ... base+zz: enough for any real clash."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    base = base[: MAX_KEY_LENGTH - 2]
    keys = [base] + [base + c for c in letters] + [base + a + b for a in letters for b in letters]
    return [k for k in keys if k.lower() not in RESERVED_KEYS]


# Keys are file names and URLs: letters, digits, '_' and '-' work everywhere.
VALID_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
MAX_KEY_LENGTH = 100
MAX_TOPIC_DEPTH = 16  # levels of a topic path: nlp/retrieval/dense is three
def describe_change(before: Paper, after: Paper) -> str:
    """What changed between two versions of a note, as `update` prints it: `status: to-read → read, +tag x`."""
    old, new = before.frontmatter(), after.frontmatter()
    parts: list[str] = []
    for name in dict.fromkeys([*old, *new]):
        was, now = old.get(name), new.get(name)
        if was == now:
            continue
        if name == "tags":
            parts += [f"+tag {t}" for t in now or [] if t not in (was or [])]
            parts += [f"-tag {t}" for t in was or [] if t not in (now or [])]
        elif now is None or now == []:
            parts.append(f"-{name}")
        elif was is None or was == []:
            parts.append(f"{name}: {_shown(now)}")
        else:
            parts.append(f"{name}: {_shown(was)} → {_shown(now)}")
    return ", ".join(parts)


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(f"'{v}'" if "," in str(v) else str(v) for v in value) + "]"
    return str(value)
