"""BibTeX in: a .bib file read as notes.

The file is cut into one chunk per `@entry` before pybtex parses it, so a malformed entry (an unclosed
brace swallows everything after it in pybtex's own recovery) is reported with its line and key, and
every other entry is still read. `@string` macros carry over between chunks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pybtex.errors
from pybtex.database import Entry, Person
from pybtex.database.input import bibtex as bibtex_input
from pybtex.scanner import PybtexError

from papernotes.model.ids import InvalidArxivId, find_references, parse_arxiv_id
from papernotes.model.latex import (
    BIBTEX_KEY,
    EDITORS_ONLY,
    ENTRY_TYPE,
    MODELLED_FIELDS,
    RAW_FIELDS,
    latex_decode,
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


@dataclass
class ImportResult:
    entries: list[ImportedEntry] = field(default_factory=list)

    @property
    def problems(self) -> list[ImportedEntry]:
        return [e for e in self.entries if e.problem]


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
    macros = bibtex_input.Parser().macros  # month names, then every @string in the file
    result = ImportResult()
    starts = list(_ENTRY_START.finditer(text))
    raw_entries: list[tuple[str, int, Entry]] = []
    line, counted = 1, 0  # a running line count: counting from the start for each entry is quadratic
    for i, match in enumerate(starts):
        kind = match.group(1).lower()
        limit = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        chunk = text[match.start() : _entry_end(text, match.start(), limit)]
        line += text.count("\n", counted, match.start())
        counted = match.start()
        key = match.group(2)
        if kind in ("comment", "preamble", "set", "xdata"):
            continue  # not papers: comments, LaTeX preambles, biblatex entry sets and data containers
        # Macros concatenated into macros double at each step: refuse what would expand too far.
        expansion = len(chunk) + sum(len(macros[w]) for w in _WORDS.findall(chunk) if w in macros)
        if expansion > MAX_EXPANSION:
            result.entries.append(ImportedEntry(line, key, problem=f"@string macros would expand it past "
                                                                   f"{MAX_EXPANSION // 1024} KiB; not read"))
            continue
        # A parser per entry (sharing the macros): one bad or repeated entry cannot affect the others.
        parser = bibtex_input.Parser()
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
        if not parser.data.entries:
            result.entries.append(ImportedEntry(line, key, problem="no entry could be read here"))
            continue
        parsed_key, entry = next(iter(parser.data.entries.items()))
        raw_entries.append((parsed_key, line, entry))
    by_key = {key: (line, entry) for key, line, entry in raw_entries}
    for key, line, entry in raw_entries:
        try:
            result.entries.append(ImportedEntry(line, key, paper=paper_from_entry(key, entry, by_key)))
        except ValueError as exc:
            result.entries.append(ImportedEntry(line, key, problem=str(exc)))
    result.entries.sort(key=lambda e: e.line)
    return result


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _field(entry: Entry, name: str, entries: dict[str, tuple[int, Entry]]) -> str:
    """A field's raw value, inherited through `crossref` when the entry lacks it (never the title)."""
    value = entry.fields.get(name)
    if value is None and name != "title" and "crossref" in entry.fields:
        target = entry.fields["crossref"].lower()
        parent = next((e for k, (_, e) in entries.items() if k.lower() == target), None)
        if parent is not None:
            value = parent.fields.get(name)
            if value is None and name == "booktitle":
                value = parent.fields.get("title")  # a proceedings' title is its papers' booktitle
    return str(value) if value is not None else ""


def _arxiv_of(entry: Entry, entries: dict[str, tuple[int, Entry]]) -> str | None:
    prefix = (_field(entry, "archiveprefix", entries) or _field(entry, "eprinttype", entries)).strip().lower()
    eprint = _field(entry, "eprint", entries).strip()
    if eprint and prefix in ("", "arxiv"):
        try:
            return parse_arxiv_id(eprint).canonical
        except InvalidArxivId:
            pass
    if prefix and prefix != "arxiv":
        return None  # PsyArXiv, bioRxiv, ... keep their own identifiers
    journal = _field(entry, "journal", entries)
    volume = _field(entry, "volume", entries)
    if journal.strip().lower() == "corr" and volume.lower().startswith("abs/"):
        try:
            return parse_arxiv_id(volume[4:]).canonical
        except InvalidArxivId:
            pass
    for name in ("doi", "journal", "note", "number", "url", "howpublished", "eprint", "pages"):
        value = _field(entry, name, entries)
        if name == "doi" and value.lower().startswith("10.48550/arxiv."):
            value = "arXiv:" + value[len("10.48550/arxiv.") :]
        for finding in find_references(value):
            if finding.arxiv_id is not None:
                return finding.arxiv_id.canonical
    return None


def paper_from_entry(key: str, entry: Entry, entries: dict[str, tuple[int, Entry]]) -> Paper:
    title = latex_decode(_field(entry, "title", entries))
    if not title:
        raise ValueError("entry has no title")
    authors = tuple(_display_name(p) for p in entry.persons.get("author", []) or entry.persons.get("editor", []))
    year_text = _field(entry, "year", entries) or _field(entry, "date", entries)
    year_match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", year_text)
    arxiv = _arxiv_of(entry, entries)
    doi = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", _field(entry, "doi", entries).strip(), flags=re.IGNORECASE)
    if doi.lower().startswith("10.48550/arxiv."):
        doi = ""  # the arXiv DOI is just the arXiv ID again
    venue = latex_decode(_field(entry, "booktitle", entries) or _field(entry, "journal", entries) or _field(entry, "journaltitle", entries))
    if venue.lower() in ("corr", "arxiv") or re.match(r"(?i)arxiv\b", venue):
        venue = ""
    url = _field(entry, "url", entries).strip().replace(r"\%", "%").replace(r"\#", "#").replace(r"\_", "_")
    if arxiv and re.search(r"arxiv\.org/", url):
        url = ""
    primary = _field(entry, "primaryclass", entries).strip()
    abstract = latex_decode(_field(entry, "abstract", entries))
    kept: dict[str, str] = {ENTRY_TYPE: entry.type.lower()}
    raw_title = _field(entry, "title", entries).strip()
    if "{" in raw_title:
        kept["title"] = raw_title  # its capital protection ({BERT}, {M}onte {C}arlo), written back as it was
    for name, value in entry.fields.items():
        lower = name.lower()
        if lower not in MODELLED_FIELDS and str(value).strip():
            kept[lower] = str(value).strip() if lower in RAW_FIELDS else latex_decode(str(value))
    if entry.persons.get("editor"):
        kept["editor"] = " and ".join(_display_name(p) for p in entry.persons["editor"])
        if not entry.persons.get("author"):
            kept[EDITORS_ONLY] = "yes"
    return Paper(
        key=key,
        title=title,
        authors=authors,
        year=int(year_match.group(1)) if year_match else None,
        arxiv=arxiv,
        categories=(primary,) if arxiv and primary else (),
        venue=venue or None,
        doi=latex_decode(doi) or None,
        url=url or None,
        abstract=abstract or None,
        extra={BIBTEX_KEY: kept},
    )


def _display_name(person: Person) -> str:
    """'First Middle von Last, Jr.' with LaTeX decoded: how names are written in notes."""
    parts = person.first_names + person.middle_names + person.prelast_names + person.last_names
    name = latex_decode(" ".join(parts))
    if person.lineage_names:
        name += ", " + latex_decode(" ".join(person.lineage_names))
    return name
