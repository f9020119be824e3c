"""Papers shared by the people a reader follows: the links in their public posts, on Bluesky (the
public AppView's `app.bsky.feed.getAuthorFeed`, no login) and on Mastodon (the account's public
statuses on its own instance). X/Twitter's API is paid; these two are open.

A post's links come from where the service keeps them whole: a Bluesky post's link facets and its
link card (its text shows links cut short), a Mastodon status's `href`s and its card. A repost or
boost counts for the person who reposted it, on the day they did. Feeds are read page by page, newest
first, only as far back as the week asked for; answers are cached a day.
"""

from __future__ import annotations

import datetime as dt
import html.parser
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from papernotes.model.config import MASTODON_ACCOUNT, follow_kind
from papernotes.model.highlights import tidy
from papernotes.sources.service import Service, ServiceClient, ServiceDown, items, mapping

BLUESKY_DEFAULT = "https://public.api.bsky.app"
BLUESKY_PAGE = 100
MASTODON_PAGE = 40
MAX_PAGES = 10  # a week of a prolific account's posts, and then some
MAX_LINKS = 20  # links read from one post
MAX_ANSWER = 4 * 1024 * 1024
_WEB_LINK = re.compile(r"https?://[^\s<>\"'`]{3,2000}")


@dataclass(frozen=True)
class Share:
    link: str
    who: str  # as the reader wrote them in `follow`
    day: dt.date


class People:
    """What the followed accounts shared in a span of days."""

    def __init__(self, cache_root: Path | None = None) -> None:
        self.bluesky = Service.from_env("Bluesky", "BLUESKY_API", BLUESKY_DEFAULT, delay=0.2)
        # Each Mastodon account is read on its own instance; MASTODON_API_URL puts one address in
        # front of them all (a test's server, or `off`).
        override = os.environ.get("MASTODON_API_URL", "").strip()
        self.mastodon_override = Service.from_env("Mastodon", "MASTODON_API", "https://mastodon.invalid") if override else None
        self.client = ServiceClient("social", cache_root, dt.timedelta(days=1))

    def shares(self, account: str, since: dt.date, until: dt.date) -> list[Share] | ServiceDown:
        """What `account` shared from `since` to `until` (both included): each link once a day."""
        kind = follow_kind(account)
        if kind == "bluesky":
            return self._bluesky(account.lower().removeprefix("@"), account, since, until)
        if kind == "mastodon":
            return self._mastodon(account, since, until)
        return ServiceDown(f"follow: '{account}' is neither a Bluesky handle (alice.bsky.social) nor a Mastodon "
                           "account (@bob@mastodon.social)")

    # -- Bluesky ---------------------------------------------------------------------------------------

    def _bluesky(self, actor: str, who: str, since: dt.date, until: dt.date) -> list[Share] | ServiceDown:
        found: list[Share] = []
        cursor: str | None = None
        for _ in range(MAX_PAGES):
            params = {"actor": actor, "limit": str(BLUESKY_PAGE), "filter": "posts_and_author_threads"}
            if cursor:
                params["cursor"] = cursor
            reply = self.client.ask(self.bluesky, "/xrpc/app.bsky.feed.getAuthorFeed", params, max_bytes=MAX_ANSWER,
                                    refusals=(400,))
            if reply is None:
                return found
            if isinstance(reply, ServiceDown):
                return reply
            if reply.status == 400:
                said = mapping(reply.data)
                why = tidy(said.get("message") or said.get("error"), 200) or "not found"
                return ServiceDown(f"Bluesky: no account {who} to follow ({why}); check follow in pyproject.toml")
            feed = mapping(reply.data).get("feed")
            if not isinstance(feed, list):
                return self.client.garbage(self.bluesky, "a feed that is not a list")
            oldest: dt.date | None = None
            for entry in map(mapping, items(feed, BLUESKY_PAGE)):
                post = mapping(entry.get("post"))
                record = mapping(post.get("record"))
                reason = mapping(entry.get("reason"))
                reposted = str(reason.get("$type", "")).endswith("#reasonRepost")
                day = _day(reason.get("indexedAt") if reposted else record.get("createdAt") or post.get("indexedAt"))
                if day is None:
                    continue
                oldest = day if oldest is None else min(oldest, day)
                if not since <= day <= until:
                    continue
                for link in _bluesky_links(record, mapping(post.get("embed"))):
                    found.append(Share(link, who, day))
            cursor = mapping(reply.data).get("cursor")
            # Newest first: once a page reaches back before the week, the rest is older still. A page
            # may hold fewer posts than asked for, with a cursor: only its end says there is no more.
            if not isinstance(cursor, str) or not cursor or (oldest is not None and oldest < since):
                break
        return _once(found)

    # -- Mastodon --------------------------------------------------------------------------------------

    def _mastodon(self, account: str, since: dt.date, until: dt.date) -> list[Share] | ServiceDown:
        match = MASTODON_ACCOUNT.fullmatch(account)
        assert match is not None
        user, instance = match.groups()
        service = self.mastodon_override or Service(f"Mastodon ({instance})", f"https://{instance}", 0.2, 15.0)
        prefix = f"/{instance}" if self.mastodon_override else ""
        looked_up = self.client.ask(service, f"{prefix}/api/v1/accounts/lookup", {"acct": user}, max_bytes=MAX_ANSWER,
                                    refusals=(404, 410))
        if looked_up is None:
            return []
        if isinstance(looked_up, ServiceDown):
            return looked_up
        profile = mapping(looked_up.data)
        ident = profile.get("id")
        if looked_up.status in (404, 410) or profile.get("suspended") is True or not isinstance(ident, str) \
                or not re.fullmatch(r"[0-9A-Za-z]{1,40}", ident):
            why = "suspended" if profile.get("suspended") is True or looked_up.status == 410 else "not found"
            return ServiceDown(f"Mastodon: no account {account} to follow ({why}); check follow in pyproject.toml")
        found: list[Share] = []
        before: str | None = None
        for _ in range(MAX_PAGES):
            params = {"limit": str(MASTODON_PAGE), "exclude_replies": "true"}
            if before:
                params["max_id"] = before
            reply = self.client.ask(service, f"{prefix}/api/v1/accounts/{quote(ident)}/statuses", params, max_bytes=MAX_ANSWER)
            if reply is None:
                break
            if isinstance(reply, ServiceDown):
                return reply
            if not isinstance(reply.data, list):
                return self.client.garbage(service, "statuses that are not a list")
            oldest: dt.date | None = None
            last: str | None = None
            for status in map(mapping, items(reply.data, MASTODON_PAGE)):
                day = _day(status.get("created_at"))  # a boost is dated when it was boosted
                last = status.get("id") if isinstance(status.get("id"), str) else last
                if day is None:
                    continue
                oldest = day if oldest is None else min(oldest, day)
                if not since <= day <= until:
                    continue
                shared = mapping(status.get("reblog")) or status
                for link in _mastodon_links(shared):
                    found.append(Share(link, account, day))
            if not reply.data or last is None or last == before or (oldest is not None and oldest < since):
                break
            before = last
        return _once(found)


def _day(value: Any) -> dt.date | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC).date()
    except ValueError:
        return None


def _bluesky_links(record: dict[str, Any], view: dict[str, Any]) -> list[str]:
    """A post's links whole: its link facets (the text cuts them short) and its link card."""
    links = []
    for facet in map(mapping, items(record.get("facets"), MAX_LINKS)):
        for feature in map(mapping, items(facet.get("features"), 10)):
            if feature.get("$type") == "app.bsky.richtext.facet#link" and isinstance(feature.get("uri"), str):
                links.append(feature["uri"])
    for embed in (mapping(record.get("embed")), view):
        media = mapping(embed.get("media")) if str(embed.get("$type", "")).startswith("app.bsky.embed.recordWithMedia") else embed
        external = mapping(media.get("external"))
        if isinstance(external.get("uri"), str):
            links.append(external["uri"])
    return _web(links)


class _Hrefs(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a" and len(self.found) < MAX_LINKS:
            self.found += [value for name, value in attrs if name == "href" and value]


def _mastodon_links(status: dict[str, Any]) -> list[str]:
    """A status's links: the `href`s of its content (its text shows them cut short) and its card."""
    content = status.get("content")
    links: list[str] = []
    if isinstance(content, str):
        reader = _Hrefs()
        reader.feed(content[:200_000])
        links += reader.found
    card = mapping(status.get("card"))
    if isinstance(card.get("url"), str):
        links.append(card["url"])
    return _web(links)


def _web(links: list[str]) -> list[str]:
    return list(dict.fromkeys(link for link in links[:MAX_LINKS] if isinstance(link, str) and _WEB_LINK.fullmatch(link)))


def _once(shares: list[Share]) -> list[Share]:
    return list(dict.fromkeys(shares))

