"""How fast is `python tools/add.py`? Serves synthetic entries from the fake arXiv on 127.0.0.1.

    python benchmarks/add.py

Targets (issue 2): one ID under 0.5 s wall time, most of it interpreter start-up and imports;
500 IDs with ARXIV_API_DELAY=0 in at most 5 requests. Issue 13: IDs arXiv does not know are asked for
once: 500 IDs of which the last 300 are unknown (whole batches of 200 come back empty) take 3 requests.
"""

from __future__ import annotations

import shutil
import sys

from _common import REPO, empty_library, median_time, timed

# isort: split
# (_common put tools/ and tests/ on sys.path)
import fakearxiv
from conftest import script_env


def main() -> None:
    state, server = fakearxiv.serve()
    ids = [f"2102.{i:05d}" for i in range(1, 501)]
    for i, ident in enumerate(ids):
        state.add(ident, f"Synthetic paper {i}", [f"Author Name{i}", "Second Author"], published="2021-02-01T00:00:00Z")
    env = script_env(state)
    add = [sys.executable, str(REPO / "tools" / "add.py")]

    python_only = median_time([sys.executable, "-c", "pass"])
    imports = median_time([sys.executable, "-c", "import sys; sys.path.insert(0, 'tools'); import papernotes.sources.arxiv, papernotes.store.library, papernotes.present.render"])
    singles = []
    for ident in ids[:5]:
        root = empty_library()
        seconds, result = timed([*add, "--root", str(root), ident], env)
        assert result.returncode == 0, result.stderr
        singles.append(seconds)
        shutil.rmtree(root)
    singles.sort()
    one = singles[len(singles) // 2]

    root = empty_library()
    before = len(state.requests)
    seconds, result = timed([*add, "--root", str(root), "--from", "-"], env, stdin="\n".join(ids))
    assert result.returncode == 0, result.stderr
    requests = len(state.requests) - before
    added = result.stdout.count("added ")
    shutil.rmtree(root)

    root = empty_library()
    unknown = [f"2103.{i:05d}" for i in range(1, 301)]  # never added to the fake arXiv
    before = len(state.requests)
    _, result = timed([*add, "--root", str(root), "--from", "-"], env, stdin="\n".join(ids[:200] + unknown))
    unknown_requests = len(state.requests) - before
    not_found = result.stdout.count("not found ")
    shutil.rmtree(root)
    server.shutdown()

    print("add.py benchmark (fake arXiv on 127.0.0.1, ARXIV_API_DELAY=0)")
    print(f"  python -c pass                     {python_only * 1000:7.0f} ms")
    print(f"  python + importing papernotes      {imports * 1000:7.0f} ms")
    print(f"  add.py ONE_ID (median of 5)        {one * 1000:7.0f} ms   target < 500 ms   ratio {one / 0.5:.2f}")
    print(f"    of which start-up and imports    {imports / one:7.0%}")
    print(f"  add.py 500 IDs                     {seconds:7.2f} s    {added} notes, {requests} requests (target <= 5)")
    print(f"  add.py 200 known + 300 unknown IDs            {not_found} not found, {unknown_requests} requests (goal 3: one per batch)")


if __name__ == "__main__":
    main()
