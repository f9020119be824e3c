"""`python tools/tag.py ...` is `papernotes tag ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("tag", sys.argv[1:], prog="tag.py"))
