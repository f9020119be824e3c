"""Bring an existing reading list in: a README of paper links with headings and notes, as one note a paper.

    papernotes migrate path/to/README.md --dry-run     # the plan: what becomes a note, and how
    papernotes migrate path/to/README.md               # arXiv papers from arXiv, others from Semantic Scholar

Headings become topics (## NLP / ### Embeddings -> nlp/embeddings), each list item a note: the item's
own text is the note's first paragraph, a note file the item links to ([Notes](2018/1810.04805.md))
becomes the rest of its body, and hashtags ([\\#nlp](#nlp), #nlp) become tags.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papernotes.commands import common
from papernotes.model.ids import ArxivId, InvalidPaperId, OtherId, parse_paper_id
from papernotes.model.paper import Paper
from papernotes.services.adding import Candidate, add_candidates, new_note_fields, resolve
from papernotes.store.files import UnreadableFile, read_named_file, read_regular_file
from papernotes.store.library import Library

_HEADING = re.compile(r"^(#{2,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+(.+)$")
_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]+)\)")
_HASHTAG = re.compile(r"\[\\?#([\w\-]+)\]\([^)]*\)|(?<![\w/&])#([A-Za-z][\w\-]*)")
_CITATION = re.compile(r"^(?P<title>.+?),\s+(?P<authors>[^,]+?(?:\s+et al\.?)?),\s+(?P<year>(?:19|20)\d\d)\b")
MAX_NOTE_FILE = 1024 * 1024
MAX_LIST_BYTES = 16 * 1024 * 1024  # the largest awesome-lists are under 1 MB


@dataclass
class Item:
    line: int
    text: str  # the item's own words, links reduced to their text
    topic: str | None
    tags: list[str]
    ident: ArxivId | OtherId | None = None
    link: str | None = None
    notes: str = ""
    skip: str | None = None  # why it is not a paper
    fields: dict[str, Any] = field(default_factory=dict)


def slug(heading: str) -> str:
    words = re.sub(r"[^\w\s-]", "", heading.lower()).split()
    return "-".join(words) or "topic"


def linked_notes(folder: Path, target: str) -> str | None:
    """A notes file the list links to, if it lies inside the list's folder, after following links:
    a link out of it (`../../.ssh/id_rsa`, or a symlink to a secret) would publish that file."""
    note = (folder / target).resolve()
    if not note.is_relative_to(folder):
        return None
    try:
        return read_regular_file(note, MAX_NOTE_FILE)[0].decode("utf-8", "replace")
    except UnreadableFile:
        return None


def read_list(path: Path) -> list[Item]:
    """Every list item under a heading of the reading list, with what it says about its paper."""
    text = read_named_file(path, MAX_LIST_BYTES).decode("utf-8", "replace")
    folder = path.resolve().parent
    headings: list[str] = []
    items: list[Item] = []
    for number, line in enumerate(text.splitlines(), 1):
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1)) - 2
            headings = headings[:depth] + [slug(heading.group(2))]
            continue
        match = _ITEM.match(line)
        if not match or not headings:
            continue
        body = match.group(1)
        links = _LINK.findall(body)
        if links and all(target.startswith("#") for _, target in links) and not _LINK.sub("", body).strip(" -·,"):
            continue  # a table of contents entry
        tags = [a or b for a, b in _HASHTAG.findall(body)]
        own = _HASHTAG.sub("", body)
        own = re.sub(r"\[\[[^\]]*\]\([^)]*\)\]", "", own)  # [[Paper](...)] and [[Notes](...)] link groups
        own = _LINK.sub(lambda m: m.group(1), own).strip(" -·,")
        item = Item(number, " ".join(own.split()), "/".join(headings), list(dict.fromkeys(tags)))
        for _, target in links:
            if target.startswith("#"):
                continue
            if target.endswith(".md") and not re.match(r"https?://", target):
                item.notes = linked_notes(folder, target) or item.notes
                continue
            if item.link is None:
                item.link = target
                try:
                    parsed = parse_paper_id(target)
                    item.ident = ArxivId(parsed.canonical) if isinstance(parsed, ArxivId) else parsed
                except InvalidPaperId:
                    item.ident = None
        if item.link is None and item.ident is None:
            item.skip = "no link to a paper"
        items.append(item)
    return items


def by_hand(item: Item) -> Paper | None:
    """A paper from the item's own words ("Title, Author et al., 2020") and its link."""
    cited = _CITATION.match(item.text)
    if not cited:
        return None
    names = re.split(r"\s+and\s+", re.sub(r"\s+et al\.?$", "", cited.group("authors")))
    return Paper(key="", title=cited.group("title").strip(), authors=tuple(n.strip() for n in names if n.strip()),
                 year=int(cited.group("year")), url=item.link if item.link and item.link.startswith("http") else None)


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("readme", metavar="README.md", help="the reading list to bring in")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; contact nobody, write nothing")
    common.priority_option(ap, bulk=True)
    return ap


def run(args: argparse.Namespace) -> int:
    source = Path(args.readme)
    items = read_list(source)
    papers = [i for i in items if not i.skip]
    kinds = Counter("arXiv" if isinstance(i.ident, ArxivId) else "Semantic Scholar" if i.ident else "by hand"
                    for i in papers)
    for item in items:
        if item.skip:
            continue
        if item.ident is None and by_hand(item) is None:
            item.skip = "no arXiv ID, DOI or known paper link, and no 'Title, Authors, Year' to write it by hand"
            kinds["by hand"] -= 1
    skipped = [i for i in items if i.skip]
    if args.dry_run:
        for item in items:
            how = (f"skip ({item.skip})" if item.skip else f"arXiv {item.ident.canonical}" if isinstance(item.ident, ArxivId)
                   else f"Semantic Scholar {item.ident.s2_id}" if item.ident else "by hand")
            extra = f" · notes: {len(item.notes.splitlines())} lines" if item.notes else ""
            print(f"{source}:{item.line}: {how} · topic {item.topic} · tags {', '.join(item.tags) or '-'}{extra}")
    print(f"{source}: {len(items)} items: {kinds['arXiv']} from arXiv, {kinds['Semantic Scholar']} from Semantic Scholar, "
          f"{kinds['by hand']} by hand, {len(skipped)} skipped", file=sys.stderr)
    if args.dry_run:
        return 0
    return add_items(Library(args.root), [i for i in items if not i.skip], args)


def add_items(library: Library, items: list[Item], args: argparse.Namespace) -> int:
    _, catalog = common.library_for_adding(library.root)
    resolved = resolve(library, [i.ident for i in items if i.ident is not None])
    by_ident = iter(resolved)
    candidates = []
    for item in items:
        body = "\n" + item.text + "\n" + ("\n" + item.notes.strip() + "\n" if item.notes.strip() else "")
        fields = (("topic", item.topic), ("tags", tuple(item.tags)), ("body", body))
        if item.ident is not None:
            found = next(by_ident)
            if found.problem and by_hand(item) is not None:
                candidates.append(Candidate(item.text[:60], paper=by_hand(item), fields=fields))
            else:
                candidates.append(Candidate(found.label, arxiv=found.arxiv, paper=found.paper, problem=found.problem,
                                            fields=fields))
        else:
            candidates.append(Candidate(item.text[:60], paper=by_hand(item), fields=fields))
    mine = new_note_fields(None, [], "to-read", args.today, args.priority)
    mine["found_via"] = (f"import:{Path(args.readme).name}",)
    return 1 if add_candidates(library, catalog, candidates, mine, None, report=common.REPORT) else 0
