"""Settings from `[tool.papernotes]` in the library's pyproject.toml."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, read_inside
from papernotes.model.statuses import STATUSES

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class WatchQuery:
    """A saved search `papernotes watch` runs every week: an arXiv query, authors, citations, or
    Semantic Scholar's recommendations."""

    name: str
    query: str | None = None  # arXiv's search syntax
    authors: tuple[str, ...] = ()
    cited_by: str | None = None  # a status: new papers citing the library's papers with it
    similar_to: str | None = None  # a status: new papers Semantic Scholar recommends from the library's papers with it

    def arxiv_query(self) -> str | None:
        if self.query:
            return self.query
        if self.authors:
            return " OR ".join(f'au:"{name}"' for name in self.authors)
        return None


WATCH_KINDS = ("query", "authors", "cited_by", "similar_to")
_KINDS_SAID = f"{', '.join(WATCH_KINDS[:-1])} or {WATCH_KINDS[-1]}"


class SettingError(ValueError):
    """A [tool.papernotes] value that cannot be right, and what it should be."""


def _watch_queries(entries: object) -> tuple[WatchQuery, ...]:
    if not isinstance(entries, list):
        raise SettingError("saved queries are written as [[tool.papernotes.watch]] tables")
    queries: list[WatchQuery] = []
    for number, entry in enumerate(entries, 1):
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f"watch query '{name}'" if isinstance(name, str) and name.strip() else f"watch query #{number}"
        if not isinstance(entry, dict) or not isinstance(name, str) or not name.strip():
            raise SettingError(f"{label} needs name = \"...\"")
        unknown = sorted(set(entry) - {"name", *WATCH_KINDS})
        if unknown:
            raise SettingError(f"{label}: unknown key '{unknown[0]}' (use {_KINDS_SAID})")
        kinds = [k for k in WATCH_KINDS if k in entry]
        if len(kinds) != 1:
            raise SettingError(f"{label} needs exactly one of {_KINDS_SAID}")
        if re.search(r"[,·\[\]\n]", name):
            # The digest lists the queries a paper matched as "matched: a, b", and --accept reads them back.
            raise SettingError(f"{label}: a name cannot hold ',', '·' or brackets; name it in words")
        if name in {q.name for q in queries}:
            raise SettingError(f"two watch queries are named '{name}'; names must differ")
        query, authors = entry.get("query"), entry.get("authors")
        if query is not None:
            problem = _query_problem(query)
            if problem:
                raise SettingError(f"{label}: {problem}")
        if authors is not None and (not isinstance(authors, list) or not authors
                                    or not all(isinstance(a, str) and a.strip() and '"' not in a for a in authors)):
            raise SettingError(f"{label}: authors must be a list of names, like [\"Kenton Lee\"]")
        for kind in ("cited_by", "similar_to"):
            if kind in entry and entry[kind] not in STATUSES:
                raise SettingError(f"{label}: {kind} must be a status ({', '.join(STATUSES)})")
        queries.append(WatchQuery(name.strip(), query.strip() if query else None,
                                  tuple(a.strip() for a in authors or ()), entry.get("cited_by"), entry.get("similar_to")))
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


def _papers_dir(value: object) -> str:
    if not isinstance(value, str) or not value.strip() or Path(value).is_absolute() or ".." in Path(value).parts:
        raise SettingError(f"papers_dir must be a folder inside the library, like \"papers\", not {value!r}")
    return value


def _topics(entries: object) -> dict[str, str]:
    if not isinstance(entries, list):
        raise SettingError("topics must be written as [[tool.papernotes.topics]] tables")
    topics: dict[str, str] = {}
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise SettingError("each [[tool.papernotes.topics]] needs path = \"a/b\" and title = \"...\"")
        path = entry["path"].strip("/")
        try:
            path = checked_topic(path, f"topic '{path[:80]}'")
        except PapernotesError as exc:
            raise SettingError(str(exc)) from None
        title = entry.get("title", path)
        if not isinstance(title, str):
            raise SettingError(f"topic '{path}': title must be text, like title = \"Retrieval\", not {title!r}")
        topics[path] = title.strip() or path
    return topics


def _papers_per_week(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise SettingError(f"papers_per_week must be a whole number from 1 to 100, not {value!r}")
    return value


def _reading_days(days: object) -> tuple[str, ...]:
    if not isinstance(days, list) or not days or any(d not in WEEKDAYS for d in days) or len(set(days)) != len(days):
        raise SettingError(f"reading_days must list different days from {', '.join(WEEKDAYS)}, e.g. [\"Mon\", \"Wed\", \"Fri\"]")
    return tuple(sorted(days, key=WEEKDAYS.index))


def _cache_days(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 3650:
        raise SettingError(f"s2_cache_days must be a number of days from 0 to 3650, not {value!r}")
    return float(value)


def _tags(tags: object) -> tuple[str, ...]:
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() and " " not in t.strip() for t in tags):
        raise SettingError("tags must list tag spellings to keep, like [\"GAN\", \"NLP\"]")
    return tuple(t.strip() for t in tags)


def _one_of(name: str, choices: tuple[str, ...]) -> Callable[[object], str]:
    def read(value: object) -> str:
        if value not in choices:
            raise SettingError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
        return str(value)
    return read


def _focus(value: object) -> str | None:
    try:
        return checked_topic(value, "focus") or None
    except PapernotesError as exc:
        raise SettingError(str(exc)) from None


def _hypothesis_user(value: object) -> str:
    if not (isinstance(value, str) and HYPOTHESIS_USER.fullmatch(value.strip())):
        raise SettingError(f"hypothesis_user must be a Hypothesis user name, like \"alice\" or "
                           f"\"acct:alice@hypothes.is\", not {value!r}")
    return value.strip()


def _follow(accounts: object) -> tuple[str, ...]:
    if not isinstance(accounts, list) or len(accounts) > MAX_FOLLOWED \
            or not all(isinstance(a, str) and follow_kind(a.strip()) for a in accounts):
        wrong = next((a for a in accounts if not (isinstance(a, str) and follow_kind(a.strip()))), accounts) \
            if isinstance(accounts, list) else accounts
        raise SettingError(f"follow must list Bluesky handles and Mastodon accounts, like "
                           f"[\"alice.bsky.social\", \"@bob@sigmoid.social\"] (at most {MAX_FOLLOWED}), not {wrong!r}")
    return tuple(dict.fromkeys(a.strip() for a in accounts))


def setting(default: Any, read: Callable[[object], Any], doc: str, name: str | None = None) -> Any:
    """A [tool.papernotes] setting, declared once: its default, how a TOML value becomes it (or the
    SettingError saying why it cannot), what it is for, and its name when that is not the field's."""
    metadata = {"read": read, "doc": doc, "setting": name}
    if isinstance(default, dict):
        return field(default_factory=dict, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True)
class Config:
    root: Path
    papers_dir: str = setting("papers", _papers_dir, "the folder of the notes, inside the library")
    topics: dict[str, str] = setting({}, _topics, "topic titles and order, as [[tool.papernotes.topics]] tables "
                                     "(path, title): the README and the site list topics so")
    papers_per_week: int = setting(3, _papers_per_week, "how many papers `papernotes plan` picks for a week")
    reading_days: tuple[str, ...] = setting(("Mon", "Wed", "Fri"), _reading_days,
                                            "the days the plan's calendar puts the week's papers on")
    s2_cache_days: float = setting(7.0, _cache_days, "days answers from Semantic Scholar are reused before it is asked again")
    watches: tuple[WatchQuery, ...] = setting((), _watch_queries, "the saved searches `papernotes watch` runs every "
                                              f"week, as [[tool.papernotes.watch]] tables (name, and {_KINDS_SAID})", "watch")
    tags: tuple[str, ...] = setting((), _tags, "tag spellings to keep when a tag is written several ways (GAN, gan, GANs)")
    site_engine: str = setting("mkdocs", _one_of("site_engine", SITE_ENGINES),
                               "what builds the site from the generated pages: mkdocs or zensical")
    site_search: str = setting("auto", _one_of("site_search", SITE_SEARCHES),
                               "the site's search: theme (one index, downloaded whole on the first search), "
                               f"pagefind (an index in chunks), or auto: pagefind from {PAGEFIND_FROM} notes on")
    focus: str | None = setting(None, _focus, "one topic at a time: `plan` takes papers from it first, and the home "
                                "page and README show how far along it is (`plan --focus` overrides it once)")
    hypothesis_user: str | None = setting(None, _hypothesis_user, "the Hypothesis user whose annotations "
                                          "`papernotes highlights` brings in; without it Hypothesis is not asked")
    follow: tuple[str, ...] = setting((), _follow, "people whose shared papers `watch` brings into the digest: "
                                      "Bluesky handles and Mastodon accounts")

    @property
    def papers_path(self) -> Path:
        return self.root / self.papers_dir


# The settings [tool.papernotes] may hold, by their names there; any other key is an error naming these.
SETTINGS = {f.metadata["setting"] or f.name: f for f in dataclasses.fields(Config) if f.name != "root"}
MAX_SETTINGS_BYTES = 1024 * 1024


def settings_listing(config: Config) -> list[str]:
    """Every setting as a TOML line under a comment saying what it is for and its default: what
    `check --settings` prints, ready to copy into [tool.papernotes]."""
    lines = []
    for name, declared in SETTINGS.items():
        value, default = getattr(config, declared.name), declared.default
        if isinstance(value, dict) or name == "watch":
            lines += [f"# {declared.metadata['doc']}", f"# {len(value)} [[tool.papernotes.{name}]] tables", ""]
            continue
        shown = "" if default is None else f" (default: {_toml(default)})"
        line = f"{name} = {_toml(value)}" if value is not None else f"# {name} = (not set)"
        lines += [f"# {declared.metadata['doc']}{shown}", line, ""]
    return lines[:-1]


def _toml(value: object) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return json.dumps(value, ensure_ascii=False)  # a JSON string, number or list is TOML too


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
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise PapernotesError(f"{pyproject}: unknown setting tool.papernotes.{unknown[0]} (known: {', '.join(sorted(SETTINGS))})")
    values: dict[str, Any] = {}
    for name, declared in SETTINGS.items():
        if name in settings:
            try:
                values[declared.name] = declared.metadata["read"](settings[name])
            except SettingError as exc:
                raise PapernotesError(f"{pyproject}: {exc}") from None
    return Config(root=root, **values)


def checked_topic(value: object, label: str) -> str:
    """A topic path as notes write it (nlp/retrieval), or an error saying which setting is wrong."""
    from papernotes.model.paper import FieldError, Paper

    try:
        topic = Paper.from_frontmatter({"key": "-", "title": "-", "topic": value}).topic
    except FieldError as exc:
        raise PapernotesError(f"{label}: {exc.reason}") from None
    return topic or ""
