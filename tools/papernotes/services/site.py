"""The site's inputs, loaded: the notes (with bodies) and the latest digest, handed to the presenter."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from papernotes.present.site import SiteBuilder
from papernotes.store.files import UnreadableFile, read_regular_file
from papernotes.store.library import Library

MAX_DIGEST = 2 * 1024 * 1024  # the Inbox page shows at most this much of the latest digest


def load_site(root: Path, today: dt.date, site_url: str | None = None, site_name: str = "Paper notes",
              directory_urls: bool = True) -> SiteBuilder:
    library = Library(root)
    papers = library.load_strict(bodies=True)
    return SiteBuilder.build(library.root, library.config, papers, today, latest_digest(root / "inbox"),
                             site_url, site_name, directory_urls)


def latest_digest(inbox: Path) -> tuple[str, str] | None:
    """The newest digest's name and text (bounded; a digest that cannot be read is left out)."""
    try:
        digests = sorted(inbox.glob("*.md"), key=lambda p: (p.stem[:8], len(p.stem), p.stem))
    except OSError:
        return None
    if not digests:
        return None
    try:
        data, _ = read_regular_file(digests[-1], MAX_DIGEST * 4)
    except UnreadableFile:
        return None
    return digests[-1].name, data.decode("utf-8", "replace")[:MAX_DIGEST]
