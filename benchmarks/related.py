"""How long do related papers take for a large library, in full and after one edit? Prints figures; asserts nothing.

    python benchmarks/related.py [NOTES]     # default 10,000

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


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
