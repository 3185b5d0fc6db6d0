"""Which pages matter for this audit, and why each one was chosen.

A 30-page budget must land on the pages that show connectedness: the home
page, then the sections CRITERIA.md asks about (blog, shop, contact,
community, podcast, video, events...) as its navigation and footer name them,
then the rest of what its navigation and footer lead to, then section links
found elsewhere, then everything else breadth-first. A site whose menu lists
twenty product pages before "Blog" and "Contact" still gets its blog and
contact page read. Every fetched page records its reason.
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from connectedness import vocabulary

# Lower numbers are fetched first.
PRIORITY = {"home": 0, "chrome_section": 1, "nav": 2, "footer": 3, "section": 4, "sitemap": 5, "link": 6}

# Section -> the vocabulary terms that name it, as (concept, term): the words themselves, in every language,
# are data in connectedness/vocabulary/ and shared with the checks.
SECTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "blog": tuple(("sections", t) for t in ("blog", "news", "press", "magazine", "articles", "post", "updates",
                                             "resources", "guides", "recipes")),
    "shop": (*(("sections", t) for t in ("shop", "products", "pricing")), ("commerce", "cart"),
             ("commerce", "checkout")),
    "contact": tuple(("sections", t) for t in ("contact", "help", "locations", "booking", "demo")),
    "about": (("sections", "about"),),
    "community": (*(("sections", t) for t in ("community", "members", "reviews")), ("commerce", "loyalty")),
    "podcast": tuple(("sections", t) for t in ("podcast", "radio", "episodes", "listen")),
    "video": tuple(("sections", t) for t in ("video", "live")),
    "events": tuple(("sections", t) for t in ("events", "webinars", "workshops", "tickets")),
}
_SECTION_OF = {key: name for name, keys in SECTIONS.items() for key in keys}
_TERMS_BY_CONCEPT: dict[str, tuple[str, ...]] = {
    concept: tuple(t for c, t in _SECTION_OF if c == concept) for concept, _ in _SECTION_OF}


def section_of(url: str, anchor_text: str = "") -> str | None:
    """The audit section a URL or its anchor text points to (``blog``, ``shop``...), or None."""
    name = _url_section(url)
    if name is not None:
        return name
    if anchor_text:
        for concept, terms in _TERMS_BY_CONCEPT.items():
            if (term := vocabulary.find(concept, anchor_text, *terms)) is not None:
                return _SECTION_OF[concept, term]
    return None


@lru_cache(maxsize=65536)
def _url_section(url: str) -> str | None:
    for segment in urlsplit(url).path.split("/"):
        if not segment:
            continue
        for concept, terms in _TERMS_BY_CONCEPT.items():
            if (term := vocabulary.segment_term(concept, segment, *terms)) is not None:
                return _SECTION_OF[concept, term]
    return None


def choose(url: str, region: str, anchor_text: str, from_home: bool) -> tuple[int, str]:
    """Priority and reason for a newly found link.

    Navigation and footer links count as such only on the home page: every
    page repeats them, and the home page's are the site's own table of contents.
    """
    section = section_of(url, anchor_text)
    if from_home and region in ("nav", "footer"):
        if section:
            return PRIORITY["chrome_section"], f"{region}:{section}"
        return PRIORITY[region], region
    if section is not None:
        return PRIORITY["section"], section
    return PRIORITY["link"], "link"
