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
from papernotes.sources.reading_list import Item, list_title, parse_list
from papernotes.sources.s2 import SemanticScholar, arxiv_of, paper_from_s2, published_as
from papernotes.store.library import Library
from papernotes.store.notefile import APPEND_TO_BODY

_CITATION = re.compile(r"^(?P<title>.+?),\s+(?P<authors>[^,]+?(?:\s+et al\.?)?),\s+(?P<year>(?:19|20)\d\d)\b")
_QUOTED_TITLE = re.compile(r'"(?P<title>[^"]{8,}?)[.,]?"')
_BOLD_TITLE = re.compile(r"^(?P<title>[^()]{8,}?)\s*\((?P<year>(?:19|20)\d\d)\)\s*,\s*(?P<authors>[^\[]+?)\s*$")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
MAX_CITATION = 1000  # characters: a citation is a line or two
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
    return list_title(text) or path.name, parse_list(text, lambda target: linked_notes(folder, target))


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
        if f"## From {md(list_name)}\n" not in paper.body:
            changes[APPEND_TO_BODY] = section(list_name, item)
        return changes
    return change


_INITIALS = re.compile(r"^(?:[A-Z]\.[\s-]*)*[A-Z]\.?$")


def cited_authors(text: str) -> tuple[str, ...]:
    """Authors as citations write them: "Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville",
    "Dai, J., He, K., Sun, J.", "W. Xiong, J. Droppo", "He, Kaiming, et al."; as "Given Family"."""
    text = re.sub(r",?\s+et al\.?\s*$", "", text.strip(" ,"))
    # A sentence's full stop goes ("Courville."), an initial's stays ("Geoffrey E.").
    parts = [re.sub(r"(?<=\w\w)\.$", "", part.strip()) for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", text)
             if part.strip(" .")]
    if len(parts) >= 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
        pairs = zip(parts[::2], parts[1::2], strict=True)
        return tuple(f"{given if given.endswith('.') else given + '.'} {family}" for family, given in pairs)[:20]
    if len(parts) >= 2 and " " not in parts[0]:
        parts = [f"{parts[1]} {parts[0]}", *parts[2:]]  # "Family, Given" first, the rest as written
    return tuple(parts[:20])


def by_hand(item: Item) -> Paper | None:
    """A paper from the entry's own citation, in the forms lists write them: "Title, Author et al.,
    2020"; Author, A. et al. "Title." Venue (2015); **Title** (2015), A. Author et al."""
    url = item.link if item.link and item.link.startswith("http") else None
    if len(item.text) > MAX_CITATION:
        return None  # a paragraph, not a citation (and the patterns below stay quick)
    cited = _CITATION.match(item.text)
    if cited:
        names = re.split(r"\s+and\s+", re.sub(r"\s+et al\.?$", "", cited.group("authors")))
        return Paper(key="", title=cited.group("title").strip(), authors=tuple(n.strip() for n in names if n.strip()),
                     year=int(cited.group("year")), url=url)
    quoted = _QUOTED_TITLE.search(item.text)
    if quoted:
        year = _YEAR.findall(item.text[quoted.end():])
        return Paper(key="", title=quoted.group("title").strip(), authors=cited_authors(item.text[: quoted.start()]),
                     year=int(year[-1]) if year else None, url=url)
    bold = _BOLD_TITLE.match(item.text)
    if bold:
        names = [n.strip() for n in re.split(r",\s*|\s+and\s+", re.sub(r"\s+et al\.?$", "", bold.group("authors"))) if n.strip()]
        return Paper(key="", title=bold.group("title").strip(), authors=tuple(names), year=int(bold.group("year")), url=url)
    return None


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
        for item in items:
            how = (f"skip ({item.skip})" if item.skip else f"arXiv {item.ident.canonical}" if isinstance(item.ident, ArxivId)
                   else f"Semantic Scholar {item.ident.s2_id}" if item.ident else "by hand")
            extra = f" · notes: {len(item.notes.splitlines()) + len(item.subitems)} lines" if item.notes or item.subitems else ""
            marks = (" · read" if item.read else "") + (f" · priority {priority_of(item)}" if item.stars else "") + \
                (f" · code {item.code}" if item.code else "")
            print(f"{source}:{item.line}: {how} · topic {item.topic} · tags {', '.join(item.tags) or '-'}{marks}{extra}")
    else:
        for item in skipped:  # said every time: a user should know what a list lost
            common.warn(f"{source}:{item.line}: skipped, {item.skip}: {item.text[:80]}")
    if args.dry_run:
        # The plan: an entry "by hand" is looked up by its title on Semantic Scholar first, when run.
        print(f"{source}: {len(items)} items: {kinds['arXiv']} from arXiv, {kinds['Semantic Scholar']} from Semantic Scholar, "
              f"{kinds['by hand']} by hand, {len(skipped)} skipped", file=sys.stderr)
        return 0
    outcome = add_items(Library(args.root), list_name, [i for i in items if not i.skip], args)
    print(f"{source}: {len(items)} items: {outcome.summary()}, {len(skipped)} skipped", file=sys.stderr)
    return 1 if outcome.failures else 0


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
    mine = new_note_fields(None, [], "to-read", args.today, args.priority)
    mine["found_via"] = (f"{IMPORT_PREFIX}{Path(args.readme).name}",)
    outcome = Outcome()

    def add(chosen: list[Item], candidates: list[Candidate], origins: list[str]) -> None:
        # A paper the library has gets what the list adds, through the patcher.
        candidates = [replace(c, on_existing=additions(list_name, item)) for c, item in zip(candidates, chosen, strict=True)]
        outcome.count(add_candidates(library, catalog, candidates, mine, None, report=common.REPORT), origins)

    named = [i for i in items if i.ident is not None]
    resolved = resolve(library, [i.ident for i in named if i.ident is not None], warn=common.warn)
    candidates, origins = [], []
    for item, found in zip(named, resolved, strict=True):
        cited = by_hand(item) if found.problem else None
        if cited is not None:
            candidates.append(Candidate(item.text[:60], paper=cited, fields=item_fields(list_name, item, args)))
            origins.append("by hand")
        else:
            candidates.append(Candidate(found.label, arxiv=found.arxiv, paper=found.paper, problem=found.problem,
                                        fields=item_fields(list_name, item, args)))
            origins.append("arXiv" if found.arxiv else "Semantic Scholar")
    add(named, candidates, origins)

    cited_items = [i for i in items if i.ident is None]
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
        fields += (("status", "read"),)
    if item.stars:
        fields += (("priority", priority_of(item)),)
    if code := code_link(item.code):
        fields += (("code", code),)
    return fields + (("found_via", (f"{IMPORT_PREFIX}{Path(args.readme).name}:{item.line}",)),)
