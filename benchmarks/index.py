"""How fast is `python tools/index.py` on large libraries? Prints a table; asserts nothing.

    python benchmarks/index.py [SIZES...]      # default: 1000 10000 50000

For each size: the floor (a separate Python process that reads every note and parses its
frontmatter with PyYAML's CSafeLoader, nothing else), index.py cold (no cache), index.py warm
(cache, nothing changed; the steady state, i.e. the second warm run), and peak memory (max RSS).
Targets (issue 3): at 10,000 notes cold <= 1.5x the floor and warm < 0.3 s; at 50,000 peak < 500 MB.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _common import REPO, empty_library

from papernotes.library import serialize
from papernotes.paper import STATUSES, Paper

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

WORDS = ("learning neural network deep model language vision graph attention robust efficient sparse "
         "transformer optimization inference generative adversarial representation embedding contrastive "
         "reinforcement policy gradient kernel bayesian causal retrieval diffusion scaling").split()
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
        ) + "\n\n## Notes\n\nSee [[k{}]].\n".format(rng.randrange(size))
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


def run(argv: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str] | None]:
    """Wall seconds and peak RSS (MB) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed: {err}")
    return seconds, usage.ru_maxrss / 1024, subprocess.CompletedProcess(argv, proc.returncode, out, err)


def best(argv: list[str], runs: int = 3) -> tuple[float, float]:
    results = [run(argv)[:2] for _ in range(runs)]
    return min(r[0] for r in results), max(r[1] for r in results)


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 10000, 50000]
    index = [sys.executable, str(REPO / "tools" / "index.py")]
    print(f"{'notes':>7} {'MB':>6} {'floor':>8} {'cold':>8} {'cold/floor':>10} {'warm':>8} {'warm/floor':>10} {'peak MB':>8}")
    for size in sizes:
        start = time.perf_counter()
        root = make_library(size)
        made = time.perf_counter() - start
        megabytes = sum(p.stat().st_size for p in (root / "papers").iterdir()) / 1e6
        floor, _ = best([sys.executable, "-c", FLOOR, str(root / "papers")])
        colds = []
        peak = 0.0
        for _ in range(3):
            shutil.rmtree(root / ".cache", ignore_errors=True)
            seconds, rss, _ = run([*index, "--root", str(root)])
            colds.append(seconds)
            peak = max(peak, rss)
        cold = min(colds)
        time.sleep(2.1)  # past the cache's racy window, as for any note not edited in the last seconds
        run([*index, "--root", str(root)])  # the first warm run refreshes entries it had to re-check
        warm, rss = best([*index, "--root", str(root), "--check"])
        peak = max(peak, rss)
        print(f"{size:>7} {megabytes:>6.1f} {floor:>7.2f}s {cold:>7.2f}s {cold / floor:>9.2f}x {warm:>7.2f}s "
              f"{warm / floor:>9.2f}x {peak:>8.0f}   (generated in {made:.0f} s)")
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
