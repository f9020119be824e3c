"""Helpers for the tests that build the site: a buildable library, the real `mkdocs build --strict`,
the hostile note and digest, and a reader of the built HTML. Shared by test files (which never
import each other)."""

from __future__ import annotations

import html.parser
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import LIBRARY_DATA, copy_template_folders

HOSTILE = """---
key: evil2020script
title: '<script>alert("title")</script> { onclick=alert(1) } [x](javascript:alert(1))'
authors: ['<img src=x onerror=alert(2)>', 'Eve "><svg onload=alert(135)>', 'Normal Author']
year: 2020
arxiv: '2001.01234'
abstract: 'An abstract with <script>alert(3)</script>, {: onclick="alert(4)" } and [link](javascript:alert(5)) and $x^2$. "><img src=x onerror=alert(12)>'
comment: '<iframe src=javascript:alert(6)>'
venue: '<b onmouseover=alert(7)>Venue</b> "><svg onload=alert(13)>'
url: 'javascript:alert(8)'
code: 'javascript:alert(9)'
topic: '<script>alert(10)</script>'
tags: ['<img src=x onerror=alert(11)>', 'safe']
status: to-read
found_via: [devlin2018bert]
---

Links to [[devlin2018bert]], [[1706.03762|the Transformer]] and [[2101.99999]], a paper not added yet.

A contributor's own HTML, which GitHub's preview of their pull request would show stripped:
<img src=x onerror=alert(60)> <b>kept bold</b> <span onclick="alert(61)">kept span</span>
[a link](javascript:alert(62)) [spaced]( JaVaScRiPt:alert(63)) ![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCg2NCk8L3NjcmlwdD4=)
<img/src=x/onerror=alert(69)> <a href="java&#115;cript:alert(68)">entity link</a> <scr<script>ipt>alert(70)</script>

<details><summary>Kept details</summary><script>alert(65)</script><iframe src="javascript:alert(66)"></iframe>
<svg><style><img src=x onerror=alert(67)></style></svg><!-- --!><img src=x onerror=alert(71)> -->
<object data="data:text/html,<script>alert(72)</script>"></object><svg><set attributeName="href" to="javascript:alert(73)"/></svg>
</details>
"""


def _hostile_highlights() -> str:
    """The hostile note's highlights as `papernotes highlights` writes them from a stranger's Zotero
    and PDF: every value tries to become markup or a link."""
    from papernotes.model.highlights import Highlight
    from papernotes.services.highlights import merge

    evil = Highlight("EVIL0001", "highlight", '<script>alert(40)</script> [x](javascript:alert(41))',
                     '<img src=x onerror=alert(42)>\n[y](javascript:alert(43))\n# not a heading', "#ff6666", "3",
                     "zotero://open-pdf/library/items/ABCD2345?page=3&annotation=EVIL0001", '<b onmouseover=alert(44)>Eve</b>',
                     ("<svg onload=alert(45)>",))
    plain = Highlight("GOOD0002", "underline", "A plain highlighted sentence.", "A plain comment.", "#2ea8e5", "4",
                      "https://arxiv.org/pdf/2001.01234#page=4")
    merged = merge(HOSTILE, "zotero", [evil, plain], "papers/evil2020script.md")
    assert merged.text is not None
    return merged.text


HOSTILE = _hostile_highlights()


# A digest as an older version wrote it, with arXiv's values raw, and edited by hand with links that
# run a script when clicked: the Inbox page must not run them, shown or clicked.
HOSTILE_DIGEST = """# New papers, 2026-W48

- [ ] [Evil](https://arxiv.org/abs/2611.00001) — A \xb7 <img src=x onerror=alert(20)> \xb7 matched: x
    <details><summary>Abstract</summary><script>alert(21)</script> "><svg onload=alert(22)></details>
- [ ] [Click](javascript:alert(23)) \xb7 ![img](javascript:alert(24)) \xb7 [ref][r] \xb7 [angle](<javascript:alert(26)>)

[r]: javascript:alert(25)
"""


# Reference lists as Semantic Scholar might send them (a title, an author, an identifier of anything):
# the Trails page's foundations and the paper pages' related lists show them.
HOSTILE_REFERENCES = "".join(json.dumps({"key": key, "references": [
    ['S2:' + 'ab' * 20, '<img src=x onerror=alert(31)> [x](javascript:alert(32))', 2020, '"><svg onload=alert(33)>'],
    ["arXiv:1706.03762", "Attention Is All You Need", 2017, "Vaswani"]]}) + "\n" for key in ("devlin2018bert", "evil2020script"))


def add_hostile(root: Path) -> None:
    """The hostile note, digest and reference lists, into a library."""
    (root / "papers" / "evil2020script.md").write_text(HOSTILE, encoding="utf-8")
    (root / "inbox").mkdir(exist_ok=True)
    (root / "inbox" / "2026-W48.md").write_text(HOSTILE_DIGEST, encoding="utf-8")
    (root / "inbox" / "references.jsonl").write_text(HOSTILE_REFERENCES, encoding="utf-8")


def copy_library(root: Path) -> Path:
    """A buildable library: the tests' example notes and settings, with the repository's tools and templates."""
    for name in ("pyproject.toml", "mkdocs.yml", "README.md"):
        shutil.copy(LIBRARY_DATA / name, root / name)
    shutil.copytree(LIBRARY_DATA / "papers", root / "papers")
    copy_template_folders(root)
    return root


def build(root: Path, engine: str = "mkdocs", **extra_env: str) -> subprocess.CompletedProcess[str]:
    """The site built into root/site as a user builds it: the real `mkdocs build --strict` (whose
    hook generates the pages), or `papernotes site --build` with Zensical."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **extra_env}
    if engine == "mkdocs":
        argv = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")]
    else:
        argv = [sys.executable, str(root / "tools" / "site.py"), "--build", "--engine", engine]
    return subprocess.run(argv, cwd=root, capture_output=True, text=True, env=env, timeout=300)


def page(site: Path, path: str) -> str:
    return (site / path).read_text(encoding="utf-8")


class _Elements(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def elements(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


def assert_no_executable_markup(site: Path) -> None:
    """No page of a built site carries a handler, a javascript: link or a script from a note's values."""
    for path in site.rglob("*.html"):
        parsed = elements(path.read_text(encoding="utf-8"))
        for tag, attrs in parsed.elements:
            assert tag not in ("iframe", "img") or "onerror" not in attrs, (path, tag, attrs)
            for name, value in attrs.items():
                assert not name.startswith("on"), (path, tag, name, value)
                if name in ("href", "src", "action", "formaction"):
                    assert not (value or "").strip().lower().startswith("javascript:"), (path, tag, name, value)
        for script in parsed.scripts:
            assert "alert(" not in script, (path, script[:200])


def reading_note(root: Path, key: str, title: str, **fields: str) -> None:
    extra = "".join(f"{name}: {value}\n" for name, value in fields.items())
    (root / "papers" / f"{key}.md").write_text(f"---\ntitle: {title}\nyear: 2020\n{extra}---\n\nMy notes.\n",
                                               encoding="utf-8")


def tokens(text: str) -> list[tuple[str, ...]]:
    """HTML as html.parser reads it: tags with their attributes in order, text, comments."""
    found: list[tuple[str, ...]] = []

    class Reader(html.parser.HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.append((tag, *(f"{name}={value}" for name, value in attrs)))

        handle_startendtag = handle_starttag

        def handle_endtag(self, tag: str) -> None:
            found.append(("/" + tag,))

        def handle_data(self, data: str) -> None:
            found.append(("text", data))

        def handle_comment(self, data: str) -> None:
            found.append(("comment", data))

    reader = Reader()
    reader.feed(text)
    reader.close()
    return found
