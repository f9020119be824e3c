"""`python tools/bib.py export` and `import`: real .bib files, every identification rule, round trips."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import REPO, run_script
from papernotes.model.latex import latex_decode, latex_escape
from papernotes.model.paper import Paper
from papernotes.present.bibtex import export_entry

BIBS = REPO / "tests" / "data" / "bibtex"


def bib(root: Path, *args: str | Path):
    return run_script("bib.py", "--root", root, *args)


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def notes(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "papers").glob("*.md"))


def import_text(root: Path, text: str, *args: str):
    source = root / "in.bib"
    source.write_text(text, encoding="utf-8")
    return bib(root, "import", source, *args)


# -- export --------------------------------------------------------------------------------------------


def test_export_entry_for_an_arxiv_paper_with_a_venue() -> None:
    paper = Paper(key="devlin2018bert", title="BERT: Pre-training of Deep Bidirectional Transformers",
                  authors=("Jacob Devlin", "Ming-Wei Chang"), year=2018, arxiv="1810.04805",
                  categories=("cs.CL", "cs.LG"), venue="Proceedings of NAACL-HLT 2019", doi="10.18653/v1/N19-1423")
    assert export_entry(paper) == (
        "@inproceedings{devlin2018bert,\n"
        "  title = {{BERT}: Pre-training of Deep Bidirectional Transformers},\n"
        "  author = {Devlin, Jacob and Chang, Ming-Wei},\n"
        "  booktitle = {Proceedings of NAACL-HLT 2019},\n"
        "  year = {2018},\n"
        "  eprint = {1810.04805},\n"
        "  archivePrefix = {arXiv},\n"
        "  primaryClass = {cs.CL},\n"
        "  doi = {10.18653/v1/N19-1423},\n"
        "  note = {arXiv:1810.04805}\n"
        "}\n"
    )


def test_export_types_journal_misc_and_non_arxiv() -> None:
    journal = Paper(key="k", title="Dropout", authors=("Nitish Srivastava",), year=2014,
                    venue="Journal of Machine Learning Research", url="https://jmlr.org/papers/v15/a.html")
    assert export_entry(journal).startswith("@article{k,\n")
    assert "  journal = {Journal of Machine Learning Research},\n" in export_entry(journal)
    assert "  url = {https://jmlr.org/papers/v15/a.html}\n" in export_entry(journal)
    preprint = Paper(key="p", title="x", arxiv="hep-th/9901001", year=1999)
    assert export_entry(preprint).startswith("@article{p,\n"), "as Google Scholar exports a preprint"
    assert "  journal = {arXiv preprint arXiv:hep-th/9901001},\n" in export_entry(preprint)
    assert "eprint = {hep-th/9901001}" in export_entry(preprint), "biblatex reads eprint"
    imported_misc = preprint.replace(extra={"bibtex": {"@type": "misc"}})
    assert "  howpublished = {arXiv preprint arXiv:hep-th/9901001},\n" in export_entry(imported_misc)
    nothing = Paper(key="n", title="A report")
    assert export_entry(nothing).startswith("@misc{n,\n")


def test_editors_round_trip(library: Path) -> None:
    bib = library / "eds.bib"
    bib.write_text("@inproceedings{a1, title={With both}, author={Ada Lovelace}, editor={Alan Turing and Grace Hopper},"
                   " booktitle={Proceedings of Things}, year={2020}}\n"
                   "@proceedings{p1, title={Only editors}, editor={Grace Hopper}, year={2021}}\n", encoding="utf-8")
    assert run_script("bib.py", "--root", library, "import", bib).returncode == 0
    text = run_script("bib.py", "--root", library, "export").stdout
    # As the file wrote them: names are not rewritten "Last, First" (a name BibTeX reads either way).
    assert "  editor = {Alan Turing and Grace Hopper}" in text and "  author = {Ada Lovelace}" in text
    only = text[text.index("@proceedings{"):]
    assert "  editor = {Grace Hopper}" in only and "author" not in only.split("}\n", 1)[0]
    note = (library / "papers" / "p1.md").read_text(encoding="utf-8")
    assert "authors: [Grace Hopper]" in note, "editors stand for authors when there are none"
    edited = note.replace("authors: [Grace Hopper]", "authors: [Grace Hopper, Ada Lovelace]")
    (library / "papers" / "p1.md").write_text(edited, encoding="utf-8")
    only = run_script("bib.py", "--root", library, "export").stdout.split("@proceedings{", 1)[1]
    assert "  editor = {Hopper, Grace and Lovelace, Ada}" in only, "an edited name list is written from the note"


@pytest.mark.parametrize(
    "title, expected",
    [
        ("50% of GANs & ImageNet_1k #1", r"50\% of {GANs} \& {ImageNet}\_1k \#1"),
        ("Already $\\mathcal{O}(n^2)$ math", "Already $\\mathcal{O}(n^2)$ math"),
        ("Müller's Łódź {braces} ~ ^ \\", r"M{\"u}ller's {\L}{\'o}d{\'z} \{braces\} \~{} \^{} \textbackslash{}"),
        ("α-Rank ∈ Ω", r"{$\alpha$}-Rank {$\in$} {$\Omega$}"),
        ("50\\% twice?", r"50\textbackslash{}\% twice?"),
    ],
)
def test_latex_special_characters_are_escaped_exactly_once(title: str, expected: str) -> None:
    assert latex_escape(title, protect_capitals=True) == expected
    assert latex_decode(expected) == title
    unicode = latex_escape(title, protect_capitals=True, ascii=False)
    assert unicode.isascii() == title.isascii() and latex_decode(unicode) == title


def test_export_is_stable_and_filters(example_library: Path) -> None:
    first = bib(example_library, "export")
    second = bib(example_library, "export")
    assert first.returncode == 0 and first.stdout == second.stdout
    keys = [line.split("{", 1)[1].rstrip(",") for line in first.stdout.splitlines() if line.startswith("@")]
    assert keys == sorted(keys) and len(keys) == 8
    nlp = bib(example_library, "export", "--topic", "nlp").stdout
    assert nlp.count("\n@") + 1 == 4 and "he2015deep" not in nlp
    tagged = bib(example_library, "export", "--tag", "pretraining", "--status", "to-read").stdout
    assert [line for line in tagged.splitlines() if line.startswith("@")] == ["@inproceedings{peters2018deep,"]
    out = example_library / "refs.bib"
    written = bib(example_library, "export", "-o", out)
    assert written.returncode == 0 and out.read_text(encoding="utf-8") == first.stdout


def test_export_refuses_a_broken_library(example_library: Path) -> None:
    (example_library / "papers" / "bad.md").write_text("---\ntitle: A\nyear: x\n---\n", encoding="utf-8")
    result = bib(example_library, "export")
    assert result.returncode == 1 and result.stdout == ""
    assert "papers/bad.md:3: field 'year'" in result.stderr


# -- import --------------------------------------------------------------------------------------------

RULES = r"""
@string{neurips = "Advances in Neural Information Processing Systems"}
@misc{eprintStyle, title = {Eprint and prefix}, author = {A. Author}, year = 2020,
      eprint = {2001.00001}, archivePrefix = {arXiv}, primaryClass = {cs.LG}}
@online{biblatexStyle, title = {Eprinttype}, author = {B. Author}, date = {2020-02-03},
      eprint = {2001.00002}, eprinttype = {arxiv}}
@article{scholarStyle, title = {Journal field}, author = {C. Author}, journal = {arXiv preprint arXiv:2001.00003}, year = {2020}}
@misc{noteStyle, title = {In a note}, author = {D. Author}, note = {arXiv:2001.00004v2}, year = {2020}}
@misc{urlStyle, title = {In a URL}, author = {E. Author}, url = {https://arxiv.org/abs/2001.00005}, year = {2020}}
@misc{doiStyle, title = {An arXiv DOI}, author = {F. Author}, doi = {10.48550/arXiv.2001.00006}, year = {2020}}
@article{numberStyle, title = {In number}, author = {G. Author}, number = {arXiv:2001.00007}, year = {2020}}
@article{dblpStyle, title = {DBLP}, author = {H. Author}, journal = {CoRR}, volume = {abs/2001.00008}, year = {2020}}
@misc{psyarxivStyle, title = {Not arXiv}, author = {I. Author}, eprint = {abcd1}, eprinttype = {psyarxiv},
      url = {https://psyarxiv.com/abcd1}, year = {2020}}
@article{biorxivStyle, title = {Not arXiv either}, author = {J. Author}, journal = {bioRxiv}, doi = {10.1101/2020.01.01.000001}, year = {2020}}
@inproceedings{macroStyle, title = {With a macro}, author = {K. Author}, booktitle = neurips, year = 2019}
@proceedings{procs, title = {Proceedings of the Big Conference}, year = 2018}
@inproceedings{crossStyle, title = {Crossref child}, author = {L. Author}, crossref = {procs}}
"""


def test_every_place_bib_files_put_arxiv_ids(library: Path) -> None:
    result = import_text(library, RULES)
    assert result.returncode == 0, result.stderr
    papers = library / "papers"
    found = {p.stem: front(p).get("arxiv") for p in papers.glob("*.md")}
    assert found == {
        "eprintStyle": "2001.00001", "biblatexStyle": "2001.00002", "scholarStyle": "2001.00003",
        "noteStyle": "2001.00004", "urlStyle": "2001.00005", "doiStyle": "2001.00006", "numberStyle": "2001.00007",
        "dblpStyle": "2001.00008", "psyarxivStyle": None, "biorxivStyle": None, "macroStyle": None,
        "procs": None, "crossStyle": None,
    }
    assert front(papers / "eprintStyle.md")["categories"] == ["cs.LG"]
    assert front(papers / "biblatexStyle.md")["year"] == 2020
    assert front(papers / "macroStyle.md")["venue"] == "Advances in Neural Information Processing Systems"
    cross = front(papers / "crossStyle.md")
    assert cross["venue"] == "Proceedings of the Big Conference" and cross["year"] == 2018
    assert front(papers / "biorxivStyle.md")["doi"] == "10.1101/2020.01.01.000001"
    assert "doi" not in front(papers / "doiStyle.md")


def test_latex_decoded_in_titles_and_names(library: Path) -> None:
    text = r"""@article{k1, title = {{\"U}ber {BERT}: 50\% of {\L}{\'o}d{\'z}}, author = {M{\"u}ller, J{\"u}rgen and {\L}ukasz Kaiser and O'Neil, Cathy}, year = 2020}"""
    assert import_text(library, text).returncode == 0
    meta = front(library / "papers" / "k1.md")
    assert meta["title"] == "Über BERT: 50% of Łódź"
    assert meta["authors"] == ["Jürgen Müller", "Łukasz Kaiser", "Cathy O'Neil"]


def test_keys_kept_when_free_and_valid_else_generated(library: Path) -> None:
    (library / "papers" / "taken.md").write_text("---\ntitle: Something else\n---\n", encoding="utf-8")
    text = r"""
@article{taken, title = {Über alles}, author = {M{\"u}ller, J{\"u}rgen}, year = 2020}
@article{Bad:Key/1, title = {Łódź streets}, author = {{\L}ukasz Nowak}, year = 2021}
@article{also:bad, title = {The Weapons}, author = {O'Neil, Cathy}, year = 2016}
@article{Taken, title = {Über nichts}, author = {M{\"u}ller, J{\"u}rgen}, year = 2020}
"""
    result = import_text(library, text)
    assert result.returncode == 0, result.stderr
    assert notes(library) == ["muller2020uber", "muller2020ubera", "nowak2021lodz", "oneil2016weapons", "taken"]


def test_duplicates_are_reported_never_duplicated(library: Path) -> None:
    (library / "papers" / "bert.md").write_text(
        "---\ntitle: 'BERT'\narxiv: '1810.04805'\n---\n", encoding="utf-8")
    (library / "papers" / "glue.md").write_text(
        "---\ntitle: 'GLUE: A Multi-Task Benchmark'\nyear: 2019\n---\n", encoding="utf-8")
    text = r"""
@misc{dev, title = {BERT again}, eprint = {1810.04805v2}, archivePrefix = {arXiv}}
@inproceedings{wang2018glue, title = {{GLUE}: A Multi-Task Benchmark}, author = {Alex Wang}, year = {2019}}
@article{doiA, title = {First}, doi = {10.1000/ABC}, year = 2000}
@article{doiB, title = {Second}, doi = {https://doi.org/10.1000/abc}, year = 2001}
"""
    result = import_text(library, text)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "exists papers/bert.md  (dev)", "kept dev as another citation key of papers/bert.md (cited_as)",
        "exists papers/glue.md  (wang2018glue)", "kept wang2018glue as another citation key of papers/glue.md (cited_as)",
        "added papers/doiA.md  First", "exists papers/doiA.md  (doiB)",
        "kept doiB as another citation key of papers/doiA.md (cited_as)",
    ]
    exported = bib(library, "export").stdout
    assert "@article{dev," in exported and "@misc{wang2018glue," in exported and "@article{doiB," in exported, \
        "a document citing the other keys still compiles (each written as its note is)"
    before = {p.name: p.read_bytes() for p in (library / "papers").iterdir()}
    again = import_text(library, text)
    assert again.returncode == 0 and all(line.startswith("exists") for line in again.stdout.splitlines())
    assert {p.name: p.read_bytes() for p in (library / "papers").iterdir()} == before


def test_a_malformed_entry_is_reported_and_the_rest_imported(library: Path) -> None:
    text = (
        "@article{good1, title={Good One}, author={A. B}, year=2020}\n"
        "@article{bad1, title={Unclosed, author={C D}, year=2021\n"
        "@article{good2, title={Good Two}, year=2019}\n"
        "@article{notitle, author={E F}, year=2018}\n"
        "@misc{good3, title = \"Three\", year = 2018}\n"
    )
    result = import_text(library, text)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 2
    assert errors[0].startswith(f"error: {library / 'in.bib'}:2: entry 'bad1': ")
    assert errors[1] == f"error: {library / 'in.bib'}:4: entry 'notitle': entry has no title"
    assert notes(library) == ["good1", "good2", "good3"]


def test_dry_run_writes_nothing(library: Path) -> None:
    result = import_text(library, RULES, "--dry-run")
    assert result.returncode == 0
    assert "would add eprintStyle  Eprint and prefix" in result.stdout
    assert notes(library) == []


def test_import_topic_and_tags_and_bad_input(library: Path) -> None:
    ok = import_text(library, "@misc{x, title={T}, year=2020}", "--topic", "nlp/x", "--tag", "a", "--tag", "b")
    assert ok.returncode == 0
    meta = front(library / "papers" / "x.md")
    assert (meta["topic"], meta["tags"], meta["status"]) == ("nlp/x", ["a", "b"], "to-read")
    missing = bib(library, "import", "nope.bib")
    assert missing.returncode == 1 and missing.stderr == "error: cannot read nope.bib: No such file or directory\n"
    usage = bib(library, "frobnicate")
    assert usage.returncode == 2


# -- round trip and real files ------------------------------------------------------------------------


def test_round_trip_export_import_export(example_library: Path, library: Path, tmp_path: Path) -> None:
    tricky = (
        "---\nkey: tricky2020\ntitle: '50% of $\\mathcal{O}(n)$ {GANs} & Müller_s #1'\n"
        "authors: [Łukasz O'Neil, Peter H. N. de With, Jr. Smith]\nyear: 2020\narxiv: 'math/0309136'\n"
        "categories: [math.GT]\nvenue: Journal of Things\ndoi: 10.1000/x_y\nurl: https://example.org/a%20b#c\n---\n"
    )
    (example_library / "papers" / "tricky2020.md").write_text(tricky, encoding="utf-8")
    first = bib(example_library, "export")
    assert first.returncode == 0, first.stderr
    source = tmp_path / "first.bib"
    source.write_text(first.stdout, encoding="utf-8")
    imported = bib(library, "import", source)
    assert imported.returncode == 0, imported.stderr
    assert len(notes(library)) == 9 and "tricky2020" in notes(library)
    second = bib(library, "export")
    assert second.stdout == first.stdout


# entries, notes created, arXiv IDs recognised, duplicates, malformed
REAL_FILES = {
    "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib": (202, 172, 144, 30, 0),
    "brendon-boldt_phd-thesis_zotero.bib": (169, 164, 60, 5, 0),
    "brendon-boldt_phd-thesis_custom.bib": (6, 6, 2, 0, 0),
    "plk_biblatex_biblatex-examples.bib": (90, 85, 3, 5, 0),
    "terryum_top100papers.bib": (101, 101, 35, 0, 0),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_bib_files(library: Path, name: str) -> None:
    entries, created, arxiv, duplicates, malformed = REAL_FILES[name]
    result = bib(library, "import", BIBS / name)
    assert result.returncode == (1 if malformed else 0), result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"{BIBS / name}: {entries} entries, added {created} (priority 3), {duplicates} already in the library, {malformed} malformed"
    )
    papers = list((library / "papers").glob("*.md"))
    assert len(papers) == created
    assert sum(1 for p in papers if front(p).get("arxiv")) == arxiv
    check = run_script("index.py", "--root", library, "--check")
    assert "could not be loaded" not in check.stderr, "every imported note loads"


@pytest.mark.slow
def test_real_file_round_trip(library: Path, tmp_path: Path) -> None:
    assert bib(library, "import", BIBS / "brendon-boldt_phd-thesis_zotero.bib").returncode == 0
    first = bib(library, "export").stdout
    again = tmp_path / "again"
    shutil.copytree(library, again)
    shutil.rmtree(again / "papers")
    (again / "papers").mkdir()
    (tmp_path / "first.bib").write_text(first, encoding="utf-8")
    assert bib(again, "import", tmp_path / "first.bib").returncode == 0
    assert bib(again, "export").stdout == first


def test_text_without_latex_is_not_decoded_and_means_the_same() -> None:
    """The fast path for plain values gives exactly what latexcodec would (issue 13: decode only LaTeX)."""
    import random

    from papernotes.model import latex as bibtex

    rng = random.Random(3)
    alphabet = "ab -'`!?<>\"&#_^@.,;:()0123456789éÜ\n\t|/*+="
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    plain = [t for t in texts if not bibtex._NEEDS_DECODING.search(t)]
    fast = [latex_decode(t) for t in plain]
    assert [bibtex._latex_decode_whole(t) for t in plain] == fast  # every value through latexcodec
    assert len(plain) > 1000


@pytest.mark.slow
def test_decoding_stretch_by_stretch_is_decoding_the_whole() -> None:
    import glob
    import random
    import re

    from papernotes.model import latex as bibtex

    values = []
    for name in glob.glob(str(BIBS / "*.bib")):
        values += re.findall(r"=\s*\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}", Path(name).read_text(encoding="utf-8"))
    rng = random.Random(11)
    pieces = ["a", "b", " ", "{", "}", "\\'", '\\"', "\\emph{", "\\LaTeX", "\\ ", "$", "x^2", "--", "''", "``", "é",
              "\\&", "\\{", "\\}", "~", "\n", ",,", "\\'e", '{\\"u}', "\\textbf{", "\\c{c}", "\\o", "-", "\n\n", "\t"]
    values += ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 15))) for _ in range(20000)]
    # Brace groups around the punctuation latexcodec might read (a stretch of braces alone skips it).
    braced = ["{", "}", "{", "}", *"ab -'`!?<>\"&#_^@.,;:()0123456789éÜ\n\t|/*+="]
    values += ["".join(rng.choice(braced) for _ in range(rng.randint(0, 20))) for _ in range(20000)]
    assert [bibtex.latex_decode(v) for v in values] == [bibtex._latex_decode_whole(v) for v in values]


@pytest.mark.slow
def test_import_keeps_every_field_and_export_writes_it_back(library: Path) -> None:
    """Lossless: what a Zotero or Better BibTeX entry says beyond the note's fields survives the trip."""
    from pybtex.database import parse_string

    for name in ("brendon-boldt_phd-thesis_zotero.bib", "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib"):
        assert bib(library, "import", str(BIBS / name)).returncode in (0, 1)
    exported = parse_string(bib(library, "export", "--unicode").stdout, "bibtex").entries
    merged = {key for note in (library / "papers").glob("*.md")
              for key in re.findall(r"^cited_as: \[(.*)\]$", note.read_text(encoding="utf-8"), re.MULTILINE)
              for key in (k.strip(" '") for k in key.split(","))}
    checked = 0
    for name in ("brendon-boldt_phd-thesis_zotero.bib", "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib"):
        original = parse_string((BIBS / name).read_text(encoding="utf-8"), "bibtex").entries
        for key, entry in original.items():
            if key in merged:
                continue  # a paper the file had twice: one note, written under both keys
            out = exported[key]
            assert out.type == entry.type.lower(), key
            for field, value in entry.fields.items():
                if field.lower() in ("pages", "volume", "number", "publisher", "address", "isbn", "keywords", "series",
                                     "edition", "note", "langid", "shorttitle", "issn", "file"):
                    assert field in out.fields, (key, field)
                    assert latex_decode(str(out.fields[field])) == latex_decode(str(value)) or field.lower() in ("file",), (key, field)
                    checked += 1
    assert checked > 500


def test_capital_protection_survives(library: Path) -> None:
    source = library / "caps.bib"
    source.write_text("@inproceedings{caps, title = {{M}onte {C}arlo Methods for {BERT}}, author = {Ada Lovelace},"
                      " booktitle = {Proceedings of {ICML}}, year = 2020, pages = {1--10}, keywords = {sampling; deep learning}}\n",
                      encoding="utf-8")
    result = bib(library, "import", str(source), "--status", "read", "--keywords-as-tags")
    assert result.returncode == 0, result.stderr
    note = (library / "papers" / "caps.md").read_text(encoding="utf-8")
    assert "title: Monte Carlo Methods for BERT" in note and "status: read" in note
    assert "tags: [sampling, deep-learning]" in note and "pages: 1--10" in note, "kept as the file wrote it"
    exported = bib(library, "export").stdout
    assert "title = {{M}onte {C}arlo Methods for {BERT}}" in exported
    assert "pages = {1--10}" in exported and exported.startswith("@inproceedings{caps,")


def test_export_only_what_a_document_cites(example_library: Path) -> None:
    aux = example_library / "paper.aux"
    aux.write_text("\\relax\n\\citation{devlin2018bert,he2015deep}\n\\citation{nobody2020here}\n\\bibdata{refs}\n",
                   encoding="utf-8")
    result = bib(example_library, "export", "--aux", str(aux))
    assert result.returncode == 1 and "no paper 'nobody2020here' in the library" in result.stderr
    assert [line for line in result.stdout.splitlines() if line.startswith("@")] == [
        "@inproceedings{devlin2018bert,", "@inproceedings{he2015deep,"]
    keys = bib(example_library, "export", "--keys", "kingma2014adam")
    assert keys.returncode == 0 and keys.stdout.count("\n@") + keys.stdout.startswith("@") == 1


# -- the round trip, judged by a parser other than ours ---------------------------------------------------------


def other_parser(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    """Entries as bibtexparser 2 reads them: type, and fields by lower-case name."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    return {e.key: (e.entry_type.lower(), {f.key.lower(): " ".join(str(f.value).split()) for f in e.fields})
            for e in library.entries}


def test_other_tools_bib_comes_back_as_it_was_written(library: Path) -> None:
    """DBLP and biblatex keys, LaTeX in any field, names in every form, entry types, crossref, empty and
    repeated fields: every key and every field back as written (bibtexparser reads both files), but
    the README's normalisations (macros expanded, repeated keywords joined)."""
    source = BIBS / "tricky.bib"
    result = bib(library, "import", source)
    assert result.returncode == 0, result.stderr
    assert "field 'keywords' given more than once: the values are joined" in result.stderr
    exported = bib(library, "export", "--unicode")
    assert exported.returncode == 0, exported.stderr
    before, after = other_parser(source.read_text(encoding="utf-8")), other_parser(exported.stdout)
    # bibtexparser refuses the entry with a field given twice; papernotes keeps it (joining the keywords).
    assert set(before) | {"sciencedirect2020"} == set(after), "every citation key kept exactly"
    for key, (kind, fields) in before.items():
        assert after[key][0] == kind, key
        for name, value in fields.items():
            if name == "booktitle" and key.startswith("DBLP:"):
                value = "Advances in Neural Information Processing Systems 30"  # the @string, expanded
            if name == "keywords":
                value = "orbits, trajectories"
            assert after[key][1].get(name) == value, (key, name)
    ascii_text = bib(library, "export").stdout
    assert "{\\'{\\i}}" in ascii_text and "\\url{https://github.com/x/y}" in ascii_text, "LaTeX kept as written"
    assert "doi = {10.1007/978-1-4614-6859-2\\_19}" in ascii_text, "verbatim fields are never escaped again"


def test_what_the_note_says_of_an_imported_entry(library: Path) -> None:
    assert bib(library, "import", BIBS / "tricky.bib").returncode == 0
    notes = {p.stem: front(p) for p in (library / "papers").glob("*.md")}
    garcia = notes["garcia2019victor"]
    assert garcia["title"] == "Ordering LaTeX in the 9th Workshop"
    assert garcia["authors"] == ["Víctor García", "Joseph J. Pimentel, Jr.", "John van der Doe", "others"]
    assert garcia["bibtex"]["month"] == "jun" and garcia["bibtex"]["@key"] == "garcia2019victor"
    assert notes["he2015deep"]["arxiv"] == "1512.03385" and "venue" not in notes["he2015deep"]
    assert notes["he2015deep"]["bibtex"]["@key"] == "DBLP:journals/corr/HeZRS15"
    assert notes["child2012"]["venue"] == "Proceedings of the Workshop on Things", "inherited through crossref"
    assert notes["aristotle1907de"]["year"] == 1907 and notes["aristotle1907de"]["bibtex"]["volume"] == ""


def test_a_field_the_reader_changed_is_written_from_the_note(library: Path) -> None:
    assert bib(library, "import", BIBS / "tricky.bib").returncode == 0
    note = library / "papers" / "chapter2010.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("title: A Chapter\n", "title: A Better Chapter & More\n", 1)
                    .replace("venue: The Big Book of Chapters\n", "venue: The Bigger Book\n", 1), encoding="utf-8")
    entry = bib(library, "export").stdout.split("@incollection{chapter2010,", 1)[1].split("\n}\n", 1)[0]
    assert "  title = {A Better Chapter \\& More}" in entry and "  booktitle = {The Bigger Book}" in entry
    assert "journal" not in entry and "  editor = {Charles Babbage}" in entry and "  pages = {10--20}" in entry
    assert entry.index("title") < entry.index("booktitle") < entry.index("editor"), "in the file's order"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "gbk", "cp1252"])
def test_files_in_other_encodings(library: Path, codec: str) -> None:
    text = "@article{k1, title = {Über 中文 Titel}, author = {Müller, Jörg}, year = {2020}}\n"
    if codec == "cp1252":
        text = text.replace("中文 ", "")
    if codec == "gbk":
        text = "@article{k1, title = {中文 Titel}, author = {王, 小明}, year = {2020}}\n"
    data = text.encode(codec)
    if codec.startswith("utf-16"):
        data = ("\ufeff".encode(codec)) + data  # as JabRef writes UTF-16: with a byte-order mark
    source = library / "in.bib"
    source.write_bytes(data)
    result = bib(library, "import", source)
    assert result.returncode == 0 and "added papers/k1.md" in result.stdout, result.stderr
    note = front(library / "papers" / "k1.md")
    assert note["title"] == text.split("title = {")[1].split("}")[0]
    assert note["authors"] == (["小明 王"] if codec == "gbk" else ["Jörg Müller"])
    if not codec.startswith("utf-16"):
        assert f"not UTF-8; read as {'gb18030' if codec == 'gbk' else codec}" in result.stderr, result.stderr


def test_names_written_from_a_note_read_back_the_same() -> None:
    from papernotes.model.bibentry import display_names, name_from_display, parse_name

    for display in ("Jacob Devlin", "Ludwig van Beethoven", "Joseph J. Pimentel, Jr.", "Jean de La Fontaine",
                    "Barnes and Noble", "Aristotle", "others", "Johan A van den Huevel, Jr."):
        written = name_from_display(display).bibtex()
        assert display_names(written) == (display,), (display, written)
    assert parse_name("family=Doe, given=John, prefix=van der").display() == "John van der Doe"
    assert display_names(r"Garc{\'{\i}}a, V{\'{\i}}ctor and von Hippel, Eric AND others") == \
        ("Víctor García", "Eric von Hippel", "others")


def test_biblatex_commands_are_read_as_what_they_print(library: Path) -> None:
    """biblatex's own examples: `\\mkbibquote{...}` is quoted, `\\TeX` and `\\hyphen` are what they
    print; no note's title keeps a command (they read "\\mkbibquote Über die ..."), and each entry is
    exported as the file wrote it."""
    assert bib(library, "import", BIBS / "plk_biblatex_biblatex-examples.bib").returncode == 0
    titles = {p.stem: front(p)["title"] for p in (library / "papers").glob("*.md")}
    assert titles["averroes1892des"] == \
        "Des Averroës Abhandlung: “Über die Möglichkeit der Conjunktion” oder “Über den materiellen Intellekt”"
    assert titles["spiegelberg"].startswith("“Intention” und “Intentionalität” in der Scholastik")
    assert titles["kastenholz"].startswith("Computation of methodology-independent ionic solvation")
    assert (titles["knuth1984texbook"], titles["knuth1986tex"]) == ("The TeXbook", "TeX: The Program")
    assert not [title for title in titles.values() if "\\" in title]
    exported = bib(library, "export").stdout
    assert "title = {Des Averro{\\\"e}s Abhandlung: \\mkbibquote{{\\\"U}ber die M{\\\"o}glichkeit der Conjunktion} oder " \
           "\\mkbibquote{{\\\"U}ber den materiellen Intellekt}}" in exported
    assert "title = {The {\\TeX book}}" in exported


def test_a_title_read_before_biblatex_commands_were_is_still_exported_as_written(library: Path) -> None:
    """A note imported by an earlier version says "\\mkbibquote Über ..." in its title: the same words
    as its entry, so the export writes the entry's title; a title whose words were changed is the note's."""
    text = r"""@book{quoted, title = {Aristotle's \mkbibquote{De Motu Animalium}}, author = {Nussbaum, Martha}, year = 1978}
@book{edited, title = {The \TeX book}, author = {Knuth, Donald}, year = 1984}
@article{zotero, title = {Words}, abstract = {{\textless}p{\textgreater}Words categorize}, author = {Chaabouni, Rahma}, year = 2021}"""
    assert import_text(library, text).returncode == 0
    assert front(library / "papers" / "zotero.md")["abstract"] == "<p>Words categorize", "Zotero's escapes for < and >"
    for key, old, now in (("quoted", "“De Motu Animalium”", "\\mkbibquote De Motu Animalium"),
                          ("edited", "The TeXbook", "The TeXbook, Revised"),
                          ("zotero", "<p>Words", "\\textless p\\textgreater Words")):
        note = library / "papers" / f"{key}.md"
        note.write_text(note.read_text(encoding="utf-8").replace(old, now, 1), encoding="utf-8")
    exported = bib(library, "export").stdout
    assert "title = {Aristotle's \\mkbibquote{De Motu Animalium}}" in exported
    assert "title = {The {TeXbook}, Revised}" in exported
    assert "abstract = {{\\textless}p{\\textgreater}Words categorize}" in exported
    again = import_text(library, text.splitlines()[0])
    assert "1 already in the library" in again.stderr and notes(library) == ["edited", "quoted", "zotero"], "the same paper"


def test_zoteros_escapes_are_read_in_a_real_export(library: Path) -> None:
    """A Zotero export (tests/data/bibtex) writes an abstract's "<p>" as {\\textless}p{\\textgreater}."""
    assert bib(library, "import", BIBS / "brendon-boldt_phd-thesis_zotero.bib").returncode == 0
    assert front(library / "papers" / "chaabouni_communicating_2021.md")["abstract"].startswith("<p>Words categorize")
    left = [p.name for p in (library / "papers").glob("*.md") if re.search(r"\\text(less|greater|bar)", p.read_text(
        encoding="utf-8").split("\nbibtex:")[0])]
    assert not left
