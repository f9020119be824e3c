"""How does the site scale? Builds synthetic libraries with and without the papernotes hook.

    python benchmarks/site.py [SIZES...]      # default: 1000 5000

For each size: `mkdocs build` with the repository's mkdocs.yml (the hook generates home, topic, tag
and timeline pages and paper headers), the same notes built by bare Material (same theme, plugins
and extensions, no hook, a one-entry nav), the ratio, the built site's size per paper, and
search/search_index.json per paper.
Targets (issue 4): build at most 1.3x bare; under 30 KB per paper; search index under 3 KB per paper
(issue 11: under 4 KB with abstracts indexed). Also the weight of a first visit to a paper page: its
HTML and every stylesheet and script it loads from the site, raw and gzip-compressed.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import yaml
from _common import REPO, make_library


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


class _AnyTag(yaml.SafeLoader):
    """mkdocs.yml may hold tags such as !ENV; the bare build only needs the plain settings."""


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: None)


def first_visit(site: Path, page: str) -> tuple[int, int]:
    """Bytes a first visit to `page` downloads from the site (HTML, CSS, JS), raw and gzipped."""
    html_path = site / page
    text = html_path.read_text(encoding="utf-8")
    files = [html_path]
    for ref in re.findall(r'(?:<link[^>]+rel="stylesheet"[^>]+href|<script[^>]+src)="([^"]+)"', text):
        if not ref.startswith(("http:", "https:", "//")):
            files.append((html_path.parent / ref.split("?")[0]).resolve())
    raw = sum(f.stat().st_size for f in files if f.is_file())
    packed = sum(len(gzip.compress(f.read_bytes())) for f in files if f.is_file())
    return raw, packed


def build(root: Path, config: Path, site: Path) -> float:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)],
                            cwd=root, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build failed: {result.stderr[-2000:]}")
    return seconds


def main() -> None:
    sizes = [int(s) for s in sys.argv[1:]] or [1000, 5000]
    print(f"{'notes':>6} {'hook':>8} {'bare':>8} {'ratio':>6} {'KB/paper':>9} {'KB/paper*':>9} {'search KB/paper':>15}"
          f" {'first visit KB (gzip)':>22}")
    for size in sizes:
        root = make_library(size)
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        shutil.copytree(REPO / "tools", root / "tools", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        config = yaml.load((REPO / "mkdocs.yml").read_text(), Loader=_AnyTag)
        bare = {k: v for k, v in config.items()
                if k not in ("hooks", "nav", "extra_css", "extra_javascript", "strict", "site_url")}
        bare["nav"] = [{"Home": "k0.md"}]
        (root / "bare.yml").write_text(yaml.safe_dump(bare))
        # Alternate the two builds and keep the best of three: this kind of machine is noisy.
        hooked_runs, plain_runs = [], []
        for _ in range(3):
            hooked_runs.append(build(root, root / "mkdocs.yml", root / "site"))
            plain_runs.append(build(root, root / "bare.yml", root / "bare-site"))
        hooked, plain = min(hooked_runs), min(plain_runs)
        site = root / "site"
        total = tree_size(site)
        without_assets = total - tree_size(site / "assets")
        search = (site / "search" / "search_index.json").stat().st_size
        raw, packed = first_visit(site, "k0/index.html")
        print(f"{size:>6} {hooked:>7.1f}s {plain:>7.1f}s {hooked / plain:>5.2f}x {total / size / 1024:>9.1f} "
              f"{without_assets / size / 1024:>9.1f} {search / size / 1024:>15.2f} {raw / 1024:>12.0f} ({packed / 1024:.0f})")
        shutil.rmtree(root)
    print("KB/paper* leaves out the theme's shared assets/ folder.")


if __name__ == "__main__":
    main()
