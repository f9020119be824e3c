"""`python tools/plan.py ...` is `papernotes plan ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("plan", sys.argv[1:], prog="plan.py"))
