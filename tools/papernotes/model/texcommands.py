"""LaTeX commands that stand for words and marks, which latexcodec leaves as they are: model.latex
decodes them, and a note imported before that still names the same paper (model.paper)."""

from __future__ import annotations

import re

# Commands for words and marks that latexcodec leaves as they are (`The \TeX book`, biblatex's
# `methodology\hyphen independent`, Zotero's `{\textless}p{\textgreater}` for an abstract's "<p>"); a
# control word takes the spaces after it, as TeX does. Marks that LaTeX reads as its own (%, &, _, ^,
# braces) become their escapes, which the decoding after this reads as the marks.
NAMED = {"TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "BibTeX": "BibTeX", "XeTeX": "XeTeX", "LuaTeX": "LuaTeX",
         "hyphen": "-", "slash": "/", "textless": "<", "textgreater": ">", "textbar": "|", "textquotedbl": '"',
         "textunderscore": "\\_", "textasciicircum": "\\^{}", "textpercent": "\\%", "textampersand": "\\&",
         "textbraceleft": "\\{", "textbraceright": "\\}", "textsection": "§", "textdagger": "†", "textellipsis": "…",
         "textnumero": "№", "textmu": "µ", "texttimes": "×", "textdiv": "÷", "textexclamdown": "¡",
         "textquestiondown": "¿"}
# These and biblatex's and csquotes' quotations (model.latex), which a version before this one left in a
# note's text ("\mkbibquote Über die ...", "\textless p\textgreater Words"): see `without_left_commands`.
LEFT_BEFORE = re.compile(r"\\(mkbib[a-z]+|enquote|textquote|" + "|".join(NAMED) + r")\*?(?![A-Za-z])")


def without_left_commands(text: str) -> str:
    r"""`text` without the commands an earlier version left in it, their words kept (`\TeX` is TeX):
    the same words as the text decoded now, for telling a note imported then from one edited since."""
    return LEFT_BEFORE.sub(lambda m: NAMED[m.group(1)] if NAMED.get(m.group(1), "").isalpha() else " ", text)
