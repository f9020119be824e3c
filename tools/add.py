"""`python tools/add.py ...` is `papernotes add ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("add", sys.argv[1:], prog="add.py"))
