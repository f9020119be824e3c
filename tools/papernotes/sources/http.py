"""Bounded HTTP for every service the tools talk to: a total time limit and a body size limit per
request, whatever the server does (a stalled or trickling answer, a body that inflates when
decompressed), and one classification of failures into "try again" and "give up".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from papernotes.errors import PapernotesError
from papernotes.files import CACHE, UnreadableFile, WriteError, load_json, read_inside, write_file

if TYPE_CHECKING:  # imported where a request is made: a third of `status KEY read`, which asks only a running Zotero
    import requests

MAX_BODY = 32 * 1024 * 1024  # the largest answer read from any service: 32 MiB


class Transient(Exception):
    """A failure worth retrying: no connection, a timeout, 429 or a 5xx answer. No connection at all
    (`unconnected`: an unknown host, no network, nothing listening) is tried once more only: offline,
    `add` sat 36 s in backoff before saying so."""

    def __init__(self, reason: str, retry_after: float | None = None, unconnected: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.unconnected = unconnected


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def env_seconds(name: str, default: float, timeout: bool = False) -> float:
    """A number of seconds from the environment (more than 0 for a `timeout`, else 0 or more), or a
    clear error naming the variable."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise PapernotesError(f"{name}={raw!r} is not a number of seconds") from None
    if not 0 <= value < 1e6 or timeout and value == 0:
        raise PapernotesError(f"{name}={raw!r} must be a number of seconds from {'more than ' if timeout else ''}0 up")
    return value


def fetch(send: Callable[..., requests.Response], method: str, url: str, *, timeout: float,
          max_bytes: int = MAX_BODY, **kwargs: object) -> Answer:
    """One request through `send` (a session's `request`), read within `timeout` seconds in all and
    `max_bytes` bytes (after decompression)."""
    import requests
    import urllib3

    deadline = time.monotonic() + timeout
    try:
        response = _before(deadline, timeout, lambda: send(method, url, timeout=(timeout, timeout), stream=True, **kwargs))
    except requests.Timeout:
        raise Transient(f"no answer within {timeout:g} s") from None
    except requests.ConnectionError as exc:
        raise Transient(f"cannot connect ({short_reason(exc)})", unconnected=True) from None
    except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema) as exc:
        raise PapernotesError(f"{url} is not a usable URL ({exc})") from None
    except requests.TooManyRedirects:
        raise Transient("too many redirects") from None
    chunks: list[bytes] = []
    size = 0
    try:
        with response:
            # read1 returns whatever has arrived, so a server that trickles a byte at a time cannot
            # hold a read past the deadline (iter_content would wait for a whole chunk).
            while chunk := response.raw.read1(65536, decode_content=True):
                size += len(chunk)
                if size > max_bytes:
                    raise PapernotesError(f"the answer from {url.split('?')[0]} is larger than {max_bytes // (1024 * 1024)} MiB; not read")
                if time.monotonic() > deadline:
                    raise Transient(f"the answer took longer than {timeout:g} s")
                chunks.append(chunk)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError,
            urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as exc:
        raise Transient(f"the answer broke off ({short_reason(exc)})") from None
    except (requests.Timeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        raise Transient(f"no answer within {timeout:g} s") from None
    headers = {k.lower(): v for k, v in response.headers.items()}
    answer = Answer(response.status_code, headers, b"".join(chunks))
    if answer.status == 429 or answer.status >= 500:
        said = json_message(answer.body)
        raise Transient(f"HTTP {answer.status}" + (f": {said}" if said else ""), retry_after(headers))
    return answer


def _before(deadline: float, timeout: float, start: Callable[[], requests.Response]) -> requests.Response:
    """`start()` (connect, send, read the status line and headers) within the deadline. A socket
    timeout bounds each read, not the whole: a server sending a header line a second never trips it.
    So the exchange runs in a worker thread and is abandoned at the deadline; its socket closes with
    the process (or when the server gives up), and nothing it reads is used."""
    outcome: list[Any] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome.append(start())
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread as it is
            outcome.append(exc)
        done.set()

    threading.Thread(target=work, daemon=True, name="papernotes-request").start()
    if not done.wait(max(deadline - time.monotonic(), 0)):
        raise Transient(f"no answer within {timeout:g} s")
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    response: requests.Response = outcome[0]
    return response


def json_message(body: bytes) -> str | None:
    """The `message` or `error` a JSON API puts in its error answers, if any."""
    try:
        data = load_json(body[:10000])
    except ValueError:
        return None
    if isinstance(data, dict):
        said = data.get("message") or data.get("error")
        return str(said)[:300] if said else None
    return None


def short_reason(exc: Exception) -> str:
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] [^'\")\]]+|Connection refused|Read timed out|Connection broken[^'\")\]]*", text)
    return match.group(0) if match else text[:80]


def retry_after(headers: dict[str, str]) -> float | None:
    """How long a server asked to wait: Retry-After in seconds, else the moment its rate limit resets
    (Bluesky's `RateLimit-Reset`, a Unix time)."""
    value = headers.get("retry-after", "").strip()
    if value.isdigit() and len(value) < 10:
        return float(value)
    reset = headers.get("ratelimit-reset", "").strip()
    if reset.isdigit() and len(reset) < 12:
        return max(float(reset) - time.time(), 0.0)
    return None


# A server may ask for any wait (Retry-After: 100000). A wait longer than MAX_RETRY_WAIT is not
# waited at all (a shorter one would only be refused again), and all the waits before one request
# gives up are capped: a command never sits silent for minutes.
MAX_RETRY_WAIT = 15.0
MAX_TOTAL_WAIT = 45.0


def wait_to_retry(exc: Transient, backoff: float, waited: float, service: str) -> float | None:
    """Sleep before the next try (the server's Retry-After, else `backoff`, capped), saying so on stderr
    when it is long; return the new total waited, or None when the server asks for more than
    MAX_RETRY_WAIT or the total would pass MAX_TOTAL_WAIT."""
    if exc.retry_after is not None and exc.retry_after > MAX_RETRY_WAIT:
        print(f"{service} answered {exc.reason} and asked to be left alone for {exc.retry_after:g} s (Retry-After); "
              "not waiting that long", file=sys.stderr, flush=True)
        return None
    wanted = max(exc.retry_after if exc.retry_after is not None else backoff, 0.0)
    seconds = min(wanted, MAX_RETRY_WAIT, MAX_TOTAL_WAIT - waited)
    if wanted > seconds and waited + seconds >= MAX_TOTAL_WAIT:
        return None  # the server wants more than is left to give
    if seconds >= 2:
        asked = f" (it asked for {wanted:g} s with Retry-After)" if exc.retry_after is not None else ""
        failed = f"{service}: {exc.reason}" if exc.unconnected else f"{service} answered {exc.reason}"
        print(f"{failed}: waiting {seconds:g} s before trying again{asked}", file=sys.stderr, flush=True)
    time.sleep(seconds)
    return waited + seconds


T = TypeVar("T")


def with_retries(attempt: Callable[[], T], retries: int, backoff: float, service: str) -> T:
    """`attempt()` until it succeeds, retried `retries` times on a Transient failure with exponential
    backoff (or the server's Retry-After), within the caps above: the one retry policy of every source.
    Raises GaveUp with the last reason and the number of tries."""
    last = ""
    waited: float | None = 0.0
    for number in range(retries + 1):
        try:
            return attempt()
        except Transient as exc:
            last = exc.reason
            if number == retries or exc.unconnected and number >= 1:
                break
            waited = wait_to_retry(exc, backoff * 2**number, waited or 0.0, service)
            if waited is None:
                break
    raise GaveUp(last, number + 1)


class GaveUp(Exception):
    """A service kept failing; each source turns this into its own error."""

    def __init__(self, reason: str, tries: int) -> None:
        super().__init__(reason)
        self.reason, self.tries = reason, tries


class JsonCache:
    """Answers kept in `.cache/papernotes/NAME/` for `max_age`, one file per request, each with a
    digest of its data: a damaged or hand-edited entry is asked for again, never used, and so is one
    saved in the future (a clock set wrong, or a file made to never expire). Only saves requests: a
    cache that cannot be read or written is no error. Read and written under the rule of
    `papernotes.files` (a library's `.cache/` may come from anywhere)."""

    def __init__(self, root: Path, name: str, max_age: dt.timedelta) -> None:
        self.root = root
        self.folder = root / CACHE / name
        self.max_age = max_age

    def _file(self, request: Any) -> Path:
        key = json.dumps(request, sort_keys=True, default=sorted)
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def get(self, request: Any) -> Any:
        try:
            entry = load_json(read_inside(self.root, self._file(request), MAX_BODY + 1024))
            saved = dt.datetime.fromisoformat(entry["saved"])
            digest = hashlib.sha256(json.dumps(entry["data"], sort_keys=True).encode()).hexdigest()
            age = dt.datetime.now(dt.UTC) - saved
        except (UnreadableFile, ValueError, KeyError, TypeError):
            return None  # missing, old or damaged: ask again
        if digest != entry.get("sha256") or not dt.timedelta(0) <= age <= self.max_age:
            return None
        return entry["data"]

    def put(self, request: Any, data: Any) -> None:
        entry = {"saved": dt.datetime.now(dt.UTC).isoformat(), "data": data,
                 "sha256": hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()}
        try:
            write_file(self._file(request), json.dumps(entry), root=self.root)
        except WriteError:
            pass
