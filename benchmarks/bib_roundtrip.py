"""Does a .bib file come back as it went in? `bib import`, then `bib export --unicode`, compared entry by
entry and field by field by bibtexparser 2 (a parser other than ours), and, where bibtex is
installed, the ASCII export compiled with the plain style against the original (its warnings
counted). Prints a table; asserts nothing.

    python benchmarks/bib_roundtrip.py [FILE.bib ...]     # default: tests/data/bibtex/*.bib

The normalisations the README lists are not counted as changes: month names for macros (`apr` is
April), white space runs as one space, a `year` added beside a `date`, field names in lower case,
`@string` macros expanded.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from _common import REPO

MONTHS = {m: i for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


@dataclass
class Comparison:
    entries: int = 0  # entries with a title (their own or through crossref) in the original
    imported: int = 0
    keys_changed: list[str] = field(default_factory=list)
    merged: list[str] = field(default_factory=list)  # a paper the file has twice: one note, both keys written
    lost: list[str] = field(default_factory=list)  # key.field
    changed: list[str] = field(default_factory=list)
    warnings_before: int | None = None
    warnings_after: int | None = None


def parse(text: str) -> dict[str, tuple[str, dict[str, str]]]:
    import bibtexparser

    library = bibtexparser.parse_string(text)
    return {entry.key: (entry.entry_type.lower(), {f.key.lower(): str(f.value) for f in entry.fields})
            for entry in library.entries}


def normal(name: str, value: str) -> str:
    value = " ".join(value.split()).replace("\ufffd", "?")  # U+FFFD is written as '?' (README)
    if name == "month":
        word = value.strip("{}").lower()[:3]
        return str(MONTHS.get(word, value))
    return value


def run(argv: list[str], cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, errors="replace", input=stdin, timeout=600)


def bibtex_warnings(folder: Path, bib: bytes) -> int | None:
    """Warnings of `bibtex` on `\\nocite{*}` with the plain style (None if bibtex is missing or fails)."""
    if shutil.which("bibtex") is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "refs.bib").write_bytes(bib)
    (folder / "paper.aux").write_text("\\relax\n\\citation{*}\n\\bibstyle{plain}\n\\bibdata{refs}\n", encoding="ascii")
    result = run(["bibtex", "paper"], folder)
    match = re.search(r"\(There (?:was|were) (\d+) warnings?\)", result.stdout)
    if result.returncode > 1:
        return None
    return int(match.group(1)) if match else 0


def compare(path: Path, work: Path) -> Comparison:
    import bibtexparser

    root = work / path.stem
    (root / "papers").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.papernotes]\n", encoding="utf-8")
    tool = [sys.executable, str(REPO / "tools" / "bib.py"), "--root", str(root)]
    run([*tool, "import", str(path.resolve())], root)
    exported = run([*tool, "export", "--unicode"], root).stdout
    ascii_export = run([*tool, "export"], root).stdout
    raw = path.read_bytes()
    original = parse(_decoded(raw))
    back = parse(exported)
    result = Comparison()
    # A paper the file has twice is one note; its second key is kept (`cited_as:`) and written with the
    # note's fields, not its own: counted apart, as the README says.
    merged = {key for note in (root / "papers").glob("*.md")
              for key in re.findall(r"^cited_as: \[(.*)\]$", note.read_text(encoding="utf-8"), re.MULTILINE)
              for key in (k.strip(" '\"") for k in key.split(","))}
    library = bibtexparser.parse_string(_decoded(raw))
    parents = {e.key.lower(): {f.key.lower() for f in e.fields} for e in library.entries}
    macros = {block.key.lower() for block in library.strings}
    for key, (kind, fields) in original.items():
        titled = "title" in fields or "title" in parents.get(fields.get("crossref", "").lower(), set())
        if not titled or kind in ("set", "xdata") or not key:
            continue  # not a paper (a biblatex set or data container), or no key to keep
        result.entries += 1
        if key not in back:
            result.keys_changed.append(key)
            continue
        result.imported += 1
        if key in merged:
            result.merged.append(key)
            continue
        _, fields_back = back[key]
        for name, value in fields.items():
            if re.search(r"\s#\s|\"#|#\"", value) or value.lower() in macros:
                continue  # a macro bibtexparser left unexpanded (`dtv # { and ...}`, `myconf`): ours expands it
            if name not in fields_back:
                result.lost.append(f"{key}.{name}")
            elif normal(name, value) != normal(name, fields_back[name]):
                result.changed.append(f"{key}.{name}")
    result.warnings_before = bibtex_warnings(work / "bibtex" / path.stem / "before", raw)
    result.warnings_after = bibtex_warnings(work / "bibtex" / path.stem / "after", ascii_export.encode("utf-8"))
    return result


def _decoded(raw: bytes) -> str:
    """The original, decoded for bibtexparser: a BOM, the encoding the file names (JabRef's header,
    Emacs's coding line), UTF-8, else charset-normalizer's guess."""
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if raw.startswith(bom):
            return raw.decode(codec)
    named = re.search(rb"Encoding:\s*([-\w]+)|coding:\s*([-\w]+?)(?:-unix)?\s", raw[:1024])
    if named:
        try:
            return raw.decode((named.group(1) or named.group(2)).decode().replace("latin-", "latin"))
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(raw).best()
        return str(best) if best is not None else raw.decode("cp1252", "replace")


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted((REPO / "tests" / "data" / "bibtex").glob("*.bib"))
    print(f"{'file':<52} {'entries':>7} {'in':>5} {'keys':>5} {'merged':>6} {'lost':>5} {'changed':>7} {'bibtex warnings':>16}")
    totals = Comparison()
    with tempfile.TemporaryDirectory() as folder:
        for path in files:
            result = compare(path, Path(folder))
            warnings = f"{result.warnings_before} -> {result.warnings_after}" if result.warnings_before is not None else "-"
            print(f"{path.name[:52]:<52} {result.entries:>7} {result.imported:>5} {len(result.keys_changed):>5} "
                  f"{len(result.merged):>6} {len(result.lost):>5} {len(result.changed):>7} {warnings:>16}")
            for label, items in (("key changed", result.keys_changed), ("lost", result.lost), ("changed", result.changed)):
                if items:
                    print(f"    {label}: {', '.join(items[:8])}{' ...' if len(items) > 8 else ''}")
            totals.entries += result.entries
            totals.imported += result.imported
            totals.keys_changed += result.keys_changed
            totals.merged += result.merged
            totals.lost += result.lost
            totals.changed += result.changed
    print(f"{'all':<52} {totals.entries:>7} {totals.imported:>5} {len(totals.keys_changed):>5} {len(totals.merged):>6} "
          f"{len(totals.lost):>5} {len(totals.changed):>7}")
    print("goal: every entry with a title imported, 0 keys changed, 0 fields lost or changed, no more bibtex warnings")


if __name__ == "__main__":
    main()
