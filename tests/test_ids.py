"""arXiv identifiers: every form people paste, local validation, and extraction from real reading lists."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from papernotes.model.ids import OLD_ARCHIVES, InvalidArxivId, find_references, parse_arxiv_id, unique_ids
from papernotes.model.paper import Paper
from papernotes.store.library import Library, serialize

READMES = Path(__file__).parent / "data" / "readmes"


@pytest.mark.parametrize(
    "text, canonical, version",
    [
        ("1810.04805", "1810.04805", None),
        ("1810.04805v2", "1810.04805", 2),
        ("arXiv:1810.04805", "1810.04805", None),
        ("ARXIV:1810.04805v1", "1810.04805", 1),
        ("arxiv: 1810.04805", "1810.04805", None),
        ("https://arxiv.org/abs/1810.04805", "1810.04805", None),
        ("http://arxiv.org/abs/1810.04805v2", "1810.04805", 2),
        ("https://arxiv.org/pdf/1810.04805v2.pdf", "1810.04805", 2),
        ("https://arxiv.org/pdf/1810.04805", "1810.04805", None),
        ("https://arxiv.org/html/2104.12255v1", "2104.12255", 1),
        ("https://export.arxiv.org/abs/1810.04805", "1810.04805", None),
        ("https://www.arxiv.org/abs/1810.04805?context=cs", "1810.04805", None),
        ("arxiv.org/abs/1810.04805#references", "1810.04805", None),
        ("https://arxiv.org/abs/1810.04805).", "1810.04805", None),
        ("1810.04805,", "1810.04805", None),
        ("10.48550/arXiv.1810.04805", "1810.04805", None),
        ("https://doi.org/10.48550/arXiv.1810.04805", "1810.04805", None),
        ("hep-th/9901001", "hep-th/9901001", None),
        ("hep-th/9901001v3", "hep-th/9901001", 3),
        ("math.GT/0309136", "math/0309136", None),
        ("https://arxiv.org/abs/math.GT/0309136v1", "math/0309136", 1),
        ("https://arxiv.org/pdf/quant-ph/0201082v1.pdf", "quant-ph/0201082", 1),
        ("0704.0001", "0704.0001", None),
        ("1412.6980", "1412.6980", None),
        ("1501.00001", "1501.00001", None),
    ],
)
def test_every_form_parses_to_its_canonical_id(text: str, canonical: str, version: int | None) -> None:
    parsed = parse_arxiv_id(text)
    assert (parsed.canonical, parsed.version) == (canonical, version)


@pytest.mark.parametrize(
    "text, reason",
    [
        ("abc", ""),
        ("0000.0000", "month 00"),
        ("1813.00001", "month 13"),
        ("1810.0480", "4-digit"),
        ("1501.1234", "4-digit"),
        ("0703.00001", "5-digit"),
        ("1810.048051", ""),
        ("1810.04805v0", "v1"),
        ("1810.00000", "start at 1"),
        ("foo-bar/9901001", "not an arXiv archive"),
        ("hep-th/0801001", "old-style"),
        ("hep-th/990100", ""),
        ("https://example.com/abs/1810.04805", "not an arXiv"),
        ("https://arxiv.org/list/cs.LG/recent", "not an arXiv"),
        ("１８１０.０４８０５", ""),  # full-width digits are not ASCII
        ("", ""),
    ],
)
def test_malformed_ids_are_rejected_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(InvalidArxivId) as info:
        parse_arxiv_id(text)
    assert f"'{text}'" in str(info.value)
    assert reason in str(info.value)


def _ids(text: str) -> list[str]:
    return unique_ids(find_references(text))


def test_extraction_finds_every_citation_style_in_order() -> None:
    text = """
    See [BERT](https://arxiv.org/abs/1810.04805v2) and arXiv:1706.03762, then
    "Deep Residual Learning." CoRR, abs/1512.03385 (2015) and arXiv preprint arXiv:1412.6980(2014).
    Mirror: http://xxx.lanl.gov/abs/hep-th/9901001 and https://arxiv.org/pdf/1406.2661.pdf%5Cnhttp://arxiv.org/abs/1406.2661
    DOI 10.48550/arXiv.1301.3781; old: math.GT/0309136
    1802.05365
    again https://arxiv.org/abs/1810.04805
    """
    assert _ids(text) == [
        "1810.04805", "1706.03762", "1512.03385", "1412.6980", "hep-th/9901001", "1406.2661",
        "1301.3781", "math/0309136", "1802.05365",
    ]


def test_extraction_ignores_things_that_only_look_like_ids() -> None:
    text = """
    [[Notes](2018/1807.1075.md)] [[Notes](2020/2005.00463.md)] version 1.2.3, 2019.1234 pages,
    http://nptel.ac.in/courses/104104082/ doi:10.1000/1810.04805 psyarxiv.com/1810.04805
    """
    assert _ids(text) == []


def test_malformed_references_are_reported_not_guessed() -> None:
    findings = find_references("[[Paper](https://arxiv.org/abs/1911.001723)] arXiv:1813.00001")
    assert [f.arxiv_id for f in findings] == [None, None]
    assert all(f.problem for f in findings)


@pytest.mark.parametrize(
    "name, count, present, absent",
    [
        # 76 distinct papers; note files named like IDs (2018/1807.1075.md) are ACL papers, not arXiv.
        ("anebz_papers_README.md", 76, ["1810.04805", "1706.03762", "2103.06874"], ["1807.1075", "2005.00463", "1911.00172"]),
        # arXiv: citations glued to the year, CoRR abs/ citations, and glued double links.
        ("floodsung_Deep-Learning-Papers-Reading-Roadmap_README.md", 97, ["1506.07285", "1510.00149", "1502.05477", "1506.05869"], []),
        # pdf links with and without .pdf, versions, an arXiv IP address mirror.
        ("terryum_awesome-deep-learning-papers_README.md", 114, ["1511.07289", "1703.06870"], []),
        # Links to other notes named by ID are not references to fetch.
        ("anebz_papers_note_2018_1810.04805.md", 1, ["1810.04805"], ["1706.03762"]),
    ],
)
def test_extraction_on_real_reading_lists(name: str, count: int, present: list[str], absent: list[str]) -> None:
    ids = _ids((READMES / name).read_text(encoding="utf-8"))
    assert len(ids) == count
    assert len(set(ids)) == len(ids)
    for ident in present:
        assert ident in ids
    for ident in absent:
        assert ident not in ids


# -- properties ---------------------------------------------------------------------------------------

MONTHS = [f"{y:02d}{m:02d}" for y in range(7, 30) for m in range(1, 13) if f"{y:02d}{m:02d}" >= "0704"]


@st.composite
def new_style(draw: st.DrawFn) -> str:
    yymm = draw(st.sampled_from(MONTHS))
    number = f"{draw(st.integers(1, 9999)):04d}" if yymm < "1501" else f"{draw(st.integers(1, 99999)):05d}"
    return f"{yymm}.{number}"


old_style = st.builds(
    lambda archive, year, month, number: f"{archive}/{year:02d}{month:02d}{number:03d}",
    st.sampled_from(sorted(OLD_ARCHIVES)),
    st.sampled_from(list(range(92, 100)) + list(range(7))),
    st.integers(1, 12),
    st.integers(1, 999),
)
canonical_ids = st.one_of(new_style(), old_style)


@given(canonical_ids, st.one_of(st.none(), st.integers(1, 30)))
def test_canonical_ids_round_trip_through_every_form(canonical: str, version: int | None) -> None:
    suffix = f"v{version}" if version else ""
    for form in (canonical + suffix, f"arXiv:{canonical}{suffix}", f"https://arxiv.org/abs/{canonical}{suffix}",
                 f"https://arxiv.org/pdf/{canonical}{suffix}.pdf", f"10.48550/arXiv.{canonical}"):
        assert parse_arxiv_id(form).canonical == canonical
    assert _ids(f"see arXiv:{canonical}{suffix}.") == [canonical]


@given(canonical_ids)
def test_canonical_ids_round_trip_through_yaml_as_strings(canonical: str) -> None:
    dumped = yaml.safe_dump({"arxiv": canonical})
    assert yaml.safe_load(dumped) == {"arxiv": canonical}


def test_ids_that_read_as_numbers_round_trip_through_a_note_file(tmp_path: Path) -> None:
    (tmp_path / "papers").mkdir()
    lib = Library(tmp_path)
    for i, canonical in enumerate(["1501.00010", "0704.0001", "1810.04805", "math/0309136", "1912.10000"]):
        paper = Paper(key=f"k{i}", title="0", arxiv=canonical, doi="10.1000/1", version=1)
        path = lib.note_path(paper.key)
        path.write_text(serialize(paper), encoding="utf-8")
        assert f"arxiv: '{canonical}'" in path.read_text() or "/" in canonical
        assert lib.read_note(path).arxiv == canonical
        assert lib.read_note(path).title == "0"


def test_links_to_sites_keyed_by_arxiv_id() -> None:
    from papernotes.model.ids import parse_paper_id

    assert str(parse_arxiv_id("https://huggingface.co/papers/1810.04805")) == "1810.04805"
    assert str(parse_arxiv_id("https://www.alphaxiv.org/abs/1706.03762v2")) == "1706.03762v2"
    assert str(parse_paper_id("alphaxiv.org/overview/2312.00752")) == "2312.00752"
    text = "Daily papers: https://huggingface.co/papers/2401.00001, then www.alphaxiv.org/abs/2312.00752v1.\n"
    assert unique_ids(find_references(text)) == ["2401.00001", "2312.00752"]


@pytest.mark.parametrize(("text", "s2_id"), [
    ("10.18653/v1/N19-1423", "DOI:10.18653/v1/N19-1423"),
    ("doi:10.1145/3292500.3330701", "DOI:10.1145/3292500.3330701"),
    ("https://doi.org/10.1038/nature14539", "DOI:10.1038/nature14539"),
    ("https://www.semanticscholar.org/paper/BERT-Devlin/df2b0e26d0599ce3e70df8a9da02e51594e0e992",
     "df2b0e26d0599ce3e70df8a9da02e51594e0e992"),
    ("https://api.semanticscholar.org/CorpusID:52967399", "CorpusId:52967399"),
    ("https://aclanthology.org/N19-1423.pdf", "ACL:N19-1423"),
    ("https://aclanthology.org/2020.acl-main.1/", "ACL:2020.acl-main.1"),
    ("https://www.aclweb.org/anthology/P19-1001", "ACL:P19-1001"),
    ("https://openreview.net/forum?id=rJ4km2R5t7", "URL:https://openreview.net/forum?id=rJ4km2R5t7"),
    ("https://openreview.net/pdf?id=rJ4km2R5t7&noteId=x", "URL:https://openreview.net/forum?id=rJ4km2R5t7"),
])
def test_papers_named_by_doi_or_link(text: str, s2_id: str) -> None:
    from papernotes.model.ids import OtherId, parse_paper_id

    ident = parse_paper_id(text)
    assert isinstance(ident, OtherId) and ident.s2_id == s2_id


@pytest.mark.parametrize("text", ["https://example.com/paper", "10.1/x", "nonsense", "https://openreview.net/group?id=ICLR"])
def test_other_things_are_not_papers(text: str) -> None:
    from papernotes.model.ids import InvalidPaperId, parse_paper_id

    with pytest.raises(InvalidPaperId, match="is not an arXiv ID, DOI or paper link"):
        parse_paper_id(text)
