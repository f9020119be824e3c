"""Highlights and comments made in Zotero's PDF reader (Zotero 7+), read through its API: the local
API of a running Zotero (`http://localhost:23119/api`, read-only, no key; turned on in Zotero's
settings under Advanced) or the Web API (`https://api.zotero.org` with ZOTERO_API_KEY and
ZOTERO_LIBRARY). Never a plugin, never a write to Zotero, never its database.

Annotations are items of type `annotation` whose parent is an attachment (the PDF) whose parent is
the paper's item. Each list is read in pages (`start`/`limit`, following the `Link: rel="next"`
header, `Total-Results` bounding the count); shapes as the Zotero Web API v3 documents them and as
pyzotero reads them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.model.highlights import MAX_TAGS, hex_color, tidy
from papernotes.sources.service import Reply, Service, ServiceClient, ServiceDown, items, mapping

LOCAL_DEFAULT = "http://localhost:23119/api"
PAGE = 100  # the most the API gives in one answer
MAX_PAGES = 500  # 50,000 annotations: a server paging forever stops here
BATCH = 50  # item keys asked for at once (itemKey=A,B,...), the API's limit
MAX_ANSWER = 16 * 1024 * 1024
KEY = re.compile(r"[A-Z0-9]{8}")
LIBRARY = re.compile(r"(users|groups)/[0-9]{1,20}")
_NEXT = re.compile(r'<([^<>\s]+)>\s*;\s*rel="?next"?')


@dataclass(frozen=True)
class ZoteroAnnotation:
    key: str
    attachment: str  # the PDF's item key
    kind: str  # highlight, underline, note, text, image, ink
    text: str
    comment: str
    color: str | None
    page_label: str | None
    sort_index: str
    page_index: int | None
    tags: tuple[str, ...]
    author: str | None


@dataclass(frozen=True)
class ZoteroItem:
    key: str
    item_type: str
    parent: str | None
    data: dict[str, Any]  # the item's fields as Zotero gives them (title, DOI, url, extra, date...)


class Zotero:
    def __init__(self) -> None:
        self.service = Service.from_env("Zotero", "ZOTERO_API", LOCAL_DEFAULT, delay=0.0)
        self.key = os.environ.get("ZOTERO_API_KEY", "").strip() or None
        library = os.environ.get("ZOTERO_LIBRARY", "").strip().strip("/") or "users/0"
        if not LIBRARY.fullmatch(library):
            raise PapernotesError(f"ZOTERO_LIBRARY={library!r} is not like users/123456 or groups/123456")
        self.library = library
        self.client = ServiceClient()
        self.headers = {"Zotero-API-Version": "3", **({"Zotero-API-Key": self.key} if self.key else {})}

    @property
    def off(self) -> bool:
        return self.service.url is None

    def link(self, annotation: ZoteroAnnotation) -> str:
        """The annotation in Zotero's reader (a zotero: link, opened by Zotero on the reader's computer)."""
        where = "library" if self.library.startswith("users/") else self.library
        page = f"page={annotation.page_label}&" if annotation.page_label and re.fullmatch(r"[A-Za-z0-9]{1,12}", annotation.page_label) else ""
        return f"zotero://open-pdf/{where}/items/{annotation.attachment}?{page}annotation={annotation.key}"

    def annotations(self) -> list[ZoteroAnnotation] | ServiceDown:
        """Every annotation in the library, in pages."""
        found: list[ZoteroAnnotation] = []
        for item in self._pages(f"/{self.library}/items", {"itemType": "annotation"}):
            if isinstance(item, ServiceDown):
                return item
            annotation = _annotation(item)
            if annotation is not None:
                found.append(annotation)
        return found

    def search(self, words: str, everywhere: bool) -> list[ZoteroItem] | ServiceDown:
        """The library's top items whose title, creators and year (or, `everywhere`, any field) hold `words`."""
        found: list[ZoteroItem] = []
        params = {"q": words[:300], "qmode": "everything" if everywhere else "titleCreatorYear"}
        for item in self._pages(f"/{self.library}/items/top", params, most=1):
            if isinstance(item, ServiceDown):
                return item
            if (parsed := _item(item)) is not None:
                found.append(parsed)
        return found

    def annotations_of(self, item_key: str) -> list[ZoteroAnnotation] | ServiceDown:
        """The annotations on an item's attachments: its children's children."""
        found: list[ZoteroAnnotation] = []
        for attachment in self._pages(f"/{self.library}/items/{item_key}/children", {}):
            if isinstance(attachment, ServiceDown):
                return attachment
            parsed = _item(attachment)
            if parsed is None or parsed.item_type != "attachment":
                continue
            for child in self._pages(f"/{self.library}/items/{parsed.key}/children", {}):
                if isinstance(child, ServiceDown):
                    return child
                if (annotation := _annotation(child)) is not None:
                    found.append(annotation)
        return found

    def items(self, keys: list[str]) -> dict[str, ZoteroItem] | ServiceDown:
        """The items with these keys (attachments, papers), asked for BATCH at a time."""
        found: dict[str, ZoteroItem] = {}
        keys = sorted({k for k in keys if KEY.fullmatch(k)})
        for start in range(0, len(keys), BATCH):
            for item in self._pages(f"/{self.library}/items", {"itemKey": ",".join(keys[start : start + BATCH])}):
                if isinstance(item, ServiceDown):
                    return item
                parsed = _item(item)
                if parsed is not None:
                    found[parsed.key] = parsed
        return found

    def _pages(self, path: str, params: dict[str, str], most: int = MAX_PAGES) -> Iterator[dict[str, Any] | ServiceDown]:
        start = 0
        for _ in range(most):
            reply = self.client.ask(self.service, path, {**params, "start": str(start), "limit": str(PAGE), "format": "json"},
                                    headers=self.headers, max_bytes=MAX_ANSWER)
            if reply is None:
                return
            if isinstance(reply, ServiceDown):
                yield self._explained(reply)
                return
            if not isinstance(reply.data, list):
                yield self.client.garbage(self.service, "a list of items that is not a list")
                return
            for item in reply.data[:PAGE]:
                if isinstance(item, dict):
                    yield item
            start += PAGE
            if not _has_next(reply, start) or not reply.data:
                return

    def _explained(self, down: ServiceDown) -> ServiceDown:
        if self.service.url == LOCAL_DEFAULT and "cannot connect" in str(down):
            return ServiceDown("Zotero is not running, or its local API is off (Zotero 7: Settings → Advanced → "
                               "'Allow other applications on this computer to communicate with Zotero'); "
                               "ZOTERO_API_URL=off stops asking")
        return down


def _has_next(reply: Reply, start: int) -> bool:
    """Whether another page follows: the Link header says so (as the API does), else Total-Results."""
    link = reply.headers.get("link")
    if link is not None:
        return _NEXT.search(link[:4000]) is not None
    total = reply.headers.get("total-results", "")
    return total.isdigit() and len(total) < 10 and start < int(total)


def _data(item: dict[str, Any]) -> dict[str, Any] | None:
    data = item.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not KEY.fullmatch(data["key"]):
        return None
    return data


def _annotation(item: dict[str, Any]) -> ZoteroAnnotation | None:
    data = _data(item)
    if data is None or data.get("itemType") != "annotation" or not isinstance(data.get("parentItem"), str) \
            or not KEY.fullmatch(data["parentItem"]):
        return None
    kind = data.get("annotationType")
    if kind not in ("highlight", "underline", "note", "text", "image", "ink"):
        return None
    position = data.get("annotationPosition")
    page_index = None
    if isinstance(position, str) and len(position) < 100_000:
        try:
            where = json.loads(position)
        except ValueError:
            where = None
        if isinstance(where, dict) and type(where.get("pageIndex")) is int and 0 <= where["pageIndex"] < 100_000:
            page_index = where["pageIndex"]
    sort_index = data.get("annotationSortIndex")
    tags = tuple(tag for t in items(data.get("tags"), MAX_TAGS) if (tag := tidy(mapping(t).get("tag"), 100)))
    creator = mapping(mapping(item.get("meta")).get("createdByUser"))
    author = tidy(data.get("annotationAuthorName") or creator.get("name") or creator.get("username"), 200) or None
    return ZoteroAnnotation(
        key=data["key"], attachment=data["parentItem"], kind="text" if kind == "text" else kind,
        text=tidy(data.get("annotationText")), comment=tidy(data.get("annotationComment")),
        color=hex_color(data.get("annotationColor")), page_label=tidy(data.get("annotationPageLabel"), 40) or None,
        sort_index=sort_index if isinstance(sort_index, str) and re.fullmatch(r"[0-9|]{1,40}", sort_index) else "",
        page_index=page_index, tags=tags, author=author)


def _item(item: dict[str, Any]) -> ZoteroItem | None:
    data = _data(item)
    if data is None or not isinstance(data.get("itemType"), str):
        return None
    parent = data.get("parentItem")
    return ZoteroItem(data["key"], data["itemType"], parent if isinstance(parent, str) and KEY.fullmatch(parent) else None, data)
