"""Bring an existing reading list in: a README of paper links with headings and notes, or a folder of notes, as one note a paper.

    papernotes migrate path/to/README.md --dry-run     # the plan: what becomes a note, and how
    papernotes migrate path/to/README.md               # arXiv papers from arXiv, others from Semantic Scholar
    papernotes migrate path/to/notes/                  # a folder of notes, one paper a file (Jekyll, Obsidian)

Headings become topics (## NLP / ### Embeddings -> nlp/embeddings), each list item a note: the item's
own text is the note's first paragraph, a note file the item links to ([Notes](2018/1810.04805.md))
becomes the rest of its body, and hashtags ([\\#nlp](#nlp), #nlp) become tags. In a folder of notes
each file is one paper, found by its frontmatter, the link its text names it by, or its title; its
text is the note's (sources/note_folder.py).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import (
    MAX_FOLDER_DEPTH,
    UnreadableFile,
    is_inside,
    read_named_file,
    read_regular_file,
    walk,
)
from papernotes.model.ids import ArxivId
from papernotes.model.paper import MAX_TOPIC_DEPTH
from papernotes.model.reading import IMPORT_PREFIX
from papernotes.model.statuses import TO_READ
from papernotes.sources.reading_list import Item, is_org, list_title, parse_list, slug

if TYPE_CHECKING:
    from papernotes.services.adding import Added
    from papernotes.store.library import Library


MAX_NOTE_FILE = 1024 * 1024
MAX_LIST_BYTES = 16 * 1024 * 1024  # the largest awesome-lists are under 1 MB; a folder's notes, all told
MAX_FOLDER_NOTES = 10_000
OUTSIDE_FOLDER = "a symbolic link to a file outside the folder; not read"


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


def read_list(path: Path) -> tuple[str, list[Item]]:
    """The reading list at `path`: its name (its title, else the file's name) and every entry (see
    sources.reading_list), notes files included."""
    folder = path.resolve().parent
    text = read_named_file(path, MAX_LIST_BYTES).decode("utf-8", "replace")
    return list_title(text) or path.name, parse_list(text, lambda target: linked_notes(folder, target),
                                                     org=is_org(text, path.name))


def read_folder(path: Path) -> tuple[str, list[Item]]:
    """A folder of notes, one paper a file (sources.note_folder): its name, and an entry for each
    Markdown file in it and in its subfolders (their names the topics), in name order. Hidden
    folders (.obsidian, .git) are left out, and a file that is a link out of the folder is not read."""
    from papernotes.sources.note_folder import note_item
    from papernotes.store.notefile import foreign_note

    top = path.resolve()
    items: list[Item] = []
    total = 0
    for folder, folders, files in walk(top):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        parts = Path(folder).relative_to(top).parts
        if len(parts) >= MAX_FOLDER_DEPTH and folders:
            common.warn(f"{path / Path(*parts)}: its folders are not read, {MAX_FOLDER_DEPTH} levels below {path}")
        topic = "/".join(slug(part) for part in parts[:MAX_TOPIC_DEPTH]) or None
        for name in sorted(name for name in files if name.endswith(".md") and not name.startswith(".")):
            if len(items) >= MAX_FOLDER_NOTES:
                raise PapernotesError(f"{path}: more than {MAX_FOLDER_NOTES:,} notes; migrate its folders one at a time")
            file = Path(folder) / name
            rel = file.relative_to(top).as_posix()
            try:
                if not is_inside(top, file):
                    raise UnreadableFile(OUTSIDE_FOLDER)
                data = read_regular_file(file, MAX_NOTE_FILE)[0]
                total += len(data)
                if total > MAX_LIST_BYTES:
                    raise PapernotesError(f"{path}: more than {MAX_LIST_BYTES // (1024 * 1024)} MiB of notes; "
                                          "migrate its folders one at a time")
            except UnreadableFile as exc:
                items.append(Item(1, "", rel, topic, source=rel, skip=str(exc)))
                continue
            meta, body = foreign_note(data.decode("utf-8", "replace"), rel)
            items.append(note_item(meta, body, rel, topic))
    if not items:
        raise PapernotesError(f"{path}: a folder with no notes in it (Markdown files, *.md)")
    return top.name.lstrip("_") or top.name, items


def where(source: Path, item: Item) -> str:
    """Where an entry is, as messages name it: a list's line, or a file of a folder."""
    return f"{source / item.source}" if item.source is not None else f"{source}:{item.line}"


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("readme", metavar="README.md", help="the reading list to bring in, or a folder of notes, one paper a file")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; contact nobody, write nothing")
    common.priority_option(ap, bulk=True)
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.migrating import by_hand, priority_of

    source = Path(args.readme)
    library = common.open_library(args)
    # The library's own notes, or its README's index of them, are nothing to bring in: each note
    # would get a section of itself.
    own_notes, where_from = library.papers_dir.resolve(), source.resolve()
    if (source.is_dir() and (own_notes.is_relative_to(where_from) or where_from.is_relative_to(own_notes))) \
            or where_from == (library.root / "README.md").resolve():
        raise PapernotesError(f"{source}: holds this library's own notes; migrate brings in notes and lists written elsewhere")
    list_name, items = read_folder(source) if source.is_dir() else read_list(source)
    papers = [i for i in items if not i.skip]
    kinds = Counter("arXiv" if isinstance(i.ident, ArxivId) else "Semantic Scholar" if i.ident else "by hand"
                    for i in papers)
    for item in items:
        if item.skip:
            continue
        if item.ident is None and by_hand(item) is None:
            item.skip = "not a paper: no arXiv ID, DOI or paper link, and no citation (title, authors, year) to write it from"
            kinds["by hand"] -= 1
    skipped = [i for i in items if i.skip]
    if args.dry_run:
        notes, problems = library.load()
        catalog = library.catalog(notes, problems)
        for item in items:
            how = (f"skip ({item.skip})" if item.skip else f"arXiv {item.ident.canonical}" if isinstance(item.ident, ArxivId)
                   else f"Semantic Scholar {item.ident.s2_id}" if item.ident else "by hand")
            existing = None if item.skip else catalog.by_arxiv.get(item.ident.canonical) if isinstance(item.ident, ArxivId) \
                else catalog.by_doi.get(item.ident.s2_id[4:].lower()) if item.ident and item.ident.s2_id.startswith("DOI:") else None
            if existing:
                how += f" (exists: {library.rel(library.note_path(existing))})"
            extra = f" · notes: {len(item.notes.splitlines()) + len(item.subitems)} lines" if item.notes or item.subitems else ""
            marks = (" · read" if item.read else "") + (f" · priority {priority_of(item)}" if item.stars else "") + \
                (f" · code {item.code}" if item.code else "") + \
                (f" · also on line {', '.join(map(str, item.also))}" if item.also else "")
            print(f"{where(source, item)}: {how} · topic {item.topic} · tags {', '.join(item.tags) or '-'}{marks}{extra}")
    else:
        for item in skipped:  # said every time: a user should know what a list lost
            common.warn(f"{where(source, item)}: skipped, {item.skip}: {item.text[:80]}")
    if args.dry_run:
        # The plan: an entry "by hand" is looked up by its title on Semantic Scholar first, when run.
        print(f"{source}: {counted_items(items)}: {kinds['arXiv']} from arXiv, {kinds['Semantic Scholar']} from Semantic "
              f"Scholar, {kinds['by hand']} by hand, {len(skipped)} skipped", file=sys.stderr)
        return 0
    outcome = add_items(list_name, [i for i in items if not i.skip], args, library)
    print(f"{source}: {counted_items(items)}: {outcome.summary()}, {len(skipped)} skipped", file=sys.stderr)
    return 1 if outcome.failures else 0


def counted_items(items: list[Item]) -> str:
    """`139 items, 16 of them a paper named above`: the list's entries, and how many were one paper again."""
    again = sum(len(item.also) for item in items)
    return f"{len(items) + again} items" + (f", {again} of them a paper named above" if again else "")


@dataclass
class Outcome:
    """What a migration did, entry by entry: how each added paper was found, and the rest."""

    added: Counter[str] = field(default_factory=Counter)  # by source: arXiv, Semantic Scholar, by hand
    other: Counter[str] = field(default_factory=Counter)  # updated, exists, not found, failed
    failures: int = 0
    later: int = 0  # citations left for the next run (MAX_TITLE_LOOKUPS)

    def count(self, added: Added, origins: list[str]) -> None:
        """The outcomes add_candidates returned, with how each candidate was found."""
        from papernotes.services.adding import ADDED

        for index, (outcome, origin) in enumerate(zip(added.outcomes, origins, strict=True)):
            if outcome == ADDED:
                self.added["by hand" if index in added.from_the_list else origin] += 1
            else:
                self.other[outcome] += 1
        self.failures += added.failures

    def summary(self) -> str:
        from papernotes.services.adding import EXISTS, FAILED, NOT_FOUND, UPDATED

        later = f", {self.later} left for the next run" if self.later else ""
        return (f"{self.added['arXiv']} added from arXiv, {self.added['Semantic Scholar']} from Semantic Scholar, "
                f"{self.added['by hand']} by hand, {self.other[UPDATED]} already there and updated, "
                f"{self.other[EXISTS]} already there, {self.other[NOT_FOUND] + self.other[FAILED]} failed{later}")


def add_items(list_name: str, items: list[Item], args: argparse.Namespace, library: Library) -> Outcome:
    """Every entry through add_candidates: the entries with an identifier in one go (arXiv is asked
    once for all of them), then the citations in chunks, looked up by title as they come."""
    from papernotes.services.adding import Candidate, add_candidates, new_note_fields, resolve
    from papernotes.services.migrating import (
        MAX_TITLE_LOOKUPS,
        TITLE_CHUNK,
        TitleLookups,
        additions,
        by_hand,
        by_title,
        from_the_list,
        item_fields,
    )

    library, catalog = common.library_for_adding(args, library)
    mine = new_note_fields(None, [], TO_READ, args.today, args.priority)
    mine["found_via"] = (f"{IMPORT_PREFIX}{Path(args.readme).name}",)
    outcome = Outcome()

    def add(chosen: list[Item], candidates: list[Candidate], origins: list[str]) -> None:
        # A paper the library has gets what the list adds, through the patcher.
        candidates = [replace(c, on_existing=additions(list_name, item), key=item.paper.key if item.paper else None)
                      for c, item in zip(candidates, chosen, strict=True)]
        outcome.count(add_candidates(library, catalog, candidates, mine, None, report=common.REPORT), origins)

    named = [i for i in items if i.ident is not None]
    resolved = resolve(library, [i.ident for i in named if i.ident is not None], warn=common.warn)
    candidates, origins, chosen = [], [], []
    # A link Semantic Scholar did not know (a venue's page, a DOI it lacks) whose words cite a paper:
    # looked up by its title with the citations below, else written from the citation.
    by_citation: list[Item] = []
    for item, found in zip(named, resolved, strict=True):
        if found.problem and by_hand(item) is not None:
            by_citation.append(item)
            continue
        candidates.append(Candidate(found.label, arxiv=found.arxiv, paper=found.paper, problem=found.problem,
                                    fields=item_fields(list_name, item, args.readme),
                                    fallback=from_the_list(item, found.arxiv) if found.arxiv else None))
        origins.append("arXiv" if found.arxiv else "Semantic Scholar")
        chosen.append(item)
    add(chosen, candidates, origins)

    cited_items = sorted(by_citation + [i for i in items if i.ident is None], key=lambda i: i.line)
    lookups = TitleLookups(library, common.warn)
    for start in range(0, len(cited_items), TITLE_CHUNK):
        if lookups.asked >= MAX_TITLE_LOOKUPS and not lookups.failed:
            outcome.later = len(cited_items) - start
            common.warn(f"{outcome.later} citations without a link are left for the next run (at most "
                        f"{MAX_TITLE_LOOKUPS} are looked up on Semantic Scholar a run); run migrate again to add them")
            break
        chunk = cited_items[start : start + TITLE_CHUNK]
        pairs = [by_title(item, item_fields(list_name, item, args.readme), lookups) for item in chunk]
        add(chunk, [c for c, _ in pairs], [o for _, o in pairs])
    return outcome
