"""A reader's Hypothesis annotations on a paper (https://h.readthedocs.io/en/latest/api-reference/):
`GET /search?uri=…&user=acct:NAME@hypothes.is`, for each address the paper has (its arXiv abstract
and PDF pages, versioned, and its DOI), with the quoted words (TextQuoteSelector.exact), the
comment and the tags. Pages of 200 follow `search_after`. HYPOTHESIS_API_TOKEN reads private and
group annotations too; only the configured user's are kept, whatever the server sends.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Any

from papernotes.model.highlights import MAX_HIGHLIGHTS, MAX_TAGS, tidy
from papernotes.sources.service import Service, ServiceClient, ServiceDown, items, mapping

DEFAULT = "https://api.hypothes.is/api"
PAGE = 200  # the API's largest page
MAX_PAGES = 20
MAX_ANSWER = 8 * 1024 * 1024
ID = re.compile(r"[A-Za-z0-9_-]{8,40}")


@dataclass(frozen=True)
class HypothesisAnnotation:
    ident: str
    text: str  # the quoted words; "" for a page note
    comment: str
    tags: tuple[str, ...]
    link: str  # the annotation in context
    page_label: str | None
    order: tuple[int, int, str]  # page, position in the text, when written
    addresses: frozenset[str]


class Hypothesis:
    def __init__(self) -> None:
        self.service = Service.from_env("Hypothesis", "HYPOTHESIS_API", DEFAULT)
        token = os.environ.get("HYPOTHESIS_API_TOKEN", "").strip()
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.client = ServiceClient()

    @property
    def off(self) -> bool:
        return self.service.url is None

    def annotations(self, uris: list[str], user: str) -> list[HypothesisAnnotation] | ServiceDown:
        """The user's annotations on any of these addresses, each once, in reading order."""
        found: dict[str, HypothesisAnnotation] = {}
        for uri in uris:
            more = self._search({"uri": uri}, user, set(uris))
            if isinstance(more, ServiceDown):
                return more
            for annotation in more:
                found.setdefault(annotation.ident, annotation)
        return sorted(found.values(), key=lambda a: a.order)[:MAX_HIGHLIGHTS]

    def by_user(self, user: str) -> list[HypothesisAnnotation] | ServiceDown:
        """All the user's annotations, on any page (for a run over the whole library: one search, not
        one per paper and address)."""
        return self._search({}, user, None)

    def _search(self, query: dict[str, str], user: str, uris: set[str] | None) -> list[HypothesisAnnotation] | ServiceDown:
        account = user if user.startswith("acct:") else f"acct:{user}" if "@" in user else f"acct:{user}@hypothes.is"
        found: list[HypothesisAnnotation] = []
        after: str | None = None
        for _ in range(MAX_PAGES):
            params = {**query, "user": account, "limit": str(PAGE), "sort": "created", "order": "asc"}
            if after:
                params["search_after"] = after
            reply = self.client.ask(self.service, "/search", params, headers=self.headers, max_bytes=MAX_ANSWER)
            if reply is None:
                break
            if isinstance(reply, ServiceDown):
                return reply
            rows = mapping(reply.data).get("rows")
            if not isinstance(rows, list):
                return self.client.garbage(self.service, "search results without rows")
            for row in map(mapping, items(rows, PAGE)):
                # Another reader's, or another page's, whatever the server sent: left out.
                if row.get("user") == account and (uris is None or _addresses(row) & uris):
                    annotation = _annotation(row)
                    if annotation is not None:
                        found.append(annotation)
            last = mapping(rows[-1]).get("created") if rows else None
            if len(rows) < PAGE or len(found) >= 10 * MAX_HIGHLIGHTS or not isinstance(last, str) or last == after:
                break
            after = last
        return found


def _addresses(row: dict[str, Any]) -> set[str]:
    """The addresses an annotation was made on: its page's, and its targets' sources."""
    found = {row["uri"]} if isinstance(row.get("uri"), str) else set()
    return found | {t["source"] for t in map(mapping, items(row.get("target"), 10)) if isinstance(t.get("source"), str)}


def _annotation(row: dict[str, Any]) -> HypothesisAnnotation | None:
    ident = row.get("id")
    if not isinstance(ident, str) or not ID.fullmatch(ident):
        return None
    quote, page_label, page, start = "", None, 1 << 30, 1 << 30
    for target in items(row.get("target"), 10):
        for selector in map(mapping, items(mapping(target).get("selector"), 20)):
            kind = selector.get("type")
            if kind == "TextQuoteSelector" and not quote:
                quote = tidy(selector.get("exact"))
            elif kind == "TextPositionSelector" and type(selector.get("start")) is int and selector["start"] >= 0:
                start = min(start, selector["start"])
            elif kind == "PageSelector":
                if type(selector.get("index")) is int and selector["index"] >= 0:
                    page = min(page, selector["index"])
                page_label = tidy(selector.get("label"), 40) or page_label
    incontext = mapping(row.get("links")).get("incontext")
    link = incontext if isinstance(incontext, str) and re.fullmatch(r"https://[^\s<>\"'`]{1,2000}", incontext) \
        else f"https://hyp.is/{ident}"
    created = tidy(row.get("created"), 40)
    tags = tuple(tag for t in items(row.get("tags"), MAX_TAGS) if (tag := tidy(t, 100)))
    return HypothesisAnnotation(ident, quote, tidy(row.get("text")), tags, link, page_label, (page, start, created),
                                frozenset(a[:2000] for a in _addresses(row)))
