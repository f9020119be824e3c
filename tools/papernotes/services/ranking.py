"""What the reader's library says about new papers: which are worth reading (the weekly digest's
order) and why, and which notes are a paper's neighbours by text (related papers).

The ranking is arxiv-sanity-lite's: TF-IDF over words (plurals as their singular) and two-word
phrases of the title, the abstract and the reader's own notes, and a linear SVM per reader that
learns what separates the papers they read from everything else this week. Words every abstract
shares ("learning", "language models") are on both sides of that line, so they weigh nothing; the
phrases only the reader's papers share weigh most. Papers the reader skipped, and papers passed over
in earlier digests (left unticked above one they ticked), are negatives. Measured on real abstracts
with hand labels in benchmarks/ranking.py against plain TF-IDF similarity and recency.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import filterfalse
from typing import TYPE_CHECKING, Any

from papernotes.model.paper import Paper
from papernotes.model.statuses import SKIPPED, STATUS_WEIGHT
from papernotes.runtime import in_parts

if TYPE_CHECKING:
    import numpy as np

CLOSEST_SHOWN = 2
PHRASES_SHOWN = 3
MAX_HYPHENATED = 6  # words of a phrase shown with its hyphenated words whole ("state-of-the-art results": five)
PASSED_OVER_WEIGHT = 2.0  # a paper the reader saw and did not tick says more than one never shown
FEEDBACK_PAPERS, FEEDBACK_WEIGHT = 3, 0.5  # the pseudo-relevance feedback: how many, and how much each counts
FEEDBACK_ABOVE = 20  # new papers needed for it
FEEDBACK_SURE = 3.0  # how far above the week's mean first score (in standard deviations) a paper must be to teach
# A read paper's topic and tags, written five times: the words a reader chose for what they read
# are the surest sign of it. With two or three papers read, P@5 rises from 0.81 to 0.92 and P@10
# from 0.78 to 0.84 for readers who file them under a topic (benchmarks/ranking.py).
LABEL_WEIGHT = 5
# A new reader whose few papers have no topic or tags is told that filing them ranks better (with
# them, two-paper readers' P@10 0.76 -> 0.85 in benchmarks/ranking.py).
FEW_PAPERS_READ = 10
SHARE_WEIGHT = 1.0  # a decision value's unit: a shared paper belongs near the top
SVM_C = 0.1  # strong regularisation: with 2-3 papers read, the model must not learn each abstract by heart
# Words of two characters or more that begin with a letter. A hyphen parts them, as in scikit-learn's
# own pattern: the week's "diffusion models" then meet a reader's "diffusion-based generative models",
# and "score-based" counts as "score" and "based" with the phrase "score based" (benchmarks/ranking.py:
# two-paper readers' P@5 0.87 -> 0.92, under 4/5 7 -> 1, the narrow diffusion reader 1/5 -> 4/5;
# three-paper readers' P@10 0.82 -> 0.80).
TOKENS = r"(?u)\b[a-zA-Z][a-zA-Z0-9]+\b"
_WORDS = re.compile(TOKENS)
BLOCK = 256  # rows of a similarity matrix computed at a time: memory stays bounded

# scikit-learn's ENGLISH_STOP_WORDS (sklearn/feature_extraction/_stop_words.py, BSD-3-Clause), copied:
# importing anything from scikit-learn takes a second, and the site's related papers need only these
# words. tests/test_ranking.py checks the copy against the original.
ENGLISH_STOP_WORDS = frozenset("""
    a about above across after afterwards again against all almost alone along already also although always am
    among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as at
    back be became because become becomes becoming been before beforehand behind being below beside besides
    between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do
    done down due during each eg eight either eleven else elsewhere empty enough etc even ever every everyone
    everything everywhere except few fifteen fifty fill find fire first five for former formerly forty found
    four from front full further get give go had has hasnt have he hence her here hereafter hereby herein
    hereupon hers herself him himself his how however hundred i ie if in inc indeed interest into is it its
    itself keep last latter latterly least less ltd made many may me meanwhile might mill mine more moreover
    most mostly move much must my myself name namely neither never nevertheless next nine no nobody none noone
    nor not nothing now nowhere of off often on once one only onto or other others otherwise our ours
    ourselves out over own part per perhaps please put rather re same see seem seemed seeming seems serious
    several she should show side since sincere six sixty so some somehow someone something sometime sometimes
    somewhere still such system take ten than that the their them themselves then thence there thereafter
    thereby therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via was we
    well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon wherever
    whether which while whither who whoever whole whom whose why will with within without would yet you your
    yours yourself yourselves
""".split())
# Abstracts cite ("Smith et al. showed"): "et al" is no topic, and was a why-phrase in digests.
STOP_WORDS = ENGLISH_STOP_WORDS | {"et", "al"}


@dataclass
class NewPaper:
    paper: Paper
    queries: list[str] = field(default_factory=list)
    score: float = 0.0
    close_to: tuple[str, ...] = ()  # keys of the library's papers it is closest to
    phrases: tuple[str, ...] = ()  # the words and phrases that weighed most for it
    upvotes: int | None = None  # Hugging Face daily papers' upvotes, when it lists the paper
    upvotes_gained: int | None = None  # since the snapshot of the last check
    trending: int | None = None  # its place in Papers with Code's trending list
    shared_by: list[str] = field(default_factory=list)  # people the reader follows who shared it this week

    @property
    def standing(self) -> float:
        """Its score with what the people the reader follows said: each share (two at most) counts as
        much as the gap between a paper like the library's and one like nothing in it."""
        return self.score + SHARE_WEIGHT * min(len(self.shared_by), 2)


def document(paper: Paper, label_weight: int = 1) -> str:
    """The text a paper is known by: the title counts twice, then the abstract, the reader's notes
    and their tags and topic as words (`label_weight` times: the digest's model weighs a reader's
    own words for a topic most)."""
    labels = " ".join(label.replace("-", " ").replace("/", " ") for label in (*paper.tags, paper.topic or ""))
    # Parted by " | ": the phrases a digest shows are of neighbours in one part, not "models faster" from
    # a title's end and its repetition's start.
    return " | ".join(filter(None, (paper.title, paper.title, paper.abstract, paper.body, *[labels] * label_weight)))


def vectorizer(phrases: bool = True, max_df: float = 0.8) -> Vectorizer:
    """TF-IDF over words (and two-word phrases), as the digest and related papers weigh them."""
    return Vectorizer(words_and_phrases if phrases else words, max_df)


class Vectorizer:
    """scikit-learn's TfidfVectorizer(sublinear_tf=True, max_df=...): the same features and weights (a
    test compares them), computed here for speed. Its counting loop looks every word of every
    document up one by one in Python, and was a third of the time of ranking a busy week
    (benchmarks/watch.py); here collections.Counter counts, in forked processes when there are
    thousands of documents. And nothing here imports scikit-learn (a second): the site's related
    papers use this without it."""

    def __init__(self, analyzer: Callable[[str], list[str]], max_df: float) -> None:
        self.analyzer = analyzer
        self.max_df = max_df
        self.vocabulary: dict[str, int] = {}
        self.idf: Any = None

    def fit_transform(self, texts: Sequence[str]) -> Any:
        import numpy
        import scipy.sparse

        vocabulary: dict[str, int] = {}
        parts = []
        for found, counts in _counted_in_parts(self.analyzer, texts):  # each part numbers its own features
            columns = numpy.array([vocabulary.setdefault(name, len(vocabulary)) for name in found], dtype=numpy.int64)
            parts.append((counts.data, columns[counts.indices] if len(columns) else counts.indices, counts.indptr))
        names = numpy.array(sorted(vocabulary), dtype=object)
        if not len(names):
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        position = numpy.empty(len(names), dtype=numpy.int64)
        position[[vocabulary[name] for name in names]] = numpy.arange(len(names))
        counts = scipy.sparse.vstack([scipy.sparse.csr_matrix((data, position[indices], indptr), shape=(len(indptr) - 1, len(names)))
                                      for data, indices, indptr in parts], format="csr")
        documents_with = numpy.bincount(counts.indices, minlength=len(names))
        kept = numpy.flatnonzero(documents_with <= self.max_df * len(texts))
        if not len(kept):
            raise ValueError("after pruning, no terms remain")
        counts = counts[:, kept]
        counts.sort_indices()
        self.vocabulary = {str(name): column for column, name in enumerate(names[kept])}
        # scikit-learn's smooth idf: as if one more document held every word once
        self.idf = (numpy.log((1 + len(texts)) / (1 + documents_with[kept])) + 1).astype(numpy.float32)
        return self._weighed(counts)

    def transform(self, texts: Sequence[str]) -> Any:
        return self._weighed(_count(self.analyzer, texts, self.vocabulary)[1])

    def _weighed(self, counts: Any) -> Any:
        """Sublinear term frequency (1 + log count) times idf, each row scaled to length 1."""
        import numpy

        numpy.log(counts.data, out=counts.data)
        counts.data += 1
        counts.data *= self.idf[counts.indices]
        lengths = numpy.sqrt(numpy.asarray(counts.multiply(counts).sum(axis=1)).ravel())
        lengths[lengths == 0] = 1  # a document with none of the words stays all zeros
        counts.data /= numpy.repeat(lengths, numpy.diff(counts.indptr)).astype(counts.data.dtype)
        return counts

    def get_feature_names_out(self) -> Any:
        import numpy

        return numpy.array(sorted(self.vocabulary, key=self.vocabulary.__getitem__), dtype=object)


def _count(analyzer: Callable[[str], list[str]], texts: Sequence[str],
           fixed: dict[str, int] | None = None) -> tuple[list[str], Any]:
    """The features found, in column order, and the documents x features counts; with `fixed`, only
    that vocabulary's features, in its columns (and no features named: the vocabulary is the caller's)."""
    from collections import Counter

    import numpy
    import scipy.sparse

    vocabulary: dict[str, int] = {} if fixed is None else fixed
    columns: list[int] = []
    values: list[int] = []
    ends = [0]
    for text in texts:
        counted = Counter(analyzer(text))
        if fixed is None:
            columns.extend([vocabulary.setdefault(feature, len(vocabulary)) for feature in counted])
        else:
            counted = Counter({feature: n for feature, n in counted.items() if feature in fixed})
            columns.extend(map(fixed.__getitem__, counted))
        values.extend(counted.values())
        ends.append(len(columns))
    return list(vocabulary) if fixed is None else [], scipy.sparse.csr_matrix(
        (numpy.array(values, dtype=numpy.float32), numpy.array(columns, dtype=numpy.int32), numpy.array(ends, dtype=numpy.int64)),
        shape=(len(texts), len(vocabulary)))


PARALLEL_ABOVE = 4000  # documents: fewer are counted sooner than two processes start


def _counted_in_parts(analyzer: Callable[[str], list[str]], texts: Sequence[str]) -> list[tuple[list[str], Any]]:
    """_count over the texts, split between the machine's processors when there are many: counting
    is pure Python, bound to one core, and most of the time of ranking a busy week."""
    return in_parts(functools.partial(_count, analyzer), texts, PARALLEL_ABOVE)


def words(text: str) -> list[str]:
    """The words scikit-learn's analyzer finds (lower case, TOKENS, its English stop words dropped)."""
    return list(filterfalse(STOP_WORDS.__contains__, _WORDS.findall(text.lower())))


def words_and_phrases(text: str) -> list[str]:
    """The words with their plurals folded, then every two neighbours among them: what scikit-learn's
    ngram_range=(1, 2) gives over `folded`, built here because its own n-gram loop was a third of the
    time of ranking a busy week (benchmarks/watch.py). Module-level functions, so that forked workers
    can be handed them."""
    found = [folded(word) for word in words(text)]
    return found + [f"{first} {second}" for first, second in zip(found, found[1:], strict=False)]


@functools.lru_cache(maxsize=65536)
def folded(word: str) -> str:
    """A plural as its singular: Harman's S stemmer ("How effective is suffixing?", JASIS 1991), so that a
    reader of two papers on "diffusion models" meets the week's "diffusion model". The full stemmers
    measured worse (Porter2 from snowballstemmer, benchmarks/ranking.py: P@10 0.84 over forty readers
    with three papers, 0.87 with this), and the rule is three lines."""
    if word.endswith("ies") and not word.endswith(("eies", "aies")):
        return word[:-3] + "y"
    if word.endswith("es") and not word.endswith(("aes", "ees", "oes")):
        return word[:-1]
    if word.endswith("s") and not word.endswith(("us", "ss")):
        return word[:-1]
    return word


def as_written(text: str) -> dict[str, str]:
    """Each folded word and two-word phrase of `text`, as the text first writes it: what a digest shows
    of the features that weighed most. A phrase only of neighbours in the text (a space or a hyphen
    between them): the model also joins words across a dropped stop word ("learning from human"
    counts as "learning human") and punctuation."""
    lower = text.lower()
    found = list(_WORDS.finditer(lower))
    # A hyphen joins a word to the next: a word or phrase that is part of "open-domain" is shown with
    # all of it, a word alone only when the text never writes it alone ("fine" is "fine-tuning").
    gaps = [lower[a.end() : b.start()] for a, b in zip(found, found[1:], strict=False)]
    starts = list(range(len(found)))  # where the hyphenated word that each word is part of starts
    for i, gap in enumerate(gaps):
        if gap == "-":
            starts[i + 1] = starts[i]
    ends = list(range(len(found)))  # and ends
    for i in reversed(range(len(gaps))):
        if gaps[i] == "-":
            ends[i] = ends[i + 1]

    def shown(first: int, last: int) -> str:
        """Words first..last as written, with the hyphenated words they are part of unless too long."""
        start, end = starts[first], ends[last]
        if end - start + 1 > MAX_HYPHENATED:
            start, end = first, last
        return " ".join(lower[found[start].start() : found[end].end()].split())

    written: dict[str, str] = {}
    in_hyphenated: dict[str, str] = {}
    for i, match in enumerate(found):
        if match[0] not in STOP_WORDS:
            (written if starts[i] == ends[i] else in_hyphenated).setdefault(folded(match[0]), shown(i, i))
    for word, whole in in_hyphenated.items():
        written.setdefault(word, whole)
    for i, gap in enumerate(gaps):
        first, second = found[i][0], found[i + 1][0]
        phrase = f"{folded(first)} {folded(second)}"
        if first not in STOP_WORDS and second not in STOP_WORDS and (gap == "-" or not gap.strip()) and phrase not in written:
            written[phrase] = shown(i, i + 1)
    return written


def unfiled_start(library: Sequence[Paper]) -> bool:
    """Whether the ranking learns from a handful of papers, none filed under a topic or tag."""
    liked = [p for p in library if p.status != SKIPPED]
    return 0 < len(liked) <= FEW_PAPERS_READ and not any(p.topic or p.tags for p in liked)


def rank(candidates: Sequence[NewPaper], library: Sequence[Paper], passed_over: Sequence[Paper] = (),
         explain: int | None = None, order: Callable[[list[NewPaper]], list[NewPaper]] | None = None) -> list[NewPaper]:
    """Candidates best first, newest first among equals, and by recency alone when nothing is read yet;
    then in `order` when given (popularity's say). The first `explain` (all by default) also get the
    library papers they are closest to and the phrases that put them there."""
    ranked = list(candidates)
    liked = [p for p in library if p.status != SKIPPED]
    disliked = [p for p in library if p.status == SKIPPED] + list(passed_over)
    model = _Model(ranked, liked, disliked) if ranked and liked else None
    if model is not None and model.fitted:
        for candidate, score in zip(ranked, model.scores, strict=True):
            candidate.score = float(score)
    position = {id(c): i for i, c in enumerate(ranked)}
    ranked.sort(key=lambda c: (-round(c.standing, 6), -(c.paper.published or dt.date.min).toordinal(), c.paper.arxiv or ""))
    if order is not None:
        ranked = order(ranked)
    if model is not None and model.fitted:
        shown = ranked if explain is None else ranked[:explain]
        model.explain(shown, [position[id(c)] for c in shown])
    return ranked


class _Model:
    def __init__(self, ranked: list[NewPaper], liked: list[Paper], disliked: list[Paper]) -> None:
        import numpy
        from sklearn.svm import LinearSVC

        self.liked = liked
        self.fitted = False
        self.words = vectorizer()
        try:
            matrix = self.words.fit_transform([document(p, LABEL_WEIGHT) for p in liked + disliked] +
                                              [document(c.paper) for c in ranked])
        except ValueError:  # no usable words at all: recency decides
            return
        matrix = matrix.astype(numpy.float64)  # what liblinear takes: converted once here, not in each fit
        positives = len(liked)
        labels = numpy.zeros(matrix.shape[0])
        labels[:positives] = 1
        weights = numpy.ones(matrix.shape[0])
        weights[:positives] = [STATUS_WEIGHT.get(p.status, 0.5) for p in liked]
        weights[positives : positives + len(disliked)] = PASSED_OVER_WEIGHT
        start = positives + len(disliked)
        new = matrix[start:]

        def fitted(with_weights: Any) -> Any:
            return LinearSVC(C=SVM_C, class_weight="balanced", tol=1e-5, max_iter=5000).fit(matrix, labels, sample_weight=with_weights)

        model = fitted(weights)
        scores = model.decision_function(new)
        # Pseudo-relevance feedback: the new papers the model is surest are like what was read teach
        # it the topic's other words, and it is fitted again. With two or three papers read this
        # lifts P@10 on real abstracts from 0.73 to 0.79 for readers picking papers at random.
        if new.shape[0] >= FEEDBACK_ABOVE:  # in a handful of papers the best three are not "the topic"
            spread = float(scores.std()) or 1.0
            sure = [i for i in top_indices(scores, FEEDBACK_PAPERS) if (scores[i] - scores.mean()) / spread >= FEEDBACK_SURE]
            chosen = [start + int(i) for i in sure]
            labels[chosen] = 1
            weights[chosen] = FEEDBACK_WEIGHT
            if chosen:  # nothing sure: the first model stands (a second fit would be the same one)
                model = fitted(weights)
                scores = model.decision_function(new)
            # A paper taught as the topic would be judged by its own lesson, and stay on top whether or
            # not it is the topic: each is scored by a model fitted without it. Sure papers only, and
            # scored apart: two-paper readers' P@5 0.84 -> 0.87, three-paper 0.86 -> 0.90, those
            # filed under a topic about as before (benchmarks/ranking.py). Among many papers read a
            # lesson weighs little, and three more fits cost 0.6 s at 10,000 notes: a new reader's only.
            for row in chosen if positives <= FEW_PAPERS_READ else ():
                without = weights.copy()
                without[row] = 0.0
                scores[row - start] = fitted(without).decision_function(matrix[row])[0]
        self.known = matrix[:positives]
        self.new = new
        self.scores = scores
        self.coef = model.coef_.ravel()
        self.fitted = True

    def explain(self, shown: list[NewPaper], rows: list[int]) -> None:
        names = self.words.get_feature_names_out()
        for start in range(0, len(shown), BLOCK):
            block = (self.new[rows[start : start + BLOCK]] @ self.known.T).toarray()
            for offset, similarity in enumerate(block):
                candidate = shown[start + offset]
                closest = top_indices(similarity, CLOSEST_SHOWN)
                candidate.close_to = tuple(self.liked[i].key for i in closest if similarity[i] > 0)
                written = as_written(document(candidate.paper))
                candidate.phrases = _phrases(self.new[rows[start + offset]], self.coef, names, written)


def top_indices(values: np.ndarray, count: int) -> np.ndarray:
    """Indices of the `count` largest values, largest first, without sorting them all."""
    if len(values) > count:
        part = values.argpartition(-count)[-count:]
        return part[values[part].argsort()[::-1]]
    return values.argsort()[::-1]


def _phrases(vector: Any, coef: np.ndarray, names: np.ndarray, written: dict[str, str]) -> tuple[str, ...]:
    """The features that raised this paper's score most, as the paper writes them: phrases before
    single words, and no word already inside a phrase shown."""
    columns = vector.indices
    gains = vector.data * coef[columns]
    best = [str(names[columns[i]]) for i in top_indices(gains, 12) if gains[i] > 0]
    phrases: list[str] = []
    for name in best:  # "open-domain" is not shown beside "open-domain question"
        if " " in name and name in written and len(phrases) < PHRASES_SHOWN \
                and not any(written[name] in written[shown] or written[shown] in written[name] for shown in phrases):
            phrases.append(name)
    covered = {word for phrase in phrases for word in phrase.split()}
    # Once each: "fine" and "tune" are both shown as "fine-tune".
    words = list(dict.fromkeys(written[name] for name in best if " " not in name and name not in covered and name in written))
    return tuple([written[phrase] for phrase in phrases] + words[: PHRASES_SHOWN - len(phrases)])
