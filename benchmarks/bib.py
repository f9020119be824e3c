"""How fast is `bib.py import` against pybtex's own parser? Prints figures; asserts nothing.

    python benchmarks/bib.py

The .bib is built from the real files in tests/data/bibtex (each copy's keys renamed), at about
570 and 5,100 entries. For each: `bib.py import --dry-run` into an empty library (a process, best of
3) and pybtex's `parse_string` of the same text (in a process of its own, best of 3).
Goals (issue 13): at most 3x pybtex, and linear in entries (the same time per entry at both sizes).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time

from _common import REPO, empty_library

PYBTEX = "import sys; from pybtex.database import parse_string; parse_string(open(sys.argv[1], encoding='utf-8').read(), 'bibtex')"


def best(argv: list[str], runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if result.returncode not in (0, 1):
            raise SystemExit(result.stderr[-2000:])
    return min(times)


def build(copies: int) -> str:
    sources = sorted((REPO / "tests" / "data" / "bibtex").glob("*.bib"))
    texts = [p.read_text(encoding="utf-8") for p in sources if "biblatex-examples" not in p.name]
    out = []
    for copy in range(copies):
        for text in texts:
            out.append(re.sub(r"(@[A-Za-z]+\s*\{\s*)([^,\s]+)", rf"\1\2c{copy}", text))
    return "\n".join(out)


def main() -> None:
    root = empty_library()
    print(f"{'entries':>8} {'import':>9} {'pybtex':>8} {'ratio':>6} {'ms/entry':>9}   goal: ratio <= 3, ms/entry flat")
    for copies in (1, 9):
        text = build(copies)
        bib = root / f"lib{copies}.bib"
        bib.write_text(text, encoding="utf-8")
        entries = len(re.findall(r"^\s*@(?!string|comment|preamble)[A-Za-z]+\s*\{", text, re.MULTILINE | re.IGNORECASE))
        ours = best([sys.executable, str(REPO / "tools" / "bib.py"), "--root", str(root), "import", str(bib), "--dry-run"])
        theirs = best([sys.executable, "-c", PYBTEX, str(bib)])
        print(f"{entries:>8} {ours:>8.2f}s {theirs:>7.2f}s {ours / theirs:>5.2f}x {ours / entries * 1000:>9.2f}")
    shutil.rmtree(root)


if __name__ == "__main__":
    main()
