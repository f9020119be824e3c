"""What the library's papers cite: their reference lists from Semantic Scholar, kept in a file
committed with the notes (inbox/references.jsonl, so the site builds without the network), and what
follows from them: the papers in the library related to a paper ("cites 4 of the same papers"),
and the papers the library keeps citing that it does not hold ("gaps": the foundations).

Related papers combine bibliographic coupling (references in common), direct citation, co-citation
(cited together by notes in the library) and text similarity (TF-IDF over title, abstract and
notes). They are computed for every note at once, and kept in .cache/: when a few notes change,
only those notes' rows are computed again, and the lists of the others change only where a changed
note enters or leaves them.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from papernotes.files import INBOX, UnreadableFile, load_json, read_inside, write_file
from papernotes.model.citations import Cited, Gap, Relation
from papernotes.model.ids import InvalidArxivId, parse_arxiv_id
from papernotes.model.paper import Paper, clean_text, in_topic, normalized_title
from papernotes.model.text import counted
from papernotes.services.ranking import Vectorizer, top_indices, vectorizer
from papernotes.sources.s2 import arxiv_of, authors_of, doi_of, text_of
from papernotes.store.cache import DataCache, decode_array, encode_array
from papernotes.store.library import Catalog, Library

REFERENCES = "references.jsonl"  # in inbox/
MAX_REFERENCES_KEPT = 400  # per paper; a survey cites more, its first 400 tell enough
MAX_FILE = 64 * 1024 * 1024
MAX_FETCHED = 200  # reference lists fetched in one run: about 4 minutes at Semantic Scholar's polite pace
WRITE_EVERY = 25
RELATED_SHOWN = 5
MAX_CHANGED_FOR_PATCH = 200  # beyond this, computing everything again is as quick
CACHE_FORMAT = ("papernotes-related", 3)  # 3: JSON
# Text likeness below this is chance: a shared word of a short title. 0.16 since a hyphen parts words
# (texts share more of them), 0.15 before; against hand labels (benchmarks/related.py --quality),
# 407 papers shown, 0.86 of them on the note's topic, as before (416, 0.88); 0.15 now shows 517, 0.83.
TEXT_THRESHOLD = 0.16


# -- the reference lists ------------------------------------------------------------------------------------


def cited_of(row: dict[str, Any]) -> Cited | None:
    """A reference as kept: Semantic Scholar's record reduced to an identity and a few words."""
    title = text_of(row.get("title"))
    arxiv, doi, s2 = arxiv_of(row), doi_of(row), text_of(row.get("paperId"))
    ident = f"arXiv:{arxiv}" if arxiv else f"DOI:{doi.lower()}" if doi else f"S2:{s2}" if s2 and re.fullmatch(r"[0-9a-f]{40}", s2) else None
    ident = kept_ident(ident) if ident else None
    if ident is None or title is None:
        return None
    year = row.get("year") if type(row.get("year")) is int and 1000 <= row["year"] <= 2999 else None
    authors = authors_of(row)
    return Cited(ident, title[:300], year, authors[0][:100] if authors else "")


def read_references(root: Path) -> dict[str, list[Cited]]:
    """The kept reference lists by note key; lines that do not read are left out (git has them)."""
    return _read_references(root)[0]


def unreadable_reference_lines(root: Path) -> list[int]:
    """The numbers of the lines of references.jsonl that do not read as a reference list."""
    return _read_references(root)[1]


def drop_unreadable_references(root: Path) -> int:
    """Rewrite references.jsonl without the lines that do not read; how many went."""
    lists, bad = _read_references(root)
    if bad:
        write_file(root / INBOX / REFERENCES, references_text(lists), root=root)
    return len(bad)


def _read_references(root: Path) -> tuple[dict[str, list[Cited]], list[int]]:
    try:
        data = read_inside(root, root / INBOX / REFERENCES, MAX_FILE)
    except UnreadableFile:
        return {}, []
    lists: dict[str, list[Cited]] = {}
    bad: list[int] = []
    for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            entry = load_json(line)
            key, rows = entry["key"], entry["references"]
            # The file is anybody's: identifiers of the three kinds only, text without control
            # characters (a title holding a terminal escape would otherwise reach the terminal).
            lists[str(key)] = [Cited(ident, clean_text(str(t))[:300], y if type(y) is int and 1000 <= y <= 2999 else None,
                                     clean_text(str(a))[:100])
                               for i, t, y, a in rows[:MAX_REFERENCES_KEPT] if (ident := kept_ident(str(i)))]
        except (ValueError, KeyError, TypeError):
            bad.append(number)
    return lists, bad


_IDENT = re.compile(r"arXiv:\S{4,40}|DOI:10\.\S{3,200}|S2:[0-9a-f]{40}")
_ARXIV_DOI = re.compile(r"DOI:10\.48550/arxiv\.(\S+)", re.IGNORECASE)


def kept_ident(ident: str) -> str | None:
    """A reference's identifier as kept: `arXiv:ID`, `DOI:doi` (lower case; arXiv's own DOIs are the
    arXiv ID) or `S2:paperId`; None for anything else."""
    if not _IDENT.fullmatch(ident):
        return None
    arxiv_doi = _ARXIV_DOI.fullmatch(ident)
    if arxiv_doi:
        try:
            return "arXiv:" + parse_arxiv_id(arxiv_doi.group(1)).canonical
        except InvalidArxivId:
            return None
    return ident.lower().replace("doi:", "DOI:", 1) if ident.startswith("DOI:") else ident


def references_text(lists: dict[str, list[Cited]]) -> str:
    """The file's text: one line per note, in key order, so that the same lists write the same bytes."""
    return "".join(json.dumps({"key": key, "references": [[c.ident, c.title, c.year, c.author] for c in lists[key]]},
                              ensure_ascii=False, separators=(",", ":")) + "\n" for key in sorted(lists))


def fetch_missing(library: Library, papers: Sequence[Paper], s2: Any, lists: dict[str, list[Cited]],
                  warn: Callable[[str], None]) -> int:
    """Fetch the reference lists of the papers (with an arXiv ID or DOI) not in `lists` yet, at most
    MAX_FETCHED a run, into it, writing the file as it goes (Ctrl-C keeps what was fetched); return how
    many were fetched. A paper Semantic Scholar does not know gets an empty list (asked again only
    after it is removed from the file)."""
    from papernotes.errors import PapernotesError
    from papernotes.sources.s2 import S2NotFound, S2Unavailable

    wanted = [p for p in papers if p.key not in lists and (p.arxiv or p.doi)][:MAX_FETCHED]
    fetched = 0
    for paper in wanted:
        ident = f"arXiv:{paper.arxiv}" if paper.arxiv else f"DOI:{paper.doi}"
        try:
            rows = s2.references(ident, limit=MAX_REFERENCES_KEPT, label=paper.key)
        except S2NotFound:
            rows = []
        except S2Unavailable as exc:
            warn(f"{exc}; the other reference lists are fetched next time")
            break
        except PapernotesError as exc:
            warn(f"{paper.key}: {exc}")
            continue
        lists[paper.key] = list({c.ident: c for row in rows if (c := cited_of(row))}.values())
        fetched += 1
        if fetched % WRITE_EVERY == 0:
            write_file(library.root / INBOX / REFERENCES, references_text(lists), root=library.root)
    if fetched % WRITE_EVERY:
        write_file(library.root / INBOX / REFERENCES, references_text(lists), root=library.root)
    return fetched


def library_idents(paper: Paper) -> list[str]:
    """The identifiers a reference to this note would carry."""
    return ([f"arXiv:{paper.arxiv}"] if paper.arxiv else []) + ([f"DOI:{paper.doi.lower()}"] if paper.doi else [])


def library_citations(papers: Sequence[Paper], lists: dict[str, list[Cited]]) -> dict[str, list[str]]:
    """Which notes each note cites, from its kept reference list: a reference is a note when it
    carries one of the note's identifiers (its arXiv ID or DOI)."""
    note_of = {ident: paper.key for paper in papers for ident in library_idents(paper)}
    cites: dict[str, list[str]] = {}
    for paper in papers:
        found = [note_of[c.ident] for c in lists.get(paper.key, ()) if c.ident in note_of and note_of[c.ident] != paper.key]
        if found:
            cites[paper.key] = list(dict.fromkeys(found))
    return cites


# -- gaps -----------------------------------------------------------------------------------------------------


def gaps(papers: Sequence[Paper], lists: dict[str, list[Cited]], catalog: Catalog, at_least: int = 2,
         topic: str | None = None) -> list[Gap]:
    """Papers cited by at least `at_least` notes (of `topic`, when given) and not in the library, most
    cited first."""
    citing: dict[str, list[str]] = {}
    seen: dict[str, Cited] = {}
    # One paper may be cited under two identifiers (its arXiv ID in one list, its DOI in another):
    # the same title and year are the same paper.
    by_title: dict[tuple[str, int | None], str] = {}
    for paper in papers:
        if topic and not in_topic(paper, topic):
            continue
        for cited in lists.get(paper.key, ()):
            ident = by_title.setdefault((normalized_title(cited.title), cited.year), cited.ident) \
                if normalized_title(cited.title) else cited.ident
            if paper.key not in citing.get(ident, ()):
                citing.setdefault(ident, []).append(paper.key)
            seen.setdefault(ident, cited)
    out: list[Gap] = []
    for ident, keys in citing.items():
        if len(keys) < at_least:
            continue
        cited = seen[ident]
        arxiv = ident.removeprefix("arXiv:") if ident.startswith("arXiv:") else None
        doi = ident.removeprefix("DOI:") if ident.startswith("DOI:") else None
        if catalog.existing_key(Paper(key="", title=cited.title, year=cited.year, arxiv=arxiv, doi=doi)) is None:
            out.append(Gap(cited, tuple(sorted(keys))))
    return sorted(out, key=lambda g: (-len(g.citing), -(g.cited.year or 0), g.cited.title.casefold(), g.cited.ident))


# -- related papers -------------------------------------------------------------------------------------------


def related(papers: Sequence[Paper], lists: dict[str, list[Cited]], root: Path | None = None) -> dict[str, list[Relation]]:
    """Up to RELATED_SHOWN related notes per note, best first, with their reasons; kept in the
    library's .cache/ when `root` is given."""
    notes = {p.key: p for p in papers}
    texts = {key: _text(p) for key, p in notes.items()}
    refs_digest = hashlib.blake2b(references_text({k: v for k, v in lists.items() if k in notes}).encode(), digest_size=16).hexdigest()
    # Kept apart: reading the lists must not load the text model and scipy (half a second).
    cache = DataCache(root, "related.json", CACHE_FORMAT) if root is not None else None
    model_cache = DataCache(root, "related-model.json", CACHE_FORMAT) if root is not None else None
    stored = _stored_lists(cache.load()) if cache is not None else None
    if stored is not None and stored[0] == refs_digest and set(stored[1]) == set(texts):
        _, digests, result = stored
        changed = [key for key, text in texts.items() if digests[key] != _digest(text)]
        if not changed:
            return result
        model = None
        if model_cache is not None and len(changed) <= MAX_CHANGED_FOR_PATCH:
            model = _Model.from_data(model_cache.load(), notes, lists, result)
        if model is not None:
            result = model.update(changed, notes, texts)
            _save(cache, model_cache, refs_digest, texts, model, result)
            return result
    model = _Model(notes, texts, lists)
    result = model.all()
    _save(cache, model_cache, refs_digest, texts, model, result)
    return result


def _stored_lists(data: Any) -> tuple[str, dict[str, str], dict[str, list[Relation]]] | None:
    """The kept lists (the references' digest, each note's text digest, the lists), their types
    checked; None if the cache does not hold that."""
    try:
        refs, digests = data["refs"], data["texts"]
        result = {str(key): [Relation(str(k), float(s), str(r)) for k, s, r in rows] for key, rows in data["related"].items()}
        if not isinstance(refs, str) or not all(isinstance(d, str) for d in digests.values()):
            return None
        return refs, dict(digests), result
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _text(paper: Paper) -> str:
    return " ".join(filter(None, (paper.title, paper.title, paper.abstract, paper.body, " ".join(paper.tags), paper.topic)))


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


class _Model:
    """The pieces of the scores: text vectors (vocabulary fixed at the full computation), and the
    citation structure (fixed while the reference lists are)."""

    def __init__(self, notes: dict[str, Paper], texts: dict[str, str] | None, lists: dict[str, list[Cited]],
                 text_model: tuple[Vectorizer | None, Any] | None = None) -> None:
        """The model of `notes`: its text part computed from `texts`, or as kept (`text_model`:
        the vectorizer and the vectors, rows in key order); the citation part from `lists`."""
        import numpy
        from scipy import sparse

        self.keys = sorted(notes)
        self.row = {key: i for i, key in enumerate(self.keys)}
        if text_model is not None:
            self.words, self.vectors = text_model
        else:
            assert texts is not None
            self.words = vectorizer(phrases=False, max_df=0.5)
            try:
                self.vectors = self.words.fit_transform([texts[k] for k in self.keys]).tocsr()
            except ValueError:  # no usable words in any note
                self.words = None
                self.vectors = sparse.csr_matrix((len(self.keys), 1), dtype=numpy.float32)
        # References as a notes × cited-papers matrix; a note in the library counts as cited by its identifiers.
        own = {ident: key for key in self.keys for ident in library_idents(notes[key])}
        columns: dict[str, int] = {}
        rows, cols = [], []
        for key in self.keys:
            for cited in lists.get(key, ()):
                rows.append(self.row[key])
                cols.append(columns.setdefault(cited.ident, len(columns)))
        self.cites = sparse.csr_matrix(([1.0] * len(rows), (rows, cols)), shape=(len(self.keys), max(len(columns), 1)))
        self.counts = [len(lists.get(k, ())) for k in self.keys]
        self.count_array = numpy.array(self.counts, dtype=float)
        # Direct citations between notes: note -> notes it cites.
        self.cites_note: dict[str, set[str]] = {}
        for key in self.keys:
            targets = {own[c.ident] for c in lists.get(key, ()) if c.ident in own and own[c.ident] != key}
            if targets:
                self.cites_note[key] = targets
        self.cited_by: dict[str, set[str]] = {}
        for source, targets in self.cites_note.items():
            for target in targets:
                self.cited_by.setdefault(target, set()).add(source)
        self.coupling = (self.cites @ self.cites.T).tocsr()
        self.lists: dict[str, list[Relation]] = {}

    def text_data(self) -> dict[str, Any]:
        """The text part as data for the cache: the vocabulary in column order, the weights, the vectors."""
        vectors = self.vectors
        return {"keys": self.keys,
                "vocabulary": list(self.words.get_feature_names_out()) if self.words is not None else None,
                "idf": encode_array(self.words.idf) if self.words is not None else None,
                "shape": list(vectors.shape), "data": encode_array(vectors.data),
                "indices": encode_array(vectors.indices), "indptr": encode_array(vectors.indptr)}

    @classmethod
    def from_data(cls, data: Any, notes: dict[str, Paper], lists: dict[str, list[Cited]],
                  result: dict[str, list[Relation]]) -> _Model | None:
        """The model kept by `text_data` for these notes (its lists `result`), or None when the cache
        holds anything else (another set of notes, a damaged or hand-made file)."""
        from scipy import sparse

        try:
            if data["keys"] != sorted(notes):
                return None
            shape = tuple(data["shape"])
            vectors = sparse.csr_matrix((decode_array(data["data"]), decode_array(data["indices"]),
                                         decode_array(data["indptr"])), shape=shape)
            vectors.check_format(full_check=True)
            words = None
            if data["vocabulary"] is not None:
                words = vectorizer(phrases=False, max_df=0.5)
                words.vocabulary = {str(name): column for column, name in enumerate(data["vocabulary"])}
                words.idf = decode_array(data["idf"])
                if len(words.vocabulary) != len(data["vocabulary"]) or words.idf.shape != (shape[1],) \
                        or len(words.vocabulary) != shape[1]:
                    return None
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            return None
        if shape[0] != len(notes):
            return None
        model = cls(notes, None, lists, (words, vectors))
        model.lists = dict(result)
        return model

    def all(self) -> dict[str, list[Relation]]:
        for start in range(0, len(self.keys), 512):
            block = self.keys[start : start + 512]
            similar = (self.vectors[start : start + len(block)] @ self.vectors.T).toarray()
            for offset, key in enumerate(block):
                self.lists[key] = self._best(key, similar[offset])
        return dict(self.lists)

    def update(self, changed: list[str], notes: dict[str, Paper], texts: dict[str, str]) -> dict[str, list[Relation]]:
        """The lists after `changed` notes' texts changed: their own lists, and the lists of every note
        whose candidates they were or become (a text likeness above the threshold, before or after, or
        a place on its list). Any other note's list cannot change: the result equals `all()` with
        this model's vocabulary."""
        from scipy import sparse

        rows = [self.row[k] for k in changed]
        before = (self.vectors[rows] @ self.vectors.T).toarray()
        if self.words is not None:
            new = self.words.transform([texts[k] for k in changed]).tocsr()
            vectors = self.vectors.tolil()
            for key, row in zip(changed, new, strict=True):
                vectors[self.row[key]] = row
            self.vectors = sparse.csr_matrix(vectors)
        after = (self.vectors[rows] @ self.vectors.T).toarray()
        touched = set(changed)
        affected = set(changed)
        for old, now in zip(before, after, strict=True):
            affected.update(self.keys[j] for j in ((old > TEXT_THRESHOLD) | (now > TEXT_THRESHOLD)).nonzero()[0])
        affected.update(key for key, current in self.lists.items() if any(r.key in touched for r in current))
        for key in sorted(affected):
            self.lists[key] = self._best(key, (self.vectors[self.row[key]] @ self.vectors.T).toarray()[0])
        return dict(self.lists)

    def _score(self, key: str, other: str, text: float) -> tuple[float, str]:
        i, j = self.row[key], self.row[other]
        shared = int(self.coupling[i, j]) if self.counts[i] and self.counts[j] else 0
        parts: list[str] = []
        score = 0.0
        if other in self.cites_note.get(key, ()):
            score += 0.6
            parts.append("cited by this paper")
        if key in self.cites_note.get(other, ()):
            score += 0.6
            parts.append("cites this paper")
        if shared:
            score += shared / math.sqrt(self.counts[i] * self.counts[j])
            parts.append(f"cites {shared} of the same papers" if shared > 1 else "cites one of the same papers")
        together = len(self.cited_by.get(key, set()) & self.cited_by.get(other, set()))
        if together:
            score += 0.3 * together / max(1, len(self.cited_by.get(key, set()) | self.cited_by.get(other, set())))
            parts.append(f"cited together by {together} of your notes" if together > 1 else "cited together by one of your notes")
        if text > TEXT_THRESHOLD:
            score += 0.5 * text
            parts.append("similar words")
        return score, " · ".join(parts)

    def _best(self, key: str, similar: Any) -> list[Relation]:
        """The note's list from its row of text likeness: every note scored at once (the same sum as
        `_score`), and the reasons written for the few shown."""
        import numpy

        i = self.row[key]
        scores = numpy.where(similar > TEXT_THRESHOLD, 0.5 * similar, 0.0)
        if self.counts[i]:
            coupled = self.coupling[i]
            scores[coupled.indices] += coupled.data / numpy.sqrt(self.counts[i] * self.count_array[coupled.indices])
        for other in self.cites_note.get(key, set()) | self.cited_by.get(key, set()):
            scores[self.row[other]] += 0.6 * ((other in self.cites_note.get(key, set())) + (key in self.cites_note.get(other, set())))
        citers = self.cited_by.get(key, set())
        for other in {o for citer in citers for o in self.cites_note[citer]} - {key}:
            together = citers & self.cited_by.get(other, set())
            scores[self.row[other]] += 0.3 * len(together) / max(1, len(citers | self.cited_by.get(other, set())))
        scores[i] = 0.0
        shown = [int(j) for j in top_indices(scores, RELATED_SHOWN) if scores[j] > 0]
        if shown:  # equal scores at the edge: all of them, then by key
            edge = scores[shown[-1]] - 1e-9
            shown = sorted({*shown, *(int(j) for j in (scores >= edge).nonzero()[0] if j != i)})
        relations = []
        for j in shown:
            score, reason = self._score(key, self.keys[j], float(similar[j]))
            if score > 0:
                relations.append(Relation(self.keys[j], round(score, 6), reason))
        relations.sort(key=lambda r: (-r.score, r.key))
        return relations[:RELATED_SHOWN]


def _save(cache: DataCache | None, model_cache: DataCache | None, refs: str, texts: dict[str, str], model: _Model,
          result: dict[str, list[Relation]]) -> None:
    if cache is None or model_cache is None:
        return
    cache.save({"refs": refs, "texts": {k: _digest(t) for k, t in texts.items()},
                "related": {key: [[r.key, r.score, r.reason] for r in rows] for key, rows in result.items()}})
    model_cache.save(model.text_data())


def reference_lists(library: Library, papers: Sequence[Paper], offline: bool, warn: Callable[[str], None],
                    say: Callable[[str], None]) -> dict[str, list[Cited]]:
    """The kept reference lists, with the missing ones fetched first unless `offline`."""
    lists = read_references(library.root)
    if not offline:
        missing = sum(1 for p in papers if p.key not in lists and (p.arxiv or p.doi))
        if missing:
            from papernotes.services.adding import semantic_scholar

            now = min(missing, MAX_FETCHED)
            later = f"; the other {missing - now} next time" if missing > now else ""
            say(f"fetching the reference lists of {counted(now, 'note')} from Semantic Scholar (kept in {INBOX}/{REFERENCES}){later}")
            fetch_missing(library, papers, semantic_scholar(library), lists, warn)
    return lists
