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
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from papernotes.model.ids import InvalidArxivId, code_link, parse_arxiv_id
from papernotes.sources.service import Reply, Service, ServiceClient, ServiceDown

HF_DEFAULT = "https://huggingface.co"
PWC_DEFAULT = "https://paperswithcode.co/api/v1"
PAGE = 100  # daily papers per request
MAX_PAGES = 20  # a week of daily papers is a few hundred; a server paging forever stops here
MAX_TRENDING = 200
MAX_ANSWER = 8 * 1024 * 1024
MAX_UPVOTES = 10**7


@dataclass(frozen=True)
class Daily:
    upvotes: dict[str, int]  # by arXiv ID
    code: dict[str, str]


class Community:
    def __init__(self, cache_root: Path | None = None, max_age: dt.timedelta = dt.timedelta(days=1)) -> None:
        """Answers are kept a day in the library at `cache_root`, when given."""
        self.hf = Service.from_env("Hugging Face", "HF_API", HF_DEFAULT)
        self.pwc = Service.from_env("Papers with Code", "PWC_API", PWC_DEFAULT)
        self.client = ServiceClient("community", cache_root, max_age)

    @property
    def down(self) -> set[str]:
        return self.client.down

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
        return self.client.cached(service, path, params)

    def _garbage(self, service: Service, what: str) -> ServiceDown:
        return self.client.garbage(service, what)

    def _ask(self, service: Service, path: str, params: dict[str, str], missing_ok: bool = False) -> Any:
        """The JSON answer, None for a paper the service does not know (`missing_ok`) or a service
        turned off, or ServiceDown."""
        reply = self.client.ask(service, path, params, missing_ok=missing_ok, max_bytes=MAX_ANSWER)
        return reply.data if isinstance(reply, Reply) else reply


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
