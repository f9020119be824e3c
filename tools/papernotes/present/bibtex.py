"""BibTeX out, through the one Paper model.

pybtex's `Person` formats names, but the text is written here, because pybtex's writer escapes LaTeX
again in text it read (`50\\%` becomes `50\\\\%`). Each value is escaped exactly once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from papernotes.model.latex import (
    EDITORS_ONLY,
    ENTRY_TYPE,
    MODELLED_FIELDS,
    RAW_FIELDS,
    kept_fields,
    latex_decode,
    latex_escape,
)
from papernotes.model.paper import Paper, web_url

_CONFERENCE = re.compile(
    r"\b(conference|proceedings|workshop|symposium|neurips|nips|icml|iclr|acl|naacl|eacl|emnlp|coling|cvpr|iccv|eccv|"
    r"aaai|ijcai|kdd|sigir|www|interspeech|icassp|uai|aistats|colt|corl|rss|icra|iros)\b",
    re.IGNORECASE,
)


def entry_type(paper: Paper) -> str:
    if not paper.venue:
        return "article" if paper.arxiv else "misc"  # an arXiv preprint: journal = {arXiv preprint arXiv:ID}
    return "inproceedings" if _CONFERENCE.search(paper.venue) else "article"


def export_entry(paper: Paper, ascii: bool = True, with_code: bool = False) -> str:
    """One BibTeX entry, keyed by the note's key: plain ASCII LaTeX (for BibTeX and pdflatex), or
    UTF-8 with `ascii=False` (for biblatex and biber). `with_code` adds the code link to `note`
    (`url` stays the paper's own): only when asked, as a citation rarely wants it."""
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
    code = web_url(paper.code) if with_code else None
    if paper.url:
        fields.append(("url", paper.url.replace("%", r"\%").replace("#", r"\#")))
    if code:
        said = "Code: \\url{" + code.replace("%", r"\%").replace("#", r"\#").replace("}", "%7D") + "}"
        note = arxiv_note if arxiv_note is not None else kept.pop("note", "")
        arxiv_note = f"{note}; {said}" if note else said
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


