"""The store: notes on disk. `notefile` parses a note once into its parts and patches it in place;
`library` loads, finds, writes and updates notes (the only code that writes them) with its cache.
Every file is read, and every folder written, through `papernotes.files`, shared by all layers.

May import: the model, `papernotes.errors`, `papernotes.runtime`, `papernotes.files`. Never sources,
presenters or services.
"""
