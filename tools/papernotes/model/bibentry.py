"""A BibTeX entry as another tool wrote it, and what a note takes from it. Pure; shared by the import
(which keeps the entry's fields in the note as they were written) and the export (which writes them
back as they were, unless the note's own value changed).

The rule that makes the round trip lossless: `derive` is the one function from an entry's fields to
a note's bibliographic fields. The export derives again from the kept fields and compares with the
note: where they agree, the fields go out as the file had them, byte for byte; where the reader
edited the note (or the paper never came from a .bib), the field is written from the note.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from papernotes.model.ids import InvalidArxivId, find_references, parse_arxiv_id
from papernotes.model.latex import latex_decode, latex_escape
from papernotes.model.paper import published_venue

# Fields whose values are not LaTeX: never escaped, never decoded (biber reads them verbatim).
VERBATIM_FIELDS = frozenset({"doi", "url", "eprint", "file", "pdf", "urldate", "isbn", "issn", "pmid", "eprintclass",
                             "verba", "verbb", "verbc", "uri"})
NAME_FIELDS = ("author", "editor")
_LINEAGE = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "v"})


@dataclass
class BibEntry:
    """One entry: its type and key as written (the key exactly: `DBLP:conf/nips/X17` is the key a
    paper cites), and its fields, lower-case names in the file's order, each value as the file had it
    once `@string` macros are expanded and runs of white space made one space."""

    type: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)


# -- names -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """A name in BibTeX's four parts, as LaTeX."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    whole: bool = False  # one unit to keep together (an organisation: "Barnes and Noble"), braced

    def display(self) -> str:
        """'First von Last, Jr.' with LaTeX decoded: how notes write names."""
        text = latex_decode(" ".join(part for part in (self.first, self.von, self.last) if part))
        return f"{text}, {latex_decode(self.jr)}" if self.jr else text

    def bibtex(self, escape: Callable[[str], str] = str) -> str:
        """'von Last, Jr, First': the form BibTeX reads back into the same four parts; each part
        through `escape` (a note's names are Unicode text, LaTeX once escaped)."""
        if self.whole:
            return "{" + escape(self.last) + "}"
        front = " ".join(escape(part) for part in (self.von, self.last) if part)
        if self.jr:
            return f"{front}, {escape(self.jr)}, {escape(self.first)}"
        return f"{front}, {escape(self.first)}" if self.first else front


def split_names(raw: str) -> list[str]:
    """A name list cut at each `and` outside braces (in any case, as BibTeX does)."""
    names: list[str] = []
    depth = start = 0
    for match in re.finditer(r"[{}]|\s+and\s+", raw, re.IGNORECASE):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth = max(depth - 1, 0)
        elif depth == 0:
            names.append(raw[start : match.start()])
            start = match.end()
    names.append(raw[start:])
    return [name.strip() for name in names if name.strip()]


_EXTENDED = re.compile(r"^\s*(?:family|given|prefix|suffix|useprefix|juniorcomma)\s*=", re.IGNORECASE)


def parse_name(raw: str) -> Name:
    """One name by BibTeX's rules ('First von Last', 'von Last, First', 'von Last, Jr, First'; pybtex
    implements them), or biblatex's extended form ('family=Doe, given=John, prefix=von')."""
    if _EXTENDED.match(raw):
        parts: dict[str, str] = {}
        for piece in _top_level_commas(raw):
            name, _, value = piece.partition("=")
            value = value.strip()
            if value.startswith("{") and value.endswith("}"):
                value = value[1:-1]
            parts[name.strip().lower()] = value.strip()
        return Name(parts.get("given", ""), parts.get("prefix", ""), parts.get("family", ""), parts.get("suffix", ""))
    from pybtex.database import Person  # BibTeX's name rules, not written again here

    person = Person(raw)
    return Name(" ".join(person.first_names + person.middle_names), " ".join(person.prelast_names),
                " ".join(person.last_names), " ".join(person.lineage_names))


def _top_level_commas(text: str) -> list[str]:
    pieces, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif char == "," and depth == 0:
            pieces.append(text[start:index])
            start = index + 1
    pieces.append(text[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


def author_list(names: tuple[str, ...] | list[str], ascii: bool = True) -> str:
    """A note's names as a BibTeX name list, each part LaTeX-escaped once."""
    return " and ".join(name_from_display(name).bibtex(lambda part: latex_escape(part, ascii=ascii)) for name in names)


def display_names(raw: str) -> tuple[str, ...]:
    return tuple(parse_name(name).display() for name in split_names(raw))


def name_from_display(name: str) -> Name:
    """A note's 'First von Last, Jr.' read back into BibTeX's parts. BibTeX's own rule for 'First
    von Last': von starts at the first word after the first that begins with a lower-case letter. A
    name with 'and' in it (an organisation) is one braced last name."""
    if name == "others":
        return Name(last="others")
    if re.search(r"\band\b", name):
        return Name(last=name, whole=True)
    body, jr = name, ""
    head, sep, tail = name.rpartition(",")
    if sep and tail.strip().lower() in _LINEAGE:
        body, jr = head.strip(), tail.strip()
    elif sep:
        last, _, first = name.partition(",")
        return Name(first.strip(), "", last.strip())  # 'Last, First' as the note has it
    words = body.split()
    if len(words) < 2:
        return Name(last=body, jr=jr)
    start = len(words) - 1
    for index, word in enumerate(words[1:-1], start=1):
        if word[:1].islower():
            start = index
            break
    von_end = start
    while von_end < len(words) - 1 and words[von_end][:1].islower():
        von_end += 1
    return Name(" ".join(words[:start]), " ".join(words[start:von_end]), " ".join(words[von_end:]), jr)


# -- what a note takes from an entry -------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """The note's bibliographic fields as an entry gives them."""

    title: str
    authors: tuple[str, ...]
    editors_only: bool
    year: int | None
    arxiv: str | None
    categories: tuple[str, ...]
    venue: str | None
    doi: str | None
    url: str | None
    abstract: str | None


MAX_CROSSREF_DEPTH = 4  # biber follows chains of crossrefs; a cycle ends here


def inherited(entry: BibEntry, parents: Mapping[str, BibEntry]) -> dict[str, str]:
    """The entry's fields with what its `crossref` parent gives (BibTeX's rule: every field the entry
    lacks, the title too; a proceedings' title is also its papers' booktitle), followed down a
    chain of crossrefs (bounded, so a cycle ends)."""
    fields = dict(entry.fields)
    seen = {entry.key.lower()}
    current = entry
    for _ in range(MAX_CROSSREF_DEPTH):
        target = current.fields.get("crossref", "").strip().lower()
        parent = parents.get(target)
        if parent is None or target in seen:
            break
        seen.add(target)
        for name, value in parent.fields.items():
            fields.setdefault(name, value)
        if "booktitle" not in fields and "title" in parent.fields:
            fields["booktitle"] = parent.fields["title"]
        current = parent
    return fields


def derive(entry: BibEntry, parents: Mapping[str, BibEntry] | None = None) -> Derived:
    """What a note holds of `entry` (its title "" when it has none, its own or inherited)."""
    fields = inherited(entry, parents or {})
    title = latex_decode(fields.get("title", ""))
    authors = display_names(fields.get("author", ""))
    editors = display_names(fields.get("editor", ""))
    year_match = re.search(r"\b(1[5-9]\d\d|20\d\d)\b", fields.get("year", "") or fields.get("date", ""))
    arxiv = _arxiv_of(fields)
    doi = re.sub(r"^(https?://)?(dx\.)?doi\.org/", "", fields.get("doi", "").strip(), flags=re.IGNORECASE)
    if doi.lower().startswith("10.48550/arxiv."):
        doi = ""  # the arXiv DOI is just the arXiv ID again
    venue = published_venue(latex_decode(fields.get("booktitle") or fields.get("journal") or fields.get("journaltitle") or ""))
    url = fields.get("url", "").strip()
    if arxiv and re.search(r"arxiv\.org/", url):
        url = ""
    primary = fields.get("primaryclass", "").strip()
    return Derived(title=title, authors=authors or editors, editors_only=bool(editors and not authors),
                   year=int(year_match.group(1)) if year_match else None, arxiv=arxiv,
                   categories=(primary,) if arxiv and primary else (), venue=venue or None, doi=doi or None,
                   url=url or None, abstract=latex_decode(fields.get("abstract", "")) or None)


def _arxiv_of(fields: Mapping[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").strip().lower()
    eprint = fields.get("eprint", "").strip()
    if eprint and prefix in ("", "arxiv"):
        try:
            return parse_arxiv_id(eprint).canonical
        except InvalidArxivId:
            pass
    if prefix and prefix != "arxiv":
        return None  # PsyArXiv, bioRxiv, ... keep their own identifiers
    journal, volume = fields.get("journal", ""), fields.get("volume", "")
    if journal.strip().lower() == "corr" and volume.lower().startswith("abs/"):
        try:
            return parse_arxiv_id(volume[4:]).canonical
        except InvalidArxivId:
            pass
    for name in ("doi", "journal", "note", "number", "url", "howpublished", "eprint", "pages"):
        value = fields.get(name, "")
        if name == "doi" and value.lower().startswith("10.48550/arxiv."):
            value = "arXiv:" + value[len("10.48550/arxiv.") :]
        for finding in find_references(value):
            if finding.arxiv_id is not None:
                return finding.arxiv_id.canonical
    return None


# Which fields give which part of a note: the export writes a group as the file had it while the note's
# value still is what `derive` makes of it.
GROUPS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "authors": ("author",),  # or ("editor",) for an entry with editors only (see Derived.editors_only)
    "year": ("year", "date"),
    "arxiv": ("eprint", "archiveprefix", "eprinttype", "primaryclass"),
    "venue": ("booktitle", "journal", "journaltitle"),
    "doi": ("doi",),
    "url": ("url",),
    "abstract": ("abstract",),
}
GROUP_OF = {name: group for group, names in GROUPS.items() for name in names}
# The field a venue is written in, by entry type, when the note's venue is written anew.
VENUE_FIELD = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle", "conference": "booktitle",
               "inbook": "booktitle", "phdthesis": "school", "mastersthesis": "school", "thesis": "institution",
               "techreport": "institution", "report": "institution", "misc": "howpublished", "online": "organization"}
