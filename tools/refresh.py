"""`python tools/refresh.py ...` is `papernotes refresh ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("refresh", sys.argv[1:], prog="refresh.py"))
