"""A month of real use: a fresh fork, `init`, then four weeks of the README's routine, committed as the
README says, with the fork's CI (the tests workflow's library steps: `check` and `site --build`, which
generates the pages and runs `mkdocs build --strict`) run on a fresh clone of what was committed after every commit.

The commands run in-process through `run_command` (as `papernotes NAME` does); the services are the
fake arXiv and Semantic Scholar on 127.0.0.1; the clock moves with PAPERNOTES_TODAY.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import LIBRARY_DATA, REPO, TEMPLATE_FOLDERS, copy_template_folders
from fakearxiv import FakeArxiv
from fakecommunity import FakeCommunity
from fakes2 import FakeS2
from papernotes.cli import run_command

ZOTERO = REPO / "tests" / "data" / "bibtex" / "brendon-boldt_phd-thesis_zotero.bib"
WATCH = ('\n[[tool.papernotes.watch]]\nname = "language models"\nquery = "cat:cs.CL"\n'
         '\n[[tool.papernotes.watch]]\nname = "like what I read"\nsimilar_to = "read"\n')


@pytest.fixture
def fork(tmp_path: Path) -> Path:
    """The template as a user forks it: code, settings, workflows, the shipped examples, a git remote."""
    root = tmp_path / "notes"
    root.mkdir()
    for name in ("pyproject.toml", "mkdocs.yml", "README.md"):
        shutil.copy(LIBRARY_DATA / name, root / name)
    shutil.copytree(LIBRARY_DATA / "papers", root / "papers")
    copy_template_folders(root, (*TEMPLATE_FOLDERS, ".github"))
    shutil.copy(REPO / ".gitignore", root / ".gitignore")
    git(root, "init", "-q", "-b", "main")
    git(root, "remote", "add", "origin", "git@github.com:Ada-L/notes.git")
    git(root, "config", "user.email", "ada@example.org")
    git(root, "config", "user.name", "Ada")
    return root


def git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True, text=True).stdout


class Routine:
    """The user at the keyboard: papernotes commands on one day, then a commit and the fork's CI."""

    def __init__(self, root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                 arxiv: FakeArxiv, s2: FakeS2, clones: Path) -> None:
        self.root, self.capsys, self.monkeypatch, self.clones = root, capsys, monkeypatch, clones
        for name, value in {"ARXIV_API_URL": arxiv.url, "ARXIV_API_DELAY": "0", "ARXIV_API_TIMEOUT": "5",
                            "S2_API_URL": s2.url, "S2_API_DELAY": "0", "S2_API_TIMEOUT": "5",
                            "NO_PROXY": "127.0.0.1,localhost"}.items():
            monkeypatch.setenv(name, value)
        self.commits = 0

    def on(self, day: str) -> None:
        self.monkeypatch.setenv("PAPERNOTES_TODAY", day)

    def pn(self, command: str, *args: str, expect: int = 0) -> str:
        code = run_command(command, ["--root", str(self.root), *args], prog=f"papernotes {command}")
        said = self.capsys.readouterr()
        assert code == expect, f"papernotes {command} {' '.join(args)} exited {code}:\n{said.out}{said.err}"
        return said.out + said.err

    def commit(self, message: str) -> None:
        """`git add -A && git commit -m ...` (the README's words), then the tests workflow on a fresh clone."""
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "-m", message)
        self.commits += 1
        clone = self.clones / f"clone{self.commits}"
        subprocess.run(["git", "clone", "-q", str(self.root), str(clone)], check=True)
        assert not (clone / ".cache").exists() and not (clone / "site").exists(), "nothing generated is committed"
        assert [p.name for p in (clone / "site-src").iterdir()] == [".gitignore"], "the staged pages are not committed"
        check = subprocess.run([sys.executable, "tools/check.py"], cwd=clone, capture_output=True, text=True, timeout=300)
        assert check.returncode == 0, f"after '{message}': python tools/check.py\n{check.stdout}{check.stderr}"
        build = subprocess.run([sys.executable, "tools/site.py", "--build"], cwd=clone, capture_output=True,
                               text=True, timeout=600, env={**_env(), "SITE_URL": "https://ada-l.github.io/notes/"})
        assert build.returncode == 0, f"after '{message}': python tools/site.py --build\n{build.stderr[-3000:]}"
        assert "does not contain an anchor" not in build.stderr, "a clean build says nothing false"
        self.site = clone / "site"

    def front(self, key: str) -> dict:
        return yaml.safe_load((self.root / "papers" / f"{key}.md").read_text(encoding="utf-8").split("---\n")[1])


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "PAPERNOTES_TODAY"} | {"NO_MKDOCS_2_WARNING": "1"}


@pytest.mark.slow
def test_a_month_of_the_routine_stays_green(fork: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch, arxiv_server: FakeArxiv,
                                           s2_server: FakeS2, community: FakeCommunity) -> None:
    a, s2 = arxiv_server, s2_server
    a.add("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers for Language Understanding",
          ["Jacob Devlin", "Ming-Wei Chang"], published="2018-10-11T00:50:01Z")
    a.add("1706.03762", "Attention Is All You Need", ["Ashish Vaswani"], published="2017-06-12T17:57:34Z",
          journal_ref="NeurIPS 2017")
    a.add("1511.01432", "Semi-supervised Sequence Learning", ["Andrew M. Dai", "Quoc V. Le"], published="2015-11-04T00:00:00Z")
    a.add("1802.05365", "Deep contextualized word representations", ["Matthew E. Peters"], published="2018-02-15T00:00:00Z")
    a.add("2611.01001", "Retrieval-augmented language models, revisited", ["Kenton Lee"], published="2026-11-10T10:00:00Z",
          summary="Language models with retrieval of passages.")
    a.add("2611.01002", "A survey of federated learning", ["Someone Else"], published="2026-11-11T10:00:00Z",
          summary="Federated learning on devices.")
    s2.add("bert", "BERT", ["Jacob Devlin"], arxiv="1810.04805", doi="10.18653/v1/N19-1423", venue="NAACL")
    s2.add("transformer", "Attention Is All You Need", ["Ashish Vaswani"], arxiv="1706.03762", citations=100000)
    s2.add("semi", "Semi-supervised Sequence Learning", ["Andrew M. Dai"], arxiv="1511.01432", citations=1200)
    s2.add("elmo", "Deep Contextualized Word Representations", ["Matthew E. Peters"], arxiv="1802.05365",
           doi="10.18653/v1/N18-1202", acl="N18-1202", venue="NAACL")
    s2.add("rec", "Masked pre-training, scaled", ["Grace Hopper"], arxiv="2611.01003", year=2026)["publicationDate"] = "2026-11-12"
    s2.recommended = ["rec", "elmo"]  # what Semantic Scholar recommends from BERT: this week's paper, and an old one
    a.add("2611.01003", "Masked pre-training, scaled", ["Grace Hopper"], published="2026-11-12T10:00:00Z",
          summary="Bidirectional pre-training of transformers at scale.", categories=("cs.LG",))
    s2.cite("bert", "transformer", influential=True)
    s2.cite("bert", "semi", influential=True)
    s2.cite("bert", {"title": "A technical report nobody indexed"})
    clones = tmp_path / "clones"
    clones.mkdir()
    community.add("2611.01001", "Retrieval-augmented language models, revisited", upvotes=120,
                  github="https://github.com/klee/rag-revisited", week="2026-W46")
    community.add("2611.01002", "A survey of federated learning", upvotes=3, week="2026-W46")
    for name, value in community.env.items():
        monkeypatch.setenv(name, value)
    user = Routine(fork, capsys, monkeypatch, a, s2, clones)

    # Day 0: make it mine, commit, push.
    user.on("2026-11-01")
    said = user.pn("init", "--name", "Ada's reading notes")
    assert "removed example papers/devlin2018bert.md" in said
    user.commit("My library")  # no notes at all: papers/ must still be there in a clone

    # Week 1, Sunday: bring what I have (a Zotero export: bulk, low priority), add what I want to read.
    user.on("2026-11-08")
    said = user.pn("bib", "import", str(ZOTERO), "--keywords-as-tags")
    assert "(priority 3)" in said
    user.pn("add", "1810.04805", "https://aclanthology.org/N18-1202/", "--topic", "nlp", "--tag", "Pretraining")
    assert user.front("peters2018deep")["doi"] == "10.18653/v1/N18-1202", "what Semantic Scholar knew is kept"
    said = user.pn("plan")
    planned = [line.split()[1] for line in said.splitlines() if line.split()[:1] == ["new"]]
    assert planned[:2] == ["papers/devlin2018bert.md", "papers/peters2018deep.md"], said
    assert len(planned) == 3, "three papers a week"
    user.commit("Week 46: my library, and the plan")

    # Week 1, during the week: read, tag, follow the references that matter.
    user.on("2026-11-09")
    user.pn("status", "devlin2018bert", "reading")
    user.on("2026-11-11")
    user.pn("status", "devlin", "read")
    user.pn("tag", "1810.04805", "+stack-bert", "+pretraining")
    assert user.front("devlin2018bert")["tags"] == ["Pretraining", "stack-bert"], "one spelling per tag"
    said = user.pn("refs", "devlin2018bert", "--add-influential")
    assert "added papers/vaswani2017attention.md" in said and "added papers/dai2015semi.md" in said
    user.commit("Week 46")

    # Week 2, Sunday: the weekly digest, ticked and accepted into a topic; the next plan.
    user.on("2026-11-15")
    with open(fork / "pyproject.toml", "a", encoding="utf-8") as handle:
        handle.write(WATCH)
    said = user.pn("watch")
    digest = next((fork / "inbox").glob("*.md"))
    text = digest.read_text(encoding="utf-8")
    assert text.index("Retrieval-augmented") < text.index("federated"), "like what I read, and what the field reads"
    assert "▲ 120 · [code](https://github.com/klee/rag-revisited)" in text and (fork / "inbox" / "popularity.tsv").is_file()
    assert "Masked pre-training, scaled" in text and "matched: like what I read" in text, "recommended from what I read"
    digest.write_text(text.replace("- [ ] [Retrieval-augmented", "- [x] [Retrieval-augmented"), encoding="utf-8")
    said = user.pn("watch", "--accept", str(digest), "--topic", "nlp/retrieval", "--priority", "1")
    accepted = next(p for p in (fork / "papers").glob("lee2026*.md"))
    assert yaml.safe_load(accepted.read_text(encoding="utf-8").split("---\n")[1])["topic"] == "nlp/retrieval"
    said = user.pn("plan")
    assert "papers/lee2026retrieval.md" in said, "priority 1 comes first"
    user.commit("Week 47")

    # Week 3: my editor and the tools on one note; filters in any case; the calendar.
    user.on("2026-11-23")
    bert = fork / "papers" / "devlin2018bert.md"
    edited = bert.read_text(encoding="utf-8").replace(
        "tags: [Pretraining, stack-bert]", "tags:\n  - Pretraining   # the one that matters\n  # how I got here\n  - stack-bert")
    bert.write_text(edited + "\nMasked language modelling, explained well.\n", encoding="utf-8")
    user.pn("tag", "devlin", "-STACK-BERT")
    text = bert.read_text(encoding="utf-8")
    assert "  - Pretraining   # the one that matters\n  # how I got here\n" in text and "stack-bert" not in text
    assert text.endswith("\nMasked language modelling, explained well.\n")
    assert "devlin2018bert" in user.pn("list", "--tag", "pretraining", "--format", "keys")
    assert "vaswani2017attention" in user.pn("list", "--topic", "NLP", "--format", "keys")
    assert "did you mean nlp" in user.pn("list", "--topic", "nlpp", expect=1)
    user.pn("plan", "--ics", "plan.ics")
    user.pn("status", "vaswani", "read")
    said = user.pn("gaps", "--min", "1")  # the reference lists, kept for the site's related papers
    assert "A technical report nobody indexed" not in said and (fork / "inbox" / "references.jsonl").is_file()
    assert "cited by this paper" in user.pn("related", "devlin2018bert", "--offline")
    user.commit("Week 48")
    assert "plan.ics" not in git(fork, "ls-files"), "the calendar is git-ignored where the README writes it"

    # Week 4: read, plan, and the site tells the month's story.
    user.on("2026-11-30")
    user.pn("status", "peters", "read")
    settings = fork / "pyproject.toml"
    settings.write_text(settings.read_text(encoding="utf-8").replace("[tool.papernotes]\n", '[tool.papernotes]\nfocus = "nlp"\n', 1),
                        encoding="utf-8")
    assert "Focus: NLP" in user.pn("plan")
    assert "· focus: NLP" in (fork / "README.md").read_text(encoding="utf-8")
    user.commit("Week 49")
    bert_page = (user.site / "devlin2018bert" / "index.html").read_text(encoding="utf-8")
    assert "Related in your library" in bert_page and "Attention Is All You Need" in bert_page
    feed = (user.site / "feed.xml").read_text(encoding="utf-8")
    assert feed.count("Imported ") == 1 and "from brendon-boldt_phd-thesis_zotero.bib" in feed, "one entry per import"
    queue = user.pn("list", "--sort", "queue", "--format", "keys").split()
    imported = {p.stem for p in (fork / "papers").glob("*.md") if "import:" in p.read_text(encoding="utf-8")}
    own = [key for key in queue if key not in imported]
    assert queue[: len(own)] == own, "the imported papers wait behind mine"
    assert git(fork, "status", "--porcelain") == "", "every command left the fork committed and clean"
