"""One topic at a time: `plan --focus` and `focus = "..."` take that topic's papers first, say when it
has none left, and the README and home page show how far along it is."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import run_script

SUNDAY = "2026-11-29"


def note(library: Path, key: str, **fields: object) -> Path:
    meta = {"title": f"Paper {key}", "authors": ["Ada Lovelace"], "year": 2020, "added": "2026-01-01", **fields}
    path = library / "papers" / f"{key}.md"
    path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\n## Notes\n", encoding="utf-8")
    return path


def pn(library: Path, command: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run_script(f"{command}.py", "--root", library, *args, PAPERNOTES_TODAY=SUNDAY)


def set_focus(library: Path, topic: str) -> None:
    settings = library / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", f'[tool.papernotes]\nfocus = "{topic}"\n', 1),
                        encoding="utf-8")


@pytest.fixture
def mixed(library: Path) -> Path:
    # The queue without a focus: priority 1 vision papers first, then the retrieval ones.
    for n in range(4):
        note(library, f"vision{n}", topic="vision", priority=1, status="to-read")
    note(library, "retrieval0", topic="nlp/retrieval", status="to-read")
    note(library, "retrieval1", topic="nlp/retrieval/dense", status="to-read")
    note(library, "retrieval2", topic="nlp/retrieval", status="read")
    note(library, "retrieval3", topic="nlp/retrieval", status="skipped")
    note(library, "parsing", topic="nlp/parsing", status="to-read")
    return library


def planned(library: Path) -> set[str]:
    return {p.stem for p in (library / "papers").glob("*.md") if yaml.safe_load(p.read_text(encoding="utf-8").split("---\n")[1]).get("planned")}


def test_plan_takes_the_focus_topic_first(mixed: Path) -> None:
    result = pn(mixed, "plan", "--focus", "NLP/Retrieval/")
    assert result.returncode == 0, result.stderr
    assert planned(mixed) == {"retrieval0", "retrieval1", "vision0"}
    assert "Focus: Natural Language Processing › Retrieval, 1 of 3 read" in result.stdout


def test_the_setting_and_when_the_topic_is_done(mixed: Path) -> None:
    set_focus(mixed, "nlp/retrieval")
    assert planned(mixed) == set()
    first = pn(mixed, "plan", "--count", "2")
    assert planned(mixed) == {"retrieval0", "retrieval1"} and "nothing left" not in first.stdout
    for key in ("retrieval0", "retrieval1"):
        assert pn(mixed, "status", key, "read").returncode == 0
    again = run_script("plan.py", "--root", mixed, "--week", "2026-W50", PAPERNOTES_TODAY=SUNDAY)
    assert "Focus: Natural Language Processing › Retrieval, 3 of 3 read" in again.stdout
    assert "nothing left to read in nlp/retrieval" in again.stdout and "papernotes gaps --topic nlp/retrieval" in again.stdout
    assert "vision0" in again.stdout, "the rest of the queue comes next"
    # --focus '' plans without the setting's focus.
    assert "Focus" not in run_script("plan.py", "--root", mixed, "--focus", "", "--show", PAPERNOTES_TODAY=SUNDAY).stdout


def test_the_readme_and_home_page_show_the_progress(mixed: Path) -> None:
    set_focus(mixed, "nlp/retrieval")
    (mixed / "README.md").write_text("# Mine\n\n<!-- papernotes:index:start -->\n<!-- papernotes:index:end -->\n", encoding="utf-8")
    assert pn(mixed, "index").returncode == 0
    assert "· focus: Natural Language Processing › Retrieval, 1 of 3 read" in (mixed / "README.md").read_text(encoding="utf-8")
    assert pn(mixed, "status", "retrieval0", "read").returncode == 0  # patched in place, focus included
    assert "· focus: Natural Language Processing › Retrieval, 2 of 3 read" in (mixed / "README.md").read_text(encoding="utf-8")
    (mixed / "mkdocs.yml").write_text("site_name: Mine\ndocs_dir: site-src\n", encoding="utf-8")
    assert pn(mixed, "site").returncode == 0
    assert "focus: Natural Language Processing › Retrieval, 2 of 3 read" in (mixed / "site-src" / "index.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("how", "message"), [
    (["--focus", "a//b"], "error: --focus: expected a topic path like nlp/embeddings, got 'a//b'"),
    (["--focus", "robotics"], "error: focus 'robotics': no paper has this topic; `papernotes topics` lists the topics in use"),
])
def test_a_bad_focus_is_one_line(mixed: Path, how: list[str], message: str) -> None:
    result = pn(mixed, "plan", *how)
    assert result.returncode != 0 and result.stderr.strip() == message
    assert planned(mixed) == set()


def test_a_bad_focus_setting_is_one_line(mixed: Path) -> None:
    settings = mixed / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", "[tool.papernotes]\nfocus = 3\n", 1), encoding="utf-8")
    result = pn(mixed, "plan")
    assert result.returncode != 0 and result.stderr.strip().endswith("pyproject.toml: focus: expected a topic path like nlp/embeddings, got a number (3)")


def test_topics_lists_each_topic_with_its_title_and_progress(mixed: Path) -> None:
    """`papernotes topics`: what `focus` and `plan --focus` can name, with titles, counts (subtopics'
    papers included) and the focus marked; TSV for scripts; a paper without a topic under "(no topic)"."""
    note(mixed, "loose", status="read")
    set_focus(mixed, "nlp/retrieval")
    result = pn(mixed, "topics")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    retrieval = next(line for line in lines if line.lstrip().startswith("nlp/retrieval "))
    assert retrieval.startswith("  nlp/retrieval") and "4 papers, 1 of 3 read" in retrieval and retrieval.endswith("← focus")
    assert any(line.startswith("(no topic)") and "1 paper, 1 of 1 read" in line for line in lines), lines
    tsv = pn(mixed, "topics", "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "path\ttitle\tpapers\tread\tto-read\tskipped"
    assert "nlp/retrieval/dense\tDense\t1\t0\t1\t0" in tsv and "vision\tComputer Vision\t4\t0\t4\t0" in tsv
    refused = pn(mixed, "plan", "--focus", "robotics")
    assert refused.returncode == 1 and "`papernotes topics` lists the topics in use" in refused.stderr
