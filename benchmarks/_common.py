"""Helpers shared by the benchmark scripts: paths, a throw-away library, timing."""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Every process a benchmark starts caches bytecode, as Python does on a user's machine. An environment
# that turns caching off (PYTHONDONTWRITEBYTECODE, set on the development machine) has each run compile
# papernotes anew, while the installed libraries it is compared with came compiled.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.path[:0] = [str(REPO / "tools"), str(REPO / "tests")]


# The least any tool reading every note's frontmatter costs: read each note, parse it with libyaml.
FLOOR = """
import os, sys, yaml
papers = sys.argv[1]
count = 0
for name in sorted(os.listdir(papers)):
    if not name.endswith('.md'):
        continue
    with open(os.path.join(papers, name), 'rb') as handle:
        text = handle.read().decode('utf-8')
    end = text.index('\\n---\\n', 4)
    yaml.load(text[4:end], Loader=yaml.CSafeLoader)
    count += 1
print(count)
"""


def empty_library() -> Path:
    root = Path(tempfile.mkdtemp(prefix="papernotes-bench-"))
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "papers").mkdir()
    return root


def timed(argv: list[str], env: dict[str, str] | None = None, stdin: str | None = None) -> tuple[float, subprocess.CompletedProcess[str]]:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, input=stdin, capture_output=True, text=True)
    return time.perf_counter() - start, result


def median_time(argv: list[str], runs: int = 5, env: dict[str, str] | None = None) -> float:
    return statistics.median(timed(argv, env)[0] for _ in range(runs))


from papernotes.model.paper import STATUSES, Paper
from papernotes.store.library import serialize

WORDS = ["learning", "neural", "network", "deep", "model", "language", "vision", "graph", "attention", "robust", "efficient", "sparse", "transformer", "optimization", "inference", "generative", "adversarial", "representation", "embedding", "contrastive", "reinforcement", "policy", "gradient", "kernel", "bayesian", "causal", "retrieval", "diffusion", "scaling"]
TOPICS = ["nlp", "nlp/embeddings", "nlp/translation", "vision", "vision/detection", "training", "rl", "theory",
          "graphs", "speech", "generative", "generative/diffusion", "systems", "robotics", "causality"]


def make_library(size: int, seed: int = 0) -> Path:
    rng = random.Random(seed)
    root = empty_library()
    (root / "README.md").write_text("# Bench\n\n<!-- papernotes:index:start -->\n<!-- papernotes:index:end -->\n")
    papers = root / "papers"
    tags = [f"tag{i}" for i in range(300)]
    for i in range(size):
        year = rng.randint(2007, 2026)
        published = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize()
        body = "\n## Summary\n\n" + "\n".join(
            " ".join(rng.choice(WORDS) for _ in range(14)) for _ in range(rng.randint(8, 24))
        ) + f"\n\n## Notes\n\nSee [[k{rng.randrange(size)}]].\n"
        paper = Paper(
            key=f"k{i}",
            title=title,
            authors=tuple(f"Author{rng.randrange(5000)} Surname{rng.randrange(5000)}" for _ in range(rng.randint(1, 8))),
            year=year,
            arxiv=f"{published:%y%m}.{i % 99999 + 1:05d}" if year >= 2015 else None,
            version=rng.randint(1, 4),
            published=published,
            updated=published + dt.timedelta(days=rng.randint(0, 400)),
            categories=tuple(rng.sample(["cs.LG", "cs.CL", "cs.CV", "stat.ML", "cs.AI"], rng.randint(1, 3))),
            venue=rng.choice([None, "NeurIPS", "ICML", "ICLR", "ACL"]),
            abstract=" ".join(rng.choice(WORDS) for _ in range(rng.randint(80, 200))),
            topic=rng.choice(TOPICS + [None]),
            tags=tuple(rng.sample(tags, rng.randint(0, 4))),
            status=rng.choice(STATUSES),
            added=dt.date(2026, rng.randint(1, 11), rng.randint(1, 28)),
            body=body,
        )
        (papers / f"k{i}.md").write_text(serialize(paper), encoding="utf-8")
    return root
