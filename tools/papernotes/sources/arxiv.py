"""Metadata from the arXiv API, through the real `arxiv` client, made polite and robust.

The client alone has no request timeout, retries 429/503 without backing off, and reads a
"Rate exceeded." text body or an HTML error page as an empty feed, i.e. as "not found". A
`requests.Session` subclass closes those gaps at the one place every request passes through,
so the client keeps doing what it does well (URL building, paging, Atom parsing).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import arxiv
import requests
from lxml import etree

from papernotes import __version__
from papernotes.errors import PapernotesError
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import Paper
from papernotes.sources.http import GaveUp, Transient, env_seconds, fetch, with_retries

DEFAULT_API_URL = "https://export.arxiv.org/api/query"
USER_AGENT = f"papernotes/{__version__} (research paper notes kept in git) arxiv.py/{arxiv.__version__}"
# arXiv serves a few hundred IDs per request comfortably; 200 keeps URLs well under 4 KB.
BATCH_SIZE = 200
SEARCH_PAGE_SIZE = 500  # a busy category's week in a few requests; arXiv serves up to 2,000 a page
# The most papers one saved query brings in a week: cs.LG alone has ~1,500, and the digest shows 50.
MAX_SEARCH_RESULTS = 2000
RETRIES = 4
_ATOM = "{http://www.w3.org/2005/Atom}"
_TOTAL_RESULTS = re.compile(rb"<opensearch:totalResults[^>]*>\s*(\d+)\s*<")


class ArxivUnavailable(PapernotesError):
    """arXiv could not be reached or kept failing; worth trying again later."""


class ArxivRejected(PapernotesError):
    """arXiv answered with an error entry (for example an ID format it does not accept)."""


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_API_URL
    delay: float = 3.0
    timeout: float = 30.0
    retries: int = RETRIES

    @classmethod
    def from_env(cls) -> Settings:
        url = os.environ.get("ARXIV_API_URL") or DEFAULT_API_URL
        if url.strip().lower() == "off":
            return cls(api_url="off")
        if not url.startswith(("http://", "https://")):
            raise PapernotesError(f"ARXIV_API_URL={url!r} is not an http(s) URL")
        return cls(api_url=url, delay=env_seconds("ARXIV_API_DELAY", 3.0), timeout=env_seconds("ARXIV_API_TIMEOUT", 30.0, timeout=True))


class _CheckedSession(requests.Session):
    """Adds a timeout and our User-Agent, and classifies what arXiv sends back."""

    def __init__(self, settings: Settings) -> None:
        super().__init__()
        self.settings = settings
        self.last_total: int | None = None  # totalResults of the last feed: 0 means "none of these exist"

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        headers = {k: v for k, v in dict(kwargs.pop("headers", None) or {}).items() if k.lower() != "user-agent"}
        headers["User-Agent"] = USER_AGENT
        kwargs.pop("timeout", None)
        # Read through web.fetch: a total time limit and a size limit, whatever the server does.
        answer = fetch(super().request, str(method), str(url), timeout=self.settings.timeout, headers=headers, **kwargs)
        body = answer.body
        error_entry = _error_entry(body)
        if error_entry is not None:
            raise ArxivRejected(f"arXiv rejected the request: {error_entry}")
        if answer.status != 200:
            raise ArxivRejected(f"arXiv answered HTTP {answer.status}")
        if b"<feed" not in body[:2000]:
            snippet = body[:60].decode("utf-8", "replace").strip().splitlines()
            raise Transient(f"arXiv sent no Atom feed ({snippet[0] if snippet else 'empty body'!r})")
        # The client's parser recovers from broken XML, so a truncated feed would read as "not found".
        try:
            etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
        except etree.XMLSyntaxError as exc:
            raise Transient(f"arXiv sent a malformed feed ({exc.msg})") from None
        total = _TOTAL_RESULTS.search(body[:4000])
        self.last_total = int(total.group(1)) if total else None
        response = requests.Response()
        response.status_code, response._content, response.url = answer.status, body, str(url)
        response.headers.update(answer.headers)
        return response


def _error_entry(body: bytes) -> str | None:
    """arXiv reports a bad query as a feed whose single entry has an `/api/errors` id."""
    if b"api/errors" not in body:
        return None
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError:
        return "malformed error feed"
    for entry in root.iter(f"{_ATOM}entry"):
        entry_id = entry.findtext(f"{_ATOM}id") or ""
        if "/api/errors" in entry_id:
            return (entry.findtext(f"{_ATOM}summary") or entry_id).strip()
    return None


@dataclass
class FetchResult:
    papers: dict[str, Paper] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)


ProgressFn = Callable[[int, int], None]


class ArxivSource:
    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self.session = _CheckedSession(self.settings)
        # Retries are ours (with backoff); the client's own retry loop would hammer arXiv.
        self.client = arxiv.Client(page_size=BATCH_SIZE, delay_seconds=self.settings.delay, num_retries=0)
        self.client._session = self.session
        self.client.query_url_format = self.settings.api_url + "?{}"

    def fetch(self, ids: Iterable[str], progress: ProgressFn | None = None) -> FetchResult:
        """Papers for canonical IDs; IDs arXiv does not know are in neither `papers` nor `rejected`."""
        if self.settings.api_url == "off":
            raise ArxivUnavailable("arXiv is off (ARXIV_API_URL=off)")
        wanted = list(dict.fromkeys(ids))
        result = FetchResult()
        for start in range(0, len(wanted), BATCH_SIZE):
            batch = wanted[start : start + BATCH_SIZE]
            self._fetch_batch(batch, result)
            if progress:
                progress(min(start + len(batch), len(wanted)), len(wanted))
        return result

    def _fetch_batch(self, batch: list[str], into: FetchResult) -> None:
        while batch:
            try:
                results = self._with_retries(batch)
                if not results and self.session.last_total != 0:
                    # arXiv sometimes answers a good query with an empty page that still counts results;
                    # one more try tells. A feed that counts none means the IDs do not exist.
                    results = self._with_retries(batch)
            except ArxivRejected as exc:
                # arXiv names the one ID it refuses; drop it and ask again for the others.
                named = re.search(r"for (\S+)$", exc.message)
                culprit = named.group(1) if named and named.group(1) in batch else None
                if culprit is None and len(batch) > 1:
                    raise
                culprit = culprit or batch[0]
                into.rejected[culprit] = exc.message
                batch = [i for i in batch if i != culprit]
                continue
            wanted = set(batch)
            for entry in results:
                paper = paper_from_result(entry)
                if paper is not None and paper.arxiv in wanted:
                    into.papers[paper.arxiv] = paper
            return

    def search(self, query: str, since: dt.date, until: dt.date) -> tuple[list[Paper], int | None]:
        """The newest papers (at most MAX_SEARCH_RESULTS) matching an arXiv search query submitted from
        `since` to `until`, in pages of SEARCH_PAGE_SIZE; and how many arXiv says match, when that is
        more than were fetched. A feed may claim any count: the cap keeps a query to a few requests."""
        if self.settings.api_url == "off":
            raise ArxivUnavailable("arXiv is off (ARXIV_API_URL=off)")
        dated = f"({query}) AND submittedDate:[{since:%Y%m%d}0000 TO {until:%Y%m%d}2359]"
        search = arxiv.Search(query=dated, max_results=MAX_SEARCH_RESULTS, sort_by=arxiv.SortCriterion.SubmittedDate,
                              sort_order=arxiv.SortOrder.Descending)
        results = self._with_retries(search, SEARCH_PAGE_SIZE)
        papers = [paper for result in results if (paper := paper_from_result(result)) is not None]
        total = self.session.last_total
        return papers, total if total is not None and total > len(results) else None

    def _with_retries(self, search: arxiv.Search | list[str], page_size: int | None = None) -> list[arxiv.Result]:
        if isinstance(search, list):
            page_size = len(search)
            search = arxiv.Search(id_list=search, max_results=len(search))
        self.client.page_size = page_size or BATCH_SIZE
        def attempt() -> list[arxiv.Result]:
            try:
                return list(self.client.results(search))
            except arxiv.ArxivError as exc:  # only what the session lets through, e.g. an empty later page
                raise Transient(exc.message) from None

        try:
            return with_retries(attempt, self.settings.retries, self.settings.delay, "arXiv")
        except GaveUp as exc:
            raise ArxivUnavailable(f"arXiv did not answer usefully after {exc.tries} tries: {exc.reason} "
                                   f"({self.settings.api_url}); try again later") from None


def _clean(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = re.sub(r"\s+", " ", text).strip()
    return cleaned or None


def paper_from_result(result: arxiv.Result) -> Paper | None:
    """A Paper (without a key yet) from one feed entry; None for entries that are not papers."""
    try:
        ident = parse_arxiv_id(result.get_short_id())
    except InvalidArxivId:
        return None
    published = result.published.date()
    return Paper(
        key="",
        title=_clean(result.title) or "(untitled)",
        authors=tuple(name for a in result.authors if (name := _clean(a.name))),
        year=published.year,
        arxiv=ident.canonical,
        version=ident.version,
        published=published,
        updated=result.updated.date(),
        categories=tuple(dict.fromkeys(c for c in result.categories if c)),
        venue=_clean(result.journal_ref),
        doi=_clean(result.doi),
        abstract=_clean(result.summary),
        comment=_clean(result.comment),
    )


def terminal_progress(stream: Any = sys.stderr) -> ProgressFn | None:
    """A one-line progress display, only when a person is watching."""
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def show(done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        end = "\n" if done >= total else ""
        stream.write(f"\rfetching from arXiv [{'#' * filled}{'.' * (width - filled)}] {done}/{total}{end}")
        stream.flush()

    return show
