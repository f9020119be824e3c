"""Semantic Scholar's Graph API: papers by DOI, link or title, their references and citations;
and its Recommendations API.

Written on `requests` rather than the `semanticscholar` client: that client cannot cap an
answer's size or a request's total time, and brings httpx, tenacity and nest_asyncio along.
Here every request goes through `web.fetch` (bounded), waits S2_API_DELAY seconds after the
previous one, retries 429/5xx/timeouts with backoff, and answers from a cache in `.cache/` when
it has a fresh copy.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from papernotes import __version__
from papernotes.errors import PapernotesError
from papernotes.files import load_json
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import Paper, clean_text

if TYPE_CHECKING:
    from papernotes.sources.http import Answer

# requests and the bounded fetch are imported when a request is made: the converters below are used
# by commands that must start quickly.

DEFAULT_API_URL = "https://api.semanticscholar.org"
USER_AGENT = f"papernotes/{__version__} (research paper notes kept in git)"
RETRIES = 4
PAGE_SIZE = 1000  # the most the references and citations endpoints return per page
BATCH_SIZE = 500  # the most paper/batch accepts
RECOMMENDED = 500  # the most the recommendations endpoint gives for one request
MAX_REFERENCES = 10_000  # no paper cites more; a server that pages forever stops here
PAPER_FIELDS = "title,authors,year,venue,journal,publicationDate,externalIds,abstract,url,citationCount"
REFERENCE_FIELDS = "contexts,isInfluential,title,authors,year,venue,citationCount,externalIds,publicationDate"


OFF = "off"  # S2_API_URL=off: the service is not asked, as HF_API_URL=off and PWC_API_URL=off


class S2Unavailable(PapernotesError):
    """Semantic Scholar could not be reached or kept failing; worth trying again later."""


class S2NotFound(PapernotesError):
    pass


@dataclass(frozen=True)
class Settings:
    api_url: str = DEFAULT_API_URL
    api_key: str | None = None
    delay: float = 1.0
    timeout: float = 30.0
    retries: int = RETRIES

    @classmethod
    def from_env(cls) -> Settings:
        from papernotes.sources.http import env_seconds

        url = (os.environ.get("S2_API_URL") or DEFAULT_API_URL).rstrip("/")
        if url.strip().lower() == OFF:
            return cls(OFF)
        if not url.startswith(("http://", "https://")):
            raise PapernotesError(f"S2_API_URL={url!r} is not an http(s) URL")
        return cls(url, os.environ.get("S2_API_KEY") or None, env_seconds("S2_API_DELAY", 1.0),
                   env_seconds("S2_API_TIMEOUT", 30.0, timeout=True))


class SemanticScholar:
    def __init__(self, settings: Settings | None = None, cache_root: Path | None = None,
                 max_age: dt.timedelta = dt.timedelta(days=7), refresh: bool = False) -> None:
        import requests

        self.settings = settings or Settings.from_env()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT
        if self.settings.api_key:
            self.session.headers["x-api-key"] = self.settings.api_key
        from papernotes.sources.http import JsonCache

        self.cache = JsonCache(cache_root, "s2", max_age) if cache_root is not None else None
        self.refresh = refresh
        self.requests_made = 0
        self._last_request = 0.0

    # -- the endpoints ------------------------------------------------------------------------------------

    def paper(self, paper_id: str, fields: str = PAPER_FIELDS) -> dict[str, Any]:
        """One paper by any ID Semantic Scholar accepts (DOI:..., arXiv:..., ACL:..., URL:..., its own)."""
        data = self._get(f"/graph/v1/paper/{quote(paper_id, safe=':/')}", {"fields": fields}, what=paper_id)
        if not isinstance(data, dict) or not data.get("paperId"):
            raise S2Unavailable(f"Semantic Scholar sent something that is not a paper for {paper_id}")
        return typed_record(data)

    def batch(self, ids: list[str], fields: str = PAPER_FIELDS) -> list[dict[str, Any] | None]:
        """Papers for many IDs in few requests; None where Semantic Scholar knows no such paper."""
        out: list[dict[str, Any] | None] = []
        for start in range(0, len(ids), BATCH_SIZE):
            chunk = ids[start : start + BATCH_SIZE]
            data = self._call("POST", "/graph/v1/paper/batch", {"fields": fields}, {"ids": chunk}, what="a batch")
            if not isinstance(data, list) or len(data) != len(chunk):
                raise S2Unavailable("Semantic Scholar's batch answer does not match the IDs asked for")
            out.extend(typed_record(item) if isinstance(item, dict) else None for item in data)
        return out

    def references(self, paper_id: str, cited_by: bool = False, limit: int | None = None,
                   label: str | None = None) -> list[dict[str, Any]]:
        """A paper's references (or the papers citing it), every page of them, up to `limit`.
        `label` names the paper in messages as the user named it."""
        kind, inner = ("citations", "citingPaper") if cited_by else ("references", "citedPaper")
        path = f"/graph/v1/paper/{quote(paper_id, safe=':/')}/{kind}"
        rows: list[dict[str, Any]] = []
        offset = 0
        cap = min(limit or MAX_REFERENCES, MAX_REFERENCES)
        while offset < cap:
            page = self._get(path, {"fields": REFERENCE_FIELDS, "offset": str(offset),
                                    "limit": str(min(PAGE_SIZE, cap - offset))}, what=label or paper_id)
            if not isinstance(page, dict) or not isinstance(page.get("data"), list):
                raise S2Unavailable(f"Semantic Scholar sent no list of {kind} for {paper_id}")
            for row in page["data"]:
                if isinstance(row, dict) and isinstance(row.get(inner), dict):
                    rows.append(typed_record({**row[inner], "contexts": row.get("contexts"),
                                              "isInfluential": row.get("isInfluential") is True}))
            following = page.get("next")
            if not isinstance(following, int) or following <= offset or not page["data"]:
                break
            offset = following
        return rows[:cap]

    def search(self, query: str, limit: int = 5) -> list[dict[str, Any]]:
        data = self._get("/graph/v1/paper/search", {"query": query, "limit": str(limit), "fields": PAPER_FIELDS},
                         what=f"search {query!r}")
        rows = data.get("data") if isinstance(data, dict) else None
        return [typed_record(row) for row in rows or [] if isinstance(row, dict) and row.get("paperId")]

    def recommendations(self, positive: list[str], negative: list[str], limit: int = RECOMMENDED,
                        fields: str = PAPER_FIELDS) -> list[dict[str, Any]]:
        """Recent papers Semantic Scholar recommends from example papers (its own paperIds): like the
        `positive` ones, unlike the `negative` ones. Its recommender compares papers' SPECTER
        embeddings, so it finds papers on the same subject in other words."""
        data = self._call("POST", "/recommendations/v1/papers/", {"fields": fields, "limit": str(min(limit, RECOMMENDED))},
                          {"positivePaperIds": positive, "negativePaperIds": negative}, what="recommendations")
        rows = data.get("recommendedPapers") if isinstance(data, dict) else None
        if not isinstance(rows, list):
            raise S2Unavailable("Semantic Scholar sent no list of recommended papers")
        return [typed_record(row) for row in rows[:RECOMMENDED] if isinstance(row, dict) and row.get("paperId")]

    def match(self, title: str) -> dict[str, Any] | None:
        """The paper whose title best matches, or None (the endpoint answers 404 when nothing does)."""
        try:
            data = self._get("/graph/v1/paper/search/match", {"query": title, "fields": PAPER_FIELDS}, what=title)
        except S2NotFound:
            return None
        rows = data.get("data") if isinstance(data, dict) else None
        return typed_record(rows[0]) if rows and isinstance(rows[0], dict) and rows[0].get("paperId") else None

    # -- requests, retries and the cache -------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str], what: str) -> Any:
        return self._call("GET", path, params, None, what)

    def _call(self, method: str, path: str, params: dict[str, str], body: Any, what: str) -> Any:
        if self.settings.api_url == OFF:
            raise S2Unavailable("Semantic Scholar is off (S2_API_URL=off)")
        url = self.settings.api_url + path
        request = (method, url, params, body)
        if self.cache is not None and not self.refresh:
            cached = self.cache.get(request)
            if cached is not None:
                return cached
        from papernotes.sources.http import json_message

        answer = self._with_retries(method, url, params, body)
        if answer.status == 404:
            raise S2NotFound(f"not found on Semantic Scholar: {what}")
        if answer.status != 200:
            said = json_message(answer.body) or f"HTTP {answer.status}"
            raise PapernotesError(f"Semantic Scholar refused the request for {what}: {said}")
        try:
            data = load_json(answer.body)
        except ValueError:
            raise S2Unavailable(f"Semantic Scholar sent an answer that is not JSON for {what}; try again later") from None
        if self.cache is not None:
            self.cache.put(request, data)
        return data

    def _with_retries(self, method: str, url: str, params: dict[str, str], body: Any) -> Answer:
        from papernotes.sources.http import GaveUp, fetch, with_retries

        def attempt() -> Answer:
            wait = self._last_request + self.settings.delay - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the politeness delay between any two requests
            try:
                self.requests_made += 1
                return fetch(self.session.request, method, url, timeout=self.settings.timeout, params=params, json=body)
            finally:
                self._last_request = time.monotonic()

        try:
            return with_retries(attempt, self.settings.retries, max(self.settings.delay, 0.05), "Semantic Scholar")
        except GaveUp as exc:
            raise S2Unavailable(f"Semantic Scholar did not answer usefully after {exc.tries} tries: "
                                f"{exc.reason} ({self.settings.api_url}); try again later") from None


# -- Semantic Scholar's data as papers ------------------------------------------------------------------


def arxiv_of(data: dict[str, Any]) -> str | None:
    """The canonical arXiv ID of a Semantic Scholar record, when it has a valid one."""
    ids = data.get("externalIds") or {}
    value = ids.get("ArXiv") if isinstance(ids, dict) else None
    if not value:
        return None
    try:
        return parse_arxiv_id(str(value)).canonical
    except InvalidArxivId:
        return None


# Every field of an answer is checked by its type: a list, a mapping or a number where text belongs
# is left out, never written as "['a', 'list']".
_DOI = re.compile(r"10\.\d{4,9}/\S{1,300}")


_TEXT_FIELDS = ("paperId", "title", "venue", "abstract", "url", "publicationDate")


def typed_record(data: dict[str, Any]) -> dict[str, Any]:
    """A record with every field the tools read of the type they read it as, or left out: text is
    one line without control characters, `year` and `citationCount` whole numbers, `authors` a list
    of {"name": text}, `externalIds` text by name, `contexts` a list of text, `journal` {"name"}."""
    out: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if (text := text_of(data.get(name))) is not None:
            out[name] = text
    for name in ("year", "citationCount"):
        if type(data.get(name)) is int and 0 <= data[name] < 10**9:
            out[name] = data[name]
    out["authors"] = [{"name": name} for name in authors_of(data)]
    ids = data.get("externalIds")
    out["externalIds"] = {}
    for id_name, value in ids.items() if isinstance(ids, dict) else ():
        if isinstance(id_name, str) and type(value) in (str, int) and str(value).strip() and not _BREAKS.search(str(value)):
            out["externalIds"][id_name] = str(value).strip()
    contexts = data.get("contexts")
    out["contexts"] = [text for c in contexts if (text := text_of(c))] if isinstance(contexts, list) else []
    journal = data.get("journal")
    if isinstance(journal, dict) and (journal_name := text_of(journal.get("name"))):
        out["journal"] = {"name": journal_name}
    if data.get("isInfluential") is True:
        out["isInfluential"] = True
    return out


_BREAKS = re.compile(r"[\x00-\x1f\x7f]")


def doi_of(data: dict[str, Any]) -> str | None:
    ids = data.get("externalIds") or {}
    value = ids.get("DOI") if isinstance(ids, dict) else None
    return value.strip() if isinstance(value, str) and _DOI.fullmatch(value.strip()) else None


def authors_of(data: dict[str, Any]) -> tuple[str, ...]:
    authors = data.get("authors")
    names = (a.get("name") for a in authors if isinstance(a, dict)) if isinstance(authors, list) else ()
    return tuple(text for n in names if (text := text_of(n)))


def text_of(value: Any) -> str | None:
    return " ".join(clean_text(value).split()) or None if isinstance(value, str) else None


def paper_from_s2(data: dict[str, Any]) -> Paper | None:
    """A Paper (without a key yet) from Semantic Scholar's metadata, for papers not on arXiv; None
    when the record has no title (a note titled "(untitled)" helps nobody)."""
    title = text_of(data.get("title"))
    if title is None:
        return None
    journal = data.get("journal") if isinstance(data.get("journal"), dict) else {}
    published = None
    if isinstance(data.get("publicationDate"), str):
        try:
            published = dt.date.fromisoformat(data["publicationDate"])
        except ValueError:
            published = None
    year = data.get("year") if type(data.get("year")) is int and 1000 <= data["year"] <= 2999 else None
    doi = doi_of(data)
    url = data.get("url") if isinstance(data.get("url"), str) and re.fullmatch(r"https://\S{1,2000}", data["url"]) else None
    return Paper(
        key="",
        title=title,
        authors=authors_of(data),
        year=year or (published.year if published else None),
        published=published,
        venue=text_of(data.get("venue")) or text_of((journal or {}).get("name")),
        doi=doi,
        url=None if doi else url,
        abstract=text_of(data.get("abstract")),
    )


def published_as(data: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    """Where a paper was published, by Semantic Scholar: its DOI and venue (for a paper on arXiv too,
    whose own record often has neither)."""
    journal = data.get("journal") if isinstance(data.get("journal"), dict) else {}
    venue = text_of(data.get("venue")) or text_of((journal or {}).get("name"))
    if venue and re.fullmatch(r"(?i)arxiv(\.org)?|corr", venue):
        venue = None  # "arXiv" is where it is, not where it was published
    doi = doi_of(data)
    if doi and doi.lower().startswith("10.48550/arxiv."):
        doi = None  # the arXiv DOI is the arXiv ID again
    return (("doi", doi), ("venue", venue))
