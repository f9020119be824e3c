"""The papers in your library most related to one: references in common, citations between them,
cited together, similar words; the same list as the paper's page on the site.

    papernotes related devlin2018bert
    papernotes related 1810.04805 --offline    # only the reference lists kept in inbox/references.jsonl
"""

from __future__ import annotations

import argparse

from papernotes.commands import common


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("paper", metavar="KEY", help="a note: its key, arXiv ID or a unique key prefix")
    ap.add_argument("--offline", action="store_true", help="fetch no reference list; use those kept in inbox/")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.citations import reference_lists, related

    library = common.open_library(args)
    key = library.key_of(args.paper)
    papers = library.load_strict(bodies=True)
    by_key = {p.key: p for p in papers}
    # Only this paper's list is fetched if missing: the others' come with `papernotes gaps`.
    lists = reference_lists(library, [by_key[key]], args.offline, common.warn, lambda line: None)
    found = related(papers, lists, library.root).get(key, [])
    if not found:
        print(f"{key}: nothing in the library is related yet (no references in common, no citations, no shared words)")
        return 0
    print(f"Related to {key} ({by_key[key].title}):")
    for relation in found:
        print(f"  {relation.key}  {by_key[relation.key].title} — {relation.reason}")
    return 0
