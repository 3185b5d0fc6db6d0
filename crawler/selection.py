"""Which pages matter for this audit, and why each one was chosen.

A 30-page budget must land on the pages that show connectedness: the home
page, what its navigation and footer lead to, then the sections CRITERIA.md
asks about (blog, shop, contact, community, podcast, video, events...),
then everything else breadth-first. Every fetched page records its reason.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

# Lower numbers are fetched first.
PRIORITY = {"home": 0, "nav": 1, "footer": 2, "section": 3, "sitemap": 4, "link": 5}

SECTIONS: dict[str, tuple[str, ...]] = {
    "blog": ("blog", "blogs", "news", "stories", "story", "journal", "insights", "articles", "article",
             "magazine", "press", "newsroom", "posts", "updates", "resources", "guides", "recipes"),
    "shop": ("shop", "store", "products", "product", "collections", "collection", "catalog", "catalogue",
             "cart", "basket", "bag", "checkout", "buy", "pricing", "plans", "menu"),
    "contact": ("contact", "contact-us", "support", "help", "faq", "customer-service", "locations", "find-us",
                "book", "booking", "reservations", "reserve", "demo"),
    "about": ("about", "about-us", "company", "our-story", "team", "who-we-are", "mission"),
    "community": ("community", "forum", "forums", "club", "members", "ambassadors", "reviews", "rewards",
                  "loyalty", "referral"),
    "podcast": ("podcast", "podcasts", "episodes", "listen", "radio"),
    "video": ("video", "videos", "watch", "tv", "live"),
    "events": ("events", "event", "webinars", "webinar", "workshops", "calendar", "tickets"),
}
_WORD = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_SEGMENT_TO_SECTION = {word: name for name, words in SECTIONS.items() for word in words}
_TEXT_WORDS = {w: name for name, words in SECTIONS.items() for w in words if "-" not in w}


def section_of(url: str, anchor_text: str = "") -> str | None:
    """The audit section a URL or its anchor text points to (``blog``, ``shop``...), or None."""
    name = _url_section(url)
    if name is not None:
        return name
    if anchor_text:
        for word in _WORD.findall(anchor_text.lower()):
            if (name := _TEXT_WORDS.get(word)) is not None:
                return name
    return None


@lru_cache(maxsize=65536)
def _url_section(url: str) -> str | None:
    for segment in urlsplit(url).path.lower().split("/"):
        if not segment:
            continue
        name = _SEGMENT_TO_SECTION.get(segment) or _SEGMENT_TO_SECTION.get(segment.rsplit(".", 1)[0])
        if name:
            return name
    return None


def choose(url: str, region: str, anchor_text: str, from_home: bool) -> tuple[int, str]:
    """Priority and reason for a newly found link.

    Navigation and footer links count as such only on the home page: every
    page repeats them, and the home page's are the site's own table of contents.
    """
    section = section_of(url, anchor_text)
    if from_home and region in ("nav", "footer"):
        return PRIORITY[region], f"{region}:{section}" if section else region
    if section is not None:
        return PRIORITY["section"], section
    return PRIORITY["link"], "link"
