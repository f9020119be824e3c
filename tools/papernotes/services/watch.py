"""The weekly check for new papers: rank what the saved queries found against the library, and write
and read the digest a user ticks in any editor.

Ranking follows arxiv-sanity-lite: TF-IDF over titles, abstracts and the user's own notes, with
scikit-learn doing the maths; a new paper scores by its closest papers in the library, and papers
read (or being read) count more than papers merely listed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import Paper
from papernotes.model.statuses import STATUS_WEIGHT
from papernotes.model.text import author_list

CLOSEST_SHOWN = 2


@dataclass
class NewPaper:
    paper: Paper
    queries: list[str] = field(default_factory=list)
    score: float = 0.0
    close_to: tuple[str, ...] = ()


def _text(paper: Paper) -> str:
    return " ".join(filter(None, (paper.title, paper.title, paper.abstract, paper.body)))


def rank(candidates: Sequence[NewPaper], library: Sequence[Paper]) -> list[NewPaper]:
    """Candidates best first: by their weighted likeness to the library, then the newest."""
    ranked = list(candidates)
    if ranked and library:
        from sklearn.feature_extraction.text import TfidfVectorizer  # only watch pays for scikit-learn

        vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.8, min_df=1,
                                     token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z0-9\-]+\b")
        try:
            matrix = vectorizer.fit_transform([_text(p) for p in library] + [_text(c.paper) for c in ranked])
        except ValueError:  # no usable words at all
            matrix = None
        if matrix is not None:
            known, new = matrix[: len(library)], matrix[len(library) :]
            weights = [STATUS_WEIGHT.get(p.status, 0.5) for p in library]
            for start in range(0, len(ranked), 256):  # bounded memory: 256 rows of the similarity matrix at a time
                block = (new[start : start + 256] @ known.T).toarray() * weights
                for row, candidate in zip(block, ranked[start : start + 256], strict=False):
                    order = row.argsort()[::-1][:CLOSEST_SHOWN]
                    candidate.score = float(row[order[0]])
                    candidate.close_to = tuple(library[i].key for i in order if row[i] > 0)
    ranked.sort(key=lambda c: (-round(c.score, 9), -(c.paper.published or dt.date.min).toordinal(), c.paper.arxiv or ""))
    return ranked


def digest_line(candidate: NewPaper) -> str:
    """`- [ ] [Title](arXiv link) — authors · categories · matched: q · close to: [[key]]`."""
    from papernotes.present.markdown import md

    paper = candidate.paper
    authors = author_list(paper.authors)
    parts = [md(authors) or "Anonymous"]
    if paper.categories:
        parts.append(md(", ".join(paper.categories[:3])))
    parts.append("matched: " + ", ".join(md(name) for name in candidate.queries))
    if candidate.close_to:
        parts.append("close to: " + ", ".join(f"[[{key}]]" for key in candidate.close_to))
    line = f"- [ ] [{md(paper.title)}](https://arxiv.org/abs/{paper.arxiv}) — " + " · ".join(parts)
    if paper.abstract:
        line += f"\n    <details><summary>Abstract</summary>{md(paper.abstract)}</details>"
    return line


_CHECKBOX = re.compile(r"^\s*[-*+]\s+\[([ xX])\]\s+(.*)$")
# The title's own link: the first "](" whose "]" is not escaped (a title is written with every "]"
# escaped, so a title holding "](https://arxiv.org/abs/...)" cannot stand in for the paper's link).
_ARXIV_LINK = re.compile(r"(?<!\\)(?:\\\\)*\]\((https?://(?:www\.)?arxiv\.org/abs/[^)\s]+)\)")
_MATCHED = re.compile(r"matched: (.+?)(?: · close to:|$)")


@dataclass
class DigestItem:
    line: int
    arxiv: str
    ticked: bool
    queries: tuple[str, ...]


def read_digest(text: str) -> tuple[list[DigestItem], list[tuple[int, str]]]:
    """The digest's items, and the checkbox lines that could not be read (line number, why)."""
    items: list[DigestItem] = []
    problems: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), 1):
        box = _CHECKBOX.match(line)
        if not box:
            continue
        link = _ARXIV_LINK.search(box.group(2))
        if not link:
            problems.append((number, "no arXiv link on this line"))
            continue
        try:
            ident = parse_arxiv_id(link.group(1)).canonical
        except InvalidArxivId as exc:
            problems.append((number, str(exc)))
            continue
        matched = _MATCHED.search(box.group(2))
        names = tuple(n.strip() for n in matched.group(1).split(",") if n.strip()) if matched else ()
        items.append(DigestItem(number, ident, box.group(1) != " ", names))
    return items, problems
