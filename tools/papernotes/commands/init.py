"""Make this copy of papernotes your own library: your name, your site's address, no example notes.

    papernotes init --name "My reading notes"
    papernotes init --name "Lab papers" --keep-examples

Removes the example notes (only files still exactly as shipped), sets `site_name` in mkdocs.yml and,
when the git remote is on GitHub, `site_url`, `repo_url` and `edit_uri`; empties the topic list in
pyproject.toml (leaving a commented example); moves this manual to PAPERNOTES.md and writes a short
README for the library; rebuilds the index. It never deletes a note you wrote or changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from papernotes.commands import common
from papernotes.errors import PapernotesError
from papernotes.files import UnreadableFile, read_regular_file, read_text_inside, write_file
from papernotes.model.config import load_config

if TYPE_CHECKING:
    from papernotes.store.library import Library


MANUAL = "PAPERNOTES.md"
MAX_SETUP_FILE = 16 * 1024 * 1024
# The example notes as shipped: init deletes a file only while its bytes are exactly these.
SHIPPED_EXAMPLES = {
    "devlin2018bert.md": "e75ea1fb08e794bab4008c5e637b1401065d42c08aa200f8af483d700bb0c4a9",
    "goodfellow2014generative.md": "dfbea0ee3ddac1cae682910ea89210808c4a472b2bc36503f801247f062fb737",
    "he2015deep.md": "f5493764c6a677839654890ad2adf241c96b2f1c7f05721e883b98f693a687dc",
    "kingma2014adam.md": "3c9c40d7b1a136862fc5b9d3436e2a2123aa7487f57128e86a4d0a63eb738ef2",
    "mikolov2013efficient.md": "f93aa0d3746012d19beeab4ba08c32aa443a0a869160be6eef657aca5a7370f2",
    "peters2018deep.md": "bf801f458e6a048c618801a67dd8b396c88b4005143cc419421e885433a5d048",
    "srivastava2014dropout.md": "2775e29f52ac0b7256e28f45baddb0897f353ee3b547276d79ccaed06971824c",
    "vaswani2017attention.md": "523608ee0dfdd52c1304bfa7651d7c8b170a020e87dba9cdbd287395545a1418",
}
TOPICS_EXAMPLE = """\
# Topics: the README and the site list them in this order, with these titles. For example:
# [[tool.papernotes.topics]]
# path = "nlp"
# title = "Natural Language Processing"
"""
_TOPIC_TABLE = re.compile(r"^\[\[tool\.papernotes\.topics\]\][ \t]*\n(?:(?!\[)[^\n]*\n)*", re.MULTILINE)
_GITHUB = re.compile(r"(?:git@github\.com:|(?:https|ssh|git)://(?:[^@/]+@)?github\.com/)([\w.-]+)/([\w.-]+?)(?:\.git)?/?$")


def parser(prog: str) -> argparse.ArgumentParser:
    ap = common.parser(__doc__.splitlines()[0], prog=prog)
    ap.add_argument("--name", required=True, help="the library's name: the site's title and the README's heading")
    ap.add_argument("--keep-examples", action="store_true", help="keep the example notes and topics")
    ap.add_argument("--force", action="store_true", help="run again on a library that was already set up")
    return ap


def run(args: argparse.Namespace) -> int:
    from papernotes.services.readme import generated_region, rewrite_readme
    from papernotes.store.library import Library

    root = Path(args.root).resolve()
    name = " ".join(args.name.split())
    if not name:
        raise PapernotesError("--name must not be empty")
    if (root / MANUAL).exists() and not args.force:
        raise PapernotesError(f"this library was already set up ({MANUAL} exists); run with --force to set it up again")
    preflight(root)
    remote = github_remote(root)
    if not args.keep_examples:
        remove_examples(Library(root))
        reset_topics(root / "pyproject.toml")
    site_url = set_site(root / "mkdocs.yml", name, remote)
    if not (root / MANUAL).exists():
        write_readme(root, name, site_url)
    library = Library(root, load_config(root))
    rewrite_readme(root / "README.md", generated_region(library, use_cache=False))
    keep_folder(library)
    print(f"set up '{name}'" + (f" for {site_url}" if site_url else ""))
    print("next: papernotes add ID_OR_LINK, then git add -A && git commit -m 'My library' && git push")
    return 0


def preflight(root: Path) -> None:
    """Everything init will change must be there and be a readable file before anything changes: a
    half-done init (examples gone, README not written) is worse than none."""
    for name in ("pyproject.toml", "mkdocs.yml", "README.md"):
        try:
            read_regular_file(root / name, MAX_SETUP_FILE)[0].decode("utf-8")
        except UnreadableFile as exc:
            raise PapernotesError(f"{exc.describe(name)}; init changed nothing") from None
        except UnicodeDecodeError:
            raise PapernotesError(f"{name}: not valid UTF-8; init changed nothing") from None
    load_config(root)


def keep_folder(library: Library) -> None:
    """git keeps no empty folder: without a file in papers/, a fresh clone of the fork has no docs
    folder and its site cannot build until the first paper is added."""
    library.papers_dir.mkdir(parents=True, exist_ok=True)
    if not any(p.suffix == ".md" for p in library.papers_dir.iterdir()):
        keep = library.papers_dir / ".gitkeep"
        if not keep.exists():
            keep.write_text("", encoding="utf-8")
            print(f"wrote {library.rel(keep)} (git keeps no empty folder; the site builds from it)")


def github_remote(root: Path) -> tuple[str, str, str] | None:
    """(owner, repository, branch) when the git remote `origin` is on GitHub."""
    def git(*words: str) -> str:
        try:
            done = subprocess.run(["git", "-C", str(root), *words], capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    match = _GITHUB.search(git("remote", "get-url", "origin"))
    if not match:
        return None
    return match.group(1), match.group(2), git("symbolic-ref", "--short", "HEAD") or "main"


def remove_examples(library: Library) -> None:
    for file_name, digest in SHIPPED_EXAMPLES.items():
        path = library.papers_dir / file_name
        try:
            data = read_regular_file(path, MAX_SETUP_FILE)[0]
        except UnreadableFile:
            continue
        if hashlib.sha256(data).hexdigest() == digest:
            path.unlink()
            print(f"removed example {library.rel(path)}")
        else:
            print(f"kept {library.rel(path)} (changed since it shipped: yours now)")


def reset_topics(pyproject: Path) -> None:
    text = read_text_inside(pyproject.parent, pyproject, MAX_SETUP_FILE)
    first = _TOPIC_TABLE.search(text)
    if first is None:
        return
    rest = _TOPIC_TABLE.sub("", text[first.start():])
    write_file(pyproject, text[: first.start()] + TOPICS_EXAMPLE + "\n" + rest.lstrip("\n"), root=pyproject.parent)
    print("emptied the topic list in pyproject.toml")


def set_site(mkdocs: Path, name: str, remote: tuple[str, str, str] | None) -> str | None:
    """Set site_name (and site_url, repo_url, edit_uri from a GitHub remote) as top-level lines."""
    text = read_text_inside(mkdocs.parent, mkdocs, MAX_SETUP_FILE)
    values = {"site_name": name}
    site_url = None
    if remote:
        owner, repository, branch = remote
        pages = f"https://{owner.lower()}.github.io/"
        site_url = pages if repository.lower() == f"{owner.lower()}.github.io" else f"{pages}{repository}/"
        values.update(site_url=site_url, repo_url=f"https://github.com/{owner}/{repository}",
                      edit_uri=f"edit/{branch}/papers/")
    for key, value in values.items():
        line = f"{key}: {json.dumps(value, ensure_ascii=False)}"
        existing = re.search(rf"^{key}:.*$", text, re.MULTILINE)
        if existing:
            text = text[: existing.start()] + line + text[existing.end() :]
        else:
            end = text.find("\n", text.find("site_name:")) + 1
            text = text[:end] + line + "\n" + text[end:]
    write_file(mkdocs, text, root=mkdocs.parent)
    print(f"set site_name{', site_url, repo_url and edit_uri' if remote else ''} in mkdocs.yml")
    return site_url


def write_readme(root: Path, name: str, site_url: str | None) -> None:
    from papernotes.services.readme import END, MAX_README_BYTES, START

    readme = root / "README.md"
    manual = read_text_inside(root, readme, MAX_README_BYTES)
    # The manual keeps everything but the paper index, which belongs to the library's README.
    start = manual.find(START)
    if start >= 0:
        heading = manual.rfind("\n## ", 0, start)
        manual = manual[: heading + 1 if heading >= 0 else start].rstrip("\n") + "\n"
    from papernotes.present.render import render

    written = render(root, "library_readme.md.j2", name=name, site_url=site_url)
    assert START in written and END in written
    write_file(root / MANUAL, manual, root=root)
    write_file(readme, written, root=root)
    print(f"moved the manual to {MANUAL}; wrote a README for the library")

