"""A folder of notes another tool wrote, one paper a file: a Jekyll blog's posts ("papers I read"),
an Obsidian vault's reading notes, a Zotero integration's literature notes. Each file becomes one
reading-list entry (sources.reading_list.Item) whose notes are the file's text.

The paper is found by the file's frontmatter (`arxiv`, `doi`, `url`, ...), else by the link its
text gives for it ("[Link to the paper](https://arxiv.org/abs/...)", a link named by the title),
else by its title (the frontmatter's `title`, else the file's first heading, else its name). The
frontmatter's authors, year and tags go with it; subfolders are topics.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from papernotes.model.ids import ArxivId, InvalidPaperId, OtherId, find_references, parse_paper_id
from papernotes.model.links import fenced_lines
from papernotes.model.paper import Paper
from papernotes.runtime import today
from papernotes.sources.citation import parse_citation
from papernotes.sources.reading_list import _HASHTAG, _LINK, Item, heading_words, slug

# The fields other tools name a paper by, most exact first.
ID_FIELDS = ("arxiv", "arxiv_id", "arxivid", "eprint", "doi", "url", "link", "paper", "pdf", "source")
TAG_FIELDS = ("tags", "tag", "keywords", "categories")
CITEKEY_FIELDS = ("citekey", "citationkey", "citation_key", "citation-key")
_LINK_LABELS = re.compile(r"^\W*(?:link to (?:the )?paper|paper|pdf|arxiv|link|abs|abstract|full text|read)\W*$", re.IGNORECASE)
_JEKYLL_DATE = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}-")
_FIRST_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)
# Obsidian's own links, `[[note|words]]` and embedded pictures `![[Screen Shot.png]]`: they name files
# of the vault, not notes of this library, where [[...]] links a paper.
_VAULT_LINK = re.compile(r"!?\[\[([^\[\]|\n]{1,500})(?:\|([^\[\]\n]{0,500}))?\]\]")
_INLINE_CODE = re.compile(r"`[^`\n]*`")
MAX_AUTHORS = 100
MAX_TAGS = 50


def note_item(meta: dict[str, Any], body: str, name: str, topic: str | None) -> Item:
    """The entry for one note file: `meta` its frontmatter's values, `body` its text, `name` its path
    in the folder."""
    if not meta and not body.strip():
        return Item(1, "", name, topic, source=name, skip="an empty file")
    stem = name.rsplit("/", 1)[-1].removesuffix(".md")
    heading = _FIRST_HEADING.search(body)
    heading_title = heading_words(heading.group(1)) if heading else ""
    # A first heading may cite the paper: "# BERT: Pre-training ..., Devlin et al., 2018".
    title = _text(meta.get("title"))
    cited = parse_citation(heading_title) if heading_title and not title else None
    title = title or (cited.title if cited else heading_title) or _JEKYLL_DATE.sub("", stem).removeprefix("@")
    item = Item(1, "", " ".join(title.split())[:500], topic, source=name)
    item.tags = list(dict.fromkeys(_tags(meta) + _inline_tags(body)))[:MAX_TAGS]
    item.ident = _ident(meta, body, title)
    item.notes = _VAULT_LINK.sub(lambda m: m.group(2) or m.group(1), body).strip()
    item.read = bool(item.notes) or None  # notes on a paper: it was read
    authors = _authors(meta.get("authors", meta.get("author"))) or (cited.authors if cited else ())
    year = _year(meta.get("year")) or (cited.year if cited else None)  # not `date`: a post's date is when it was written
    if item.ident is None and not title:
        item.skip = "no title, and no arXiv ID, DOI or paper link to find it by"
        return item
    url = next((str(meta[k]) for k in ("url", "link") if isinstance(meta.get(k), str) and meta[k].startswith("http")), None)
    # When it was read: the note's date (a blog post's `date`, a vault's `created`), else the date a
    # Jekyll post's file name begins with.
    finished = next((d for d in map(_date, (meta.get("date"), meta.get("created"), stem)) if d is not None), None)
    # Its citation key, kept as the note's key when it is free, as `bib import` keeps a .bib's: a
    # Zotero integration names the file after it (`@ouyangTrainingLanguageModels2022.md`).
    citekey = next((_text(meta[k]) for k in CITEKEY_FIELDS if _text(meta.get(k))), None) or \
        (stem.removeprefix("@") if stem.startswith("@") else "")
    item.paper = Paper(key=citekey, title=item.text, authors=authors, year=year, url=url,
                       finished=finished if item.read else None)
    return item


def _text(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _ident(meta: dict[str, Any], body: str, title: str) -> ArxivId | OtherId | None:
    for field in ID_FIELDS:
        value = meta.get(field)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            if (found := _paper_id(str(value))) is not None:
                return found
    for words, target in _LINK.findall(body):
        if _LINK_LABELS.match(words) or (title and " ".join(words.split()).casefold() == title.casefold()):
            if (found := _paper_id(target)) is not None:
                return found
    references = [f.arxiv_id for f in find_references(body) if f.arxiv_id is not None]
    if not title and references:
        return ArxivId(references[0].canonical)
    return None


def _paper_id(text: str) -> ArxivId | OtherId | None:
    try:
        parsed = parse_paper_id(text.strip())
    except InvalidPaperId:
        return None
    return ArxivId(parsed.canonical) if isinstance(parsed, ArxivId) else parsed


def _authors(value: Any) -> tuple[str, ...]:
    """`First Last, First Last and First Last`, `Last, First; Last, First`, or a list of names."""
    if isinstance(value, list):
        names = [_text(v) for v in value[:MAX_AUTHORS]]
    elif isinstance(value, str):
        parts = value.split(";") if ";" in value else re.split(r",|\band\b", value)
        names = [" ".join(part.split()) for part in parts[:MAX_AUTHORS]]
    else:
        return ()
    return tuple(name for name in names if name and len(name) <= 200)


def _year(value: Any) -> int | None:
    found = re.match(r"\s*(\d{4})\b", str(value)) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    year = int(found.group(1)) if found else None
    return year if year is not None and 1600 <= year <= 2100 else None


def _date(value: Any) -> dt.date | None:
    """A date from YAML (a date or a time), or from text that begins with one (`2017-12-31 10:00`,
    `2018-1-6-How transferable ...`); None for anything else or a date not yet come."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        found = re.match(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\b", value) if isinstance(value, str) else None
        try:
            value = dt.date(*map(int, found.groups())) if found else None
        except ValueError:
            return None
    return value if value is not None and dt.date(1900, 1, 1) <= value <= today() else None


def _inline_tags(body: str) -> list[str]:
    """The `#tags` a note writes in its text, as Obsidian reads them (anebz/papers writes `\\#nlp`);
    not in code (`#include`), nor a heading's `#`, nor a link's `page#part`."""
    lines = body.split("\n")
    text = "\n".join(line for line, code in zip(lines, fenced_lines(lines), strict=True) if not code)
    found = (a or b for a, b in _HASHTAG.findall(_INLINE_CODE.sub("", text)))
    return list(dict.fromkeys(slug(tag) for tag in found))[:MAX_TAGS]


def _tags(meta: dict[str, Any]) -> list[str]:
    """The frontmatter's tags as this library writes them: `NIPS 2014` is nips-2014, `#rl` is rl."""
    tags: list[str] = []
    for field in TAG_FIELDS:
        value = meta.get(field)
        # A list, or text: `rl, language models` or Obsidian's `rl nlp`.
        values = value if isinstance(value, list) else (value.split(",") if "," in value else value.split()) \
            if isinstance(value, str) else []
        tags += [slug(str(v).lstrip("#")) for v in values[:MAX_TAGS] if isinstance(v, (str, int)) and str(v).strip("# ")]
    return list(dict.fromkeys(tags))[:MAX_TAGS]
