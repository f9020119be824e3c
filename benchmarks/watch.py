"""How does `papernotes watch` scale? Prints figures; asserts nothing. (Ranking quality: benchmarks/ranking.py.)

    python benchmarks/watch.py

1. A busy week: 2,000 new papers over three saved queries (fake arXiv on 127.0.0.1) against a
   10,000-note library. Goals (issue 10): at most ceil(papers / page size) requests per query,
   ranking under 3 s, and the peak memory of the whole run.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import time

from _common import REPO, make_library

# isort: split
# (_common put tools/ and tests/ on sys.path)
import fakearxiv
from papernotes.model.paper import Paper
from papernotes.services.ranking import NewPaper, rank
from papernotes.sources.arxiv import SEARCH_PAGE_SIZE
from papernotes.store.library import Library

WORDS = ["learning", "neural", "network", "deep", "model", "language", "vision", "graph", "attention", "robust",
         "efficient", "sparse", "transformer", "optimization", "inference", "generative", "retrieval", "diffusion"]


def busy_week() -> None:
    root = make_library(10_000)
    with open(root / "pyproject.toml", "a", encoding="utf-8") as handle:
        for category in ("cs.LG", "cs.CL", "cs.CV"):
            handle.write(f'\n[[tool.papernotes.watch]]\nname = "{category}"\nquery = "cat:{category}"\n')
    state, server = fakearxiv.serve()
    rng = random.Random(1)
    try:
        for i in range(1, 2001):
            category = ("cs.LG", "cs.CL", "cs.CV")[i % 3]
            state.add(f"2611.{i:05d}", " ".join(rng.choice(WORDS) for _ in range(8)).capitalize(), [f"Author {i}"],
                      summary=" ".join(rng.choice(WORDS) for _ in range(150)), categories=(category,),
                      published=f"2026-11-{23 + i % 6:02d}T{i % 24:02d}:{i % 60:02d}:00Z")
        env = {**os.environ, "ARXIV_API_URL": state.url, "ARXIV_API_DELAY": "0", "PAPERNOTES_TODAY": "2026-11-29",
               "HF_API_URL": "off", "PWC_API_URL": "off",
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
                  for i in range(2000)]
    start = time.perf_counter()
    rank(candidates, papers, explain=50)
    ranking = time.perf_counter() - start
    goal = math.ceil(667 / SEARCH_PAGE_SIZE)
    print("busy week: 2,000 new papers over 3 queries, 10,000-note library (fake arXiv on 127.0.0.1)")
    print(f"  requests per query      {per_query}   goal <= {goal} each (667 papers, pages of {SEARCH_PAGE_SIZE})")
    print(f"  whole run               {seconds:6.2f} s   peak memory {usage.ru_maxrss / 1024:.0f} MB   ({out.strip()})")
    print(f"  ranking 2,000 x 10,000  {ranking:6.2f} s   goal < 5 s   ratio {ranking / 5:.2f}")


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
    else:
        busy_week()
