"""A note's own HTML on the site, without what runs a script: as GitHub shows the same note.

A note is Markdown, and Markdown lets its writer use HTML (`<details>`, `<sub>`, `<img width=…>`),
which the site keeps. But a note can come from someone else (a fork takes pull requests), and
GitHub's preview of a pull request strips scripts silently: a note that looks harmless there would
run `<img src=x onerror=…>` on the owner's site, whose origin (USER.github.io) all their project
sites share. So the Markdown extension (html_blocks) passes the note's raw HTML and the links
Markdown makes through here: elements that run or load code (script, iframe, object, style…) are
left out with their content, attributes `on…=` dropped, and a link or source to `javascript:`,
`vbscript:` or `data:` dropped (a `data:image/` picture excepted, which cannot run a script).

Written here rather than with a sanitiser library (nh3, bleach): those clean whole documents and
close what is open, while Python-Markdown keeps a paragraph's inline tags one by one (`<b>` and
`</b>` apart). This re-writes each fragment token by token from html.parser's reading, so what a
browser gets is only tags html.parser saw, their attribute values escaped again.
"""

from __future__ import annotations

import html
import html.parser
import re

# Elements left out with everything inside them: they run, load or embed code, or (style, and the
# raw-text ones) are read differently by html.parser and a browser inside <svg> or <math>.
_DROPPED = frozenset("script style iframe frame frameset object embed applet noscript noembed noframes xmp plaintext "
                     "template textarea base meta link animate set animatemotion animatetransform".split())
_VOID = frozenset("area base br col embed frame hr img input link meta param source track wbr".split())
_UNSAFE_SCHEME = re.compile(r"(?:java|vb)script:|data:", re.IGNORECASE)
_SAFE_DATA = re.compile(r"data:image/(?:png|gif|jpe?g|webp|avif|bmp|svg\+xml)[;,]", re.IGNORECASE)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_ATTRIBUTE_NAME = re.compile(r"[a-z_:][-a-z0-9_:.]*")
_TAG_NAME = re.compile(r"[a-z][a-z0-9-]*")  # html.parser takes "scr<script" for a name; a browser might too
# What lets a fragment through untouched: no element of the above, no attribute (a value's scheme
# can be spelt across lines and entities, as a browser reads it), no entity but the five of escaped
# text. A paragraph's `<b>` and `</b>` pass as they are.
_SUSPECT = re.compile(r"<\s*/?\s*(?:" + "|".join(sorted(_DROPPED)) + r")\b|=|&(?!(?:lt|gt|amp|quot|#0*39|#x0*27);)",
                      re.IGNORECASE)
# A raw tag, and a Markdown link's or reference's address, in a note's text (see may_run_script).
_RAW_TAG = re.compile(r"<[a-zA-Z!/][^>]*>?")
_LINK_TARGET = re.compile(r"\]\(\s*<?([^)>]*)|^\s{0,3}\[[^\]]+\]:\s*<?(\S+)", re.MULTILINE)


def unsafe_url(value: str, tag: str = "a", name: str = "href") -> bool:
    """Whether a link or source runs a script or carries a document: `javascript:`, `vbscript:`,
    `data:` (a picture's `data:image/` excepted), however spaced or cased."""
    plain = _INVISIBLE.sub("", value)
    if not _UNSAFE_SCHEME.match(plain):
        return False
    return not (tag == "img" and name == "src" and _SAFE_DATA.match(plain))


def url_scheme(value: str) -> str:
    """A link's scheme as a browser reads it ("javascript:"), for saying what was left out."""
    plain = _INVISIBLE.sub("", value).lower()
    return plain[: plain.index(":") + 1] if ":" in plain else plain


def without_scripts(fragment: str, left_out: list[str] | None = None) -> str:
    """The fragment with what runs a script left out; itself when nothing in it could. What was left
    out is added to `left_out` when given: "<script>", "onerror=", "javascript: link"."""
    if not _SUSPECT.search(fragment):
        return fragment
    writer = _Writer(left_out if left_out is not None else [])
    writer.feed(fragment)
    writer.close()
    return "".join(writer.out)


def may_run_script(text: str) -> bool:
    """Whether a note's text holds HTML or a link the site would leave out, read quickly and
    loosely (code is not told apart from the rest): `html_blocks.left_out_of_note` reads it as the
    site does, for the few notes this finds."""
    left_out: list[str] = []
    if "<" in text:
        for tag in _RAW_TAG.findall(text):
            without_scripts(tag, left_out)
    if left_out:
        return True
    if "](" not in text and "]:" not in text:
        return False
    targets = (next(filter(None, groups), "") for groups in _LINK_TARGET.findall(text))
    return any(unsafe_url(target) for target in targets if ":" in target or "&" in target)


class _Writer(html.parser.HTMLParser):
    def __init__(self, left_out: list[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.left_out = left_out
        self.out: list[str] = []
        self.skipping: list[str] = []  # the dropped elements open around this point

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, " /")

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], close: str) -> None:
        if tag in _DROPPED:
            if not self.skipping:
                self.left_out.append(f"<{tag}>")
            if tag not in _VOID and not close:
                self.skipping.append(tag)
            return
        if self.skipping or not _TAG_NAME.fullmatch(tag):
            return
        kept = []
        for name, value in attrs:
            if not _ATTRIBUTE_NAME.fullmatch(name):
                continue
            if name.startswith("on") or name == "srcdoc":
                self.left_out.append(f"{name}=")
            elif value and unsafe_url(value, tag, name):
                self.left_out.append(f"{url_scheme(value)} link")
            else:
                kept.append(f" {name}" if value is None else f' {name}="{html.escape(value, quote=True)}"')
        self.out.append(f"<{tag}{''.join(kept)}{close}>")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.skipping:
            while self.skipping.pop() != tag:
                pass
        elif not self.skipping and tag not in _DROPPED and _TAG_NAME.fullmatch(tag):
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(html.escape(data, quote=False))

    # Comments, declarations and processing instructions are left out: nothing of them shows, and a
    # browser ends a comment at places html.parser does not ("--!>").
    def handle_comment(self, data: str) -> None:
        pass

    def handle_decl(self, decl: str) -> None:
        pass

    def handle_pi(self, data: str) -> None:
        pass

    def unknown_decl(self, data: str) -> None:
        pass
