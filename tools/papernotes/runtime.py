"""The running process: what day it is (PAPERNOTES_TODAY moves the clock for tests and "what if"
runs), and Ctrl-C held while a note is written and reported. Shared by every layer, like errors.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Iterator

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
