"""The model: what a paper is (`paper`: the one field table and the Paper record), identifiers (`ids`),
settings (`config`), wiki-links (`links`), and BibTeX/LaTeX text (`latex`).

May import: the standard library, `papernotes.errors`, and other model modules. Pure: no files read
or written, no network, no printing (`config.load_config` reads pyproject.toml: the one exception,
the settings being the model's own input).
"""
