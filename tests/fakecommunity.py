"""A fake Hugging Face papers API and a fake Papers with Code API on 127.0.0.1, in the shapes their
clients read (huggingface_hub's HfApi.paper_info and list_daily_papers; huggingface/pwc-cli's
`papers/{id}?include_resources=true` and `papers/trending`):

    GET /hf/api/papers/{arxiv}                 {"id", "title", "summary", "upvotes", "githubRepo", ...} or 404
    GET /hf/api/daily_papers?week=&limit=&p=   [{"paper": {"id", "upvotes", "githubRepo", ...}, "title", ...}]
    GET /pwc/api/v1/papers/{arxiv}?include_resources=true
                                               {"arxiv_id", "title", "repositories": [{"url", "is_official"}], ...}
    GET /pwc/api/v1/papers/trending?limit=     {"count", "next", "previous", "results": [{"arxiv_id", "title", ...}]}

Faults on demand: "500", "garbage" (not JSON), "stall" (no answer within the client's timeout), "huge",
"deep" (JSON nested 100,000 levels).
"""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from fakeserver import FakeHandler, QuietServer
from fakeserver import serve as serve_with

DEEP = "[" * 100_000 + "]" * 100_000  # valid JSON nested deeper than any parser recurses


@dataclass
class FakeCommunity:
    hf_papers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by arXiv ID
    pwc_papers: dict[str, dict[str, Any]] = field(default_factory=dict)
    daily: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # by ISO week
    trending: list[dict[str, Any]] = field(default_factory=list)
    faults: dict[str, deque[str]] = field(default_factory=lambda: {"hf": deque(), "pwc": deque()})
    requests: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  # (service, path, query)
    url: str = ""

    @property
    def env(self) -> dict[str, str]:
        return {"HF_API_URL": self.url + "/hf", "PWC_API_URL": self.url + "/pwc/api/v1",
                "HF_API_DELAY": "0", "PWC_API_DELAY": "0", "HF_API_TIMEOUT": "1", "PWC_API_TIMEOUT": "1"}

    def add(self, arxiv: str, title: str, *, upvotes: int = 0, github: str | None = None,
            repositories: list[dict[str, Any]] | None = None, week: str | None = None) -> None:
        """A paper both services know (Hugging Face with its upvotes and GitHub link, Papers with Code
        with its repositories), in the daily papers of `week` when given."""
        hf = {"id": arxiv, "authors": [{"_id": "x", "name": "Ada Lovelace", "hidden": False}], "publishedAt": "2026-11-24T00:00:00.000Z",
              "title": title, "summary": "An abstract.", "upvotes": upvotes, "discussionId": "d" + arxiv,
              "ai_summary": "", "ai_keywords": []}
        if github is not None:
            hf["githubRepo"] = github
            hf["githubStars"] = 10
        self.hf_papers[arxiv] = hf
        self.pwc_papers[arxiv] = {"id": "9" + arxiv.replace(".", ""), "arxiv_id": arxiv, "title": title,
                                  "abstract": "An abstract.", "authors": ["Ada Lovelace"], "published": "2026-11-24",
                                  "url_abs": f"https://arxiv.org/abs/{arxiv}", "repositories": repositories or [],
                                  "project_pages": [], "hf_models": [], "hf_datasets": [], "hf_spaces": []}
        if week:
            self.daily.setdefault(week, []).append({"paper": dict(hf), "publishedAt": "2026-11-24T10:00:00.000Z",
                                                    "title": title, "thumbnail": "", "numComments": 0,
                                                    "submittedBy": {"_id": "u", "fullname": "U", "name": "u"}})


class _Handler(FakeHandler):
    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        service = "hf" if parts.path.startswith("/hf/") else "pwc"
        state.requests.append((service, parts.path, query))
        fault = state.faults[service].popleft() if state.faults[service] else None
        if fault == "500":
            return self._send(500, {"error": "Internal Server Error"})
        if fault == "garbage":
            return self._raw(200, b"<html>not json</html>")
        if fault == "stall":
            time.sleep(3)
            return self._send(200, {})
        if fault == "deep":
            return self._raw(200, DEEP.encode())
        if fault == "huge":
            return self._raw(200, b"[" + b"0," * (5 * 1024 * 1024) + b"0]")
        path = unquote(parts.path)
        if path == "/hf/api/daily_papers":
            rows = state.daily.get(query.get("week", ""), [])
            limit, page = int(query.get("limit", "50")), int(query.get("p", "0"))
            return self._send(200, rows[page * limit : (page + 1) * limit])
        if path.startswith("/hf/api/papers/"):
            paper = state.hf_papers.get(path.rsplit("/", 1)[1])
            return self._send(200, paper) if paper else self._send(404, {"error": "Paper not found"})
        if path == "/pwc/api/v1/papers/trending":
            rows = state.trending[: int(query.get("limit", "20"))]
            return self._send(200, {"count": len(rows), "next": None, "previous": None, "results": rows})
        if path.startswith("/pwc/api/v1/papers/"):
            paper = state.pwc_papers.get(path.rsplit("/", 1)[1])
            if paper and query.get("include_resources") != "true":
                paper = {k: v for k, v in paper.items() if k not in ("repositories", "project_pages")}
            return self._send(200, paper) if paper else self._send(404, {"detail": "Not found."})
        return self._send(404, {"detail": "Not found."})

    def _send(self, status: int, data: Any) -> None:
        self.reply_json(status, data)

    def _raw(self, status: int, body: bytes) -> None:
        self.reply(status, body, "application/json")

def serve() -> tuple[FakeCommunity, QuietServer]:
    server = serve_with(_Handler, FakeCommunity())
    return server.state, server
