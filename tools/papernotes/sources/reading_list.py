"""Reading lists as people keep them, read into items: an awesome list, a roadmap of numbered
citations with stars, a table, a checklist of bare links, a personal README with notes files.

Items are list items (bulleted, numbered, task-list `- [ ]`/`- [x]`), table rows, and paragraphs
that are numbered citations (`**[12]** Author. "Title." Venue 2015. [[pdf]](link) ★★★`). Headings
give topics (nested headings, nested topics; a lone `#` title is the list's name, not a topic). A
table of contents is not items. An indented sub-item without a paper of its own is its parent's note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from papernotes.model.ids import ArxivId, InvalidPaperId, OtherId, find_references, parse_paper_id

# A notes file an entry links to ([Notes](2018/1810.04805.md)), read by the caller: its text, or None.
NotesReader = Callable[[str], str | None]

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:\d+[.)]|[-*+])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<text>.+)$")
_CITATION_PARAGRAPH = re.compile(r"^\*\*\[\d+\]\*\*\s*(?P<text>.+)$")
_TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.+)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_BOX_CELL = re.compile(r"^\[(?P<box>[ xX])\]$")
# Every repeat is bounded, so that a line of "[x](" or "[[" costs linear time (an unbounded one would
# scan to the line's end from each bracket).
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]{0,500}\]){0,1000})\]\(([^)\s]{1,2048})\)")
_BARE_URL = re.compile(r"(?<![(<\w])https?://[^\s)<>\]]+")
_DOI_TEXT = re.compile(r"(?<![\w/])doi:\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)
_HASHTAG = re.compile(r"\[\\?#([\w\-]{1,100})\]\([^)]{0,2048}\)|(?<![\w/&#])#([A-Za-z][\w\-]{0,99})")
_STARS = re.compile(r":star:|★|⭐")
_CODE_LABEL = re.compile(r"^\W*(?:code|repo|github|implementation|official code)\W*$", re.IGNORECASE)
_CODE_HOST = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com)/[^/\s]+/[^/\s#?]+", re.IGNORECASE)
MAX_CITATION_LINES = 20  # lines a wrapped citation may take
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s+")


@dataclass
class Item:
    """One entry of a reading list and what it says about its paper."""

    line: int
    raw: str  # the entry as written
    text: str  # its own words: links reduced to their text, marks and tags left out
    topic: str | None
    tags: list[str] = field(default_factory=list)
    ident: ArxivId | OtherId | None = None
    link: str | None = None  # the first link that is not code or a notes file
    code: str | None = None
    read: bool | None = None  # a ticked (True) or open (False) checkbox
    stars: int = 0
    notes: str = ""  # a notes file the entry links to (the list owner's own Markdown)
    subitems: list[str] = field(default_factory=list)  # the words of its indented sub-items
    skip: str | None = None  # why it is not a paper


def slug(heading: str) -> str:
    words = re.sub(r"[^\w\s-]", "", _NUMBERING.sub("", heading).lower()).split()
    return "-".join(words) or "topic"


def list_title(text: str) -> str | None:
    """The list's name: its first '# Title'."""
    titles = [m.group(2) for line in text.splitlines() if (m := _HEADING.match(line)) and len(m.group(1)) == 1]
    return " ".join(_LINK.sub(lambda m: m.group(1), titles[0]).split()) if titles else None


MAX_LINE = 20_000  # characters of a line that are read: no entry of a real list is longer


def parse_list(text: str, read_notes: NotesReader | None = None) -> list[Item]:
    """Every entry of a reading list, in the list's order."""
    lines = [line[:MAX_LINE] for line in text.splitlines()]
    titles = sum(1 for line in lines if re.match(r"^#\s", line))
    top = 1 if titles > 1 else 2  # one '# Title' names the list; several are its sections
    headings: list[str] = []
    items: list[Item] = []
    parent: tuple[Item, int] | None = None  # the last list item and its indent, for sub-items
    for number, line in enumerate(lines, 1):
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading.group(1)) - top
            if depth >= 0:
                headings = headings[:depth] + [slug(heading.group(2))]
            parent = None
            continue
        topic = "/".join(headings) or None
        listed = _ITEM.match(line)
        if listed:
            indent = len(listed.group("indent").expandtabs(4))
            item = _item(number, listed.group("text"), topic, read_notes)
            if listed.group("box"):
                item.read = listed.group("box") in "xX"
            if parent is not None and indent > parent[1] and (item.skip or item.ident is None):
                if item.skip != "a table of contents entry":
                    parent[0].subitems.append(item.text)
                continue
            if item.skip != "a table of contents entry":
                items.append(item)
            parent = (item, indent)
            continue
        if line.strip() and not line.startswith((" ", "\t")):
            parent = None
        cited = _CITATION_PARAGRAPH.match(line)
        if cited:
            # A citation may wrap: the paragraph's next lines belong to it.
            words = [cited.group("text")]
            for index in range(number, min(len(lines), number + MAX_CITATION_LINES)):
                following = lines[index]
                if not following.strip() or _HEADING.match(following) or _ITEM.match(following) \
                        or _CITATION_PARAGRAPH.match(following) or _TABLE_ROW.match(following):
                    break
                words.append(following.strip())
            items.append(_item(number, " ".join(words), topic, read_notes))
            continue
        row = _TABLE_ROW.match(line)
        if row and not _TABLE_RULE.match(line):
            following = lines[number] if number < len(lines) else ""
            if _TABLE_RULE.match(following):
                continue  # the row above a rule names the columns
            cells = [cell.strip() for cell in row.group("cells").split("|")]
            boxes = [m.group("box") for cell in cells if (m := _BOX_CELL.match(cell))]
            row_words = " · ".join(cell for cell in cells if cell and not _BOX_CELL.match(cell))
            item = _item(number, row_words, topic, read_notes)
            if boxes:
                item.read = boxes[0] in "xX"
            if item.skip != "a table of contents entry":
                items.append(item)
    return items


def _item(number: int, raw: str, topic: str | None, read_notes: NotesReader | None) -> Item:
    links = _LINK.findall(raw)
    if links and all(target.startswith("#") for _, target in links) and not _LINK.sub("", raw).strip(" -·,|"):
        return Item(number, raw, "", topic, skip="a table of contents entry")
    item = Item(number, raw, _own_words(raw), topic)
    item.tags = list(dict.fromkeys(a or b for a, b in _HASHTAG.findall(raw)))
    item.stars = len(_STARS.findall(raw))
    targets = [(label, target) for label, target in links] + [("", url) for url in _BARE_URL.findall(_LINK.sub("", raw))]
    for label, target in targets:
        if target.startswith("#"):
            continue
        if target.endswith(".md") and not re.match(r"https?://", target):
            if read_notes is not None:
                item.notes = read_notes(target) or item.notes
            continue
        if _CODE_LABEL.match(label.strip("[]")) or _CODE_HOST.match(target):
            item.code = item.code or target
            continue
        item.link = item.link or target
    found = [f.arxiv_id for f in find_references(raw) if f.arxiv_id is not None]
    if found:
        item.ident = ArxivId(found[0].canonical)
    else:
        for _, target in targets:
            try:
                parsed = parse_paper_id(target)
            except InvalidPaperId:
                continue
            item.ident = ArxivId(parsed.canonical) if isinstance(parsed, ArxivId) else parsed
            break
        doi = _DOI_TEXT.search(raw)
        if item.ident is None and doi:
            try:
                item.ident = parse_paper_id(doi.group(1).rstrip(".,;"))  # type: ignore[assignment]
            except InvalidPaperId:
                pass
    if item.ident is None and item.link is None and not item.text:
        item.skip = "no words and no link"
    return item


def _own_words(raw: str) -> str:
    """The entry's words: links reduced to their text; link groups like [[pdf]](...), links to code,
    bare addresses, hashtags, stars and emphasis markers left out."""
    own = _HASHTAG.sub("", raw)
    own = re.sub(r"\[\[[^\]]{0,500}\]\([^)]{0,2048}\)\]", "", own)  # [[Paper](...)] link groups
    own = re.sub(r"\[\[[^\]]{0,500}\]\]\([^)]{0,2048}\)", "", own)  # [[pdf]](...) links
    # A link keeps its words, but a link to code keeps none ([code](https://github.com/...)), and a
    # bare address says nothing a reader needs twice (the note has the paper's link).
    own = _LINK.sub(lambda m: "" if _CODE_LABEL.match(m.group(1).strip("[]")) or _CODE_HOST.match(m.group(2))
                    else m.group(1), own)
    own = _BARE_URL.sub("", own)
    own = _STARS.sub("", own).replace("**", "")
    return " ".join(own.split()).strip(" -·,|")
