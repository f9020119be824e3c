"""`python tools/index.py ...` is `papernotes index ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("index", sys.argv[1:], prog="index.py"))
