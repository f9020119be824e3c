"""Words for people: counts with their plurals."""

from __future__ import annotations


def counted(number: int, noun: str) -> str:
    """`1 error`, `2 errors`, `1,200 notes`: English plurals of regular nouns."""
    return f"{number:,} {noun}{'' if number == 1 else 's'}"
