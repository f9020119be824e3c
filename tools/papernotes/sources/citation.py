"""A paper from the words a reading list writes about it: its title, authors, venue and year, in the
forms lists write citations. Pure parsing: no network, no notes.

    Title, Author et al., 2020
    Author, A. et al. "Title." Venue (2015)           Hinton, Geoffrey E. "Title." Proceedings ..., 1986.
    **Title** (2015), A. Author et al.                **Title.** Authors. Venue 2015.
    [Title](link) · Author, Author                    Mnih et al. 2015: Title   (an Org citation)
    Title (NeurIPS 2017)                              [Title](venue link) (CVPR 2016)

A citation is accepted only when it names a paper: a title of a few words, and authors (if any) that
are people's names, never a sentence or an organisation ("Google" in `Google "We Have No Moat"` is a
company, and a blog post is not a paper).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from papernotes.model.paper import published_venue

MAX_CITATION = 1000  # characters: a citation is a line or two; the patterns below stay quick


@dataclass(frozen=True)
class Citation:
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: str | None = None

    def __post_init__(self) -> None:
        # "In CVPR", "In: Proceedings of ...": the venue without the citation style's "In"; and Google
        # Scholar's form says "arXiv preprint arXiv:1512.02595" where a venue goes.
        venue = _IN.sub("", self.venue).strip(" .,*_") if self.venue else None  # "**": a list's bold that followed
        object.__setattr__(self, "venue", published_venue(venue))


_IN = re.compile(r"^[Ii]n:?\s+")
# Google Scholar's "Science 350.6266 (2015)", "ICML. Vol. 14": the volume and issue after the venue.
_VOLUME = re.compile(r"(?:\.?\s*Vol\.?\s*\d+|\s+\d+(?:\.\d+)?)$")


_YEAR = re.compile(r"(?<![\d/.-])(?:19[5-9]\d|20[0-4]\d)(?![\d/-])")
_CITATION = re.compile(r"^(?P<title>.+?),\s+(?P<authors>[^,]+?(?:\s+et al\.?)?),\s+(?P<year>(?:19|20)\d\d)\b")
_QUOTED_TITLE = re.compile(r"[\"“](?P<title>[^\"”]{8,300}?)[.,]?[\"”]")
_BOLD_YEAR_AUTHORS = re.compile(r"^(?:\*\*)?(?P<title>[^*()]{4,300}?)(?:\*\*)?\s*\((?P<year>(?:19|20)\d\d)\)\s*,\s*"
                                r"(?P<authors>[^\[]+?)\s*$")
_BOLD_THEN = re.compile(r"^\*\*(?P<title>[^*]{4,300}?)\.?\*\*\.?\s*(?P<rest>.*)$")
_ORG_CITE = re.compile(r"^(?P<authors>[^:]{2,120}?)\s+(?P<year>(?:19|20)\d\d)\s*:\s*(?P<title>.{4,300})$")
_PARENS_VENUE = re.compile(r"\((?P<venue>[A-Za-z][\w .&-]{1,60}?)\s+(?P<year>(?:19|20)\d\d)\)")
_INITIALS = re.compile(r"^(?:[A-Z]\.[\s-]*)*[A-Z]\.?$")
_NAME_WORD = re.compile(r"^(?:[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.-]*|[A-Z]\.(?:-?[A-Z]\.)*|(?:van|von|der|den|de|da|di|du|la|le|del|della|"
                        r"dos|das|ter|ten|bin|al|el|y)|\w\.)$")
# Words that make a "name" an organisation: a list's company or product, not a paper's author.
_ORGANISATION = re.compile(r"\b(?:Google|OpenAI|Meta|Facebook|Microsoft|DeepMind|Anthropic|Apple|Amazon|NVIDIA|IBM|Inc|Ltd|"
                           r"LLC|Corp|Corporation|Company|University|Institute|Lab|Labs|Laboratory|Team|Research|Blog|"
                           r"News|Foundation|Association|Society|Group|Project)\b", re.IGNORECASE)
_ET_AL = re.compile(r"(?:,\s*|\s+)(?:et\.?\s?al\.?|etal\.?|and others)\s*$", re.IGNORECASE)


def parse_citation(text: str, link_text: str | None = None) -> Citation | None:
    """The paper an entry's words cite, or None when they cite none (or look like no paper). `text`
    is the entry's own words (links reduced to their text); `link_text` the words of its first link,
    the likeliest title when no other form says one."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_CITATION:
        return None
    for found in (_org(text), _comma_form(text), _quoted(text), _bold(text), _linked(text, link_text), _titled(text)):
        if found is not None and _plausible(found):
            return found
    return None


def _org(text: str) -> Citation | None:
    """`Mnih et al. 2015: Title`, as org-ref and Zotero's Org exports describe a citation."""
    match = _ORG_CITE.match(text)
    if not match:
        return None
    return Citation(match.group("title").strip(" ."), cited_authors(match.group("authors")), int(match.group("year")))


def _comma_form(text: str) -> Citation | None:
    """`Title, Author et al., 2020` (anebz/papers' form)."""
    match = _CITATION.match(text)
    if not match or match.group("title").startswith("**"):
        return None
    names = re.split(r"\s+and\s+", _ET_AL.sub("", match.group("authors")))
    return Citation(match.group("title").strip(), tuple(n.strip() for n in names if n.strip()), int(match.group("year")))


def _quoted(text: str) -> Citation | None:
    """`Author, A. "Title." Venue (2015)`: a quoted title of a few words, the authors before it."""
    match = _QUOTED_TITLE.search(text)
    if not match or len(match.group("title").split()) < 2:
        return None
    before, after = text[: match.start()], text[match.end() :]
    years = _YEAR.findall(after) or _YEAR.findall(before)
    venue = _VOLUME.sub("", re.split(r"[,(]|\s(?:19|20)\d\d", after.strip(" .,"), maxsplit=1)[0].strip(" .,")) or None
    return Citation(match.group("title").strip().strip("*").strip(), cited_authors(before),
                    int(years[-1]) if years else None, venue)


def _bold(text: str) -> Citation | None:
    """`**Title** (2015), A. Author et al.` (terryum's form, bold or not) or `**Title.** Authors. Venue 2015.`
    (a bibliography with the authors on the line after the title)."""
    match = _BOLD_YEAR_AUTHORS.match(text)
    if match:
        names = [n.strip() for n in re.split(r",\s*|\s+and\s+", _ET_AL.sub("", match.group("authors"))) if n.strip()]
        return Citation(match.group("title").strip(), tuple(names), int(match.group("year")))
    match = _BOLD_THEN.match(text)
    if not match:
        return None
    title, rest = match.group("title").strip(), match.group("rest").strip()
    years = _YEAR.findall(rest)
    # The authors are the rest up to the first full stop that ends a name list (not an initial's).
    parts = re.split(r"(?<=[a-z\u00e0-\u024f]{2})\.\s+|(?<=\bal)\.\s+", rest, maxsplit=1)
    authors = cited_authors(parts[0]) if parts and parts[0] else ()
    venue = re.split(r"\s(?:19|20)\d\d|,|\(|\d", parts[1], maxsplit=1)[0].strip(" .,") if len(parts) > 1 else None
    return Citation(title, authors, int(years[-1]) if years else None, venue or None)


def _linked(text: str, link_text: str | None) -> Citation | None:
    """`[Title](link) · Authors` (a survey's table) or `[Title](link) (CVPR 2016)` (a checklist):
    the link's words as the title."""
    if not link_text or not text.startswith(link_text):
        return None
    title = link_text.strip(" .*")
    rest = text[len(link_text) :].strip(" ·-—,")
    venue = _PARENS_VENUE.search(rest)
    years = _YEAR.findall(rest)
    authors: tuple[str, ...] = ()
    # After a dash and with no year, the words describe the link ("[Meetup 16](...) - Quantum Mechanics
    # London", an awesome list's way), they do not name its authors.
    described = not years and re.match(r"\s*[-–—]\s", text[len(link_text) :]) is not None
    if rest and not venue and not described:
        authors = cited_authors(re.split(r"\s[·|]\s", rest, maxsplit=1)[0])
    return Citation(title, authors, int(venue.group("year")) if venue else (int(years[-1]) if years else None),
                    venue.group("venue").strip() if venue else None)


def _titled(text: str) -> Citation | None:
    """`Title (NeurIPS 2017)`: words and a venue with its year, nothing else."""
    venue = _PARENS_VENUE.search(text)
    if not venue or text[venue.end() :].strip(" .,"):
        return None
    title = text[: venue.start()].strip(" .,-")
    return Citation(title, (), int(venue.group("year")), venue.group("venue").strip())


def cited_authors(text: str) -> tuple[str, ...]:
    """Authors as citations write them: "Bengio, Yoshua, Ian J. Goodfellow, and Aaron Courville",
    "Dai, J., He, K., Sun, J.", "W. Xiong, J. Droppo", "He, Kaiming, et al.", "Hinton, Geoffrey E.",
    "Mnih et al."; as "Given Family"."""
    text = re.sub(r"\*+|\(\s*(?:19|20)\d\d\s*\)", "", text)  # emphasis, and a year in parentheses
    text = _ET_AL.sub("", text.strip(" ,;:"))
    # A sentence's full stop goes ("Courville.", "Mike (2015)."), an initial's stays ("Geoffrey E.").
    text = re.sub(r"(?<=\w\w)\.$|\s+\.$", "", text.strip())
    parts = [re.sub(r"(?<=\w\w)\.$", "", part.strip()) for part in re.split(r",\s*(?:and\s+)?|\s+and\s+|\s*&\s*|;\s*", text)
             if part.strip(" .")]
    comma_first = bool(re.match(r"^[^,]+,", text)) and not re.match(r"^[^,]+\s+and\s", text)
    if comma_first and len(parts) >= 2 and len(parts) % 2 == 0 and \
            all(_INITIALS.match(p) or _is_given_names(p) for p in parts[1::2]) and all(" " not in p for p in parts[::2]):
        pairs = zip(parts[::2], parts[1::2], strict=True)
        return tuple(f"{given if not _INITIALS.match(given) or given.endswith('.') else given + '.'} {family}"
                     for family, given in pairs)[:20]
    if comma_first and len(parts) >= 2 and " " not in parts[0] and _is_given_names(parts[1]):
        parts = [f"{parts[1]} {parts[0]}", *parts[2:]]  # "Family, Given" first, the rest as written
    return tuple(parts[:20])


def _is_given_names(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 3 and all(_NAME_WORD.match(w) for w in words)


def _plausible(citation: Citation) -> bool:
    """A title of a few words, and authors that are people (or none, when a year or venue vouches)."""
    words = citation.title.split()
    if len(words) < 2 and len(citation.title) < (3 if citation.venue and citation.year else 8):
        return False  # one short word is a title only with its venue and year: "BERT (NAACL 2019)"
    if not citation.authors:
        return citation.year is not None
    if len(citation.authors) == 1 and len(citation.authors[0].split()) < 2 and citation.year is None:
        return False  # `Google "We Have No Moat"`: one word, no year
    return all(_is_name(author) for author in citation.authors)


def _is_name(author: str) -> bool:
    words = author.split()
    return 1 <= len(words) <= 5 and not _ORGANISATION.search(author) and all(_NAME_WORD.match(w) for w in words)
