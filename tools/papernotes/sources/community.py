"""What the community knows of a paper: its code (Papers with Code's repositories, flagged official;
Hugging Face's GitHub link) and its popularity (Hugging Face daily papers' upvotes, Papers with
Code's trending list).

Both services are optional: a base URL set to "off" (HF_API_URL=off, PWC_API_URL=off) turns one
off, and a service that is down or answers garbage raises ServiceDown, which callers turn into a
one-line warning. Every request goes through the one bounded fetch with few retries (these answers
are a nicety: a command does not wait minutes for them) and a politeness delay, and answers are
cached in .cache/ for a day. Shapes as huggingface_hub (HfApi.paper_info, list_daily_papers) and
huggingface/pwc-cli (papers/{id}?include_resources, papers/trending) read them.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from papernotes import __version__
from papernotes.errors import PapernotesError
from papernotes.files import load_json
from papernotes.model.ids import InvalidArxivId, code_link, parse_arxiv_id

HF_DEFAULT = "https://huggingface.co"
PWC_DEFAULT = "https://paperswithcode.co/api/v1"
RETRIES = 1
PAGE = 100  # daily papers per request
MAX_PAGES = 20  # a week of daily papers is a few hundred; a server paging forever stops here
MAX_TRENDING = 200
MAX_ANSWER = 8 * 1024 * 1024
MAX_UPVOTES = 10**7


class ServiceDown(PapernotesError):
    """A service did not answer usefully; the message names it and says why, in one line."""


@dataclass(frozen=True)
class Service:
    name: str
    url: str | None  # None: turned off
    delay: float
    timeout: float

    @classmethod
    def from_env(cls, name: str, prefix: str, default: str) -> Service:
        from papernotes.sources.http import env_seconds

        raw = (os.environ.get(f"{prefix}_URL") or default).strip().rstrip("/")
        if raw.lower() == "off":
            url = None
        elif not raw.startswith(("http://", "https://")):
            raise PapernotesError(f"{prefix}_URL={raw!r} is not an http(s) URL (or 'off')")
        else:
            url = raw
        return cls(name, url, env_seconds(f"{prefix}_DELAY", 0.2), env_seconds(f"{prefix}_TIMEOUT", 15.0, timeout=True))


@dataclass(frozen=True)
class Daily:
    upvotes: dict[str, int]  # by arXiv ID
    code: dict[str, str]


class Community:
    def __init__(self, cache_root: Path | None = None, max_age: dt.timedelta = dt.timedelta(days=1)) -> None:
        """Answers are kept a day in the library at `cache_root`, when given."""
        import requests

        from papernotes.sources.http import JsonCache

        self.hf = Service.from_env("Hugging Face", "HF_API", HF_DEFAULT)
        self.pwc = Service.from_env("Papers with Code", "PWC_API", PWC_DEFAULT)
        self.session = requests.Session()
        self.session.headers["User-Agent"] = f"papernotes/{__version__} (research paper notes kept in git)"
        self.cache = JsonCache(cache_root, "community", max_age) if cache_root is not None else None
        self._last_request = 0.0
        self.down: set[str] = set()  # services that failed once: not asked again in this run

    # -- code ---------------------------------------------------------------------------------------

    def _code_requests(self, arxiv: str) -> list[tuple[Service, str, dict[str, str]]]:
        return [(self.pwc, f"/papers/{quote(arxiv)}", {"include_resources": "true"}), (self.hf, f"/api/papers/{quote(arxiv)}", {})]

    def knows(self, arxiv: str) -> bool:
        """Whether every answer about this paper's code is in the cache (asking costs nothing)."""
        return all(service.url is None or service.name in self.down or self._cached(service, path, params) is not None
                   for service, path, params in self._code_requests(arxiv))

    def code(self, arxiv: str) -> Iterator[str | ServiceDown]:
        """A paper's repository from each service that knows it: Papers with Code's official one first,
        then Hugging Face's. A failing service yields its ServiceDown instead, once per run."""
        (pwc, pwc_path, pwc_params), (hf, hf_path, hf_params) = self._code_requests(arxiv)
        paper = self._ask(pwc, pwc_path, pwc_params, missing_ok=True)
        if isinstance(paper, ServiceDown):
            yield paper
        elif isinstance(paper, dict):
            repositories = [r for r in paper.get("repositories") or [] if isinstance(r, dict)][:100]
            for repository in sorted(repositories, key=lambda r: r.get("is_official") is not True):
                if repository.get("is_official") is True and (url := code_link(repository.get("url"))):
                    yield url
                    break
        paper = self._ask(hf, hf_path, hf_params, missing_ok=True)
        if isinstance(paper, ServiceDown):
            yield paper
        elif isinstance(paper, dict) and (url := code_link(paper.get("githubRepo"))):
            yield url

    # -- popularity ---------------------------------------------------------------------------------

    def daily(self, week: str) -> Daily | ServiceDown:
        """Hugging Face daily papers of an ISO week (2026-W48): their upvotes and GitHub links."""
        found = Daily({}, {})
        for page in range(MAX_PAGES):
            answer = self._ask(self.hf, "/api/daily_papers", {"week": week, "limit": str(PAGE), "p": str(page)})
            if isinstance(answer, ServiceDown):
                return answer
            if answer is None:  # turned off
                break
            if not isinstance(answer, list):
                return self._garbage(self.hf, "daily papers that are not a list")
            for item in answer:
                paper = item.get("paper") if isinstance(item, dict) else None
                if not isinstance(paper, dict):
                    continue
                ident, votes = _arxiv(paper.get("id")), paper.get("upvotes")
                if ident and type(votes) is int and 0 <= votes < MAX_UPVOTES:
                    found.upvotes[ident] = max(votes, found.upvotes.get(ident, 0))
                if ident and (url := code_link(paper.get("githubRepo") or item.get("githubRepo"))):
                    found.code.setdefault(ident, url)
            if len(answer) < PAGE:
                break
        return found

    def trending(self) -> list[str] | ServiceDown:
        """Papers with Code's trending papers, most trending first (arXiv IDs)."""
        answer = self._ask(self.pwc, "/papers/trending", {"limit": str(MAX_TRENDING)})
        if isinstance(answer, ServiceDown) or answer is None:
            return answer or []
        rows = answer.get("results") if isinstance(answer, dict) else answer
        if not isinstance(rows, list):
            return self._garbage(self.pwc, "a trending list without results")
        return list(dict.fromkeys(ident for row in rows[:MAX_TRENDING] if isinstance(row, dict)
                                  if (ident := _arxiv(row.get("arxiv_id")))))

    # -- requests -----------------------------------------------------------------------------------

    def _cached(self, service: Service, path: str, params: dict[str, str]) -> Any:
        if self.cache is None or service.url is None:
            return None
        return self.cache.get(("GET", service.url + path, params))

    def _down(self, service: Service, why: str) -> ServiceDown:
        """The service is not asked again in this run; the message says why, in one line."""
        self.down.add(service.name)
        return ServiceDown(f"{service.name} {why}; left out this time")

    def _garbage(self, service: Service, what: str) -> ServiceDown:
        return self._down(service, f"sent {what} ({service.url})")

    def _ask(self, service: Service, path: str, params: dict[str, str], missing_ok: bool = False) -> Any:
        """The JSON answer, None for a paper the service does not know (`missing_ok`), or ServiceDown."""
        if service.url is None or service.name in self.down:
            return None
        url = service.url + path
        if (cached := self._cached(service, path, params)) is not None:
            return cached.get("data") if isinstance(cached, dict) else None
        from papernotes.sources.http import GaveUp, fetch, with_retries

        def attempt() -> Any:
            wait = self._last_request + service.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                return fetch(self.session.request, "GET", url, timeout=service.timeout, max_bytes=MAX_ANSWER, params=params)
            finally:
                self._last_request = time.monotonic()

        try:
            answer = with_retries(attempt, RETRIES, max(service.delay, 0.05), service.name)
        except GaveUp as exc:
            return self._down(service, f"did not answer ({exc.reason}; {service.url})")
        except PapernotesError as exc:  # too large, or an unusable URL
            return self._down(service, f"sent an answer it could not use: {exc}")
        if answer.status == 404 and missing_ok:
            data = None
        elif answer.status != 200:
            return self._down(service, f"answered HTTP {answer.status} ({service.url})")
        else:
            try:
                data = load_json(answer.body)
            except ValueError:
                return self._garbage(service, "an answer that is not JSON")
        if self.cache is not None:
            self.cache.put(("GET", url, params), {"data": data})  # wrapped: "not known" (None) is cached too
        return data


def _arxiv(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > 40:
        return None
    try:
        return parse_arxiv_id(value).canonical
    except InvalidArxivId:
        return None


def code_in_text(*texts: str | None) -> str | None:
    """The first repository link in a paper's own words (its arXiv comment, then its abstract)."""
    return next((url for text in texts if (url := code_link(text))), None)
