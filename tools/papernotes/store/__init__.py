"""The store: notes on disk. `notefile` parses a note once into its parts and patches it in place;
`library` loads, finds, writes and updates notes (the only code that writes them) with its cache;
`files` is the bounded reader and the checked writer for every other file a command is given.

May import: the model, `papernotes.errors`, `papernotes.interrupts`. Never sources, presenters or services.
"""
