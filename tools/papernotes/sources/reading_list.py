"""Reading lists as people keep them, read into items: an awesome list, a roadmap of numbered
citations with stars, a survey's tables, a newsletter's weekly tables, a checklist of bare links, a
personal README with notes files, a numbered bibliography with the authors on the next line, an
Org-mode reading list.

Items are list items (bulleted, numbered, task-list `- [ ]`/`- [x]`, their wrapped lines joined),
table rows (whatever follows the last `|`, a `[//]: #` comment, left out), paragraphs that are
numbered citations (`**[12]** Author. "Title." Venue 2015. [[pdf]](link) ★★★`), and Org headlines
with a TODO keyword (`* TODO`, `* NEXT`, `* DONE`). Headings give topics: nested headings nest,
sibling headings stay siblings whatever levels they skip, a heading's link or badge is not part of
its name, a catch-all heading (Unsorted, Misc, Other) is no topic, and a lone `#` title is the list's
name. A table of contents is not items. An indented sub-item without a paper of its own is its
parent's note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from papernotes.model.ids import ArxivId, InvalidPaperId, OtherId, find_references, parse_paper_id
from papernotes.model.paper import Paper
from papernotes.sources.citation import Citation, parse_citation

# A notes file an entry links to ([Notes](2018/1810.04805.md)), read by the caller: its text, or None.
NotesReader = Callable[[str], str | None]

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_ITEM = re.compile(r"^(?P<indent>\s*)(?:\d+[.)]|[-*+])\s+(?:\[(?P<box>[ xX])\]\s+)?(?P<text>.+)$")
_CITATION_PARAGRAPH = re.compile(r"^\*\*\[\d+\]\*\*\s*(?P<text>.+)$")
_TABLE_ROW = re.compile(r"^\s*\|(?P<cells>.*\|.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_MD_COMMENT = re.compile(r"\[//\]:\s*#.*$")  # `[//]: # (a comment)`, or a survey's `|[//]: #06/16`
_BOX_CELL = re.compile(r"^\[(?P<box>[ xX])\]$")
# Every repeat is bounded, so that a line of "[x](" or "[[" costs linear time (an unbounded one would
# scan to the line's end from each bracket).
_TARGET = r"(?:[^()\s]|\([^()\s]{0,100}\)){1,2048}"  # an address, with parentheses of its own: (2009).pdf
# As CommonMark reads a link: spaces may stand around its address (`[pdf](https://arxiv.org/pdf/1509.06461.pdf )`,
# in terryum's list), and a title in quotes may follow it.
_AROUND = r"[ \t]{0,16}"
_TITLE = r"""(?:[ \t]{1,16}(?:"[^"\n]{0,500}"|'[^'\n]{0,500}'))?"""
_DESTINATION = r"\(" + _AROUND + "(" + _TARGET + ")" + _TITLE + _AROUND + r"\)"  # the address its group
_LINK = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]{0,500}\]){0,1000})\]" + _DESTINATION)
_IMAGE = re.compile(r"!\[[^\[\]]{0,500}\]\(" + _AROUND + r"[^)\s]{0,2048}" + _TITLE + _AROUND + r"\)")
_HTML_TAG = re.compile(r"<br\s*/?>|<[^<>\n]{1,2000}>", re.IGNORECASE)
_BARE_URL = re.compile(r"(?<![(<\w])https?://[^\s)<>\]]+")
_DOI_TEXT = re.compile(r"(?<![\w/])doi:\s*(10\.\d{4,9}/\S+)", re.IGNORECASE)
_HASHTAG = re.compile(r"\[\\?#([\w\-]{1,100})\]\([^)]{0,2048}\)|(?<![\w/&#])#([A-Za-z][\w\-]{0,99})")
_STARS = re.compile(r":star:|★|⭐")
_CODE_LABEL = re.compile(r"^\W*(?:code|repo|github|implementation|official code)\W*$", re.IGNORECASE)
_CODE_HOST = re.compile(r"^https?://(?:www\.)?(?:github\.com|gitlab\.com)/[^/\s]+/[^/\s#?]+", re.IGNORECASE)
_NUMBERING = re.compile(r"^\d+(?:\.\d+)*\.?\s+")
MAX_CITATION_LINES = 20  # lines a wrapped citation may take
MAX_WRAPPED_LINES = 5  # lines a list item's link text may wrap onto
MAX_LINE = 20_000  # characters of a line that are read: no entry of a real list is longer
# Headings that file what has no topic: a list's "Unsorted" is the library's own (no topic).
CATCH_ALL = frozenset({"unsorted", "misc", "miscellaneous", "other", "others", "general", "uncategorized",
                       "uncategorised", "various", "todo", "inbox", "random"})


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
    link_text: str | None = None  # that link's words (a title, often)
    code: str | None = None
    read: bool | None = None  # a ticked (True) or open (False) checkbox, DONE or TODO
    stars: int = 0
    notes: str = ""  # a notes file the entry links to (the list owner's own Markdown)
    subitems: list[str] = field(default_factory=list)  # the words of its indented sub-items
    skip: str | None = None  # why it is not a paper
    also: list[int] = field(default_factory=list)  # lines where the list names the same paper again
    source: str | None = None  # in a folder of notes (sources.note_folder): the file it is, all of it notes
    paper: Paper | None = None  # the paper as that file's frontmatter describes it


def slug(heading: str) -> str:
    words = re.sub(r"[^\w\s-]", "", _NUMBERING.sub("", heading_words(heading)).lower()).split()
    return "-".join(words) or "topic"


def heading_words(heading: str) -> str:
    """A heading's own words: a link's text (not its address), no badges, images or HTML."""
    text = _IMAGE.sub("", heading)
    text = _LINK.sub(lambda m: m.group(1), text)
    return " ".join(_HTML_TAG.sub(" ", text).split())


def list_title(text: str) -> str | None:
    """The list's name: its first '# Title' (or an Org file's `#+TITLE:`)."""
    for line in text.splitlines():
        line = line[:MAX_LINE]
        org = re.match(r"^#\+TITLE:\s*(.+)$", line, re.IGNORECASE)
        if org:
            return " ".join(org.group(1).split())
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return heading_words(match.group(2)) or None
    return None


# -- Org mode ------------------------------------------------------------------------------------------------

_ORG_HEADLINE = re.compile(r"^(\*+)\s+(?:(TODO|NEXT|STARTED|WAITING|HOLD|DONE|READ|CANCELL?ED)\s+)?(.*?)(?:\s+(:[\w@:]+:))?\s*$")
_ORG_LINK = re.compile(r"\[\[([^\[\]]{1,2048})\](?:\[([^\[\]]{0,1000})\])?\]")
_ORG_SKIPPED = re.compile(r"^\s*(?:#\+|:[A-Z_]+:|CLOSED:|SCHEDULED:|DEADLINE:)", re.IGNORECASE)


def is_org(text: str, name: str = "") -> bool:
    return name.lower().endswith(".org") or bool(re.match(r"\s*#\+(?:TITLE|STARTUP|OPTIONS):", text, re.IGNORECASE))


def org_as_markdown(text: str) -> str:
    """An Org reading list in the Markdown shapes below: a headline with a TODO keyword is an item
    (DONE and READ ticked; its tags as hashtags; its body lines its sub-items), one without is a
    heading; `[[link][words]]` is `[words](link)`, and a citation `[[cite:key][words]]` its words."""
    def link(match: re.Match[str]) -> str:
        target, words = match.group(1), match.group(2)
        if re.match(r"(?:cite|citep|citet|parencite|textcite|ebib|zotero)[:&]", target, re.IGNORECASE):
            return words or target.split(":", 1)[1].lstrip("&")
        return f"[{words}]({target})" if words else target

    lines: list[str] = []
    in_item = False
    for line in text.splitlines():
        line = line[:MAX_LINE]
        headline = _ORG_HEADLINE.match(line) if line.startswith("*") else None
        if headline:
            stars, keyword, title, tags = headline.groups()
            title = _ORG_LINK.sub(link, title)
            if keyword:
                box = "x" if keyword in ("DONE", "READ") else " "
                labels = " ".join(f"#{t}" for t in (tags or "").strip(":").split(":") if t)
                lines.append(f"- [{box}] {title}" + (f" {labels}" if labels else ""))
                in_item = True
            else:
                lines.append(f"{'#' * min(len(stars) + 1, 6)} {title}")
                in_item = False
            continue
        if in_item and line.strip() and not _ORG_SKIPPED.match(line) and not line.strip().startswith(":"):
            lines.append(f"    - {_ORG_LINK.sub(link, line.strip())}")
        else:
            lines.append("")  # one line for each: the list's line numbers stay the file's
    return "\n".join(lines)


# -- Markdown --------------------------------------------------------------------------------------------------


def parse_list(text: str, read_notes: NotesReader | None = None, org: bool = False) -> list[Item]:
    """Every entry of a reading list, in the list's order; the same paper named twice is one item,
    ticked if either ticks it (`also` says where else)."""
    if org:
        text = org_as_markdown(text)
    lines = [line[:MAX_LINE] for line in text.splitlines()]
    titles = sum(1 for line in lines if re.match(r"^#\s", line))
    top = 1 if titles > 1 else 2  # one '# Title' names the list; several are its sections
    headings: list[tuple[int, str | None]] = []  # (level, slug); None for a catch-all heading
    items: list[Item] = []
    parent: tuple[Item, int] | None = None  # the last list item and its indent, for sub-items
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            if level >= top:
                while headings and headings[-1][0] >= level:
                    headings.pop()
                name = slug(heading.group(2))
                headings.append((level, None if name in CATCH_ALL else name))
            parent = None
            continue
        topic = "/".join(name for _, name in headings if name) or None
        listed = _ITEM.match(line)
        if listed:
            indent = len(listed.group("indent").expandtabs(4))
            words = listed.group("text")
            # Link text that wraps onto the next lines, and a bibliography's authors on the line after
            # the title: the item's own indented lines are its words.
            extra = 0
            while number < len(lines) and extra < MAX_CITATION_LINES and _continues(words, lines[number], indent):
                words += " " + lines[number].strip()
                number += 1
                extra += 1
            item = _item(number - extra, words, topic, read_notes)
            if listed.group("box"):
                item.read = listed.group("box") in "xX"
            if parent is not None and indent > parent[1] and (item.skip or item.ident is None) and not _cites(item):
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
        row_text = _MD_COMMENT.sub("", line).rstrip()
        row = _TABLE_ROW.match(row_text)
        if row and not _TABLE_RULE.match(row_text):
            following = _MD_COMMENT.sub("", lines[number]) if number < len(lines) else ""
            if _TABLE_RULE.match(following):
                continue  # the row above a rule names the columns
            cells = [cell.strip() for cell in row.group("cells").strip().strip("|").split("|")]
            boxes = [m.group("box") for cell in cells if (m := _BOX_CELL.match(cell))]
            row_words = " · ".join(cell for cell in cells if cell and not _BOX_CELL.match(cell))
            item = _item(number, row_words, topic, read_notes)
            if boxes:
                item.read = boxes[0] in "xX"
            if item.skip != "a table of contents entry":
                items.append(item)
    return _merged(items)


def _continues(words: str, following: str, indent: int) -> bool:
    """Whether `following` is more of the item whose words are `words`: an indented line that starts
    no item, heading or table, while a link's text is still open or the words end a bold title."""
    if not following.strip() or _ITEM.match(following) or _HEADING.match(following) or _TABLE_ROW.match(following):
        return False
    if len(following) - len(following.lstrip()) <= indent:
        return False
    open_link = words.count("[") > words.count("]") or re.search(r"\]\([^)]*$", words) is not None
    bold_title = re.search(r"\*\*[^*]+\*\*\.?\s*$", words) is not None
    return open_link or bold_title


def _cites(item: Item) -> bool:
    """A sub-item that is a paper of its own (a citation with a year), not words about its parent."""
    return parse_citation(cited_words(item.raw), item.link_text) is not None and bool(re.search(r"\b(?:19|20)\d\d\b", item.text)) \
        and item.link is not None


def _merged(items: list[Item]) -> list[Item]:
    """The same paper named twice (a checklist that lists it again, ticked): one item, at its first
    place, ticked if either is, with the tags and notes of both."""
    first: dict[str, Item] = {}
    kept: list[Item] = []
    for item in items:
        ident = item.ident.canonical if isinstance(item.ident, ArxivId) else item.ident.s2_id if item.ident else None
        earlier = first.get(ident) if ident and not item.skip else None
        if earlier is None:
            if ident and not item.skip:
                first[ident] = item
            kept.append(item)
            continue
        earlier.also.append(item.line)
        if item.read is not None:
            earlier.read = bool(earlier.read) or item.read
        earlier.tags += [t for t in item.tags if t not in earlier.tags]
        earlier.subitems += item.subitems
        earlier.stars = max(earlier.stars, item.stars)
        earlier.code = earlier.code or item.code
        earlier.notes = earlier.notes or item.notes
    return kept


def _item(number: int, raw: str, topic: str | None, read_notes: NotesReader | None) -> Item:
    links = _LINK.findall(_IMAGE.sub("", raw))
    if links and all(target.startswith("#") for _, target in links) and not _LINK.sub("", raw).strip(" -·,|"):
        return Item(number, raw, "", topic, skip="a table of contents entry")
    item = Item(number, raw, _own_words(raw), topic)
    item.tags = list(dict.fromkeys(a or b for a, b in _HASHTAG.findall(raw)))
    item.stars = len(_STARS.findall(raw))
    visible = _IMAGE.sub("", raw)
    targets = [(label, target) for label, target in links] + [("", url) for url in _BARE_URL.findall(_LINK.sub("", visible))]
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
        if item.link is None:
            item.link, item.link_text = target, heading_words(label) or None
    found = [f.arxiv_id for f in find_references(visible) if f.arxiv_id is not None]
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


def citation_of(item: Item) -> Citation | None:
    """The paper the item's words cite (see sources.citation), if they cite one."""
    return parse_citation(cited_words(item.raw), item.link_text)


def cited_words(raw: str) -> str:
    """The entry's words as a citation reads them: its own words, bold kept (`**Title**`)."""
    return _own_words(raw, keep_bold=True)


def _own_words(raw: str, keep_bold: bool = False) -> str:
    """The entry's words: links reduced to their text; link groups like [[pdf]](...), links to code,
    bare addresses, images, HTML, hashtags, stars and emphasis markers left out."""
    own = _IMAGE.sub("", raw)
    own = _HTML_TAG.sub(" · ", own)
    own = _HASHTAG.sub("", own)
    own = re.sub(r"\[\[[^\]]{0,500}\]" + _DESTINATION + r"\]", "", own)  # [[Paper](...)] link groups
    own = re.sub(r"\[\[[^\]]{0,500}\]\]" + _DESTINATION, "", own)  # [[pdf]](...) links
    # A link keeps its words, but a link to code keeps none ([code](https://github.com/...)), and a
    # bare address says nothing a reader needs twice (the note has the paper's link).
    own = _LINK.sub(lambda m: "" if _CODE_LABEL.match(m.group(1).strip("[]")) or _CODE_HOST.match(m.group(2))
                    else m.group(1), own)
    own = _BARE_URL.sub("", own)
    own = _STARS.sub("", own)
    if not keep_bold:
        own = own.replace("**", "")
    own = re.sub(r"(?:\s*·\s*)+", " · ", own)
    return " ".join(own.split()).strip(" -·,|")
