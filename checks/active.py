"""Active: signs of an ongoing conversation (CRITERIA.md section 2).

Six checks, each measuring one thing and judging it against the snapshot's
scan time (never the real clock):

- ``active.blog``     is there a blog / news section, and how is it reached?
- ``active.recency``  when was the last dated post, and how steady is the cadence?
- ``active.feeds``    can people (and readers, and directories) subscribe?
- ``active.podcast``  audio: a podcast feed, a player, directory listings
- ``active.video``    video on the site itself (a channel link alone is not)
- ``active.events``   events and webinars, upcoming or past

Dates come from :mod:`connectedness.checks.dates`; video and podcast players
from the bundled fingerprints (``video.json``, ``podcast.json``). Profiles
decide later how much each matters for a media, retail or B2B brand: these
checks only measure.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin

from selectolax.lexbor import LexborNode

from connectedness import vocabulary
from connectedness.crawler.feeds import ADVERTISED_VIA, FeedListing, feed_listing, is_feed_address
from connectedness.crawler.selection import section_of
from connectedness.crawler.snapshot import Feed

from .anatomy import CHROME, PRODUCT_TYPES, SITE_CHROME, UNDATED_OG_ARTICLE
from .base import Evidence, Outcome, Status, check
from .dates import (
    ARCHIVE_SEGMENTS,
    BLOG_TERM_RANK,
    ParsedDate,
    PostIndex,
    blog_prefix,
    blog_term,
    collect_posts,
    date_from_url,
    is_podcast_feed,
    is_post_feed,
    not_post_section,
    parse_datetime,
    parse_text_date,
    url_key,
)
from .findings import and_list, days_ago, one_line, plural, short_day
from .fingerprints import Detection, default_fingerprints, html_window
from .site import Anchor, PageView, SiteView, css_path, node_types, split_url, squeeze

# ------------------------------------------------------------------------------------------- vocabulary

EXTERNAL_BLOG_HOSTS = re.compile(
    r"(?:^|\.)(?:medium\.com|substack\.com|ghost\.io|blogspot\.com|wordpress\.com|tumblr\.com|hashnode\.dev|"
    r"beehiiv\.com|mirror\.xyz|svbtle\.com|bearblog\.dev|write\.as|typepad\.com|over-blog\.com)$")
"""Hosted blog platforms a brand may keep its blog on (linked as "Blog" from its own site)."""

TEXT_TERMS = tuple(t for t in BLOG_TERM_RANK if t not in ("post", "articles"))
"""Blog terms accepted in link text: "Our story" is an about page, "Post" a button, and "Articles",
"Artykuły", "Articoli" the goods of a shop as often as its posts (in a URL they still count)."""
CASE_STUDY_TERMS = ("case_studies",)  # of vocabulary/sections.toml: a label that is never the blog
TEXT_WORD = re.compile(r"[^\W\d_]+")  # a word in any script
PODCAST_TERMS = ("podcast", "episodes", "listen")  # of vocabulary/sections.toml, as are the two below
EVENT_TERMS = ("events", "webinars", "workshops", "tickets", "live")
WEBINAR_TERMS = ("webinars",)
NOT_EVENT_TYPES = frozenset({"publicationevent", "broadcastevent", "ondemandevent"})
PODCAST_TYPES = ("PodcastSeries", "PodcastEpisode", "PodcastSeason")
SECTION_PODCAST_TERMS = ("podcast",)
"""What a podcast section is called in links (vocabulary/sections.toml): "episodes" alone may be a TV
show's or an anime's, "listen" an article read aloud."""
MAX_LABEL_WORDS = 6  # a navigation label ("Podcast - Conversas sobre vela"), not a sentence
AUDIO_FILE = re.compile(r"\.(?:mp3|m4a|aac|oga|ogg|opus)(?:[?#]|$)", re.IGNORECASE)
AUDIO_EXTENSIONS = (".mp3", ".m4a", ".aac", ".oga", ".ogg", ".opus")
AUDIO_DATA_ATTRIBUTE = re.compile(r"""\sdata-[\w-]+=["']([^"'\s]+\.(?:mp3|m4a|aac|oga|ogg|opus))(?:\?[^"']*)?["']""",
                                  re.IGNORECASE)
MIN_EPISODE_FILES = 2  # audio files on one page that make an episode list, with episode words or dates
AUDIO_SHOW_TERMS = ("podcast", "radio")  # of vocabulary/sections.toml: an audio channel that is a show
EPISODE_LIST_TERMS = ("podcast", "episodes")  # of vocabulary/sections.toml: what an episode list says it is
PRODUCT_SECTION_TERMS = ("features", "products", "shop", "pricing")
"""Sections of vocabulary/sections.toml under which a podcast segment is a product (podcast hosting, a
microphone kit), not the brand's show."""
MAX_BESIDE_CHARS = 80  # a list item or small block around a link, not a whole footer
DECORATIVE_VIDEO = ("autoplay", "muted", "loop")
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
PLAYER_SEGMENTS = frozenset({"player", "videoplayer", "video-player", "player-embed"})
EMBED_SEGMENTS = frozenset({"embed", "embeds", "iframe", "video", "videos"})
VIDEOJS_SEGMENTS = frozenset({"videojs", "video-js", "video.js"})
VIDEO_FILE = re.compile(r"\.(?:mp4|m4v|webm|m3u8|ogv|mov)(?:[?&#]|$)", re.IGNORECASE)
"""A video player page of an unknown host: ``/player/embed/``, a video.js page, a video file to play."""
CAMERA_NAMES = frozenset({"qr", "scan", "scanner", "camera", "cam", "webcam", "barcode", "selfie"})
"""Class and id words of a camera preview (markup names, read as words like the page anatomy's)."""
AUDIO_PLAYER_TERMS = ("podcast", "episodes", "radio")  # of vocabulary/sections.toml: an audio player's path
BUILT_VIDEO_ATTRIBUTES = ("data-settings", "data-html", "data-block-json")
"""Attributes a page builder keeps its video widget's URL in until a script builds the player (Elementor's
video widget, Squarespace's video block)."""
VIDEO_HOST_URL = re.compile(r"https?://(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:watch\?|embed/|shorts/)|"
                            r"youtu\.be/[\w-]|(?:player\.)?vimeo\.com/(?:video/)?\d|"
                            r"dailymotion\.com/(?:video|embed)/|fast\.wistia\.(?:com|net)/embed/)", re.IGNORECASE)
VIDEO_KIND_SCORE = {"embed": 100, "element": 100, "background": 60}
"""What each kind of video on the site is worth: a watchable player in full, a decorative loop partly."""

DIRECTORIES: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.IGNORECASE))
                                                            for name, pattern in (
    ("Apple Podcasts", r"^https?://(?:podcasts|itunes)\.apple\.com/(?:[a-z]{2}/)?podcast/"),
    ("Spotify", r"^https?://open\.spotify\.com/(?:show|episode)/"),
    ("Pocket Casts", r"^https?://(?:pca\.st/|(?:play\.)?pocketcasts\.com/podcasts?/)"),
    ("Overcast", r"^https?://overcast\.fm/(?:itunes\d+|\+)"),
    ("Castbox", r"^https?://castbox\.fm/(?:channel|vic|episode)/"),
    ("Podcast Addict", r"^https?://podcastaddict\.com/podcast/"),
    ("Amazon Music", r"^https?://music\.amazon\.[a-z.]+/podcasts/"),
    ("iHeartRadio", r"^https?://(?:www\.)?iheart\.com/podcast/"),
    ("Castro", r"^https?://castro\.fm/(?:podcast|itunes)/"),
    ("Podchaser", r"^https?://(?:www\.)?podchaser\.com/podcasts/"),
    ("TuneIn", r"^https?://tunein\.com/podcasts/"),
    ("Deezer", r"^https?://(?:www\.)?deezer\.com/(?:[a-z]{2}/)?show/"),
    ("Player FM", r"^https?://player\.fm/series/"),
    ("Goodpods", r"^https?://goodpods\.com/podcasts/"),
    ("YouTube Music", r"^https?://music\.youtube\.com/(?:podcast|playlist)"),
    ("Google Podcasts", r"^https?://podcasts\.google\.com/feed/"),
    ("SoundCloud", r"^https?://(?:www\.|m\.)?soundcloud\.com/(?!(?:discover|search|upload|pages|terms-of-use|"
                   r"charts|stream|you|people|tags|mobile|jobs|imprint)(?:[/?#]|$))[\w-]+/?(?:[?#]|$)"),
    ("Mixcloud", r"^https?://(?:www\.)?mixcloud\.com/(?!(?:discover|upload|select|about)(?:[/?#]|$))[\w-]+/?(?:[?#]|$)"),
))
"""Podcast directories and apps: a link to the brand's show there says "we have a podcast"."""
AUDIO_CHANNELS = frozenset({"SoundCloud", "Mixcloud"})
"""Audio platforms where a profile (not a show) is the brand's channel: counted from the site's chrome only,
beside the other profile icons; a track linked from an article may be anyone's."""
DIRECTORY_HOSTS = re.compile(r"apple\.com|spotify\.com|pca\.st|pocketcasts|overcast\.fm|castbox|podcastaddict|"
                             r"music\.amazon|iheart|castro\.fm|podchaser|tunein|deezer|player\.fm|goodpods|"
                             r"music\.youtube|podcasts\.google|soundcloud\.com|mixcloud\.com", re.IGNORECASE)
"""One cheap test before the per-directory patterns (most links go nowhere near a podcast app)."""

CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((name, re.compile(pattern, re.IGNORECASE))
                                                         for name, pattern in (
    ("YouTube", r"^https?://(?:www\.|m\.)?youtube\.com/(?:@[\w.-]+|channel/[\w-]+|c/[\w.-]+|user/[\w.-]+)/?(?:[?#]|$)"),
    ("Vimeo", r"^https?://(?:www\.)?vimeo\.com/(?!\d+(?:[/?#]|$))(?!video/|channels/staffpicks)[\w.-]+/?(?:[?#]|$)"),
    ("TikTok", r"^https?://(?:www\.)?tiktok\.com/@[\w.-]+/?(?:[?#]|$)"),
    ("Twitch", r"^https?://(?:www\.)?twitch\.tv/(?!videos/)[\w]+/?(?:[?#]|$)"),
    ("Dailymotion", r"^https?://(?:www\.)?dailymotion\.com/(?!video/)[\w.-]+/?(?:[?#]|$)"),
))
"""A video channel of the brand elsewhere: recorded, but it is not video on the site."""
CHANNEL_HOSTS = re.compile(r"youtube\.com|vimeo\.com|tiktok\.com|twitch\.tv|dailymotion\.com", re.IGNORECASE)

MAX_LISTED = 20  # entries kept in list observations
MAX_POST_SECTIONS = 4  # sections the date collector reads as post indexes
OTHER_HOST_TERMS = frozenset({"blog", "news", "press", "magazine"})
"""Sections a chrome link to another domain must name in its URL to be the brand's ("updates" of a
framework the site is built with is not)."""
LANGUAGE_SEGMENT = re.compile(r"[a-z]{2}(?:[-_][a-z]{2})?")
INDEX_STEMS = frozenset({"index", "default"})  # a folder's own page: /blog/index.html is /blog/
NOT_ARTICLE_VIA = frozenset({"json-ld:podcastepisode", UNDATED_OG_ARTICLE})
NOT_POST_TYPES = frozenset({"recipe", "howto"})
"""schema.org types of a page that is a recipe or how-to card, whatever its og:type says."""
"""Page kinds the anatomy calls a post that are not a blog or news post (an episode is the podcast's, a page
that only og:type=article calls one may be any page of a site an SEO plugin tags)."""


# ------------------------------------------------------------------------------------------- helpers


def _origin(url: str) -> str:
    parts = split_url(url)
    return f"{parts.scheme.lower()}://{(parts.netloc or '').lower()}"


def _home_url(site: SiteView) -> str:
    home = site.home
    return home.url if home is not None else (site.snapshot.home_url or site.snapshot.start_url)


def display_url(site: SiteView, url: str) -> str:
    """A URL as the truth and a reader write it: a path on the home page's origin, a full URL elsewhere."""
    clean = url.split("#", 1)[0]
    if _origin(clean) == _origin(_home_url(site)):
        parts = split_url(clean)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return clean


def _stem(segment: str) -> str:
    return segment.rsplit(".", 1)[0].lower() if "." in segment else segment.lower()


def _segments(url: str) -> list[str]:
    """Path segments without extensions; a folder's index file (``/blog/index.html``) is the folder."""
    segments = [_stem(s) for s in split_url(url).path.split("/") if s]
    if segments and segments[-1] in INDEX_STEMS:
        segments = segments[:-1]
    if len(segments) > 1 and LANGUAGE_SEGMENT.fullmatch(segments[-1]):
        segments = segments[:-1]  # /blog/de, /news/en-gb: the section in one language
    return segments


def _words(text: str) -> list[str]:
    return TEXT_WORD.findall(text.lower())


def _snippet(anchor: Anchor) -> str:
    return f'<a href="{anchor.href}">{anchor.text}</a>'[:200]


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _human(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _detections(site: SiteView, kind: str) -> list[Detection]:
    return [d for d in default_fingerprints().detect(site).values() if kind in d.kinds]


# ------------------------------------------------------------------------------------------------ blog


VIA_RANK = {"nav": 0, "header": 0, "footer": 0, "link": 2, "sitemap": 4, "feed": 5}


@dataclass(slots=True)
class BlogCandidate:
    """A place that may be the brand's blog, and the best way we saw it reached."""

    url: str
    word: str
    via: str  # nav | header | footer | link | sitemap | feed
    on_home: bool
    host: str  # site | brand_host | external (a blog platform) | other (another domain, linked from chrome)
    evidence: Evidence
    links: int = 1
    by_text: bool = False

    @property
    def rank(self) -> tuple[int, int, int, int, int, str]:
        """Sort key, best first: how it is reached, URL before label, word strength, links to it, shortness."""
        via = VIA_RANK[self.via] + (0 if self.on_home or self.via in ("sitemap", "feed") else 1)
        rank = BLOG_TERM_RANK.get(blog_term(self.word) or "", 3)
        return via, int(self.by_text), rank, -self.links, len(self.url), self.url


def _blog_word(anchor: Anchor, lang: str = "") -> tuple[str, bool] | None:
    """The word naming the blog section an own link goes to, and whether it came from the text, not the URL.

    The URL's last segment is the strong signal (``/blog/``, ``/news.html``,
    ``/blogs/journal/``). The link text ("Blog", "All posts") is used only for
    short labels, on URLs that name no other section ("Our story" -> /about/
    is the about page) and are not themselves posts; a false friend only in a page of the
    language where it names the section (``lang``): Danish "Magasin" is a magazine,
    French "Magasin" a shop, Italian "Stampa foto" photo printing.
    """
    if vocabulary.find("sections", anchor.text, *CASE_STUDY_TERMS):
        return None  # "Customer stories" -> /stories/: a vendor's case studies, not its blog
    segments = _segments(anchor.url)
    if segments and blog_term(segments[-1]) is not None:
        if any(blog_term(s) is not None for s in segments[:-1]) and len(segments) > 2:
            return None  # /blog/category/news/: an archive inside the blog
        return segments[-1], False
    words = _words(anchor.text)
    if not words or len(words) > 3 or date_from_url(anchor.url) is not None:
        return None
    if any(blog_term(s) is not None for s in segments) or section_of(anchor.url) not in (None, "blog"):
        return None
    found = vocabulary.pattern("sections", *TEXT_TERMS).search(anchor.text)
    if found is None or not _means_in(found.group(0), lang):
        return None
    return found.group(0).lower(), True


def _means_in(word: str, lang: str) -> bool:
    """A false friend (vocabulary/false_friends.toml: "Magasin" is a Danish magazine and a French shop,
    "Stampa" the Italian press and printing) names the section only on a page that says it is written in
    a language where the word means that; any other section word counts whatever the page declares
    (templates often keep a default ``lang="en"`` on pages in other languages)."""
    if not vocabulary.terms_of("false_friends", word):
        return True
    return lang.split("-", maxsplit=1)[0].lower() in vocabulary.terms_of("sections", word)


def _refused(site: SiteView) -> set[str]:
    """Keys of the URLs the crawl was refused (robots.txt) or got an HTTP error for (memoised on the view).

    A page the crawl simply did not reach (a page limit, a one-page scan) is still a section the site links.
    """
    cached = site.cache.get("active.refused")
    if isinstance(cached, set):
        return cached
    keys = {url_key(i.url) for i in site.snapshot.issues
            if i.reason == "robots_disallowed" or i.reason.startswith("http_")}
    site.cache["active.refused"] = keys
    return keys


def _host_kind(site: SiteView, url: str) -> str | None:
    if site.is_own(url):
        return "site" if _origin(url) == _origin(_home_url(site)) else "brand_host"
    host = (split_url(url).hostname or "").lower()
    return "external" if EXTERNAL_BLOG_HOSTS.search(host) else None


def _anchor_candidate(site: SiteView, view: PageView, anchor: Anchor, home_key: str) -> BlogCandidate | None:
    if anchor.scheme not in ("http", "https") or anchor.href.startswith("#"):
        return None
    url = anchor.url.split("#", 1)[0]
    if "#" in anchor.url and url_key(url) == url_key(view.url):
        return None  # an in-page jump ("News" -> "#news" on the home page) is not a section
    host = _host_kind(site, url)
    region = anchor.region
    if host is None and region in SITE_CHROME:
        host = "other"  # the group's newsroom on another domain, if its URL names the section (below)
    if host is None or (host != "external" and not_post_section(url)):
        return None
    named = _blog_word(anchor, view.lang)
    if host == "other" and (named is None or named[1] or blog_term(named[0]) not in OTHER_HOST_TERMS):
        return None  # only a URL that names the section: a label alone may lead to anyone's blog
    if named is None and host == "external" and region in SITE_CHROME:
        named = ("blog", True)  # a hosted-blog platform in the site's navigation is the blog, whatever the label
    if named is None:
        return None
    word, by_text = named
    if by_text and host == "site" and url_key(url) in _refused(site):
        return None  # "Draft posts" -> a page robots.txt keeps private is not the public blog
    via = region if region in SITE_CHROME else "link"
    evidence = Evidence(view.url, anchor.selector, "href", _snippet(anchor),
                        note=f"{via} link{' on the home page' if url_key(view.url) == home_key else ''}")
    return BlogCandidate(url, word, via, url_key(view.url) == home_key, host, evidence, by_text=by_text)


def _sitemap_candidates(site: SiteView, index_of: dict[str, BlogCandidate]) -> Iterable[BlogCandidate]:
    """Blog-named pages known only from the sitemap, kept when they list posts (an empty app shell is not a blog)."""
    for view in site.pages:
        found_on = (view.page.found_on or "").lower()
        segments = _segments(view.url)
        if not segments or blog_term(segments[-1]) is None or url_key(view.url) in index_of:
            continue
        if not (found_on.endswith(".xml") or "sitemap" in found_on):
            continue
        prefix = blog_prefix(view.url)
        listed = {url_key(a.url) for a in view.anchors if url_key(a.url).startswith(prefix)
                  and url_key(a.url) != url_key(view.url)}
        if len(listed) >= 2 or view.tree.css_first("article time, time[datetime]") is not None:
            yield BlogCandidate(view.url, segments[-1], "sitemap", False, _host_kind(site, view.url) or "site",
                                Evidence(view.url, note="listed in the sitemap, not linked", source="sitemap"))


def _feed_candidates(site: SiteView) -> Iterable[BlogCandidate]:
    """The site a post feed says it is about (its channel link), e.g. a blog host's root."""
    for feed in site.feeds:
        host = _host_kind(site, feed.link) if feed.link else None
        if host in ("site", "brand_host") and is_post_feed(feed) and feed.entries:
            evidence = Evidence(feed.url, snippet=f"<link>{feed.link}</link>", source="feed",
                                note="the feed's own link")
            yield BlogCandidate(feed.link.split("#", 1)[0], "blog", "feed", False, host or "site", evidence, links=0)


def find_blog(site: SiteView) -> list[BlogCandidate]:
    """Blog candidates, best first (memoised): nav/footer links, other links, sitemap pages, feed links."""
    cached = site.cache.get("active.blog")
    if isinstance(cached, list):
        return cached
    home_key = url_key(_home_url(site))
    best: dict[str, BlogCandidate] = {}
    for view, anchor in site.anchors():
        candidate = _anchor_candidate(site, view, anchor, home_key)
        if candidate is None:
            continue
        key = url_key(candidate.url)
        known = best.get(key)
        if known is None:
            best[key] = candidate
        else:  # the same section linked again: count it, keep the strongest way it is reached
            known.links += 1
            candidate.links = known.links
            if (candidate.rank, candidate.evidence.url) < (known.rank, known.evidence.url):
                best[key] = candidate
    for extra in [*_sitemap_candidates(site, best), *_feed_candidates(site)]:
        best.setdefault(url_key(extra.url), extra)
    ranked = sorted(best.values(), key=lambda c: c.rank)
    site.cache["active.blog"] = ranked
    return ranked


def blog_urls(site: SiteView) -> list[str]:
    """The posts sections the date collector reads as indexes: the chosen blog, and the other sections the
    site's header, navigation or footer names (a site's "News" and "Publications" both list its posts)."""
    candidates = find_blog(site)
    chrome = [c.url for c in candidates[1:] if c.via in SITE_CHROME and c.host != "external"]
    return [candidates[0].url, *chrome][:MAX_POST_SECTIONS] if candidates else []


@check(id="active.blog", category="active", title="A blog or news section", weight=2)
def blog_check(site: SiteView) -> Outcome:
    """Looks for a blog / news / journal / stories section linked from the site's navigation or footer,
    on the site, on a brand subdomain or host, or on a hosted platform (Medium, Substack, Ghost) the site
    links as its blog; falls back to sitemap pages that list posts and to feed links. Linked from the home
    page's navigation or footer passes; reachable only some other way is partial; none fails."""
    candidates = find_blog(site)
    if not candidates and (articles := _article_pages(site)):
        return _articles_outcome(site, articles)
    if not candidates:
        return Outcome("fail", 0, {"blog": "", "found_via": "", "host": "", "candidates": []}, [],
                       "Start a blog or news section and link it from your main navigation: regular stories, "
                       "guides and updates give people a reason to come back and something to share.",
                       "no blog or news section, and no page that is a post")
    best = candidates[0]
    shown = display_url(site, best.url)
    observations: dict[str, Any] = {
        "blog": shown,
        "found_via": best.via,
        "on_home": best.on_home,
        "host": best.host,
        "label": best.word,
        "candidates": [{"url": display_url(site, c.url), "via": c.via, "label": c.word} for c in candidates[:5]],
    }
    status, score, advice = _blog_grade(best, shown)
    return Outcome(status, score, observations, [best.evidence], advice, _blog_finding(best, shown))


BLOG_REACHED = {"nav": "navigation", "header": "header", "footer": "footer"}


def _blog_finding(best: BlogCandidate, shown: str) -> str:
    """"news section /news/, linked from the home page's navigation"."""
    term = (blog_term(best.word) or best.word).replace("_", " ")
    kind = "blog" if best.host == "external" else f"{term} section"
    if best.via in BLOG_REACHED:
        page = "the home page's" if best.on_home else "inner pages'"
        how = f"linked from {page} {BLOG_REACHED[best.via]}"
    elif best.via == "link":
        how = f"linked only from page content ({plural(best.links, 'link')})"
    elif best.via == "sitemap":
        how = "listed in the sitemap, linked from no page"
    else:
        how = "named only by its feed, linked from no page"
    return one_line(f"{kind} {shown}, {how}")


def _article_pages(site: SiteView) -> list[PageView]:
    """Pages that are themselves a post or a news article, as the page anatomy reads them (``og:type``,
    Article/NewsArticle/BlogPosting markup, a published time, a dated URL); a podcast episode is not one."""
    return [v for v in site.pages if _is_post_page(v)]


def _is_post_page(view: PageView) -> bool:
    """The anatomy calls the page an article, and nothing says it is a product or a recipe card instead: a
    shop's product page carries its reviews' ``datePublished``, a brand's recipe page ``og:type=article``."""
    anatomy = view.anatomy
    if not anatomy.is_article or anatomy.kind_via in NOT_ARTICLE_VIA:
        return False  # an episode, or only an SEO plugin's og:type=article on an undated brochure page
    if date_from_url(view.url) is not None:
        return True  # /2021/03/lentil-soup.html: a dated post, whatever card markup it carries
    if anatomy.kind_via.startswith("json-ld:") and anatomy.kind_via != "json-ld:podcastepisode":
        return not _product_markup(view)  # an Article node of its own still loses to a Product
    return not (_card_markup(view) or _product_markup(view))


def _product_markup(view: PageView) -> bool:
    types = {t.lower() for node in view.jsonld_nodes for t in node_types(node)}
    og_type = (view.meta_first("og:type") or "").lower()
    return bool(types & PRODUCT_TYPES) or og_type.startswith("product") or view.tree.css_first(
        '[itemtype*="schema.org/Product" i]') is not None


def _card_markup(view: PageView) -> bool:
    """Recipe or how-to markup (JSON-LD or microdata): the page is a card of its kind, not a post."""
    types = {t.lower() for node in view.jsonld_nodes for t in node_types(node)}
    return bool(types & NOT_POST_TYPES) or view.tree.css_first(
        '[itemtype$="schema.org/Recipe" i], [itemtype$="schema.org/HowTo" i]') is not None


def _articles_outcome(site: SiteView, articles: list[PageView]) -> Outcome:
    """No section linked, but the site publishes posts: partial (50), since readers cannot browse them."""
    first = articles[0]
    observations: dict[str, Any] = {
        "blog": "", "found_via": "article", "on_home": False, "host": "site", "label": "",
        "candidates": [], "article_pages": [display_url(site, v.url) for v in articles[:MAX_LISTED]],
        "article_via": first.anatomy.kind_via,
    }
    evidence = Evidence(first.url, note=f"the page is an article ({first.anatomy.kind_via})",
                        source="jsonld" if first.anatomy.kind_via.startswith("json-ld") else "html")
    return Outcome("partial", 50, observations, [evidence],
                   "You publish posts, but no link leads to a blog or news section that lists them: add one to "
                   "the main navigation so readers can find the rest.",
                   one_line(f"{plural(len(articles), 'page')} that are posts (e.g. {display_url(site, first.url)}), "
                            "but no blog or news section links them"))


def _blog_grade(best: BlogCandidate, shown: str) -> tuple[Status, int, str]:
    """Linked from the home page's navigation or footer: pass; from inner pages' nav: 80; content: 60; else 40."""
    if best.via in ("nav", "header", "footer") and best.on_home:
        if best.host in ("external", "other"):
            return ("pass", 100, "Your blog lives on another platform; consider hosting it on your own domain so its "
                    "readers, links and search traffic build your site.")
        return "pass", 100, "Keep your blog in the main navigation and link new posts from the home page."
    if best.via in ("nav", "header", "footer"):
        return "partial", 80, f"Link your blog ({shown}) from the home page's navigation, not only from inner pages."
    if best.via == "link":
        return "partial", 60, f"Your blog ({shown}) is only linked from page content: add it to the main navigation."
    return ("partial", 40, f"Your blog ({shown}) is not linked from your pages (found via the {best.via}): add a "
            "Blog or News link to the navigation so visitors can find it.")


# --------------------------------------------------------------------------------------------- recency


def _posts(site: SiteView) -> PostIndex:
    return collect_posts(site, blog_urls(site))


def _recency_grade(days: int, posts_90d: int) -> tuple[Status, int, str]:
    """Status, score and a verdict word from the age of the newest post and the last quarter's cadence."""
    if days <= 30:
        return ("pass", 100, "fresh") if posts_90d >= 3 else ("partial", 80, "fresh but irregular")
    if days <= 90:
        return "partial", 65, "slowing"
    if days <= 180:
        return "partial", 45, "quiet"
    if days <= 365:
        return "partial", 20, "going stale"
    return "fail", 0, "stale"


@check(id="active.recency", category="active", title="Recent, regular posts", weight=3)
def recency_check(site: SiteView) -> Outcome:
    """Dates every post it can find (feeds, JSON-LD, article:published_time, <time>, dated URLs, dates in
    blog listings), one date per post, and judges the newest against the scan time: within 30 days with
    3+ posts in 90 days passes; 31-365 days is partial (falling with age); older than a year fails as
    stale. A blog or feed with no dated posts fails; no blog and no feed at all is not applicable
    (active.blog already scores the absence)."""
    index = _posts(site)
    today = site.scan_time.date()
    newest = index.newest
    observations: dict[str, Any] = {
        "newest_post": newest.day.isoformat() if newest else "",
        "newest_post_url": display_url(site, newest.url) if newest else "",
        "newest_precision": newest.best.parsed.precision if newest else "",
        "posts": len(index.posts),
        "post_dates": [p.day.isoformat() for p in index.posts[:50]],
        "posts_90d": index.within(90, today),
        "posts_365d": index.within(365, today),
        "days_since_newest": max(0, (today - newest.day).days) if newest else None,
        "per_month_365d": round(index.within(365, today) / 12, 2),
        "sources": index.by_source,
        "future_dates": [{"url": display_url(site, r.url), "date": r.parsed.day.isoformat(), "source": r.source}
                         for r in index.future[:MAX_LISTED]],
        "scan_date": today.isoformat(),
    }
    if newest is None:
        has_blog = bool(find_blog(site))
        has_feed = any(is_post_feed(f) for f in site.feeds)
        if not has_blog and not has_feed:
            return Outcome("not_applicable", None, observations, [],
                           "No blog or feed was found, so there is nothing to date; start one (see active.blog).",
                           "no blog or feed, so no posts to date")
        what = "a blog" if has_blog else "a post feed"
        return Outcome("fail", 0, observations, [],
                       "We found a blog or feed but no dated posts: show a publication date on every post "
                       "(a <time datetime> element and datePublished in BlogPosting markup) so readers and "
                       "search engines can see the site is alive.",
                       f"{what}, but no post on it shows a date")
    days = max(0, (today - newest.day).days)
    status, score, verdict = _recency_grade(days, observations["posts_90d"])
    observations["verdict"] = verdict
    best = newest.best
    evidence = [Evidence(best.found_on, best.selector, snippet=best.snippet,
                         note=f"newest post ({newest.day.isoformat()}) dated by {best.source}",
                         source="feed" if best.source == "feed" else "jsonld" if best.source == "jsonld" else "html")]
    return Outcome(status, score, observations, evidence, _recency_advice(days, newest.day, observations),
                   _recency_finding(days, newest.day, observations))


def _recency_finding(days: int, newest: date, obs: dict[str, Any]) -> str:
    """"last post 62 days ago (30 Sep 2026); 1 post in 90 days, 5 in a year"."""
    return one_line(f"last post {days_ago(days)} ({short_day(newest)}); {plural(obs['posts_90d'], 'post')} in 90 "
                    f"days, {obs['posts_365d']:,} in a year")


def _recency_advice(days: int, newest: date, obs: dict[str, Any]) -> str:
    ago = f"{days:,} day{'' if days == 1 else 's'} ago ({_human(newest)})"
    if days > 365:
        return (f"Your last post was {ago}: to visitors the site looks abandoned. Publish again and keep to a "
                "realistic rhythm, even one post a month, or retire the section rather than show a stale date.")
    if days > 30:
        return (f"Your last post was {ago}, with {_plural(obs['posts_365d'], 'post')} in the past year: "
                "aim for at least one post a month so the site keeps looking active.")
    if obs["posts_90d"] < 3:
        return (f"Your last post was {ago}, but only {_plural(obs['posts_90d'], 'post')} in the past 90 days: "
                "a steady rhythm (at least monthly) matters more than bursts.")
    return (f"Your last post was {ago} and you posted {_plural(obs['posts_90d'], 'time')} in 90 days: keep that "
            "rhythm and link new posts from the home page.")


# ----------------------------------------------------------------------------------------------- feeds


def _feed_record(site: SiteView, feed: Feed) -> dict[str, Any]:
    days = [p.day for e in feed.entries if (p := parse_datetime(e.published)) is not None]
    return {
        "url": display_url(site, feed.url),
        "status": "parsed",
        "kind": feed.kind,
        "entries": len(feed.entries),
        "found_via": feed.found_via,
        "podcast": is_podcast_feed(feed),
        "newest_entry": max(days).isoformat() if days else "",
        "error": feed.error or "",
    }


def _unread_record(site: SiteView, unread: FeedListing) -> dict[str, Any]:
    return {
        "url": display_url(site, unread.url),
        "status": unread.state,  # not_fetched (robots.txt, max_feeds, time, network) | error (HTTP error, not a feed)
        "found_via": unread.found_via,
        "found_on": display_url(site, unread.found_on) if unread.found_on else "",
        "reason": unread.reason,
        "message": unread.message,
    }


def _unread_evidence(unread: FeedListing) -> Evidence:
    snippet = (f'<link rel="alternate" href="{unread.url}">' if unread.found_via == "link-rel"
               else f'<a href="{unread.url}">')
    return Evidence(unread.found_on or unread.url, snippet=snippet, source="html",
                    note=f"advertised feed not read: {unread.reason}")


# "RSS" (and "Atom") is the one word for a feed that every language uses as it is (an acronym, not
# vocabulary): the word itself, not a product code that begins with it ("RSS-200", "RSS200").
_RSS_WORD = re.compile(r"(?<![A-Za-z0-9])(?:RSS|Atom)(?![A-Za-z0-9]|[-\s]?\d)", re.IGNORECASE)
_RSS_CLASS = re.compile(r"(?<![A-Za-z0-9])rss(?![A-Za-z0-9])", re.IGNORECASE)  # an RSS icon: fa-rss, icon-rss
_FEED_FILES = frozenset({"feed.xml", "rss.xml", "atom.xml", "index.xml", "feed.json"})
_FEED_FILE_EXTENSIONS = frozenset({"rss", "atom"})
_FEED_HOST_LABELS = frozenset({"feeds", "feed", "rss", "atom"})


def _says_rss(anchor: Anchor) -> bool:
    """The link's label says RSS or Atom: its text, title, aria-label, an image's alt, or an RSS icon's class."""
    label = " ".join([anchor.text, anchor.attr("title"), anchor.attr("aria-label"),
                      *((img.attributes.get("alt") or "") for img in anchor.node.css("img"))])
    if _RSS_WORD.search(label):
        return True
    classes = [anchor.attr("class"), *((n.attributes.get("class") or "") for n in anchor.node.css("[class]"))]
    return any(_RSS_CLASS.search(c) for c in classes)


def _feed_file(url: str) -> bool:
    """The address names a feed file: ``/index.rss``, ``/blog/atom.xml``, ``/feed.json``."""
    last = split_url(url).path.rstrip("/").rsplit("/", 1)[-1].lower()
    return last in _FEED_FILES or ("." in last and last.rpartition(".")[2] in _FEED_FILE_EXTENSIONS)


def _fetched_pages(site: SiteView) -> set[str]:
    """Keys of the URLs the crawl fetched as HTML pages (memoised): a link to one is a page, not a feed."""
    cached = site.cache.get("active.fetched_pages")
    if isinstance(cached, set):
        return cached
    keys = {url_key(v.url) for v in site.pages}
    site.cache["active.fetched_pages"] = keys
    return keys


def _feed_links(site: SiteView, known: set[str]) -> list[tuple[PageView, Anchor]]:
    """Visible links to the brand's feeds that the crawl did not read (a one-page scan reads no body
    link). A URL the crawl fetched and found to be an HTML page is not a feed, whatever its address
    ("Animal feed" -> ``/shop/feed/``). Of the others: a feed file (``index.rss``, ``atom.xml``) on the
    brand's hosts anywhere on the page or in the site's chrome on any host; a feed host of the brand
    (``feeds.brand.example``); a feed-looking address (``/feed/``, ``/rss/``, ``/news/rss-feed``) whose
    label says RSS or Atom (the word, an RSS icon), on the brand's hosts or in its chrome; or any own link
    labelled RSS (a feed, or the page that lists the feeds). "Our Instagram
    feed" -> ``/feed/``, a partner's ``feeds.`` host without an RSS label, another site's feed linked from
    an article, a share dialog, a product code ("RSS-200") and a ``#`` button that a script fills are not
    the brand's feed links."""
    fetched = _fetched_pages(site)
    found: dict[str, tuple[PageView, Anchor]] = {}
    for view in site.pages:
        for anchor in view.anchors:
            if anchor.scheme not in ("http", "https") or anchor.href.lstrip().startswith("#"):
                continue
            url = anchor.url.split("#", 1)[0]
            if url in known or url in found or url_key(url) in fetched:
                continue
            own = site.is_own(url)
            if not (own or anchor.region in SITE_CHROME):
                continue
            says_rss = _says_rss(anchor)
            if is_feed_address(url):
                feed_host = (split_url(url).hostname or "").split(".", 1)[0] in _FEED_HOST_LABELS
                if _feed_file(url) or (own and feed_host) or says_rss:
                    found[url] = (view, anchor)
            elif own and says_rss:  # "RSS" -> /syndication/42, "RSS-Feeds abonnieren": a feed or a feed list
                found[url] = (view, anchor)
    return list(found.values())


@check(id="active.feeds", category="active", title="RSS / Atom feeds", weight=1, needs=("pages", "feeds"))
def feeds_check(site: SiteView) -> Outcome:
    """Lists the RSS, Atom and JSON feeds the crawl found and parsed (linked with <link rel="alternate">
    on any host, linked from the site's header, navigation or footer, linked from pages, or at common
    paths), the advertised ones it could not read, with the reason, and visible feed links it did not
    follow (``linked``: a feed file or a feed host of the brand, a feed address labelled RSS on the brand's
    hosts or in its chrome, an own link labelled RSS; never a URL the crawl fetched as an HTML page). A feed
    with entries, advertised in a page's head or the site's chrome, passes; one found only by probing or
    by an in-page link is partial, as is an advertised feed that could not be read (robots.txt, a bound,
    no answer: 70; an HTTP error or not a feed: 40), a visible feed link this scan did not read (60) or an
    empty feed (40); none at all fails."""
    listing = feed_listing(site.snapshot)
    unread = [entry for entry in listing if entry.state != "parsed" and entry.advertised]
    records = [_feed_record(site, f) for f in site.feeds]
    linked = _feed_links(site, {e.url for e in listing if e.state == "parsed" or e.advertised})
    observations: dict[str, Any] = {"feeds": [r["url"] for r in records], "details": records,
                                    "advertised_not_read": [_unread_record(site, u) for u in unread[:MAX_LISTED]],
                                    "linked": [{"url": display_url(site, a.url), "text": a.text[:80],
                                                "region": a.region, "page": display_url(site, v.url)}
                                               for v, a in linked[:MAX_LISTED]]}
    if not records and not unread and not linked:
        return Outcome("fail", 0, observations, [],
                       "Publish an RSS or Atom feed of your posts and link it in every page's <head> "
                       '(<link rel="alternate" type="application/rss+xml">): readers, newsletters and '
                       "aggregators can then follow you.",
                       "no RSS, Atom or JSON feed found or linked")
    evidence = [Evidence(f.url, snippet=f"{f.kind}: {len(f.entries)} entries, found via {f.found_via}",
                         source="feed") for f in site.feeds[:5]]
    evidence += [_unread_evidence(u) for u in unread[: max(0, 5 - len(evidence))]]
    evidence += [Evidence(v.url, a.selector, "href", a.url, note=f"feed link not read by this scan ({a.region})")
                 for v, a in linked[: max(0, 5 - len(evidence))]]
    good = [f for f in site.feeds if f.entries]
    advertised = bool(unread) or any(f.found_via in ADVERTISED_VIA for f in good)
    if good and advertised:
        return Outcome("pass", 100, observations, evidence,
                       "Keep your feed linked in every page's <head> and include full post dates in it.",
                       _feeds_finding(site, good, "advertised by the site's pages"))
    if good:
        return Outcome("partial", 70, observations, evidence,
                       'Your feed exists but no page advertises it: add <link rel="alternate" '
                       'type="application/rss+xml"> to the <head> of every page so browsers and readers find it.',
                       _feeds_finding(site, good, f"found only {FOUND_VIA.get(good[0].found_via, 'by probing')}"))
    if unread and not records:
        first = next((u for u in unread if u.state == "not_fetched"), unread[0])
        shown = display_url(site, first.url)
        if first.state == "not_fetched":
            return Outcome("partial", 70, observations, evidence,
                           f"Your pages advertise a feed ({first.url}) that we could not read ({first.reason}): "
                           "make sure feed readers and aggregators may fetch it (robots.txt allows it, it answers).",
                           one_line(f"advertised feed {shown} not read: {_unread_words(first.reason)}"))
        return Outcome("partial", 40, observations, evidence,
                       f"Your pages advertise a feed ({first.url}) that does not give one ({first.reason}): "
                       "fix the link or the feed so readers who subscribe get your posts.",
                       one_line(f"advertised feed {shown} gives no feed: {_unread_words(first.reason)}"))
    if linked and not records:
        return Outcome("partial", 60, observations, evidence,
                       f"Your pages link a feed ({linked[0][1].url}) but do not declare it: add "
                       '<link rel="alternate" type="application/rss+xml"> to every page\'s <head> so browsers, '
                       "readers and aggregators find it without hunting for the link.",
                       one_line(f"a feed link ({display_url(site, linked[0][1].url)}) on "
                                f"{display_url(site, linked[0][0].url)}, declared in no page's head"))
    empty = site.feeds[0] if site.feeds else None
    return Outcome("partial", 40, observations, evidence,
                   "Your feed has no entries (or could not be read): make sure it lists your latest posts.",
                   one_line(f"feed {display_url(site, empty.url)} has no entries" if empty is not None
                            else "a feed, but it lists no entries"))


UNREAD_WORDS = {"robots_disallowed": "robots.txt forbids it", "feed_limit": "beyond this scan's feed limit",
                "time_budget": "the scan ran out of time", "not_a_feed": "the address is not a feed",
                "outside_loopback": "it is on another host than the local test site",
                "retry_after_too_long": "the server asked to retry much later"}
"""Why an advertised feed was not read (``CrawlIssue.reason``), in words; ``http_404`` reads "HTTP 404"."""


def _unread_words(reason: str) -> str:
    if reason in UNREAD_WORDS:
        return UNREAD_WORDS[reason]
    return f"HTTP {reason[5:]}" if reason.startswith("http_") else reason.replace("_", " ")


FOUND_VIA = {"link-rel": "in the page head", "chrome-link": "through a header or footer link",
             "anchor": "through a link in page content", "common-path": "at a common feed address"}
"""How the crawl found a feed (``Feed.found_via``), in words; anything else reads "by probing"."""


def _feeds_finding(site: SiteView, good: list[Feed], how: str) -> str:
    """"RSS feed /feed/news.rss (6 entries, newest 20 Nov 2026), advertised by the site's pages; 2 feeds"."""
    first = good[0]
    days = [p.day for e in first.entries if (p := parse_datetime(e.published)) is not None]
    newest = f", newest {short_day(max(days))}" if days else ""
    more = f"; {len(good)} feeds with entries" if len(good) > 1 else ""
    entries = plural(len(first.entries), "entry", "entries")
    kind = FEED_KINDS.get(first.kind, first.kind)
    return one_line(f"{kind} feed {display_url(site, first.url)} ({entries}{newest}), {how}{more}")


FEED_KINDS = {"rss": "RSS", "atom": "Atom", "json": "JSON"}


# --------------------------------------------------------------------------------------------- podcast


def _is_podcast_page(view: PageView) -> bool:
    return any(vocabulary.segment_term("sections", s, *PODCAST_TERMS) for s in _segments(view.url)) \
        or view.reason.endswith("podcast") \
        or bool(view.nodes_of_type(*PODCAST_TYPES))


def _directory_links(site: SiteView) -> tuple[list[dict[str, str]], list[Evidence]]:
    """Links to the brand's show in podcast apps, from podcast pages or the site's chrome (a show linked from
    an article may be anyone's). An audio channel (SoundCloud, Mixcloud) counts only on a podcast page or,
    in the chrome, beside a podcast word: most are a musician's or a DJ's."""
    found: dict[str, dict[str, str]] = {}
    evidence: list[Evidence] = []
    for view in site.pages:
        podcast_page = _is_podcast_page(view)
        for anchor in view.anchors:
            if anchor.url in found or not DIRECTORY_HOSTS.search(anchor.host):
                continue
            name = next((n for n, p in DIRECTORIES if p.search(anchor.url)), None)
            if name is None:
                continue
            chrome = anchor.region in CHROME
            if not (podcast_page or chrome):
                continue  # a guest appearance on someone else's show, linked from an article
            if name in AUDIO_CHANNELS and not (podcast_page or (chrome and _beside_podcast_word(anchor))):
                continue  # a band's, a DJ's, a club's SoundCloud: music, unless it says podcast
            found[anchor.url] = {"directory": name, "url": anchor.url, "page": display_url(site, view.url)}
            if len(evidence) < 5:
                evidence.append(Evidence(view.url, anchor.selector, "href", _snippet(anchor), note=f"{name} link"))
    return sorted(found.values(), key=lambda d: (d["directory"], d["url"])), evidence


def _beside_podcast_word(anchor: Anchor) -> bool:
    """A podcast or radio word (vocabulary/sections.toml) in the link's label, title or address
    (``soundcloud.com/brand-podcast``, ``soundcloud.com/radiobrand``), or in the small block that holds it."""
    label = " ".join([anchor.text, anchor.attr("title"), anchor.attr("aria-label"),
                      *((img.attributes.get("alt") or "") for img in anchor.node.css("img")),
                      re.sub(r"[-_/.]+", " ", unquote(split_url(anchor.url).path))])
    if vocabulary.find("sections", label, *AUDIO_SHOW_TERMS):
        return True
    slug = re.sub(r"[\W_]+", "", vocabulary.fold(split_url(anchor.url).path.strip("/").split("/", 1)[0]))
    show_words = {vocabulary.fold(w).replace(" ", "") for t in AUDIO_SHOW_TERMS
                  for w in vocabulary.words("sections", t)}
    if any(slug.startswith(w) or slug.endswith(w) for w in show_words if len(w) >= 4):
        return True  # a channel named as a show: radiobrand, brandpodcast
    parent = anchor.node.parent
    text = squeeze(parent.text(separator=" ")) if parent is not None else ""
    return len(text) <= MAX_BESIDE_CHARS and bool(vocabulary.find("sections", text, *AUDIO_SHOW_TERMS))


def _names_podcast(parts: SplitResult) -> bool:
    """The URL itself names a podcast: a whole path segment (``/podcasts/``, ``/podcast/episode-40/``) or a
    host label (``podcast.brand.com``) in any language of vocabulary/sections.toml."""
    labels = (parts.hostname or "").split(".")[:-2]  # subdomain labels only: never the brand's own name
    if any(vocabulary.segment_term("sections", s, *SECTION_PODCAST_TERMS) for s in labels):
        return True
    return _podcast_segment(parts) == "section"


def _podcast_segment(parts: SplitResult) -> str | None:
    """Where a path segment names a podcast: ``nested`` under a post archive or a product section (a post's
    ``/tag/podcast/``, ``/category/podcast/``, a hosting product's ``/features/podcast/``), ``section``
    anywhere else (``/podcast/``, ``/about-us/podcast/``, ``/guides/podcast/``), None when none names one."""
    segments = [s for s in parts.path.split("/") if s]
    for index, segment in enumerate(segments):
        if not vocabulary.segment_term("sections", segment, *SECTION_PODCAST_TERMS):
            continue
        parents = segments[:index]
        if any(p.lower() in ARCHIVE_SEGMENTS or vocabulary.segment_term("sections", p, *PRODUCT_SECTION_TERMS)
               for p in parents):
            return "nested"
        return "section"
    return None


def _podcast_link(page: SplitResult, page_key: str, anchor: Anchor, podcast_page: bool = False) -> str | None:
    """How an own link leads to the brand's podcast section (``url`` or ``label``), or None.

    Both count from the site's chrome only, where a site lists its own sections (or from a podcast page,
    for a URL): a URL that names a podcast section (``/podcast/``, ``podcast.brand.com``), or a short label
    ("Podcast", "Unser Podcast") on a link elsewhere on the same host. A post's tag or category
    (``/tag/podcast/``), a product feature (``/features/podcast/``) and a sister site's podcast (another
    host of the group, only the label naming it) do not.
    """
    parts = split_url(anchor.url)  # once: the properties of Anchor split the URL on every call
    if parts.scheme.lower() not in ("http", "https") or url_key(anchor.url) == page_key:
        return None
    if _podcast_segment(parts) == "nested":
        return None
    if _names_podcast(parts):
        return "url" if anchor.region in CHROME or podcast_page else None
    if anchor.region not in CHROME or parts.hostname != page.hostname:
        return None
    words = _words(anchor.text)
    if not words or len(words) > MAX_LABEL_WORDS:
        return None
    return "label" if vocabulary.find("sections", anchor.text, *SECTION_PODCAST_TERMS) else None


def _podcast_sections(site: SiteView) -> tuple[list[dict[str, str]], list[Evidence]]:
    """Links to the brand's own podcast section or episodes: on the site or a brand host, or on another
    domain when the site's header, navigation or footer links it (where a site lists its own sections;
    another site's podcast linked from an article is not the brand's)."""
    found: dict[str, dict[str, str]] = {}
    evidence: list[Evidence] = []
    for view in site.pages:
        page, page_key, podcast_page = split_url(view.url), url_key(view.url), _is_podcast_page(view)
        for anchor in view.anchors:
            _add_podcast_link(site, view, anchor, _podcast_link(page, page_key, anchor, podcast_page), found,
                              evidence)
    return sorted(found.values(), key=lambda d: d["url"])[:MAX_LISTED], evidence


def _add_podcast_link(site: SiteView, view: PageView, anchor: Anchor, how: str | None,
                      found: dict[str, dict[str, str]], evidence: list[Evidence]) -> None:
    """Record one podcast section link: own hosts from anywhere, another domain only from the chrome by URL."""
    if how is None or (key := url_key(anchor.url)) in found:
        return
    own = site.is_own(anchor.url)
    if not own and not (how == "url" and anchor.region in SITE_CHROME):
        return
    found[key] = {"url": display_url(site, anchor.url), "by": how, "region": anchor.region,
                  "host": "site" if own else "other", "page": display_url(site, view.url)}
    if len(evidence) < 3:
        evidence.append(Evidence(view.url, anchor.selector, "href", _snippet(anchor),
                                 note=f"podcast section link ({anchor.region}, by {how})"))


def _audio_files(view: PageView) -> set[str]:
    """Distinct audio files a page links or plays (``<a href="ep1.mp3">``, ``<audio src>``, ``<source>``)."""
    found = {a.url.split("?", 1)[0].split("#", 1)[0] for a in view.anchors if AUDIO_FILE.search(a.url)}
    for node in view.tree.css("audio[src], audio source[src]"):
        src = (node.attributes.get("src") or "").strip()
        if src:
            found.add(urljoin(view.base, src).split("?", 1)[0])
    # a broadcaster's own player: play buttons that carry their episode's file in a data attribute
    # (read where fingerprints are, the first 512 KB and last 128 KB: a catalogue cut at 5 MB would cost
    # tens of milliseconds, and a plain search for the file endings skips the pattern on most pages)
    window = html_window(view.html)
    lowered = window.lower()
    if any(ext in lowered for ext in AUDIO_EXTENSIONS):
        found.update(urljoin(view.base, m.group(1)) for m in AUDIO_DATA_ATTRIBUTE.finditer(window))
    return found


def _episode_lists(site: SiteView) -> tuple[int, list[Evidence]]:
    """Pages that list episodes as audio files: any on a podcast page or a post filed under the podcast
    category or tag, or two or more files on a page that says episode or podcast (vocabulary/sections.toml)
    or dates them (``<time datetime>``). One clip beside a news report, a speaker's sound samples and a
    lesson's pronunciation clips are not a podcast."""
    pages = 0
    evidence: list[Evidence] = []
    for view in site.pages:
        files = _audio_files(view)
        if (files and (_is_podcast_page(view) or _filed_under_podcast(view))) or (
                len(files) >= MIN_EPISODE_FILES and _lists_episodes(view)):
            pages += 1
            if len(evidence) < 2:
                evidence.append(Evidence(view.url, note=f"{len(files)} audio files: {', '.join(sorted(files)[:3])}"))
    return pages, evidence


def _filed_under_podcast(view: PageView) -> bool:
    """The page links its own podcast category or tag (``/category/podcast/``): a post filed as an episode."""
    host = split_url(view.url).hostname
    return any(_podcast_segment(parts := split_url(a.url)) == "nested" and parts.hostname == host
               for a in view.anchors)


def _lists_episodes(view: PageView) -> bool:
    """The page calls its audio episodes or a podcast, or dates its items (an episode list is dated)."""
    text = view.title + " " + view.text
    if vocabulary.find("sections", text, *EPISODE_LIST_TERMS):
        return True
    return len(view.tree.css("time[datetime]")) >= MIN_EPISODE_FILES


def _audio_on_podcast_pages(site: SiteView) -> tuple[int, list[Evidence]]:
    count = 0
    evidence: list[Evidence] = []
    for view in site.pages:
        if not _is_podcast_page(view):
            continue
        for node in view.tree.css("audio"):
            if node.attributes.get("src") or node.css_first("source[src]") is not None:
                count += 1
                if len(evidence) < 3:
                    evidence.append(Evidence(view.url, "audio", "src", (node.html or "")[:160], note="audio player"))
    return count, evidence


def _podcast_jsonld(site: SiteView) -> tuple[list[str], list[Evidence]]:
    types: set[str] = set()
    evidence: list[Evidence] = []
    for view in site.pages:
        for node in view.nodes_of_type(*PODCAST_TYPES):
            types.update(t for t in node_types(node) if t in PODCAST_TYPES)
            if len(evidence) < 2:
                evidence.append(Evidence(view.url, 'script[type="application/ld+json"]',
                                         snippet=str(node.get("name", ""))[:120], note="/".join(node_types(node)),
                                         source="jsonld"))
    return sorted(types), evidence


@check(id="active.podcast", category="active", title="A podcast", weight=1, needs=("pages", "feeds"))
def podcast_check(site: SiteView) -> Outcome:
    """Finds a podcast: a feed with the iTunes namespace or audio enclosures, embedded players (Buzzsprout,
    Libsyn, Spotify for Podcasters, Simplecast, SoundCloud...), PodcastSeries/Episode markup, audio players
    on podcast pages, pages listing episodes as audio files (with episode words or dates), links to the
    show in podcast apps (Apple Podcasts, Spotify, Pocket Casts...) from podcast pages or the site's chrome,
    or to the brand's audio channel from the chrome beside a podcast word, and links to the brand's own
    podcast section (a URL naming it, not a tag or a product feature, or a "Podcast" label, in the
    navigation or footer).
    A podcast with a feed passes (partial when its newest episode is over a year old); a podcast without
    a feed is partial (60), one seen only through a link to its section partial (50); none fails."""
    feeds = [f for f in site.feeds if is_podcast_feed(f)]
    episodes = [p.day for f in feeds for e in f.entries if (p := parse_datetime(e.published)) is not None]
    players = _detections(site, "podcast")
    directories, dir_evidence = _directory_links(site)
    audio, audio_evidence = _audio_on_podcast_pages(site)
    jsonld, jsonld_evidence = _podcast_jsonld(site)
    sections, section_evidence = _podcast_sections(site)
    episode_pages, episode_evidence = _episode_lists(site)
    newest = max(episodes) if episodes else None
    observations: dict[str, Any] = {
        "present": bool(feeds or players or directories or audio or jsonld or sections or episode_pages),
        "feed": bool(feeds),
        "feeds": [display_url(site, f.url) for f in feeds],
        "itunes": any(f.itunes for f in feeds),
        "episodes": sum(len(f.entries) for f in feeds),
        "newest_episode": newest.isoformat() if newest else "",
        "players": sorted(d.name for d in players),
        "directory_links": directories[:MAX_LISTED],
        "audio_players": audio,
        "jsonld": jsonld,
        "section_links": sections,
        "episode_list_pages": episode_pages,
        "podcast_pages": [display_url(site, v.url) for v in site.pages if _is_podcast_page(v)][:MAX_LISTED],
    }
    evidence = [Evidence(f.url, snippet=f"{len(f.entries)} episodes; itunes namespace: {f.itunes}", source="feed")
                for f in feeds[:2]]
    evidence += [e for d in players for e in d.evidence[:1]] + dir_evidence + audio_evidence + jsonld_evidence
    evidence += episode_evidence + section_evidence
    if not observations["present"]:
        return Outcome("fail", 0, observations, [],
                       "No podcast found. If you have things to say at length, a short regular podcast with its own "
                       "RSS feed, listed in Apple Podcasts and Spotify, keeps you in customers' ears.",
                       "no podcast feed, player, episode list or podcast app link found")
    if not (feeds or players or directories or audio or jsonld or episode_pages):
        return Outcome("partial", 50, observations, evidence[:10],
                       "Your podcast is only linked, with no player, episode list or feed we could see: give each "
                       "episode a page with a player and show notes, and publish an RSS feed so people can "
                       "subscribe in any app.",
                       one_line(f"a podcast section is linked ({sections[0]['url']}), but no player, episodes "
                                "or feed were seen"))
    if not feeds:
        return Outcome("partial", 60, observations, evidence[:10],
                       "Your podcast has no RSS feed we could find: publish one (with the iTunes namespace and audio "
                       'enclosures) and link it with <link rel="alternate"> so people can subscribe in any app.',
                       one_line(f"a podcast ({_podcast_signs(observations)}), but no podcast feed"))
    age = (site.scan_time.date() - newest).days if newest else None
    episode_count = plural(observations["episodes"], "episode")
    if newest is not None and age is not None and age > 365:
        return Outcome("partial", 40, observations, evidence[:10],
                       f"Your newest episode is {age:,} days old ({_human(newest)}): publish again or mark the "
                       "show as finished so it does not look abandoned.",
                       one_line(f"podcast feed with {episode_count}; the newest is {age:,} days old "
                                f"({short_day(newest)})"))
    advice = ("Link your show in Apple Podcasts and Spotify from the podcast page so listeners can follow it "
              "in their app." if not directories else
              "Keep publishing episodes on a regular schedule and link each one from a page with show notes.")
    when = f", newest {days_ago(age)} ({short_day(newest)})" if newest is not None and age is not None else ""
    apps = sorted({d["directory"] for d in directories})
    listed = f"; listed in {and_list(apps[:3])}{' and more' if len(apps) > 3 else ''}" if apps else \
        "; no podcast app linked"
    return Outcome("pass", 100, observations, evidence[:10], advice,
                   one_line(f"podcast feed with {episode_count}{when}{listed}"))


def _podcast_signs(obs: dict[str, Any]) -> str:
    """What showed the podcast, in a few words: "Buzzsprout player, Apple Podcasts link"."""
    signs = [f"{and_list(obs['players'])} player" if obs["players"] else "",
             f"{and_list(sorted({d['directory'] for d in obs['directory_links']})[:2])} link"
             if obs["directory_links"] else "",
             plural(obs["audio_players"], "audio player") if obs["audio_players"] else "",
             "Podcast markup" if obs["jsonld"] else "",
             plural(obs["episode_list_pages"], "episode list page") if obs["episode_list_pages"] else ""]
    return ", ".join(s for s in signs if s)


# ----------------------------------------------------------------------------------------------- video


def _hidden(node: LexborNode) -> bool:
    """Hidden from view on the element itself: ``hidden``, ``display:none``, or a zero width or height."""
    attrs = node.attributes
    if "hidden" in attrs or HIDDEN_STYLE.search(attrs.get("style") or ""):
        return True
    return any((attrs.get(a) or "").strip().rstrip("px") in ("0", "1") for a in ("width", "height"))


def _camera_capture(node: LexborNode, html: str) -> bool:
    """A ``<video>`` that shows the visitor's camera: the page asks for it (``getUserMedia``), or the element
    or its parent is named for a camera or scanner (``qr-video``, ``scanner__preview``)."""
    if "getUserMedia" in html:
        return True
    names = [node.attributes.get("id") or "", node.attributes.get("class") or ""]
    if node.parent is not None:
        names += [node.parent.attributes.get("id") or "", node.parent.attributes.get("class") or ""]
    return any(w in CAMERA_NAMES for n in names for w in re.split(r"[^a-z]+", n.lower()))


def _video_kind(node: LexborNode, html: str = "") -> str | None:
    """``element`` for a player, ``background`` for a decorative loop, None for a hidden empty helper.

    A ``<video>`` without a source is usually a player or gallery that a script fills (still video on the
    page); a hidden one without a source is a feature-detection or ad helper, and one without a source or
    poster that shows the visitor's camera (a QR scanner) is not the site's video.
    """
    attrs = node.attributes
    sourced = bool(attrs.get("src") or attrs.get("data-src") or node.css_first("source[src], source[data-src]"))
    if not sourced and _hidden(node):
        return None
    if not sourced and not attrs.get("poster") and _camera_capture(node, html):
        return None  # a QR or barcode scanner's camera preview: the visitor's camera, not the site's video
    if "controls" not in attrs and all(a in attrs for a in DECORATIVE_VIDEO):
        return "background"
    return "element"


def _video_elements(site: SiteView) -> tuple[int, int, list[Evidence]]:
    """``<video>`` players (with a source, or filled by script) and decorative background loops."""
    players, background = 0, 0
    evidence: list[Evidence] = []
    for view in site.pages:
        for node in view.tree.css("video"):
            kind = _video_kind(node, view.html)
            if kind is None:
                continue
            if kind == "background":
                background += 1
            else:
                players += 1
            if len(evidence) < 3:
                note = "<video> background loop" if kind == "background" else "<video> player"
                evidence.append(Evidence(view.url, "video", "src", (node.html or "")[:160], note=note))
    return players, background, evidence


def _player_iframe(src: str) -> bool:
    """An iframe URL that is a video player of the site's own or an unknown host: a ``/player/embed/`` or
    ``/embed/player/`` path, a video.js player page, or a player page given a video file to play; never
    one whose path names audio, a podcast or an episode (an audio host's player)."""
    parts = split_url(src)
    segments = {s.lower() for s in parts.path.split("/") if s}
    if "audio" in segments or any(vocabulary.segment_term("sections", s, *AUDIO_PLAYER_TERMS) for s in segments):
        return False  # an audio host's /player/embed/episode/42: a podcast player, not video
    if segments & PLAYER_SEGMENTS and segments & EMBED_SEGMENTS:
        return True
    return bool(segments & VIDEOJS_SEGMENTS) or bool(VIDEO_FILE.search(unquote(parts.query)))


def _player_iframes(site: SiteView) -> tuple[int, list[Evidence]]:
    """Visible iframes of video players no fingerprint names (broadcasters' and publishers' own players)."""
    count = 0
    evidence: list[Evidence] = []
    for view in site.pages:
        for src, node in view.iframes:
            if not src.startswith(("http:", "https:")) or _hidden(node) or not _player_iframe(src):
                continue
            count += 1
            if len(evidence) < 3:
                evidence.append(Evidence(view.url, "iframe", "src", src[:200], note="video player iframe"))
    return count, evidence


def _built_players(site: SiteView) -> tuple[int, list[Evidence]]:
    """Visible page-builder video widgets whose player a script builds from a video host URL kept in a data
    attribute (``data-settings="{&quot;youtube_url&quot;:...}"``, ``data-html="&lt;iframe src=...&gt;"``)."""
    count = 0
    evidence: list[Evidence] = []
    selector = ", ".join(f"[{a}]" for a in BUILT_VIDEO_ATTRIBUTES)
    for view in site.pages:
        for node in view.tree.css(selector):
            values = [(node.attributes.get(a) or "").replace("\\/", "/") for a in BUILT_VIDEO_ATTRIBUTES]
            found = next((m.group(0) for v in values if (m := VIDEO_HOST_URL.search(v))), None)
            if found is None or _hidden(node):
                continue
            count += 1
            if len(evidence) < 3:
                evidence.append(Evidence(view.url, css_path(node), snippet=found[:200],
                                         note="video widget built by script"))
    return count, evidence


def _shows_a_player(site: SiteView, detection: Detection) -> bool:
    """A fingerprint matched by a visible element on the page (an iframe, a player tag), not only by a
    script: a player library alone may serve an outstream ad or a related-videos widget, and a hidden
    iframe of a video host is a storage or messaging helper, not a player."""
    for e in detection.evidence:
        if not e.selector or e.selector.startswith(("script", "meta")):
            continue
        view = site.page(e.url)
        try:
            nodes = view.tree.css(e.selector) if view is not None else []
        except Exception:  # noqa: BLE001 - a selector lexbor cannot read: trust the matcher's verdict
            return True
        if view is None or any(not _hidden(n) for n in nodes):
            return True
    return False


def _video_objects(site: SiteView) -> tuple[list[str], list[Evidence]]:
    pages: list[str] = []
    evidence: list[Evidence] = []
    for view in site.pages:
        nodes = view.nodes_of_type("VideoObject")
        if nodes:
            pages.append(display_url(site, view.url))
            if len(evidence) < 3:
                evidence.append(Evidence(view.url, 'script[type="application/ld+json"]',
                                         snippet=str(nodes[0].get("name", ""))[:120], note="VideoObject",
                                         source="jsonld"))
    return pages, evidence


def _channel_links(site: SiteView) -> tuple[list[dict[str, str]], list[Evidence]]:
    """Links to the brand's channels on video networks (YouTube @handle, /channel/, TikTok @user...)."""
    found: dict[str, dict[str, str]] = {}
    evidence: list[Evidence] = []
    for view, anchor in site.anchors():
        url = anchor.url
        if url in found or not CHANNEL_HOSTS.search(anchor.host):
            continue
        name = next((n for n, p in CHANNELS if p.search(url)), None)
        if name is not None:
            found[url] = {"network": name, "url": url, "page": display_url(site, view.url)}
            if len(evidence) < 3:
                evidence.append(Evidence(view.url, anchor.selector, "href", _snippet(anchor),
                                         note=f"{name} channel link"))
    return sorted(found.values(), key=lambda c: (c["network"], c["url"]))[:MAX_LISTED], evidence


@check(id="active.video", category="active", title="Video on the site", weight=1)
def video_check(site: SiteView) -> Outcome:
    """Finds video on the site itself, by kind: ``embed`` (a player of a video host, YouTube, Vimeo, Wistia,
    Vidyard, Brightcove, JW Player... found by its iframe or player element, a visible player iframe of
    the site's own or an unknown host, or a page builder's video widget whose player a script builds from
    a video host URL in its data attributes), ``element`` (a ``<video>`` player, with a source or filled by
    script) and ``background`` (a muted autoplay loop without controls). An embed or element passes; a
    background loop only is partial (60): it decorates, nobody watches it. Weaker clues are recorded, not
    counted as video: a player library loaded without a player on the page (it may serve an outstream ad),
    VideoObject markup without a player, a link to the brand's YouTube/TikTok/Vimeo channel: any of these
    alone is partial (30); nothing is a fail. ``present`` says whether any kind of video is on the site."""
    detections = _detections(site, "video")
    shown = {d.name: _shows_a_player(site, d) for d in detections}
    embeds = [d for d in detections if shown[d.name]]
    loaders = [d for d in detections if not shown[d.name]]
    iframes, iframe_evidence = _player_iframes(site)
    built, built_evidence = _built_players(site)
    iframe_evidence += built_evidence
    players, background, element_evidence = _video_elements(site)
    objects, object_evidence = _video_objects(site)
    channels, channel_evidence = _channel_links(site)
    kinds = [k for k, found in (("embed", embeds or iframes or built), ("element", players), ("background", background))
             if found]
    observations: dict[str, Any] = {
        "present": bool(kinds),
        "kind": kinds[0] if kinds else "",
        "kinds": kinds,
        "embeds": sorted(d.name for d in embeds),
        "player_iframes": iframes,
        "built_players": built,
        "video_elements": players,
        "background_videos": background,
        "player_scripts": sorted(d.name for d in loaders),
        "video_objects": objects[:MAX_LISTED],
        "channel_links": channels,
    }
    evidence = [e for d in embeds for e in d.evidence[:2]] + iframe_evidence + element_evidence + object_evidence
    if kinds:
        score = max(VIDEO_KIND_SCORE[k] for k in kinds)
        if score < 100:
            return Outcome("partial", score, observations, evidence[:10],
                           "Your only video is a decorative background loop: add a video people choose to watch "
                           "(a product demo, a how-to, a story) with controls, on the page it belongs to.",
                           one_line(f"only {plural(background, 'decorative background video loop')} (muted, "
                                    "autoplaying, no controls)"))
        advice = ("Add VideoObject markup to pages with video so search engines can show it." if not objects else
                  "Keep video close to the content it supports, and link your channel so viewers can subscribe.")
        return Outcome("pass", 100, observations, evidence[:10], advice, _video_finding(observations))
    weak = [e for d in loaders for e in d.evidence[:1]] + object_evidence + channel_evidence
    if weak:
        names = ", ".join(sorted({c["network"] for c in channels})) or "video"
        return Outcome("partial", 30, observations, weak[:10],
                       f"We see signs of {names} (a channel link, a player script or VideoObject markup) but no "
                       "video player in your pages: embed your best videos on the pages they belong to (product, "
                       "how-to, about) so visitors watch them here.",
                       _weak_video_finding(observations))
    return Outcome("fail", 0, observations, [],
                   "No video found: short product demos, how-tos or behind-the-scenes clips embedded on your pages "
                   "make the site feel alive and explain more than text.",
                   "no video on the pages and no link to a video channel")


def _video_finding(obs: dict[str, Any]) -> str:
    """"YouTube and Vimeo players embedded; 2 <video> players; VideoObject markup on 2 pages"."""
    parts = [f"{and_list(obs['embeds'])} player{'s' if len(obs['embeds']) > 1 else ''} embedded"
             if obs["embeds"] else "",
             plural(obs["player_iframes"], "video player frame") if obs["player_iframes"] else "",
             plural(obs["built_players"], "page-builder video widget") if obs["built_players"] else "",
             plural(obs["video_elements"], "video element") if obs["video_elements"] else "",
             plural(obs["background_videos"], "background loop") if obs["background_videos"] else ""]
    marked = f"VideoObject markup on {plural(len(obs['video_objects']), 'page')}" if obs["video_objects"] else \
        "no VideoObject markup"
    return one_line("; ".join([*(p for p in parts if p), marked]))


def _weak_video_finding(obs: dict[str, Any]) -> str:
    """"no video player on the pages; only a YouTube channel link"."""
    networks = sorted({c["network"] for c in obs["channel_links"]})
    signs = [f"{and_list(networks)} channel link{'s' if len(networks) > 1 else ''}" if networks else "",
             f"{and_list(obs['player_scripts'])} player script" if obs["player_scripts"] else "",
             f"VideoObject markup on {plural(len(obs['video_objects']), 'page')}" if obs["video_objects"] else ""]
    return one_line("no video player on the pages; only " + ", ".join(s for s in signs if s))


# ---------------------------------------------------------------------------------------------- events


def _event_nodes(view: PageView) -> list[dict[str, Any]]:
    result = []
    for node in view.jsonld_nodes:
        types = [t.lower() for t in node_types(node)]
        if any((t.endswith("event") or t in ("festival", "hackathon")) and t not in NOT_EVENT_TYPES for t in types):
            result.append(node)
    return result


def _event_when(node: dict[str, Any]) -> tuple[ParsedDate | None, ParsedDate | None]:
    start, end = node.get("startDate"), node.get("endDate")
    return (parse_datetime(start) if isinstance(start, str) else None,
            parse_datetime(end) if isinstance(end, str) else None)


def _is_webinar(node: dict[str, Any], url: str) -> bool:
    mode = str(node.get("eventAttendanceMode", ""))
    location = node.get("location")
    virtual = "Online" in mode or (isinstance(location, dict) and "VirtualLocation" in node_types(location))
    return virtual or vocabulary.find("sections", f"{node.get('name', '')} {url}", *WEBINAR_TERMS) is not None


def _is_events_page(view: PageView) -> bool:
    return any(vocabulary.segment_term("sections", s, *EVENT_TERMS) for s in _segments(view.url))


def _events_page_dates(view: PageView) -> list[date]:
    """Dates shown on an events page: <time> elements and date-classed text (event dates, not posts)."""
    days = []
    for node in view.tree.css("time"):
        parsed = parse_datetime(node.attributes.get("datetime") or squeeze(node.text(deep=True) or ""))
        if parsed is not None:
            days.append(parsed.day)
    for node in view.tree.css("[class*=date]"):
        text = squeeze(node.text(deep=True) or "")
        if len(text) <= 100 and node.css_first("time") is None \
                and (parsed := parse_text_date(text, view.lang)) is not None:
            days.append(parsed.day)
    return days


@check(id="active.events", category="active", title="Events and webinars", weight=1)
def events_check(site: SiteView) -> Outcome:
    """Finds events and webinars: schema.org Event markup (any Event subtype) and events / webinars pages
    with dates, split into upcoming and past against the scan time. Upcoming events with markup pass;
    upcoming without markup, or past events only, are partial; none fails."""
    today = site.scan_time.date()
    upcoming: list[dict[str, str]] = []
    past: list[dict[str, str]] = []
    evidence: list[Evidence] = []
    webinars = False
    seen: set[tuple[str, str]] = set()
    for view in site.pages:
        for node in _event_nodes(view):
            start, end = _event_when(node)
            name = str(node.get("name", ""))[:120]
            ident = (name, start.day.isoformat() if start else "")
            webinars = webinars or _is_webinar(node, view.url)
            if ident in seen:
                continue
            seen.add(ident)
            last = end or start
            record = {"name": name, "start": start.day.isoformat() if start else "",
                      "page": display_url(site, view.url), "type": "/".join(node_types(node))}
            (upcoming if last is not None and last.day >= today else past).append(record)
            if len(evidence) < 5:
                evidence.append(Evidence(view.url, 'script[type="application/ld+json"]',
                                         snippet=f"{name} {record['start']}", note=record["type"], source="jsonld"))
    pages = [v for v in site.pages if _is_events_page(v)]
    page_dates = [d for v in pages for d in _events_page_dates(v)]
    webinars = webinars or any(vocabulary.segment_term("sections", s, *WEBINAR_TERMS)
                               for v in pages for s in _segments(v.url))
    upcoming_on_pages = sorted({d for d in page_dates if d >= today})
    observations: dict[str, Any] = {
        "present": bool(upcoming or past or page_dates),
        "jsonld_events": len(upcoming) + len(past),
        "upcoming": sorted(upcoming, key=lambda e: (e["start"], e["name"]))[:MAX_LISTED],
        "past": sorted(past, key=lambda e: (e["start"], e["name"]), reverse=True)[:MAX_LISTED],
        "events_pages": [display_url(site, v.url) for v in pages][:MAX_LISTED],
        "upcoming_dates_on_pages": [d.isoformat() for d in upcoming_on_pages][:MAX_LISTED],
        "webinars": webinars,
    }
    if not evidence and pages:
        evidence.append(Evidence(pages[0].url, note="events page"))
    if upcoming:
        return Outcome("pass", 100, observations, evidence,
                       "Keep upcoming events on the site with Event markup, and add recordings of past ones.",
                       _events_finding(observations))
    if upcoming_on_pages:
        return Outcome("partial", 70, observations, evidence,
                       "Your upcoming events have no schema.org Event markup: add it so search engines and "
                       "calendars can list them.",
                       one_line(f"{plural(len(upcoming_on_pages), 'upcoming event date')} on "
                                f"{observations['events_pages'][0]}, next {short_day(upcoming_on_pages[0])}; "
                                "no Event markup"))
    if past or page_dates:
        latest = max([date.fromisoformat(e["start"]) for e in past if e["start"]] + page_dates, default=None)
        latest_words = f", the latest {short_day(latest)}" if latest is not None else ""
        count = len(past) or len(set(page_dates))
        return Outcome("partial", 40, observations, evidence,
                       "Only past events are listed: announce the next event, webinar or meet-up so people have "
                       "something to join.",
                       one_line(f"only past events: {plural(count, 'event')}{latest_words}; nothing upcoming"))
    pages_shown = observations["events_pages"]
    return Outcome("fail", 0, observations, [],
                   "No events or webinars found: a regular webinar, workshop or meet-up, announced with Event "
                   "markup, turns readers into participants.",
                   one_line(f"no dated events or webinars; {and_list(pages_shown[:2])} show no event dates"
                            if pages_shown else "no events or webinars found"))


def _events_finding(obs: dict[str, Any]) -> str:
    """"2 upcoming events with Event markup; next 6 Dec 2026: Sunday Supper Club"."""
    upcoming = obs["upcoming"]
    nxt = next((e for e in upcoming if e["start"]), upcoming[0])
    when = f" {short_day(date.fromisoformat(nxt['start']))}" if nxt["start"] else ""
    webinars = " (webinars too)" if obs["webinars"] else ""
    return one_line(f"{plural(len(upcoming), 'upcoming event')} with Event markup{webinars}; next{when}: "
                    f"{nxt['name'] or 'unnamed'}")
