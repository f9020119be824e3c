"""`python tools/init.py ...` is `papernotes init ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("init", sys.argv[1:], prog="init.py"))
