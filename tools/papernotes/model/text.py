"""Words for people: counts with their plurals, and author lists shortened one way everywhere."""

from __future__ import annotations

from collections.abc import Sequence

from papernotes.model.paper import last_name


def counted(number: int, noun: str) -> str:
    """`1 error`, `2 errors`, `1,200 notes`: English plurals of regular nouns."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def author_list(authors: Sequence[str], shown: int = 3) -> str:
    """`Jacob Devlin, Ming-Wei Chang, Kenton Lee et al.`: the first `shown` names, then et al."""
    return ", ".join(authors[:shown]) + (" et al." if len(authors) > shown else "")


def short_authors(authors: Sequence[str]) -> str:
    """'Devlin et al.', 'Kingma and Ba', 'Mikolov', or 'Anonymous': the way papers are cited in prose."""
    if not authors:
        return "Anonymous"
    if len(authors) == 2:
        return f"{last_name(authors[0])} and {last_name(authors[1])}"
    return last_name(authors[0]) + (" et al." if len(authors) > 2 else "")
