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
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, read_named_file, read_regular_file
from papernotes.model.ids import ArxivId, code_link
from papernotes.model.paper import Paper
from papernotes.model.reading import IMPORT_PREFIX
from papernotes.model.statuses import READ, TO_READ, UNFINISHED
from papernotes.present.markdown import md
from papernotes.services.adding import (
    ADDED,
    EXISTS,
    FAILED,
    NOT_FOUND,
    UPDATED,
    Added,
    Candidate,
    add_candidates,
    new_note_fields,
    resolve,
    semantic_scholar,
)
from papernotes.sources.reading_list import Item, citation_of, is_org, list_title, parse_list
from papernotes.sources.s2 import SemanticScholar, arxiv_of, paper_from_s2, published_as
from papernotes.store.library import Library
from papernotes.store.notefile import APPEND_TO_BODY

MAX_NOTE_FILE = 1024 * 1024
MAX_LIST_BYTES = 16 * 1024 * 1024  # the largest awesome-lists are under 1 MB


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


def section(list_name: str, item: Item) -> str:
    """What the list says about a paper, as a section of its note headed with the list's name. The
    list's words are text, escaped as text (a list from the web may hold markup or links to
    scripts); a notes file it links to is the list owner's own Markdown, kept as it is."""
    said = [md(item.text), *(f"- {md(words)}" for words in item.subitems)]
    notes = item.notes.strip()
    return f"## From {md(list_name)}\n\n{said[0]}\n" + "".join(f"\n{line}" for line in said[1:]) + \
        ("\n" if len(said) > 1 else "") + (f"\n{notes}\n" if notes else "")


def additions(list_name: str, item: Item) -> Callable[[Paper], dict[str, object]]:
    """For a paper the library has: the list's section appended once (never again on a second
    migration), and tags and a code link it lacks; nothing it has is overwritten."""
    def change(paper: Paper) -> dict[str, object]:
        changes: dict[str, object] = {}
        known = {tag.casefold() for tag in paper.tags}
        new_tags = [tag for tag in item.tags if tag.casefold() not in known]
        if new_tags:
            changes["tags"] = [*paper.tags, *new_tags]
        if (code := code_link(item.code)) and not paper.code:
            changes["code"] = code
        if item.read and paper.status in UNFINISHED:
            changes["status"] = READ  # ticked in the list: read (a status further along is never undone)
        if f"## From {md(list_name)}\n" not in paper.body:
            changes[APPEND_TO_BODY] = section(list_name, item)
        return changes
    return change


def by_hand(item: Item) -> Paper | None:
    """A paper from the entry's own citation (see sources.citation), or None when its words cite none."""
    cited = citation_of(item)
    if cited is None:
        return None
    url = item.link if item.link and item.link.startswith("http") else None
    return Paper(key="", title=cited.title, authors=cited.authors, year=cited.year, venue=cited.venue, url=url)


_LABELS = frozenset({"paper", "pdf", "arxiv", "link", "html", "abs", "code", "here", "url"})


def from_the_list(item: Item, arxiv: str) -> Paper:
    """An arXiv paper as the list names it, for when arXiv cannot be asked: its citation, else the
    words of its link (not a label like [pdf]), else its own words; with its ID, for `refresh`."""
    cited = by_hand(item)
    if cited is not None:
        return cited.replace(arxiv=arxiv, url=None)
    words = item.link_text if item.link_text and item.link_text.strip(" []").lower() not in _LABELS else item.text
    title = " ".join(words.split()[:40]) if words and words.strip() else f"arXiv:{arxiv}"
    return Paper(key="", title=title, arxiv=arxiv)


def priority_of(item: Item) -> int:
    """A roadmap's stars as a priority: five stars read first (1), four next (2), fewer last (3)."""
    return 1 if item.stars >= 5 else 2 if item.stars == 4 else 3


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("readme", metavar="README.md", help="the reading list to bring in")
    ap.add_argument("--dry-run", action="store_true", help="print the plan; contact nobody, write nothing")
    common.priority_option(ap, bulk=True)
    return ap


def run(args: argparse.Namespace) -> int:
    source = Path(args.readme)
    list_name, items = read_list(source)
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
        library = Library(args.root)
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
            print(f"{source}:{item.line}: {how} · topic {item.topic} · tags {', '.join(item.tags) or '-'}{marks}{extra}")
    else:
        for item in skipped:  # said every time: a user should know what a list lost
            common.warn(f"{source}:{item.line}: skipped, {item.skip}: {item.text[:80]}")
    if args.dry_run:
        # The plan: an entry "by hand" is looked up by its title on Semantic Scholar first, when run.
        print(f"{source}: {counted_items(items)}: {kinds['arXiv']} from arXiv, {kinds['Semantic Scholar']} from Semantic "
              f"Scholar, {kinds['by hand']} by hand, {len(skipped)} skipped", file=sys.stderr)
        return 0
    outcome = add_items(Library(args.root), list_name, [i for i in items if not i.skip], args)
    print(f"{source}: {counted_items(items)}: {outcome.summary()}, {len(skipped)} skipped", file=sys.stderr)
    return 1 if outcome.failures else 0


def counted_items(items: list[Item]) -> str:
    """`139 items, 16 of them a paper named above`: the list's entries, and how many were one paper again."""
    again = sum(len(item.also) for item in items)
    return f"{len(items) + again} items" + (f", {again} of them a paper named above" if again else "")


MAX_TITLE_LOOKUPS = 100  # citations without a link looked up on Semantic Scholar in one run (a second or more each)
TITLE_CHUNK = 20  # written as they come: Ctrl-C keeps what was looked up


@dataclass
class TitleLookups:
    """Semantic Scholar, asked for cited titles until it fails once (then every citation is written
    by hand, with one warning, rather than a wait per entry), at most MAX_TITLE_LOOKUPS a run."""

    library: Library
    client: SemanticScholar | None = None
    failed: bool = False
    asked: int = 0

    def match(self, title: str) -> dict[str, object] | None:
        if self.failed:
            return None
        self.client = self.client or semantic_scholar(self.library)
        self.asked += 1
        try:
            return self.client.match(title)
        except PapernotesError as exc:
            self.failed = True
            common.warn(f"{exc}; the citations without a link are written by hand")
            return None


def by_title(item: Item, fields: tuple[tuple[str, object], ...], lookups: TitleLookups) -> tuple[Candidate, str]:
    """An entry without an identifier: its cited title looked up on Semantic Scholar (taken from
    arXiv when it is there), else the paper written by hand from the citation."""
    cited = by_hand(item)
    assert cited is not None  # entries with neither were skipped
    data = lookups.match(cited.title)
    if data is not None and same_title(str(data.get("title") or ""), cited.title):
        if arxiv_id := arxiv_of(data):
            return Candidate(cited.title[:60], arxiv=arxiv_id, fill=published_as(data), fields=fields), "arXiv"
        if (paper := paper_from_s2(data)) is not None:
            return Candidate(cited.title[:60], paper=paper, fields=fields), "Semantic Scholar"
    return Candidate(item.text[:60], paper=cited, fields=fields), "by hand"


def same_title(found: str, cited: str) -> bool:
    """Semantic Scholar's best match is the cited paper only if the titles agree, word for word but
    for case and punctuation: a near miss is another paper."""
    def words(title: str) -> list[str]:
        return re.findall(r"\w+", title.casefold())
    return bool(words(cited)) and words(found) == words(cited)


@dataclass
class Outcome:
    """What a migration did, entry by entry: how each added paper was found, and the rest."""

    added: Counter[str] = field(default_factory=Counter)  # by source: arXiv, Semantic Scholar, by hand
    other: Counter[str] = field(default_factory=Counter)  # updated, exists, not found, failed
    failures: int = 0
    later: int = 0  # citations left for the next run (MAX_TITLE_LOOKUPS)

    def count(self, added: Added, origins: list[str]) -> None:
        """The outcomes add_candidates returned, with how each candidate was found."""
        for outcome, origin in zip(added.outcomes, origins, strict=True):
            if outcome == ADDED:
                self.added[origin] += 1
            else:
                self.other[outcome] += 1
        self.failures += added.failures

    def summary(self) -> str:
        later = f", {self.later} left for the next run" if self.later else ""
        return (f"{self.added['arXiv']} added from arXiv, {self.added['Semantic Scholar']} from Semantic Scholar, "
                f"{self.added['by hand']} by hand, {self.other[UPDATED]} already there and updated, "
                f"{self.other[EXISTS]} already there, {self.other[NOT_FOUND] + self.other[FAILED]} failed{later}")


def add_items(library: Library, list_name: str, items: list[Item], args: argparse.Namespace) -> Outcome:
    """Every entry through add_candidates: the entries with an identifier in one go (arXiv is asked
    once for all of them), then the citations in chunks, looked up by title as they come."""
    _, catalog = common.library_for_adding(library.root)
    mine = new_note_fields(None, [], TO_READ, args.today, args.priority)
    mine["found_via"] = (f"{IMPORT_PREFIX}{Path(args.readme).name}",)
    outcome = Outcome()

    def add(chosen: list[Item], candidates: list[Candidate], origins: list[str]) -> None:
        # A paper the library has gets what the list adds, through the patcher.
        candidates = [replace(c, on_existing=additions(list_name, item)) for c, item in zip(candidates, chosen, strict=True)]
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
                                    fields=item_fields(list_name, item, args),
                                    fallback=from_the_list(item, found.arxiv) if found.arxiv else None))
        origins.append("arXiv" if found.arxiv else "Semantic Scholar")
        chosen.append(item)
    add(chosen, candidates, origins)

    cited_items = sorted(by_citation + [i for i in items if i.ident is None], key=lambda i: i.line)
    lookups = TitleLookups(library)
    for start in range(0, len(cited_items), TITLE_CHUNK):
        if lookups.asked >= MAX_TITLE_LOOKUPS and not lookups.failed:
            outcome.later = len(cited_items) - start
            common.warn(f"{outcome.later} citations without a link are left for the next run (at most "
                        f"{MAX_TITLE_LOOKUPS} are looked up on Semantic Scholar a run); run migrate again to add them")
            break
        chunk = cited_items[start : start + TITLE_CHUNK]
        pairs = [by_title(item, item_fields(list_name, item, args), lookups) for item in chunk]
        add(chunk, [c for c, _ in pairs], [o for _, o in pairs])
    return outcome


def item_fields(list_name: str, item: Item, args: argparse.Namespace) -> tuple[tuple[str, object], ...]:
    """The fields a list entry gives its new note: its topic, tags, status, priority, code and body."""
    fields: tuple[tuple[str, object], ...] = (("topic", item.topic), ("tags", tuple(item.tags)),
                                              ("body", "\n" + section(list_name, item)))
    if item.read:
        fields += (("status", READ),)
    if item.stars:
        fields += (("priority", priority_of(item)),)
    if code := code_link(item.code):
        fields += (("code", code),)
    return fields + (("found_via", (f"{IMPORT_PREFIX}{Path(args.readme).name}:{item.line}",)),)
