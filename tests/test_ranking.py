"""The digest's ranking on real abstracts (tests/data/bibtex): what it learns from, what it says for
each paper, and what it does with nothing to learn from. Its precision is measured in
benchmarks/ranking.py, not here."""

from __future__ import annotations

import datetime as dt
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from papernotes.model.paper import Paper
from papernotes.services.ranking import NewPaper, rank
from papernotes.services.watch import digest_line, passed_over, read_digest
from papernotes.sources.bibtex import parse_bib

DATA = Path(__file__).parent / "data" / "bibtex"


@pytest.fixture(scope="module")
def real() -> dict[str, Paper]:
    papers: dict[str, Paper] = {}
    for name in ("brendon-boldt_phd-thesis_zotero.bib", "AlexPiche_obsidian_vault_My_Library.betterbiblatex.bib"):
        for entry in parse_bib((DATA / name).read_text(encoding="utf-8")).entries:
            if entry.paper is not None and entry.paper.abstract:
                papers.setdefault(entry.key, entry.paper)
    return papers


def week(papers: list[Paper]) -> list[NewPaper]:
    return [NewPaper(p.replace(key="", arxiv=f"2611.{i:05d}", published=dt.date(2026, 11, 23))) for i, p in enumerate(papers)]


def test_a_reader_of_human_feedback_papers_gets_them_first_with_reasons(real: dict[str, Paper]) -> None:
    read = ["christianoDeepReinforcementLearning2017", "stiennonLearningSummarizeHuman2022"]
    library = [real[key].replace(key=key, status="read") for key in read]
    candidates = week([p for key, p in real.items() if key not in read])
    top = rank(candidates, library, explain=3)[:3]
    titles = [c.paper.title for c in top]
    assert any("Human Feedback" in title or "Preferences" in title for title in titles), titles
    for candidate in top:
        assert set(candidate.close_to) <= set(read) and candidate.close_to
        assert candidate.phrases and all(isinstance(p, str) and p for p in candidate.phrases)
    assert "human feedback" in {p for c in top for p in c.phrases}
    # Only the lines shown are explained: the rest keep no reasons.
    assert all(not c.close_to and not c.phrases for c in rank(candidates, library, explain=3)[3:])


def test_a_paper_taught_as_the_topic_is_scored_without_its_own_lesson(real: dict[str, Paper]) -> None:
    """The new papers the model is surest of teach it the topic (pseudo-relevance feedback); each is
    then scored by a model fitted without it, so it earns its place like any other paper: a reader of
    two diffusion papers once had the three taught papers (an energy-based model among them) stand a
    whole unit above the week, whatever they were about."""
    read = ["karrasElucidatingDesignSpace2022", "huangVariationalPerspectiveDiffusionBased2021"]
    library = [real[key].replace(key=key, status="read") for key in read]
    twin = real[read[0]].replace(key="", title="Elucidating the design space, again", arxiv="2611.99999",
                                 published=dt.date(2026, 11, 23))
    ranked = rank([NewPaper(twin), *week([p for key, p in real.items() if key not in read])], library)
    assert ranked[0].paper is twin, "a paper truly like what was read still comes first"
    scores = [c.score for c in ranked[1:5]]
    assert max(a - b for a, b in zip(scores, scores[1:], strict=False)) < 0.5, [(c.score, c.paper.title) for c in ranked[:6]]


def week_without(word: str, real: dict[str, Paper], *papers: Paper) -> list[NewPaper]:
    """`papers` in a week with the real abstracts that never say `word`."""
    return week([*papers, *[p for p in real.values() if word not in (p.title + (p.abstract or "")).lower()]])


def test_a_plural_read_meets_its_singular_and_the_reasons_are_as_the_paper_writes_them(real: dict[str, Paper]) -> None:
    """Two papers read on "diffusion models"; the week's paper on them writes "a diffusion model" and
    "score network", and another paper repeats the read papers' other plurals word for word. Without
    plurals folded that other paper came first."""
    library = [Paper(key="ho2020denoising", title="Denoising diffusion models", status="read",
                     abstract="We present diffusion models, latent variable models trained with score networks."),
               Paper(key="song2021score", title="Score-based diffusion models", status="read",
                     abstract="Diffusion models are latent variable models with score networks reversing noising processes.")]
    singular = Paper(key="", title="A diffusion model for speech",
                     abstract="We train a diffusion model: its score network reverses a noising process on audio.")
    other = Paper(key="", title="Variable models of language",
                  abstract="We present variable models trained with networks reversing text processes.")
    top = rank(week_without("diffusion", real, singular, other), library, explain=1)[0]
    assert top.paper.title == singular.title
    assert "diffusion model" in top.phrases and "diffusion models" not in top.phrases, top.phrases


def test_a_hyphen_parts_words_and_the_reasons_keep_it(real: dict[str, Paper]) -> None:
    """Two papers read on "diffusion-based" models: the week's paper writes "diffusion models". When a
    hyphenated word was one word, the read papers never said "diffusion", and a reader of two such real
    papers got energy-based models and normalising flows first (benchmarks/ranking.py)."""
    library = [Paper(key="karras2022", title="Diffusion-based generative models for images", status="read",
                     abstract="Diffusion-based generative models denoise images step by step."),
               Paper(key="huang2021", title="A variational view of diffusion-based models", status="read",
                     abstract="We study diffusion-based generative models through a variational lower bound.")]
    wanted = Paper(key="", title="Faster sampling for diffusion models",
                   abstract="Diffusion models sample slowly; we sample diffusion models in four steps.")
    other = Paper(key="", title="Normalising flows as generative models",
                  abstract="Normalising flows are generative models with exact likelihoods of images.")
    top = rank(week_without("diffusion", real, wanted, other), library, explain=2)[:2]
    assert top[0].paper.title == wanted.title, [c.paper.title for c in top]
    assert "diffusion models" in top[0].phrases and "models diffusion" not in top[0].phrases, top[0].phrases


def test_phrases_are_shown_with_their_hyphens_and_stay_bounded() -> None:
    from papernotes.services.ranking import as_written

    written = as_written("Open-domain question answering, with state-of-the-art results; learning from human\nfeedback.")
    assert written["domain question"] == "open-domain question"
    assert written["open domain"] == "open-domain"
    assert written["art result"] == "state-of-the-art results"
    assert written["human feedback"] == "human feedback"
    assert written["open"] == written["domain"] == "open-domain", "a word the text writes only hyphenated is shown so"
    assert written["result"] == "results" and written["state"] == "state-of-the-art"
    assert "result learning" not in written, "a phrase does not run across a semicolon"
    # A hostile abstract of one word hyphenated 100,000 times: each phrase is shown short, in linear time.
    chain = as_written("-".join(["ab"] * 100_000))
    assert chain["ab ab"] == "ab-ab"


def test_harmans_plural_folding() -> None:
    from papernotes.services.ranking import folded

    pairs = {"policies": "policy", "models": "model", "networks": "network", "agents": "agent", "process": "process",
             "corpus": "corpus", "analyses": "analyse", "series": "sery", "toes": "toe", "bias": "bia", "diffusion": "diffusion"}
    assert {word: folded(word) for word in pairs} == pairs


def test_why_phrases_are_never_a_citations_et_al(real: dict[str, Paper]) -> None:
    citing = [key for key, p in real.items() if "et al" in (p.abstract or "")]
    assert len(citing) >= 5, "real abstracts cite"
    library = [real[key].replace(key=key, status="read") for key in citing[:3]]
    ranked = rank(week([p for key, p in real.items() if key not in citing[:3]]), library)
    reasons = {word for c in ranked for phrase in c.phrases for word in phrase.split()}
    assert reasons and not reasons & {"et", "al"}, sorted(reasons)


def test_a_paper_passed_over_pulls_its_likes_down(real: dict[str, Paper]) -> None:
    library = [real[key].replace(key=key, status="read") for key in ("chaabouni_compositionality_2020", "ren_compositional_2020")]
    others = [p for key, p in real.items() if key not in ("chaabouni_compositionality_2020", "ren_compositional_2020")]
    before = rank(week(others), library)
    target = before[0].paper
    after = rank(week(others), library, passed_over=[target.replace(arxiv=None)])
    position = next(i for i, c in enumerate(after) if c.paper.arxiv == target.arxiv)
    assert after[0].paper.arxiv != target.arxiv and position > 0
    # A skipped note in the library counts the same way.
    skipped = rank(week(others), library + [target.replace(key="skipped1", status="skipped")])
    assert skipped[0].paper.arxiv != target.arxiv


def test_nothing_read_means_newest_first(real: dict[str, Paper]) -> None:
    papers = list(real.values())[:5]
    candidates = [NewPaper(p.replace(key="", arxiv=f"2611.0000{i}", published=dt.date(2026, 11, 20 + i))) for i, p in enumerate(papers)]
    assert [c.paper.arxiv for c in rank(candidates, [])] == [f"2611.0000{i}" for i in (4, 3, 2, 1, 0)]
    only_skipped = [papers[0].replace(key="s", status="skipped")]
    assert [c.paper.arxiv for c in rank(candidates, only_skipped)][0] == "2611.00004"
    # No usable words at all (stop words and numbers only): recency still decides, nothing raises.
    empty = [NewPaper(Paper(key="", title="the of 123", arxiv=f"2611.0001{i}", published=dt.date(2026, 11, 20 + i))) for i in range(3)]
    assert [c.paper.arxiv for c in rank(empty, [Paper(key="k", title="and 42", status="read")])] == ["2611.00012", "2611.00011", "2611.00010"]


def test_what_the_digest_says_reads_back(real: dict[str, Paper]) -> None:
    hostile = Paper(key="", title="A ](https://evil.example) [x] <script>alert(1)</script> · matched: evil",
                    abstract="</details><img src=x onerror=alert(1)> \\*not emphasis\\*", arxiv="2611.00001",
                    authors=("Eve <b>",), categories=("cs.LG",))
    line = digest_line(NewPaper(hostile, ["retrieval"], close_to=("k1",), phrases=("reward model",)))
    assert "<script>" not in line and "<img" not in line and not re.search(r"(?<!\\)\]\(https://evil", line)
    items, problems = read_digest(line.replace("- [ ]", "- [x]", 1) + "\n- [ ] " + line.split("- [ ] ", 1)[1].replace("2611.00001", "2611.00002")
                                  + "\n- [x] [Last](https://arxiv.org/abs/2611.00003) — A · matched: retrieval\n")
    assert not problems
    assert [(i.arxiv, i.ticked, i.queries) for i in items] == [("2611.00001", True, ("retrieval",)),
                                                              ("2611.00002", False, ("retrieval",)),
                                                              ("2611.00003", True, ("retrieval",))]
    assert items[1].title == hostile.title and items[1].abstract == hostile.abstract
    # Passed over: unticked above the last tick, in digests someone went through.
    assert passed_over([[], read_digest("- [ ] [A](https://arxiv.org/abs/2611.00009) — x")[0]]) == []
    taught = passed_over([read_digest("\n".join([line.replace("2611.00001", "2611.00005"), "- [x] [B](https://arxiv.org/abs/2611.00006) — x",
                                                  "- [ ] [C](https://arxiv.org/abs/2611.00007) — x"]))[0]])
    assert [(p.arxiv, p.title) for p in taught] == [("2611.00005", hostile.title)]


@pytest.mark.parametrize("in_parts", [False, True])
def test_the_words_are_weighed_as_scikit_learn_weighs_them(real: dict[str, Paper], in_parts: bool,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectorizer counts in its own way (and, for many documents, in forked processes), for speed:
    the features and every weight must stay scikit-learn's TfidfVectorizer's, on real abstracts."""
    import numpy
    from papernotes.services import ranking
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if in_parts:
        monkeypatch.setattr(ranking, "PARALLEL_ABOVE", 10)
    parts: list[int] = []
    counted_in_parts = ranking._counted_in_parts

    def counted(analyzer: Any, texts: Any) -> Any:
        found = counted_in_parts(analyzer, texts)
        parts.append(len(found))
        return found

    monkeypatch.setattr(ranking, "_counted_in_parts", counted)
    texts = [ranking.document(p) for p in real.values()]
    for phrases, max_df in ((True, 0.8), (False, 0.5)):
        ours = ranking.vectorizer(phrases, max_df)
        theirs = TfidfVectorizer(analyzer=ranking.words_and_phrases if phrases else ranking.words, sublinear_tf=True,
                                 max_df=max_df, dtype=numpy.float32)
        difference = abs(ours.fit_transform(texts) - theirs.fit_transform(texts)).max()
        assert list(ours.get_feature_names_out()) == list(theirs.get_feature_names_out()) and difference < 1e-6
        later = ["A new abstract about reward models and human feedback.", "", "the of and"]
        assert abs(ours.transform(later) - theirs.transform(later)).max() < 1e-6
    with pytest.raises(ValueError):
        ranking.vectorizer().fit_transform(["the of and", "", "a"])
    assert ranking.ENGLISH_STOP_WORDS == ENGLISH_STOP_WORDS  # the copy, kept so that reading text needs no scikit-learn
    # Split only when asked, and then (on Linux, with two processors and no other thread) really split.
    can_split = sys.platform.startswith("linux") and len(os.sched_getaffinity(0)) > 1 and threading.active_count() == 1
    assert max(parts) == 1 if not (in_parts and can_split) else min(parts[:2]) >= 2
