"""Settings from `[tool.papernotes]` in the library's pyproject.toml."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, read_inside
from papernotes.model.statuses import STATUSES

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WatchQuery:
    """A saved search `papernotes watch` runs every week: an arXiv query, authors, or citations."""

    name: str
    query: str | None = None  # arXiv's search syntax
    authors: tuple[str, ...] = ()
    cited_by: str | None = None  # a status: new papers citing the library's papers with it

    def arxiv_query(self) -> str | None:
        if self.query:
            return self.query
        if self.authors:
            return " OR ".join(f'au:"{name}"' for name in self.authors)
        return None


def _watch_queries(entries: object, pyproject: Path) -> tuple[WatchQuery, ...]:
    if not isinstance(entries, list):
        raise PapernotesError(f"{pyproject}: saved queries are written as [[tool.papernotes.watch]] tables")
    queries: list[WatchQuery] = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"watch query '{name}'" if isinstance(name, str) and name.strip() else f"watch query #{number}"
        if not isinstance(entry, dict) or not isinstance(name, str) or not name.strip():
            raise PapernotesError(f"{pyproject}: {label} needs name = \"...\"")
        unknown = sorted(set(entry) - {"name", "query", "authors", "cited_by"})
        if unknown:
            raise PapernotesError(f"{pyproject}: {label}: unknown key '{unknown[0]}' (use query, authors or cited_by)")
        kinds = [k for k in ("query", "authors", "cited_by") if k in entry]
        if len(kinds) != 1:
            raise PapernotesError(f"{pyproject}: {label} needs exactly one of query, authors or cited_by")
        if re.search(r"[,·\[\]\n]", name):
            # The digest lists the queries a paper matched as "matched: a, b", and --accept reads them back.
            raise PapernotesError(f"{pyproject}: {label}: a name cannot hold ',', '·' or brackets; name it in words")
        if name in {q.name for q in queries}:
            raise PapernotesError(f"{pyproject}: two watch queries are named '{name}'; names must differ")
        query, authors, cited_by = entry.get("query"), entry.get("authors"), entry.get("cited_by")
        if query is not None:
            problem = _query_problem(query)
            if problem:
                raise PapernotesError(f"{pyproject}: {label}: {problem}")
        if authors is not None and (not isinstance(authors, list) or not authors
                                    or not all(isinstance(a, str) and a.strip() and '"' not in a for a in authors)):
            raise PapernotesError(f"{pyproject}: {label}: authors must be a list of names, like [\"Kenton Lee\"]")
        if cited_by is not None and cited_by not in STATUSES:
            raise PapernotesError(f"{pyproject}: {label}: cited_by must be a status ({', '.join(STATUSES)})")
        queries.append(WatchQuery(name.strip(), query.strip() if query else None,
                                  tuple(a.strip() for a in authors or ()), cited_by))
    return tuple(queries)


def _query_problem(query: object) -> str | None:
    """Why an arXiv query cannot be right (unbalanced brackets or quotes), or None."""
    if not isinstance(query, str) or not query.strip():
        return "query must be arXiv search text, like 'cat:cs.CL AND abs:retrieval'"
    if query.count('"') % 2:
        return f"query has an unclosed quote: {query}"
    depth = 0
    for char in "".join(query.split('"')[::2]):  # brackets outside quotes
        depth += (char == "(") - (char == ")")
        if depth < 0:
            break
    if depth != 0:
        return f"query has unbalanced parentheses: {query}"
    return None


@dataclass(frozen=True)
class Config:
    root: Path
    papers_dir: str = "papers"
    # Topic path -> title, in the order the README and the site list them.
    topics: dict[str, str] = field(default_factory=dict)
    papers_per_week: int = 3
    # The days `plan --ics` puts the week's papers on, in order.
    reading_days: tuple[str, ...] = ("Mon", "Wed", "Fri")
    # How long answers from Semantic Scholar are reused from .cache/ before being asked again.
    s2_cache_days: float = 7.0
    watches: tuple[WatchQuery, ...] = field(default=(), metadata={"setting": "watch"})  # [[tool.papernotes.watch]]
    # Tag spellings to keep when a tag is written several ways (GAN, gan, GANs): `tags = ["GAN"]`.
    tags: tuple[str, ...] = ()
    # What builds the site from the generated pages (`papernotes site --build`, the Pages workflow).
    site_engine: str = "mkdocs"
    # The site's search: the theme's own (one index, downloaded whole on the first search), Pagefind
    # (an index in chunks: a query downloads a few hundred KB at any size), or "auto": Pagefind
    # from PAGEFIND_FROM notes on.
    site_search: str = "auto"
    # One topic at a time: `plan` takes papers from this topic (and its subtopics) first, and the
    # home page and README show how far along it is. `plan --focus` overrides it for one plan.
    focus: str | None = None
    # `papernotes highlights` brings in this Hypothesis user's annotations only ("alice", or
    # "acct:alice@hypothes.is"); without it Hypothesis is not asked.
    hypothesis_user: str | None = None
    # People whose shared papers `watch` brings into the digest: ["alice.bsky.social", "@bob@sigmoid.social"].
    follow: tuple[str, ...] = ()

    @property
    def papers_path(self) -> Path:
        return self.root / self.papers_dir


# The engines that build the generated pages into a site (both read mkdocs.yml).
SITE_ENGINES = ("mkdocs", "zensical")
SITE_SEARCHES = ("auto", "theme", "pagefind")
PAGEFIND_FROM = 2000
# The people `watch` follows: Bluesky handles (alice.bsky.social) or DIDs, Mastodon accounts (@bob@sigmoid.social).
BLUESKY_HANDLE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]|did:[a-z]+:[a-zA-Z0-9._:%-]{1,200}")
MASTODON_ACCOUNT = re.compile(r"@([A-Za-z0-9_]{1,64})@((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63})")
MAX_FOLLOWED = 200


def follow_kind(account: str) -> str | None:
    """"bluesky" for a handle or DID, "mastodon" for @user@instance, else None."""
    if MASTODON_ACCOUNT.fullmatch(account):
        return "mastodon"
    if BLUESKY_HANDLE.fullmatch(account.lower().removeprefix("@")):
        return "bluesky"
    return None


# Hypothesis user names are 3 to 30 letters, digits, '.' and '_'; an account adds its authority.
HYPOTHESIS_USER = re.compile(r"(acct:)?[A-Za-z0-9._]{3,30}(@[A-Za-z0-9.-]{1,100})?")

# The settings pyproject.toml may hold: the Config fields (each declared once, above), by the name
# [tool.papernotes] gives them; any other key is an error naming the known ones.
KNOWN_SETTINGS = frozenset(f.metadata.get("setting", f.name) for f in dataclasses.fields(Config) if f.name != "root")


MAX_SETTINGS_BYTES = 1024 * 1024


def load_config(root: Path) -> Config:
    pyproject = root / "pyproject.toml"
    if not os.path.lexists(pyproject):
        return Config(root=root)
    try:
        data = tomllib.loads(read_inside(root, pyproject, MAX_SETTINGS_BYTES).decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PapernotesError(f"{pyproject}: {exc}") from None
    except RecursionError:
        raise PapernotesError(f"{pyproject}: values nested too deeply") from None
    except UnreadableFile as exc:
        raise PapernotesError(exc.describe(str(pyproject))) from None
    tool = data.get("tool", {})
    settings = tool.get("papernotes", {}) if isinstance(tool, dict) else None
    if not isinstance(settings, dict):
        raise PapernotesError(f"{pyproject}: [tool.papernotes] must be a table of settings")
    unknown = sorted(set(settings) - KNOWN_SETTINGS)
    if unknown:
        raise PapernotesError(f"{pyproject}: unknown setting tool.papernotes.{unknown[0]} "
                              f"(known: {', '.join(sorted(KNOWN_SETTINGS))})")
    papers_dir = settings.get("papers_dir", "papers")
    if not isinstance(papers_dir, str) or not papers_dir.strip() or Path(papers_dir).is_absolute() or ".." in Path(papers_dir).parts:
        raise PapernotesError(f"{pyproject}: papers_dir must be a folder inside the library, like \"papers\", not {papers_dir!r}")
    topic_list = settings.get("topics", [])
    if not isinstance(topic_list, list):
        raise PapernotesError(f"{pyproject}: topics must be written as [[tool.papernotes.topics]] tables")
    topics: dict[str, str] = {}
    for entry in topic_list:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise PapernotesError(
                f"{pyproject}: each [[tool.papernotes.topics]] needs path = \"a/b\" and title = \"...\""
            )
        path = entry["path"].strip("/")
        title = entry.get("title", path)
        if not isinstance(title, str):
            raise PapernotesError(f"{pyproject}: topic '{path}': title must be text, like title = \"Retrieval\", not {title!r}")
        topics[path] = title.strip() or path
    per_week = settings.get("papers_per_week", 3)
    if isinstance(per_week, bool) or not isinstance(per_week, int) or not 1 <= per_week <= 100:
        raise PapernotesError(f"{pyproject}: papers_per_week must be a whole number from 1 to 100, not {per_week!r}")
    days = settings.get("reading_days", ["Mon", "Wed", "Fri"])
    if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days) or len(set(days)) != len(days):
        raise PapernotesError(
            f"{pyproject}: reading_days must list different days from {', '.join(WEEKDAYS)}, e.g. [\"Mon\", \"Wed\", \"Fri\"]"
        )
    cache_days = settings.get("s2_cache_days", 7)
    if isinstance(cache_days, bool) or not isinstance(cache_days, (int, float)) or not 0 <= cache_days <= 3650:
        raise PapernotesError(f"{pyproject}: s2_cache_days must be a number of days from 0 to 3650, not {cache_days!r}")
    tags = settings.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() and " " not in t.strip() for t in tags):
        raise PapernotesError(f"{pyproject}: tags must list tag spellings to keep, like [\"GAN\", \"NLP\"]")
    engine = settings.get("site_engine", "mkdocs")
    if engine not in SITE_ENGINES:
        raise PapernotesError(f"{pyproject}: site_engine must be one of {', '.join(SITE_ENGINES)}, not {engine!r}")
    search = settings.get("site_search", "auto")
    if search not in SITE_SEARCHES:
        raise PapernotesError(f"{pyproject}: site_search must be one of {', '.join(SITE_SEARCHES)}, not {search!r}")
    focus = settings.get("focus")
    if focus is not None:
        focus = checked_topic(focus, f"{pyproject}: focus")
    reader = settings.get("hypothesis_user")
    if reader is not None and not (isinstance(reader, str) and HYPOTHESIS_USER.fullmatch(reader.strip())):
        raise PapernotesError(f"{pyproject}: hypothesis_user must be a Hypothesis user name, like \"alice\" or "
                              f"\"acct:alice@hypothes.is\", not {reader!r}")
    follow = settings.get("follow", [])
    if not isinstance(follow, list) or len(follow) > MAX_FOLLOWED or not all(isinstance(a, str) and follow_kind(a.strip()) for a in follow):
        wrong = next((a for a in follow if not (isinstance(a, str) and follow_kind(a.strip()))), follow) \
            if isinstance(follow, list) else follow
        raise PapernotesError(f"{pyproject}: follow must list Bluesky handles and Mastodon accounts, like "
                              f"[\"alice.bsky.social\", \"@bob@sigmoid.social\"] (at most {MAX_FOLLOWED}), not {wrong!r}")
    return Config(
        root=root,
        follow=tuple(dict.fromkeys(a.strip() for a in follow)),
        hypothesis_user=reader.strip() if reader else None,
        focus=focus or None,
        site_engine=engine,
        site_search=search,
        tags=tuple(t.strip() for t in tags),
        watches=_watch_queries(settings.get("watch", []), pyproject),
        s2_cache_days=float(cache_days),
        papers_dir=papers_dir,
        topics=topics,
        papers_per_week=per_week,
        reading_days=tuple(sorted(days, key=WEEKDAYS.index)),
    )


def checked_topic(value: object, label: str) -> str:
    """A topic path as notes write it (nlp/retrieval), or an error saying which setting is wrong."""
    from papernotes.model.paper import FieldError, Paper

    try:
        topic = Paper.from_frontmatter({"key": "-", "title": "-", "topic": value}).topic
    except FieldError as exc:
        raise PapernotesError(f"{label}: {exc.reason}") from None
    return topic or ""
