"""`python tools/topics.py ...` is `papernotes topics ...`; see `--help`."""

import sys

try:
    from papernotes.cli import run_command

    if __name__ == "__main__":
        sys.exit(run_command("topics", sys.argv[1:], prog="topics.py"))
except KeyboardInterrupt:  # Ctrl-C while Python is still starting up: no traceback
    sys.exit(130)
