"""How does `papernotes watch` scale, and does its ranking help? Prints figures; asserts nothing.

    python benchmarks/watch.py

1. A busy week: 1,500 new papers over three saved queries (fake arXiv on 127.0.0.1) against a
   5,000-note library. Goals (issue 10): at most ceil(papers / page size) requests per query,
   ranking under 3 s, and the peak memory of the whole run.
2. Ranking quality on a labelled set built from real abstracts (tests/data/bibtex): the library is
   80 % of one reader's Zotero library (AlexPiche, reinforcement learning and language models),
   marked read; the candidates are the other 20 % plus as many papers from another reader's library
   (brendon-boldt, emergent communication and linguistics). A good ranking puts the first reader's
   held-out papers first. Compared with recency order (the baseline) by precision at k (k = the
   number of relevant papers) and average precision, averaged over 20 random splits.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import statistics
import subprocess
import sys
import time

from _common import REPO, make_library

# isort: split
# (_common put tools/ and tests/ on sys.path)
import fakearxiv
from papernotes.model.paper import Paper
from papernotes.services.watch import NewPaper, rank
from papernotes.sources.arxiv import SEARCH_PAGE_SIZE
from papernotes.sources.bibtex import parse_bib
from papernotes.store.library import Library

WORDS = ["learning", "neural", "network", "deep", "model", "language", "vision", "graph", "attention", "robust",
         "efficient", "sparse", "transformer", "optimization", "inference", "generative", "retrieval", "diffusion"]


def busy_week() -> None:
    root = make_library(5000)
    with open(root / "pyproject.toml", "a", encoding="utf-8") as handle:
        for category in ("cs.LG", "cs.CL", "cs.CV"):
            handle.write(f'\n[[tool.papernotes.watch]]\nname = "{category}"\nquery = "cat:{category}"\n')
    state, server = fakearxiv.serve()
    rng = random.Random(1)
    try:
        for i in range(1, 1501):
            category = ("cs.LG", "cs.CL", "cs.CV")[i % 3]
            state.add(f"2611.{i:05d}", " ".join(rng.choice(WORDS) for _ in range(8)).capitalize(), [f"Author {i}"],
                      summary=" ".join(rng.choice(WORDS) for _ in range(150)), categories=(category,),
                      published=f"2026-11-{23 + i % 6:02d}T{i % 24:02d}:{i % 60:02d}:00Z")
        env = {**os.environ, "ARXIV_API_URL": state.url, "ARXIV_API_DELAY": "0", "PAPERNOTES_TODAY": "2026-11-29",
               "NO_PROXY": "127.0.0.1"}
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, str(REPO / "tools" / "watch.py"), "--root", str(root)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        out = proc.stdout.read()  # type: ignore[union-attr]
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(proc.stderr.read())  # type: ignore[union-attr]
        per_query = [sum(1 for r in state.requests if f"cat:{c}" in r.query.get("search_query", [""])[0])
                     for c in ("cs.LG", "cs.CL", "cs.CV")]
    finally:
        server.shutdown()
        server.server_close()
    papers, _ = Library(root).load(bodies=True)
    candidates = [NewPaper(Paper(key="", title=" ".join(rng.choice(WORDS) for _ in range(8)),
                                 abstract=" ".join(rng.choice(WORDS) for _ in range(150)), arxiv=f"2611.{i:05d}"))
                  for i in range(1500)]
    start = time.perf_counter()
    rank(candidates, papers)
    ranking = time.perf_counter() - start
    goal = math.ceil(500 / SEARCH_PAGE_SIZE)
    print("busy week: 1,500 new papers over 3 queries, 5,000-note library (fake arXiv on 127.0.0.1)")
    print(f"  requests per query      {per_query}   goal <= {goal} each (500 papers, pages of {SEARCH_PAGE_SIZE})")
    print(f"  whole run               {seconds:6.2f} s   peak memory {usage.ru_maxrss / 1024:.0f} MB   ({out.strip()})")
    print(f"  ranking 1,500 x 5,000   {ranking:6.2f} s   goal < 3 s   ratio {ranking / 3:.2f}")


def average_precision(order: list[bool]) -> float:
    hits, total = 0, 0.0
    for position, relevant in enumerate(order, 1):
        if relevant:
            hits += 1
            total += hits / position
    return total / max(1, hits)


def ranking_quality() -> None:
    data = REPO / "tests" / "data" / "bibtex"
    mine = [e.paper for e in parse_bib((data / "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib").read_text(encoding="utf-8")).entries
            if e.paper and e.paper.abstract]
    other = [e.paper for e in parse_bib((data / "brendon-boldt_phd-thesis_zotero.bib").read_text(encoding="utf-8")).entries
             if e.paper and e.paper.abstract]
    rng = random.Random(7)
    scores: dict[str, list[float]] = {"tf-idf p@k": [], "tf-idf AP": [], "recency p@k": [], "recency AP": []}
    for _ in range(20):
        shuffled = mine[:]
        rng.shuffle(shuffled)
        cut = int(len(shuffled) * 0.8)
        library = [p.replace(key=f"k{i}", status="read") for i, p in enumerate(shuffled[:cut])]
        relevant = shuffled[cut:]
        distractors = rng.sample(other, len(relevant))
        candidates = []
        for i, paper in enumerate(relevant + distractors):
            published = dt.date(2026, 11, 23) + dt.timedelta(days=rng.randrange(7))
            candidates.append(NewPaper(paper.replace(key="", arxiv=f"2611.{i:05d}", published=published)))
        wanted = {c.paper.arxiv for c in candidates[: len(relevant)]}
        k = len(relevant)
        for name, order in (("tf-idf", rank(candidates, library)),
                            ("recency", sorted(candidates, key=lambda c: c.paper.published, reverse=True))):
            flags = [c.paper.arxiv in wanted for c in order]
            scores[f"{name} p@k"].append(sum(flags[:k]) / k)
            scores[f"{name} AP"].append(average_precision(flags))
    print(f"ranking quality: {len(mine)} + {len(other)} real abstracts, 20 random 80/20 splits, k = {len(mine) - int(len(mine) * 0.8)}")
    for name in ("tf-idf", "recency"):
        print(f"  {name:<8} precision@k {statistics.mean(scores[name + ' p@k']):.2f}   "
              f"average precision {statistics.mean(scores[name + ' AP']):.2f}")


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
    else:
        busy_week()
        ranking_quality()
