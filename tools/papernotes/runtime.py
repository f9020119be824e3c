"""The running process: what day it is (PAPERNOTES_TODAY moves the clock for tests and "what if"
runs), Ctrl-C held while a note is written and reported, and work split between the processors.
Shared by every layer, like errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

from papernotes.errors import PapernotesError

TODAY_VARIABLE = "PAPERNOTES_TODAY"


def today() -> dt.date:
    """Today's date, or the one PAPERNOTES_TODAY names (tests and "what if" runs set it)."""
    value = os.environ.get(TODAY_VARIABLE, "").strip()
    if not value:
        return dt.date.today()
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2999 or not value.isascii():
        raise PapernotesError(f"{TODAY_VARIABLE}={value!r} is not a date like 2026-11-29 (from 1900 to 2999)")
    return day


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Hold Ctrl-C until the block is done: a note written is also reported, or neither happens.
    Blocks nest (the store holds it around a swap, the command around writing and reporting): the
    mask as it was is restored, so an inner block never lets Ctrl-C through an outer one."""
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        sys.stdout.flush()
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector held while thousands of objects that stay are made (a library's
    papers): it would go through all of them again at every few hundred new ones, a fifth of `list`
    at 10,000 notes. What is made meanwhile holds no cycles (the YAML loader breaks its own), so
    nothing waits on the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


MAX_PROCESSES = 4
T = TypeVar("T")
R = TypeVar("R")


def in_parts(work: Callable[[Sequence[T]], R], items: Sequence[T], above: int) -> list[R]:
    """`work` over `items`, one result per part: the items split between the machine's processors
    when there are more than `above` (pure-Python work bound to one core: counting a busy week's
    words, parsing a freshly cloned library's notes), else one part. This process does the first
    part while forked workers do the others (nothing is imported again); only on Linux and only while
    this process runs no other thread (a thread's locks would be copied held). A worker that cannot
    start, or dies (but at Ctrl-C, which ends them all), leaves its part to this process. `work` is a
    module-level function or a functools.partial of one, as the workers are handed it by pickling."""
    processes = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, MAX_PROCESSES)
    if len(items) <= above or processes < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return [work(items)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    size = -(-len(items) // processes)
    parts = [items[start : start + size] for start in range(0, len(items), size)]
    try:
        # Ctrl-C reaches the workers too (the terminal signals the whole process group): a worker just
        # ends, without Python's "Process ForkProcess-1: Traceback" of one waiting for its next part.
        with ProcessPoolExecutor(len(parts) - 1, mp_context=multiprocessing.get_context("fork"),
                                 initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_DFL)) as pool:
            others = [pool.submit(work, part) for part in parts[1:]]
            results = [work(parts[0])]
            for part, future in zip(parts[1:], others, strict=True):
                try:
                    results.append(future.result())
                except BrokenProcessPool:
                    results.append(work(part))
            return results
    except OSError:  # no process could be started
        return [work(items)]
