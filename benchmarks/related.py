"""How long do related papers take for a large library, in full and after one edit? Prints figures; asserts nothing.

    python benchmarks/related.py [NOTES]     # default 10,000
    python benchmarks/related.py --quality   # are they on the note's topic? (the ranking's hand labels)

Notes are made of real abstracts' sentences (tests/data/bibtex), 30 references each from a pool of
5,000 cited papers. Goal (issue 24): one changed note is not a full recomputation; the figures
compare one edit with the full computation measured in the same run.
"""

from __future__ import annotations

import random
import re
import sys
import tempfile
import time
from pathlib import Path

from _common import REPO

# isort: split
# (_common put tools/ and tests/ on sys.path)
from papernotes.model.citations import Cited
from papernotes.model.paper import Paper
from papernotes.services import citations
from papernotes.sources.bibtex import parse_bib


def main(count: int) -> None:
    sentences: list[str] = []
    for name in ("brendon-boldt_phd-thesis_zotero.bib", "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib"):
        for entry in parse_bib((REPO / "tests" / "data" / "bibtex" / name).read_text(encoding="utf-8")).entries:
            if entry.paper and entry.paper.abstract:
                sentences += [s for s in re.split(r"(?<=\.)\s+", entry.paper.abstract) if len(s) > 40]
    rng = random.Random(1)
    papers = [Paper(key=f"p{i:05d}", title=rng.choice(sentences)[:80], abstract=" ".join(rng.sample(sentences, 6)),
                    arxiv=f"2101.{i:05d}") for i in range(count)]
    lists = {p.key: [Cited(f"arXiv:1901.{rng.randrange(5000):05d}", "T", 2019, "A") for _ in range(30)] for p in papers}
    cache = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    citations.related(papers, lists, cache)
    full = time.perf_counter() - start
    start = time.perf_counter()
    citations.related(papers, lists, cache)
    unchanged = time.perf_counter() - start
    edits = []
    for step in range(3):
        i = rng.randrange(count)
        papers[i] = papers[i].replace(body=f"My notes {step}: " + rng.choice(sentences))
        start = time.perf_counter()
        citations.related(papers, lists, cache)
        edits.append(time.perf_counter() - start)
    one = sorted(edits)[1]
    print(f"related papers for {count:,} notes ({len(sentences):,} real sentences, 30 references each):")
    print(f"  full computation        {full:7.2f} s")
    print(f"  nothing changed         {unchanged:7.2f} s   ratio to full {unchanged / full:.2f}")
    print(f"  one note edited         {one:7.2f} s   ratio to full {one / full:.2f}   (median of 3)")


def quality() -> None:
    """Related papers by their words alone (no reference lists) among the 317 hand-labelled real
    abstracts of benchmarks/ranking.py: how many notes get some, and how many of those shown share a
    label with the note, against a threshold of text likeness one step either side of the one used."""
    from ranking import labelled

    papers, labels = labelled()
    notes = [paper.replace(key=key) for key, paper in papers.items()]
    used = citations.TEXT_THRESHOLD
    print(f"related papers of {len(notes)} real abstracts, by their words (threshold {used}):")
    for threshold in (round(used - 0.01, 2), used, round(used + 0.01, 2)):
        citations.TEXT_THRESHOLD = threshold
        related = citations.related(notes, {}, None)
        shown = [(key, row.key) for key, rows in related.items() for row in rows]
        on_topic = sum(1 for key, other in shown if labels[key] & labels[other])
        print(f"  threshold {threshold:.2f}{' (used)' if threshold == used else '       '}  notes with related papers "
              f"{sum(1 for rows in related.values() if rows):>3}   shown {len(shown):>3}   on the note's topic "
              f"{on_topic / max(len(shown), 1):.2f}")
    citations.TEXT_THRESHOLD = used


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
    elif "--quality" in sys.argv:
        quality()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
