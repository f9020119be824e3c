"""The presenters: the library arranged (`views`, pure), rendered with the one Jinja2 environment
(`render`), as the site's pages (`site`), a calendar (`ics`) and BibTeX (`bibtex`).

May import: the model, `papernotes.errors` and `papernotes.files` (templates are read by its rule). Never the store or sources: presenters are given the
papers, they never read notes or ask a service.
"""

from pathlib import Path

# The templates shipped with papernotes, used when a library has none of its own.
DEFAULT_TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
MAX_TEMPLATE_BYTES = 1024 * 1024
