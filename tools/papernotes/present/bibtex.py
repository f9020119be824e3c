"""BibTeX out, through the one Paper model.

A paper that came from a .bib file goes back as the file wrote it: its citation key, its entry type,
every field in the file's order, each value byte for byte (LaTeX, macros expanded), as long as the
note still says what the field said (`model.bibentry.derive` is the one reading of a field, on the
way in and on the way back). A field whose meaning the reader changed in the note, and every field of a
paper from arXiv or Semantic Scholar, is written from the note, each value escaped exactly once.
pybtex's writer is not used: it escapes LaTeX again in text it read (`50\\%` becomes `50\\\\%`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from papernotes.model.bibentry import (
    GROUPS,
    VENUE_FIELD,
    VERBATIM_FIELDS,
    BibEntry,
    Derived,
    author_list,
    derive,
)
from papernotes.model.latex import (
    AS_WRITTEN,
    EDITORS_ONLY,
    ENTRY_KEY,
    ENTRY_TYPE,
    FIELD_ORDER,
    FIELDS_FORM,
    MODELLED_FIELDS,
    RAW_FIELDS,
    ascii_latex,
    cited_as,
    kept_fields,
    latex_decode,
    latex_escape,
)
from papernotes.model.paper import Paper, normalized_title, web_url
from papernotes.model.texcommands import LEFT_BEFORE

_CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|neurips|nips|icml|iclr|acl|naacl|eacl|emnlp|coling|cvpr|iccv|eccv|"
    r"aaai|ijcai|kdd|sigir|www|interspeech|icassp|uai|aistats|colt|corl|rss|icra|iros)\b",
    re.IGNORECASE,
)
# The fields plain.bst prints, by entry type (an unknown type is printed as misc).
_PRINTED = {"article": {"title", "journal", "volume", "number", "pages", "note"},
            "inproceedings": {"title", "booktitle", "volume", "number", "series", "pages", "note"},
            "incollection": {"title", "booktitle", "volume", "number", "series", "pages", "note"},
            "techreport": {"title", "institution", "number", "note"},
            "book": {"title", "publisher", "series", "volume", "number", "note"},
            "misc": {"title", "howpublished", "note"}}
MONTH_MACROS = frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
# A citation key BibTeX reads: no white space, comma, brace, quote, '#', '%' or '=' (DBLP's ':' and '/' are fine).
_CITATION_KEY = re.compile(r"[^\s,{}()\"#%'=\\~]+")


@dataclass
class Exported:
    """What `export` says beyond the text: keys it could not keep, and characters it could not spell
    in ASCII LaTeX, by entry."""

    text: str
    entries: dict[str, str] = field(default_factory=dict)  # each paper's entry, by the note's key
    renamed: list[tuple[str, str]] = field(default_factory=list)  # (the file's key, the key written instead)
    unspellable: dict[str, str] = field(default_factory=dict)  # key: the characters, as one string


def entry_type(paper: Paper) -> str:
    if not paper.venue:
        return "article" if paper.arxiv else "misc"  # an arXiv preprint: journal = {arXiv preprint arXiv:ID}
    return "inproceedings" if _CONFERENCE.search(paper.venue) else "article"


def export_entry(paper: Paper, ascii: bool = True, with_code: bool = False, parents: Mapping[str, BibEntry] | None = None,
                 key: str | None = None, unspellable: set[str] | None = None) -> str:
    """One BibTeX entry: plain ASCII LaTeX (for BibTeX and pdflatex), or UTF-8 with `ascii=False`
    (for biblatex and biber). A paper imported from a .bib keeps its key (unless `key` says
    otherwise: another paper took it) and its fields as written (see the module's docstring).
    `with_code` adds the code link to `note` (`url` stays the paper's own): only when asked, as a
    citation rarely wants it. Characters with no ASCII LaTeX spelling go into `unspellable`."""
    kept = kept_fields(paper)
    kind = kept.pop(ENTRY_TYPE, None) or entry_type(paper)
    if not re.fullmatch(r"[a-z]+", kind):
        kind = entry_type(paper)
    written_key = kept.pop(ENTRY_KEY, None)
    if key is None:
        key = written_key if written_key and _CITATION_KEY.fullmatch(written_key) else paper.key
    if kept.pop(FIELDS_FORM, None) == AS_WRITTEN:
        fields = _as_written(paper, kind, key, kept, ascii, parents or {})
        names = {name for name, _ in fields}
        # plain, alpha and natbib's styles print no eprint: for BibTeX, an arXiv paper whose entry shows
        # its identifier nowhere they print gets it in `note`, when it has none (biblatex prints eprint).
        printed = _PRINTED.get(kind, _PRINTED["misc"])
        if ascii and paper.arxiv and "note" not in names and not any(
                paper.arxiv in value for name, value in fields if name in printed):
            fields.append(("note", f"arXiv:{paper.arxiv}"))
    else:
        fields = _from_note(paper, kind, kept, ascii)
    if with_code and (code := web_url(paper.code)):
        said = "Code: \\url{" + code.replace("%", r"\%").replace("#", r"\#").replace("}", "%7D") + "}"
        notes = [i for i, (name, _) in enumerate(fields) if name == "note"]
        if notes:
            fields[notes[0]] = ("note", f"{fields[notes[0]][1]}; {said}")
        else:
            fields.append(("note", said))
    # U+FFFD stands for a character lost before the file was written (a PDF's ligature): nothing to
    # keep, and LuaTeX stops at it. `month = apr` stays the macro it was.
    fields = [(name, value.replace("\ufffd", "?")) for name, value in fields]
    if ascii:
        fields = [(name, value if name in VERBATIM_FIELDS else ascii_latex(value, unspellable)) for name, value in fields]
    body = ",\n".join(f"  {name} = {value}" if name == "month" and value in MONTH_MACROS else f"  {name} = {{{value}}}"
                       for name, value in fields)
    return f"@{kind}{{{key},\n{body}\n}}\n"


def _as_written(paper: Paper, kind: str, key: str, kept: dict[str, str], ascii: bool,
                parents: Mapping[str, BibEntry]) -> list[tuple[str, str]]:
    """The fields of an imported entry in the file's order: each group of fields as written while
    the note agrees with what it says, else written from the note."""
    order = kept.pop(FIELD_ORDER, "").split() or list(kept)
    derived = derive(BibEntry(kind, key, kept), parents)
    groups = dict(GROUPS, authors=("editor",) if derived.editors_only else ("author",))
    group_of = {name: group for group, names in groups.items() for name in names}
    left_before = any(LEFT_BEFORE.search(value) for value in kept.values())
    agrees = {group: _agrees(group, derived, paper, left_before) for group in groups}
    fields: list[tuple[str, str]] = []
    written: set[str] = set()  # groups written from the note
    for name in order:
        group = group_of.get(name)
        if group is None or (agrees[group] and name in kept):
            if name in kept:
                fields.append((name, kept[name]))
        elif group not in written:
            fields += _written_from_note(group, paper, kind, ascii, derived.editors_only)
            written.add(group)
    for group in groups:
        if not agrees[group] and group not in written:
            fields += _written_from_note(group, paper, kind, ascii, derived.editors_only)
    return fields


def _agrees(group: str, derived: Derived, paper: Paper, left_before: bool) -> bool:
    if group == "authors":
        return derived.authors == paper.authors
    said, says = getattr(derived, group), getattr(paper, group)
    if left_before and group in ("title", "venue", "abstract") and said != says and isinstance(said, str) and isinstance(says, str):
        # Imported before these commands were read, the note says "\mkbibquote Über die ..." where the
        # entry now reads “Über die ...”: the same words, which the note's owner did not change.
        return normalized_title(said) == normalized_title(says)
    return bool(said == says)


def _written_from_note(group: str, paper: Paper, kind: str, ascii: bool, editors_only: bool) -> list[tuple[str, str]]:
    """A group of fields written from the note's value (nothing when the note has none)."""
    if group == "title":
        return [("title", latex_escape(paper.title, protect_capitals=True, ascii=ascii))]
    if group == "authors":
        return [("editor" if editors_only else "author", author_list(paper.authors, ascii))] if paper.authors else []
    if group == "year":
        return [("year", str(paper.year))] if paper.year is not None else []
    if group == "venue":
        return [(VENUE_FIELD.get(kind, "journal"), latex_escape(paper.venue, ascii=ascii))] if paper.venue else []
    if group == "arxiv":
        if not paper.arxiv:
            return []
        return [("eprint", paper.arxiv), ("archiveprefix", "arXiv")] + \
            ([("primaryclass", paper.categories[0])] if paper.categories else [])
    if group == "abstract":
        return [("abstract", latex_escape(paper.abstract, ascii=ascii))] if paper.abstract else []
    value = getattr(paper, group)
    return [(group, value)] if value else []  # doi, url: verbatim


def _from_note(paper: Paper, kind: str, kept: dict[str, str], ascii: bool) -> list[tuple[str, str]]:
    """A paper that came from arXiv, Semantic Scholar or a list, or from a .bib imported before the
    round trip kept fields as written (its kept fields are decoded text, escaped here)."""
    editors_only = kept.pop(EDITORS_ONLY, None) is not None
    raw_title = kept.pop("title", None)
    # The title as the .bib had it (its capital protection) while it still says what the note says, and
    # is plain LaTeX a BibTeX style can print (not Better BibTeX's escaped math, not raw Unicode).
    plain = raw_title is not None and raw_title.isascii() and "\\$" not in raw_title and "textbackslash" not in raw_title
    title = raw_title if raw_title and plain and ascii and latex_decode(raw_title) == paper.title else \
        latex_escape(paper.title, protect_capitals=True, ascii=ascii)
    fields: list[tuple[str, str]] = [("title", title)]
    if paper.authors and not (editors_only and "editor" in kept):
        fields.append(("author", author_list(paper.authors, ascii)))
    if paper.venue:
        fields.append((VENUE_FIELD.get(kind, "journal") if kind != "misc" else "journal", latex_escape(paper.venue, ascii=ascii)))
    # plain, alpha, plainnat and abbrvnat print no eprint field: the arXiv identifier goes where they
    # print it, as Google Scholar's exports write it (a preprint's journal), or else in `note`.
    preprint, arxiv_note = f"arXiv preprint arXiv:{paper.arxiv}", None
    if paper.arxiv and not paper.venue and kind == "article":
        fields.append(("journal", preprint))
    elif paper.arxiv and not paper.venue and kind == "misc" and "howpublished" not in kept:
        fields.append(("howpublished", preprint))
    elif paper.arxiv:
        note = kept.pop("note", "")
        arxiv_note = note if paper.arxiv in note else f"{note}; arXiv:{paper.arxiv}" if note else f"arXiv:{paper.arxiv}"
    if paper.year is not None:
        fields.append(("year", str(paper.year)))
    if paper.arxiv:
        fields += [("eprint", paper.arxiv), ("archivePrefix", "arXiv")]
        if paper.categories:
            fields.append(("primaryClass", paper.categories[0]))
    if paper.doi:
        fields.append(("doi", paper.doi))
    if paper.url:
        fields.append(("url", paper.url))
    if arxiv_note:
        fields.append(("note", arxiv_note))
    written = {name for name, _ in fields}
    for name, value in kept.items():
        if re.fullmatch(r"[a-z][a-z0-9_-]*", name) and name not in written and (name not in MODELLED_FIELDS or name == "editor"):
            if name not in RAW_FIELDS:
                value = _person_list(value, ascii) if name == "editor" else latex_escape(value, ascii=ascii)
            elif value.count("{") != value.count("}"):
                continue  # braces that would break the entry: left out rather than written wrong
            fields.append((name, value))
    return fields


def export(papers: Iterable[Paper], entry: Callable[..., str] = export_entry) -> Exported:
    """A whole .bib: entries in key order, so exporting twice gives the same bytes. Two papers may
    have come with one citation key (from two files): the first in order keeps it, the other is
    written under its note's key (and said)."""
    ordered = sorted(papers, key=lambda p: p.key)
    parents: dict[str, BibEntry] = {}
    for paper in ordered:
        kept = kept_fields(paper)
        if kept.get(FIELDS_FORM) == AS_WRITTEN and kept.get(ENTRY_KEY):
            fields = {k: v for k, v in kept.items() if not k.startswith("@")}
            parents.setdefault(kept[ENTRY_KEY].lower(), BibEntry(kept.get(ENTRY_TYPE, "misc"), kept[ENTRY_KEY], fields))
    result = Exported("")
    taken: set[str] = set()
    texts: list[str] = []
    for paper in ordered:
        wanted = kept_fields(paper).get(ENTRY_KEY) or paper.key
        key = wanted if wanted.lower() not in taken and _CITATION_KEY.fullmatch(wanted) else paper.key
        suffix = 1
        while key.lower() in taken:
            suffix += 1
            key = f"{paper.key}-{suffix}"
        if key != wanted:
            result.renamed.append((wanted, key))
        taken.add(key.lower())
        unspellable: set[str] = set()
        texts.append(entry(paper, parents=parents, key=key, unspellable=unspellable))
        result.entries[paper.key] = texts[-1]
        for alias in cited_as(paper):
            if alias.lower() not in taken and _CITATION_KEY.fullmatch(alias):
                taken.add(alias.lower())
                texts.append(entry(paper, parents=parents, key=alias))
        if unspellable:
            result.unspellable[key] = "".join(sorted(unspellable))
    result.text = "\n".join(texts)
    return result


def _person_list(names: str, ascii: bool) -> str:
    return author_list([n.strip() for n in re.split(r"\s+and\s+", names) if n.strip()], ascii)
