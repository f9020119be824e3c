"""A fake arXiv API on 127.0.0.1: serves Atom feeds in arXiv's format, and arXiv's failure modes on demand.

Entries come from real recorded responses (tests/data/arxiv/) or are generated in the same shape.
Like arXiv, it answers an id_list query with the entries it knows (here in reverse order, so a
client must match entries to IDs by ID), a 400 error feed for an ID of the wrong format, and an
empty feed for IDs it does not know.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape, quoteattr

from fakeserver import FakeHandler, QuietServer
from fakeserver import serve as serve_with
from lxml import etree

DATA = Path(__file__).parent / "data" / "arxiv"
ATOM = "http://www.w3.org/2005/Atom"
FEED_HEAD = (
    "<?xml version='1.0' encoding='UTF-8'?>\n"
    '<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/" '
    'xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">\n'
    "  <id>https://arxiv.org/api/fake</id>\n"
    "  <title>arXiv Query: {query}</title>\n"
    "  <updated>2026-11-26T00:00:00Z</updated>\n"
    "  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>\n"
    "  <opensearch:totalResults>{total}</opensearch:totalResults>\n"
    "  <opensearch:startIndex>{start}</opensearch:startIndex>\n"
)
# arXiv's own format check: what it refuses with "incorrect id format for X".
_ARXIV_ACCEPTS = re.compile(r"(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Za-z\-]{2,})?/\d{7})(v\d+)?")

FAULTS = ("429", "503", "html", "rate", "empty", "stall", "400", "reset", "garbage")


def error_feed(message: str, ident: str) -> str:
    return (
        FEED_HEAD.format(query="", per_page=1, total=1, start=0)
        + f"  <entry>\n    <id>https://arxiv.org/api/errors#incorrect_id_format_for_{escape(ident)}</id>\n"
        + "    <title>Error</title>\n    <updated>2026-11-26T00:00:00Z</updated>\n"
        + f"    <summary>{escape(message)}</summary>\n"
        + "    <author>\n      <name>arXiv api core</name>\n    </author>\n  </entry>\n</feed>\n"
    )


def make_entry(
    ident: str,
    title: str,
    authors: list[str],
    *,
    version: int = 1,
    summary: str = "An abstract.",
    published: str = "2018-10-11T17:59:46Z",
    updated: str | None = None,
    categories: tuple[str, ...] = ("cs.CL",),
    comment: str | None = None,
    journal_ref: str | None = None,
    doi: str | None = None,
) -> str:
    """One <entry> in the shape arXiv sends (see tests/data/arxiv/1605.08386.xml)."""
    parts = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{escape(ident)}v{version}</id>",
        f"    <title>{escape(title)}</title>",
        f"    <updated>{updated or published}</updated>",
        f'    <link href="https://arxiv.org/abs/{escape(ident)}v{version}" rel="alternate" type="text/html"/>',
        f'    <link href="https://arxiv.org/pdf/{escape(ident)}v{version}" rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(summary)}</summary>",
    ]
    parts += [f'    <category term={quoteattr(c)} scheme="http://arxiv.org/schemas/atom"/>' for c in categories]
    parts.append(f"    <published>{published}</published>")
    if comment is not None:
        parts.append(f"    <arxiv:comment>{escape(comment)}</arxiv:comment>")
    parts.append(f'    <arxiv:primary_category term={quoteattr(categories[0])}/>')
    if journal_ref is not None:
        parts.append(f"    <arxiv:journal_ref>{escape(journal_ref)}</arxiv:journal_ref>")
    if doi is not None:
        parts.append(f"    <arxiv:doi>{escape(doi)}</arxiv:doi>")
    parts += [f"    <author>\n      <name>{escape(a)}</name>\n    </author>" for a in authors]
    parts.append("  </entry>")
    return "\n".join(parts) + "\n"


def recorded_entries(path: Path) -> dict[str, str]:
    """The <entry> elements of a recorded feed, keyed by their ID without version."""
    root = etree.fromstring(path.read_bytes())
    entries = {}
    for entry in root.iter(f"{{{ATOM}}}entry"):
        entry_id = entry.findtext(f"{{{ATOM}}}id") or ""
        if "/abs/" not in entry_id:
            continue
        ident = re.sub(r"v\d+$", "", entry_id.split("/abs/", 1)[1])
        entries[ident] = "  " + etree.tostring(entry, encoding="unicode").strip() + "\n"
    return entries


@dataclass
class Request:
    path: str
    query: dict[str, list[str]]
    user_agent: str

    @property
    def id_list(self) -> list[str]:
        raw = self.query.get("id_list", [""])[0]
        return [i for i in raw.split(",") if i]


_QUERY_TOKEN = re.compile(r'\s*(\(|\)|ANDNOT\b|AND\b|OR\b|[a-zA-Z]+:(?:"[^"]*"|\[[^\]]*\]|[^\s()]+))')


def matches_query(query: str, meta: dict[str, object]) -> bool:
    """arXiv's search syntax, the part papernotes uses: ti: au: abs: cat: all: and submittedDate:[A TO B]
    terms, AND / OR / ANDNOT, parentheses. Raises ValueError for what arXiv would refuse."""
    tokens: list[str] = []
    position = 0
    while position < len(query.rstrip()):
        match = _QUERY_TOKEN.match(query, position)
        if not match:
            raise ValueError(f"malformed query near {query[position:position + 20]!r}")
        tokens.append(match.group(1))
        position = match.end()

    def term(token: str) -> bool:
        name, _, value = token.partition(":")
        value = value.strip('"').lower()
        if name == "submittedDate":
            low, _, high = value.strip("[]").partition(" to ")
            stamp = str(meta["published"]).replace("-", "").replace("T", "").replace(":", "")[:12]
            return low <= stamp <= high
        fields = {"ti": [meta["title"]], "au": meta["authors"], "abs": [meta["summary"]], "cat": meta["categories"],
                  "all": [meta["title"], meta["summary"], *meta["authors"]]}  # type: ignore[list-item]
        if name not in fields:
            raise ValueError(f"unknown field {name}")
        return any(value in str(text).lower() for text in fields[name])  # type: ignore[attr-defined]

    def expression(i: int) -> tuple[bool, int]:
        value, i = operand(i)
        while i < len(tokens) and tokens[i] in ("AND", "OR", "ANDNOT"):
            operator = tokens[i]
            right, i = operand(i + 1)
            value = value and right if operator == "AND" else value or right if operator == "OR" else value and not right
        return value, i

    def operand(i: int) -> tuple[bool, int]:
        if i >= len(tokens):
            raise ValueError("query ends too early")
        if tokens[i] == "(":
            value, i = expression(i + 1)
            if i >= len(tokens) or tokens[i] != ")":
                raise ValueError("unbalanced parentheses")
            return value, i + 1
        return term(tokens[i]), i + 1

    value, end = expression(0)
    if end != len(tokens):
        raise ValueError("unexpected text at the end of the query")
    return value


@dataclass
class FakeArxiv:
    """The server's state; tests add entries, queue faults and read the request log."""

    entries: dict[str, str] = field(default_factory=dict)
    meta: dict[str, dict[str, object]] = field(default_factory=dict)  # what search queries look at
    faults: deque[str] = field(default_factory=deque)
    always: str | None = None  # a fault served to every request
    stall_seconds: float = 3.0
    requests: list[Request] = field(default_factory=list)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, ident: str, title: str, authors: list[str], **kwargs: object) -> None:
        self.entries[ident] = make_entry(ident, title, authors, **kwargs)  # type: ignore[arg-type]
        self.meta[ident] = {"title": title, "authors": authors, "summary": kwargs.get("summary", "An abstract."),
                            "categories": list(kwargs.get("categories", ("cs.CL",))),  # type: ignore[call-overload]
                            "published": kwargs.get("published", "2018-10-11T17:59:46Z")}

    def add_recorded(self, name: str) -> None:
        self.entries.update(recorded_entries(DATA / name))

    def next_fault(self) -> str | None:
        with self._lock:
            if self.faults:
                return self.faults.popleft()
            return self.always


class _Handler(FakeHandler):
    def _send(self, status: int, body: str, content_type: str = "application/atom+xml; charset=utf-8") -> None:
        self.reply(status, body.encode("utf-8"), content_type)

    def do_GET(self) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        request = Request(parts.path, parse_qs(parts.query, keep_blank_values=True), self.headers.get("User-Agent", ""))
        with state._lock:
            state.requests.append(request)
        if parts.path != "/api/query":
            self._send(404, "<html><body>Not Found</body></html>", "text/html")
            return
        fault = state.next_fault()
        if fault == "429":
            self._send(429, "Rate exceeded.", "text/plain")
        elif fault == "503":
            self._send(503, "<html><body>Service Unavailable</body></html>", "text/html")
        elif fault == "html":
            self._send(200, "<!DOCTYPE html><html><head><title>arXiv</title></head><body>maintenance</body></html>", "text/html")
        elif fault == "rate":
            self._send(200, "Rate exceeded.", "text/plain")
        elif fault == "garbage":
            self._send(200, "<feed xmlns='http://www.w3.org/2005/Atom'><entry><id>", "application/atom+xml")
        elif fault == "empty":
            # arXiv's known flake: a page that counts results but holds none (an unknown ID counts 0).
            self._send(200, FEED_HEAD.format(query="", per_page=0, total=max(1, len(request.id_list)), start=0) + "</feed>\n")
        elif fault == "stall":
            time.sleep(state.stall_seconds)
            self._send(503, "late", "text/plain")
        elif fault == "reset":
            self.connection.shutdown(2)
        elif fault == "400":
            self._send(400, error_feed("incorrect id format for abc", "abc"))
        else:
            self._answer(request)

    def _answer(self, request: Request) -> None:
        state = self.server.state
        query = request.query.get("search_query", [""])[0]
        if query:
            self._search(request, query)
            return
        ids = request.id_list
        for ident in ids:
            if not _ARXIV_ACCEPTS.fullmatch(ident):
                self._send(400, error_feed(f"incorrect id format for {ident}", ident))
                return
        start = int(request.query.get("start", ["0"])[0])
        max_results = int(request.query.get("max_results", ["10"])[0])
        found = [state.entries[i] for i in (re.sub(r"v\d+$", "", x) for x in ids) if i in state.entries]
        found.reverse()
        page = found[start : start + max_results]
        feed = FEED_HEAD.format(query=escape(request.query.get("id_list", [""])[0]), per_page=len(page), total=len(found), start=start)
        self._send(200, feed + "".join(page) + "</feed>\n")


    def _search(self, request: Request, query: str) -> None:
        """A search, sorted by submission date (newest first, as papernotes asks), paged by start/max_results."""
        state = self.server.state
        try:
            found = [i for i, meta in state.meta.items() if matches_query(query, meta)]
        except ValueError as exc:
            self._send(400, error_feed(f"malformed query: {exc}", "query"))
            return
        found.sort(key=lambda i: (str(state.meta[i]["published"]), i), reverse=True)
        start = int(request.query.get("start", ["0"])[0])
        max_results = int(request.query.get("max_results", ["10"])[0])
        page = [state.entries[i] for i in found[start : start + max_results]]
        feed = FEED_HEAD.format(query=escape(query), per_page=len(page), total=len(found), start=start)
        self._send(200, feed + "".join(page) + "</feed>\n")


def serve() -> tuple[FakeArxiv, QuietServer]:
    """Start a server on a free loopback port; the caller shuts it down."""
    server = serve_with(_Handler, FakeArxiv(), "/api/query")
    return server.state, server
