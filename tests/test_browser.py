"""The built site in a real headless Chromium (Debian's), served over loopback HTTP.

Checks what only a browser shows: pages render, links work, search finds a word from a note's
body, and no page throws a JavaScript error. Requests to anything but 127.0.0.1 are blocked, so
the MathJax script from its CDN never loads here; math then stays TeX source, as offline.
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import REPO
from sitekit import add_hostile, build, copy_library, reading_note

playwright_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.slow  # a real browser: pytest -m "not slow" leaves it out

BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
ARTIFACTS = REPO / "artifacts"
ENGINES = ("mkdocs", "zensical")
ENGINE_OF: dict[str, str] = {}  # which engine built the site at a base URL



def browser_path() -> str | None:
    candidates = [os.environ.get("PAPERNOTES_CHROMIUM", ""), *BROWSERS]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


@pytest.fixture(scope="module", params=ENGINES)
def site_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The same library built by each engine: every browser test runs against both sites."""
    root = copy_library(tmp_path_factory.mktemp(f"browser-{request.param}"))
    reading_note(root, "planned2026week", "A paper planned for the week", status="reading", planned="2026-W49",
                 started="2026-11-30", found_via="[devlin2018bert]")
    reading_note(root, "finished2026week", "A paper read last week", status="read", finished="2026-11-24",
                 found_via="[planned2026week]")
    scaffold = (REPO / "templates" / "paper.md.j2").read_text(encoding="utf-8")
    (root / "papers" / "stub2001report.md").write_text(
        "---\ntitle: A Report Without Links\nauthors: [Ada Lovelace]\nyear: 2001\n---\n" + scaffold, encoding="utf-8")
    # A notes file migrated from a reading list, with its own title and outline.
    (root / "papers" / "ownheading2019notes.md").write_text(
        "---\ntitle: A Paper With Its Own Notes File\nyear: 2019\ntopic: nlp/embeddings\n---\n\n"
        "# My notes on the paper\n\n## Method\n\nIt embeds.\n\nResults\n-------\n\nGood ones.\n", encoding="utf-8")
    add_hostile(root)
    # Served under a sub-path, as GitHub Pages serves a project site, with its 404 page for what is missing.
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = build(root, request.param, PAPERNOTES_TODAY="2026-12-01", SITE_URL=base + "/")
    assert result.returncode == 0, result.stderr
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    ENGINE_OF[base] = request.param
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


PREFIX = "/notes"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def translate_path(self, path: str) -> str:
        if not path.startswith(PREFIX + "/"):
            return "/nonexistent"
        return super().translate_path(path[len(PREFIX):])

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = os.path.join(self.directory, "404.html")
        if code != 404 or not os.path.isfile(page):
            super().send_error(code, message, explain)
            return
        with open(page, "rb") as handle:
            body = handle.read()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    executable = browser_path()
    if executable is None:
        pytest.skip("no Chromium found; install Debian's chromium (apt-get install chromium)")
    with playwright_api.sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"],
        )
        try:
            yield instance
        finally:
            instance.close()


@pytest.fixture
def allow_errors() -> list[str]:
    """Page errors a test expects (a known fault of an engine), by their text."""
    return []


@pytest.fixture
def open_page(browser: object, site_url: str, allow_errors: list[str]) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000})  # type: ignore[attr-defined]
    errors: list[str] = []

    def loopback_only(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(site_url):
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", loopback_only)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))
    page.on("console", lambda msg: errors.append(f"{page.url}: {msg.text}")
            if msg.type == "error" and site_url in (msg.location or {}).get("url", site_url) and "Failed to load resource" not in msg.text else None)

    def go(path: str) -> object:
        page.goto(site_url + path, wait_until="networkidle")
        return page

    yield go
    context.close()
    assert [e for e in errors if not any(e.endswith(allowed) for allowed in allow_errors)] == [], errors


def test_home_page(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/")
    assert page.title().startswith("Paper notes")
    assert page.locator("h2#currently-reading").inner_text().startswith("Currently reading")
    page.click("article a[href='topics/']")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/topics/")
    assert page.locator("a", has_text="Embeddings and pre-training").count() >= 1


def test_topic_page(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/topics/nlp/embeddings/")
    links = page.locator("article li a").all_inner_texts()
    titles = [t for t in links if t not in ("arXiv", "DOI", "link", "find it") and not t.startswith("#")]
    assert titles[:3] == [
        "Efficient Estimation of Word Representations in Vector Space",
        "Deep contextualized word representations",
        "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
    ]


def test_paper_page_header_and_backlinks(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/devlin2018bert/")
    assert page.locator("h1").inner_text().startswith("BERT: Pre-training")
    assert "Jacob Devlin" in page.locator(".paper-authors").inner_text()
    page.click(".paper-bibtex summary")
    assert "@inproceedings{devlin2018bert," in page.locator(".paper-bibtex code").inner_text()
    assert page.locator(".paper-bibtex button[title='Copy to clipboard']").count() == 1, "Material's copy button"
    backlinks = page.locator("#linked-from + ul a").all_inner_texts()
    assert "Attention Is All You Need" in backlinks
    page.click("text=Attention Is All You Need >> nth=-1")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/vaswani2017attention/")
    ARTIFACTS.mkdir(exist_ok=True)
    open_page("/devlin2018bert/").screenshot(path=str(ARTIFACTS / "paper-page.png"), full_page=True)


# Each engine's search box and results: Material's, and Zensical's (in a shadow root, which
# Playwright's selectors enter).
SEARCH = {"mkdocs": ("label.md-search__icon, .md-search__input", "input.md-search__input", ".md-search-result__item"),
          "zensical": (".md-search__button", "input[role='combobox']", "ol li a[href*='?h=']")}


def search(page, site_url: str, query: str) -> list[str]:  # type: ignore[no-untyped-def]
    opener, box, results = SEARCH[ENGINE_OF[site_url]]
    page.click(opener)
    # Typed, key by key as a reader does, once the box is there: keys sent before it opens are lost.
    page.locator(box).press_sequentially(query)
    page.wait_for_selector(results, timeout=30000)  # the index loads in the browser; slow under load
    return page.locator(results).all_inner_texts()  # type: ignore[no-any-return]


def test_search_finds_a_word_from_a_note_body(open_page, site_url) -> None:  # type: ignore[no-untyped-def]
    results = search(open_page("/"), site_url, "degradation")
    assert any("Deep Residual Learning" in r for r in results), results


def test_search_finds_an_author(open_page, site_url) -> None:  # type: ignore[no-untyped-def]
    results = search(open_page("/"), site_url, "Toutanova")
    assert any("BERT" in r for r in results), results


def test_dark_palette_toggle(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/")
    before = page.locator("body").get_attribute("data-md-color-scheme")
    page.click("label.md-header__button[for^='__palette'] >> visible=true")
    assert page.locator("body").get_attribute("data-md-color-scheme") != before


def test_this_week_and_the_reading_log(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/")
    assert page.locator("h2#this-week").inner_text().startswith("This week")
    week = page.locator("h2#this-week + p + ul li").all_inner_texts()
    assert len(week) == 1 and "A paper planned for the week" in week[0] and week[0].startswith("📖 reading")
    page.click("text=A paper planned for the week")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/planned2026week/")
    assert "planned for 2026-W49 · started 2026-11-30" in page.locator(".paper-dates").inner_text()

    log = open_page("/reading-log/")
    assert log.locator(".reading-chart svg rect").count() == 52
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("default", "slate"):
        # Both palettes: bars must stand out from the page behind them.
        log.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
        bar = log.eval_on_selector(".reading-chart rect.bar:not(.empty)", "e => getComputedStyle(e).fill")
        background = log.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
        assert bar not in ("none", "", background, "rgb(0, 0, 0)"), (scheme, bar, background)
        log.screenshot(path=str(ARTIFACTS / f"reading-log-{scheme}.png"), full_page=True)
    assert "1 paper read" in log.locator(".reading-chart rect.bar:not(.empty) title").first.text_content()


def test_trails(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/trails/")
    assert "4 papers, 1 read" in page.locator("article").inner_text()  # with the hostile note, found via BERT
    tree = page.locator("article ul").first
    assert tree.locator("> li > a").first.inner_text().startswith("BERT")
    nested = tree.locator("li li li a").all_inner_texts()
    assert nested == ["A paper read last week"]
    page.click("text=A paper read last week")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/finished2026week/")
    assert page.locator("#found-via + ul a").all_inner_texts() == ["A paper planned for the week"]
    ARTIFACTS.mkdir(exist_ok=True)
    open_page("/trails/").screenshot(path=str(ARTIFACTS / "trails.png"), full_page=True)


def test_a_parent_topic_page(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/topics/nlp/")
    assert page.locator("article li a", has_text="Attention Is All You Need").count() == 1
    assert page.locator("article a", has_text="Embeddings and pre-training").count() >= 1
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "topic-nlp.png"), full_page=True)


def test_the_404_page_under_a_sub_path(open_page, site_url, allow_errors) -> None:  # type: ignore[no-untyped-def]
    if ENGINE_OF[site_url] == "zensical":
        # Zensical 0.0.41's search asks the server's root for search.json on this page (not the site's
        # sub-path); the rest of the page works. README, "The site", says so.
        allow_errors.append("Network error")
    page = open_page("/no/such/paper/")
    text = page.locator("article").inner_text()
    assert "404" in text and "all papers" in text, text
    page.click("article >> text=all papers")
    page.wait_for_load_state("networkidle")
    assert page.url == site_url + "/all/"
    page = open_page("/no/such/paper/")
    assert page.evaluate("document.styleSheets.length") >= 3, "the theme's stylesheets load under /notes/"
    header = page.eval_on_selector(".md-header", "e => getComputedStyle(e).backgroundColor")
    assert header not in ("rgba(0, 0, 0, 0)", "transparent"), header
    page.click("a.md-header__button.md-logo")
    page.wait_for_load_state("networkidle")
    assert page.url == site_url + "/"
    ARTIFACTS.mkdir(exist_ok=True)
    open_page("/no/such/paper/").screenshot(path=str(ARTIFACTS / "not-found.png"), full_page=True)


def test_the_all_papers_table_sorts_and_filters(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/all/")
    rows = page.locator("#papers-table tbody tr")
    total = rows.count()
    assert total == 13  # the eight examples, four of this test's own and the hostile note

    def titles() -> list[str]:
        return [t for t in page.locator("#papers-table tbody tr:not([hidden]) td:nth-child(3) a").all_inner_texts()]

    page.click("button[data-column='2']")
    assert titles() == sorted(titles(), key=str.casefold)
    assert page.get_attribute("#papers-table th:nth-child(3)", "aria-sort") == "ascending"
    page.focus("button[data-column='1']")
    page.keyboard.press("Enter")  # by keyboard: years, oldest first
    years = page.locator("#papers-table tbody tr td:nth-child(2)").all_inner_texts()
    assert years == sorted(years)
    page.keyboard.press("Enter")
    assert page.get_attribute("#papers-table th:nth-child(2)", "aria-sort") == "descending"
    page.fill("#papers-filter", "attention vaswani")
    assert titles() == ["Attention Is All You Need"] and page.inner_text("#papers-count") == "1 paper"
    page.fill("#papers-filter", "")
    page.select_option("#papers-status", "reading")
    assert len(titles()) == 2  # BERT and the paper planned for the week
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "all-papers.png"), full_page=True)


def test_all_papers_on_a_phone_shows_every_column(browser, site_url) -> None:  # type: ignore[no-untyped-def]
    """At 390 px each paper is a card: its title, status, year, authors, topic and code all in view,
    and the page never scrolls sideways."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(site_url + "/all/", wait_until="networkidle")
    row = page.locator("#papers-table tbody tr", has_text="Attention Is All You Need")
    for cell in row.locator("td").all():
        if cell.inner_text().strip():
            box = cell.bounding_box()
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, (cell.inner_text(), box)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#papers-table thead button[data-column='4']").is_visible(), "sorting by topic stays at hand"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"all-papers-phone-{ENGINE_OF[site_url]}.png"), full_page=False)
    context.close()


def test_a_notes_file_with_its_own_title_leaves_the_page_one_h1(open_page) -> None:  # type: ignore[no-untyped-def]
    """A note whose text starts with `# Its own title` (as a migrated notes file does): the page's one
    H1 is the paper's title, the notes' headings sit under it, and the header names the topic by its title."""
    page = open_page("/ownheading2019notes/")
    assert page.locator("article h1").all_inner_texts() == ["A Paper With Its Own Notes File"]
    assert [h.strip("¶ \n") for h in page.locator("article h2").all_inner_texts()][:1] == ["My notes on the paper"]
    assert [h.strip("¶ \n") for h in page.locator("article h3").all_inner_texts()] == ["Method", "Results"]
    assert page.locator(".paper-meta a").inner_text() == "Embeddings and pre-training"


def test_the_pictures_in_a_browser_at_both_widths_and_palettes(browser, site_url) -> None:  # type: ignore[no-untyped-def]
    """A paper's neighbourhood and the home page's year of reading: drawn, within a phone's width, a
    node a link to its page, and the colours the theme's (light and dark)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(site_url + "/devlin2018bert/", wait_until="networkidle")
        picture = page.locator("figure.paper-neighbourhood svg")
        box = picture.bounding_box()
        assert box is not None and 0 < box["width"] <= width and box["height"] > 0
        assert picture.locator("a").count() >= 3
        for scheme in ("default", "slate"):
            page.evaluate(f"document.body.setAttribute('data-md-color-scheme', '{scheme}')")
            label = page.eval_on_selector("figure.paper-neighbourhood text", "e => getComputedStyle(e).fill")
            background = page.eval_on_selector("body", "e => getComputedStyle(e).backgroundColor")
            assert label != background, (scheme, label)
            page.locator("figure.paper-neighbourhood").screenshot(path=str(ARTIFACTS / f"neighbourhood-{width}-{scheme}-{ENGINE_OF[site_url]}.png"))
        page.click("figure.paper-neighbourhood svg a >> nth=0")
        page.wait_for_load_state("networkidle")
        assert page.url != site_url + "/devlin2018bert/" and page.url.startswith(site_url)
        page.goto(site_url + "/", wait_until="networkidle")
        calendar = page.locator("figure.reading-calendar svg")
        assert calendar.bounding_box()["width"] <= width
        page.locator("figure.reading-calendar").screenshot(path=str(ARTIFACTS / f"calendar-{width}-{ENGINE_OF[site_url]}.png"))
        page.goto(site_url + "/map/", wait_until="networkidle")
        the_map = page.locator("figure.library-map svg")
        before = the_map.bounding_box()["width"]
        page.click("button[data-zoom='1.5']")
        assert the_map.bounding_box()["width"] > before * 1.4, "zoom in"
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "the map scrolls inside its frame, not the page"
        page.screenshot(path=str(ARTIFACTS / f"map-{width}-{ENGINE_OF[site_url]}.png"))
        context.close()


def test_a_stub_paper_page(open_page) -> None:  # type: ignore[no-untyped-def]
    page = open_page("/stub2001report/")
    assert page.locator("article h2").count() == 0, "no empty Summary / Key ideas / Notes headings"
    find = page.locator(".paper-links a", has_text="Find it")
    assert find.get_attribute("href") == "https://www.semanticscholar.org/search?q=A+Report+Without+Links"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "stub-paper.png"), full_page=True)


# Every link in the article that is not a web address, clicked (an SVG link's address is an object,
# and it has no click(): a click event is sent to it instead). A list of what was clicked: [] is right.
CLICK_EVERY_OTHER_LINK = ("links => links.map(a => [a, new URL(typeof a.href === 'string' ? a.href : a.href.baseVal, location.href).href])"
                          ".filter(([a, href]) => !/^https?:/.test(href))"
                          ".map(([a, href]) => { a.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})); return href; })")


# One page of every kind the site has, each showing the hostile note or digest (tests/test_site.py).
EVERY_PAGE_TYPE = ("/", "/all/", "/topics/", "/tags/", "/timeline/", "/reading-log/", "/trails/", "/inbox/",
                   "/evil2020script/", "/devlin2018bert/", "/no-such-page/")


def test_no_hostile_value_runs_a_script_on_any_page(browser, site_url) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(site_url) else route.abort())
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"), dialog.dismiss()))
    for path in EVERY_PAGE_TYPE:
        page.goto(site_url + path, wait_until="networkidle")
        page.mouse.move(200, 300)  # onmouseover handlers, had any survived
    page.goto(site_url + "/inbox/", wait_until="networkidle")
    assert "onerror=alert(20)" in page.inner_text("article"), "the digest's hostile text is shown as text"
    # A link that is not a web address would run when clicked: click every one there is (none, we hope).
    clicked = page.eval_on_selector_all("article a", CLICK_EVERY_OTHER_LINK)
    assert clicked == [], clicked
    page.goto(site_url + "/evil2020script/", wait_until="networkidle")
    assert 'Eve "&gt;&lt;svg' not in page.inner_text("article") and 'Eve "><svg onload=alert(135)>' in page.inner_text("article")
    # Its highlights from Zotero: quotes with their colour mark and comment, every value shown as text,
    # and only web links (the zotero: link is text on a published page); click the rest, had any survived.
    quotes = page.locator("article blockquote").all_inner_texts()
    assert any(q.startswith("🟥 <script>alert(40)</script> [x](javascript:alert(41))") for q in quotes), quotes
    assert any(q.startswith("🟦 A plain highlighted sentence.") and "p. 4" in q and "underlined" in q for q in quotes), quotes
    assert "<img src=x onerror=alert(42)>" in page.inner_text("article") and "A plain comment." in page.inner_text("article")
    assert page.locator("article h1, article h2, article h3", has_text="not a heading").count() == 0
    # The note's own HTML stays, without what runs a script (present/own_html.py).
    assert page.locator("article b", has_text="kept bold").count() == 1
    assert page.locator("article details summary", has_text="Kept details").count() == 1
    assert page.locator("article a", has_text="entity link").count() == 1
    clicked = page.eval_on_selector_all("article a", CLICK_EVERY_OTHER_LINK)
    assert clicked == [], clicked
    page.mouse.move(300, 500)
    context.close()
    assert dialogs == [], dialogs


@pytest.fixture(scope="module", params=ENGINES)
def pagefind_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The example library searched by Pagefind (as a library of 2,000 notes or more is), built by each engine."""
    root = copy_library(tmp_path_factory.mktemp("pagefind"))
    settings = root / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", "[tool.papernotes]\nsite_search = \"pagefind\"\n", 1),
                        encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    result = build(root, request.param, PAPERNOTES_TODAY="2026-12-01", SITE_URL=base + "/")
    assert result.returncode == 0, result.stderr
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()


def test_pagefind_search_finds_an_author_and_a_word_from_the_notes(browser, pagefind_url) -> None:  # type: ignore[no-untyped-def]
    """The header keeps its search entry (the theme's box would search an empty index), and results
    read as the papers' titles and headings, without permalink marks or an empty image column."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    fetched: list[int] = []
    page.on("response", lambda response: fetched.append(len(response.body())) if "/pagefind/" in response.url else None)
    page.goto(pagefind_url + "/kingma2014adam/", wait_until="networkidle")
    assert not page.is_visible(".md-search"), "the theme's own box has no index to search"
    page.click("header .papernotes-search")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/search/")
    for query, expected in (("Toutanova", "BERT"), ("degradation", "Deep Residual Learning")):
        page.fill(".pagefind-ui__search-input", query)
        page.wait_for_selector(".pagefind-ui__result-title", timeout=15000)
        page.wait_for_function(f"[...document.querySelectorAll('.pagefind-ui__result-title')].some(e => e.innerText.includes({expected!r}))",
                               timeout=15000)
    results = page.inner_text(".pagefind-ui__results")
    assert "\u00b6" not in results, results
    assert page.query_selector(".pagefind-ui__result-thumb") is None, "no column of missing images"
    page.goto(pagefind_url + "/search/?q=Toutanova", wait_until="networkidle")
    page.wait_for_function("[...document.querySelectorAll('.pagefind-ui__result-title')].some(e => e.innerText.includes('BERT'))",
                           timeout=15000)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(pagefind_url + "/", wait_until="networkidle")
    assert page.is_visible("header .papernotes-search"), "the entry stays in a phone's header"
    assert errors == [], errors
    assert 0 < sum(fetched) < 1_000_000, f"a query downloads chunks of the index, not all of it: {sum(fetched)} bytes"
    context.close()


@pytest.mark.parametrize("engine", ENGINES)
def test_a_forks_pages_ask_no_other_host(browser, tmp_path: Path, engine: str) -> None:  # type: ignore[no-untyped-def]
    """With repo_url set (as `papernotes init` sets it for a GitHub remote), the theme's repository
    widget would make every visitor's browser ask api.github.com for stars and releases: no page asks
    any host but the site's own, unless the owner turns the counts on (extra: repo_facts: true)."""
    root = copy_library(tmp_path)
    settings = root / "mkdocs.yml"
    settings.write_text(settings.read_text(encoding="utf-8") + "\nrepo_url: https://github.com/someone/papers\n"
                        "edit_uri: edit/main/papers/\n", encoding="utf-8")
    handler = functools.partial(QuietHandler, directory=str(root / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    assert build(root, engine, PAPERNOTES_TODAY="2026-12-01", SITE_URL=base + "/").returncode == 0
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True).start()
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    elsewhere: list[str] = []

    def record(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        if url.startswith(base):
            route.continue_()  # type: ignore[attr-defined]
        else:
            elsewhere.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", record)
    page = context.new_page()
    try:
        for path in ("/", "/all/", "/devlin2018bert/", "/tags/"):
            page.goto(base + path, wait_until="networkidle")
            page.wait_for_timeout(300)
        assert page.locator(".md-source").count() >= 1, "the repository's link is still there"
        assert elsewhere == [], elsewhere
    finally:
        context.close()
        server.shutdown()
        server.server_close()
