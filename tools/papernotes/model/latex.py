"""BibTeX and LaTeX text, as a note holds it and a .bib writes it: the LaTeX codec (exactly once in
each direction) and the BibTeX fields a note keeps under `bibtex:`. Pure functions; no I/O.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from collections.abc import Callable

from papernotes.model.paper import Paper
from papernotes.model.texcommands import NAMED

_MATH = re.compile(r"(\$[^$]+\$)")
_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "#": r"\#",
            "_": r"\_", "^": r"\^{}", "~": r"\~{}", "$": r"\$"}
_SPECIAL_RE = re.compile("|".join(re.escape(c) for c in _SPECIAL))
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
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


def ascii_latex(text: str, unspellable: set[str] | None = None) -> str:
    """LaTeX as written, with each character outside ASCII spelt in LaTeX (`ü` as `{\\"u}`); the
    characters LaTeX has no ASCII spelling for are left, and added to `unspellable`."""
    if text.isascii():
        return text

    def spell(match: re.Match[str]) -> str:
        spelt = _ascii_latex(match.group(0))
        if not spelt.isascii() and unspellable is not None:
            unspellable.add(match.group(0))
        return spelt

    return _NON_ASCII.sub(spell, text)


# Characters latexcodec would write as ASCII that reads back as another character ('): spelt out.
_SPELLED = {"’": r"{\textquoteright}", "‘": r"{\textquoteleft}", "\u2010": "-", "\u2011": "-", "\u00ad": r"\-"}


def _ascii_latex(char: str) -> str:
    """One character as ASCII LaTeX (latexcodec's table), braced so BibTeX sorts and cases it as one
    letter; a character with no LaTeX spelling stays as it is (use --unicode with biber for those)."""
    if char in _SPELLED:
        return _SPELLED[char]
    _register_latexcodec()
    encoded = str(codecs.encode(char, "ulatex+ascii", "keep"))
    if encoded == char:
        return _accented(char)
    return "{" + encoded.strip() + "}" if encoded.startswith(("\\", "$")) else encoded


# LaTeX's accent commands by the combining mark they put on a letter: a letter latexcodec has no entry
# for (Ḥ, as transliterations write it) is spelt from its decomposition, `{\d{H}}`.
_ACCENTS = {"\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u", "\u0307": ".",
            "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d", "\u0327": "c", "\u0328": "k",
            "\u0331": "b"}


def _accented(char: str) -> str:
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[:1], decomposed[1:]
    if not base.isascii() or not marks or any(mark not in _ACCENTS for mark in marks):
        return char
    spelt = base
    for mark in marks:
        command = _ACCENTS[mark]
        spelt = f"\\{command}{{{spelt}}}" if command.isalpha() else f"\\{command}{{{spelt}}}"
    return "{" + spelt + "}"


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


# An accent over a dotless i or j, `\'{\i}` (DBLP and JabRef write it so): the accented letter itself.
_ACCENTED_DOTLESS = re.compile(r"\\([\'\"`^~=.])\s*(?:\{\\([ij])\}|\\([ij])(?![A-Za-z]))")


# An accent command over one letter: `\"{u}`, `\'e`, `\d{H}`, `\d H`. Composed here (Unicode's own
# composition), so that every accent the exporter spells reads back, latexcodec knowing it or not.
_ACCENT_COMMAND = re.compile(r"\\(?:([`'^~=.\"])\s*|([uvdHcbkr])(?=[\s{]))(?:\{([A-Za-z])\}|\s*([A-Za-z])(?![A-Za-z]))")
_MARK_OF = {command: mark for mark, command in _ACCENTS.items()}


def _compose(match: re.Match[str]) -> str:
    command = match.group(1) or match.group(2)
    letter = match.group(3) or match.group(4)
    composed = unicodedata.normalize("NFC", letter + _MARK_OF[command])
    return composed if len(composed) == 1 else match.group(0)


# Text styles around words (`9\textsuperscript{th}`, `\emph{not}`, biblatex's `\mkbibemph{...}`): a
# note shows the words; biblatex's and csquotes' quotation marks and brackets as the marks they print
# (`\mkbibquote{Über die ...}`, in biblatex's own examples, is “Über die ...”). The argument may hold
# brace groups two deep (`\mkbibquote{{\"U}ber die M{\"o}glichkeit}`); the alternatives never overlap,
# so the match takes linear time.
_ARGUMENT = r"\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}"
_TEXT_STYLE = re.compile(r"\\(?:textsuperscript|textsubscript|emph|textit|textbf|textsl|textsc|textrm|textsf|texttt|"
                         r"textup|textmd|textnormal|mbox|text|mkbibemph|mkbibitalic|mkbibbold|mkbibacro|"
                         r"mkbibsuperscript|mkbibsubscript)" + _ARGUMENT)
_MARKED = {"mkbibquote": "“{}”", "enquote": "“{}”", "textquote": "“{}”", "enquote*": "‘{}’", "textquote*": "‘{}’",
           "mkbibparens": "({})", "mkbibbrackets": "[{}]"}
_MARKED_STYLE = re.compile(r"\\(mkbibquote|enquote\*?|textquote\*?|mkbibparens|mkbibbrackets)" + _ARGUMENT)
_STYLED = ("\\text", "\\emph", "\\mbox", "\\mkbib", "\\enquote")
_NAMED_COMMAND = re.compile(r"\\(" + "|".join(NAMED) + r")(?![A-Za-z])\s*")


def _unstyled(text: str) -> str:
    """`text` without its text-style commands (nested ones too, up to four deep)."""
    for _ in range(4):
        before = text
        text = _MARKED_STYLE.sub(lambda m: _MARKED[m.group(1)].format(m.group(2)), _TEXT_STYLE.sub(r"\1", text))
        if text == before:
            break
    return text


def _decode(text: str, ulatex: Callable[[str], str]) -> str:
    if any(command in text for command in _STYLED):
        text = _unstyled(text)
    if "\\i" in text or "\\j" in text:
        text = _ACCENTED_DOTLESS.sub(lambda m: f"\\{m.group(1)}{{{m.group(2) or m.group(3)}}}", text)
    if "\\" in text:
        text = _ACCENT_COMMAND.sub(_compose, _NAMED_COMMAND.sub(lambda m: NAMED[m.group(1)], text))
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


def _register_latexcodec() -> None:
    """latexcodec's "ulatex" codec, registered when first needed: importing it costs commands that
    never read or write LaTeX their start-up (benchmarks/startup.py)."""
    import latexcodec  # noqa: F401 - registers the codec


def _ulatex(text: str) -> str:
    try:
        _register_latexcodec()
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
        _register_latexcodec()
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


# An imported entry's fields the note does not model (pages, volume, publisher, ...), kept in the note
# under this key with the entry's type, and written back on export: nothing is lost on the way through.
BIBTEX_KEY = "bibtex"
ENTRY_TYPE = "@type"  # no BibTeX field can be named so (an entry may have a field called `type`)
ENTRY_KEY = "@key"  # the citation key as the file wrote it (DBLP:conf/nips/X17): the key the export writes
# Notes imported since the round trip became lossless say so: their fields are as the .bib wrote them
# (LaTeX and all). Notes imported before hold decoded text, which the export escapes.
FIELDS_FORM = "@fields"
AS_WRITTEN = "as written"
# The entry's field names in the file's order, when the note holds one of them itself (an abstract is
# not kept twice): the export puts it back where it was.
FIELD_ORDER = "@order"
# A note's other citation keys, a list in its own field (a .bib that had the paper twice, or a second
# .bib naming a paper the library has): the export writes the entry under each of them too, so that
# every \cite still resolves.
CITED_AS = "cited_as"
EDITORS_ONLY = "@editors-only"  # an entry with editors and no authors (the note lists the editors as authors)
MODELLED_FIELDS = frozenset({"title", "author", "year", "date", "doi", "url", "eprint", "archiveprefix", "eprinttype",
                             "primaryclass", "abstract", "booktitle", "journal", "journaltitle", "crossref", "editor"})
RAW_FIELDS = frozenset({"file", "urldate", "isbn", "issn", "pmid", "eprintclass"})  # not LaTeX: kept as written


def cited_as(paper: Paper) -> list[str]:
    names = paper.extra.get(CITED_AS)
    return [str(n) for n in names if isinstance(n, (str, int))] if isinstance(names, list) else []


def kept_fields(paper: Paper) -> dict[str, str]:
    kept = paper.extra.get(BIBTEX_KEY)
    return {str(k): str(v) for k, v in kept.items() if v is not None} if isinstance(kept, dict) else {}


