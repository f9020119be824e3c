"""`papernotes init`: a fork made the user's own in one command, and still green afterwards.

The fork is built from the repository's code and the tests' copy of the shipped examples (never the
repository's own papers/ or README, which a fork changes)."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import LIBRARY_DATA, TOOLS, copy_template_folders, run_script
from papernotes.commands.init import MANUAL, SHIPPED_EXAMPLES
from sitekit import build, page

NAME = "Ada's reading notes"


def fork(root: Path, remote: str | None = "git@github.com:Ada-L/notes.git") -> Path:
    """A fresh copy of the template as a user gets it: the code, settings and the shipped examples."""
    for name in ("pyproject.toml", "mkdocs.yml", "README.md"):
        shutil.copy(LIBRARY_DATA / name, root / name)
    shutil.copytree(LIBRARY_DATA / "papers", root / "papers")
    copy_template_folders(root)
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    if remote:
        subprocess.run(["git", "-C", str(root), "remote", "add", "origin", remote], check=True)
    return root


def init(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_script("init.py", "--root", root, "--name", NAME, *args)


def test_the_manifest_matches_the_shipped_examples() -> None:
    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (LIBRARY_DATA / "papers").glob("*.md")}
    assert shipped == SHIPPED_EXAMPLES


def test_init_makes_the_library_yours(tmp_path: Path) -> None:
    root = fork(tmp_path)
    mine = root / "papers" / "kingma2014adam.md"
    mine.write_text(mine.read_text(encoding="utf-8") + "\nMy own thoughts on Adam.\n", encoding="utf-8")
    result = init(root)
    assert result.returncode == 0, result.stderr
    assert "kept papers/kingma2014adam.md (changed since it shipped: yours now)" in result.stdout
    assert sorted(p.name for p in (root / "papers").iterdir()) == ["kingma2014adam.md"], "a changed example is the user's"
    mkdocs = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert f'site_name: "{NAME}"' in mkdocs
    assert 'site_url: "https://ada-l.github.io/notes/"' in mkdocs
    assert 'repo_url: "https://github.com/Ada-L/notes"' in mkdocs and 'edit_uri: "edit/main/papers/"' in mkdocs
    settings = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["papernotes"]
    assert "topics" not in settings and settings["papers_per_week"] == 3
    assert "# [[tool.papernotes.topics]]" in (root / "pyproject.toml").read_text(encoding="utf-8")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert readme.startswith(f"# {NAME}\n") and "https://ada-l.github.io/notes/" in readme and f"]({MANUAL})" in readme
    assert "**1 paper** · 1 read" in readme
    manual = (root / MANUAL).read_text(encoding="utf-8")
    assert "papernotes:index:start" not in manual and manual.startswith("# Example library")
    assert run_script("index.py", "--root", root, "--check").returncode == 0
    again = init(root)
    assert again.returncode == 1 and "already set up" in again.stderr
    forced = init(root, "--force")
    assert forced.returncode == 0, forced.stderr
    assert (root / "README.md").read_text(encoding="utf-8") == readme, "a second run never rewrites the README"


@pytest.mark.slow
def test_after_init_with_zero_and_one_note_everything_passes(tmp_path: Path) -> None:
    root = fork(tmp_path)
    assert init(root).returncode == 0
    assert [p.name for p in (root / "papers").iterdir()] == [".gitkeep"], "no notes, and a file git keeps the folder by"
    assert run_script("index.py", "--root", root, "--check").returncode == 0
    empty = build(root)
    assert empty.returncode == 0, empty.stderr
    home = page(root / "site", "index.html")
    assert re.search(r'<h1 id="adas-reading-notes">Ada(&#x27;|&#39;|\')s reading notes', home), "the heading is the site's name"
    assert "<strong>0 papers</strong>" in home
    added = run_script("add.py", "--root", root, "--title", "A Paper of Mine", "--author", "Ada Lovelace",
                       "--year", "1843", "--topic", "computing")
    assert added.returncode == 0, added.stderr
    assert run_script("index.py", "--root", root).returncode == 0
    assert run_script("index.py", "--root", root, "--check").returncode == 0
    one = build(root)
    assert one.returncode == 0, one.stderr
    paper = page(root / "site", "lovelace1843paper/index.html")
    assert "A Paper of Mine" in paper and "Find it" in paper
    sitemap = (root / "site" / "sitemap.xml").read_text(encoding="utf-8")
    assert "https://ada-l.github.io/notes/lovelace1843paper/" in sitemap
    assert 'href="https://github.com/Ada-L/notes/edit/main/papers/lovelace1843paper.md"' in paper
    assert "/edit/" not in page(root / "site", "index.html"), "generated pages have no file to edit"


@pytest.mark.parametrize(("remote", "site_url"), [
    ("https://github.com/ada/ada.github.io.git", "https://ada.github.io/"),
    ("https://gitlab.com/ada/notes.git", None),
    (None, None),
])
def test_site_address_from_the_remote(tmp_path: Path, remote: str | None, site_url: str | None) -> None:
    root = fork(tmp_path, remote)
    result = init(root, "--keep-examples")
    assert result.returncode == 0, result.stderr
    mkdocs = (root / "mkdocs.yml").read_text(encoding="utf-8")
    assert (f'site_url: "{site_url}"' in mkdocs) if site_url else 'site_url: !ENV [SITE_URL, ""]' in mkdocs
    assert len(list((root / "papers").glob("*.md"))) == 8, "--keep-examples keeps them"
    assert "topics" in tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["papernotes"]


def test_init_needs_a_name(tmp_path: Path) -> None:
    root = fork(tmp_path)
    missing = subprocess.run([sys.executable, str(TOOLS / "init.py"), "--root", str(root)], capture_output=True, text=True)
    assert missing.returncode == 2 and "--name" in missing.stderr
    blank = run_script("init.py", "--root", root, "--name", "  ")
    assert blank.returncode == 1 and blank.stderr == "error: --name must not be empty\n"
    assert len(list((root / "papers").glob("*.md"))) == 8


@pytest.mark.parametrize("broken", ["no mkdocs.yml", "README is a folder"])
def test_init_checks_everything_before_changing_anything(tmp_path: Path, broken: str) -> None:
    root = fork(tmp_path)
    if broken == "no mkdocs.yml":
        (root / "mkdocs.yml").unlink()
    else:
        (root / "README.md").unlink()
        (root / "README.md").mkdir()
    before = sorted(p.name for p in (root / "papers").iterdir())
    result = init(root)
    assert result.returncode == 1 and "init changed nothing" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (root / "papers").iterdir()) == before, "the example notes are still there"
