"""The topics in use: each with its title, its papers (its subtopics' included) and how many are read.

    papernotes topics                  # the tree, the focus marked
    papernotes topics --format tsv     # path, title, papers, read, to read, skipped: for scripts
"""

from __future__ import annotations

import argparse
import sys

from papernotes.commands import common
from papernotes.model.paper import Paper
from papernotes.model.statuses import READ, SKIPPED, TO_READ
from papernotes.present.views import TopicNode, topic_tree

FORMATS = ("table", "tsv")


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--format", choices=FORMATS, default="table", help="output (default: an indented table)")
    return ap


def run(args: argparse.Namespace) -> int:
    library = common.open_library(args)
    papers = library.load_strict(abstracts=False)
    rows = [(node, _all_papers(node)) for root in topic_tree(papers, library.config) for node in root.walk()]
    focus = (library.config.focus or "").strip("/")
    write = sys.stdout.write
    if args.format == "tsv":
        write("path\ttitle\tpapers\tread\tto-read\tskipped\n")
        for node, mine in rows:
            write(f"{node.path}\t{' '.join(node.title.split())}\t{len(mine)}\t{_count(mine, READ)}\t{_count(mine, TO_READ)}\t"
                  f"{_count(mine, SKIPPED)}\n")
        return 0
    if not rows:
        write("no topics yet: give a paper one with `topic: nlp/retrieval` in its frontmatter\n")
        return 0
    paths = [("  " * (node.depth - 1) + (node.path or "(no topic)"), node) for node, _ in rows]
    path_width = max(len(path) for path, _ in paths)
    title_width = max(len(node.title) for node, _ in rows)
    for (path, node), (_, mine) in zip(paths, rows, strict=True):
        # "R of N read" as the focus line counts it: skipped papers are not waiting to be read.
        count = (f"{len(mine)} {'paper' if len(mine) == 1 else 'papers'}, "
                 f"{_count(mine, READ)} of {len(mine) - _count(mine, SKIPPED)} read")
        mark = "  ← focus" if focus and node.path == focus else ""
        write(f"{path:<{path_width}}  {' '.join(node.title.split()):<{title_width}}  {count}{mark}\n")
    return 0


def _all_papers(node: TopicNode) -> list[Paper]:
    return [paper for each in node.walk() for paper in each.papers]


def _count(papers: list[Paper], status: str) -> int:
    return sum(1 for paper in papers if paper.status == status)
