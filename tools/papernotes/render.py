"""The one Jinja2 environment. Templates live in the library's `templates/`, so a fork can restyle them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

# The templates shipped with papernotes, used when a library has none of its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@lru_cache(maxsize=8)
def environment(root: Path) -> jinja2.Environment:
    search = [str(root / "templates")]
    if (root / "templates").resolve() != DEFAULT_TEMPLATES:
        search.append(str(DEFAULT_TEMPLATES))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,  # Markdown output; values that need escaping are escaped explicitly
    )


def render(root: Path, template: str, **context: Any) -> str:
    return environment(root).get_template(template).render(**context)
