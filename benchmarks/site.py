"""How does the site scale, with either engine? Prints figures; asserts nothing.

    python benchmarks/site.py [SIZES...]      # default: 2000 5000
    python benchmarks/site.py --pagefind [SIZES...]   # Pagefind alone, default: 5000 50000
    python benchmarks/site.py --preview [SIZES...] [mkdocs|zensical]   # papernotes site --serve, default: 5000

For each size, on a synthetic library:
- generation: `papernotes site` from nothing (every page written into site-src/), then again with
  nothing changed (goal under 0.5 s at 5,000 notes), then after one note's notes were edited;
- MkDocs: `mkdocs build` of the generated pages (the hook finds them up to date) against the same
  config, theme and overrides building the bare notes without the hook, both with the theme's search
  (goal at most 1.3x); the build with the default search (Pagefind from 2,000 notes on); the rebuild
  `mkdocs serve --dirty` runs after one edited note (`papernotes site --serve` is timed by --preview);
- Zensical: a clean build, the same notes built bare (what Zensical itself costs), and the rebuild
  after one edited note (its own cache);
- the built site: KB per page (the theme's shared assets/ and the search index left out; goal under 30 KB at 5,000 notes),
  the search index per paper (goal under 3 KB) for each engine, and the map page, every note on it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml
from _common import REPO, WORDS, make_library
from papernotes.model.config import PAGEFIND_FROM


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as !ENV; the bare build only needs the plain settings."""


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PAPERNOTES_TODAY": "2026-11-29"}


def library_env(root: Path) -> dict[str, str]:
    """The environment for a command in the library at `root`: its own tools/ first, for MkDocs too,
    which imports papernotes (the mkdocs.yml extension) before its hook puts tools/ on the path."""
    return {**ENV, "PYTHONPATH": str(root / "tools")}


def run(argv: list[str], root: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=root, capture_output=True, text=True, env=library_env(root))
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {result.stderr[-2000:]}")
    return seconds


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def per_page_kb(site: Path) -> float:
    """The built site's bytes per HTML page, less the theme's shared assets and the search index
    (reported on its own)."""
    pages = list(site.rglob("*.html"))
    shared = sum(tree_size(site / folder) for folder in ("assets", "pagefind", "search") if (site / folder).is_dir())
    return (tree_size(site) - shared) / max(len(pages), 1) / 1024


def edit_one_note(root: Path, number: int) -> None:
    note = root / "papers" / "k7.md"
    note.write_text(note.read_text(encoding="utf-8") + f"\nAnother thought, number {number}.\n", encoding="utf-8")


def pagefind_query_kb(size: int) -> tuple[float, float, float]:
    """Pagefind on `size` synthetic paper pages: seconds to index, the index's size in MB, and an upper
    estimate of what one query downloads in KB: the script, its WebAssembly, the entry and
    metadata files, the largest index chunk (a query needs the chunk holding its word) and the
    fragments of the five results shown first."""
    rng = random.Random(size)
    site = Path(tempfile.mkdtemp(prefix="papernotes-pagefind-"))
    for i in range(size):
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize()
        authors = ", ".join(f"Author{rng.randrange(5000)} Surname{rng.randrange(5000)}" for _ in range(rng.randint(1, 8)))
        notes = " ".join(rng.choice(WORDS) for _ in range(14 * rng.randint(8, 24)))
        (site / f"k{i}").mkdir()
        (site / f"k{i}" / "index.html").write_text(
            f"<html><head><title>{title}</title></head><body><div data-pagefind-body><h1>{title}</h1>"
            f"<p>{authors}</p><p>#tag{rng.randrange(300)}</p><h2>Summary</h2><p>{notes}</p></div></body></html>")
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pagefind", "--site", str(site), "--silent"], check=True)
    seconds = time.perf_counter() - start
    bundle = site / "pagefind"
    fixed = sum(f.stat().st_size for pattern in ("pagefind.js", "pagefind-entry.json", "wasm.*", "*.pf_meta",
                                                 "pagefind-ui.js", "pagefind-ui.css") for f in bundle.glob(pattern))
    chunks = [f.stat().st_size for f in (bundle / "index").glob("*.pf_index")]
    fragments = [f.stat().st_size for f in (bundle / "fragment").glob("*.pf_fragment")]
    query = fixed + max(chunks) + 5 * sum(fragments) / len(fragments)
    total = tree_size(bundle)
    shutil.rmtree(site)
    return seconds, total / 1e6, query / 1024


def preview_latency(size: int, engine: str) -> tuple[float, float]:
    """`papernotes site --serve` on `size` notes: seconds until the first page is served, and from a
    saved note to its words on its page (the median of three saves)."""
    import socket
    import statistics
    import urllib.request

    root = make_library(size)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    for folder in ("tools", "overrides", "site-src"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, str(root / "tools" / "site.py"), "--serve", "--engine", engine,
                               "--dev-addr", f"127.0.0.1:{port}"], cwd=root, env=library_env(root), stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)

    def page() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/k7/", timeout=30) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    start = time.perf_counter()
    try:
        while "paper-header" not in page():
            if server.poll() is not None or time.perf_counter() - start > 1800:
                raise SystemExit(f"{engine} serve did not start")
            time.sleep(0.5)
        first = time.perf_counter() - start
        latencies = []
        for number in range(3):
            edit_one_note(root, 100 + number)
            saved = time.perf_counter()
            while f"number {100 + number}." not in page():
                time.sleep(0.05)
            latencies.append(time.perf_counter() - saved)
            time.sleep(1)
        return first, statistics.median(latencies)
    finally:
        import signal
        # SIGTERM, which the command handles as Ctrl-C: a benchmark started in the background
        # (`... &`) inherits SIGINT ignored, and the server would never stop.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        shutil.rmtree(root)


def main() -> None:
    if "--preview" in sys.argv:
        for size in [int(s) for s in sys.argv[1:] if s.isdigit()] or [5000]:
            for engine in [e for e in ("mkdocs", "zensical") if e in sys.argv or not {"mkdocs", "zensical"} & set(sys.argv)]:
                first, latency = preview_latency(size, engine)
                print(f"preview, {size:,} notes, {engine}: first page after {first:5.1f} s; a saved note on its page "
                      f"after {latency:5.2f} s (median of 3; goal < 1 s at 2,000 notes, < 2 s at 5,000)")
        return
    if "--pagefind" in sys.argv:
        for size in [int(s) for s in sys.argv[1:] if s.isdigit()] or [5000, 50000]:
            seconds, megabytes, query = pagefind_query_kb(size)
            print(f"pagefind, {size:,} paper pages: indexed in {seconds:5.1f} s, index {megabytes:6.1f} MB, "
                  f"one query downloads at most {query:5.0f} KB")
        return
    if "--help" in sys.argv:
        print(__doc__)
        return
    sizes = [int(s) for s in sys.argv[1:]] or [2000, 5000]
    zensical = shutil.which("zensical")
    for size in sizes:
        root = make_library(size)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        for folder in ("tools", "overrides", "site-src"):
            shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        site_py = [sys.executable, str(root / "tools" / "site.py")]
        first = run(site_py, root)
        time.sleep(2.1)  # past the racy window, so the manifest is trusted
        run(site_py, root)
        unchanged = min(run(site_py, root) for _ in range(3))
        edit_one_note(root, 1)
        one_note = run(site_py, root)

        config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=_AnyTag)
        bare = {k: v for k, v in config.items() if k not in ("hooks", "nav", "extra_css", "strict", "site_url", "extra")}
        bare.update(docs_dir="papers", nav=[{"Home": "k0.md"}])  # the same theme and overrides, the notes as written
        (root / "bare.yml").write_text(yaml.safe_dump(bare))
        mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
        # Like for like: the generated site with the theme's search, as the bare build has; Pagefind
        # (the default from 2,000 notes on) is an indexer run after the build, timed on its own.
        pyproject = (root / "pyproject.toml").read_text()
        (root / "pyproject.toml").write_text(pyproject.replace("[tool.papernotes]\n", '[tool.papernotes]\nsite_search = "theme"\n', 1))
        run(site_py, root)
        # Interleaved, the best of three each: a busy moment of the machine falls on both sides alike.
        pairs = [(run(mkdocs + ["-d", "site"], root), run(mkdocs + ["-f", "bare.yml", "-d", "bare-site"], root))
                 for _ in range(3)]
        hooked, plain = min(p[0] for p in pairs), min(p[1] for p in pairs)
        (root / "pyproject.toml").write_text(pyproject)
        run(site_py, root)
        with_default_search = min(run(mkdocs + ["-d", "site"], root) for _ in range(2))
        pagefind = size >= PAGEFIND_FROM
        mkdocs_page = per_page_kb(root / "site")
        mkdocs_search = (tree_size(root / "site" / "pagefind") if pagefind else
                         (root / "site" / "search" / "search_index.json").stat().st_size) / size / 1024
        edit_one_note(root, 2)
        preview = run(site_py, root) + run(mkdocs + ["--dirty", "-d", "site"], root)
        # What a process start costs (mkdocs serve pays it once, not per save).
        startup = min(run([sys.executable, "-c", "import mkdocs.commands.build, material"], root) for _ in range(3))

        print(f"site benchmark, {size:,} notes")
        print(f"  papernotes site: from nothing {first:6.2f} s   nothing changed {unchanged:5.2f} s (goal < 0.5 s)"
              f"   one note edited {one_note:5.2f} s")
        print(f"  mkdocs build:    {hooked:6.2f} s   bare notes, no hook {plain:5.2f} s   ratio {hooked / plain:4.2f}x (goal <= 1.3x),"
              f" both with the theme's search")
        print(f"  mkdocs build with the default search ({'Pagefind' if pagefind else 'the theme'}'s): {with_default_search:6.2f} s")
        print(f"  mkdocs serve --dirty's rebuild after one edited note (regenerate + build --dirty): {preview:5.2f} s, "
              f"of which starting MkDocs {startup:4.2f} s (papernotes site --serve: --preview)")
        print(f"  mkdocs site:     {mkdocs_page:5.1f} KB per page   search index {mkdocs_search:4.2f} KB per paper (goal < 3)   "
              f"the map page {(root / 'site' / 'map' / 'index.html').stat().st_size / 1024:.0f} KB")
        if zensical:
            shutil.rmtree(root / "site")
            run([sys.executable, str(root / "tools" / "site.py"), "--engine", "zensical"], root)
            clean = run([zensical, "build", "--clean"], root)
            # The same notes as written, without the generated pages: what Zensical itself costs.
            bare_clean = run([zensical, "build", "--clean", "-f", "bare.yml"], root)
            edit_one_note(root, 3)
            again = run(site_py + ["--engine", "zensical"], root) + run([zensical, "build"], root)
            z_page = per_page_kb(root / "site")
            # With Pagefind (from PAGEFIND_FROM notes on) the theme's search is off and its index all but
            # empty: the search is Pagefind's, indexed after the build, as measured for MkDocs above.
            z_search = (root / "site" / "search.json").stat().st_size / size / 1024
            print(f"  zensical build:  {clean:6.2f} s clean   bare notes {bare_clean:5.2f} s (ratio {clean / bare_clean:4.2f}x; "
                  f"MkDocs's bare {plain:5.2f} s)   one edited note (regenerate + build) {again:5.2f} s")
            print(f"  zensical site:   {z_page:5.1f} KB per page   search index " +
                  ("Pagefind's (the theme's is off)" if pagefind else f"{z_search:4.2f} KB per paper"))
        else:
            print("  zensical: not installed (pip install -e '.[zensical]')")
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
