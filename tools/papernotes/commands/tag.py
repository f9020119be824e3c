"""Add and remove tags: `papernotes tag KEY... +TAG -TAG`.

    papernotes tag devlin2018bert +stack-bert -todo
    papernotes tag 1810.04805 1706.03762 +transformers
"""

from __future__ import annotations

import argparse
import re

from papernotes.commands import common
from papernotes.model.paper import Paper
from papernotes.present.views import canonical_tags, tag_form

_TAG = re.compile(r"[^\s,#\[\]{}]+")


def preprocess(argv: list[str]) -> list[str]:
    """`-TAG` reads as an option to argparse: spell it `--remove=TAG`, after the positionals (argparse
    will not take positionals on both sides of an option)."""
    removals = [f"--remove={arg[1:]}" for arg in argv if arg.startswith("-") and not arg.startswith("--") and arg != "-h" and len(arg) > 1]
    return [arg for arg in argv if f"--remove={arg[1:]}" not in removals or arg.startswith("--")] + removals


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("items", nargs="+", metavar="KEY|+TAG", help="papers (key, arXiv ID or key prefix) and +TAG to add")
    ap.add_argument("--remove", action="append", default=[], metavar="TAG", help="a tag to remove (also written -TAG)")
    ap.set_defaults(parser=ap)
    return ap


def run(args: argparse.Namespace) -> int:
    refs = [item for item in args.items if not item.startswith("+")]
    add = [item[1:] for item in args.items if item.startswith("+")]
    remove = args.remove
    for tag in add + remove:
        if not _TAG.fullmatch(tag):
            args.parser.error(f"'{tag}' is not a tag: one word without spaces, commas or brackets, e.g. stack-bert")
    if not refs or not (add or remove):
        hint = f" (to add the tag {refs[-1]}: +{refs[-1]})" if len(refs) > 1 and _TAG.fullmatch(refs[-1]) else ""
        args.parser.error(f"give at least one paper and one +TAG or -TAG{hint}")

    library = common.open_library(args)
    # One spelling per tag: +Pretraining on a library that says "pretraining" adds "pretraining"
    # (the spelling in [tool.papernotes] tags, else the one used first); -TAG removes any spelling.
    papers, _ = library.load()
    canonical = canonical_tags(papers, library.config.tags)
    add = [canonical.get(tag_form(t), t) for t in add]
    dropped = {t.casefold() for t in remove}

    def change(paper: Paper) -> dict[str, object]:
        tags = [t for t in paper.tags if t.casefold() not in dropped]
        present = {t.casefold() for t in tags}
        tags += [t for t in dict.fromkeys(add) if t.casefold() not in present]
        return {"tags": tags} if tags != list(paper.tags) else {}

    return common.update_notes(library, refs, change)[0]
