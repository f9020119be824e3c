"""`python tools/highlights.py ...` is `papernotes highlights ...`; see `--help`."""

import sys

try:
    from papernotes.cli import run_command

    if __name__ == "__main__":
        sys.exit(run_command("highlights", sys.argv[1:], prog="highlights.py"))
except KeyboardInterrupt:  # Ctrl-C while Python is still starting up: no traceback
    sys.exit(130)
