"""Shared fixtures: a throw-away library, a fake arXiv server, and a way to run the scripts for real."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakearxiv
import fakecommunity
import fakehighlights
import fakes2
import fakesocial
import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]

# This kind of machine is noisy: judge properties on their examples, never on a per-example deadline.
# The suite runs the same examples every time, so a fork's CI never turns red by chance;
# HYPOTHESIS_PROFILE=explore draws new examples on each run, to search for new counterexamples.
settings.register_profile("papernotes", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "papernotes"))
TOOLS = REPO / "tools"
# The example library the tests copy: settings, notes, README and mkdocs.yml of their own, so that a
# fork that deletes its examples, sets its topics or renames its site keeps a green suite.
LIBRARY_DATA = REPO / "tests" / "data" / "library"
# The template's own folders a fork carries besides its notes and settings.
TEMPLATE_FOLDERS = ("templates", "tools", "overrides", "site-src")


def copy_template_folders(root: Path, folders: tuple[str, ...] = TEMPLATE_FOLDERS) -> None:
    """The template's folders into `root` as a clone of the repository has them: no bytecode, and the
    staging folder as shipped (a site generated in this checkout must not reach a test's library)."""
    def not_shipped(folder: str, names: list[str]) -> list[str]:
        if Path(folder) == REPO / "site-src":
            return [name for name in names if name != ".gitignore"]
        return [name for name in names if name == "__pycache__" or name.endswith(".egg-info")]

    for folder in folders:
        shutil.copytree(REPO / folder, root / folder, ignore=not_shipped)


@pytest.hookimpl(optionalhook=True)  # an xdist hook: unknown to a pytest run without xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto` (addopts): one worker per processor for the quick tests, which keep every core busy,
    and two with the slow ones, which mostly wait (browsers, LaTeX, fake servers' timeouts, child
    processes): with one worker per processor the whole suite left 2 cores idle 40% of its run (242 s;
    218 s with 4 workers), while the quick tests took 58.5 s with 2 workers and 61 s with 4 (each
    worker collects the suite again). PYTEST_XDIST_AUTO_NUM_WORKERS decides when set (xdist's rule)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return processors if "not slow" in (config.getoption("markexpr", "") or "") else 2 * processors


@pytest.fixture
def library(tmp_path: Path) -> Path:
    """An empty library: the repository's settings and templates, no notes. Never the real papers/."""
    root = tmp_path / "lib"
    root.mkdir()
    shutil.copy(LIBRARY_DATA / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(REPO / "templates", root / "templates")
    (root / "papers").mkdir()
    return root


@pytest.fixture
def example_library(library: Path) -> Path:
    """A copy of the example notes that ship with the repository."""
    for note in sorted((LIBRARY_DATA / "papers").glob("*.md")):
        shutil.copy(note, library / "papers" / note.name)
    shutil.copy(LIBRARY_DATA / "README.md", library / "README.md")
    shutil.copy(LIBRARY_DATA / "mkdocs.yml", library / "mkdocs.yml")
    return library


@contextlib.contextmanager
def ten_seconds_on() -> Iterator[None]:
    """Commands in this process run as if ten seconds after the notes were saved: the note cache they
    write trusts every note then, where a real command within RACY_SECONDS of a save writes none."""
    from papernotes.store import notecache

    real = notecache.clock_ns
    notecache.clock_ns = lambda: real() + 10 * 1_000_000_000
    try:
        yield
    finally:
        notecache.clock_ns = real


@pytest.fixture
def later() -> Iterator[None]:
    """A whole test `ten_seconds_on`."""
    with ten_seconds_on():
        yield


def settled_cache(root: Path) -> None:
    """The note cache `root` would have ten seconds after its notes were saved (for commands run as
    subprocesses: they then trust every note)."""
    from papernotes.store.library import Library

    with ten_seconds_on():
        Library(root).load()


def served(fake: Any) -> Iterator[Any]:
    """A fake service's state while its server runs on 127.0.0.1 (see tests/fakeserver.py)."""
    state, server = fake.serve()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def arxiv_server() -> Iterator[fakearxiv.FakeArxiv]:
    yield from served(fakearxiv)


@pytest.fixture
def community() -> Iterator[fakecommunity.FakeCommunity]:
    yield from served(fakecommunity)


@pytest.fixture
def highlight_servers() -> Iterator[fakehighlights.FakeHighlights]:
    yield from served(fakehighlights)


@pytest.fixture
def social() -> Iterator[fakesocial.FakeSocial]:
    yield from served(fakesocial)


@pytest.fixture
def s2_server() -> Iterator[fakes2.FakeS2]:
    yield from served(fakes2)


def script_env(server: fakearxiv.FakeArxiv | None = None, s2: fakes2.FakeS2 | None = None, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ARXIV_API_", "S2_API_", "HF_API_", "PWC_API_", "ZOTERO_", "HYPOTHESIS_", "BLUESKY_", "MASTODON_", "PAPERNOTES_"))}
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    # Point the real clients at the fake servers; nothing may reach the internet.
    env["ARXIV_API_URL"] = server.url if server else "http://127.0.0.1:9/api/query"
    env["ARXIV_API_DELAY"] = "0"
    env["ARXIV_API_TIMEOUT"] = "1"
    env["S2_API_URL"] = s2.url if s2 else "http://127.0.0.1:9"
    env["S2_API_DELAY"] = "0"
    env["S2_API_TIMEOUT"] = "1"
    # Hugging Face and Papers with Code are optional: off unless a test serves them (fakecommunity).
    env["HF_API_URL"] = env["PWC_API_URL"] = "off"
    # So are Zotero and Hypothesis (fakehighlights): no test may ask a Zotero running on this machine.
    env["ZOTERO_API_URL"] = env["HYPOTHESIS_API_URL"] = "off"
    env["BLUESKY_API_URL"] = env["MASTODON_API_URL"] = "off"
    env.update(extra)
    return env


def run_script(
    name: str, *args: str | Path, server: fakearxiv.FakeArxiv | None = None, s2: fakes2.FakeS2 | None = None,
    stdin: str | None = None, process: bool = False, **env: str
) -> subprocess.CompletedProcess[str]:
    """`python tools/NAME ARGS...` as a user runs it: in this process through `run_command` (what the
    script runs, less Python's start-up), or with `process=True` as a real process."""
    if process:
        return subprocess.run([sys.executable, str(TOOLS / name), *map(str, args)], input=stdin, capture_output=True,
                              text=True, env=script_env(server, s2, **env), timeout=120)
    return run_in_process(name.removesuffix(".py"), [str(a) for a in args], script_env(server, s2, **env), stdin, name)


def run_in_process(command: str, argv: list[str], env: dict[str, str], stdin: str | None,
                   prog: str) -> subprocess.CompletedProcess[str]:
    """One command in this process, with its own environment, standard input and output."""
    from papernotes.cli import run_command

    saved = (dict(os.environ), sys.stdin, sys.stdout, sys.stderr)
    out, err = io.StringIO(), io.StringIO()
    os.environ.clear()
    os.environ.update(env)
    sys.stdin = io.TextIOWrapper(io.BytesIO((stdin or "").encode("utf-8")), encoding="utf-8")
    sys.stdout, sys.stderr = out, err
    try:
        code = run_command(command, argv, prog=prog)
    finally:
        os.environ.clear()
        os.environ.update(saved[0])
        sys.stdin, sys.stdout, sys.stderr = saved[1:]
    return subprocess.CompletedProcess([prog, *argv], code, out.getvalue(), err.getvalue())


def interruptible() -> None:
    """For a child the test sends Ctrl-C: SIGINT as a terminal leaves it. A shell's background job
    (`bash .ci/run &`) ignores SIGINT, children inherit that, and Python then installs no handler."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen_with_small_pipe(argv: list[str], **kwargs: object) -> subprocess.Popen[bytes]:
    """A child whose standard output is a pipe of one page (Linux; elsewhere the system's size): it
    stops writing a few dozen lines ahead of the reader, so a test that reads some lines and then
    interrupts it finds it still at work however the two are scheduled (a 64 KB pipe let a fast child
    finish 400 notes before a descheduled reader sent its Ctrl-C). Bytes, its standard output read
    without read-ahead: `communicate()` reads the pipe itself and would miss the lines a buffered
    reader had taken beyond those it returned (under load, a test lost printed lines that way)."""
    import fcntl

    read_end, write_end = os.pipe()
    try:
        fcntl.fcntl(write_end, getattr(fcntl, "F_SETPIPE_SZ", 1031), 4096)
    except OSError:
        pass
    try:
        proc = subprocess.Popen(argv, stdout=write_end, preexec_fn=interruptible, **kwargs)  # type: ignore[call-overload]
    finally:
        os.close(write_end)
    proc.stdout = os.fdopen(read_end, "rb", buffering=0)
    return proc


# -- the workflows' own scripts ------------------------------------------------------------------------


def workflow_step(workflow: str, job: str, step_id: str) -> str:
    """The `run` script of one step of .github/workflows/WORKFLOW."""
    import yaml

    jobs = yaml.safe_load((REPO / ".github" / "workflows" / workflow).read_text(encoding="utf-8"))["jobs"]
    return next(step["run"] for step in jobs[job]["steps"] if step.get("id") == step_id)


def run_step(script: str, cwd: Path, commands: dict[str, str], **env: str) -> tuple[subprocess.CompletedProcess[str], str]:
    """A workflow step's script as GitHub's runner runs it (`bash -e`), with `commands` (a name and its
    shell script: `gh` answering as GitHub would, the runner's `python`) first on the PATH; and what
    the step wrote to $GITHUB_OUTPUT."""
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        bin_dir = Path(scratch) / "bin"
        bin_dir.mkdir()
        for name, text in commands.items():
            (bin_dir / name).write_text(f"#!/bin/sh\n{text}\n", encoding="utf-8")
            (bin_dir / name).chmod(0o755)
        output = Path(scratch) / "github-output"
        output.touch()
        result = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, capture_output=True, text=True,
                                env={"PATH": f"{bin_dir}:/usr/bin:/bin", "GITHUB_OUTPUT": str(output), **env})
        return result, output.read_text(encoding="utf-8")
