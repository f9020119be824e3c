"""The presenters as units, without a build: views (pure arrangements), render (the escaping path)
and the site's pages as the generator makes them."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import LIBRARY_DATA, REPO
from papernotes.errors import PapernotesError
from papernotes.model.config import Config
from papernotes.model.pages import RESERVED_KEYS, SITE_PAGES
from papernotes.model.paper import Paper, in_topic
from papernotes.model.statuses import STATUSES
from papernotes.model.text import short_authors
from papernotes.present.markdown import md, paper_line, status_word
from papernotes.present.site import SiteBuilder, SiteLinks
from papernotes.present.views import canonical_tags, known_filters, topic_tree

CONFIG = Config(root=REPO, topics={"nlp": "Natural Language Processing", "nlp/embeddings": "Embeddings"})


def paper(key: str, body: str = "", **fields: object) -> Paper:
    return Paper.from_frontmatter({"key": key, "title": f"Paper {key}", "year": 2020, **fields}, body)


def test_topic_tree_nests_by_path_in_the_configured_order() -> None:
    papers = [paper("b", topic="vision"), paper("a", topic="nlp/embeddings"), paper("c"), paper("d", topic="nlp")]
    roots = topic_tree(papers, CONFIG)
    assert [r.title for r in roots] == ["Natural Language Processing", "Vision", "Unsorted"]
    nlp = roots[0]
    assert [p.key for p in nlp.papers] == ["d"] and [c.title for c in nlp.children] == ["Embeddings"]


def test_one_spelling_per_tag_and_filters_in_any_case() -> None:
    first = paper("a", tags=["Pretraining"], added="2026-01-01", topic="nlp")
    later = paper("b", tags=["pretraining", "GANs"], added="2026-02-01")
    assert canonical_tags([later, first], ["GAN"]) == {"pretraining": "Pretraining", "gan": "GAN"}
    assert in_topic(first, "NLP") and not in_topic(later, "nlp")
    known_filters([first, later], ["PRETRAINING"], "Nlp")
    with pytest.raises(PapernotesError, match="no topic 'vison' in the library"):
        known_filters([first, later], [], "vison")


def test_markdown_from_data_cannot_become_markup() -> None:
    hostile = '<script>alert(1)</script> [x](javascript:alert(2)) *em* `code` {: onclick=x } $x$'
    text = md(hostile)
    assert "<" not in text
    for unescaped in (r"(?<!\\)\[x(?<!\\)\]\(", r"(?<!\\)\*em", r"(?<!\\)\{:", r"(?<!\\)`"):
        assert not re.search(unescaped, text), (unescaped, text)
    line = paper_line(paper("evil", title=hostile, authors=["<img src=x onerror=alert(3)>"]), SiteLinks("index.md"))
    assert "<img" not in line and "<script" not in line


def test_statuses_read_the_same_everywhere() -> None:
    assert [status_word(s) for s in STATUSES] == ["to read", "reading", "read", "skipped"]
    assert short_authors(["Diederik P. Kingma", "Jimmy Ba"]) == "Kingma and Ba" and short_authors(["Devlin, Jacob"]) == "Devlin"
    assert short_authors(["A B", "C D", "E F"]) == "B et al." and short_authors([]) == "Anonymous"


@pytest.fixture
def site() -> SiteBuilder:
    papers = [
        paper("bert", title="BERT", status="read", finished="2026-11-24", added="2026-11-01", body="See [[elmo]]."),
        paper("elmo", title="ELMo", found_via=["bert"], added="2026-11-02"),
        paper("loopa", found_via=["loopb"]), paper("loopb", found_via=["loopa"]),
        paper("imp1", found_via=["import:zotero.bib"], added="2026-11-03"),
        paper("imp2", found_via=["import:zotero.bib"], added="2026-11-03"),
    ]
    digest = ("2026-W48.md", "# New papers\n\n- [ ] [A](https://arxiv.org/abs/2611.00001) — <img src=x onerror=alert(1)>\n")
    return SiteBuilder.build(REPO, CONFIG, papers, dt.date(2026, 11, 30), digest, "https://example.org/notes/")


def test_every_page_of_the_site_is_generated_and_reserved(site: SiteBuilder) -> None:
    pages = site.pages()
    for name in ("index.md", "all.md", "topics/index.md", "tags.md", "timeline.md", "reading-log.md", "trails.md",
                 "inbox.md", "feed.xml", "plan.ics", "library.bib", "map.md"):
        assert name in pages, name
    # A note may not take a page's name: the model's list of reserved names covers every page.
    assert {Path(name).parts[0].rsplit(".", 1)[0] for name in pages} <= RESERVED_KEYS
    home = pages["index.md"]
    for page in SITE_PAGES:
        assert (f"]({page.path})" in home) == (page.home and page.path != "search.md"), page.path


def test_the_nav_in_mkdocs_yml_is_the_page_table() -> None:
    """mkdocs.yml's nav (the tests' copy of the template's) names the table's pages, in its order."""
    config = (LIBRARY_DATA / "mkdocs.yml").read_text(encoding="utf-8")
    nav = config.split("\nnav:\n", 1)[1].split("\n\n", 1)[0]
    listed = [tuple(line.strip().removeprefix("- ").split(": ", 1)) for line in nav.splitlines()]
    table = [(page.title, page.path) for page in SITE_PAGES if page.nav]
    assert listed == [entry for entry in table if entry in listed] and len(listed) >= 9


def test_the_inbox_trails_and_feed(site: SiteBuilder) -> None:
    pages = site.pages()
    assert "<img" not in pages["inbox.md"] and "&lt;img src=x onerror=alert(1)>" in pages["inbox.md"]
    trails = {t.paper.key: [p.key for _, p in t.members] for t in site.trails()}
    assert trails["bert"] == ["bert", "elmo"] and trails["loopa"] == ["loopa", "loopb"]
    assert pages["feed.xml"].count("Imported 2 papers from zotero.bib") == 1
    assert [p.key for p in site.backlinks["elmo"]] == ["bert"]


def test_has_notes_agrees_with_stripping_empty_sections() -> None:
    from hypothesis import given
    from hypothesis import strategies as st
    from papernotes.model.links import has_notes, strip_empty_sections

    lines = st.sampled_from(["", "  ", "## Summary", "# Title", "### Deeper", "text", "```", "# in a fence", "~~~", "- item"])

    @given(st.lists(lines, max_size=12))
    def agree(chosen: list[str]) -> None:
        body = "\n".join(chosen)
        assert has_notes(body) == bool(strip_empty_sections(body).strip()), body

    agree()


def test_notes_with_their_own_title_sit_under_the_pages() -> None:
    from papernotes.model.links import under_the_title

    assert under_the_title("## Summary\n\nText\n") == "## Summary\n\nText\n", "notes without an H1 stay as they are"
    assert under_the_title("# Mine\n\n## Part\n\n###### Deep\n") == "## Mine\n\n### Part\n\n###### Deep\n"
    assert under_the_title("Mine\n====\n\nPart\n----\n\ntext\n\n---\n") == "## Mine\n\n### Part\n\ntext\n\n---\n", \
        "underlined headings move too; a rule after a blank line stays a rule"
    fenced = "# Mine\n\n```sh\n# a comment, not a heading\n```\n"
    assert under_the_title(fenced) == "## Mine\n\n```sh\n# a comment, not a heading\n```\n"
    assert under_the_title("```\n# only in code\n```\n") == "```\n# only in code\n```\n"


def test_notes_from_elsewhere_nest_under_their_section() -> None:
    """A notes file under its note's `## From FOLDER`: its headings move below it, however it writes them."""
    from papernotes.model.links import headings_below

    assert headings_below("# Intro\n\ntext\n\n## Idea\n", 2) == "### Intro\n\ntext\n\n#### Idea\n"
    assert headings_below("## Idea\n\n#### Deep\n", 2) == "### Idea\n\n##### Deep\n"
    assert headings_below("### Already\n", 2) == "### Already\n" and headings_below("plain text", 2) == "plain text"
    assert headings_below("Intro\n=====\n\n```\n# code\n```\n\n###### Six\n", 2) == \
        "### Intro\n\n```\n# code\n```\n\n###### Six\n", "underlined ones too, none in code, none past six"


def test_html_templates_and_pictures_escape_every_value_one_way() -> None:
    """Every value in an HTML template or picture is escaped as html_text escapes it, square brackets
    too (no engine may read `[x](...)` in an HTML block as a link); markup made on purpose stays."""
    from papernotes.present.markdown import html_text
    from papernotes.present.pictures import neighbourhood

    hostile = '[x](javascript:alert(1)) <img src=x onerror=alert(2)> "q" & [cs.CL]'
    evil, centre = paper("evil", title=hostile, authors=[hostile]), paper("centre", title="Centre")
    ring = neighbourhood(REPO, centre, [("links", [evil])], lambda p: f"{p.key}/?a=1&b=[2]")
    assert html_text(hostile) in ring and "[" not in ring and "<img" not in ring
    assert 'href="evil/?a=1&amp;b=&#91;2&#93;"' in ring
    site = SiteBuilder.build(REPO, CONFIG, [evil, centre], dt.date(2026, 11, 30), None, None)
    header = site.paper_header(evil)
    assert html_text(hostile) in header and "<img" not in header and "[x]" not in header
    assert '<span class="arithmatex">' not in header and "<details" in header  # template markup stays markup


def test_a_template_is_compiled_once_and_again_after_an_edit(tmp_path: Path) -> None:
    """Compiling a template costs a hundred renders: a build compiles each once, and a preview's
    long-lived process still sees the owner's edit of a template."""
    from papernotes.present.render import environment

    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "site_mine.md.j2"
    template.write_text("one {{ n }}", encoding="utf-8")
    first = environment(tmp_path).get_template("site_mine.md.j2")
    assert environment(tmp_path).get_template("site_mine.md.j2") is first
    template.write_text("two, edited {{ n }}", encoding="utf-8")
    assert environment(tmp_path).get_template("site_mine.md.j2").render(n=1) == "two, edited 1"


# Each: a note's own HTML as Python-Markdown hands it over (a block, or one inline tag), and what
# the site publishes of it. Vectors from OWASP's XSS filter evasion cheat sheet and known mXSS.
OWN_HTML = [
    ('<img src=x onerror=alert(1)>', '<img src="x">'),
    ('<IMG SRC="jav&#x09;ascript:alert(1)">', '<img>'),
    ('<a href=" JaVa&#115;cript:alert(1)">x</a>', '<a>x</a>'),
    ('<a href="vbscript:msgbox(1)">x</a>', '<a>x</a>'),
    ('<a href="javas\ncript:alert(1)">x</a>', '<a>x</a>'),  # a browser's URL parser drops the line break
    ('<a href="\tjava\tscript\t:alert(1)">x</a>', '<a>x</a>'),
    ('<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>', '<a>x</a>'),
    ('<img/src=x/onerror=alert(1)>', '<img src="x/onerror=alert(1)">'),  # one attribute, as a browser reads it
    ('<a "onmouseover=alert(1)>x</a>', '<a>x</a>'),
    ('<script>alert(1)</script>', ''),
    ('<SCRIPT SRC=//evil.example/x.js></SCRIPT>', ''),
    ('<script/>alert(1)</script>', 'alert(1)'),
    ('<scr<script>ipt>alert(1)</script>', 'ipt&gt;alert(1)'),
    ('<svg><style><img src=x onerror=alert(1)></style></svg>', '<svg></svg>'),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', '<svg></svg>'),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', '<svg><a><text>x</text></a></svg>'),
    ('<!-- --!><img src=x onerror=alert(1)> -->', ''),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', ''),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>', ''),
    ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', ''),
    ('<form action="javascript:alert(1)"><button formaction="javascript:alert(2)">go</button></form>',
     '<form><button>go</button></form>'),
    # What a note may write stays, its meaning unchanged.
    ('<details><summary>More</summary><p>AT&T &amp; x &lt; y</p></details>',
     '<details><summary>More</summary><p>AT&amp;T &amp; x &lt; y</p></details>'),
    ('<img src="data:image/png;base64,iVBORw0KGgo=" width=120 alt="plot">', '<img src="data:image/png;base64,iVBORw0KGgo=" width="120" alt="plot">'),
]


@pytest.mark.parametrize(("written", "published"), OWN_HTML)
def test_a_notes_own_html_runs_no_script(written: str, published: str) -> None:
    from papernotes.present.own_html import without_scripts

    assert without_scripts(written) == published


def test_what_a_note_may_write_keeps_its_meaning() -> None:
    import markdown
    from papernotes.present.own_html import without_scripts
    from sitekit import tokens

    for fragment in ('<b>', '</b>', '<sub>2</sub>', '<kbd>Ctrl</kbd>'):
        assert without_scripts(fragment) == fragment, "a tag without attributes passes untouched"
    for fragment in ('<div class="note" markdown>', '<a href="https://arxiv.org/abs/1706.03762" title=\'a "b"\'>x</a>',
                     '<img src="figs/plot.png" width=300>', '<p>AT&T &nbsp; &copy; x</p>'):
        assert tokens(without_scripts(fragment)) == tokens(fragment), fragment
    text = ('Plain <b>bold</b>, [a link](https://example.org/?a=1&b=2), ![plot](figs/plot.png "t").\n\n'
            '<details><summary>More</summary>\n\nHidden.\n</details>\n\n```js\nalert("<b>code</b>") & 1\n```\n')
    extensions = ["toc", "admonition", "pymdownx.superfences"]
    assert tokens(markdown.markdown(text, extensions=[*extensions, "papernotes.present.html_blocks"])) == \
        tokens(markdown.markdown(text, extensions=extensions)), "nothing of a plain note changes"
