"""`python tools/migrate.py ...` is `papernotes migrate ...`; see `--help`."""

import sys

from papernotes.cli import run_command

if __name__ == "__main__":
    sys.exit(run_command("migrate", sys.argv[1:], prog="migrate.py"))
