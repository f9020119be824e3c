"""How many requests does following references take? Fake Semantic Scholar and arXiv on 127.0.0.1.

    python benchmarks/refs.py

Goals (issue 9): listing a paper with 300 references takes at most 1 request when cached and at
most 1 + ceil(300/1000) cold; adding 50 references takes at most 1 arXiv request plus 1 Semantic
Scholar batch request. Prints request counts and wall time; asserts nothing.
"""

from __future__ import annotations

import math
import os
import sys

from _common import REPO, empty_library, timed

# isort: split
# (_common put tools/ and tests/ on sys.path)
import fakearxiv
import fakes2


def main() -> None:
    if "--help" in sys.argv:
        print(__doc__)
        return
    s2, s2_server = fakes2.serve()
    arxiv, arxiv_server = fakearxiv.serve()
    try:
        root = empty_library()
        (root / "papers" / "survey2020big.md").write_text(
            "---\ntitle: A big survey\nyear: 2020\narxiv: '2001.00001'\n---\n", encoding="utf-8")
        s2.add("f" * 40, "A big survey", arxiv="2001.00001")
        for i in range(300):
            on_arxiv = f"1905.{i + 1:05d}" if i % 2 == 0 else None
            s2.add(f"{i:040d}", f"Reference number {i}", [f"Author {i}"], year=2019, arxiv=on_arxiv,
                   doi=None if on_arxiv else f"10.1000/ref{i}", citations=1000 - i)
            s2.cite("f" * 40, f"{i:040d}", influential=i < 50)
            if on_arxiv:
                arxiv.add(on_arxiv, f"Reference number {i}", [f"Author {i}"], published="2019-05-01T00:00:00Z")
        env = {**os.environ, "S2_API_URL": s2.url, "S2_API_DELAY": "0", "ARXIV_API_URL": arxiv.url, "HF_API_URL": "off", "PWC_API_URL": "off",
               "ARXIV_API_DELAY": "0", "NO_PROXY": "127.0.0.1"}
        refs = [sys.executable, str(REPO / "tools" / "refs.py"), "--root", str(root), "survey2020big"]

        def step(args: list[str]) -> tuple[float, int, int]:
            before_s2, before_arxiv = len(s2.requests), len(arxiv.requests)
            seconds, result = timed(refs + args, env)
            if result.returncode != 0:
                raise SystemExit(result.stderr)
            return seconds, len(s2.requests) - before_s2, len(arxiv.requests) - before_arxiv

        cold = step([])
        warm = step([])
        added = step(["--add", "1-50"])
        print("refs benchmark: a paper with 300 references (fake Semantic Scholar and arXiv on 127.0.0.1)")
        print(f"  list, cold       {cold[0] * 1000:6.0f} ms   {cold[1]} Semantic Scholar requests   goal <= {1 + math.ceil(300 / 1000)}")
        print(f"  list, cached     {warm[0] * 1000:6.0f} ms   {warm[1]} Semantic Scholar requests   goal <= 1")
        print(f"  add 50 (25 arXiv, 25 DOI)  {added[0] * 1000:6.0f} ms   {added[2]} arXiv + {added[1]} Semantic Scholar "
              f"requests   goal <= 1 + 1")
        notes = len(list((root / "papers").glob("*.md"))) - 1
        print(f"  notes added: {notes}")
    finally:
        for server in (s2_server, arxiv_server):
            server.shutdown()
            server.server_close()


if __name__ == "__main__":
    main()
