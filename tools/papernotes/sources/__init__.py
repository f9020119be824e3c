"""The sources: what the outside world says about papers. `http` is the one request policy (deadline,
size cap, retries and waits); `arxiv` and `s2` are the services; `bibtex` reads .bib files.

May import: the model and `papernotes.errors`. Never the store (a source does not know the library),
presenters or services. Each returns model records or typed records, never raw answers.
"""
