"""The services: what a command does, as plain functions that take their inputs ("today" too) and
return results or report them through a callback the command gives; they never print. Adding papers
(`adding`), the reading workflow (`reading`), the weekly digest (`watch`), checks (`checks`), the
README index (`readme`) and the site's loading (`site`).

May import: the model, store, sources, presenters and `papernotes.errors`/`runtime`. Never commands or `cli`.
"""
