"""papernotes: notes on research papers as Markdown files, kept tidy by a few scripts."""

from __future__ import annotations

import sys

__version__ = "0.1.0"

# Ctrl-C that lands in a callback Python cannot raise from (an import lock's weakref callback while a
# module loads) is printed as "Exception ignored ... KeyboardInterrupt" with a traceback, and the
# program runs on. Python can only raise it again at a later step, and any step may be such a callback
# again (re-sending the signal from the hook lands in the hook itself): so it is noted here, the
# package's first lines run before the command line's imports, and the command line stops where it
# can. A callback's Ctrl-C after start-up is ignored, as Python ignores it, without the traceback.
interrupted_in_a_callback = False


def _note_interruption(unraisable: sys.UnraisableHookArgs) -> None:
    global interrupted_in_a_callback
    if issubclass(unraisable.exc_type, KeyboardInterrupt):
        interrupted_in_a_callback = True
    else:
        sys.__unraisablehook__(unraisable)


sys.unraisablehook = _note_interruption
