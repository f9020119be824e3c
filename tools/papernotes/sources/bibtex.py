"""BibTeX out and in, through the one Paper model.

Export: pybtex's `Person` formats names, but the text is written here, because pybtex's writer
escapes LaTeX again in text it read (`50\\%` becomes `50\\\\%`). Each value is escaped exactly once.

Import: the file is cut into one chunk per `@entry` before pybtex parses it, so a malformed entry
(an unclosed brace swallows everything after it in pybtex's own recovery) is reported with its
line and key, and every other entry is still read. `@string` macros carry over between chunks.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import latexcodec  # noqa: F401 - registers the "ulatex" codec
import pybtex.errors
from pybtex.database import Entry, Person
from pybtex.database.input import bibtex as bibtex_input
from pybtex.scanner import PybtexError

from .ids import InvalidArxivId, find_references, parse_arxiv_id
from .paper import Paper

_MATH = re.compile(r"(\$[^$]+\$)")
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
            "_": r"\_", "^": r"\^{}", "~": r"\~{}", "$": r"\$"}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|neurips|nips|icml|iclr|acl|naacl|eacl|emnlp|coling|cvpr|iccv|eccv|"
    r"aaai|ijcai|kdd|sigir|www|interspeech|icassp|uai|aistats|colt|corl|rss|icra|iros)\b",
    re.IGNORECASE,
)


def latex_escape(text: str, protect_capitals: bool = False, ascii: bool = True) -> str:
    """LaTeX for `text`, escaped once; `$...$` math is kept as it is. With `ascii` (what BibTeX and
    pdflatex want), other characters become LaTeX too, braced: `{\\"u}`, `{$\\alpha$}`, `{\\L}`."""
    parts = []
    for i, part in enumerate(_MATH.split(text)):
        if i % 2:
            parts.append(part)
            continue
        escaped = _SPECIAL_RE.sub(lambda m: _SPECIAL[m.group(0)], part)
        if protect_capitals:
            # Acronyms and inner capitals (BERT, ImageNet, GANs) survive styles that lower-case titles.
            escaped = _WORD.sub(lambda m: f"{{{m.group(0)}}}" if any(c.isupper() for c in m.group(0)[1:]) else m.group(0), escaped)
        if ascii:
            escaped = _NON_ASCII.sub(lambda m: _ascii_latex(m.group(0)), escaped)
        parts.append(escaped)
    return "".join(parts)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


# Characters latexcodec would write as ASCII that reads back as another character ('): spelt out.
_SPELLED = {"’": r"{\textquoteright}", "‘": r"{\textquoteleft}"}


def _ascii_latex(char: str) -> str:
    """One character as ASCII LaTeX (latexcodec's table), braced so BibTeX sorts and cases it as one
    letter; a character with no LaTeX spelling stays as it is (use --unicode with biber for those)."""
    if char in _SPELLED:
        return _SPELLED[char]
    encoded = str(codecs.encode(char, "ulatex+ascii", "keep"))
    if encoded == char:
        return char
    return "{" + encoded.strip() + "}" if encoded.startswith(("\\", "$")) else encoded


# Escapes the exporter writes (and people type) that latexcodec would turn into accents or drop.
_LITERALS = {r"\textbackslash{}": "\\", r"\{": "{", r"\}": "}", r"\~{}": "~", r"\^{}": "^", r"\%": "%",
             r"\&": "&", r"\#": "#", r"\_": "_", r"\$": "$"}
_LITERAL_RE = re.compile("|".join(re.escape(k) for k in _LITERALS))
_PLACEHOLDERS = {k: chr(0xE000 + i) for i, k in enumerate(_LITERALS)}


# Text without these means the same in LaTeX and in Unicode (latexcodec would return it unchanged),
# so it is not decoded: tokenising every value was most of an import's time.
_NEEDS_DECODING = re.compile(r"[\\{}~$%]|--|''|``|,,|!`|\?`")
# Braces alone decode to themselves (they are dropped afterwards): a stretch like `{BERT}:` skips latexcodec.
_LATEX_BEYOND_BRACES = re.compile(r"[\\~$%]|--|''|``|,,|!`|\?`")
# What can reach across words in LaTeX (a comment, a tie, a control space, an accent before a space):
# text holding one is decoded whole.
_DECODE_WHOLE = re.compile(r"[%~]|\\\s|\\[\"'`^=.]\s")


def latex_decode(text: str) -> str:
    """Unicode for LaTeX text: accents and escapes decoded, grouping braces dropped, math kept.

    The same as `_latex_decode_whole`, faster: only the stretches of text that hold LaTeX go through
    latexcodec. A stretch ends between words where no brace group or control sequence continues, so
    decoding stretch by stretch gives what decoding the whole would (tested on real .bib files and
    random LaTeX); text where something reaches across words (a comment, a tie, a control space) is
    decoded whole, and so is a part latexcodec cannot read.
    """
    if not _NEEDS_DECODING.search(text):
        return " ".join(text.split())
    return _decode(text, _ulatex_by_stretch)


def _latex_decode_whole(text: str) -> str:
    """Every part of the text through latexcodec at once: what `latex_decode` must equal."""
    return _decode(text, _ulatex)


# Better BibTeX writes literal math as text: `\$\textbackslash mathcal\{\vphantom\}{{V}}\vphantom\{\}\$`
# stands for `$\mathcal{V}$` (the \vphantom pairs only balance braces for BibTeX).
_BBT_MATH = re.compile(r"\\\$((?:(?!\\\$).)*?\\textbackslash(?:(?!\\\$).)*?)\\\$")
# The exporter writes a symbol with no ASCII form as braced math, `{$\alpha$}`: it reads back as `α`,
# while math the title had, `$\alpha$`, stays math.
_BRACED_SYMBOL = re.compile(r"\{\$([^${}]{1,24}|[^$]{0,24}\{[^${}]{0,8}\}[^$]{0,8})\$\}")


def _bbt_math(match: re.Match[str]) -> str:
    inner = match.group(1).replace("\\vphantom\\{", "").replace("\\vphantom\\}", "")
    inner = re.sub(r"\\textbackslash(?:\{\}|\s+)?", lambda _: "\\", inner)
    inner = inner.replace("\\{", "{").replace("\\}", "}")
    inner = re.sub(r"\{\{([^{}]*)\}\}", r"\1", inner)  # capital protection, meaningless in math
    return f"${inner}$"


def _symbol(match: re.Match[str]) -> str:
    decoded = _ulatex(f"${match.group(1)}$")
    return decoded if len(decoded) == 1 and not decoded.isascii() else match.group(0)


def _decode(text: str, ulatex: Callable[[str], str]) -> str:
    if "\\$" in text:
        text = _BBT_MATH.sub(_bbt_math, text)
    if "{$" in text:
        text = _BRACED_SYMBOL.sub(_symbol, text)
    if "{\\textquote" in text:
        for char, spelling in _SPELLED.items():
            text = text.replace(spelling, char)
    parts = []
    for i, part in enumerate(_MATH.split(text)):
        if i % 2:
            parts.append(part)
            continue
        lead = part[: len(part) - len(part.lstrip())]
        trail = part[len(part.rstrip()) :]
        decoded = ulatex(_LITERAL_RE.sub(lambda m: _PLACEHOLDERS[m.group(0)], part.strip()))
        decoded = decoded.replace("{", "").replace("}", "")
        for literal, placeholder in _PLACEHOLDERS.items():
            decoded = decoded.replace(placeholder, _LITERALS[literal])
        parts.append(lead + decoded + trail)
    return " ".join("".join(parts).split())


def _ulatex(text: str) -> str:
    try:
        return codecs.decode(text, "ulatex")  # type: ignore[call-overload, no-any-return]
    except (ValueError, UnicodeDecodeError):
        return text


def _ulatex_by_stretch(text: str) -> str:
    if _DECODE_WHOLE.search(text):
        return _ulatex(text)
    decoded = []
    for stretch in _stretches(text):
        if not _LATEX_BEYOND_BRACES.search(stretch):
            decoded.append(stretch)
            continue
        content = stretch.lstrip()
        try:  # the whitespace between stretches stays: latexcodec would drop it at the start of a text
            decoded.append(stretch[: len(stretch) - len(content)] + codecs.decode(content, "ulatex"))  # type: ignore[call-overload]
        except (ValueError, UnicodeDecodeError):
            return _ulatex(text)  # as the whole would: left as it is if latexcodec cannot read it
    return "".join(decoded)


_WORD_RUN = re.compile(r"\S+")


def _stretches(text: str) -> list[str]:
    """`text` cut between words where nothing LaTeX continues; each stretch keeps its own whitespace."""
    stretches: list[str] = []
    start = depth = 0
    for word in _WORD_RUN.finditer(text):
        token = word.group()
        if "{" in token or "}" in token:
            bare = token.replace("\\{", "").replace("\\}", "")
            depth += bare.count("{") - bare.count("}")
        if depth == 0 and "\\" not in token:
            stretches.append(text[start : word.end()])
            start = word.end()
    if start < len(text):
        stretches.append(text[start:])
    return stretches


def entry_type(paper: Paper) -> str:
    if not paper.venue:
        return "article" if paper.arxiv else "misc"  # an arXiv preprint: journal = {arXiv preprint arXiv:ID}
    return "inproceedings" if _CONFERENCE.search(paper.venue) else "article"


# An imported entry's fields the note does not model (pages, volume, publisher, ...), kept in the note
# under this key with the entry's type, and written back on export: nothing is lost on the way through.
BIBTEX_KEY = "bibtex"
ENTRY_TYPE = "@type"  # no BibTeX field can be named so (an entry may have a field called `type`)
EDITORS_ONLY = "@editors-only"  # an entry with editors and no authors (the note lists the editors as authors)
MODELLED_FIELDS = frozenset({"title", "author", "year", "date", "doi", "url", "eprint", "archiveprefix", "eprinttype",
                             "primaryclass", "abstract", "booktitle", "journal", "journaltitle", "crossref", "editor"})
RAW_FIELDS = frozenset({"file", "urldate", "isbn", "issn", "pmid", "eprintclass"})  # not LaTeX: kept as written


def kept_fields(paper: Paper) -> dict[str, str]:
    kept = paper.extra.get(BIBTEX_KEY)
    return {str(k): str(v) for k, v in kept.items() if v is not None} if isinstance(kept, dict) else {}


def export_entry(paper: Paper, ascii: bool = True) -> str:
    """One BibTeX entry, keyed by the note's key: plain ASCII LaTeX (for BibTeX and pdflatex), or
    UTF-8 with `ascii=False` (for biblatex and biber)."""
    kept = kept_fields(paper)
    kind = kept.pop(ENTRY_TYPE, None) or entry_type(paper)
    if not re.fullmatch(r"[a-z]+", kind):
        kind = entry_type(paper)
    editors_only = kept.pop(EDITORS_ONLY, None) is not None
    raw_title = kept.pop("title", None)
    # The title as the .bib had it (its capital protection) while it still says what the note says, and
    # is plain LaTeX a BibTeX style can print (not Better BibTeX's escaped math, not raw Unicode).
    plain = raw_title is not None and raw_title.isascii() and "\\$" not in raw_title and "textbackslash" not in raw_title
    title = raw_title if raw_title and plain and ascii and latex_decode(raw_title) == paper.title else \
        latex_escape(paper.title, protect_capitals=True, ascii=ascii)
    fields: list[tuple[str, str]] = [("title", title)]
    if paper.authors and not (editors_only and "editor" in kept):
        fields.append(("author", " and ".join(_person_name(a, ascii) for a in paper.authors)))
    if paper.venue:
        fields.append(("booktitle" if kind == "inproceedings" else "journal", latex_escape(paper.venue, ascii=ascii)))
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
        fields.append(("doi", latex_escape(paper.doi)))
    if paper.url:
        fields.append(("url", paper.url.replace("%", r"\%").replace("#", r"\#")))
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
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{paper.key},\n{body}\n}}\n"


def export(papers: Iterable[Paper], entry: Callable[[Paper], str] = export_entry) -> str:
    """A whole .bib: entries in key order, so exporting twice gives the same bytes."""
    return "\n".join(entry(p) for p in sorted(papers, key=lambda p: p.key))


def _person_list(names: str, ascii: bool) -> str:
    return " and ".join(_person_name(n.strip(), ascii) for n in re.split(r"\s+and\s+", names) if n.strip())


def _person_name(name: str, ascii: bool = True) -> str:
    """'Last, First' in LaTeX as BibTeX wants it, keeping particles: 'Peter de With' -> 'de With, Peter'.

    BibTeX's own rule for 'First von Last': the von part starts at the first word after the first
    that begins with a lower-case letter. A one-word name (an organisation) stays as it is.
    """
    words = name.split()
    if re.search(r"\band\b", name):
        return "{" + latex_escape(name, ascii=ascii) + "}"  # an organisation: its 'and' must not split it in two
    if "," in name or len(words) < 2:
        return latex_escape(name, ascii=ascii)
    start = len(words) - 1
    for i, word in enumerate(words[1:-1], start=1):
        if word[:1].islower():
            start = i
            break
    return latex_escape(f"{' '.join(words[start:])}, {' '.join(words[:start])}", ascii=ascii)


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
