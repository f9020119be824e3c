"""arXiv identifiers: parse every form people paste, validate locally, find them in free text.

A canonical ID has no version, and old-style IDs lose their subject class
(`math.GT/0309136` -> `math/0309136`), because arXiv treats those as the same paper.
Validation happens here so that a malformed ID is rejected with a message and never sent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from .errors import PapernotesError

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


def parse_arxiv_id(text: str) -> ArxivId:
    """Parse one user-given ID or URL; raise InvalidArxivId with the reason when it is not one."""
    original = text
    text = text.strip().rstrip(_TRAILING_JUNK).strip()
    lowered = text.lower()
    if lowered.startswith(("http://", "https://")) or re.match(r"(www\.|export\.)?arxiv\.org/", lowered):
        ident = _id_from_url(text)
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

_HOST_RE = r"(?:[a-z0-9-]+\.)?(?:arxiv\.org|xxx\.lanl\.gov|128\.84\.21\.199|ar5iv(?:\.labs\.arxiv)?\.org|arxiv-vanity\.com)"
_LOOSE = r"(?P<loose>[A-Za-z0-9.\-/]+)"
_REFERENCE_RE = re.compile(
    rf"(?:{_HOST_RE}/(?:{'|'.join(_URL_KINDS)})/"  # a link to arXiv or a mirror
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
    for match in _REFERENCE_RE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
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
