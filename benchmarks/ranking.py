"""Does the digest put the papers a reader wants first? Prints figures; asserts nothing.

    python benchmarks/ranking.py     # (its speed at 2,000 x 10,000: benchmarks/watch.py)

Quality: 317 real abstracts (two Zotero libraries in tests/data/bibtex: emergent communication and
linguistics; reinforcement learning and language models), each labelled with its topics by hand in
tests/data/ranking/labels.txt. Each reader has read two or three papers of one topic; the week's
new papers are all the others. Precision at 5 and 10 (the share of the top 5 and 10 on the reader's
topic) for the digest's ranking, plain TF-IDF similarity (the ranking before issue 24: a paper's
best cosine to a paper read) and recency (arXiv's order), each measured in the same run.

Readers: the eight hand-picked ones; two-paper readers (five per topic, picked at random, plus a
narrow topic, diffusion models, and a broad one, language models at large); forty readers with
three papers of a topic picked at random. Each reader is measured as it comes (its notes have no
topic) and as a reader who filed the papers under a topic named for it (`topic: generative-models`):
the words a reader chose are the surest sign of what they read. Goals (issue 34): P@5 >= 0.8 for
every two-paper reader; P@10 >= 0.85 over the forty random readers.

Then a second week with feedback: the reader ticked the papers on their topic in the first week's
top 10 (they join the library, to read) and left the rest unticked (passed over).
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
from collections.abc import Callable, Sequence

from _common import REPO

# isort: split
# (_common put tools/ and tests/ on sys.path)
from papernotes.model.paper import Paper
from papernotes.services.ranking import NewPaper, document, rank
from papernotes.sources.bibtex import parse_bib

DATA = REPO / "tests" / "data"
READERS = [  # (topic, papers read, the labels that are on topic)
    ("compositionality", ["chaabouni_compositionality_2020", "ren_compositional_2020", "andreas_measuring_2019"], {"comp"}),
    ("RL from human feedback", ["christianoDeepReinforcementLearning2017", "ouyangTrainingLanguageModels2022",
                                "stiennonLearningSummarizeHuman2022"], {"pref"}),
    ("offline RL", ["chenDecisionTransformerReinforcement2021", "emmonsRvSWhatEssential2022",
                    "kumarOfflineQLearningDiverse2022"], {"offrl"}),
    ("language models", ["akyurekWhatLearningAlgorithm2022", "gargWhatCanTransformers2022", "weiChainThoughtPrompting2022"],
     {"icl", "llm"}),
    ("generative models", ["karrasElucidatingDesignSpace2022", "songHowTrainYour2021",
                           "huangVariationalPerspectiveDiffusionBased2021"], {"gen"}),
    ("multi-agent RL", ["foerster_learning_2016", "jaques_social_2019", "oroojlooyjadid_review_2019"], {"marl"}),
    ("language evolution", ["smith_iterated_2003", "griffiths_language_2007", "kirby_syntax_1998"], {"evo"}),
    ("emergent communication (2 read)", ["lazaridou_multi-agent_2016", "havrylov_emergence_2017"], {"ec"}),
]
Ranker = Callable[[Sequence[NewPaper], Sequence[Paper]], list[NewPaper]]


def labelled() -> tuple[dict[str, Paper], dict[str, set[str]]]:
    labels: dict[str, set[str]] = {}
    for line in (DATA / "ranking" / "labels.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, *topics = line.split()
            labels[key] = set(topics)
    papers: dict[str, Paper] = {}
    for name in ("brendon-boldt_phd-thesis_zotero.bib", "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib"):
        for entry in parse_bib((DATA / "bibtex" / name).read_text(encoding="utf-8")).entries:
            if entry.key in labels and entry.paper is not None and entry.key not in papers:
                papers[entry.key] = entry.paper
    return papers, labels


def plain_tfidf(candidates: Sequence[NewPaper], library: Sequence[Paper]) -> list[NewPaper]:
    """The ranking before issue 24, kept here as the baseline: a paper's best TF-IDF cosine to a paper read."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.8)
    matrix = vectorizer.fit_transform([document(p) for p in library] + [document(c.paper) for c in candidates])
    similarity = (matrix[len(library):] @ matrix[: len(library)].T).toarray().max(axis=1)
    return [c for _, c in sorted(zip(-similarity, candidates, strict=True), key=lambda pair: pair[0])]


def recency(candidates: Sequence[NewPaper], library: Sequence[Paper]) -> list[NewPaper]:
    return sorted(candidates, key=lambda c: c.paper.published or dt.date.min, reverse=True)


def week(papers: dict[str, Paper], keys: list[str], seed: str) -> list[NewPaper]:
    rng = random.Random(seed)
    return [NewPaper(papers[key].replace(key="", arxiv=key, published=dt.date(2026, 11, 23) + dt.timedelta(days=rng.randrange(7))))
            for key in keys]


def hits(order: list[NewPaper], labels: dict[str, set[str]], wanted: set[str], top: int) -> int:
    return sum(1 for c in order[:top] if labels[c.paper.arxiv or ""] & wanted)


def readers(papers: dict[str, Paper], labels: dict[str, set[str]]) -> dict[str, list[tuple[str, list[str], set[str]]]]:
    """The readers, by group: (name, papers read, the labels on their topic)."""
    def picked(wanted: set[str], count: int, rng: random.Random) -> list[str]:
        return rng.sample(sorted(key for key in papers if labels[key] & wanted), count)

    two, three = random.Random(22), random.Random(11)
    groups: dict[str, list[tuple[str, list[str], set[str]]]] = {"hand-picked": list(READERS), "two papers": [], "three at random": []}
    for topic, _, wanted in READERS:
        base = topic.replace(" (2 read)", "")
        groups["two papers"] += [(f"{base} #{n + 1}", picked(wanted, 2, two), wanted) for n in range(5)]
        groups["three at random"] += [(f"{base} #{n + 1}", picked(wanted, 3, three), wanted) for n in range(5)]
    groups["two papers"] += [("diffusion models (narrow)", ["karrasElucidatingDesignSpace2022", "huangVariationalPerspectiveDiffusionBased2021"], {"diff"}),
                             ("language models (broad)", ["ouyangTrainingLanguageModels2022", "weiChainThoughtPrompting2022"],
                              {"llm", "icl", "textgen"})]
    return groups


def topic_path(name: str) -> str:
    """The topic a reader would file the papers under: "generative models #3" is generative-models."""
    return name.split(" #")[0].split(" (")[0].lower().replace(" ", "-")


def quality() -> None:
    papers, labels = labelled()
    rankers: dict[str, Ranker] = {"digest": rank, "plain TF-IDF": plain_tfidf, "recency": recency}
    print(f"ranking quality: {len(papers)} real abstracts with hand labels; each reader's week is every paper they have not read")
    for group, members in readers(papers, labels).items():
        for filed in (False, True):
            totals: dict[str, list[tuple[int, int]]] = {name: [] for name in rankers}
            rows = []
            for name, read, wanted in members:
                library = [papers[key].replace(key=key, status="read", topic=topic_path(name) if filed else None) for key in read]
                candidates = week(papers, [key for key in papers if key not in read], name)
                on_topic = sum(1 for c in candidates if labels[c.paper.arxiv or ""] & wanted)
                cells = []
                for ranker_name, ranker in rankers.items():
                    order = ranker([NewPaper(c.paper) for c in candidates], library)
                    result = (hits(order, labels, wanted, 5), hits(order, labels, wanted, 10))
                    totals[ranker_name].append(result)
                    cells.append(f"{result[0]:>6}/5 {result[1]:>2}/10")
                rows.append(f"    {name:<34}{on_topic:>9}   " + "   ".join(cells))
            print(f"  {group} ({len(members)} readers), {'filed under a topic' if filed else 'notes without a topic'}:")
            if group != "three at random":
                print(f"    {'reader':<34}{'on topic':>9}   " + "   ".join(f"{name:>14}" for name in rankers) + "    (hits in the top 5 · top 10)")
                print("\n".join(rows))
            baseline = statistics.mean(b for _, b in totals["plain TF-IDF"]) / 10 or 1
            for ranker_name, results in totals.items():
                p5, p10 = (statistics.mean(r[i] for r in results) / k for i, k in ((0, 5), (1, 10)))
                print(f"    {ranker_name:<14} P@5 {p5:.2f}   P@10 {p10:.2f}   worst reader {min(r[0] for r in results)}/5 "
                      f"{min(r[1] for r in results)}/10   under 4/5: {sum(1 for r in results if r[0] < 4):>2}   "
                      f"P@10 ratio to plain TF-IDF {p10 / baseline:.2f}")
    feedback(papers, labels)


def feedback(papers: dict[str, Paper], labels: dict[str, set[str]]) -> None:
    """Two weeks: the first week's digest is ticked by the labels; does the second week rank better for it?"""
    before, after = [], []
    for topic, read, wanted in READERS:
        rest = [key for key in papers if key not in read]
        random.Random(topic).shuffle(rest)
        first, second = rest[: len(rest) // 2], rest[len(rest) // 2 :]
        library = [papers[key].replace(key=key, status="read") for key in read]
        top = rank(week(papers, first, topic), library)[:10]
        ticked = [c.paper.replace(key=f"t{i}", status="to-read") for i, c in enumerate(top) if labels[c.paper.arxiv or ""] & wanted]
        passed = [c.paper for c in top if not labels[c.paper.arxiv or ""] & wanted]
        candidates = week(papers, second, topic + "2")
        before.append(hits(rank([NewPaper(c.paper) for c in candidates], library), labels, wanted, 10))
        after.append(hits(rank(candidates, library + ticked, passed), labels, wanted, 10))
    print(f"  second week (half the papers), P@10 without the first week's ticks: {statistics.mean(before) / 10:.2f}; "
          f"with the ticked papers and the passed-over ones as negatives: {statistics.mean(after) / 10:.2f}")


if __name__ == "__main__":
    if "--help" in sys.argv:
        print(__doc__)
    else:
        quality()
