"""A reading list's entries as papers to add: each entry's section of its note, its fields (topic,
tags, status, priority, code, where it came from), what changes in a paper the library has, and
the entries named only by a citation, looked up by title on Semantic Scholar a bounded number a run.
`papernotes migrate` (commands/migrate.py) reads the list and reports."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from papernotes.errors import PapernotesError
from papernotes.model.ids import code_link
from papernotes.model.links import headings_below
from papernotes.model.paper import Paper
from papernotes.model.reading import IMPORT_PREFIX
from papernotes.model.statuses import READ, UNFINISHED
from papernotes.present.markdown import md
from papernotes.services.adding import Candidate, semantic_scholar
from papernotes.sources.reading_list import Item, citation_of
from papernotes.sources.s2 import SemanticScholar, arxiv_of, paper_from_s2, published_as
from papernotes.store.library import Library
from papernotes.store.notefile import APPEND_TO_BODY


def section(list_name: str, item: Item) -> str:
    """What the list says about a paper, as a section of its note headed with the list's name. The
    list's words are text, escaped as text (a list from the web may hold markup or links to
    scripts); a notes file it links to is the list owner's own Markdown, kept as it is, its
    headings nested under the section's (its `# Title` a `### Title`)."""
    notes = headings_below(item.notes.strip(), 2)
    if item.source is not None:  # a file of a folder of notes: all of it is notes
        return f"## From {md(list_name)}\n" + (f"\n{notes}\n" if notes else "")
    said = [md(item.text), *(f"- {md(words)}" for words in item.subitems)]
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
    """A paper from the entry's own citation (see sources.citation), or as its file describes it (a
    folder of notes), or None when its words cite none."""
    if item.paper is not None:
        return item.paper
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


MAX_TITLE_LOOKUPS = 100  # citations without a link looked up on Semantic Scholar in one run (a second or more each)
TITLE_CHUNK = 20  # written as they come: Ctrl-C keeps what was looked up


@dataclass
class TitleLookups:
    """Semantic Scholar, asked for cited titles until it fails once (then every citation is written
    by hand, with one warning, rather than a wait per entry), at most MAX_TITLE_LOOKUPS a run."""

    library: Library
    warn: Callable[[str], None]
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
            self.warn(f"{exc}; the citations without a link are written by hand")
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


def item_fields(list_name: str, item: Item, list_file: str) -> tuple[tuple[str, object], ...]:
    """The fields a list entry gives its new note: its topic, tags, status, priority, code and body."""
    fields: tuple[tuple[str, object], ...] = (("topic", item.topic), ("tags", tuple(item.tags)),
                                              ("body", "\n" + section(list_name, item)))
    if item.read:
        fields += (("status", READ),)
        if item.paper is not None and item.paper.finished:  # a folder of notes: the note's own date
            fields += (("finished", item.paper.finished),)
    if item.stars:
        fields += (("priority", priority_of(item)),)
    if code := code_link(item.code):
        fields += (("code", code),)
    origin = f"{Path(list_file).resolve().name}/{item.source}" if item.source is not None else f"{Path(list_file).name}:{item.line}"
    return fields + (("found_via", (f"{IMPORT_PREFIX}{origin}",)),)
