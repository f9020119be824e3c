"""`python tools/watch.py ...` is `papernotes watch ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("watch", sys.argv[1:], prog="watch.py"))
