"""`papernotes refresh`: arXiv's newer version, date and journal reference fill the tool's fields in
place; the user's fields and everything else in the note stay byte for byte."""

from __future__ import annotations

from pathlib import Path

from conftest import run_script
from fakearxiv import FakeArxiv
from fakes2 import FakeS2

NOTE = ("---\nkey: devlin2018bert\ntitle: My own title for BERT  # I prefer this\narxiv: '1810.04805'\nversion: 1\n"
        "updated: 2018-10-11\ntopic: nlp\ntags:\n  - mine\nstatus: read\n---\n\nMy notes.\n")


def test_refresh_fills_only_what_the_tools_own(library: Path, arxiv_server: FakeArxiv) -> None:
    note = library / "papers" / "devlin2018bert.md"
    note.write_text(NOTE, encoding="utf-8")
    arxiv_server.add("1810.04805", "BERT: Pre-training of Deep Bidirectional Transformers", ["Jacob Devlin"],
                     version=2, published="2018-10-11T00:50:01Z", updated="2019-05-24T20:37:26Z",
                     journal_ref="NAACL 2019", doi="10.18653/v1/N19-1423")
    dry = run_script("refresh.py", "--root", library, "--dry-run", server=arxiv_server)
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout == ("would update papers/devlin2018bert.md version: 1 → 2, updated: 2018-10-11 → 2019-05-24, "
                          "venue: NAACL 2019, doi: 10.18653/v1/N19-1423\n")
    assert note.read_text(encoding="utf-8") == NOTE
    result = run_script("refresh.py", "--root", library, "devlin", server=arxiv_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout == dry.stdout.replace("would update", "updated")
    assert note.read_text(encoding="utf-8") == NOTE.replace("version: 1\nupdated: 2018-10-11\n", "version: 2\nupdated: 2019-05-24\n").replace(
        "status: read\n", "status: read\nvenue: NAACL 2019\ndoi: 10.18653/v1/N19-1423\n")
    again = run_script("refresh.py", "--root", library, server=arxiv_server)
    assert again.returncode == 0 and again.stdout == "", "nothing new, nothing said"
    assert len(arxiv_server.requests) == 3, "one batched request per run"


def test_refresh_when_arxiv_is_down_changes_nothing(library: Path, arxiv_server: FakeArxiv) -> None:
    note = library / "papers" / "devlin2018bert.md"
    note.write_text(NOTE, encoding="utf-8")
    arxiv_server.always = "503"
    result = run_script("refresh.py", "--root", library, server=arxiv_server)
    assert result.returncode == 1 and "arXiv did not answer usefully" in result.stderr
    assert note.read_text(encoding="utf-8") == NOTE


def test_looked_up_metadata_is_kept_when_adding_by_a_link(library: Path, arxiv_server: FakeArxiv, s2_server: FakeS2) -> None:
    arxiv_server.add("1802.05365", "Deep contextualized word representations", ["Matthew E. Peters"])
    s2_server.add("elmo", "Deep Contextualized Word Representations", ["Matthew E. Peters"], arxiv="1802.05365",
                  doi="10.18653/v1/N18-1202", acl="N18-1202", venue="North American Chapter of the Association for Computational Linguistics")
    result = run_script("add.py", "--root", library, "https://aclanthology.org/N18-1202/", server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    text = (library / "papers" / "peters2018deep.md").read_text(encoding="utf-8")
    assert "doi: 10.18653/v1/N18-1202\n" in text
    assert "venue: North American Chapter of the Association for Computational Linguistics\n" in text


def test_refresh_fills_the_venue_and_doi_of_a_published_preprint(library: Path, arxiv_server: FakeArxiv,
                                                                 s2_server: FakeS2) -> None:
    note = library / "papers" / "devlin2018bert.md"
    note.write_text(NOTE, encoding="utf-8")
    arxiv_server.add("1810.04805", "BERT", ["Jacob Devlin"], version=1, updated="2018-10-11T00:50:01Z")
    s2_server.add("bert", "BERT", ["Jacob Devlin"], arxiv="1810.04805", doi="10.18653/v1/N19-1423", venue="NAACL")
    result = run_script("refresh.py", "--root", library, server=arxiv_server, s2=s2_server)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "updated papers/devlin2018bert.md venue: NAACL, doi: 10.18653/v1/N19-1423\n"
