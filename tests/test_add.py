"""`python tools/add.py` end to end: a subprocess, the real arxiv client, a fake arXiv on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import LIBRARY_DATA, REPO, TOOLS, run_script, script_env
from fakearxiv import FakeArxiv
from papernotes.model.paper import Paper
from papernotes.store.library import Library, serialize

BERT_TITLE = "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding"
BERT_AUTHORS = ["Jacob Devlin", "Ming-Wei Chang", "Kenton Lee", "Kristina Toutanova"]
# The first three arXiv references in that README, read off lines 41, 45 and 51 by hand.
FLOODSUNG_FIRST_THREE = ["1409.1556", "1512.03385", "1303.5778"]


def add_bert(server: FakeArxiv) -> None:
    server.add(
        "1810.04805", BERT_TITLE, BERT_AUTHORS, version=2,
        summary="We introduce a new language representation model called BERT.",
        published="2018-10-11T00:50:01Z", updated="2019-05-24T20:37:26Z", categories=("cs.CL",),
        comment="13 pages",
    )


def add(library: Path, *args: str, server: FakeArxiv | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return run_script("add.py", "--root", library, *args, server=server, stdin=stdin)


def front(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def notes(library: Path) -> list[str]:
    return sorted(p.name for p in (library / "papers").iterdir())


# -- the note ------------------------------------------------------------------------------------------


def test_golden_note_for_bert(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    result = add(library, "1810.04805", "--topic", "nlp/embeddings", "--tag", "transformers",
                 "--tag", "pretraining", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"added papers/devlin2018bert.md  {BERT_TITLE}\n"
    text = (library / "papers" / "devlin2018bert.md").read_text(encoding="utf-8")
    today = dt.date.today().isoformat()
    golden = (REPO / "tests" / "data" / "golden" / "devlin2018bert.md").read_text(encoding="utf-8")
    assert text == golden.replace("added: 2026-11-26", f"added: {today}")


def test_example_notes_have_the_shape_add_writes() -> None:
    """The example library is exactly what the writer produces: same field order, quoting and layout."""
    library = Library(LIBRARY_DATA)
    for note in sorted((LIBRARY_DATA / "papers").glob("*.md")):
        assert serialize(library.read_note(note)) == note.read_text(encoding="utf-8"), note.name
        assert note.read_text(encoding="utf-8").count("## Summary") == 1, note.name


def test_every_identifier_form_adds_the_same_paper_once(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    forms = ["1810.04805", "1810.04805v2", "arXiv:1810.04805", "ARXIV:1810.04805v1",
             "https://arxiv.org/pdf/1810.04805v2.pdf", "https://www.arxiv.org/abs/1810.04805?context=cs",
             "http://export.arxiv.org/abs/1810.04805#x", "10.48550/arXiv.1810.04805", "arxiv.org/html/1810.04805v1."]
    result = add(library, *forms, server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"added papers/devlin2018bert.md  {BERT_TITLE}"]
    assert notes(library) == ["devlin2018bert.md"]
    assert [r.id_list for r in arxiv_server.requests] == [["1810.04805"]]
    again = add(library, "https://arxiv.org/abs/1810.04805v1", server=arxiv_server)
    assert again.returncode == 0
    assert again.stdout == "exists papers/devlin2018bert.md\n"
    assert len(arxiv_server.requests) == 1, "a paper already in the library is not fetched again"


def test_old_style_ids_and_real_recorded_entries(library: Path, arxiv_server: FakeArxiv) -> None:
    for name in ("astro-ph_0601001.xml", "quant-ph_0201082v1.xml", "math_0211159.legacy2019.xml", "2104.12255v1.xml"):
        arxiv_server.add_recorded(name)
    result = add(library, "astro-ph/0601001", "quant-ph/0201082v1", "math.DG/0211159", "2104.12255", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert [line.split()[1] for line in result.stdout.splitlines()] == [
        "papers/gould2006frequency.md", "papers/blaha2002quantum.md", "papers/perelman2002entropy.md",
        "papers/nguyen20210.md",
    ]
    astro = front(library / "papers" / "gould2006frequency.md")
    assert astro["arxiv"] == "astro-ph/0601001"
    assert astro["venue"] == "ActaAstron.56:1-50,2006"
    assert astro["authors"] == ["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"]
    assert astro["published"] == dt.date(2006, 1, 2)
    assert "\n" not in front(library / "papers" / "perelman2002entropy.md")["abstract"]
    # A real paper titled "0" stays the string '0'.
    assert front(library / "papers" / "nguyen20210.md")["title"] == "0"
    assert "title: '0'" in (library / "papers" / "nguyen20210.md").read_text()


@pytest.mark.parametrize(
    "title",
    [
        "Colons: everywhere: here",
        "Quotes 'single' and \"double\"",
        "LaTeX $\\mathcal{O}(n^2)$ and \\emph{emphasis} with 50\\% and {braces}",
        "null",
        "yes",
        "- starts like a list",
        "# starts like a comment",
        "<b>HTML</b> &amp; <script>alert(1)</script>",
        "Ünïcödé Łukasz — 日本語",
    ],
)
def test_awkward_titles_survive_exactly(library: Path, arxiv_server: FakeArxiv, title: str) -> None:
    arxiv_server.add("2001.00001", title, ["A. Author"], published="2020-01-01T00:00:00Z")
    result = add(library, "2001.00001", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    (path,) = (library / "papers").glob("*.md")
    assert front(path)["title"] == title
    assert Library(library).read_note(path).title == title


def test_newlines_in_titles_and_abstracts_are_folded(library: Path, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("2001.00002", "A title\n  broken over\n lines", ["A. Author"],
                     summary="  Line one\nline two.\n\n", published="2020-01-01T00:00:00Z")
    assert add(library, "2001.00002", server=arxiv_server).returncode == 0
    meta = front(library / "papers" / "author2020title.md")
    assert meta["title"] == "A title broken over lines"
    assert meta["abstract"] == "Line one line two."


def test_fifteen_hundred_authors(library: Path, arxiv_server: FakeArxiv) -> None:
    authors = [f"Author Number{i}" for i in range(1500)]
    arxiv_server.add("2001.00003", "A large collaboration", authors, published="2020-01-01T00:00:00Z")
    assert add(library, "2001.00003", server=arxiv_server).returncode == 0
    assert front(library / "papers" / "number02020large.md")["authors"] == authors


def test_keys_fold_to_ascii_and_clashes_get_suffixes(library: Path, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("2001.00004", "Über alles", ["Jürgen Müller"], published="2020-01-01T00:00:00Z")
    arxiv_server.add("2001.00005", "Über nichts", ["Jürgen Müller"], published="2020-01-01T00:00:00Z")
    arxiv_server.add("2001.00006", "The Łódź paper", ["Łukasz O'Neil"], published="2020-01-01T00:00:00Z")
    result = add(library, "2001.00004", "2001.00005", "2001.00006", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert notes(library) == ["muller2020uber.md", "muller2020ubera.md", "oneil2020lodz.md"]


def test_a_300_id_batch_takes_two_requests_and_matches_by_id(library: Path, arxiv_server: FakeArxiv) -> None:
    ids = [f"2101.{i:05d}" for i in range(1, 301)]
    for i, ident in enumerate(ids):
        arxiv_server.add(ident, f"Paper number {i}", [f"Author Surname{i}"], published="2021-01-05T00:00:00Z")
    result = add(library, "--from", "-", server=arxiv_server, stdin="\n".join(ids) + "\n")
    assert result.returncode == 0, result.stderr
    assert len(arxiv_server.requests) == 2
    assert all(len(r.id_list) <= 200 for r in arxiv_server.requests)
    assert arxiv_server.requests[0].query["max_results"] == ["200"]
    lines = result.stdout.splitlines()
    assert len(lines) == 300
    # Entries came back in reverse order; each note still holds its own paper.
    for i in (0, 150, 299):
        assert lines[i] == f"added papers/surname{i}2021paper.md  Paper number {i}"
        assert front(library / "papers" / f"surname{i}2021paper.md")["arxiv"] == ids[i]


def test_user_agent_names_papernotes(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    add(library, "1810.04805", server=arxiv_server)
    assert arxiv_server.requests[0].user_agent.startswith("papernotes/")


# -- bad input ----------------------------------------------------------------------------------------


def test_malformed_ids_are_never_sent(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    result = add(library, "abc", "1810.0480", "1810.04805", "0000.0000", server=arxiv_server)
    assert result.returncode == 1
    errors = result.stderr.splitlines()
    assert errors[0].startswith("error: 'abc' is not an arXiv ID")
    assert errors[1].startswith("error: '1810.0480' is not an arXiv ID")
    assert errors[2].startswith("error: '0000.0000' is not an arXiv ID")
    assert "Traceback" not in result.stderr
    assert [r.id_list for r in arxiv_server.requests] == [["1810.04805"]]
    assert notes(library) == ["devlin2018bert.md"]


def test_unknown_ids_are_not_found(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    result = add(library, "2104.00000".replace("00000", "99999"), "1810.04805", server=arxiv_server)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["not found 2104.99999", f"added papers/devlin2018bert.md  {BERT_TITLE}"]


def test_an_empty_answer_is_asked_once_more_before_not_found(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    arxiv_server.faults.extend(["empty"])
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert len(arxiv_server.requests) == 2
    assert notes(library) == ["devlin2018bert.md"]


def test_unknown_ids_are_asked_for_once(library: Path, arxiv_server: FakeArxiv) -> None:
    ids = [f"2104.{i:05d}" for i in range(1, 401)]  # two batches, none of them known to arXiv
    result = add(library, *ids, server=arxiv_server)
    assert result.returncode == 1 and result.stdout.count("not found ") == 400
    assert len(arxiv_server.requests) == 2, "an answer that counts no results is final"


def test_a_truncated_feed_is_a_bad_answer_not_a_missing_paper(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    arxiv_server.always = "garbage"
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 1 and "not found" not in result.stdout
    assert "arXiv sent a malformed feed" in result.stderr and notes(library) == []


def test_an_id_arxiv_refuses_is_reported_and_the_rest_still_added(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    arxiv_server.faults.extend(["400"])  # arXiv refuses "abc" once, as if it were in the batch
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 1
    assert "incorrect id format" in result.stderr


@pytest.mark.parametrize("faults", [["429", "503"], ["rate"], ["html", "garbage"], ["stall"], ["reset"]])
def test_faults_then_recovery(library: Path, arxiv_server: FakeArxiv, faults: list[str]) -> None:
    add_bert(arxiv_server)
    arxiv_server.faults.extend(faults)
    arxiv_server.stall_seconds = 2.5
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert len(arxiv_server.requests) == len(faults) + 1
    assert notes(library) == ["devlin2018bert.md"]


@pytest.mark.slow
@pytest.mark.parametrize("fault, reason", [("503", "HTTP 503"), ("429", "HTTP 429"), ("rate", "Rate exceeded"),
                                           ("html", "no Atom feed"), ("stall", "no answer within 1 s")])
def test_faults_forever_give_a_clean_error(library: Path, arxiv_server: FakeArxiv, fault: str, reason: str) -> None:
    add_bert(arxiv_server)
    arxiv_server.always = fault
    arxiv_server.stall_seconds = 1.5
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: arXiv did not answer usefully after 5 tries")
    assert reason in line
    assert len(arxiv_server.requests) == 5
    assert notes(library) == []


def test_no_server_at_all(library: Path) -> None:
    """Nothing listening (offline, an unknown host): tried once more, not four times with growing waits
    (36 s with arXiv's delay before the error)."""
    result = add(library, "1810.04805", server=None)
    assert result.returncode == 1
    assert result.stderr.startswith("error: arXiv did not answer usefully after 2 tries: cannot connect"), result.stderr
    # The reason as the system says it, without the quotes and brackets of the exception around it.
    assert re.search(r"cannot connect \(\[Errno \d+\] Connection refused\)[ ;]", result.stderr), result.stderr
    assert notes(library) == []


def test_bad_usage_exits_2(library: Path) -> None:
    result = add(library, "--status", "someday", "1810.04805")
    assert result.returncode == 2
    assert "invalid choice: 'someday'" in result.stderr
    result = add(library, "--topic", "nlp//x", "1810.04805")
    assert result.returncode == 1
    assert result.stderr.startswith("error: --topic: expected a topic path")


def test_nothing_to_add(library: Path) -> None:
    result = add(library)
    assert result.returncode == 2, "bad usage exits 2, as argparse's errors do"
    assert result.stderr.startswith("error: nothing to add")


# -- never lose a note ---------------------------------------------------------------------------------


def test_an_existing_note_is_left_byte_identical(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    note = library / "papers" / "devlin2018bert.md"
    original = b"---\r\nkey: devlin2018bert\r\ntitle: My own title\r\narxiv: '1810.04805'\r\ntags: [mine]\r\n---\r\nmy notes\r\n"
    note.write_bytes(original)
    result = add(library, "1810.04805v1", server=arxiv_server)
    assert result.returncode == 0
    assert result.stdout == "exists papers/devlin2018bert.md\n"
    assert note.read_bytes() == original
    assert arxiv_server.requests == []


def test_options_on_an_existing_note_are_applied_in_place_and_only_add(library: Path, arxiv_server: FakeArxiv) -> None:
    note = library / "papers" / "devlin2018bert.md"
    original = (b"---\r\nkey: devlin2018bert\r\ntitle: My own title  # keep\r\narxiv: '1810.04805'\r\n"
                b"topic: mine/own\r\ntags:\r\n  - mine\r\n---\r\nmy notes\r\n")
    note.write_bytes(original)
    result = run_script("add.py", "--root", library, "1810.04805v1", "--tag", "mine", "--tag", "stack-bert",
                        "--topic", "nlp", "--status", "reading", server=arxiv_server, PAPERNOTES_TODAY="2026-11-30")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated papers/devlin2018bert.md +tag stack-bert, status: to-read → reading, started: 2026-11-30\n"
    assert note.read_bytes() == original.replace(b"  - mine\r\n", b"  - mine\r\n  - stack-bert\r\n").replace(
        b"---\r\nmy notes", b"status: reading\r\nstarted: 2026-11-30\r\n---\r\nmy notes")
    assert arxiv_server.requests == []
    again = add(library, "1810.04805", "--tag", "stack-bert", server=arxiv_server)
    assert again.stdout == "exists papers/devlin2018bert.md\n"


def test_a_different_paper_with_the_same_key_gets_a_suffix(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    mine = library / "papers" / "devlin2018bert.md"
    mine.write_text("---\ntitle: Something else\n---\n", encoding="utf-8")
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 0
    assert result.stdout.startswith("added papers/devlin2018berta.md")
    assert mine.read_text() == "---\ntitle: Something else\n---\n"


def test_same_doi_is_the_same_paper(library: Path, arxiv_server: FakeArxiv) -> None:
    arxiv_server.add("2001.00007", "Published later", ["A. Author"], doi="10.1000/XYZ", published="2020-01-01T00:00:00Z")
    (library / "papers" / "mine.md").write_text("---\ntitle: Published\ndoi: 10.1000/xyz\n---\n", encoding="utf-8")
    result = add(library, "2001.00007", server=arxiv_server)
    assert result.stdout == "exists papers/mine.md\n"
    assert notes(library) == ["mine.md"]


def test_a_broken_note_is_reported_and_untouched(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    broken = library / "papers" / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n", encoding="utf-8")
    result = add(library, "1810.04805", server=arxiv_server)
    assert result.returncode == 0
    assert "warning: papers/broken.md:1: frontmatter has no closing '---' line" in result.stderr
    assert broken.read_text() == "---\ntitle: [unclosed\n"


@pytest.mark.skipif(sys.platform != "linux", reason="chattr is Linux")
def test_a_read_only_papers_dir_fails_cleanly(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    papers = library / "papers"
    # root ignores permission bits; the immutable attribute stops root too.
    locked = subprocess.run(["chattr", "+i", str(papers)], capture_output=True).returncode == 0
    if not locked:
        papers.chmod(0o555)
        if os.access(papers, os.W_OK):
            pytest.skip("cannot make a directory read-only here")
    try:
        result = add(library, "1810.04805", server=arxiv_server)
    finally:
        subprocess.run(["chattr", "-i", str(papers)], capture_output=True)
        papers.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write papers/devlin2018bert.md")
    assert "Traceback" not in result.stderr
    assert notes(library) == []


def test_a_full_disk_leaves_no_half_written_note(library: Path, arxiv_server: FakeArxiv) -> None:
    import resource

    add_bert(arxiv_server)

    def tiny_files() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    # No bytecode written under the cap: Python writes a module's .pyc with one write and does not
    # check its length, so a module first compiled here was left cut at 100 bytes, and every process
    # after it failed with "marshal data too short" (a fresh clone's CI, when this test came first).
    result = subprocess.run(
        [sys.executable, str(TOOLS / "add.py"), "--root", str(library), "1810.04805"],
        capture_output=True, text=True, env=script_env(arxiv_server, PYTHONDONTWRITEBYTECODE="1"), preexec_fn=tiny_files,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write papers/devlin2018bert.md")
    assert notes(library) == []


@pytest.mark.slow
def test_two_processes_racing_on_one_id_leave_one_file(library: Path, arxiv_server: FakeArxiv) -> None:
    add_bert(arxiv_server)
    for _ in range(5):
        procs = [
            subprocess.Popen([sys.executable, str(TOOLS / "add.py"), "--root", str(library), "1810.04805"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=script_env(arxiv_server))
            for _ in range(4)
        ]
        outputs = [p.communicate(timeout=60) for p in procs]
        assert all(p.returncode == 0 for p in procs), outputs
        assert notes(library) == ["devlin2018bert.md"]
        assert sorted(out.split()[0] for out, _ in outputs).count("added") <= 1
        assert front(library / "papers" / "devlin2018bert.md")["arxiv"] == "1810.04805"
        (library / "papers" / "devlin2018bert.md").unlink()


def test_a_note_written_by_another_process_after_loading_is_recognised(library: Path) -> None:
    """The window the racing test can hit only sometimes, opened on purpose."""
    lib = Library(library)
    papers, problems = lib.load()
    paper = Paper(key="", title=BERT_TITLE, authors=tuple(BERT_AUTHORS), year=2018, arxiv="1810.04805")
    other = Library(library).write_new(paper, Library(library).catalog([]))  # "another process", just now
    assert other.status == "added"
    mine = lib.write_new(paper, lib.catalog(papers, problems))
    assert (mine.status, mine.path.name) == ("exists", "devlin2018bert.md")
    assert notes(library) == ["devlin2018bert.md"]


# -- --from and --dry-run --------------------------------------------------------------------------------


def test_dry_run_lists_ids_in_order_without_contacting_arxiv(library: Path, arxiv_server: FakeArxiv) -> None:
    readme = REPO / "tests" / "data" / "readmes" / "floodsung_Deep-Learning-Papers-Reading-Roadmap_README.md"
    result = add(library, "--from", str(readme), "--dry-run", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    ids = result.stdout.split()
    assert len(ids) == 97 == len(set(ids))
    assert ids[:3] == FLOODSUNG_FIRST_THREE
    assert arxiv_server.requests == []
    assert notes(library) == []


def test_from_a_reading_list_adds_every_paper(library: Path, arxiv_server: FakeArxiv) -> None:
    text = "Reading:\n- [BERT](https://arxiv.org/abs/1810.04805)\n- [[Paper](https://arxiv.org/abs/1911.001723)]\n"
    add_bert(arxiv_server)
    source = library / "list.md"
    source.write_text(text, encoding="utf-8")
    result = add(library, "--from", str(source), "--status", "reading", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert f"{source}:3: skipped 'arxiv.org/abs/1911.001723'" in result.stderr
    assert front(library / "papers" / "devlin2018bert.md")["status"] == "reading"


def test_from_a_list_with_arxiv_off_names_the_way_that_works_offline(library: Path) -> None:
    source = library / "list.md"
    source.write_text("- [BERT](https://arxiv.org/abs/1810.04805)\n", encoding="utf-8")
    result = run_script("add.py", "--root", library, "--from", str(source), ARXIV_API_URL="off")
    assert result.returncode == 1 and not list((library / "papers").glob("*.md"))
    assert result.stderr == (f"error: arXiv is off (ARXIV_API_URL=off); nothing was added (papernotes migrate {source} "
                             "writes a list's papers from its own words when arXiv cannot be reached)\n")


def test_from_a_missing_file(library: Path) -> None:
    result = add(library, "--from", "nope.md")
    assert result.returncode == 1
    assert result.stderr == "error: cannot read --from nope.md: No such file or directory\n"


# -- papers not on arXiv ----------------------------------------------------------------------------------


def test_a_paper_not_on_arxiv(library: Path) -> None:
    args = ["--title", "Neural Architectures for Named Entity Recognition", "--author", "Guillaume Lample",
            "--author", "Miguel Ballesteros", "--year", "2016", "--doi", "10.18653/v1/N16-1030",
            "--venue", "NAACL 2016", "--topic", "nlp", "--tag", "ner"]
    result = add(library, *args)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "added papers/lample2016neural.md  Neural Architectures for Named Entity Recognition\n"
    meta = front(library / "papers" / "lample2016neural.md")
    assert meta["doi"] == "10.18653/v1/N16-1030" and "arxiv" not in meta
    again = add(library, *args)
    assert again.stdout == "exists papers/lample2016neural.md\n"


def test_help_documents_the_contract(library: Path) -> None:
    result = add(library, "--help")
    assert result.returncode == 0
    for option in ("--from FILE", "--dry-run", "--root DIR", "--topic", "--tag", "--status", "--title", "--debug"):
        assert option in result.stdout


def test_a_progress_bar_only_when_a_person_watches(library: Path, arxiv_server: FakeArxiv) -> None:
    ids = [f"2102.{i:05d}" for i in range(1, 121)]  # more than 50 per run: a long batch
    for i, ident in enumerate(ids):
        arxiv_server.add(ident, f"Paper {i}", [f"Author Surname{i}"], published="2021-02-01T00:00:00Z")
    piped = add(library, *ids[:60], server=arxiv_server)
    assert piped.returncode == 0 and "fetching" not in piped.stderr
    controller, terminal = os.openpty()
    proc = subprocess.Popen([sys.executable, str(TOOLS / "add.py"), "--root", str(library), *ids[60:]],
                            stdout=subprocess.PIPE, stderr=terminal, env=script_env(arxiv_server))
    os.close(terminal)
    stdout, _ = proc.communicate(timeout=60)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert proc.returncode == 0
    assert stdout.decode().count("added ") == 60
    assert b"fetching from arXiv [" in seen and b"60/60" in seen


def test_dry_run_says_which_papers_are_already_here(library: Path, arxiv_server: FakeArxiv) -> None:
    (library / "papers" / "devlin2018bert.md").write_text("---\ntitle: BERT\narxiv: '1810.04805'\n---\n", encoding="utf-8")
    result = add(library, "arXiv:1810.04805v2", "1706.03762", "--dry-run", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "exists papers/devlin2018bert.md\n1706.03762\n"
    assert arxiv_server.requests == []


def test_papers_without_author_or_year_get_readable_keys(library: Path) -> None:
    bib = library / "refs.bib"
    bib.write_text("@techreport{report:1, title={A technical report nobody indexed}}\n"
                   "@misc{misc:2, title={Improving language understanding}, year={2018}}\n", encoding="utf-8")
    result = run_script("bib.py", "--root", library, "import", bib)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in (library / "papers").glob("*.md")) == ["improving2018language.md", "technicalreport.md"]


def test_the_same_title_and_year_by_authors_written_either_way_is_one_paper() -> None:
    """A note says 'Jacob Devlin', a .bib says 'Devlin, Jacob': the same first author, so the same
    paper (the family name was read as 'Jacob' from the second form)."""
    from papernotes.model.paper import Paper
    from papernotes.store.library import Catalog

    catalog = Catalog()
    catalog.add(Paper(key="devlin2018bert", title="BERT: Pre-training of Deep Bidirectional Transformers", year=2018,
                      authors=("Jacob Devlin", "Ming-Wei Chang")))
    same = Paper(key="x", title="BERT: pre-training of deep bidirectional transformers", year=2018, authors=("Devlin, Jacob",))
    other = Paper(key="y", title="BERT: pre-training of deep bidirectional transformers", year=2018, authors=("Jacob Smith",))
    assert catalog.existing_key(same) == "devlin2018bert" and catalog.existing_key(other) is None
