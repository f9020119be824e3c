"""Typed errors. The library raises them with their data; `cli` turns them into one line and an exit code."""

from __future__ import annotations


class PapernotesError(Exception):
    """An error whose message is fit to show a user as it is."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


def error_text(message: str) -> str:
    """`message` as an error for stderr: with "error: " before it, unless it says so already
    (LibraryProblems: an "error: " line per note)."""
    return message if message.startswith("error: ") else f"error: {message}"


class UsageError(PapernotesError):
    """The command was called wrongly (arguments that do not go together, or none): exit 2, as argparse."""
