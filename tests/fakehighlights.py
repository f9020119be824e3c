"""Fake Zotero (local API and Web API, v3) and Hypothesis APIs on 127.0.0.1, in the shapes the real
services answer (Zotero's documented item JSON with `Total-Results`, `Link` and
`Last-Modified-Version` headers, `start`/`limit`, `since`, `itemKey`, `itemType`, `q`/`qmode`;
Hypothesis's `/search` with `rows`, `total`, `search_after`, selectors and links):

    GET /zotero/api/{users|groups}/{id}/items[?itemType=annotation|itemKey=A,B|since=V]
    GET /zotero/api/{users|groups}/{id}/items/top?q=&qmode=titleCreatorYear|everything
    GET /zotero/api/{users|groups}/{id}/items/{key}/children
    GET /hypothesis/api/search?uri=&user=&limit=&sort=created&order=asc&search_after=

Faults on demand: "500", "garbage", "stall", "403".
"""

from __future__ import annotations

import json
import random
import string
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from fakeserver import FakeHandler, QuietServer
from fakeserver import serve as serve_with


def zotero_key(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_uppercase + "23456789") for _ in range(8))


@dataclass
class FakeHighlights:
    zotero_items: list[dict[str, Any]] = field(default_factory=list)  # every item, as the API gives it
    library: str = "users/0"  # the library the fake serves
    api_key: str | None = None  # the Web API's key; None: the local API (no key)
    hypothesis_rows: list[dict[str, Any]] = field(default_factory=list)
    hypothesis_token: str | None = None  # private annotations need it
    faults: dict[str, deque[str]] = field(default_factory=lambda: {"zotero": deque(), "hypothesis": deque()})
    requests: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    url: str = ""
    version: int = 100
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    @property
    def env(self) -> dict[str, str]:
        return {"ZOTERO_API_URL": self.url + "/zotero/api", "ZOTERO_API_TIMEOUT": "2",
                "HYPOTHESIS_API_URL": self.url + "/hypothesis/api", "HYPOTHESIS_API_TIMEOUT": "2"}

    # -- Zotero ------------------------------------------------------------------------------------------

    def _zotero_item(self, data: dict[str, Any]) -> dict[str, Any]:
        self.version += 1
        key = data.setdefault("key", zotero_key(self.rng))
        data.setdefault("version", self.version)
        data.setdefault("tags", [])
        data.setdefault("relations", {})
        data.setdefault("dateAdded", "2026-11-20T10:00:00Z")
        data.setdefault("dateModified", "2026-11-20T10:00:00Z")
        kind, number = self.library.split("/")
        item = {"key": key, "version": data["version"],
                "library": {"type": kind.rstrip("s"), "id": int(number), "name": "My Library",
                            "links": {"alternate": {"href": f"https://www.zotero.org/{self.library}", "type": "text/html"}}},
                "links": {"self": {"href": f"{self.url}/zotero/api/{self.library}/items/{key}", "type": "application/json"},
                          "alternate": {"href": f"https://www.zotero.org/{self.library}/items/{key}", "type": "text/html"}},
                "meta": {"numChildren": 0}, "data": data}
        if "parentItem" in data:
            item["links"]["up"] = {"href": f"{self.url}/zotero/api/{self.library}/items/{data['parentItem']}",
                                   "type": "application/json"}
        self.zotero_items.append(item)
        return item

    def zotero_paper(self, title: str, *, date: str = "2017", doi: str | None = None, url: str | None = None,
                     extra: str = "", archive_id: str | None = None, item_type: str = "journalArticle") -> str:
        """A paper's item with a PDF attachment; returns the attachment's key (annotations go under it)."""
        data: dict[str, Any] = {"itemType": item_type, "title": title, "creators": [{"creatorType": "author",
                                "firstName": "Ada", "lastName": "Lovelace"}], "date": date, "url": url or "", "extra": extra,
                                "abstractNote": "", "collections": []}
        if doi is not None:
            data["DOI"] = doi
        if archive_id is not None:
            data["archiveID"] = archive_id
        paper = self._zotero_item(data)
        attachment = self._zotero_item({"itemType": "attachment", "parentItem": paper["key"], "linkMode": "imported_url",
                                        "title": "Full Text PDF", "contentType": "application/pdf", "charset": "",
                                        "filename": "paper.pdf", "url": url or "", "note": ""})
        paper["meta"]["numChildren"] = 1
        return attachment["key"]

    def zotero_annotation(self, attachment: str, text: str, *, kind: str = "highlight", comment: str = "",
                          color: str = "#ffd400", page: int = 0, offset: int = 0, top: int = 0, tags: tuple[str, ...] = (),
                          key: str | None = None) -> str:
        data = {"itemType": "annotation", "parentItem": attachment, "annotationType": kind, "annotationAuthorName": "",
                "annotationText": text if kind in ("highlight", "underline") else "", "annotationComment": comment,
                "annotationColor": color, "annotationPageLabel": str(page + 1),
                "annotationSortIndex": f"{page:05d}|{offset:06d}|{top:05d}",
                "annotationPosition": json.dumps({"pageIndex": page, "rects": [[100.0, 700.0 - top, 400.0, 712.0 - top]]}),
                "tags": [{"tag": t} for t in tags]}
        if key is not None:
            data["key"] = key
        return str(self._zotero_item(data)["key"])

    def edit_zotero(self, key: str, **fields: Any) -> None:
        for item in self.zotero_items:
            if item["key"] == key:
                self.version += 1
                item["data"].update(fields, version=self.version)
                item["version"] = self.version

    def delete_zotero(self, key: str) -> None:
        self.zotero_items = [item for item in self.zotero_items if item["key"] != key]

    # -- Hypothesis --------------------------------------------------------------------------------------

    def hypothesis(self, uri: str, exact: str, *, user: str = "acct:alice@hypothes.is", text: str = "",
                   tags: tuple[str, ...] = (), page: int | None = None, start: int = 0, private: bool = False,
                   created: str | None = None, ident: str | None = None) -> str:
        ident = ident or "".join(self.rng.choice(string.ascii_letters + string.digits) for _ in range(22))
        created = created or f"2026-11-{10 + len(self.hypothesis_rows) % 18:02d}T10:{len(self.hypothesis_rows) % 60:02d}:00.000000+00:00"
        selectors: list[dict[str, Any]] = []
        if exact:
            selectors = [{"type": "RangeSelector", "endOffset": 10, "startOffset": 0, "endContainer": "/div[1]", "startContainer": "/div[1]"},
                         {"type": "TextPositionSelector", "start": start, "end": start + len(exact)},
                         {"type": "TextQuoteSelector", "exact": exact, "prefix": "before ", "suffix": " after"}]
            if page is not None:
                selectors.append({"type": "PageSelector", "index": page, "label": str(page + 1)})
        self.hypothesis_rows.append({
            "id": ident, "created": created, "updated": created, "user": user, "uri": uri, "text": text, "tags": list(tags),
            "group": "__world__", "permissions": {"read": [user if private else "group:__world__"], "admin": [user],
                                                   "update": [user], "delete": [user]},
            "target": [{"source": uri, **({"selector": selectors} if selectors else {})}],
            "document": {"title": ["A paper"]},
            "links": {"html": f"https://hypothes.is/a/{ident}", "incontext": f"https://hyp.is/{ident}/{uri.split('://')[-1]}",
                      "json": f"https://hypothes.is/api/annotations/{ident}"},
            "user_info": {"display_name": user.split(":")[1].split("@")[0]}, "flagged": False, "hidden": False,
            "_private": private})
        return ident


class _Handler(FakeHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        service = "zotero" if parts.path.startswith("/zotero/") else "hypothesis"
        state.requests.append((service, parts.path, query, {k.lower(): v for k, v in self.headers.items()}))
        fault = state.faults[service].popleft() if state.faults[service] else None
        if fault == "500":
            return self._send(500, {"message": "Internal Server Error"})
        if fault == "403":
            return self._raw(403, b"Forbidden", "text/plain")
        if fault == "garbage":
            return self._raw(200, b"<html>not json</html>", "text/html")
        if fault == "stall":
            time.sleep(4)
            return self._send(200, [])
        if service == "zotero":
            return self._zotero(parts.path.removeprefix("/zotero/api/"), query)
        if parts.path == "/hypothesis/api/search":
            return self._hypothesis(query)
        return self._send(404, {"message": "Not found"})

    # Zotero: /{users|groups}/{id}/items[/top|/{key}/children]
    def _zotero(self, path: str, query: dict[str, str]) -> None:
        state = self.server.state
        if state.api_key is not None and self.headers.get("Zotero-API-Key") != state.api_key:
            return self._raw(403, b"Invalid key", "text/plain")
        if not path.startswith(state.library + "/items"):
            return self._raw(404, b"Not found", "text/plain")
        rest = path[len(state.library) + len("/items"):]
        items = state.zotero_items
        if rest == "/top":
            items = [i for i in items if "parentItem" not in i["data"]]
        elif rest.endswith("/children"):
            parent = rest.split("/")[1]
            items = [i for i in items if i["data"].get("parentItem") == parent]
        elif rest:
            return self._raw(404, b"Not found", "text/plain")
        if "itemType" in query:
            items = [i for i in items if i["data"]["itemType"] == query["itemType"]]
        if "itemKey" in query:
            wanted = query["itemKey"].split(",")
            if len(wanted) > 50:
                return self._raw(400, b"Cannot specify more than 50 item keys", "text/plain")
            items = [i for i in items if i["key"] in wanted]
        if "since" in query:
            items = [i for i in items if i["version"] > int(query["since"])]
        if "q" in query:
            words = query["q"].casefold()
            if query.get("qmode") == "everything":
                items = [i for i in items if words in json.dumps(i["data"]).casefold()]
            else:
                items = [i for i in items if words in " ".join([i["data"].get("title", ""), i["data"].get("date", ""),
                         *(c.get("lastName", "") for c in i["data"].get("creators", []))]).casefold()]
        start, limit = int(query.get("start", "0")), min(int(query.get("limit", "25")), 100)
        page = items[start : start + limit]
        links = []
        base = f"{state.url}/zotero/api/{path}"
        if start + limit < len(items):
            links.append(f'<{base}?{urlencode({**query, "start": start + limit})}>; rel="next"')
            links.append(f'<{base}?{urlencode({**query, "start": (len(items) - 1) // limit * limit})}>; rel="last"')
        links.append(f'<https://www.zotero.org/{state.library}/items>; rel="alternate"')
        self._send(200, page, {"Total-Results": str(len(items)), "Link": ", ".join(links),
                               "Last-Modified-Version": str(state.version), "Zotero-API-Version": "3"})

    def _hypothesis(self, query: dict[str, str]) -> None:
        state = self.server.state
        token = self.headers.get("Authorization", "")
        rows = [r for r in state.hypothesis_rows
                if (not r["_private"] or (state.hypothesis_token and token == f"Bearer {state.hypothesis_token}"))]
        if "uri" in query:
            rows = [r for r in rows if r["uri"] == query["uri"]]
        if "user" in query:
            rows = [r for r in rows if r["user"] == query["user"]]
        rows = sorted(rows, key=lambda r: r["created"], reverse=query.get("order") == "desc")
        if "search_after" in query:
            rows = [r for r in rows if r["created"] > query["search_after"]]
        limit = min(int(query.get("limit", "20")), 200)
        self._send(200, {"total": len(rows), "rows": [{k: v for k, v in r.items() if not k.startswith("_")} for r in rows[:limit]]})

    def _send(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.reply_json(status, data, headers)

    def _raw(self, status: int, body: bytes, kind: str, headers: dict[str, str] | None = None) -> None:
        self.reply(status, body, kind, headers)

def serve() -> tuple[FakeHighlights, QuietServer]:
    server = serve_with(_Handler, FakeHighlights())
    return server.state, server
