"""The store: notes on disk. `notefile` parses a note once into its parts and patches it in place;
`library` loads, finds, writes and updates notes (the only code that writes them) with its cache;
`files` is the bounded reader for every other file a command is given, and the check of every
output path a user names.

May import: the model, `papernotes.errors`, `papernotes.runtime`. Never sources, presenters or services.
"""
