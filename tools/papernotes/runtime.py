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
            # What was made meanwhile joins the oldest generation unexamined: the collection that
            # would follow at once goes through all of it (30-40 ms of `list` at 10,000 notes). It is
            # still collected, at the next full collection.
            gc.freeze()
            gc.unfreeze()
            gc.enable()


MAX_PROCESSES = 4
PART_ITEMS = 1000  # a worker's part: what this process waits for at most after Ctrl-C
T = TypeVar("T")
R = TypeVar("R")


def in_parts(work: Callable[[Sequence[T]], R], items: Sequence[T], above: int) -> list[R]:
    """`work` over `items`, one result per part: the items split between the machine's processors
    when there are more than `above` (pure-Python work bound to one core: counting a busy week's
    words, parsing a freshly cloned library's notes), else one part. This process does the first
    share while forked workers do the rest in parts of at most PART_ITEMS (nothing is imported
    again); only on Linux and only while this process runs no other thread (a thread's locks would be
    copied held). A worker that cannot start, or dies, leaves its parts to this process. `work` is a
    module-level function or a functools.partial of one, as the workers are handed it by pickling.

    Ctrl-C reaches a terminal's whole process group, but the workers are started with it blocked: a
    worker killed while sending its result left the pool's reader waiting for the rest of it forever,
    and one interrupted between parts printed Python's "Process ForkProcess-1: Traceback". This
    process stops at once and waits only for the parts already begun, the rest cancelled."""
    processes = min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1, MAX_PROCESSES)
    if len(items) <= above or processes < 2 or not sys.platform.startswith("linux") or threading.active_count() > 1:
        return [work(items)]
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    share = -(-len(items) // processes)
    parts = [items[start : start + PART_ITEMS] for start in range(share, len(items), PART_ITEMS)]
    pool = ProcessPoolExecutor(processes - 1, mp_context=multiprocessing.get_context("fork"))  # starts nothing yet
    try:
        try:
            with uninterrupted():  # the workers start now, and keep the mask they were started with
                others = [pool.submit(work, part) for part in parts]
        except OSError:  # no process could be started
            return [work(items)]
        results = [work(items[:share])]
        for part, future in zip(parts, others, strict=True):
            try:
                results.append(future.result())
            except BrokenProcessPool:
                results.append(work(part))
        return results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
