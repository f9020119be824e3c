"""Fake Bluesky AppView and Mastodon instances on 127.0.0.1, in the shapes the real services answer:

    GET /xrpc/app.bsky.feed.getAuthorFeed?actor=&limit=&cursor=&filter=
        {"feed": [{"post": {"uri", "cid", "author", "record": {"$type": "app.bsky.feed.post", "text",
        "createdAt", "facets": [{"index": {"byteStart", "byteEnd"}, "features": [{"$type":
        "app.bsky.richtext.facet#link", "uri"}]}], "embed": {"$type": "app.bsky.embed.external",
        "external": {...}}}, "embed": {"$type": "app.bsky.embed.external#view", ...}, "indexedAt"},
        "reason": {"$type": "app.bsky.feed.defs#reasonRepost", "by", "indexedAt"}}], "cursor"}
        400 {"error": "InvalidRequest", "message": "Profile not found"} for an unknown actor
    GET /{instance}/api/v1/accounts/lookup?acct=      the account, 404 {"error": "Record not found"}
    GET /{instance}/api/v1/accounts/{id}/statuses?limit=&max_id=&exclude_replies=   statuses, newest first

The AppView sends fewer posts than asked for when it likes (with a cursor), as the real one does.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakeserver import FakeHandler, QuietServer
from fakeserver import serve as serve_with


@dataclass
class FakeSocial:
    feeds: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # Bluesky handle -> feed items, newest first
    accounts: dict[str, dict[str, Any]] = field(default_factory=dict)  # "bob@instance" -> account
    statuses: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # account id -> statuses, newest first
    page_cap: int = 7  # the AppView sends at most this many posts a page, whatever the limit
    faults: deque[str] = field(default_factory=deque)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {"BLUESKY_API_URL": self.url, "BLUESKY_API_DELAY": "0", "BLUESKY_API_TIMEOUT": "2",
                "MASTODON_API_URL": self.url, "MASTODON_API_DELAY": "0", "MASTODON_API_TIMEOUT": "2"}

    def post(self, handle: str, text: str, when: str, *, link: str | None = None, card: str | None = None,
             reposted_by: str | None = None, reposted_at: str | None = None) -> None:
        """A post by `handle` (or reposted into `reposted_by`'s feed), its link as a facet over the
        shortened text the app shows, and a link card."""
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "createdAt": when, "langs": ["en"], "text": text}
        if link is not None:
            shown = link.split("://", 1)[-1][:22] + "..."
            prefix = text + " "
            record["text"] = prefix + shown
            start = len(prefix.encode("utf-8"))  # facets count UTF-8 bytes, not characters
            record["facets"] = [{"$type": "app.bsky.richtext.facet", "index": {"byteStart": start, "byteEnd": start + len(shown.encode())},
                                 "features": [{"$type": "app.bsky.richtext.facet#link", "uri": link}]}]
        post: dict[str, Any] = {"uri": f"at://did:plc:{handle.split('.')[0]}/app.bsky.feed.post/3k{len(self.feeds.get(handle, []))}",
                                "cid": "bafyreib2rxk3rh6kzwq", "author": {"did": f"did:plc:{handle.split('.')[0]}", "handle": handle,
                                                                         "displayName": handle.split(".")[0].title(), "labels": []},
                                "record": record, "replyCount": 0, "repostCount": 0, "likeCount": 3, "quoteCount": 0,
                                "indexedAt": when, "labels": []}
        if card is not None:
            external = {"uri": card, "title": "A paper", "description": "Its abstract.", "thumb": None}
            record["embed"] = {"$type": "app.bsky.embed.external", "external": {**external, "thumb": None}}
            post["embed"] = {"$type": "app.bsky.embed.external#view", "external": {**external, "thumb": "https://cdn.bsky.app/x.jpg"}}
        item: dict[str, Any] = {"post": post}
        owner = handle
        if reposted_by is not None:
            owner = reposted_by
            item["reason"] = {"$type": "app.bsky.feed.defs#reasonRepost",
                              "by": {"did": f"did:plc:{reposted_by.split('.')[0]}", "handle": reposted_by},
                              "indexedAt": reposted_at or when}
        feed = self.feeds.setdefault(owner, [])
        feed.append(item)
        feed.sort(key=lambda i: i.get("reason", {}).get("indexedAt") or i["post"]["indexedAt"], reverse=True)

    def account(self, acct: str, *, suspended: bool = False) -> str:
        ident = str(109_000 + len(self.accounts))
        self.accounts[acct] = {"id": ident, "username": acct.split("@")[0], "acct": acct.split("@")[0],
                               "display_name": acct.split("@")[0].title(), "url": f"https://{acct.split('@')[1]}/@{acct.split('@')[0]}",
                               **({"suspended": True} if suspended else {})}
        self.statuses[ident] = []
        return ident

    def status(self, acct: str, html: str, when: str, *, card: str | None = None, boosted: dict[str, Any] | None = None) -> dict[str, Any]:
        ident = self.accounts[acct]["id"]
        status = {"id": str(113_000_000 + sum(len(s) for s in self.statuses.values())), "created_at": when,
                  "in_reply_to_id": None, "sensitive": False, "spoiler_text": "", "visibility": "public", "language": "en",
                  "uri": f"https://x/users/{acct}/statuses/1", "url": f"https://x/@{acct}/1", "replies_count": 0,
                  "reblogs_count": 0, "favourites_count": 0, "content": "" if boosted else html, "reblog": boosted,
                  "account": self.accounts[acct], "media_attachments": [], "mentions": [], "tags": [], "emojis": [],
                  "card": {"url": card, "title": "A paper", "description": "", "type": "link"} if card else None, "poll": None}
        self.statuses[ident].append(status)
        self.statuses[ident].sort(key=lambda s: s["created_at"], reverse=True)
        return status


class _Handler(FakeHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        state.requests.append((parts.path, query))
        if state.faults:
            fault = state.faults.popleft()
            if fault == "429":
                return self._send(429, {"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
                                  {"RateLimit-Limit": "3000", "RateLimit-Remaining": "0", "RateLimit-Reset": "0"})
            if fault == "500":
                return self._send(500, {"error": "InternalServerError"})
        if parts.path == "/xrpc/app.bsky.feed.getAuthorFeed":
            feed = state.feeds.get(query.get("actor", ""))
            if feed is None:
                return self._send(400, {"error": "InvalidRequest", "message": "Profile not found"})
            start = int(query.get("cursor", "0"))
            size = min(int(query.get("limit", "50")), 100, state.page_cap)
            page = feed[start : start + size]
            answer: dict[str, Any] = {"feed": page}
            if start + size < len(feed):
                answer["cursor"] = str(start + size)
            return self._send(200, answer)
        pieces = parts.path.strip("/").split("/")
        if len(pieces) >= 4 and pieces[1:4] == ["api", "v1", "accounts"]:
            instance = pieces[0]
            if pieces[4:] == ["lookup"] or (len(pieces) == 5 and pieces[4] == "lookup"):
                account = state.accounts.get(f"{query.get('acct')}@{instance}")
                return self._send(200, account) if account else self._send(404, {"error": "Record not found"})
            if len(pieces) == 6 and pieces[5] == "statuses":
                rows = state.statuses.get(pieces[4])
                if rows is None:
                    return self._send(404, {"error": "Record not found"})
                if "max_id" in query:
                    rows = [r for r in rows if int(r["id"]) < int(query["max_id"])]
                return self._send(200, rows[: min(int(query.get("limit", "20")), 40)])
        return self._send(404, {"error": "Not Found"})

    def _send(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        self.reply_json(status, data, headers)

def serve() -> tuple[FakeSocial, QuietServer]:
    server = serve_with(_Handler, FakeSocial())
    return server.state, server
