"""What a scan document says about each labelled signal, and how social profile URLs are compared.

Each boolean signal is read from one check's result: present when the check
passed or was partial (an observation decides where the status means
something else, such as a viewport that is present but blocks zoom).
``could_not_check`` is "not found": it costs recall, never precision.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

Result = dict[str, Any]


def _found(result: Result) -> bool:
    return result.get("status") in ("pass", "partial")


def _viewport(result: Result) -> bool:
    """The label is "the page has a viewport meta", whatever it says; the check also judges what it says
    (``width=1200`` is declared but not responsive), so presence is read from the pages it lists."""
    obs = result.get("observations", {})
    return bool(obs.get("viewport_meta")) or any(p.get("content") for p in obs.get("pages") or [])


def _media_queries(result: Result) -> bool:
    obs = result.get("observations", {})
    return any(obs.get(k) for k in ("media_queries", "framework_classes", "framework_stylesheets", "mobile_site"))


def _present(result: Result) -> bool:
    """Checks that score partial credit for a weaker clue (a channel link, a player without a feed)
    say in ``present`` whether the thing itself is there."""
    obs = result.get("observations", {})
    return bool(obs["present"]) if "present" in obs else _found(result)


def _contact_form(result: Result) -> bool:
    return "form" in (result.get("observations", {}).get("channels") or [])


@dataclass(frozen=True, slots=True)
class Signal:
    """A labelled yes/no signal: the label key, the check that answers it and how to read the result."""

    label: str
    check_id: str
    read: Callable[[Result], bool] = _found


_SHARED = (
    Signal("viewport_meta", "responsive.viewport", _viewport),
    Signal("rss_or_atom_feed", "active.feeds"),
    Signal("podcast", "active.podcast", _present),
    Signal("video_embed", "active.video", _present),
    Signal("ecommerce", "commerce.storefront"),
    Signal("newsletter_signup", "hooks.newsletter", _present),
    Signal("live_chat", "hooks.chat"),
    Signal("comments", "hooks.comments"),
)
# The page and site labels share most signals; each kind has a few of its own (and names the blog differently).
PAGE_SIGNALS = (*_SHARED, Signal("media_queries_or_responsive_framework", "responsive.media_queries", _media_queries),
                Signal("blog_or_news_link", "active.blog"))
SITE_SIGNALS = (*_SHARED, Signal("blog_or_news", "active.blog"), Signal("booking", "hooks.booking"),
                Signal("contact_form", "hooks.contact", _contact_form))
SOCIAL_CHECK = "social.profiles"
RECENCY_CHECK = "active.recency"
# The label calls Twitter and X both "x"; our checks may use either name.
NETWORK_ALIASES = {"twitter": "x"}

_COUNTRY_PREFIX = re.compile(r"^(?:www|m|mobile|[a-z]{2}(?:-[a-z]{2})?)\.")
_HOST_FAMILY = {"twitter.com": "x.com", "fb.com": "facebook.com", "youtu.be": "youtube.com",
                "instagr.am": "instagram.com"}


def profile_key(url: str) -> tuple[str, tuple[str, ...]]:
    """``(site, path segments)`` of a profile URL, for comparing two spellings of one account:
    scheme, ``www.``/``m.``/language prefixes, ``#!``, ``@``, case, query and trailing slashes go."""
    raw = url.strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    parts = urlsplit(raw if "://" in raw else "https://" + raw)
    host = (parts.hostname or "").lower()
    while _COUNTRY_PREFIX.match(host) and host.count(".") > 1:
        host = _COUNTRY_PREFIX.sub("", host, count=1)
    host = _HOST_FAMILY.get(host, host)
    host = re.sub(r"^(pinterest)\.[a-z.]+$", r"\1.com", host)
    path = unquote(parts.path)
    if parts.fragment.startswith("!"):
        path = parts.fragment[1:]
    segments = tuple(s.lstrip("@").lower() for s in path.strip().split("/") if s.strip() and s != "#!")
    if host == "facebook.com" and segments[:1] == ("pg",):  # /pg/NAME/photos is the page NAME
        segments = segments[1:]
    return host, segments


def same_profile(a: str, b: str) -> bool:
    """One account: same site, and one path is the other or starts it (a deep link to the profile)."""
    (host_a, path_a), (host_b, path_b) = profile_key(a), profile_key(b)
    if host_a != host_b or not path_a or not path_b:
        return False
    shorter, longer = sorted((path_a, path_b), key=len)
    return longer[: len(shorter)] == shorter


def predicted_profiles(doc: Result) -> dict[str, str]:
    """The brand profiles ``social.profiles`` reported, by the label's network names."""
    result = result_of(doc, SOCIAL_CHECK)
    profiles = (result or {}).get("observations", {}).get("profiles") or {}
    return {NETWORK_ALIASES.get(k, k): v for k, v in profiles.items() if v}


def result_of(doc: Result, check_id: str) -> Result | None:
    return next((r for r in doc.get("results", []) if r.get("check_id") == check_id), None)
