"""The reading workflow end to end: `papernotes status`, `tag`, `list`, `plan` and its calendar."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest
import yaml
from conftest import TOOLS, popen_with_small_pipe, run_script, script_env, settled_cache
from papernotes.model.paper import Paper
from papernotes.model.reading import make_plan, planning_week, queue, reading_log

SUNDAY = "2026-11-29"  # plans the week 2026-W49, Mon 30 Nov - Sun 6 Dec


def note(library: Path, key: str, **fields: object) -> Path:
    meta = {"title": fields.pop("title", f"Paper {key}"), "authors": ["Ada Lovelace"], "year": 2020, **fields}
    path = library / "papers" / f"{key}.md"
    path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n## Notes\n", encoding="utf-8")
    return path


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def pn(library: Path, command: str, *args: str, today: str = SUNDAY) -> subprocess.CompletedProcess[str]:
    return run_script(f"{command}.py", "--root", library, *args, PAPERNOTES_TODAY=today)


# -- status --------------------------------------------------------------------------------------------


def test_status_records_started_and_finished_the_first_time(library: Path) -> None:
    path = note(library, "lovelace2020paper", status="to-read")
    result = pn(library, "status", "lovelace2020paper", "reading", today="2026-11-30")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated papers/lovelace2020paper.md status: to-read → reading, started: 2026-11-30\n"
    result = pn(library, "status", "lovelace", "read", today="2026-12-02")
    assert result.stdout == "updated papers/lovelace2020paper.md status: reading → read, finished: 2026-12-02\n"
    pn(library, "status", "lovelace", "reading", today="2026-12-09")
    pn(library, "status", "lovelace", "read", today="2026-12-10")
    assert front(path)["started"] == dt.date(2026, 11, 30) and front(path)["finished"] == dt.date(2026, 12, 2)
    again = pn(library, "status", "lovelace", "read")
    assert again.stdout == "unchanged papers/lovelace2020paper.md\n"


def test_status_finds_papers_by_arxiv_id_in_any_form_and_by_prefix(library: Path) -> None:
    bert = note(library, "devlin2018bert", arxiv="1810.04805")
    other = note(library, "vaswani2017attention", arxiv="1706.03762")
    result = pn(library, "status", "https://arxiv.org/abs/1810.04805v2", "vaswani", "skipped")
    assert result.returncode == 0, result.stderr
    assert front(bert)["status"] == front(other)["status"] == "skipped"


def test_an_unknown_key_says_what_was_meant_and_writes_nothing(library: Path) -> None:
    bert = note(library, "devlin2018bert")
    before = bert.read_bytes()
    result = pn(library, "status", "devlin2018bert", "devlin2019bert", "read")
    assert result.returncode == 1
    assert result.stderr == "error: no paper 'devlin2019bert' (did you mean devlin2018bert?)\n"
    assert bert.read_bytes() == before
    missing = pn(library, "status", "1706.03762", "read")
    assert missing.returncode == 1 and "no paper with arXiv ID 1706.03762" in missing.stderr


def test_an_ambiguous_prefix_lists_the_candidates(library: Path) -> None:
    note(library, "he2015deep")
    note(library, "he2016identity")
    result = pn(library, "status", "he20", "read")
    assert result.returncode == 1
    assert result.stderr == "error: 'he20' matches 2 papers: he2015deep, he2016identity; give more of the key\n"


@pytest.mark.parametrize("args", [["x", "finished"], ["x"], []])
def test_an_invalid_status_is_a_usage_error(library: Path, args: list[str]) -> None:
    note(library, "x")
    result = pn(library, "status", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "usage:" in result.stderr


def test_a_malformed_note_among_many_is_reported_and_the_others_done(library: Path) -> None:
    good = [note(library, f"good{i}") for i in range(3)]
    bad = library / "papers" / "bad.md"
    bad.write_text("---\ntitle: x\nyear: soon\n---\n", encoding="utf-8")
    before = bad.read_bytes()
    result = pn(library, "status", "good0", "bad", "good2", "read")
    assert result.returncode == 1
    assert result.stderr == "error: papers/bad.md:3: field 'year': expected an integer, got 'soon'\n"
    assert [front(p).get("status") for p in good] == ["read", None, "read"]
    assert bad.read_bytes() == before


def test_ctrl_c_mid_batch_leaves_every_note_whole(library: Path) -> None:
    paths = [note(library, f"paper{i:04d}", status="to-read") for i in range(400)]
    originals = {p: p.read_bytes() for p in paths}
    proc = popen_with_small_pipe([sys.executable, str(TOOLS / "status.py"), "--root", str(library),
                                  *[p.stem for p in paths], "read"], stderr=subprocess.PIPE,
                                 env=script_env(PAPERNOTES_TODAY=SUNDAY))
    assert proc.stdout is not None
    for _ in range(20):
        proc.stdout.readline()
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    patched = 0
    for path in paths:
        data = path.read_bytes()
        if data != originals[path]:
            assert data == originals[path].replace(b"status: to-read\n", b"status: read\nfinished: 2026-11-29\n")
            patched += 1
    assert 20 <= patched < len(paths)
    assert sorted(p.name for p in (library / "papers").iterdir()) == sorted(p.name for p in paths)


# -- tag -----------------------------------------------------------------------------------------------


def test_tag_adds_and_removes_in_place(library: Path) -> None:
    path = library / "papers" / "x.md"
    path.write_bytes(b"---\r\ntitle: X  # mine\r\ntags:\r\n  - old\r\n  - keep\r\n---\r\nbody\r\n")
    result = pn(library, "tag", "x", "+new", "-old", "+keep")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated papers/x.md +tag new, -tag old\n"
    assert path.read_bytes() == b"---\r\ntitle: X  # mine\r\ntags:\r\n  - keep\r\n  - new\r\n---\r\nbody\r\n"
    assert pn(library, "tag", "x", "+bad tag").returncode == 2
    assert pn(library, "tag", "x").returncode == 2
    assert pn(library, "tag", "+lonely").returncode == 2
    forgot_plus = pn(library, "tag", "x", "reviewed")
    assert forgot_plus.returncode == 2 and "(to add the tag reviewed: +reviewed)" in forgot_plus.stderr
    assert path.read_bytes().endswith(b"  - new\r\n---\r\nbody\r\n")


# -- list ------------------------------------------------------------------------------------------------


@pytest.fixture
def reading_library(library: Path) -> Path:
    note(library, "a2019first", title="First", year=2019, topic="nlp", tags=["x"], status="read",
         finished=dt.date(2026, 11, 24), added=dt.date(2026, 1, 1))
    note(library, "b2020second", title="Second", year=2020, topic="nlp/embeddings", tags=["x", "y"],
         status="reading", added=dt.date(2026, 2, 1))
    note(library, "c2018third", title="Third about attention", year=2018, topic="vision", status="to-read",
         added=dt.date(2026, 3, 1), priority=1)
    note(library, "d2021fourth", title="Fourth", year=2021, status="to-read", added=dt.date(2026, 1, 15),
         found_via=["b2020second"])
    note(library, "e2017fifth", title="Fifth", year=2017, status="to-read", added=dt.date(2025, 12, 1))
    note(library, "f2016sixth", title="Sixth", year=2016, status="to-read", added=dt.date(2026, 4, 1),
         planned="2026-W47")
    (library / "papers" / "e2017fifth.md").write_text(
        (library / "papers" / "e2017fifth.md").read_text(encoding="utf-8") + "Mentions Attention somewhere.\n",
        encoding="utf-8")
    return library


def keys(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_list_filters(reading_library: Path) -> None:
    lib = reading_library
    assert keys(pn(lib, "list", "--format", "keys")) == ["f2016sixth", "e2017fifth", "c2018third", "a2019first",
                                                         "b2020second", "d2021fourth"]
    assert keys(pn(lib, "list", "--topic", "nlp", "--format", "keys")) == ["a2019first", "b2020second"]
    assert keys(pn(lib, "list", "--tag", "x", "--tag", "y", "--format", "keys")) == ["b2020second"]
    assert keys(pn(lib, "list", "--status", "read", "--status", "reading", "--format", "keys")) == ["a2019first", "b2020second"]
    assert keys(pn(lib, "list", "--text", "ATTENTION", "--format", "keys")) == ["e2017fifth", "c2018third"]
    assert keys(pn(lib, "list", "--year", "2021", "--format", "keys")) == ["d2021fourth"]
    assert keys(pn(lib, "list", "--planned", "2026-W47", "--format", "keys")) == ["f2016sixth"]
    assert keys(pn(lib, "list", "--sort", "added", "--format", "keys"))[0] == "e2017fifth"
    assert pn(lib, "list", "--planned", "2026-W60").returncode == 2
    assert pn(lib, "list", "--status", "done").returncode == 2


def test_list_formats(reading_library: Path) -> None:
    lib = reading_library
    table = pn(lib, "list", "--topic", "nlp").stdout
    assert table == ("a2019first   read     2019  First\n"
                     "b2020second  reading  2020  Second\n")
    data = json.loads(pn(lib, "list", "--topic", "nlp", "--format", "json").stdout)
    assert [d["key"] for d in data] == ["a2019first", "b2020second"]
    assert data[0]["finished"] == "2026-11-24" and data[1]["tags"] == ["x", "y"]
    tsv = pn(lib, "list", "--tag", "y", "--format", "tsv").stdout.splitlines()
    assert tsv == ["key\tstatus\tyear\ttopic\ttags\tplanned\ttitle", "b2020second\treading\t2020\tnlp/embeddings\tx,y\t\tSecond"]


# -- the queue and the plan ------------------------------------------------------------------------------


def test_queue_order(reading_library: Path) -> None:
    # carried over from an earlier week, then priority 1, then found via a paper being read, then oldest added
    assert keys(pn(reading_library, "list", "--sort", "queue", "--format", "keys")) == [
        "f2016sixth", "c2018third", "d2021fourth", "e2017fifth"]


def test_planning_week_is_the_coming_one_on_sundays() -> None:
    assert planning_week(dt.date(2026, 11, 29)) == "2026-W49"
    assert planning_week(dt.date(2026, 11, 28)) == "2026-W48"
    assert planning_week(dt.date(2026, 12, 27)) == "2026-W53"
    assert planning_week(dt.date(2027, 1, 3)) == "2027-W01"


def test_plan_picks_from_the_head_of_the_queue_and_keeps_what_is_planned(reading_library: Path) -> None:
    lib = reading_library
    note(lib, "g2022seventh", status="to-read", planned="2026-W49", added=dt.date(2026, 5, 1))
    shown = pn(lib, "plan", "--show")
    assert shown.returncode == 0
    assert "  planned  papers/g2022seventh.md" in shown.stdout and "new " not in shown.stdout
    dry = pn(lib, "plan", "--dry-run")
    assert dry.stdout.splitlines()[1:] == [
        "  planned  papers/g2022seventh.md  Paper g2022seventh",
        "  would plan  papers/f2016sixth.md  Sixth",
        "  would plan  papers/c2018third.md  Third about attention",
    ]
    assert front(lib / "papers" / "f2016sixth.md")["planned"] == "2026-W47"
    result = pn(lib, "plan")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "Week 2026-W49 (Mon 30 Nov – Sun 06 Dec 2026): 3 papers to read"
    assert front(lib / "papers" / "f2016sixth.md")["planned"] == "2026-W49"
    assert front(lib / "papers" / "c2018third.md")["planned"] == "2026-W49"
    again = pn(lib, "plan")
    assert "new " not in again.stdout and again.stdout.count("  planned  ") == 3
    more = pn(lib, "plan", "--count", "4", "--week", "2026-W49")
    assert more.stdout.count("  new      ") == 1 and "d2021fourth" in more.stdout
    assert pn(lib, "plan", "--week", "2026-W54").returncode == 2
    assert pn(lib, "plan", "--count", "0").returncode == 2


def test_plan_count_comes_from_the_settings(reading_library: Path) -> None:
    pyproject = reading_library / "pyproject.toml"
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("papers_per_week = 3", "papers_per_week = 1"),
                         encoding="utf-8")
    assert pn(reading_library, "plan").stdout.count("  new      ") == 1
    pyproject.write_text(pyproject.read_text(encoding="utf-8").replace("papers_per_week = 1", "papers_per_week = 'x'"),
                         encoding="utf-8")
    bad = pn(reading_library, "plan")
    assert bad.returncode == 1 and "papers_per_week must be a whole number" in bad.stderr


def test_plan_writes_a_calendar_that_parses(reading_library: Path) -> None:
    lib = reading_library
    (lib / "mkdocs.yml").write_text("site_name: x\nsite_url: https://ada.github.io/notes/\n", encoding="utf-8")
    ics = lib / "plan.ics"
    result = pn(lib, "plan", "--ics", str(ics))
    assert result.returncode == 0, result.stderr
    calendar = icalendar.Calendar.from_ical(ics.read_bytes())
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [(e.decoded("dtstart"), str(e["summary"])) for e in events] == [
        # within the week, ranked as the queue ranks: priority 1, found via a paper being read, oldest added
        (dt.date(2026, 11, 30), "Third about attention"), (dt.date(2026, 12, 2), "Fourth"), (dt.date(2026, 12, 4), "Sixth")]
    assert all(e.decoded("dtend") - e.decoded("dtstart") == dt.timedelta(days=1) for e in events)
    assert str(events[0]["url"]) == "https://ada.github.io/notes/c2018third/"
    assert len({str(e["uid"]) for e in events}) == 3
    first = ics.read_bytes()
    pn(lib, "plan", "--show", "--ics", str(ics))
    assert ics.read_bytes() == first  # the same plan, the same bytes


# -- pure functions ----------------------------------------------------------------------------------------


def paper(key: str, **fields: object) -> Paper:
    return Paper.from_frontmatter({"key": key, "title": key, **fields})


def test_make_plan_does_not_replan_future_weeks() -> None:
    papers = [paper("a", planned="2026-W50"), paper("b"), paper("c", status="reading")]
    plan = make_plan(papers, "2026-W49", 3)
    assert [p.key for p in plan.new] == ["b"] and plan.kept == []
    assert [p.key for p in queue(papers, "2026-W51")] == ["a", "b"]


def test_papers_added_the_same_day_come_as_a_reader_takes_them() -> None:
    """A paper and the references added from it on one day: the paper first, then its references oldest
    first (the foundations before what builds on them), a reference without a year last."""
    day = dt.date(2026, 11, 27)
    papers = [
        paper("anon2026report", added=day, found_via=["devlin2018bert"]),
        paper("dai2015semi", added=day, year=2015, found_via=["devlin2018bert"]),
        paper("devlin2018bert", added=day, year=2018),
        paper("vaswani2017attention", added=day, year=2017, found_via=["devlin2018bert"]),
        paper("zhou2009older", added=dt.date(2026, 11, 20), year=2009),
        paper("howard2018universal", added=day, year=2018, found_via=["gone2010"]),  # found via a note since deleted
    ]
    assert [p.key for p in queue(papers, "2026-W49")] == [
        "zhou2009older", "devlin2018bert", "howard2018universal", "dai2015semi", "vaswani2017attention", "anon2026report"]
    papers[2] = papers[2].replace(status="reading")  # once BERT is being read, its references lead
    assert [p.key for p in queue(papers, "2026-W49")][:3] == ["dai2015semi", "vaswani2017attention", "anon2026report"]


def test_reading_log_streak_and_weeks() -> None:
    today = dt.date(2026, 11, 25)  # Wednesday of 2026-W48
    read = [paper(f"r{i}", status="read", finished=day, topic="nlp")
            for i, day in enumerate([dt.date(2026, 11, 17), dt.date(2026, 11, 10), dt.date(2026, 11, 11),
                                     dt.date(2026, 10, 20), dt.date(2025, 1, 1)])]
    log = reading_log(read + [paper("t", topic="vision")], today)
    assert len(log.weeks) == 52 and log.weeks[-1] == ("2026-W48", 0)
    assert dict(log.weeks)["2026-W46"] == 2
    assert log.streak == 2  # W47 and W46; this week is not over yet
    assert log.total_read == 5
    assert log.by_topic == [("nlp", 5, 5), ("vision", 0, 1)]
    assert reading_log(read, dt.date(2026, 11, 17)).streak == 2  # W47 (this week, already read in) and W46
    assert reading_log(read + [paper("w45", status="read", finished=dt.date(2026, 11, 3))], today).streak == 3
    assert reading_log(read, dt.date(2026, 12, 8)).streak == 0  # W49 and W48 empty: the streak is broken


# -- the command line ----------------------------------------------------------------------------------------


def test_papernotes_console_script(library: Path) -> None:
    exe = shutil.which("papernotes")
    assert exe, "pip install -e . installs the papernotes command"
    listing = subprocess.run([exe, "--help"], capture_output=True, text=True, timeout=60)
    assert listing.returncode == 0
    for name in ("add", "status", "tag", "list", "plan", "index", "bib"):
        assert f"  {name} " in listing.stdout
    unknown = subprocess.run([exe, "stauts"], capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 2 and "did you mean status?" in unknown.stderr
    note(library, "x")
    # Run from inside the library, as git finds its repository.
    inside = subprocess.run([exe, "status", "x", "read"], capture_output=True, text=True, timeout=60,
                            cwd=library / "papers", env=script_env(PAPERNOTES_TODAY=SUNDAY))
    assert inside.returncode == 0, inside.stderr
    assert front(library / "papers" / "x.md")["finished"] == dt.date(2026, 11, 29)


# What no command's start (its --help) may import: each is loaded where its work needs it. The
# store (and with it YAML) too: a command imports it in the functions that read or write notes.
HEAVY = ("arxiv", "requests", "urllib3", "jinja2", "pybtex", "latexcodec", "icalendar", "feedgen", "sklearn", "numpy",
         "scipy", "lxml", "pdfminer", "markdown", "mkdocs", "charset_normalizer", "bibtexparser", "yaml", "frontmatter",
         "papernotes.store")


def test_every_command_starts_without_heavy_libraries() -> None:
    """Each command's --help, in a fresh interpreter: none of the heavy libraries loads (a start-up
    goal that a timed test could not keep: benchmarks/startup.py measures the time)."""
    from papernotes.cli import COMMANDS

    code = ("import sys; from papernotes.cli import run_command\n"
            "try: run_command(sys.argv[1], ['--help'], sys.argv[1])\n"
            "except SystemExit: pass\n"
            f"print(sorted({{m if m.startswith('papernotes.') else m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    for name in COMMANDS:
        result = subprocess.run([sys.executable, "-c", code, name], capture_output=True, text=True, timeout=60, cwd=TOOLS)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().splitlines()[-1] == "[]", (name, result.stdout.strip().splitlines()[-1])


def test_warm_commands_parse_nothing_and_load_no_yaml(library: Path) -> None:
    """With the note cache in place, `list`, `plan --show` and `index` parse no note: PyYAML (a tenth
    of a warm `index` at 10,000 notes) is not even imported."""
    for key in ("a", "b", "c"):
        note(library, key)
    (library / "README.md").write_text("<!-- papernotes:index:start -->\n<!-- papernotes:index:end -->\n", encoding="utf-8")
    code = ("import sys; from papernotes.cli import run_command\n"
            "code = run_command(sys.argv[2], ['--root', sys.argv[1], *sys.argv[3:]], sys.argv[2])\n"
            "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'yaml', 'frontmatter'}))")
    env = script_env(PAPERNOTES_TODAY=SUNDAY)
    for command in (["list"], ["plan", "--show"], ["index"]):
        cold = subprocess.run([sys.executable, "-c", code, str(library), *command], capture_output=True, text=True,
                              timeout=60, cwd=TOOLS, env=env)
        assert cold.stdout.splitlines()[-1].startswith("0 [") and "'yaml'" in cold.stdout, (command, cold.stdout + cold.stderr)
    settled_cache(library)
    for command in (["list"], ["plan", "--show"], ["index"]):
        result = subprocess.run([sys.executable, "-c", code, str(library), *command], capture_output=True, text=True,
                                timeout=60, cwd=TOOLS, env=env)
        assert result.stdout.splitlines()[-1] == "0 []", (command, result.stdout + result.stderr)


def test_marking_read_asks_no_zotero_that_is_not_running_and_loads_no_http_client(library: Path) -> None:
    """`status KEY read` looks for highlights in the local Zotero: when nothing listens there it says
    nothing and imports no HTTP library (a third of the command's time at 10,000 notes)."""
    import socket

    note(library, "x")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = ("import sys; from papernotes.cli import run_command\n"
            "code = run_command('status', ['--root', sys.argv[1], 'x', 'read'], 'status')\n"
            "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'requests', 'urllib3'}))")
    result = subprocess.run([sys.executable, "-c", code, str(library)], capture_output=True, text=True, timeout=60, cwd=TOOLS,
                            env=script_env(ZOTERO_API_URL=f"http://127.0.0.1:{port}/api", PAPERNOTES_TODAY=SUNDAY))
    assert result.stdout.splitlines()[-1] == "0 []", result.stdout + result.stderr
    assert "highlight" not in result.stdout + result.stderr
    from papernotes.sources.service import not_running

    assert not_running(f"http://127.0.0.1:{port}/api") and not_running(f"http://localhost:{port}/api")
    assert not not_running("http://localhost:99999/api"), "a port out of range is the client's to report"
    assert not not_running("https://api.zotero.org"), "only this computer's services are probed"


def test_bad_today_is_one_line(library: Path) -> None:
    note(library, "x")
    result = pn(library, "status", "x", "read", today="someday")
    assert result.returncode == 1
    assert result.stderr == "error: PAPERNOTES_TODAY='someday' is not a date like 2026-11-29 (from 1900 to 2999)\n"


# -- one spelling per tag, any case on the command line ----------------------------------------------------

def test_tags_and_topics_match_in_any_case(library: Path) -> None:
    note(library, "a", tags=["Pretraining", "attention"], topic="nlp/embeddings", added=dt.date(2026, 1, 1))
    note(library, "b", tags=["pretraining"], topic="nlp", added=dt.date(2026, 2, 1))
    note(library, "c", tags=["cnn"], topic="vision")
    listed = pn(library, "list", "--tag", "PRETRAINING", "--format", "keys")
    assert listed.stdout == "a\nb\n", listed.stderr
    assert pn(library, "list", "--topic", "NLP", "--format", "keys").stdout == "a\nb\n"
    unknown = pn(library, "list", "--topic", "nlpp")
    assert unknown.returncode == 1 and unknown.stderr == "error: no topic 'nlpp' in the library (did you mean nlp?)\n"
    typo = pn(library, "list", "--tag", "pretrainng")
    assert typo.returncode == 1 and "no tag 'pretrainng' in the library (did you mean Pretraining" in typo.stderr
    exported = run_script("bib.py", "--root", library, "export", "--tag", "CNN")
    assert exported.returncode == 0 and "@" in exported.stdout and exported.stdout.count("@") == 1
    added = pn(library, "tag", "c", "+PRETRAINING", "-CNN")
    assert added.returncode == 0, added.stderr
    assert front(library / "papers" / "c.md")["tags"] == ["Pretraining"], "the spelling used first"
    check = run_script("check.py", "--root", library, "--fix")
    assert "fixed papers/b.md" in check.stdout and front(library / "papers" / "b.md")["tags"] == ["Pretraining"]


def test_a_configured_spelling_wins(library: Path) -> None:
    text = (library / "pyproject.toml").read_text(encoding="utf-8")
    text = text.replace("[tool.papernotes]\n", '[tool.papernotes]\ntags = ["GAN"]\n', 1)
    (library / "pyproject.toml").write_text(text, encoding="utf-8")
    note(library, "a", tags=["gan"], added=dt.date(2020, 1, 1))
    note(library, "b", tags=["GANs"])
    check = run_script("check.py", "--root", library, "--fix")
    assert check.returncode == 0, check.stdout
    assert front(library / "papers" / "a.md")["tags"] == ["GAN"] and front(library / "papers" / "b.md")["tags"] == ["GAN"]
