"""What the library's papers cite, and what follows from it: the records services/citations.py keeps
and computes, and the site shows."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Cited:
    ident: str  # arXiv:ID, DOI:doi (lower case) or S2:paperId
    title: str
    year: int | None
    author: str  # the first author, as Semantic Scholar names them


@dataclass(frozen=True)
class Relation:
    key: str
    score: float
    reason: str  # "cites 4 of the same papers · similar words"


@dataclass(frozen=True)
class Gap:
    cited: Cited
    citing: tuple[str, ...]  # keys of the notes that cite it
