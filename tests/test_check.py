"""`papernotes check`: each check with a note that triggers it and one that does not; --fix through the
patcher, idempotent, touching only the lines it fixes."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from conftest import LIBRARY_DATA, run_script


def write(library: Path, name: str, text: str) -> Path:
    path = library / "papers" / name
    path.write_text(text, encoding="utf-8")
    return path


def check(library: Path, *args: str) -> subprocess.CompletedProcess[str]:
    run_script("index.py", "--root", library)  # keep the README current: only the check under test speaks
    return run_script("check.py", "--root", library, *args)


def test_a_clean_library_passes(example_library: Path) -> None:
    result = check(example_library)
    assert result.returncode == 0 and result.stdout == "", result.stdout


@pytest.mark.parametrize(("name", "bad", "good", "expected"), [
    ("authors.md", "---\ntitle: A\nauthors: Ada Lovelace, Alan Turing, Grace Hopper\n---\n",
     "---\ntitle: A\nauthors: [Ada Lovelace, Alan Turing]\n---\n",
     "papers/authors.md:3: error: field 'authors' is one string, so it is one author; write a list: "
     "[Ada Lovelace, Alan Turing, Grace Hopper]"),
    ("year.md", "---\ntitle: A\nyear: 20\n---\n", "---\ntitle: A\nyear: 2020\n---\n",
     "papers/year.md:3: error: field 'year': 20 is not a year"),
    ("broken.md", "---\ntitle: [oops\n---\n", "---\ntitle: fine\n---\n", "papers/broken.md:2: error: invalid YAML"),
    ("other.md", "---\nkey: mismatch\ntitle: A\n---\n", "---\nkey: other\ntitle: A\n---\n",
     "papers/other.md:2: error: key 'mismatch' does not match the file name"),
    ("links.md", "---\ntitle: A\n---\n\nAs in [[devlin2019bert]].\n", "---\ntitle: A\n---\n\nAs in [[devlin2018bert]] and [[2101.99999]].\n",
     "papers/links.md:5: error: [[devlin2019bert]] links to no note (did you mean [[devlin2018bert]]?)"),
    ("twin.md", "---\ntitle: BERT again\narxiv: '1810.04805'\n---\n", "---\ntitle: Another\narxiv: '1810.04806'\n---\n",
     "papers/twin.md:1: error: the same paper as papers/devlin2018bert.md (same arXiv ID)"),
    pytest.param("deep.md", "---\ntitle: A\ntopic: " + "/".join(["a"] * 2000) + "\n---\n",
                 "---\ntitle: A\ntopic: nlp/embeddings\n---\n",
                 "papers/deep.md:3: error: field 'topic': expected a topic path of at most 16 levels, got 2,000",
                 id="topic-too-deep"),
    ("topic.md", "---\ntitle: A\ntopic: nlp/embedings\n---\n", "---\ntitle: A\ntopic: nlp/embeddings\n---\n",
     "papers/topic.md:3: warning: topic 'nlp/embedings' is not listed in pyproject.toml (did you mean nlp/embeddings?)"),
    ("tagged.md", "---\ntitle: A\ntags: [Transformers]\n---\n", "---\ntitle: A\ntags: [transformers]\n---\n",
     "papers/tagged.md:3: warning: tag 'Transformers' is also spelt 'transformers'"),
    ("read.md", "---\ntitle: A\nstatus: read\n---\n\n## Summary\n\n## Notes\n",
     "---\ntitle: A\nstatus: read\n---\n\n## Summary\n\nIt works.\n",
     "papers/read.md:5: warning: marked read, and its notes are empty"),
    ("html.md", "---\ntitle: A\n---\n\nFine.\n\nSee <img src=x onerror=alert(1)> and [this](javascript:alert(2)).\n",
     "---\ntitle: A\n---\n\nThe data: `<script>x</script>`, onset = 3, Q&A, <b>bold</b>, [a](https://x.org/?a=1&b=2).\n\n"
     "```html\n<img src=x onerror=alert(1)>\n```\n",
     "papers/html.md:7: warning: HTML that would run a script, left out of the site: javascript: link, onerror="),
])
def test_each_check_triggers_and_stays_quiet(example_library: Path, name: str, bad: str, good: str, expected: str) -> None:
    write(example_library, name, bad)
    result = check(example_library)
    lines = [line for line in result.stdout.splitlines() if name in line]
    assert any(line.startswith(expected) for line in lines), result.stdout
    assert result.returncode == (1 if ": error:" in expected else 0)
    write(example_library, name, good)
    quiet = check(example_library)
    assert name not in quiet.stdout, quiet.stdout


def test_a_stale_readme_and_stray_files(example_library: Path, tmp_path: Path) -> None:
    papers = example_library / "papers"
    (papers / "figures" / "2024").mkdir(parents=True)
    for picture in ("figure.png", "figures/plot one.png", "figures/2024/loss.svg", "figures/old.png", "figures/ref.png"):
        (papers / picture).write_bytes(b"\x89PNG")
    (papers / "notes.txt").write_text("stray", encoding="utf-8")
    (papers / "pdfs" / "2023").mkdir(parents=True)
    for pdf in ("a.pdf", "b.pdf", "2023/c.pdf"):
        (papers / "pdfs" / pdf).write_bytes(b"%PDF-1.7")
    (papers / "figures" / "shown.svg").write_text('<svg onload="alert(1)"/>')
    (tmp_path / "secret.png").write_bytes(b"private")
    os.symlink(tmp_path / "secret.png", papers / "figures" / "leak.png")
    adam = papers / "kingma2014adam.md"
    adam.write_text(adam.read_text(encoding="utf-8").replace("status: read", "status: reading") +
                    '\n![plot](figure.png) ![one](./figures/plot%20one.png "a plot")\n'
                    '<img src="figures/2024/loss.svg" alt="loss"> ![leak](figures/leak.png) ![](figures/shown.svg)\n'
                    '![by reference][r]\n\n[r]: <figures/ref.png> "a reference"\n', encoding="utf-8")
    result = run_script("check.py", "--root", example_library)
    assert "README.md:1: error: the paper index is stale (edited by hand, or notes changed outside papernotes); " \
           "papernotes check --fix rebuilds it" in result.stdout
    assert "1 error, 5 warnings in 8 notes; 1 can be fixed with --fix" in result.stdout
    assert "papers/pdfs:1: warning: a folder no note links into (the site leaves out its 3 files)" in result.stdout
    assert "a.pdf" not in result.stdout, "one line for a folder no note links into, not one per file"
    assert "papers/figures/shown.svg:1: warning: not copied to the site: an SVG picture holding a script (onload=)" in result.stdout
    assert "papers/notes.txt:1: warning: not a note, and no note links to it (the site leaves it out)" in result.stdout
    assert "papers/figures/old.png:1: warning: not a note, and no note links to it (the site leaves it out)" in result.stdout
    assert "papers/figures/leak.png:1: warning: not copied to the site: a symbolic link, which the site never " \
           "follows (copy it in)" in result.stdout, "the strict build would fail on the link to it: check names why"
    for shown in ("figure.png", "plot one", "loss.svg", "ref.png", "papers/figures:"):
        assert shown not in result.stdout, f"{shown}: a picture a note shows (or its folder) is the note's asset"
    fixed = run_script("check.py", "--root", example_library, "--fix")
    assert "fixed README.md: rebuilt the paper index" in fixed.stdout and fixed.returncode == 0, fixed.stdout
    assert run_script("check.py", "--root", example_library).returncode == 0


def test_fix_mends_only_what_it_can_and_only_those_lines(example_library: Path) -> None:
    authors = write(example_library, "authors.md", "---\ntitle: A  # mine\nauthors: Ada Lovelace, Alan Turing\ntags: [GAN]\n"
                    "topic: nlp/embedings\n---\n\nMy notes [[devlin2019bert]].\n")
    gans = write(example_library, "gans.md", "---\ntitle: B\ntags:\n  - gan\n  - x\n---\n\nText.\n")
    write(example_library, "more.md", "---\ntitle: C\ntags: [gan]\nadded: 2026-01-01\n---\n\nText.\n")  # the first 'gan'
    write(example_library, "most.md", "---\ntitle: D\ntags: [GAN]\n---\n\nText.\n")  # GAN is the majority: no matter
    result = check(example_library, "--fix")
    assert "fixed papers/authors.md authors: ['Ada Lovelace, Alan Turing'] → [Ada Lovelace, Alan Turing]" in result.stdout
    assert "fixed papers/authors.md +tag gan, -tag GAN" in result.stdout
    assert "fixed papers/authors.md topic: nlp/embedings → nlp/embeddings" in result.stdout
    assert authors.read_text(encoding="utf-8") == ("---\ntitle: A  # mine\nauthors: [Ada Lovelace, Alan Turing]\ntags: [gan]\n"
                                                   "topic: nlp/embeddings\n---\n\nMy notes [[devlin2019bert]].\n")
    assert gans.read_text(encoding="utf-8") == "---\ntitle: B\ntags:\n  - gan\n  - x\n---\n\nText.\n"
    assert result.returncode == 1 and "[[devlin2019bert]] links to no note" in result.stdout, "only reported"
    again = check(example_library, "--fix")
    assert "fixed" not in again.stdout, "--fix is idempotent"


def _github_glob(pattern: str) -> re.Pattern[str]:
    """A workflow's paths filter as GitHub reads it: `**` any folders, `*` within one name."""
    parts = re.split(r"(\*\*/?|\*)", pattern)
    return re.compile("".join(".*" if part.startswith("**") else "[^/]*" if part == "*" else re.escape(part) for part in parts))


def test_a_forks_notes_commit_runs_the_library_checks_not_the_tools_tests() -> None:
    """A push of notes alone runs `check` and the site build (a minute); the tool's tests (minutes)
    run when the tool changes."""
    import yaml
    from conftest import REPO

    workflows = REPO / ".github" / "workflows"
    library = yaml.safe_load((workflows / "library.yml").read_text(encoding="utf-8"))
    tests = yaml.safe_load((workflows / "tests.yml").read_text(encoding="utf-8"))
    library_runs = " ".join(step.get("run", "") for step in library["jobs"]["check"]["steps"])
    assert "tools/check.py" in library_runs and "tools/site.py --build" in library_runs and "pytest" not in library_runs
    assert "paths" not in (library[True]["push"] or {}), "the library's checks run on every push"
    for event in ("push", "pull_request"):
        filters = [_github_glob(p) for p in tests[True][event]["paths"]]

        def runs_tests(changed: list[str]) -> bool:
            return any(f.fullmatch(path) for f in filters for path in changed)  # noqa: B023

        assert not runs_tests(["papers/devlin2018bert.md", "papers/figures/bert.png", "README.md", "inbox/2026-W48.md",
                               "inbox/popularity.tsv"]), event
        for tool in ("tools/papernotes/cli.py", "tests/test_add.py", "templates/paper.md.j2", "pyproject.toml",
                     "overrides/main.html", ".github/workflows/tests.yml"):
            assert runs_tests(["papers/x.md", tool]), (event, tool)
    assert "pytest" in " ".join(step.get("run", "") for step in tests["jobs"]["test"]["steps"])


def test_the_repository_ci_and_pre_commit_run_check() -> None:
    from conftest import REPO

    assert "python tools/check.py" in (REPO / ".github" / "workflows" / "library.yml").read_text(encoding="utf-8")
    assert "tools/check.py" in (REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert LIBRARY_DATA.is_dir()


def test_the_sites_slim_requirements_are_pyprojects_own() -> None:
    """The Pages and library workflows install .github/requirements/*.txt, not the whole tool: each
    line is the requirement pyproject.toml declares, so a version is decided in one place."""
    import tomllib

    from conftest import REPO

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *(r for extra in project["optional-dependencies"].values() for r in extra)]
    by_name = {re.split(r"[<>=\[!~ ]", r, maxsplit=1)[0].lower(): r for r in declared}
    for path in sorted((REPO / ".github" / "requirements").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                name = re.split(r"[<>=\[!~ ]", line, maxsplit=1)[0].lower()
                assert by_name.get(name) == line.strip(), (path.name, line, by_name.get(name))
    for workflow in ("pages.yml", "library.yml"):
        text = (REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8")
        assert "pip install -r .github/requirements/site.txt" in text and "--no-deps -e ." in text, workflow
        assert "pip install scikit-learn" not in text and '".[zensical]"' not in text


def test_settings_lists_each_setting_as_toml_that_reads_back(tmp_path: Path) -> None:
    """`check --settings` prints every setting with this library's value; pasted into a pyproject,
    it reads back as the same settings."""
    import tomllib

    from papernotes.model.config import SETTINGS, load_config

    library = tmp_path / "lib"
    (library / "notes").mkdir(parents=True)
    (library / "pyproject.toml").write_text(
        '[tool.papernotes]\npapers_dir = "notes"\npapers_per_week = 5\nreading_days = ["Sat", "Tue"]\n'
        's2_cache_days = 1.5\ntags = ["GAN"]\nsite_search = "pagefind"\nfocus = "nlp/retrieval"\n'
        'hypothesis_user = "alice"\nfollow = ["alice.bsky.social", "@bob@sigmoid.social"]\n', encoding="utf-8")
    listed = run_script("check.py", "--root", library, "--settings")
    assert listed.returncode == 0, listed.stderr
    for name in SETTINGS:
        assert re.search(rf"^#? ?{name} = |\[\[tool\.papernotes\.{name}\]\]", listed.stdout, re.M), name
    again = tmp_path / "again"
    again.mkdir()
    (again / "pyproject.toml").write_text(listed.stdout, encoding="utf-8")
    assert set(tomllib.loads(listed.stdout)["tool"]["papernotes"]) == set(SETTINGS) - {"topics", "watch"}
    before, after = load_config(library), load_config(again)
    assert {n: getattr(after, n) for n in vars(after) if n != "root"} == \
        {n: getattr(before, n) for n in vars(before) if n != "root"}
    assert before.reading_days == ("Tue", "Sat") and before.follow[1] == "@bob@sigmoid.social"
