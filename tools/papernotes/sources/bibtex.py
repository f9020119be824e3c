"""BibTeX in: a .bib file read as notes.

The file is cut into one chunk per `@entry` before pybtex parses it, so a malformed entry (an unclosed
brace swallows everything after it in pybtex's own recovery) is reported with its line and key, and
every other entry is still read. `@string` macros carry over between chunks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pybtex.errors
from pybtex import textutils
from pybtex.database.input import bibtex as bibtex_input
from pybtex.scanner import PybtexError

from papernotes.errors import PapernotesError
from papernotes.model.bibentry import BibEntry, Derived, derive
from papernotes.model.latex import (
    AS_WRITTEN,
    BIBTEX_KEY,
    ENTRY_KEY,
    ENTRY_TYPE,
    FIELD_ORDER,
    FIELDS_FORM,
    latex_escape,
)
from papernotes.model.paper import Paper

# -- import ---------------------------------------------------------------------------------------------

_ENTRY_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z]+)[ \t]*[{(][ \t\r\n]*([^,\s{}()]*)", re.MULTILINE)


@dataclass
class ImportedEntry:
    line: int
    key: str
    paper: Paper | None = None
    problem: str = ""
    warnings: list[str] = field(default_factory=list)  # the entry was read, with these words about it


@dataclass
class ImportResult:
    entries: list[ImportedEntry] = field(default_factory=list)

    @property
    def problems(self) -> list[ImportedEntry]:
        return [e for e in self.entries if e.problem]


KEYLESS = "papernotes-no-key"
_MONTH_MACRO = re.compile(r"\bmonth\s*=\s*(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\s*[,})]", re.IGNORECASE)
MAX_EXPANSION = 1024 * 1024  # the most text one entry may expand to through @string macros
_WORDS = re.compile(r"[A-Za-z_][\w\-:+.]*")


_DELIMITERS = re.compile(r"[{}()]")


def _entry_end(text: str, start: int, limit: int) -> int:
    """Just past the brace or parenthesis that closes the entry opening at `start`, or `limit` when it
    does not close before the next entry: junk after an entry then never spoils the entry itself."""
    opening = text.find("{", start, limit)
    paren = text.find("(", start, limit)
    if opening < 0 or 0 <= paren < opening:
        opening, closer = paren, ")"
    else:
        closer = "}"
    if opening < 0:
        return limit
    depth = 0
    for match in _DELIMITERS.finditer(text, opening + 1, limit):
        char = match.group()
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0 and closer == "}":
                return match.end()
            depth -= 1
            if depth < 0:
                return limit
        elif char == ")" and closer == ")" and depth == 0:
            return match.end()
    return limit


def parse_bib(text: str) -> ImportResult:
    """Every entry of a .bib text as a Paper (without a library key yet), or a problem with its line."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # a classic Mac file's lines end in CR alone
    macros = bibtex_input.Parser().macros  # month names, then every @string in the file
    result = ImportResult()
    starts = list(_ENTRY_START.finditer(text))
    raw_entries: list[tuple[int, BibEntry, list[str]]] = []
    line, counted = 1, 0  # a running line count: counting from the start for each entry is quadratic
    for i, match in enumerate(starts):
        kind = match.group(1).lower()
        limit = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        chunk = text[match.start() : _entry_end(text, match.start(), limit)]
        line += text.count("\n", counted, match.start())
        counted = match.start()
        key = match.group(2)
        if not key and kind not in ("string", "comment", "preamble"):
            # An entry without a key (JabRef writes `@article{,`): read under a stand-in, noted with none.
            opening = match.end()
            chunk = chunk[: opening - match.start()] + KEYLESS + chunk[opening - match.start() :]
        if kind in ("comment", "preamble", "set", "xdata"):
            continue  # not papers: comments, LaTeX preambles, biblatex entry sets and data containers
        # Macros concatenated into macros double at each step: refuse what would expand too far.
        expansion = len(chunk) + sum(len(macros[w]) for w in _WORDS.findall(chunk) if w in macros)
        if expansion > MAX_EXPANSION:
            result.entries.append(ImportedEntry(line, key, problem=f"@string macros would expand it past "
                                                                   f"{MAX_EXPANSION // 1024} KiB; not read"))
            continue
        # A parser per entry (sharing the macros): one bad entry cannot affect the others.
        parser = _FieldsAsWritten()
        parser.macros = macros
        try:
            with pybtex.errors.capture() as captured:
                parser.parse_string(chunk)
        except PybtexError as exc:
            captured = [exc]
        if kind == "string":
            continue
        if captured:
            result.entries.append(ImportedEntry(line, key, problem=_first_line(captured[0])))
            continue
        if not parser.read:
            result.entries.append(ImportedEntry(line, key, problem="no entry could be read here"))
            continue
        entry, warnings = parser.read[0]
        if entry.key == KEYLESS:
            entry.key = ""
        month = _MONTH_MACRO.search(chunk)
        if month and entry.fields.get("month") == macros.get(month.group(1).lower()):
            entry.fields["month"] = month.group(1).lower()  # written back as the macro it was (biber sorts by it)
        raw_entries.append((line, entry, warnings))
    # A crossref names its parent by key, in any case (BibTeX compares keys ignoring case).
    parents: dict[str, BibEntry] = {}
    for _, entry, _ in raw_entries:
        parents.setdefault(entry.key.lower(), entry)
    for line, entry, warnings in raw_entries:
        try:
            result.entries.append(ImportedEntry(line, entry.key, paper=paper_from_entry(entry, parents), warnings=warnings))
        except ValueError as exc:
            result.entries.append(ImportedEntry(line, entry.key, problem=str(exc)))
    result.entries.sort(key=lambda e: e.line)
    return result


class _FieldsAsWritten(bibtex_input.Parser):  # type: ignore[misc]
    """pybtex's parser, keeping each entry's fields as written (names unparsed: a name list is kept
    exactly, and biblatex's `family=..., given=...` is not pybtex's to refuse), and a field given twice
    (ScienceDirect repeats `keywords`) as a warning, not the end of the entry."""

    def __init__(self) -> None:
        super().__init__(person_fields=())
        self.read: list[tuple[BibEntry, list[str]]] = []

    def process_entry(self, entry_type: str, key: str | None, fields: list[tuple[str, list[str]]]) -> None:
        values: dict[str, str] = {}
        warnings: list[str] = []
        for name, value_list in fields:
            name = name.lower()
            value = textutils.normalize_whitespace(self.flatten_value_list(value_list))
            if name not in values:
                values[name] = value
            elif name == "keywords":
                values[name] = f"{values[name]}, {value}" if values[name] and value else values[name] or value
                warnings.append("field 'keywords' given more than once: the values are joined")
            else:
                warnings.append(f"field '{name}' given more than once: the first value is kept")
        self.read.append((BibEntry(entry_type.lower(), key or "", values), warnings))


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def paper_from_entry(entry: BibEntry, parents: dict[str, BibEntry]) -> Paper:
    """A paper of `entry`, keeping its fields under `bibtex:` as written, except an abstract the
    export writes the same from the note itself."""
    derived = derive(entry, parents)
    if not derived.title:
        raise ValueError("entry has no title")
    kept: dict[str, str] = {ENTRY_TYPE: entry.type, ENTRY_KEY: entry.key, FIELDS_FORM: AS_WRITTEN} if entry.key else \
        {ENTRY_TYPE: entry.type, FIELDS_FORM: AS_WRITTEN}  # an entry without a key gets the note's
    written = list(entry.fields)  # empty ones too: `volume = {}` is part of what the file said
    for name in written:
        if not _written_alike(name, entry.fields[name], derived):
            kept[name] = entry.fields[name]
    if len([name for name in kept if not name.startswith("@")]) < len(written):
        kept[FIELD_ORDER] = " ".join(written)  # where the fields the note holds go back
    return Paper(key=entry.key, title=derived.title, authors=derived.authors, year=derived.year, arxiv=derived.arxiv,
                 categories=derived.categories, venue=derived.venue, doi=derived.doi, url=derived.url,
                 abstract=derived.abstract, extra={BIBTEX_KEY: kept})


def _written_alike(name: str, value: str, derived: Derived) -> bool:
    """Whether the export writes this field exactly so from the note, in ASCII and in Unicode alike:
    then the note need not keep it twice. Only the abstract, the one long field (names and the
    title are short, and the export reads them to tell what the note changed)."""
    if name != "abstract" or derived.abstract is None:
        return False
    return value == latex_escape(derived.abstract) == latex_escape(derived.abstract, ascii=False)


# -- a file's encoding --------------------------------------------------------------------------------

_BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


def decode_bib(data: bytes, name: str, warn: Callable[[str], None]) -> str:
    """A .bib file's text, its encoding found as JabRef and biber find it: a byte-order mark (JabRef
    writes UTF-16 with one), else UTF-8, else the best guess of charset-normalizer (GBK, Shift-JIS,
    Windows-1252, ...), said in a warning; never with characters silently replaced."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise PapernotesError(f"{name}: starts as {codec.upper()} but is not; save it as UTF-8") from None
    declared = declared_encoding(data)
    if declared is not None:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            warn(f"{name}: says it is {declared}, but is not; guessing instead")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
    encoding = guess_encoding(data)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        encoding, text = "cp1252", data.decode("cp1252", "replace")
    warn(f"{name}:{line}: not UTF-8; read as {encoding} (the likeliest encoding); check the names and titles")
    return text


# What a file may say of its own encoding in its first lines: JabRef's `% Encoding: windows-1252`,
# Emacs's `-*- coding: latin-9-unix -*-`.
_DECLARED = re.compile(rb"^%\s*Encoding:\s*([-\w.]+)|-\*-.*?coding:\s*([-\w.]+?)(?:-unix|-dos|-mac)?\s*(?:;.*?)?-\*-",
                       re.IGNORECASE | re.MULTILINE)


def declared_encoding(data: bytes) -> str | None:
    """The encoding a .bib file names in its first lines, if Python knows it."""
    import codecs

    found = _DECLARED.search(data[:1024])
    if found is None:
        return None
    name = (found.group(1) or found.group(2)).decode("ascii")
    for spelling in (name, name.replace("-", ""), name.replace("-", "_")):  # Emacs writes latin-9, Python latin9
        try:
            return codecs.lookup(spelling).name
        except LookupError:
            continue
    return None


# Among encodings charset-normalizer finds equally likely (a short file), the more common in .bib files.
_PREFERRED = ("cp1252", "gb18030", "big5", "shift_jis", "euc_kr")


def guess_encoding(data: bytes) -> str:
    """The encoding of a .bib file that is not UTF-8. Windows-1252 when it reads as Western text
    (accented letters inside words: `M\xfcller`), which charset-normalizer cannot tell apart from a
    CJK encoding in a short file; else charset-normalizer's best guess."""
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _reads_as_western(western):
        return "cp1252"
    from charset_normalizer import from_bytes

    results = list(from_bytes(data[: 4 * 1024 * 1024]))
    if not results:
        return "cp1252"
    least = min(result.chaos for result in results)
    likely = [result.encoding for result in results if result.chaos == least]
    return next((name for name in _PREFERRED if name in likely), likely[0])


def _reads_as_western(text: str) -> bool:
    """Most characters outside ASCII stand between ASCII letters, as accents do in European words; a
    double-byte encoding read as Windows-1252 gives runs of them (`\xd6\xd0\xce\xc4` for 中文)."""
    outside = [i for i, char in enumerate(text) if ord(char) > 127]
    if not outside:
        return True
    paired = sum(1 for i in outside if (i > 0 and ord(text[i - 1]) > 127) or (i + 1 < len(text) and ord(text[i + 1]) > 127))
    return paired <= len(outside) // 2
