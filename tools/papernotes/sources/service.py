"""The optional services' one client: a base URL from the environment (`off` turns a service off),
a politeness delay, few retries, a run that stops asking a service once it failed (the caller warns
once and goes on), and JSON answers through the one bounded fetch. Hugging Face, Papers with Code,
Zotero and Hypothesis are asked through it; arXiv and Semantic Scholar have clients of their own
(their paging and rate rules), on the same fetch.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from papernotes import __version__
from papernotes.errors import PapernotesError
from papernotes.files import load_json

if TYPE_CHECKING:
    import requests

RETRIES = 1
MAX_ANSWER = 8 * 1024 * 1024


class ServiceDown(PapernotesError):
    """A service did not answer usefully; the message names it and says why, in one line."""


@dataclass(frozen=True)
class Service:
    name: str
    url: str | None  # None: turned off
    delay: float
    timeout: float

    @classmethod
    def from_env(cls, name: str, prefix: str, default: str, delay: float = 0.2) -> Service:
        from papernotes.sources.http import env_seconds

        raw = (os.environ.get(f"{prefix}_URL") or default).strip().rstrip("/")
        if raw.lower() == "off":
            url = None
        elif not raw.startswith(("http://", "https://")):
            raise PapernotesError(f"{prefix}_URL={raw!r} is not an http(s) URL (or 'off')")
        else:
            url = raw
        return cls(name, url, env_seconds(f"{prefix}_DELAY", delay), env_seconds(f"{prefix}_TIMEOUT", 15.0, timeout=True))


def not_running(url: str) -> bool:
    """Whether a service at a loopback address (Zotero's local API) refuses connections: nothing is
    listening there. Found with one socket, without an HTTP library: `status KEY read` asks the local
    Zotero for highlights after every paper read, and most of the time it is not running."""
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port out of range: the client says so
        return False
    if parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        return False
    try:
        socket.create_connection((parts.hostname, port), timeout=0.5).close()
    except ConnectionRefusedError:
        return True
    except OSError:
        return False  # anything else: the client asks, and says what went wrong
    return False


def mapping(value: object) -> dict[str, Any]:
    """A JSON answer's object, or an empty one for anything else (a stranger's JSON has any shape)."""
    return value if isinstance(value, dict) else {}


def items(value: object, most: int) -> list[Any]:
    """A JSON answer's array, its first `most` values, or an empty one for anything else."""
    return value[:most] if isinstance(value, list) else []


@dataclass(frozen=True)
class Reply:
    data: Any  # the JSON answer; None for what the service does not know (missing_ok)
    headers: dict[str, str]
    status: int = 200


class ServiceClient:
    """Asks services for JSON. Answers are kept in the library's cache for `max_age` when a
    `cache_root` is given (a day for popularity; never for highlights, which change as one reads)."""

    def __init__(self, cache_name: str | None = None, cache_root: Path | None = None,
                 max_age: dt.timedelta = dt.timedelta(days=1)) -> None:
        from papernotes.sources.http import JsonCache

        self.cache = JsonCache(cache_root, cache_name, max_age) if cache_root is not None and cache_name else None
        self._last_request = 0.0
        self.down: set[str] = set()  # services that failed once: not asked again in this run

    @functools.cached_property
    def session(self) -> requests.Session:
        """Made at the first request: a client that asks nothing imports no HTTP library."""
        import requests

        session = requests.Session()
        session.headers["User-Agent"] = f"papernotes/{__version__} (research paper notes kept in git)"
        return session

    def cached(self, service: Service, path: str, params: dict[str, str]) -> Any:
        if self.cache is None or service.url is None:
            return None
        return self.cache.get(("GET", service.url + path, params))

    def down_now(self, service: Service, why: str) -> ServiceDown:
        """The service is not asked again in this run; the message says why, in one line."""
        self.down.add(service.name)
        return ServiceDown(f"{service.name} {why}; left out this time")

    def garbage(self, service: Service, what: str) -> ServiceDown:
        return self.down_now(service, f"sent {what} ({service.url})")

    def ask(self, service: Service, path: str, params: dict[str, str] | None = None, missing_ok: bool = False,
            headers: dict[str, str] | None = None, max_bytes: int = MAX_ANSWER,
            refusals: tuple[int, ...] = ()) -> Reply | ServiceDown | None:
        """The JSON answer (a Reply; its data None for what the service does not know, when
        `missing_ok`), ServiceDown, or None when the service is off or failed earlier in this run.
        An answer with a status in `refusals` (a 400 for one unknown account) is the caller's to
        read: the service is not down for it."""
        if service.url is None or service.name in self.down:
            return None
        params = params or {}
        url = service.url + path
        if (cached := self.cached(service, path, params)) is not None:
            return Reply(cached.get("data") if isinstance(cached, dict) else None, {})
        from papernotes.sources.http import GaveUp, fetch, with_retries

        def attempt() -> Any:
            wait = self._last_request + service.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return fetch(self.session.request, "GET", url, timeout=service.timeout, max_bytes=max_bytes, params=params,
                             headers=headers or {})
            finally:
                self._last_request = time.monotonic()

        try:
            answer = with_retries(attempt, RETRIES, max(service.delay, 0.05), service.name)
        except GaveUp as exc:
            return self.down_now(service, f"did not answer ({exc.reason}; {service.url})")
        except PapernotesError as exc:  # too large, or an unusable URL
            return self.down_now(service, f"sent an answer it could not use: {exc}")
        if answer.status in refusals:
            try:
                return Reply(load_json(answer.body), answer.headers, answer.status)
            except ValueError:
                return Reply(None, answer.headers, answer.status)
        if answer.status == 404 and missing_ok:
            data = None
        elif answer.status in (401, 403):
            return self.down_now(service, f"refused the request (HTTP {answer.status}: is its key or token right?)")
        elif answer.status != 200:
            return self.down_now(service, f"answered HTTP {answer.status} ({service.url})")
        else:
            try:
                data = load_json(answer.body)
            except ValueError:
                return self.garbage(service, "an answer that is not JSON")
        if self.cache is not None:
            self.cache.put(("GET", url, params), {"data": data})  # wrapped: "not known" (None) is cached too
        return Reply(data, answer.headers, answer.status)
