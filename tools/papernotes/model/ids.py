"""arXiv identifiers: parse every form people paste, validate locally, find them in free text.

A canonical ID has no version, and old-style IDs lose their subject class
(`math.GT/0309136` -> `math/0309136`), because arXiv treats those as the same paper.
Validation happens here so that a malformed ID is rejected with a message and never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from papernotes.errors import PapernotesError

# The closed list of archives that used old-style identifiers (before April 2007).
OLD_ARCHIVES = frozenset(
    ["acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph", "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics", "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con"]
)

_NEW = r"(?P<yymm>\d{4})\.(?P<number>\d{4,5})"
_OLD = r"(?P<archive>[a-z]+(?:-[a-z]+)?)(?:\.(?P<subject>[a-z]{2}))?/(?P<oldnum>\d{7})"
_VERSION = r"(?:v(?P<version>\d+))?"
_ID_RE = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}", re.IGNORECASE | re.ASCII)

ARXIV_HOSTS = ("arxiv.org", "xxx.lanl.gov", "128.84.21.199", "ar5iv.org", "ar5iv.labs.arxiv.org", "arxiv-vanity.com")
_URL_KINDS = ("abs", "pdf", "html", "ps", "format", "papers", "e-print", "src")
_DOI_PREFIX = "10.48550/arxiv."
_TRAILING_JUNK = ".,;:!?)]}>'\"`*"


class InvalidArxivId(PapernotesError):
    """An input that is not an arXiv identifier or URL."""

    def __init__(self, text: str, reason: str = "") -> None:
        self.text = text
        detail = f" ({reason})" if reason else ""
        super().__init__(f"'{text}' is not an arXiv ID or URL{detail}; try 1810.04805 or an arxiv.org link")


@dataclass(frozen=True, order=True)
class ArxivId:
    """A validated identifier: `canonical` has no version; `version` is what the input named, if any."""

    canonical: str
    version: int | None = None

    def __str__(self) -> str:
        return self.canonical if self.version is None else f"{self.canonical}v{self.version}"


def _validated(match: re.Match[str]) -> ArxivId:
    """Check the fields of a syntactic match; raise ValueError naming the rule broken."""
    version = match.group("version")
    if version is not None and int(version) < 1:
        raise ValueError("versions start at v1")
    if match.group("yymm"):
        yymm, number = match.group("yymm"), match.group("number")
        month = int(yymm[2:])
        if not 1 <= month <= 12:
            raise ValueError(f"month {yymm[2:]} does not exist")
        if len(number) == 4 and not "0704" <= yymm <= "1412":
            raise ValueError("4-digit numbers were used from 0704 to 1412")
        if len(number) == 5 and yymm < "1501":
            raise ValueError("5-digit numbers are used from 1501 on")
        if int(number) == 0:
            raise ValueError("paper numbers start at 1")
        canonical = f"{yymm}.{number}"
    else:
        archive, oldnum = match.group("archive").lower(), match.group("oldnum")
        if archive not in OLD_ARCHIVES:
            raise ValueError(f"'{archive}' is not an arXiv archive")
        year, month = int(oldnum[:2]), int(oldnum[2:4])
        if not (year >= 91 or year <= 7) or not 1 <= month <= 12:
            raise ValueError("old-style IDs run from 9108 to 0703")
        if int(oldnum[4:]) == 0:
            raise ValueError("paper numbers start at 1")
        canonical = f"{archive}/{oldnum}"
    return ArxivId(canonical, int(version) if version is not None else None)


def _full_id(text: str) -> ArxivId:
    match = _ID_RE.fullmatch(text)
    if not match:
        raise ValueError("")
    return _validated(match)


def _id_from_url(text: str) -> str | None:
    """The ID part of an arXiv URL, or None when the text is not a URL of a known host."""
    candidate = text if "://" in text else "https://" + text
    parts = urlsplit(candidate)
    host = (parts.hostname or "").lower()
    host = host.removeprefix("www.")
    host = host.removeprefix("export.")
    known = any(host == h or host.endswith("." + h) for h in ARXIV_HOSTS)
    if host == "doi.org" or host == "dx.doi.org":
        path = unquote(parts.path.lstrip("/"))
        if path.lower().startswith(_DOI_PREFIX):
            return path[len(_DOI_PREFIX) :]
        return None
    if not known:
        return None
    segments = unquote(parts.path).strip("/").split("/", 1)
    if len(segments) != 2 or segments[0].lower() not in _URL_KINDS:
        return None
    ident = segments[1]
    if ident.lower().endswith(".pdf"):
        ident = ident[:-4]
    return ident


# Sites that name a paper by its arXiv ID in the path: huggingface.co/papers/1810.04805,
# alphaxiv.org/abs/1810.04805 (or /overview/, /pdf/).
_MIRROR_PATHS = {"huggingface.co": ("papers",), "alphaxiv.org": ("abs", "overview", "pdf")}


def _id_from_mirror(text: str) -> str | None:
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    kinds = _MIRROR_PATHS.get(host)
    segments = unquote(parts.path).strip("/").split("/")
    if kinds and len(segments) == 2 and segments[0] in kinds:
        return segments[1].removesuffix(".pdf")
    return None


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse one user-given ID or URL; raise InvalidArxivId with the reason when it is not one."""
    original = text
    text = text.strip().rstrip(_TRAILING_JUNK).strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")) or re.match(r"(www\.|export\.)?(arxiv|alphaxiv)\.org/|(www\.)?huggingface\.co/", lowered):
        ident = _id_from_url(text) or _id_from_mirror(text)
        if ident is None:
            raise InvalidArxivId(original, "not an arXiv abstract, PDF or HTML link")
        text = ident
    elif lowered.startswith("arxiv:"):
        text = text[6:].strip()
    elif lowered.startswith(_DOI_PREFIX):
        text = text[len(_DOI_PREFIX) :]
    try:
        return _full_id(text)
    except ValueError as exc:
        raise InvalidArxivId(original, str(exc)) from None


# --- finding references in free text -------------------------------------------------------------

# Every repeat is bounded (a host label is at most 63 characters, an ID is short), so that a long run
# of letters or digits costs linear time, not a scan to its end from each of its characters.
_HOST_RE = r"(?<![a-z0-9-])(?:[a-z0-9-]{1,63}\.)?(?:arxiv\.org|xxx\.lanl\.gov|128\.84\.21\.199|ar5iv(?:\.labs\.arxiv)?\.org|arxiv-vanity\.com)"
_LOOSE = r"(?P<loose>[A-Za-z0-9.\-/]{1,64})"
_REFERENCE_RE = re.compile(
    rf"(?:{_HOST_RE}/(?:{'|'.join(_URL_KINDS)})/"  # a link to arXiv or a mirror
    r"|(?<![A-Za-z0-9.-])(?:www\.)?(?:huggingface\.co/papers|alphaxiv\.org/(?:abs|overview))/"  # sites keyed by arXiv ID
    r"|(?<![A-Za-z])doi\.org/10\.48550/arxiv\."  # an arXiv DOI link
    r"|(?<![A-Za-z0-9/.])10\.48550/arxiv\."  # a bare arXiv DOI
    r"|(?<![A-Za-z])arxiv\s*:\s*"  # arXiv:1810.04805, arXiv preprint arXiv:1810.04805
    r"|(?<![A-Za-z])corr,?\s*abs/"  # DBLP-style citations: CoRR abs/1810.04805
    rf"){_LOOSE}"
    # A bare ID standing alone as a word, e.g. one per line in a list; never part of a path or
    # a file name such as 2018/1807.1075.md.
    rf"|(?<![\w./\-])(?P<bare>(?:\d{{4}}\.\d{{4,5}}|(?:{'|'.join(sorted(OLD_ARCHIVES))})(?:\.[a-z]{{2}})?/\d{{7}})"
    r"(?:v\d+)?)(?![\w/\-]|\.\w)",
    re.IGNORECASE | re.ASCII,
)
_ID_PREFIX_RE = re.compile(rf"(?:{_NEW}|{_OLD}){_VERSION}(?![0-9])", re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Finding:
    """One arXiv reference found in a text: the ID, or why the reference was not usable."""

    line: int
    text: str
    arxiv_id: ArxivId | None = None
    problem: str = ""


def find_references(text: str) -> list[Finding]:
    """Every arXiv reference in `text`, in order; malformed ones carry a `problem` instead of an ID."""
    findings: list[Finding] = []
    line, counted_to = 1, 0
    for match in _REFERENCE_RE.finditer(text):
        line += text.count("\n", counted_to, match.start())  # counted on from the last match: linear
        counted_to = match.start()
        candidate = match.group("loose") or match.group("bare")
        id_match = _ID_PREFIX_RE.match(candidate)
        if id_match is None:
            findings.append(Finding(line, match.group(0), problem="not a valid arXiv ID"))
            continue
        try:
            findings.append(Finding(line, match.group(0), arxiv_id=_validated(id_match)))
        except ValueError as exc:
            findings.append(Finding(line, match.group(0), problem=str(exc)))
    return findings


def unique_ids(findings: list[Finding]) -> list[str]:
    """Canonical IDs in order of first appearance, each once."""
    seen: dict[str, None] = {}
    for finding in findings:
        if finding.arxiv_id is not None:
            seen.setdefault(finding.arxiv_id.canonical, None)
    return list(seen)


# --- papers not named by an arXiv ID --------------------------------------------------------------------

_DOI_RE = re.compile(r"10\.\d{4,9}/\S+")
_S2_PAPER_RE = re.compile(r"(?:^|/)([0-9a-f]{40})$")
_ACL_ID_RE = re.compile(r"[A-Z]\d{2}-\d{4}|\d{4}\.[a-z0-9-]+\.\d+", re.ASCII)


class InvalidPaperId(PapernotesError):
    def __init__(self, text: str) -> None:
        self.text = text
        super().__init__(
            f"'{text}' is not an arXiv ID, DOI or paper link; try 1810.04805, 10.18653/v1/N19-1423, an arxiv.org, "
            "doi.org, Semantic Scholar, ACL Anthology, OpenReview or Hugging Face link, or --search \"title words\""
        )


@dataclass(frozen=True)
class OtherId:
    """A paper named by something other than an arXiv ID, in the form Semantic Scholar looks it up:
    `DOI:10.18653/v1/N19-1423`, `ACL:P19-1001`, `URL:https://openreview.net/forum?id=...`, or its own ID."""

    s2_id: str
    text: str


def parse_paper_id(text: str) -> ArxivId | OtherId:
    """An arXiv ID when `text` names one (in any form, including Hugging Face and alphaXiv links); else
    the Semantic Scholar lookup for a DOI, a Semantic Scholar, ACL Anthology or OpenReview link."""
    try:
        return parse_arxiv_id(text)
    except InvalidArxivId:
        pass
    original = text
    text = text.strip().rstrip(".,;)]>'\"")
    lowered = text.lower()
    if lowered.startswith("doi:"):
        text, lowered = text[4:].strip(), lowered[4:].strip()
    if _DOI_RE.fullmatch(text):
        return OtherId(f"DOI:{text}", original)
    if not re.match(r"(https?://)?[a-z0-9.-]+\.[a-z]{2,}/", lowered):
        raise InvalidPaperId(original)
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = unquote(parts.path).strip("/")
    if host in ("doi.org", "dx.doi.org") and _DOI_RE.fullmatch(path):
        return OtherId(f"DOI:{path}", original)
    if host in ("semanticscholar.org", "api.semanticscholar.org"):
        match = _S2_PAPER_RE.search(path)
        if match:
            return OtherId(match.group(1), original)
        corpus = re.fullmatch(r"(?:graph/v1/paper/)?CorpusI[dD]:(\d+)", path)
        if corpus:
            return OtherId(f"CorpusId:{corpus.group(1)}", original)
    if host in ("aclanthology.org", "aclweb.org"):
        ident = path.removeprefix("anthology/").removesuffix(".pdf").removesuffix(".bib")
        if _ACL_ID_RE.fullmatch(ident):
            return OtherId(f"ACL:{ident}", original)
    if host == "openreview.net":
        forum = re.search(r"(?:^|&)id=([A-Za-z0-9_-]+)", parts.query)
        if forum and path in ("forum", "pdf"):
            return OtherId(f"URL:https://openreview.net/forum?id={forum.group(1)}", original)
    # A publisher's page names its DOI: dl.acm.org/doi/10.1145/..., science.org/doi/abs/10.1126/...,
    # link.springer.com/article/10.1007/..., biorxiv.org/content/10.1101/...v1; nature.com/articles/X is 10.1038/X.
    doi = _DOI_IN_PATH.search(path)
    if doi and host not in ("arxiv.org", "github.com"):
        return OtherId(f"DOI:{_VERSION_SUFFIX.sub('', doi.group(1))}", original)
    nature = re.fullmatch(r"articles/([a-z0-9.-]+?)(?:\.pdf)?", path)
    if host == "nature.com" and nature:
        return OtherId(f"DOI:10.1038/{nature.group(1)}", original)
    if any(host == venue or host.endswith("." + venue) for venue in VENUE_HOSTS):
        # A paper's page at its venue (NeurIPS, PMLR, CVF, JMLR, IJCAI, AAAI): Semantic Scholar is
        # asked for the address; the caller falls back on the paper's title, then its citation.
        return OtherId(f"URL:{text if '://' in text else 'https://' + text}", original)
    raise InvalidPaperId(original)


_DOI_IN_PATH = re.compile(r"(?:^|/)(10\.\d{4,9}/[^\s?#]+?)(?:/(?:abstract|full|pdf|epdf|meta))?(?:\.pdf|\.full)?$")
_VERSION_SUFFIX = re.compile(r"v\d+$")
VENUE_HOSTS = ("papers.nips.cc", "proceedings.neurips.cc", "proceedings.mlr.press", "openaccess.thecvf.com",
               "jmlr.org", "ijcai.org", "ojs.aaai.org", "aaai.org", "ecva.net", "cv-foundation.org",
               "ieeexplore.ieee.org", "isca-speech.org", "aclweb.org")


# A paper's code: a repository on GitHub or GitLab, or a model, dataset or Space on Hugging Face,
# named anywhere in a text ("Code: github.com/x/y.", "https://github.com/x/y/tree/main"). The link is
# rebuilt from its checked parts, so what reaches a page is always https://HOST/OWNER/NAME.
_CODE_RE = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.)?(github\.com|gitlab\.com|huggingface\.co)/"
    r"(?:(spaces|datasets)/)?([A-Za-z0-9](?:[A-Za-z0-9_.-]{0,98}[A-Za-z0-9_])?)/([A-Za-z0-9_.-]{1,100})",
    re.IGNORECASE | re.ASCII,
)
# First path segments that are the sites' own pages, not owners.
_NOT_OWNERS = {"about", "blog", "docs", "features", "login", "join", "orgs", "papers", "pricing", "search", "settings",
               "site", "sponsors", "topics", "users", "models", "collections", "explore", "marketplace", "enterprise"}


def code_link(text: object) -> str | None:
    """The first code repository named in `text`, as https://HOST/OWNER/NAME; None when there is none."""
    if not isinstance(text, str) or not text:
        return None
    for match in _CODE_RE.finditer(text[:100_000]):
        host, kind, owner, name = match.group(1).lower(), match.group(2), match.group(3), match.group(4)
        name = re.sub(r"\.+$", "", re.sub(r"\.git$", "", name.rstrip("."), flags=re.IGNORECASE))
        if not name or owner.lower() in _NOT_OWNERS or (kind and host != "huggingface.co"):
            continue
        return f"https://{host}/{kind.lower() + '/' if kind else ''}{owner}/{name}"
    return None
