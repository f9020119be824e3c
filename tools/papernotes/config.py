"""Settings from `[tool.papernotes]` in the library's pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .errors import PapernotesError


@dataclass(frozen=True)
class Config:
    root: Path
    papers_dir: str = "papers"
    # Topic path -> title, in the order the README and the site list them.
    topics: dict[str, str] = field(default_factory=dict)

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
    settings = data.get("tool", {}).get("papernotes", {})
    topics: dict[str, str] = {}
    for entry in settings.get("topics", []):
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            raise PapernotesError(
                f"{pyproject}: each [[tool.papernotes.topics]] needs path = \"a/b\" and title = \"...\""
            )
        path = entry["path"].strip("/")
        topics[path] = str(entry.get("title") or path)
    return Config(root=root, papers_dir=str(settings.get("papers_dir", "papers")), topics=topics)
