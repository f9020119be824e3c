"""The library arranged for reading: topic tree, tag index, counts, chronological order.

The README index and the site's topic and tag pages are both rendered from these structures, so
the two can never disagree. Everything here is a pure function of the papers and the settings:
no file-system order, locale, time zone or today's date leaks into the output.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from papernotes.errors import PapernotesError
from papernotes.model.config import Config
from papernotes.model.paper import STATUSES, Paper
from papernotes.model.statuses import READ, SKIPPED
from papernotes.present.markdown import Focus

UNSORTED = "Unsorted"


@dataclass
class TopicNode:
    path: str  # "" for the Unsorted section
    title: str
    depth: int  # 1 for top-level topics
    papers: list[Paper] = field(default_factory=list)
    children: list[TopicNode] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.papers) + sum(child.total for child in self.children)

    @property
    def progress(self) -> tuple[int, int]:
        """Papers read, of the papers not skipped, here and below (as the focus line counts them)."""
        mine = [p for node in self.walk() for p in node.papers if p.status != SKIPPED]
        return sum(1 for p in mine if p.status == READ), len(mine)

    def walk(self) -> Iterable[TopicNode]:
        yield self
        for child in self.children:
            yield from child.walk()


def chronological_key(paper: Paper) -> tuple[int, dt.date, str]:
    return (paper.year if paper.year is not None else 9999, paper.published or dt.date.max, paper.key)


def chronological(papers: Iterable[Paper]) -> list[Paper]:
    return sorted(papers, key=chronological_key)


# Short words that are words, not acronyms, in a topic's name ("learning-on-graphs").
_SMALL_WORDS = frozenset("a an and as at by for from in into of on or the to via vs with".split())


def default_title(path: str) -> str:
    """A title for a topic with none configured: `nlp` is "NLP", `rl-theory` "RL theory", `vision` "Vision".
    Short lower-case names are nearly always acronyms (nlp, rl, cv, llm, gan, rag); "Nlp" looks broken."""
    words = path.rsplit("/", 1)[-1].replace("-", " ").replace("_", " ").split()
    words = [w.upper() if len(w) <= 3 and w.isalpha() and w.islower() and w not in _SMALL_WORDS else w for w in words]
    title = " ".join(words)
    return title[:1].upper() + title[1:]


def topic_title(topics: dict[str, str], path: str) -> str:
    """A topic with the topics above it, by their titles: "NLP › Retrieval"."""
    parts = path.split("/")
    paths = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    titles = {known.casefold(): title for known, title in topics.items()}  # topics match in any case
    return " › ".join(titles.get(p.casefold()) or default_title(p) for p in paths)


def topic_tree(papers: Iterable[Paper], config: Config) -> list[TopicNode]:
    """Top-level topics in the configured order, unknown ones after them by name, Unsorted last."""
    papers = list(papers)
    paths: set[str] = set()
    for paper in papers:
        if paper.topic:
            parts = paper.topic.split("/")
            paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    configured = list(config.topics)
    for path in configured:
        if path in paths:
            # A configured subtopic with papers brings its configured parents along.
            parts = path.split("/")
            paths.update("/".join(parts[: i + 1]) for i in range(len(parts)))
    rank = {path: i for i, path in enumerate(configured)}

    def order(path: str) -> tuple[int, int, str]:
        return (0, rank[path], "") if path in rank else (1, 0, path.casefold())

    nodes = {
        path: TopicNode(path, config.topics.get(path) or default_title(path), path.count("/") + 1)
        for path in sorted(paths, key=order)
    }
    roots: list[TopicNode] = []
    for path, node in nodes.items():
        parent = path.rsplit("/", 1)[0] if "/" in path else None
        (nodes[parent].children if parent else roots).append(node)
    unsorted = TopicNode("", UNSORTED, 1)
    for paper in chronological(papers):
        (nodes[paper.topic] if paper.topic else unsorted).papers.append(paper)
    if unsorted.papers:
        roots.append(unsorted)
    return roots


def tag_index(papers: Iterable[Paper]) -> list[tuple[str, list[Paper]]]:
    """Every tag with its papers (chronological), tags sorted case-insensitively."""
    by_tag: dict[str, list[Paper]] = {}
    for paper in chronological(papers):
        for tag in paper.tags:
            by_tag.setdefault(tag, []).append(paper)
    return sorted(by_tag.items(), key=lambda item: (item[0].casefold(), item[0]))


def status_counts(papers: Iterable[Paper]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for paper in papers:
        counts[paper.status] += 1
    return counts


def tag_form(tag: str) -> str:
    """What makes two spellings one tag: case, separators and a plural s (GAN, gans, g-a-n)."""
    form = re.sub(r"[\s_\-.]+", "", tag.casefold())
    return form[:-1] if len(form) > 3 and form.endswith("s") else form


def canonical_tags(papers: Iterable[Paper], configured: Iterable[str] = ()) -> dict[str, str]:
    """Each tag's one spelling, by tag_form: the one configured (`tags` in [tool.papernotes]), else
    the one used first (the note added earliest, then by key), so that a later variant never wins
    by numbers."""
    canonical = {tag_form(tag): tag for tag in configured}
    for paper in sorted(papers, key=lambda p: (p.added or dt.date.max, p.key)):
        for tag in paper.tags:
            canonical.setdefault(tag_form(tag), tag)
    return canonical


def unknown_name(kind: str, given: str, known: Iterable[str]) -> str:
    """`no tag 'pretrainng' in the library (did you mean pretraining?)`."""
    known = sorted(set(known))
    close = difflib.get_close_matches(given.casefold(), [k.casefold() for k in known], n=3, cutoff=0.6)
    spelled = {k.casefold(): k for k in known}
    hint = f" (did you mean {', '.join(spelled[c] for c in close)}?)" if close else " (papernotes list shows what there is)"
    return f"no {kind} '{given}' in the library{hint}"


def topic_paths(papers: Iterable[Paper]) -> set[str]:
    """Every topic a note has, and every topic above one."""
    paths: set[str] = set()
    for paper in papers:
        parts = (paper.topic or "").split("/")
        paths.update("/".join(parts[: i + 1]) for i in range(len(parts)) if paper.topic)
    return paths


def known_filters(papers: list[Paper], tags: list[str], topic: str | None) -> None:
    """A tag or topic no note has is a mistake, not an empty answer: say so, with the closest ones."""
    if tags:
        have_tags = {t.casefold() for p in papers for t in p.tags}
        for tag in tags:
            if tag.casefold() not in have_tags:
                raise PapernotesError(unknown_name("tag", tag, canonical_tags(papers).values()))
    if topic:
        paths = topic_paths(papers)
        if topic.strip("/").casefold() not in {p.casefold() for p in paths}:
            raise PapernotesError(unknown_name("topic", topic, paths))


def focus_of(papers: Iterable[Paper], config: Config) -> Focus | None:
    """The focus line's facts, when the library has a focus."""
    from papernotes.model.reading import focus_progress

    if not config.focus:
        return None
    progress = focus_progress(papers, config.focus)
    return Focus(topic_title(config.topics, config.focus), progress.read, progress.total)
