"""How much of a reading list does `papernotes migrate` bring in? For each list: the arXiv papers it
links, found by a regular expression of this script's own over its links and citations (not the
reader's), against the plan `migrate --dry-run` prints: recall and precision; and how many other
entries the plan brings in (from Semantic Scholar, or written from their citation) or skips. Then,
with every service unreachable, a real run: how many of the arXiv papers are written. Asserts nothing.

    python benchmarks/lists.py [LIST ...]      # default: tests/data/lists/* and tests/data/readmes/*README.md
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from _common import REPO

# arXiv links and citations, as lists write them: abs/pdf/html links (arXiv by name or by its address),
# arXiv:ID, CoRR abs/ID.
ARXIV = re.compile(r"(?:(?:arxiv\.org|128\.84\.21\.199)/(?:abs|pdf|html)/|arxiv:\s?|corr,?\s*abs/|huggingface\.co/papers/)"
                   r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})", re.IGNORECASE)
CLOSED = "http://127.0.0.1:9"  # nothing listens: every service unreachable


def expected_ids(text: str) -> set[str]:
    return {match.group(1).lower() for match in ARXIV.finditer(text)}


def main() -> None:
    lists = [Path(a) for a in sys.argv[1:]] or sorted(
        [*(REPO / "tests" / "data" / "lists").glob("*.md"), *(REPO / "tests" / "data" / "lists").glob("*.org"),
         *(REPO / "tests" / "data" / "readmes").glob("*README.md")])
    print(f"{'list':<48} {'items':>5} {'arXiv':>5} {'found':>5} {'recall':>6} {'prec.':>6} {'other':>5} {'skip':>5} "
          f"{'offline':>7}")
    all_expected = all_found = all_hits = 0
    with tempfile.TemporaryDirectory() as folder:
        for path in lists:
            root = Path(folder) / path.stem
            (root / "papers").mkdir(parents=True)
            (root / "pyproject.toml").write_text("[tool.papernotes]\n", encoding="utf-8")
            plan = subprocess.run([sys.executable, str(REPO / "tools" / "migrate.py"), "--root", str(root), str(path),
                                   "--dry-run"], capture_output=True, text=True, timeout=600)
            lines = plan.stdout.splitlines()
            found = {m.group(1).lower() for line in lines if (m := re.search(r": arXiv (\S+)", line))}
            expected = expected_ids(path.read_text(encoding="utf-8", errors="replace"))
            hits = len(found & expected)
            other = sum(1 for line in lines if ": Semantic Scholar " in line or ": by hand" in line)
            skipped = sum(1 for line in lines if ": skip (" in line)
            env = {"PATH": "/usr/bin:/bin", "ARXIV_API_URL": CLOSED, "ARXIV_API_TIMEOUT": "1", "ARXIV_API_DELAY": "0",
                   "S2_API_URL": CLOSED, "S2_API_TIMEOUT": "1", "S2_API_DELAY": "0", "HF_API_URL": CLOSED,
                   "PWC_API_URL": CLOSED, "HF_API_TIMEOUT": "1", "PWC_API_TIMEOUT": "1"}
            subprocess.run([sys.executable, str(REPO / "tools" / "migrate.py"), "--root", str(root), str(path)],
                           capture_output=True, text=True, timeout=1200, env=env)
            written = {m.group(1).lower() for note in (root / "papers").glob("*.md")
                       if (m := re.search(r"^arxiv: '?([^'\n]+)'?$", note.read_text(encoding="utf-8"), re.MULTILINE))}
            recall = hits / len(expected) if expected else 1.0
            precision = hits / len(found) if found else 1.0
            offline = f"{len(written & expected)}/{len(expected)}"
            print(f"{path.name[:48]:<48} {len(lines):>5} {len(expected):>5} {len(found):>5} {recall:>6.3f} {precision:>6.3f} "
                  f"{other:>5} {skipped:>5} {offline:>7}")
            missing = sorted(expected - found)
            if missing:
                print(f"    not found: {', '.join(missing[:8])}{' ...' if len(missing) > 8 else ''}")
            all_expected += len(expected)
            all_found += len(found)
            all_hits += hits
    print(f"{'all':<48} {'':>5} {all_expected:>5} {all_found:>5} {all_hits / max(all_expected, 1):>6.3f} "
          f"{all_hits / max(all_found, 1):>6.3f}")
    print("goals (issue 30): arXiv recall >= 0.99 over all lists and >= 0.95 on each, precision >= 0.99; "
          "offline, every arXiv paper written")


if __name__ == "__main__":
    main()
