"""`python tools/status.py ...` is `papernotes status ...`; see `--help`."""

import sys

try:
    from papernotes.cli import run_command

    if __name__ == "__main__":
        sys.exit(run_command("status", sys.argv[1:], prog="status.py"))
except KeyboardInterrupt:  # Ctrl-C while Python is still starting up: no traceback
    sys.exit(130)
