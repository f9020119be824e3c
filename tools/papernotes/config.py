"""Settings from `[tool.papernotes]` in the library's pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PapernotesError

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
KNOWN_SETTINGS = frozenset({"papers_dir", "topics", "papers_per_week", "reading_days", "s2_cache_days"})


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

    @property
    def papers_path(self) -> Path:
        return self.root / self.papers_dir


def load_config(root: Path) -> Config:
    pyproject = root / "pyproject.toml"
    if not pyproject.is_file():
        return Config(root=root)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise PapernotesError(f"{pyproject}: {exc}") from None
    except OSError as exc:
        raise PapernotesError(f"cannot read {pyproject}: {exc.strerror}") from None
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
        topics[path] = str(entry.get("title") or path)
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
    return Config(
        root=root,
        s2_cache_days=float(cache_days),
        papers_dir=papers_dir,
        topics=topics,
        papers_per_week=per_week,
        reading_days=tuple(sorted(days, key=WEEKDAYS.index)),
    )
