"""Which social network a URL belongs to, and what it points at there.

:func:`classify` is pure and reads only the parsed URL (host, path, query),
never free text: ``https://www.facebook.com/sharer/sharer.php?u=...`` is a
share button and ``https://www.facebook.com/brand`` is a profile because of
where they point, whatever the link says. Each network has its own URL
grammar, so each has its own small reader below.

Kinds:

- ``profile``: an account, page, channel, group or community invite. Deep
  links into an account (``/brand/about``, ``/@brand/videos``) reduce to the
  account's root.
- ``post``: one piece of content (a tweet, an Instagram post, a video). Its
  ``profile`` is the owner's root when the URL names the owner
  (``x.com/someone/status/1`` -> ``https://x.com/someone``), else ``None``.
- ``share``: share, intent, sharer, dialog and "pin it" endpoints. Never a profile.
- ``other``: login, OAuth, tracking, short links that hide their target,
  plugins and help pages. Never a profile.

Reserved path words (``share``, ``intent``, ``p``...) are matched as whole
path segments, so a handle that merely begins with one (``@instagram``,
``@intentional``, ``@ikea``) is still a handle.

Canonical profile URLs: https, ``www.`` where the network serves it, the
handle lower-cased where the network treats handles case-insensitively
(channel ids and invite codes keep their case), and a trailing slash where
the network's own canonical URL has one (Instagram, LinkedIn, Pinterest,
Reddit) and none where it has not (Facebook, X, YouTube, TikTok, Threads,
Bluesky, Mastodon, WhatsApp, Discord, Twitch, Snapchat, Telegram).

WhatsApp: a click-to-chat link with a phone number (``wa.me/15035550148``,
``api.whatsapp.com/send?phone=...``) opens a chat with that number, so it is
the owner's WhatsApp contact channel and is classified ``profile`` (canonical
``https://wa.me/<digits>``); a link with only ``text=`` and no number asks the
visitor to pick a contact to send the text to: a ``share``.

Mastodon runs on thousands of hosts: ``/@user`` counts only on well-known
instances, or anywhere when the link carries ``rel="me"`` (the identity
link Mastodon itself verifies).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

Kind = Literal["profile", "share", "post", "other"]

NETWORKS: tuple[str, ...] = (
    "facebook", "instagram", "x", "linkedin", "youtube", "tiktok", "pinterest", "threads", "bluesky",
    "mastodon", "whatsapp", "discord", "reddit", "twitch", "snapchat", "telegram", "tumblr", "messenger",
)


@dataclass(frozen=True, slots=True)
class SocialLink:
    """What one URL is on one network.

    ``link`` is the URL as linked without query and fragment (how a report
    names a share endpoint: ``https://x.com/intent/tweet``); ``profile`` is the
    canonical URL of the account it is or belongs to; ``handle`` that
    account's name or id; ``note`` says why the URL got its kind.
    """

    network: str
    kind: Kind
    link: str
    profile: str | None = None
    handle: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class _Url:
    """The parts every network reader needs, parsed once."""

    host: str            # lower-cased, no port, no trailing dot
    sub: str             # what precedes the network's base domain ("www", "uk", "" ...)
    segments: tuple[str, ...]  # non-empty path segments, percent-decoded, case kept
    query: str
    link: str

    @property
    def lower(self) -> tuple[str, ...]:
        return tuple(s.lower() for s in self.segments)

    def param(self, name: str) -> str:
        values = parse_qs(self.query).get(name)
        return values[0].strip() if values else ""


Reader = Callable[[_Url], SocialLink]
_PLAIN_SUBS = frozenset({"", "www", "m", "mobile", "web", "touch"})


def _profile(network: str, url: _Url, profile: str, handle: str, note: str = "profile") -> SocialLink:
    return SocialLink(network, "profile", url.link, profile, handle, note)


def _post(network: str, url: _Url, profile: str | None = None, handle: str | None = None,
          note: str = "a single post") -> SocialLink:
    return SocialLink(network, "post", url.link, profile, handle, note)


def _share(network: str, url: _Url, note: str = "share endpoint") -> SocialLink:
    return SocialLink(network, "share", url.link, None, None, note)


def _other(network: str, url: _Url, note: str) -> SocialLink:
    return SocialLink(network, "other", url.link, None, None, note)


# ------------------------------------------------------------------ Facebook

_FB_HANDLE = re.compile(r"^[a-z0-9][a-z0-9.\-_]{0,79}$")
_FB_SHARE = frozenset({"sharer", "sharer.php", "share.php", "dialog"})
_GRAPH_VERSION = re.compile(r"v\d+(?:\.\d+)?")
_FB_POSTS = frozenset({"watch", "photo", "photo.php", "story.php", "permalink.php", "video.php", "reel", "reels",
                       "events", "media", "notes", "stories", "posts"})
_FB_OTHER = frozenset({
    "plugins", "login", "login.php", "logout.php", "l.php", "tr", "recover", "r.php", "signup", "reg", "help",
    "privacy", "policies", "policy.php", "legal", "terms", "terms.php", "business", "ads", "marketplace",
    "gaming", "settings", "messages", "friends", "search", "hashtag", "home.php", "bookmarks", "notifications",
    "careers", "directory", "find-friends", "fundraisers", "campaign", "public", "about", "pages", "checkpoint",
    "connect", "oauth", "plugins.php", "unsupportedbrowser", "index.php", "watchparty", "games", "people",
})
_FB_PAGE_NAME = re.compile(r"^[^\s/?#]{1,200}$")
# Language subdomains serve the same accounts: de-de.facebook.com, es-la.facebook.com, pt-br.facebook.com.
_LOCALE_SUB = re.compile(r"[a-z]{2}[-_][a-z]{2}")
_FB_SUBS = frozenset({"mbasic", "free", "zero", "iphone", "touch"})
_FB_SUBPOST = frozenset({"posts", "videos", "photos", "reels", "reel", "photo", "permalink"})


def _facebook(url: _Url) -> SocialLink:
    if url.host in ("fb.watch",):
        return _post("facebook", url, note="a Facebook video short link")
    if url.sub not in _PLAIN_SUBS and not _LOCALE_SUB.fullmatch(url.sub) and url.sub not in _FB_SUBS:
        return _other("facebook", url, f"{url.host} is not a profile host (link shim, developer or business site)")
    segs, low = url.segments, url.lower
    if not segs:
        return _other("facebook", url, "Facebook's home page")
    first = low[0]
    if first in _FB_SHARE or (_GRAPH_VERSION.fullmatch(first) and "dialog" in low):
        if "oauth" in low:
            return _other("facebook", url, "login dialog")
        return _share("facebook", url, f"share endpoint /{'/'.join(segs)}")
    if first == "share":
        return _facebook_share(url)
    if first == "profile.php":
        ident = url.param("id")
        if ident.isdigit():
            return _profile("facebook", url, f"https://www.facebook.com/profile.php?id={ident}", ident)
        return _other("facebook", url, "profile.php without an id")
    if first in ("pages", "people") and (numbered := _fb_numbered(url)) is not None:
        return numbered
    if first == "app_scoped_user_id":
        return _other("facebook", url, "an app-scoped user id (a commenter's or login name), not a page")
    if first == "pg" and len(low) >= 2 and _FB_HANDLE.match(low[1]):
        return _profile("facebook", url, f"https://www.facebook.com/{low[1]}", low[1])
    if first == "groups" and len(low) >= 2:
        root = f"https://www.facebook.com/groups/{low[1]}"
        if len(low) >= 4 and low[2] in ("posts", "permalink"):
            return _post("facebook", url, root, low[1], "a post in a Facebook group")
        return _profile("facebook", url, root, low[1], "a Facebook group")
    if first in _FB_POSTS:
        return _post("facebook", url, note=f"a Facebook {first.split('.')[0]} link")
    if first in _FB_OTHER or first.endswith(".php") or not _FB_HANDLE.match(first):
        return _other("facebook", url, f"/{segs[0]} is a Facebook service page, not a profile")
    root = f"https://www.facebook.com/{first}"
    if len(low) >= 3 and low[1] in _FB_SUBPOST:
        return _post("facebook", url, root, first, f"a {low[1].rstrip('s')} on the page {first}")
    return _profile("facebook", url, root, first)


def _fb_numbered(url: _Url) -> SocialLink | None:
    """``/pages/<name>/<id>`` (``/pages/category/<kind>/<name>/<id>`` too) and ``/people/<name>/<id>``: a page or
    person named by its number. The root is the URL as linked up to the number, so the report names the page the
    brand linked (``https://www.facebook.com/pages/Brand-Co/1234``), never another spelling of it."""
    segs = url.segments
    if url.lower[0] == "pages" and url.lower[1:2] == ("category",) and len(segs) >= 4:
        # the newer /pages/category/<kind>/<name-id>/: the name carries the number
        path = "/".join(("pages", "category", *segs[2:4]))
        return _profile("facebook", url, f"https://www.facebook.com/{path}", segs[3], "a page named by its category")
    for end in range(2, min(len(segs), 6)):
        if segs[end].isdigit():
            if not all(_FB_PAGE_NAME.match(s) for s in segs[1:end]):
                return None
            path = "/".join((url.lower[0], *segs[1:end + 1]))
            return _profile("facebook", url, f"https://www.facebook.com/{path}", segs[end],
                            "a page named by its number" if url.lower[0] == "pages" else "a personal profile")
    return None


def _facebook_share(url: _Url) -> SocialLink:
    """``/share?u=`` is the share endpoint, ``/share/p/<code>`` a post someone shared, ``/share/<code>`` a hidden
    target."""
    low = url.lower
    if url.param("u") or url.param("href") or len(low) == 1:
        return _share("facebook", url, "share endpoint /share")
    if low[1] in ("p", "r", "v") and len(low) >= 3:
        return _post("facebook", url, note="a shared-post short link")
    return _other("facebook", url, "a Facebook share short link: the target is hidden")


def _messenger(url: _Url) -> SocialLink:
    low = url.lower
    if low and _FB_HANDLE.match(low[0]):
        return _profile("messenger", url, f"https://m.me/{low[0]}", low[0], "a Messenger chat link")
    return _other("messenger", url, "Messenger link without a page")


# ------------------------------------------------------------------ Instagram

_IG_HANDLE = re.compile(r"^[a-z0-9._]{1,30}$")
_IG_POST = frozenset({"p", "reel", "reels", "tv"})
_IG_OTHER = frozenset({
    "explore", "accounts", "about", "developer", "legal", "direct", "web", "oauth", "challenge", "emails",
    "session", "privacy", "terms", "api", "static", "graphql", "ar", "create", "lite", "s", "_n", "press",
    "directory", "invites", "embed.js", "download", "qr", "sharer", "share",
})


def _instagram(url: _Url) -> SocialLink:
    if url.sub not in _PLAIN_SUBS:
        return _other("instagram", url, f"{url.host} is not a profile host")
    low = url.lower
    if not low:
        return _other("instagram", url, "Instagram's home page")
    first = low[0]
    if first in _IG_POST:
        return _post("instagram", url, note=f"an Instagram {first} link without its owner")
    if first == "stories" and len(low) >= 2 and low[1] != "highlights" and _IG_HANDLE.match(low[1]):
        return _post("instagram", url, _ig_root(low[1]), low[1], "a story")
    if first == "_u" and len(low) >= 2 and _IG_HANDLE.match(low[1]):
        return _profile("instagram", url, _ig_root(low[1]), low[1])
    if first in _IG_OTHER or first == "stories" or not _IG_HANDLE.match(first):
        return _other("instagram", url, f"/{url.segments[0]} is an Instagram service page")
    if len(low) >= 3 and low[1] in _IG_POST:
        return _post("instagram", url, _ig_root(first), first, f"a {low[1]} by @{first}")
    return _profile("instagram", url, _ig_root(first), first)


def _ig_root(handle: str) -> str:
    return f"https://www.instagram.com/{handle}/"


# ------------------------------------------------------------------ X / Twitter

_X_HANDLE = re.compile(r"^[a-z0-9_]{1,15}$")
# Only X's own service paths: "@x", "@premium" or "@jobs"-like names are real accounts and stay handles.
_X_OTHER = frozenset({
    "home", "i", "search", "hashtag", "explore", "login", "logout", "signup", "settings", "messages",
    "notifications", "compose", "tos", "privacy", "oauth", "account", "widgets", "download", "who_to_follow",
    "en", "personalization", "rules", "sessions", "signin", "search-advanced", "intent", "share",
})


def _x(url: _Url) -> SocialLink:
    if url.host == "t.co":
        return _other("x", url, "t.co short link: the target is hidden")
    if url.sub not in _PLAIN_SUBS:
        return _other("x", url, f"{url.host} is a widget, publishing or help host, not a profile")
    low = url.lower
    if not low:
        return _other("x", url, "X's home page")
    first = low[0]
    if first.startswith("@") and _X_HANDLE.match(first[1:]):
        first = first[1:]  # twitter.com/@brand is how the handle is written, and X serves it as /brand
        low = (first, *low[1:])
    if first == "intent":
        action = low[1] if len(low) > 1 else ""
        if action in ("tweet", "post", "retweet", "like", ""):
            return _share("x", url, f"intent/{action or 'tweet'} endpoint")
        return _other("x", url, f"intent/{action} endpoint (opens X's dialog, not the profile)")
    if first == "share" or (first == "home" and url.param("status")):
        return _share("x", url, "share endpoint")
    if first == "i" and len(low) >= 4 and low[1] == "web" and low[2] == "status":
        return _post("x", url, note="a post without its author")
    if first in _X_OTHER or not _X_HANDLE.match(first):
        return _other("x", url, f"/{url.segments[0]} is an X service page")
    root = f"https://x.com/{first}"
    if len(low) >= 3 and low[1] in ("status", "statuses"):
        return _post("x", url, root, first, f"a post by @{first}")
    return _profile("x", url, root, first)


# ------------------------------------------------------------------ LinkedIn

_LI_ORG = frozenset({"company", "school", "showcase", "in", "groups"})
_LI_SHARE = frozenset({"sharing", "sharearticle", "cws"})  # share-offsite, shareArticle, cws/share
_LI_POST = frozenset({"feed", "posts", "pulse", "embed", "events"})
_LI_SLUG = re.compile(r"^[^\s/?#]{1,200}$")


def _linkedin(url: _Url) -> SocialLink:
    if url.host == "lnkd.in":
        return _other("linkedin", url, "lnkd.in short link: the target is hidden")
    if url.sub not in _PLAIN_SUBS and not re.fullmatch(r"[a-z]{2}", url.sub):
        return _other("linkedin", url, f"{url.host} is not a profile host")
    low = url.lower
    if not low:
        return _other("linkedin", url, "LinkedIn's home page")
    first = low[0]
    if first in _LI_SHARE:
        return _share("linkedin", url, f"share endpoint /{'/'.join(url.segments)}")
    if first in _LI_ORG and len(low) >= 2 and _LI_SLUG.match(low[1]):
        note = "a personal profile" if first == "in" else f"a LinkedIn {first.rstrip('s')} page"
        return _profile("linkedin", url, f"https://www.linkedin.com/{first}/{low[1]}/", low[1], note)
    if first == "pub" and len(low) >= 2 and low[1] != "dir" and all(_LI_SLUG.match(s) for s in low[1:5]):
        # the old public-profile address: /pub/<name>/<three id parts>, the whole path names the person
        path = "/".join(low[:5])
        return _profile("linkedin", url, f"https://www.linkedin.com/{path}/", low[1],
                        "a personal profile (old address)")
    if first == "profile" and low[1:2] == ("view",) and (ident := url.param("id")):
        return _profile("linkedin", url, f"https://www.linkedin.com/profile/view?id={ident}", ident,
                        "a personal profile (old address)")
    if first in _LI_POST:
        return _post("linkedin", url, note=f"a LinkedIn {first} link")
    return _other("linkedin", url, f"/{url.segments[0]} is a LinkedIn service page (login, jobs, help...)")


# ------------------------------------------------------------------ YouTube

_YT_POST = frozenset({"watch", "shorts", "embed", "live", "v", "e", "playlist", "clip"})
_YT_ROOTED = {"channel": False, "c": True, "user": True}  # kind -> lower-case the name?
_YT_NAME = re.compile(r"^[\w.\-]{1,100}$")
_YT_OTHER = frozenset({
    "redirect", "attribution_link", "signin", "account", "feed", "results", "premium", "t", "about",
    "howyoutubeworks", "creators", "ads", "kids", "gaming", "hashtag", "post", "s", "logout", "upload",
    "supported_browsers", "iframe_api", "player_api", "oembed", "yt", "sw.js", "new", "subscription_center",
    "share", "sharing", "select_site", "img", "api", "jobs", "trends", "music", "movies", "reporthistory",
})


def _youtube(url: _Url) -> SocialLink:
    if url.host == "youtu.be" or url.host.endswith("youtube-nocookie.com"):
        return _post("youtube", url, note="a single video")
    if url.sub not in _PLAIN_SUBS:
        return _other("youtube", url, f"{url.host} is not a channel host")
    segs, low = url.segments, url.lower
    if not low:
        return _other("youtube", url, "YouTube's home page")
    first = low[0]
    if first.startswith("@") and _YT_NAME.match(first[1:]):
        return _profile("youtube", url, f"https://www.youtube.com/{first}", first[1:])
    if first in _YT_ROOTED and len(segs) >= 2 and _YT_NAME.match(segs[1]):
        name = segs[1].lower() if _YT_ROOTED[first] else segs[1]  # channel ids are case-sensitive
        return _profile("youtube", url, f"https://www.youtube.com/{first}/{name}", name)
    if first in _YT_POST:
        return _post("youtube", url, note=f"a single {'playlist' if first == 'playlist' else 'video'}")
    if first in _YT_OTHER or first in _YT_ROOTED or not _YT_NAME.match(first):
        return _other("youtube", url, f"/{segs[0]} is a YouTube service page")
    return _profile("youtube", url, f"https://www.youtube.com/{first}", first, "a legacy custom channel URL")


# ------------------------------------------------------------------ TikTok

_TT_HANDLE = re.compile(r"^[a-z0-9._]{2,24}$")


def _tiktok(url: _Url) -> SocialLink:
    if url.sub in ("vm", "vt"):
        return _other("tiktok", url, "TikTok short link: the target is hidden")
    if url.sub not in _PLAIN_SUBS:
        return _other("tiktok", url, f"{url.host} is not a profile host")
    low = url.lower
    if low and low[0].startswith("@") and _TT_HANDLE.match(low[0][1:]):
        handle = low[0][1:]
        root = f"https://www.tiktok.com/@{handle}"
        if len(low) >= 3 and low[1] in ("video", "photo"):
            return _post("tiktok", url, root, handle, f"a {low[1]} by @{handle}")
        return _profile("tiktok", url, root, handle)
    if low and low[0] in ("embed", "v"):
        return _post("tiktok", url, note="an embedded video")
    if low and low[0] == "share":
        return _share("tiktok", url)
    return _other("tiktok", url, "a TikTok service page (tags, music, login, short link)")


# ------------------------------------------------------------------ Pinterest

_PIN_HOST = re.compile(r"(?:^|\.)pinterest\.(?:com?\.)?[a-z]{2,3}$")
_PIN_HANDLE = re.compile(r"^[a-z0-9_]{3,30}$")
_PIN_OTHER = frozenset({
    "search", "ideas", "today", "business", "login", "_", "oauth", "settings", "categories", "explore", "about",
    "resource", "topics", "shopping", "videos", "discover", "news_hub", "password", "signup", "homefeed",
    "sitemap", "offsite", "v3", "js", "static", "board", "secure", "entertainment", "join",
})


def _pinterest(url: _Url) -> SocialLink:
    if url.host == "pin.it":
        return _other("pinterest", url, "pin.it short link: the target is hidden")
    if url.sub not in _PLAIN_SUBS and not re.fullmatch(r"[a-z]{2}", url.sub):
        return _other("pinterest", url, f"{url.host} is not a profile host")
    low = url.lower
    if not low:
        return _other("pinterest", url, "Pinterest's home page")
    first = low[0]
    if first == "pin":
        if len(low) >= 2 and low[1] in ("create", "find"):
            return _share("pinterest", url, "'Pin it' endpoint")
        return _post("pinterest", url, note="a single pin")
    if first in _PIN_OTHER or not _PIN_HANDLE.match(first):
        return _other("pinterest", url, f"/{url.segments[0]} is a Pinterest service page")
    return _profile("pinterest", url, f"https://www.pinterest.com/{first}/", first)


# ------------------------------------------------------------------ Threads, Bluesky, Mastodon

def _threads(url: _Url) -> SocialLink:
    low = url.lower
    if low and low[0].startswith("@") and _IG_HANDLE.match(low[0][1:]):
        handle = low[0][1:]
        root = f"https://www.threads.com/@{handle}"  # threads.net now redirects to threads.com
        if len(low) >= 3 and low[1] == "post":
            return _post("threads", url, root, handle, f"a post by @{handle}")
        return _profile("threads", url, root, handle)
    if low and low[0] == "intent":
        return _share("threads", url, "intent/post endpoint")
    return _other("threads", url, "a Threads service page")


def _bluesky(url: _Url) -> SocialLink:
    low = url.lower
    if len(low) >= 2 and low[0] == "profile" and re.fullmatch(r"[a-z0-9.:\-]{3,253}", low[1]):
        root = f"https://bsky.app/profile/{low[1]}"
        if len(low) >= 4 and low[2] == "post":
            return _post("bluesky", url, root, low[1], f"a post by @{low[1]}")
        return _profile("bluesky", url, root, low[1])
    if low and low[0] == "intent":
        return _share("bluesky", url, "intent/compose endpoint")
    return _other("bluesky", url, "a Bluesky service page")


MASTODON_INSTANCES = frozenset({
    "mastodon.social", "mastodon.online", "mstdn.social", "mas.to", "fosstodon.org", "hachyderm.io",
    "infosec.exchange", "techhub.social", "mastodon.world", "universeodon.com", "mastodon.art",
    "social.vivaldi.net", "mstdn.jp", "pawoo.net", "toot.community", "mastodon.cloud", "aus.social",
    "mastodon.scot", "chaos.social", "det.social", "journa.host", "newsie.social", "mastodon.green",
    "mastodon.ie", "mastodon.nz", "mstdn.ca", "mastodon.uno", "piaille.fr", "mamot.fr", "ruhr.social",
    "mastodon.nl", "social.coop", "masto.ai", "sfba.social", "indieweb.social", "tech.lgbt",
})
_NOT_MASTODON = frozenset({"medium.com", "substack.com", "vimeo.com", "dev.to", "behance.net", "dribbble.com"})
_MASTO_USER = re.compile(r"^@([a-z0-9_]{1,30})$")


def _mastodon(url: _Url) -> SocialLink:
    low = url.lower
    if low and low[0] == "share":
        return _share("mastodon", url, "share endpoint")
    user = ""
    if low and (m := _MASTO_USER.match(low[0])):
        user = m.group(1)
    elif len(low) >= 2 and low[0] == "users" and re.fullmatch(r"[a-z0-9_]{1,30}", low[1]):
        user = low[1]
    if not user:
        return _other("mastodon", url, "a Mastodon service page")
    root = f"https://{url.host}/@{user}"
    if len(low) >= 2 and low[0].startswith("@") and low[1].isdigit():
        return _post("mastodon", url, root, f"{user}@{url.host}", f"a post by @{user}@{url.host}")
    return _profile("mastodon", url, root, f"{user}@{url.host}")


# ------------------------------------------------------------------ messaging and communities

def _whatsapp(url: _Url) -> SocialLink:
    low = url.lower
    if url.host == "chat.whatsapp.com":
        if url.segments:
            return _profile("whatsapp", url, f"https://chat.whatsapp.com/{url.segments[0]}", url.segments[0],
                            "a WhatsApp group invite")
        return _other("whatsapp", url, "group link without a code")
    if url.host == "wa.me":
        if low and low[0].isdigit():
            return _profile("whatsapp", url, f"https://wa.me/{low[0]}", low[0], "a click-to-chat contact number")
        if len(low) >= 2 and low[0] in ("message", "c"):
            return _profile("whatsapp", url, f"https://wa.me/{low[0]}/{url.segments[1]}", url.segments[1],
                            "a WhatsApp Business link")
        if url.param("text"):
            return _share("whatsapp", url, "click-to-chat without a number: a share link")
        return _other("whatsapp", url, "a WhatsApp link without a number")
    if low and low[0] == "channel" and len(url.segments) >= 2:
        return _profile("whatsapp", url, f"https://www.whatsapp.com/channel/{url.segments[1]}", url.segments[1],
                        "a WhatsApp channel")
    if (low and low[0] in ("send", "send.php")) or url.sub in ("api", "web"):
        phone = re.sub(r"\D", "", url.param("phone"))
        if phone:
            return _profile("whatsapp", url, f"https://wa.me/{phone}", phone, "a click-to-chat contact number")
        if url.param("text"):
            return _share("whatsapp", url, "send?text= without a number: a share link")
    return _other("whatsapp", url, "a WhatsApp service page")


_TG_HANDLE = re.compile(r"^[a-z0-9_]{4,32}$")


def _telegram(url: _Url) -> SocialLink:
    segs, low = url.segments, url.lower
    if not low:
        return _other("telegram", url, "Telegram's home page")
    if low[0] == "share":
        return _share("telegram", url, "share endpoint")
    if low[0] == "joinchat" and len(segs) >= 2:
        return _profile("telegram", url, f"https://t.me/+{segs[1]}", segs[1], "a group invite")
    if segs[0].startswith("+") and len(segs[0]) > 1:
        return _profile("telegram", url, f"https://t.me/{segs[0]}", segs[0][1:], "a group invite")
    name = low[1] if low[0] == "s" and len(low) >= 2 else low[0]
    if low[0] in ("addstickers", "proxy", "socks", "iv", "setlanguage", "login") or not _TG_HANDLE.match(name):
        return _other("telegram", url, f"/{segs[0]} is a Telegram service link")
    if low[0] != "s" and len(low) >= 2 and low[1].isdigit():
        return _post("telegram", url, f"https://t.me/{name}", name, f"a post in @{name}")
    return _profile("telegram", url, f"https://t.me/{name}", name)


def _discord(url: _Url) -> SocialLink:
    segs, low = url.segments, url.lower
    if url.host == "discord.gg" and segs:
        return _profile("discord", url, f"https://discord.gg/{segs[0]}", segs[0], "a server invite")
    if len(segs) >= 2 and low[0] == "invite":
        return _profile("discord", url, f"https://discord.gg/{segs[1]}", segs[1], "a server invite")
    if len(segs) >= 2 and low[0] == "users" and segs[1].isdigit():
        return _profile("discord", url, f"https://discord.com/users/{segs[1]}", segs[1], "a user")
    if low and low[0] == "channels":
        return _post("discord", url, note="a channel or message (members only)")
    return _other("discord", url, "a Discord service page")


_REDDIT_NAME = re.compile(r"^[a-z0-9_\-]{2,30}$")


_REDDIT_SUBS = _PLAIN_SUBS | {"old", "new", "np", "amp"}


def _reddit(url: _Url) -> SocialLink:
    if url.host == "redd.it":
        return _post("reddit", url, note="a Reddit short link to a post")
    if url.sub not in _REDDIT_SUBS:
        return _other("reddit", url, f"{url.host} is not a community host")
    low = url.lower
    if low and low[0] == "submit":
        return _share("reddit", url, "submit endpoint")
    if len(low) >= 2 and low[0] in ("r", "user", "u") and _REDDIT_NAME.match(low[1]):
        kind = "r" if low[0] == "r" else "user"
        root = f"https://www.reddit.com/{kind}/{low[1]}/"
        if len(low) >= 3 and low[2] == "submit":
            return _share("reddit", url, "submit endpoint")
        if len(low) >= 3 and low[2] == "comments":
            return _post("reddit", url, root, low[1], f"a thread in {kind}/{low[1]}")
        return _profile("reddit", url, root, low[1], "a subreddit" if kind == "r" else "a user")
    return _other("reddit", url, "a Reddit service page")


_TWITCH_HANDLE = re.compile(r"^[a-z0-9_]{3,25}$")
_TWITCH_OTHER = frozenset({
    "directory", "downloads", "jobs", "settings", "login", "signup", "subscriptions", "search", "turbo",
    "store", "prime", "p", "creatorcamp", "inventory", "wallet", "drops", "friends", "messages", "broadcast",
    "moderator", "popout", "embed", "team", "bits", "videos", "products", "legal", "security",
})


def _twitch(url: _Url) -> SocialLink:
    if url.sub in ("clips", "player"):
        return _post("twitch", url, note="a clip or embedded player")
    if url.sub not in _PLAIN_SUBS:
        return _other("twitch", url, f"{url.host} is not a channel host")
    low = url.lower
    if low and low[0] == "videos":
        return _post("twitch", url, note="a single video")
    if not low or low[0] in _TWITCH_OTHER or not _TWITCH_HANDLE.match(low[0]):
        return _other("twitch", url, "a Twitch service page")
    root = f"https://www.twitch.tv/{low[0]}"
    if len(low) >= 3 and low[1] in ("clip", "v"):
        return _post("twitch", url, root, low[0], f"a clip by {low[0]}")
    return _profile("twitch", url, root, low[0])


_SNAP_HANDLE = re.compile(r"^[a-z][a-z0-9._\-]{2,14}$")


def _snapchat(url: _Url) -> SocialLink:
    if url.sub == "story":
        return _post("snapchat", url, note="a story")
    if url.sub not in _PLAIN_SUBS:
        return _other("snapchat", url, f"{url.host} is not a profile host")
    low = url.lower
    handle = ""
    if len(low) >= 2 and low[0] == "add":
        handle = low[1]
    elif low and low[0].startswith("@"):
        handle = low[0][1:]
    if handle and _SNAP_HANDLE.match(handle):
        return _profile("snapchat", url, f"https://www.snapchat.com/add/{handle}", handle)
    if low and low[0] in ("scan", "share"):
        return _share("snapchat", url, "share endpoint")
    return _other("snapchat", url, "a Snapchat service page or short link")


_TUMBLR_RESERVED = frozenset({
    "login", "register", "explore", "dashboard", "tagged", "search", "settings", "policy", "about", "help",
    "widgets", "share", "privacy", "oauth", "docs", "apps", "business", "jobs", "logout", "inbox", "likes",
    "following", "www", "assets", "static", "media", "api", "blog",
})


def _tumblr(url: _Url) -> SocialLink:
    low = url.lower
    if low and low[0] in ("widgets", "share"):
        return _share("tumblr", url, "share endpoint")
    name = ""
    if url.sub and url.sub not in _TUMBLR_RESERVED and "." not in url.sub:
        name, rest = url.sub, low
    elif low:
        start = 1 if low[0] == "blog" and len(low) > 1 else 0
        name, rest = low[start], low[start + 1:]
    if not name or name in _TUMBLR_RESERVED or not re.fullmatch(r"[a-z0-9\-]{1,32}", name):
        return _other("tumblr", url, "a Tumblr service page")
    root = f"https://www.tumblr.com/{name}"
    if rest and (rest[0] == "post" or rest[0].isdigit()):
        return _post("tumblr", url, root, name, f"a post by {name}")
    return _profile("tumblr", url, root, name)


# ------------------------------------------------------------------ dispatch

_BASES: dict[str, tuple[str, Reader]] = {
    "facebook.com": ("facebook", _facebook), "fb.com": ("facebook", _facebook), "fb.me": ("facebook", _facebook),
    "fb.watch": ("facebook", _facebook), "m.me": ("messenger", _messenger),
    "instagram.com": ("instagram", _instagram), "instagr.am": ("instagram", _instagram),
    "x.com": ("x", _x), "twitter.com": ("x", _x), "t.co": ("x", _x),
    "linkedin.com": ("linkedin", _linkedin), "lnkd.in": ("linkedin", _linkedin),
    "youtube.com": ("youtube", _youtube), "youtu.be": ("youtube", _youtube),
    "youtube-nocookie.com": ("youtube", _youtube),
    "tiktok.com": ("tiktok", _tiktok), "pin.it": ("pinterest", _pinterest),
    "threads.net": ("threads", _threads), "threads.com": ("threads", _threads),
    "bsky.app": ("bluesky", _bluesky),
    "wa.me": ("whatsapp", _whatsapp), "whatsapp.com": ("whatsapp", _whatsapp),
    "t.me": ("telegram", _telegram), "telegram.me": ("telegram", _telegram), "telegram.dog": ("telegram", _telegram),
    "discord.gg": ("discord", _discord), "discord.com": ("discord", _discord),
    "discordapp.com": ("discord", _discord),
    "reddit.com": ("reddit", _reddit), "redd.it": ("reddit", _reddit),
    "twitch.tv": ("twitch", _twitch), "snapchat.com": ("snapchat", _snapchat), "tumblr.com": ("tumblr", _tumblr),
}
_EXACT_ONLY = frozenset({"m.me", "t.co", "wa.me", "fb.me", "fb.watch", "pin.it", "lnkd.in", "redd.it", "youtu.be",
                         "discord.gg", "t.me"})


def _network_of(host: str, rel_me: bool) -> tuple[str, str, Reader] | None:
    """(network, subdomain, reader) for a host, by its base domain, or None when it is no social network.

    The host's suffixes are looked up in a dict (``a.b.example.com`` ->
    ``b.example.com`` -> ``example.com``): a few hash lookups per host.
    """
    labels = host.split(".")
    for i in range(len(labels) - 1):
        base = host if i == 0 else ".".join(labels[i:])
        found = _BASES.get(base)
        if found is not None and (i == 0 or base not in _EXACT_ONLY):
            return found[0], ".".join(labels[:i]), found[1]
    if _PIN_HOST.search(host):
        sub = host.split(".pinterest.", 1)[0] if ".pinterest." in host else ""
        return "pinterest", sub, _pinterest
    if host in MASTODON_INSTANCES or (rel_me and host not in _NOT_MASTODON):
        return "mastodon", "", _mastodon
    return None


@lru_cache(maxsize=16384)
def classify(url: str, rel_me: bool = False) -> SocialLink | None:
    """The social link a URL is, or None when it is not on a social network.

    ``rel_me`` says the link carries ``rel="me"``: then ``/@user`` on any host
    is read as a Mastodon (fediverse) profile.
    """
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme == "whatsapp":
        return _whatsapp_scheme(parts)
    if scheme not in ("http", "https") or not host:
        return None
    found = _network_of(host, rel_me)
    if found is None:
        return None
    network, sub, reader = found
    path, query = parts.path, parts.query
    fragment = unquote(parts.fragment)
    if path.strip("/") == "" and fragment.startswith("!"):
        # the old hash-bang address: twitter.com/#!/brand (or #%21/brand), its query inside the fragment
        path, _, hash_query = fragment[1:].partition("?")
        path, query = "/" + path.lstrip("/"), hash_query or query
    # Whitespace around a segment is a typo of the page (a trailing %20 or NBSP), not part of the name.
    segments = tuple(seg for s in path.split("/") if (seg := unquote(s).strip()))
    link = f"{scheme}://{host}{path or '/'}"
    result = reader(_Url(host, sub, segments, query, link))
    if network == "mastodon" and result.kind == "other" and host not in MASTODON_INSTANCES:
        return None  # a rel=me link to some other site that is not a fediverse profile
    return result


def _whatsapp_scheme(parts: SplitResult) -> SocialLink:
    """``whatsapp://send?text=...`` (the app's own scheme, used by mobile share bars)."""
    link = f"whatsapp://{parts.netloc}{parts.path}"
    url = _Url("whatsapp", "api", (parts.netloc or "send",), parts.query, link)
    found = _whatsapp(url)
    return found if found.kind != "other" else _share("whatsapp", url, "whatsapp:// app link")
