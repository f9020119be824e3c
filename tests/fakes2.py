"""A fake Semantic Scholar Graph and Recommendations API on 127.0.0.1, in the shapes of the recorded
answers in tests/data/s2/.

Papers are looked up by every ID form the real API takes (its own paperId, `DOI:`, `arXiv:`,
`CorpusId:`, `ACL:`, `URL:`); answers carry only the fields asked for, references and citations
are paged with `offset`/`next`, the batch endpoint answers `null` for IDs it does not know, and
unknown papers get the real 404 body, the recommender answers with the papers a test put in
`recommended` (a 400, as the real one, for no positive example). Recorded cassettes can be replayed
as they are. Faults
(429 with the real message, 500, a stall) are served on demand.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import yaml
from fakeserver import FakeHandler, QuietServer
from fakeserver import serve as serve_with

DATA = Path(__file__).parent / "data" / "s2"
TOO_MANY = {"message": "Too Many Requests. Please wait and try again or apply for a key for higher rate limits. "
                       "https://www.semanticscholar.org/product/api#api-key-form", "code": "429"}
ROW_FIELDS = {"contexts", "intents", "isInfluential"}

DEEP = "[" * 100_000 + "]" * 100_000  # valid JSON nested deeper than any parser recurses


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Any
    headers: dict[str, str]


@dataclass
class FakeS2:
    papers: dict[str, dict[str, Any]] = field(default_factory=dict)  # by paperId
    references: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    citations: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    recommended: list[str] = field(default_factory=list)  # paperIds the recommender answers with, best first
    replays: dict[tuple[str, str], list[tuple[dict[str, str], Any, int]]] = field(default_factory=dict)
    faults: deque[str] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    stall_seconds: float = 3.0
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, paper_id: str, title: str, authors: list[str] | None = None, *, year: int | None = 2018,
            venue: str = "", arxiv: str | None = None, doi: str | None = None, acl: str | None = None,
            urls: tuple[str, ...] = (), citations: int = 0, abstract: str | None = None) -> dict[str, Any]:
        external: dict[str, Any] = {"CorpusId": abs(hash(paper_id)) % 10**8}
        if arxiv:
            external["ArXiv"] = arxiv
        if doi:
            external["DOI"] = doi
        if acl:
            external["ACL"] = acl
        paper = {
            "paperId": paper_id, "title": title, "year": year, "venue": venue, "citationCount": citations,
            "authors": [{"authorId": str(i), "name": name} for i, name in enumerate(authors or ["Ada Lovelace"])],
            "externalIds": external, "abstract": abstract, "journal": {"name": venue} if venue else None,
            "publicationDate": f"{year}-06-01" if year else None,
            "url": f"https://www.semanticscholar.org/paper/{paper_id}", "_urls": list(urls),
        }
        self.papers[paper_id] = paper
        return paper

    def cite(self, citing: str, cited: str | dict[str, Any], *, influential: bool = False,
             contexts: tuple[str, ...] = ()) -> None:
        """`citing` cites `cited` (a paperId, or a bare {"title": ...} that Semantic Scholar could not resolve)."""
        row = {"isInfluential": influential, "contexts": list(contexts), "intents": []}
        self.references.setdefault(citing, []).append({**row, "cited": cited})
        if isinstance(cited, str):
            self.citations.setdefault(cited, []).append({**row, "citing": citing})

    def replay(self, cassette: str) -> None:
        """Serve the recorded answers of a cassette for requests to the same path (and offset, ids)."""
        for interaction in yaml.safe_load((DATA / cassette).read_text(encoding="utf-8"))["interactions"]:
            request, response = interaction["request"], interaction["response"]
            parts = urlsplit(request["uri"])
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            body = json.loads(request["body"]) if request.get("body") else None
            key = (request["method"], unquote(parts.path))
            match = {"offset": query.get("offset", "0")} if "offset" in query else {}
            if body and "ids" in body:
                match["ids"] = json.dumps([_bare(i) for i in body["ids"]])
            self.replays.setdefault(key, []).append((match, response["body"]["string"], response["status"]["code"]))

    def lookup(self, ident: str) -> dict[str, Any] | None:
        kind, _, value = ident.partition(":")
        if not value:
            return self.papers.get(ident)
        for paper in self.papers.values():
            ids = paper["externalIds"]
            if kind.lower() == "doi" and str(ids.get("DOI", "")).lower() == value.lower():
                return paper
            if kind.lower() == "arxiv" and ids.get("ArXiv") == value:
                return paper
            if kind.lower() == "corpusid" and str(ids.get("CorpusId")) == value:
                return paper
            if kind.lower() == "acl" and ids.get("ACL") == value:
                return paper
            if kind.lower() == "url" and value in paper["_urls"]:
                return paper
        return None


def _bare(ident: str) -> str:
    return ident[4:] if ident.upper().startswith("DOI:") else ident


def shaped(paper: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    return {"paperId": paper["paperId"], **{k: paper.get(k) for k in fields if k in paper and not k.startswith("_")}}


class _Handler(FakeHandler):
    protocol_version = "HTTP/1.1"

    def _send(self, status: int, data: Any, raw: bool = False) -> None:
        self.reply(status, (data if raw else json.dumps(data)).encode("utf-8"), "application/json")

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length)) if length else None
        path = unquote(parts.path)
        with state._lock:
            state.requests.append(Request(method, path, query, body, dict(self.headers)))
            fault = state.faults.popleft() if state.faults else None
        if fault == "429":
            self._send(429, TOO_MANY)
            return
        if fault == "500":
            self._send(500, {"message": "Internal Server Error"})
            return
        if fault == "deep":
            self._send(200, DEEP, raw=True)
            return
        if fault == "stall":
            time.sleep(state.stall_seconds)
            self._send(504, {"message": "Endpoint request timed out"})
            return
        # The recordings name DOIs bare; the API takes them bare or as DOI:..., as papernotes sends them.
        for match, recorded, status in state.replays.get((method, path.replace("/paper/DOI:", "/paper/")), []):
            wanted = dict(match)
            if "ids" in wanted:
                wanted["ids"] = json.dumps([_bare(i) for i in (body or {}).get("ids", [])]) if "ids" in match else ""
                if wanted["ids"] != match["ids"]:
                    continue
            if "offset" in match and query.get("offset", "0") != match["offset"]:
                continue
            self._send(status, recorded, raw=True)
            return
        fields = set(filter(None, query.get("fields", "").split(",")))
        if path == "/recommendations/v1/papers/" and method == "POST":
            if not (body or {}).get("positivePaperIds"):
                self._send(400, {"error": "No positive paper examples given"})
                return
            chosen = state.recommended[: int(query.get("limit", "100"))]
            self._send(200, {"recommendedPapers": [shaped(state.papers[i], fields) for i in chosen]})
        elif not path.startswith("/graph/v1/paper"):
            self._send(404, {"error": "Not found"})
        elif path == "/graph/v1/paper/batch" and method == "POST":
            ids = (body or {}).get("ids", [])
            found = [state.lookup(i) for i in ids]
            self._send(200, [shaped(p, fields) if p else None for p in found])
        elif path == "/graph/v1/paper/search":
            words = query.get("query", "").casefold().split()
            hits = [p for p in state.papers.values() if all(w in p["title"].casefold() for w in words)]
            offset, limit = int(query.get("offset", "0")), int(query.get("limit", "100"))
            page = hits[offset : offset + limit]
            answer: dict[str, Any] = {"total": len(hits), "offset": offset,
                                      "data": [shaped(p, fields) for p in page]}
            if offset + limit < len(hits):
                answer["next"] = offset + limit
            self._send(200, answer)
        elif path == "/graph/v1/paper/search/match":
            wanted_title = " ".join(query.get("query", "").casefold().split())
            hits = [p for p in state.papers.values() if " ".join(p["title"].casefold().split()) == wanted_title]
            if hits:
                self._send(200, {"data": [{**shaped(hits[0], fields), "matchScore": 200.0}]})
            else:
                self._send(404, {"error": "Title match not found"})
        elif path.endswith(("/references", "/citations")):
            ident = path[len("/graph/v1/paper/"):].rsplit("/", 1)[0]
            paper = state.lookup(ident)
            if paper is None:
                self._send(404, {"error": f"Paper with id {ident} not found"})
                return
            citing = path.endswith("/citations")
            rows = (state.citations if citing else state.references).get(paper["paperId"], [])
            offset, limit = int(query.get("offset", "0")), int(query.get("limit", "100"))
            data = []
            for row in rows[offset : offset + limit]:
                other = row["citing" if citing else "cited"]
                if isinstance(other, str):
                    inner = shaped(state.papers[other], fields - ROW_FIELDS)
                else:
                    inner = {"paperId": None, **{k: other.get(k) for k in fields - ROW_FIELDS}}
                data.append({**{k: row[k] for k in fields & ROW_FIELDS}, ("citingPaper" if citing else "citedPaper"): inner})
            answer = {"offset": offset, "data": data}
            if offset + limit < len(rows):
                answer["next"] = offset + limit
            self._send(200, answer)
        else:
            ident = path[len("/graph/v1/paper/"):]
            paper = state.lookup(ident)
            if paper is None:
                self._send(404, {"error": f"Paper with id {ident} not found"})
            else:
                self._send(200, shaped(paper, fields))


def serve() -> tuple[FakeS2, QuietServer]:
    server = serve_with(_Handler, FakeS2())
    return server.state, server
