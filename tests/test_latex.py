"""The exported .bib compiles: bibtex + pdflatex (plain style, as most conference templates), and, where
biber is installed, biblatex + lualatex on the --unicode export. Entries come from the example library
and the real Zotero and Better BibTeX exports in tests/data/bibtex."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import run_script
from papernotes.sources.bibtex import parse_bib

BIBS = Path(__file__).parent / "data" / "bibtex"
REAL = ["AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib", "brendon-boldt_phd-thesis_zotero.bib"]
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("pdflatex") is None or shutil.which("bibtex") is None,
                                 reason="needs Debian's texlive-latex-base and texlive-binaries (bash .ci/run installs them)")]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    from conftest import LIBRARY_DATA

    root = tmp_path_factory.mktemp("latex")
    shutil.copy(LIBRARY_DATA / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(LIBRARY_DATA / "papers", root / "papers")
    for name in REAL:
        imported = run_script("bib.py", "--root", root, "import", BIBS / name)
        assert "Traceback" not in imported.stderr
    ascii_bib = run_script("bib.py", "--root", root, "export")
    unicode_bib = run_script("bib.py", "--root", root, "export", "--unicode")
    assert ascii_bib.returncode == 0 and unicode_bib.returncode == 0
    return root, ascii_bib.stdout, unicode_bib.stdout


def run(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=300)


def latex_errors(folder: Path) -> list[str]:
    """The error lines ('! ...') of the last LaTeX run's log."""
    log = (folder / "paper.log").read_text(encoding="utf-8", errors="replace")
    return [line for line in log.splitlines() if line.startswith("!")]


def test_bibtex_and_pdflatex_compile_every_entry(exported: tuple[Path, str, str], tmp_path: Path) -> None:
    _, text, _ = exported
    # Every field a style prints is ASCII; kept fields that are not LaTeX (a Zotero file path) stay as
    # written, and so do characters no ASCII LaTeX spells in fields no style prints (an abstract's ↩),
    # which the export names in a warning.
    printed = [line for line in text.splitlines()
               if not line.startswith(("  file = ", "  urldate = ", "  abstract = ", "  keywords = "))]
    assert all(line.isascii() for line in printed), [line for line in printed if not line.isascii()][:5]
    entries = len(re.findall(r"^@", text, re.MULTILINE))
    assert entries > 300
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[T1]{fontenc}\n\\begin{document}\nReferences.\n\\nocite{*}\n"
        "\\bibliographystyle{plain}\n\\bibliography{refs}\n\\end{document}\n", encoding="utf-8")
    pdflatex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    assert run(pdflatex, tmp_path).returncode == 0
    bibtex = run(["bibtex", "paper"], tmp_path)
    assert bibtex.returncode in (0, 1), bibtex.stdout  # 1: warnings (a missing year), never errors
    assert "error message" not in bibtex.stdout, bibtex.stdout[-2000:]
    for _ in range(2):
        result = run(pdflatex, tmp_path)
        assert result.returncode == 0 and not latex_errors(tmp_path), latex_errors(tmp_path)[:5]
    assert (tmp_path / "paper.pdf").stat().st_size > 10_000
    assert (tmp_path / "paper.bbl").read_text(encoding="utf-8", errors="replace").count("\\bibitem") == entries


def test_every_exported_title_survives_a_round_trip(exported: tuple[Path, str, str]) -> None:
    root, ascii_text, unicode_text = exported
    from papernotes.model.latex import kept_fields
    from papernotes.store.library import Library

    papers, _ = Library(root).load()
    titles = {kept_fields(p).get("@key") or p.key: p.title for p in papers}
    for text in (ascii_text, unicode_text):
        back = {e.key: e.paper.title for e in parse_bib(text).entries if e.paper}
        assert {key: title for key, title in back.items() if key in titles} == titles
        assert len(back) > len(titles), "a paper a file had twice is written under both its keys"


def test_the_two_entries_that_broke_latex(exported: tuple[Path, str, str]) -> None:
    """Better BibTeX's escaped math reads as math in the note, and goes back to BibTeX as Better BibTeX
    wrote it (it compiles, above)."""
    root, text, _ = exported
    notes = {p.name: p.read_text(encoding="utf-8") for p in (root / "papers").glob("*.md")}
    assert any("title: Understanding Dataset Difficulty with $\\mathcal{V}$-Usable Information" in t for t in notes.values())
    assert ("title = {Understanding {{Dataset Difficulty}} with \\$\\textbackslash mathcal\\{\\vphantom\\}{{V}}"
            "\\vphantom\\{\\}\\$-{{Usable Information}}}") in text
    # A Zotero title in Unicode: its letters spelt in ASCII LaTeX, its capital protection as Zotero wrote it.
    assert "title = {{$\\alpha$}- {Rank}: {Multi}-{Agent} {Evaluation} by {Evolution}}" in text


def test_biblatex_and_biber_compile_the_unicode_export(exported: tuple[Path, str, str], tmp_path: Path) -> None:
    if shutil.which("biber") is None or shutil.which("lualatex") is None:
        pytest.skip("biber and lualatex are not installed (bash .ci/run installs them)")
    _, _, text = exported
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    (tmp_path / "paper.tex").write_text(
        "\\documentclass{article}\n\\usepackage[backend=biber]{biblatex}\n\\addbibresource{refs.bib}\n"
        "\\begin{document}\n\\nocite{*}\n\\printbibliography\n\\end{document}\n", encoding="utf-8")
    lualatex = ["lualatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"]
    assert run(lualatex, tmp_path).returncode == 0
    biber = run(["biber", "paper"], tmp_path)
    assert biber.returncode == 0 and "ERROR" not in biber.stdout, biber.stdout[-2000:]
    result = run(lualatex, tmp_path)
    assert result.returncode == 0 and not latex_errors(tmp_path), latex_errors(tmp_path)[:5]
    entries = len(re.findall(r"^@", text, re.MULTILINE))
    assert entries > 300
    assert (tmp_path / "paper.bbl").read_text(encoding="utf-8").count("\\entry{") == entries
    assert (tmp_path / "paper.pdf").stat().st_size > 10_000


@pytest.mark.parametrize("style", ["plain", "alpha", "plainnat", "abbrvnat"])
def test_every_arxiv_paper_shows_its_identifier_in_the_classic_styles(exported: tuple[Path, str, str], tmp_path: Path,
                                                                      style: str) -> None:
    root, text, _ = exported
    from papernotes.store.library import Library

    papers, _ = Library(root).load()
    arxiv = {p.key: p.arxiv for p in papers if p.arxiv}
    assert len(arxiv) > 50
    (tmp_path / "refs.bib").write_text(text, encoding="utf-8")
    natbib = "\\usepackage{natbib}\n" if style.endswith("nat") else ""
    (tmp_path / "paper.tex").write_text(
        f"\\documentclass{{article}}\n\\usepackage[T1]{{fontenc}}\n{natbib}\\begin{{document}}\nReferences.\n\\nocite{{*}}\n"
        f"\\bibliographystyle{{{style}}}\n\\bibliography{{refs}}\n\\end{{document}}\n", encoding="utf-8")
    assert run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "paper.tex"], tmp_path).returncode == 0
    bibtex = run(["bibtex", "paper"], tmp_path)
    assert "error message" not in bibtex.stdout, bibtex.stdout[-2000:]
    bbl = (tmp_path / "paper.bbl").read_text(encoding="utf-8", errors="replace")
    items = re.split(r"\\bibitem", bbl)[1:]
    missing = []
    for item in items:
        key = re.match(r"(?:\[[^\]]*(?:\][^\]]*)*?\])?\{([^}]*)\}", item.lstrip())
        if key and key.group(1) in arxiv:
            flat = re.sub(r"\s+", " ", item)
            if arxiv[key.group(1)] not in flat:
                missing.append((key.group(1), arxiv[key.group(1)]))
    assert missing == [], missing[:5]


def bibtex_complaints(folder: Path, bib: str) -> tuple[int, int]:
    """bibtex's error messages and warnings on `\\nocite{*}` with the plain style."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_text(bib, encoding="utf-8")
    (folder / "paper.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    result = run(["bibtex", "paper"], folder)
    counts = []
    for kind in ("error message", "warning"):
        found = re.search(rf"\(There (?:was|were) (\d+) {kind}s?\)", result.stdout)
        counts.append(int(found.group(1)) if found else 0)
    return counts[0], counts[1]


@pytest.mark.parametrize("name", [*REAL, "tricky.bib", "plk_biblatex_biblatex-examples.bib"])
def test_a_round_trip_adds_no_bibtex_warning(name: str, tmp_path: Path) -> None:
    """bibtex (plain style) on the file as it came and on the ASCII export of its notes: no more errors
    (tricky.bib's biblatex names are errors to BibTeX, in the file as in the export) and no more warnings."""
    from conftest import LIBRARY_DATA

    root = tmp_path / "lib"
    (root / "papers").mkdir(parents=True)
    shutil.copy(LIBRARY_DATA / "pyproject.toml", root / "pyproject.toml")
    assert "Traceback" not in run_script("bib.py", "--root", root, "import", BIBS / name).stderr
    exported = run_script("bib.py", "--root", root, "export").stdout
    before = bibtex_complaints(tmp_path / "before", (BIBS / name).read_text(encoding="utf-8"))
    after = bibtex_complaints(tmp_path / "after", exported)
    assert after[0] <= before[0] and after[1] <= before[1], (before, after)


def test_latex_is_read_in_a_fresh_interpreter_before_anything_imports_latexcodec() -> None:
    """latexcodec registers its codec when first needed (start-up): every way in must register it."""
    import subprocess
    import sys

    from conftest import TOOLS

    code = ("import sys\nfrom papernotes.model.latex import latex_decode\n"
            "print(latex_decode(sys.argv[1]))")
    for text, read in (("Caf\\'e", "Café"), ('G{\\"o}del', "Gödel"), ("\\ss{} and na\\\"ive", "ß and naïve")):
        result = subprocess.run([sys.executable, "-c", code, text], capture_output=True, text=True, cwd=TOOLS, timeout=60)
        assert (result.returncode, result.stdout.strip()) == (0, read), (text, result.stderr)
