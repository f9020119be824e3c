"""papernotes: notes on research papers as Markdown files, kept tidy by a few scripts."""

__version__ = "0.1.0"
