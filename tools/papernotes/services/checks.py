"""The checks `papernotes check` runs, registered in one table: each is a function of the library that
yields problems, and a problem may carry the mechanical fix that mends it (papis' `doctor` shape).
Adding a check is writing one function with `@check`."""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any, Literal

from papernotes.errors import PapernotesError
from papernotes.files import CACHE, INBOX, unusable
from papernotes.model.links import WIKI_LINK, has_notes, names_a_paper_to_add, places_linked, resolve_link
from papernotes.model.paper import Paper, describe_change
from papernotes.model.statuses import READ
from papernotes.model.text import counted
from papernotes.present.views import canonical_tags, tag_form
from papernotes.store.library import (
    MAX_STRAY_SCAN,
    Catalog,
    Library,
    NoteProblem,
    files_beside_notes,
    left_out_of_site,
)
from papernotes.store.notefile import (
    NoteError,
    _closing_delimiter,
    _line_of_field,
    decode_note,
    frontmatter_values,
    read_regular,
)

# Fixes that are not a note's fields (see apply_fix): the README index rebuilt, its markers mended,
# a derived file that cannot be used removed (the tools make it again).
REBUILD_INDEX: tuple[tuple[str, Any], ...] = (("README.md", "rebuild the index"),)
REPAIR_MARKERS: tuple[tuple[str, Any], ...] = (("README.md", "repair the index markers"),)
REMOVE = "remove"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    level: Literal["error", "warning"]
    message: str
    fix: tuple[tuple[str, Any], ...] = ()  # frontmatter fields that mend it, applied by --fix

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.level}: {self.message}"


@dataclass
class Context:
    library: Library
    papers: list[Paper]
    load_problems: list[NoteProblem]
    _raw: dict[str, str] = field(default_factory=dict)

    def rel(self, paper: Paper) -> str:
        return self._notes_folder + f"/{paper.key}.md"

    @cached_property
    def _notes_folder(self) -> str:
        return self.library.rel(self.library.papers_dir)

    def raw(self, paper: Paper) -> str:
        """The note's frontmatter as written (for checks that look at how, not what)."""
        if paper.key not in self._raw:
            path = self.library.note_path(paper.key)
            try:
                text = decode_note(read_regular(path, self.rel(paper))[0], self.rel(paper)).removeprefix("\ufeff")
            except NoteError:
                text = ""  # changed since it was loaded: its checks see no frontmatter this time
            start = text.find("\n") + 1
            closing = _closing_delimiter(text, start)
            self._raw[paper.key] = text[start : closing[0]] if closing else ""
        return self._raw[paper.key]

    def written(self, paper: Paper, name: str) -> object:
        """A field's value as the note writes it, before the model reads it (a string of authors
        stays one string). YAML is parsed only for a note whose field is written on its own line
        as a scalar: the rest of a library costs a read, not a parse (check is the pre-commit hook)."""
        raw = self.raw(paper)
        match = re.search(rf"^{re.escape(name)}:[ \t]*([^\s#\[]?)", raw, re.MULTILINE)
        if match is None or not match.group(1):
            return None  # not there, or a list (flow or block): never a string
        try:
            return frontmatter_values(raw, self.rel(paper)).get(name)
        except NoteError:
            return None  # changed since it was loaded; the next run sees it

    def line(self, paper: Paper, name: str) -> int:
        return _line_of_field(self.raw(paper), name)

    @cached_property
    def by_key(self) -> dict[str, Paper]:
        return {p.key: p for p in self.papers}


CHECKS: list[Callable[[Context], Iterable[Problem]]] = []


def check(function: Callable[[Context], Iterable[Problem]]) -> Callable[[Context], Iterable[Problem]]:
    CHECKS.append(function)
    return function


def run_checks(context: Context) -> list[Problem]:
    problems = [problem for function in CHECKS for problem in function(context)]
    return sorted(problems, key=lambda p: (p.path, p.line, p.level, p.message))


def apply_fix(library: Library, problem: Problem) -> str:
    """Mend what `problem.fix` says; what was done, as `fixed PATH...` (PapernotesError when it could not be)."""
    from papernotes.services.readme import refresh_readme, repair_readme

    if problem.fix == REBUILD_INDEX:
        refresh_readme(library)
        return f"fixed {problem.path}: rebuilt the paper index"
    if problem.fix == REPAIR_MARKERS:
        repair_readme(library)
        return f"fixed {problem.path}: kept one start and one end marker, and rebuilt the paper index between them"
    kind, value = problem.fix[0]
    if kind == REMOVE:
        path = library.root / value
        try:
            path.unlink()  # a link, a FIFO or a file: never what it points to
        except IsADirectoryError:
            raise PapernotesError(f"{value} is a folder; remove it by hand") from None
        except OSError as exc:
            raise PapernotesError(f"cannot remove {value}: {exc.strerror}") from None
        return f"fixed {problem.path}: removed it (it is made again when needed)"
    if kind == "references":
        from papernotes.services.citations import drop_unreadable_references

        return f"fixed {problem.path}: removed {counted(drop_unreadable_references(library.root), 'line')} that did not read"
    updated = library.update(PurePosixPath(problem.path).stem, dict(problem.fix))
    return f"fixed {problem.path} {describe_change(updated.before, updated.after)}"


# -- errors ------------------------------------------------------------------------------------------------


@check
def notes_that_do_not_load(context: Context) -> Iterator[Problem]:
    for problem in context.load_problems:
        yield Problem(problem.path, problem.line, "error", problem.message)


@check
def authors_written_as_one_string(context: Context) -> Iterator[Problem]:
    for paper in context.papers:
        written = context.written(paper, "authors")
        if isinstance(written, str) and ("," in written or " and " in written):
            names = [n.strip() for n in re.split(r",|\band\b", written) if n.strip()]
            if len(names) > 1:
                yield Problem(context.rel(paper), context.line(paper, "authors"), "error",
                              f"field 'authors' is one string, so it is one author; write a list: [{', '.join(names)}]",
                              (("authors", names),))


@check
def years_that_are_not_years(context: Context) -> Iterator[Problem]:
    for paper in context.papers:
        if paper.year is not None and not 1000 <= paper.year <= 2999:
            yield Problem(context.rel(paper), context.line(paper, "year"), "error",
                          f"field 'year': {paper.year} is not a year")


@check
def the_same_paper_twice(context: Context) -> Iterator[Problem]:
    """By the rule `add` and `bib import` use to refuse a duplicate (the library's Catalog)."""
    catalog = Catalog()
    for paper in context.papers:
        other = catalog.existing_key(paper)
        if other is None:
            catalog.add(paper)
            continue
        same = ("arXiv ID" if paper.arxiv and catalog.by_arxiv.get(paper.arxiv) == other
                else "DOI" if paper.doi and catalog.by_doi.get(paper.doi.lower()) == other else "title and year")
        yield Problem(context.rel(paper), 1, "error", f"the same paper as {context.rel(context.by_key[other])} "
                                                      f"(same {same}); keep one of the two notes")


@check
def links_to_nothing(context: Context) -> Iterator[Problem]:
    keys = sorted(context.by_key)
    by_arxiv = {p.arxiv: p for p in context.papers if p.arxiv}
    for paper in context.papers:
        for number, text in enumerate(paper.body.splitlines(), 1):
            for match in WIKI_LINK.finditer(text):
                target = match.group(1).strip()
                if resolve_link(target, context.by_key, by_arxiv) is not None or names_a_paper_to_add(target):
                    continue
                close = difflib.get_close_matches(target, keys, n=1)
                hint = f" (did you mean [[{close[0]}]]?)" if close else ""
                line = body_line(context, paper) + number - 1
                yield Problem(context.rel(paper), line, "error", f"[[{target}]] links to no note{hint}")


def body_line(context: Context, paper: Paper) -> int:
    """The line where the note's body starts: two '---' lines and the frontmatter before it."""
    return context.raw(paper).count("\n") + 3


@check
def the_readme_index(context: Context) -> Iterator[Problem]:
    """A README whose index is stale, or whose markers are missing, repeated or reversed (a value
    holding a marker, a merge, a hand edit), or which is not UTF-8. Notes that do not load are
    reported on their own; the index cannot be rendered without them."""
    from papernotes.services.readme import (
        END_BYTES,
        START_BYTES,
        MarkerProblem,
        generated_region,
        read_readme,
        updated_readme,
    )

    if context.load_problems:
        return
    try:
        found = read_readme(context.library)
        if found is None or (START_BYTES not in found[1] and END_BYTES not in found[1]):
            return  # no README, or one without an index: nothing to keep
        stale = updated_readme(found[1], generated_region(context.library, use_cache=True), "README.md") is not None
    except MarkerProblem as exc:
        yield Problem("README.md", 1, "error", exc.message, REPAIR_MARKERS if exc.repairable else ())
        return
    except PapernotesError as exc:
        yield Problem("README.md", 1, "error", exc.message)
        return
    if stale:
        yield Problem("README.md", 1, "error", "the paper index is stale (edited by hand, or notes changed outside "
                                               "papernotes); papernotes check --fix rebuilds it", REBUILD_INDEX)


@check
def derived_files_that_cannot_be_used(context: Context) -> Iterator[Problem]:
    """What the tools keep beside the notes, when it is not what they wrote: a link out of the library
    or a special file among the digests and lists of inbox/ (never read), a `.cache` that is a link
    or a file (no cache is kept), lines of references.jsonl that do not read (fetched again)."""
    library = context.library
    root = library.root
    for name, why in ((CACHE.split("/")[0], "the tools keep their caches in a folder here"),
                      (CACHE, "the tools keep their caches in a folder here")):
        path = root / name
        if os.path.islink(path) or (os.path.lexists(path) and not path.is_dir()):
            yield Problem(name, 1, "error", f"{'a symbolic link' if os.path.islink(path) else 'a file'}, but {why}; "
                                            "papernotes check --fix removes it (caches are made again)", ((REMOVE, name),))
            break
    inbox = root / INBOX
    if os.path.islink(inbox):
        yield Problem(INBOX, 1, "error", "a symbolic link; digests and reference lists are kept in a folder of the "
                                         "library: replace the link with the folder it points to")
        return
    if not inbox.is_dir():
        return
    try:
        entries = sorted(os.scandir(inbox), key=lambda e: e.name)[:MAX_STRAY_SCAN]
    except OSError:
        return
    for entry in entries:
        rel = f"{INBOX}/{entry.name}"
        if entry.name.startswith(".") or entry.is_dir(follow_symlinks=False):
            continue
        reason = unusable(root, entry.path)
        if reason is not None:
            yield Problem(rel, 1, "error", f"{reason}; never read (papernotes check --fix removes it)", ((REMOVE, rel),))
    from papernotes.services.citations import REFERENCES, unreadable_reference_lines

    bad = unreadable_reference_lines(root)
    if bad:
        yield Problem(f"{INBOX}/{REFERENCES}", bad[0], "warning",
                      f"{counted(len(bad), 'line')} that {'does' if len(bad) == 1 else 'do'} not read as a reference "
                      "list (left out; `papernotes gaps` fetches those notes' lists again once they are removed: "
                      "papernotes check --fix removes them)", (("references", "drop unreadable lines"),))


# -- warnings ------------------------------------------------------------------------------------------------


@check
def topics_not_listed(context: Context) -> Iterator[Problem]:
    listed = list(context.library.config.topics)
    if not listed:
        return
    for paper in context.papers:
        if not paper.topic or paper.topic in listed:
            continue
        close = difflib.get_close_matches(paper.topic, listed, n=1, cutoff=0.8)
        if close:
            yield Problem(context.rel(paper), context.line(paper, "topic"), "warning",
                          f"topic '{paper.topic}' is not listed in pyproject.toml (did you mean {close[0]}?)",
                          (("topic", close[0]),))
        else:
            yield Problem(context.rel(paper), context.line(paper, "topic"), "warning",
                          f"topic '{paper.topic}' is not listed in pyproject.toml; add a [[tool.papernotes.topics]]")


@check
def tags_spelt_several_ways(context: Context) -> Iterator[Problem]:
    canonical = canonical_tags(context.papers, context.library.config.tags)
    preferred = {tag: canonical[tag_form(tag)] for paper in context.papers for tag in paper.tags}
    for paper in context.papers:
        odd = [t for t in paper.tags if t in preferred and preferred[t] != t]
        if odd:
            fixed = list(dict.fromkeys(preferred.get(t, t) for t in paper.tags))
            yield Problem(context.rel(paper), context.line(paper, "tags"), "warning",
                          ", ".join(f"tag '{t}' is also spelt '{preferred[t]}'" for t in odd),
                          (("tags", fixed),))


@check
def files_that_are_not_notes(context: Context) -> Iterator[Problem]:
    folder = context.library.papers_dir
    if not folder.is_dir():
        return
    beside = files_beside_notes(folder)
    linked = {place for paper in context.papers for place in places_linked(paper.body)} if beside else set()
    reached = {place.split("/")[0] for place in linked}
    # A folder no note links into (a folder of PDFs) is one line, not one per file.
    unreached: dict[str, int] = {}
    for path in beside:
        below = path.relative_to(folder).as_posix()
        rel = f"{context.library.rel(folder)}/{below}"  # the link's own name, not where it leads
        if path.name.endswith(".md"):
            yield Problem(rel, 1, "warning", "not a note (notes live directly in papers/), and left out of the site; move it up or out")
            continue
        try:
            reason = left_out_of_site(path, path.lstat())
        except OSError:
            continue
        if reason is not None:
            yield Problem(rel, 1, "warning", f"not copied to the site: {reason}")
        elif below in linked:
            continue
        elif "/" in below and (top := below.split("/")[0]) not in reached:
            unreached[top] = unreached.get(top, 0) + 1
        else:
            yield Problem(rel, 1, "warning", "not a note, and no note links to it (the site leaves it out)")
    for top, files in unreached.items():
        yield Problem(f"{context.library.rel(folder)}/{top}", 1, "warning",
                      f"a folder no note links into (the site leaves out its {counted(files, 'file')})")


@check
def html_the_site_leaves_out(context: Context) -> Iterator[Problem]:
    """A note's HTML that would run a script is left out of the site; said here, where its writer
    (or the reviewer of a pull request, whose GitHub preview hides it) can see it."""
    from papernotes.present.own_html import may_run_script

    suspect = [paper for paper in context.papers if may_run_script(paper.body)]
    if not suspect:
        return
    from papernotes.present.html_blocks import left_out_of_note  # Python-Markdown, for these few notes only

    for paper in suspect:
        left_out = left_out_of_note(paper.body)
        if left_out:
            needle = left_out[0].strip("<>=").split(":")[0].lower()
            number = next((n for n, line in enumerate(paper.body.split("\n"), 1) if needle in line.lower()), 1)
            yield Problem(context.rel(paper), body_line(context, paper) + number - 1, "warning",
                          f"HTML that would run a script, left out of the site: {', '.join(left_out)}")


@check
def read_without_notes(context: Context) -> Iterator[Problem]:
    for paper in context.papers:
        if paper.status == READ and not has_notes(paper.body):
            yield Problem(context.rel(paper), body_line(context, paper), "warning",
                          "marked read, and its notes are empty: a line or two of what you took from it helps later")


@check
def highlight_parts_without_fences(context: Context) -> Iterator[Problem]:
    """A part of imported highlights whose opening or closing line was deleted or repeated:
    `highlights` leaves such a note alone until it is mended."""
    from papernotes.model.highlights import SOURCES
    from papernotes.present.highlights import END, START

    for paper in context.papers:
        if "papernotes:highlights" not in paper.body:
            continue
        fences: dict[str, list[tuple[int, str]]] = {}
        for number, line in enumerate(paper.body.split("\n"), 1):
            if (m := START.fullmatch(line.strip())) or (m := END.fullmatch(line.strip())):
                fences.setdefault(m.group(1), []).append((number, "start" if "written=" in line else "end"))
        for source, found in fences.items():
            if [kind for _, kind in found] != ["start", "end"] and source in SOURCES:
                yield Problem(context.rel(paper), body_line(context, paper) + found[0][0] - 1, "warning",
                              f"the part of highlights from {SOURCES[source]} has lost a fence (an opening or closing "
                              "'<!-- papernotes:highlights' line); `papernotes highlights` leaves it alone until it is put back")
