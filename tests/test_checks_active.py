"""The "active" checks: blog, recency, feeds, podcast, video, events, and the date extraction under them.

Unit tests build sites from plain HTML (``SiteView.from_html``) and judge them
against a pinned scan time; the acceptance test crawls every fixture site over
loopback and compares the observations with ``[truth.active]``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

import pytest

from connectedness.checks import active
from connectedness.checks.base import Check, CheckResult
from connectedness.checks.dates import (
    collect_posts,
    date_from_url,
    is_podcast_feed,
    numeric_order,
    parse_datetime,
    parse_text_date,
    url_key,
)
from connectedness.checks.fingerprints import DATA_DIR, Fingerprints, default_fingerprints
from connectedness.checks.site import SiteView
from connectedness.crawler.snapshot import CrawlIssue, Feed, FeedEntry
from connectedness.fixtures.server import load_sites

SCAN = "2026-11-23T12:00:00+00:00"
SCAN_DAY = date(2026, 11, 23)
HOME = "https://www.brand.com/"
SITE = "https://www.brand.com"
NAV = '<header><nav><a href="/">Home</a> <a href="/shop/">Shop</a> <a href="/blog/">Blog</a></nav></header>'


def page(body: str, head: str = "", title: str = "Brand") -> str:
    """A small HTML document."""
    return f"<!doctype html><html><head><title>{title}</title>{head}</head><body>{body}</body></html>"


def view(pages: dict[str, str], *, scan_time: str = SCAN, feeds: list[Feed] | None = None,
         reasons: dict[str, str] | None = None) -> SiteView:
    """A site of plain HTML pages; the first is the home page."""
    return SiteView.from_html(pages, scan_time=scan_time, feeds=feeds, reasons=reasons)


def entry(link: str, published: str | None, *, audio: bool = False) -> FeedEntry:
    enclosures = [{"url": link + ".mp3", "type": "audio/mpeg", "length": "1000"}] if audio else []
    return FeedEntry(link.rsplit("/", 2)[-2] if link.endswith("/") else link, link, published, enclosures)


def feed(url: str, entries: list[FeedEntry], *, itunes: bool = False, found_via: str = "link-rel",
         link: str = "", title: str = "Brand") -> Feed:
    return Feed(url, found_via, "rss", title, link, entries, ["itunes"] if itunes else [], itunes)


def ago(days: int) -> str:
    """An ISO timestamp ``days`` before the scan time, as a feed gives it (UTC)."""
    return (datetime.fromisoformat(SCAN) - timedelta(days=days)).astimezone(UTC).isoformat()


def jsonld(data: dict[str, Any]) -> str:
    return f'<script type="application/ld+json">{json.dumps(data)}</script>'


def run(check: Check, site: SiteView) -> CheckResult:
    result = check.run(site)
    assert result.status != "could_not_check", result.observations
    json.dumps(result.to_dict())  # every result is JSON-able
    return result


# =========================================================================================== date parsing


def test_timestamp_keeps_the_day_as_written_and_the_instant_in_utc() -> None:
    parsed = parse_datetime("2026-11-12T23:30:00-05:00")
    assert parsed is not None
    assert parsed.day == date(2026, 11, 12)  # the author's calendar day
    assert parsed.when == datetime(2026, 11, 13, 4, 30, tzinfo=UTC)
    assert parsed.precision == "datetime"


@pytest.mark.parametrize(("raw", "day", "precision"), [
    ("2026-10-28T15:00:00.000Z", date(2026, 10, 28), "datetime"),
    ("2026-10-28T15:00:00+0200", date(2026, 10, 28), "datetime"),
    ("2026-10-28 15:00", date(2026, 10, 28), "datetime"),
    ("2026-10-28", date(2026, 10, 28), "date"),
    ("2026-10", date(2026, 10, 1), "month"),
    ("Tue, 17 Nov 2026 05:00:00 +0000", date(2026, 11, 17), "datetime"),
    ("14th March 2019", date(2019, 3, 14), "date"),
])
def test_parse_datetime_forms(raw: str, day: date, precision: str) -> None:
    parsed = parse_datetime(raw)
    assert parsed is not None
    assert (parsed.day, parsed.precision) == (day, precision)
    assert parsed.when.tzinfo is not None


def test_naive_timestamp_is_taken_as_utc() -> None:
    parsed = parse_datetime("2026-10-28T23:30:00")
    assert parsed is not None and parsed.when == datetime(2026, 10, 28, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("raw", [
    "", "   ", "soon", "2026-13-01", "2026-02-30", "0000-00-00", "1970-01-01", "2026-11-12T25:00:00Z",
    "{{ post.published_at }}", "12/03/2019", "Posted by Maya", "x" * 200,
])
def test_garbage_dates_are_skipped(raw: str) -> None:
    assert parse_datetime(raw) is None


@pytest.mark.parametrize(("text", "day", "precision"), [
    ("Posted: 5th November 2015", date(2015, 11, 5), "date"),
    ("March 14, 2019", date(2019, 3, 14), "date"),
    ("14 Mar 2019 · 4 min read", date(2019, 3, 14), "date"),
    ("Sept. 3, 2024", date(2024, 9, 3), "date"),
    ("Updated 2024-05-06", date(2024, 5, 6), "date"),
    ("1st of April 2021", date(2021, 4, 1), "date"),
    ("March 2019", date(2019, 3, 1), "month"),
])
def test_prose_dates(text: str, day: date, precision: str) -> None:
    parsed = parse_text_date(text)
    assert parsed is not None and (parsed.day, parsed.precision) == (day, precision)


def test_numeric_dates_dotted_day_first_and_slashed_only_in_the_order_the_page_settles() -> None:
    def day(text: str, numeric: Literal["dmy", "mdy"] | None = None) -> date | None:
        parsed = parse_text_date(text, numeric=numeric)
        return parsed.day if parsed is not None else None

    assert day("22.02.2019") == date(2019, 2, 22)
    assert day("07.03.2020") == date(2020, 3, 7)
    assert parse_text_date("07/12/2024") is None  # 7 December or July 12: the text alone cannot say
    assert day("07/12/2024", numeric="dmy") == date(2024, 12, 7)
    assert day("07/12/2024", numeric="mdy") == date(2024, 7, 12)
    assert numeric_order(["07/12/2024", "19/11/2024"]) == "dmy"
    assert numeric_order(["07/12/2024", "11/19/2024"]) == "mdy"
    assert numeric_order(["07/12/2024", "08/01/2024"]) is None
    assert numeric_order(["19/11/2024", "11/19/2024"]) is None  # a page that says both settles nothing


def test_a_news_list_with_slashed_dates_is_dated_when_one_date_settles_the_order() -> None:
    items = "".join(f'<div class="item"><div class="post-date"><p>{d}</p></div><p>Notice {n}</p></div>'
                    for n, d in enumerate(("07/11/2026", "19/10/2026", "02/09/2026")))
    nav = '<nav><a href="/notices/">News</a></nav>'
    site = view({HOME: page(nav), SITE + "/notices/": page(nav + f"<main>{items}</main>")})
    index = collect_posts(site, [SITE + "/notices/"])
    assert index.newest is not None and index.newest.day == date(2026, 11, 7)
    unsettled = "".join(f'<div class="item"><div class="post-date"><p>{d}</p></div></div>'
                        for d in ("07/11/2026", "02/09/2026"))
    site = view({HOME: page(nav), SITE + "/notices/": page(nav + f"<main>{unsettled}</main>")})
    assert collect_posts(site, [SITE + "/notices/"]).newest is None


def test_a_card_flagged_as_allowing_comments_is_a_post_card_but_a_comment_list_is_not() -> None:
    nav = '<nav><a href="/journal.html">Blog</a></nav>'
    card = ('<div class="card card--has-comments-enabled is-sharing-on"><time datetime="2026-03-04">Mar 4</time>'
            '<h3>Etching tips</h3></div>')
    site = view({HOME: page(nav), SITE + "/journal.html": page(nav + f"<main>{card}</main>")})
    index = collect_posts(site, [SITE + "/journal.html"])
    assert index.newest is not None and index.newest.day == date(2026, 3, 4)
    comments = ('<div class="comment-list"><div class="comment"><time datetime="2026-03-05">Mar 5</time>'
                "<p>Nice!</p></div></div>")
    site = view({HOME: page(nav), SITE + "/journal.html": page(nav + f"<main>{comments}</main>")})
    assert collect_posts(site, [SITE + "/journal.html"]).newest is None

def test_a_date_split_by_markup_is_read_whole() -> None:
    card = ('<main><div class="item"><p class="blog__date"><span>22</span> Февраль<br>2026</p>'
            '<h4><a href="/blog/braces/">Braces</a></h4></div></main>')
    site = view({HOME: page(NAV), SITE + "/blog/": page(NAV + card)})
    index = collect_posts(site, [SITE + "/blog/"])
    assert index.newest is not None and index.newest.day == date(2026, 2, 22)


def test_a_category_listing_whose_template_dates_posts_is_read_but_an_events_list_is_not() -> None:
    def cards(css: str) -> str:
        return "<main>" + "".join(
            f'<div class="card"><p class="{css}">{d} February 2026</p><a href="/offer-{d}/">Read more</a></div>'
            for d in (3, 12, 22)) + "</main>"
    promotions = view({HOME: page(NAV), SITE + "/promotions/": page(NAV + cards("blog__date"))})
    newest = collect_posts(promotions, []).newest
    assert newest is not None and newest.day == date(2026, 2, 22)
    events = view({HOME: page(NAV), SITE + "/events/": page(NAV + cards("event-date"))})
    assert collect_posts(events, []).newest is None
    two = view({HOME: page(NAV), SITE + "/promotions/": page(NAV + cards("blog__date").replace(
        '<p class="blog__date">3 February 2026</p>', ""))})
    assert collect_posts(two, []).newest is None  # two cards are not yet a listing


def test_testimonials_with_dated_urls_are_not_posts() -> None:
    about = page('<main><a href="/about/testimonials/2026/11/02/knife-maker.html">A knife maker</a></main>')
    site = view({HOME: page(NAV), SITE + "/about/testimonials.html": about})
    assert collect_posts(site, []).posts == []


def test_every_posts_section_in_the_navigation_is_read_for_dates() -> None:
    nav = '<nav><a href="/news/">News</a><a href="/press/">Press</a></nav>'
    cards = '<main><div class="item"><span class="date">14 March 2026</span> Release</div></main>'
    site = view({HOME: page(nav), SITE + "/press/": page(nav + cards)})
    result = run(active.recency_check, site)
    assert result.observations["newest_post"] == "2026-03-14"


def test_prose_without_a_date() -> None:
    assert parse_text_date("Read more about our tents") is None
    assert parse_text_date("31st February 2020") is None


@pytest.mark.parametrize(("url", "day", "precision"), [
    ("https://www.brand.com/2026/09/30/fall-color-hikes/", date(2026, 9, 30), "date"),
    ("https://www.brand.com/news/2019/03/spring-catalogue.html", date(2019, 3, 1), "month"),
    ("https://www.brand.com/2015/06/12/an-old-post", date(2015, 6, 12), "date"),
])
def test_dated_urls(url: str, day: date, precision: str) -> None:
    parsed = date_from_url(url)
    assert parsed is not None and (parsed.day, parsed.precision) == (day, precision)


@pytest.mark.parametrize("url", [
    "https://www.brand.com/2026/09/",                           # a monthly archive
    "https://www.brand.com/2026/09/page/2/",                    # its second page
    "https://www.brand.com/wp-content/uploads/2026/09/hero.jpg",
    "https://www.brand.com/blog/2026/13/01/bad-month/",
    "https://www.brand.com/products/tent-2026/",
])
def test_urls_that_are_not_dated_posts(url: str) -> None:
    assert date_from_url(url) is None


def test_url_key_joins_the_ways_a_post_is_linked() -> None:
    keys = {url_key(u) for u in ("https://www.brand.com/blog/post/", "http://brand.com/blog/post",
                                 "https://brand.com/blog/post/index.html", "https://www.brand.com/blog/post/?utm=x")}
    assert keys == {"brand.com/blog/post"}


# ============================================================================================ collection


POST_URL = SITE + "/blog/winter-layers/"


@pytest.mark.parametrize(("source", "pages", "feeds"), [
    ("jsonld", {HOME: page(NAV), POST_URL: page("<h1>Winter layers</h1>", jsonld(
        {"@context": "https://schema.org", "@type": "BlogPosting", "headline": "Winter layers",
         "datePublished": "2026-11-12T08:00:00-07:00"}))}, []),
    ("meta", {HOME: page(NAV), POST_URL: page(
        "<h1>Winter layers</h1>", '<meta property="article:published_time" content="2026-11-12T08:00:00Z">')}, []),
    ("time", {HOME: page(NAV), POST_URL: page('<article><h1>Winter layers</h1>'
                                              '<time datetime="2026-11-12">Nov 12</time></article>')}, []),
    ("feed", {HOME: page(NAV)}, [feed(SITE + "/blog/feed.rss", [entry(POST_URL, "2026-11-12T15:00:00+00:00")])]),
    ("text", {HOME: page(NAV), SITE + "/blog/": page('<h1>Blog</h1><div class="post"><p class="post-date">'
                                                     '12th November 2026</p><p>No link</p></div>')}, []),
    ("url", {HOME: page(NAV + '<a href="/2026/11/12/winter-layers/">Winter layers</a>')}, []),
])
def test_each_source_dates_a_post(source: str, pages: dict[str, str], feeds: list[Feed]) -> None:
    site = view(pages, feeds=feeds)
    index = collect_posts(site, [SITE + "/blog/"])
    assert len(index.posts) == 1
    assert index.newest is not None and index.newest.day == date(2026, 11, 12)
    assert index.by_source == {source: 1}


def test_one_post_from_many_sources_counts_once_with_the_most_specific_date() -> None:
    post = SITE + "/2026/11/12/winter-layers/"
    site = view({
        HOME: page(NAV + f'<article><a href="{post}">Winter layers</a><time datetime="2026-11-12T08:00:00-07:00">'
                   "Nov 12</time></article>"),
        post: page("<article><h1>Winter layers</h1><p>Text</p></article>"),
    }, feeds=[feed(SITE + "/feed.rss", [entry("http://brand.com/2026/11/12/winter-layers", ago(11))])])
    index = collect_posts(site)
    assert len(index.posts) == 1
    only = index.posts[0]
    assert only.sources == {"feed", "time", "url"}
    assert only.best.source == "time"  # a timestamp with its offset beats the feed's UTC copy and the URL's day
    assert only.best.parsed.precision == "datetime"


def test_a_day_in_the_text_beats_a_month_in_the_url() -> None:
    post = SITE + "/news/2019/03/spring-catalogue.html"
    site = view({HOME: page('<a href="/news.html">News</a>'),
                 post: page('<p class="newsdate">Posted: 14th March 2019</p><a href="/news.html">Back to news</a>')})
    index = collect_posts(site, [SITE + "/news.html"])
    assert [p.day for p in index.posts] == [date(2019, 3, 14)]
    assert index.posts[0].sources == {"text", "url"}


def test_future_dates_are_refused_but_a_day_ahead_is_tolerated() -> None:
    site = view({HOME: page(NAV)}, feeds=[feed(SITE + "/feed.rss", [
        entry(SITE + "/blog/scheduled/", "2027-01-05T09:00:00+00:00"),
        entry(SITE + "/blog/tomorrow-in-auckland/", "2026-11-24T09:00:00+00:00"),
        entry(SITE + "/blog/last-week/", ago(7)),
    ])])
    index = collect_posts(site)
    assert [p.day for p in index.posts] == [date(2026, 11, 24), date(2026, 11, 16)]
    assert [r.parsed.day for r in index.future] == [date(2027, 1, 5)]
    result = run(active.recency_check, site)
    assert result.observations["newest_post"] == "2026-11-24"
    assert result.observations["days_since_newest"] == 0
    assert result.observations["future_dates"][0]["date"] == "2027-01-05"


def test_listing_cards_date_their_own_posts() -> None:
    cards = "".join(
        f'<article class="card"><h2><a href="/blog/post-{n}/">Post {n}</a></h2>'
        f'<p class="meta"><a href="/blog/author/maya/">Maya</a> <time datetime="2026-11-0{n}">Nov {n}</time></p>'
        "</article>"
        for n in (1, 2, 3))
    site = view({HOME: page(NAV), SITE + "/blog/": page(NAV + f"<main>{cards}</main>")})
    index = collect_posts(site, [SITE + "/blog/"])
    assert sorted(p.key for p in index.posts) == [f"brand.com/blog/post-{n}" for n in (1, 2, 3)]
    assert index.newest is not None and index.newest.day == date(2026, 11, 3)


def test_an_event_date_next_to_a_post_link_is_not_that_posts_date() -> None:
    events = ('<main><section><h1>Events</h1>'
              '<article class="card"><h2><a href="/events/summit-2027/">Summit 2027</a></h2>'
              '<p><time datetime="2027-03-16">March 16, 2027</time></p></article>'
              '<article class="card"><h2>Coalesce</h2><p>See the <a href="/blog/dbt-in-ci/">write-up</a>.</p>'
              '</article></section></main>')
    site = view({HOME: page(NAV), SITE + "/events/": page(events)})
    index = collect_posts(site, [SITE + "/blog/"])
    assert index.posts == [] and index.future == []


def test_a_masthead_date_is_todays_date_not_a_post() -> None:
    blog = page('<header class="masthead"><p class="masthead__date">Monday 23 November 2026</p>'
                '<nav><a href="/blog/">Blog</a></nav></header><main><h1>Blog</h1><p>Nothing yet.</p></main>')
    site = view({HOME: page(NAV), SITE + "/blog/": blog})
    assert collect_posts(site, [SITE + "/blog/"]).posts == []


def test_comment_and_related_dates_do_not_redate_a_post() -> None:
    post = page('<article><h1>Spring trail day</h1>'
                '<time datetime="2026-11-20">related first</time>'
                '<time class="entry-date published" datetime="2026-03-08T09:00:00-04:00">March 8</time>'
                '<p>Text</p></article>'
                '<ol class="comment-list"><li id="comment-4"><a href="#comment-4">#</a>'
                '<time datetime="2026-11-01T10:00:00-04:00">Nov 1</time><p>Great day!</p></li></ol>')
    site = view({HOME: page(NAV), SITE + "/blog/spring-trail-day/": post})
    index = collect_posts(site, [SITE + "/blog/"])
    assert [(p.key, p.day) for p in index.posts] == [("brand.com/blog/spring-trail-day", date(2026, 3, 8))]


def test_reviews_events_episodes_and_podcast_feeds_are_not_posts() -> None:
    product = page('<h1>Tent</h1><div class="jdgm-rev"><time datetime="2026-09-07">Sep 7</time> Great</div>'
                   + jsonld({"@context": "https://schema.org", "@type": "Product", "name": "Tent",
                             "review": {"@type": "Review", "datePublished": "2026-09-07"}}),
                   '<meta property="og:type" content="product">')
    event = page(jsonld({"@context": "https://schema.org", "@type": "Event", "name": "Repair day",
                         "startDate": "2026-12-06T10:00:00-07:00"}))
    episode = page('<article><h1>Episode 42</h1><time datetime="2026-11-17">Nov 17</time></article>'
                   + jsonld({"@context": "https://schema.org", "@type": "PodcastEpisode",
                             "datePublished": "2026-11-17"}))
    podcast_feed = feed(SITE + "/podcast/feed.rss", [entry(SITE + "/podcast/ep-42/", ago(6), audio=True)],
                        itunes=True)
    site = view({HOME: page(NAV), SITE + "/products/tent/": product, SITE + "/events/repair-day/": event,
                 SITE + "/podcast/ep-42/": episode}, feeds=[podcast_feed])
    assert collect_posts(site, [SITE + "/blog/"]).posts == []


def test_articles_inside_a_jsonld_graph_are_keyed_by_their_url() -> None:
    graph = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebPage", "@id": SITE + "/blog/#webpage"},
        {"@type": "BlogPosting", "url": SITE + "/blog/first/", "datePublished": "2026-10-01"},
        {"@type": "BlogPosting", "url": SITE + "/blog/second/", "datePublished": "2026-10-15"},
    ]}
    site = view({HOME: page(NAV), SITE + "/blog/": page("<h1>Blog</h1>", jsonld(graph))})
    index = collect_posts(site, [SITE + "/blog/"])
    assert [(p.key, p.best.source) for p in index.posts] == [("brand.com/blog/second", "jsonld"),
                                                            ("brand.com/blog/first", "jsonld")]


def test_undated_link_items_on_the_blog_index_still_count() -> None:
    items = "".join(f'<div class="newsitem"><p class="newsdate">{d}</p><p>{body}</p></div>' for d, body in (
        ("14th March 2019", '<a href="/news/2019/03/spring.html">Read more</a>'),
        ("2nd October 2018", "See us at the festival"),
        ("18th April 2013", "Welcome to our new website!"),
    ))
    site = view({HOME: page('<div id="nav"><a href="/news.html">NEWS</a></div>'),
                 SITE + "/news.html": page(f'<td id="content"><h1>News</h1>{items}</td>')})
    index = collect_posts(site, [SITE + "/news.html"])
    assert [p.day.isoformat() for p in index.posts] == ["2019-03-14", "2018-10-02", "2013-04-18"]


# ================================================================================================= blog


def test_blog_linked_from_the_home_navigation_passes() -> None:
    site = view({HOME: page(NAV), SITE + "/blog/": page("<h1>Blog</h1>")})
    result = run(active.blog_check, site)
    assert (result.status, result.score) == ("pass", 100)
    assert result.observations["blog"] == "/blog/"
    assert result.observations["found_via"] == "nav" and result.observations["host"] == "site"
    assert result.evidence[0].url == HOME and "/blog/" in result.evidence[0].snippet


def test_a_table_layout_navigation_counts_as_navigation() -> None:
    home = page('<table><tr><td id="navbar"><div id="nav"><a href="/news.html" class="navlink">NEWS</a></div>'
                "</td></tr></table>")
    result = run(active.blog_check, view({HOME: home}))
    assert result.observations["blog"] == "/news.html"
    assert result.observations["found_via"] == "nav" and result.status == "pass"


def test_blog_linked_only_from_content_is_partial() -> None:
    home = page("<main><p>Read our <a href='/journal/'>journal</a> for trail stories.</p></main>")
    result = run(active.blog_check, view({HOME: home}))
    assert (result.status, result.score) == ("partial", 60)
    assert result.observations["blog"] == "/journal/"
    assert "navigation" in result.recommendation


def test_blog_in_inner_navigation_only_is_partial() -> None:
    inner = page('<nav><a href="/stories/">Stories</a></nav>')
    result = run(active.blog_check, view({HOME: page("<h1>Hi</h1><a href='/about/'>About</a>"),
                                          SITE + "/about/": inner}))
    assert (result.status, result.score, result.observations["blog"]) == ("partial", 80, "/stories/")


def test_blog_on_a_brand_subdomain_is_a_full_url() -> None:
    home = page('<nav><a href="https://blog.brand.com/">Blog</a></nav>')
    result = run(active.blog_check, view({HOME: home}))
    assert result.observations["blog"] == "https://blog.brand.com/"
    assert result.observations["host"] == "brand_host" and result.status == "pass"


def test_blog_on_a_hosted_platform_linked_from_the_footer() -> None:
    home = page('<footer><a href="https://medium.com/@brand">Read us on Medium</a></footer>')
    result = run(active.blog_check, view({HOME: home}))
    assert result.observations["blog"] == "https://medium.com/@brand"
    assert result.observations["host"] == "external" and result.status == "pass"
    assert "own domain" in result.recommendation


@pytest.mark.parametrize("link", [
    '<a href="/about/">Our story</a>',                # an about page named "story"
    '<a href="/drafts/">Draft posts</a>',             # a page the crawl never fetched (robots.txt)
    '<a href="#news">News</a>',                       # a jump inside the home page
    '<a href="/newsletters/">Newsletters</a>',        # not "news"
    '<a href="https://www.medium.com/some-story-about-us">Article about us</a>',  # press coverage elsewhere
    '<a href="/blog/2026/11/12/a-post/">A post</a>',  # one post is not the section's index
])
def test_links_that_are_not_the_blog(link: str) -> None:
    result = run(active.blog_check, view({HOME: page(f"<main><p>{link}</p></main>")}))
    assert result.observations["blog"] == ""
    assert (result.status, result.score) == ("fail", 0)


def test_a_page_that_is_itself_a_post_shows_a_blog_even_without_a_section_link() -> None:
    post = page('<main><article><h1>Harbour news</h1><p class="post-byline">By Ann Lee, 4 May 2026</p>'
                "<p>Text.</p></article></main>", head='<meta property="og:type" content="article">')
    result = run(active.blog_check, view({HOME: page("<p>Home</p>"), SITE + "/harbour-bridge-reopens/": post}))
    obs = result.observations
    assert (result.status, result.score, obs["found_via"]) == ("partial", 50, "article")
    assert obs["article_pages"] == ["/harbour-bridge-reopens/"]


def test_an_seo_plugins_og_type_article_on_a_brochure_page_is_not_a_post() -> None:
    head = ('<meta property="og:type" content="article">'
            '<meta property="article:modified_time" content="2026-03-01T10:00:00+00:00">'
            '<script type="application/ld+json">{"@graph": [{"@type": "WebPage", "datePublished": "2021-05-02"}]}'
            "</script>")
    services = page("<main><h1>Our services</h1><p>We fix roofs.</p></main>", head=head)
    result = run(active.blog_check, view({HOME: page("<p>Home</p>"), SITE + "/services/": services}))
    assert result.status == "fail"


def test_customer_stories_are_case_studies_not_a_blog() -> None:
    for label, href in (("Customer stories", "/clients/"), ("Success stories", "/stories/"),
                        ("Kundengeschichten", "/geschichten/")):
        home = page(f'<header><nav><a href="/about/">About</a><a href="{href}">{label}</a></nav></header>')
        assert run(active.blog_check, view({HOME: home})).status == "fail", label
    home = page('<header><nav><a href="/about/">About</a><a href="/stories/">Stories</a></nav></header>')
    assert run(active.blog_check, view({HOME: home})).status == "pass"
    ratgeber = '<html lang="de"><body><nav><a href="/seite-9/">Ratgeber</a></nav></body></html>'
    assert run(active.blog_check, view({HOME: ratgeber})).observations["label"] == "ratgeber"


@pytest.mark.parametrize("html", [
    # a product page whose reviews carry datePublished
    page('<div itemscope itemtype="https://schema.org/Product"><h1>Boots</h1><div itemprop="review" itemscope '
         'itemtype="https://schema.org/Review"><meta itemprop="datePublished" content="2026-10-01"></div></div>'),
    # a brand's recipe card that calls itself an article
    page('<div itemscope itemtype="http://schema.org/Recipe"><h1>Pancakes</h1></div>',
         head='<meta property="og:type" content="article">'),
])
def test_product_and_recipe_pages_are_not_posts(html: str) -> None:
    result = run(active.blog_check, view({HOME: page("<p>Home</p>"), SITE + "/boots-or-pancakes/": html}))
    assert result.status == "fail"


def test_section_labels_in_the_pages_language_count_without_fetching_the_section() -> None:
    german = '<html lang="de"><body><nav><a href="/ueber-uns/">Über uns</a><a href="/seite-7/">Aktuelles</a>' \
             "</nav></body></html>"
    result = run(active.blog_check, view({HOME: german}))
    assert (result.status, result.observations["blog"], result.observations["label"]) == \
        ("pass", "/seite-7/", "aktuelles")
    # the same word of another language, where it means a shop or printing, is not a blog
    for html in ('<html lang="fr"><body><nav><a href="/nos-adresses/">Magasin</a></nav></body></html>',
                 '<html><body><nav><a href="/nos-adresses/">Magasin</a></nav></body></html>',
                 '<html><body><nav><a href="https://foto.brand.com/">Stampa foto</a></nav></body></html>'):
        assert run(active.blog_check, view({HOME: html})).status == "fail", html


def test_a_folders_index_file_names_its_section_and_a_template_language_does_not_hide_a_label() -> None:
    mirror = page('<nav><a href="../blog/index.html">Useful to know</a></nav>')
    result = run(active.blog_check, view({HOME: mirror}))
    assert (result.status, result.observations["blog"]) == ("pass", "/blog/index.html")
    greek = '<html lang="en"><body><nav><a href="/el/section-12.php">Ειδήσεις</a></nav></body></html>'
    assert run(active.blog_check, view({HOME: greek})).observations["blog"] == "/el/section-12.php"
    danish = ('<html lang="da"><body><nav><a href="/side-4/">Magasinet</a><a href="/side-5/">Magasin</a></nav>'
              "</body></html>")
    assert run(active.blog_check, view({HOME: danish})).status == "pass"


def test_a_section_in_one_language_and_a_dated_recipe_post() -> None:
    home = page('<nav><a href="/blog/de">Blog</a></nav>')
    assert run(active.blog_check, view({HOME: home})).observations["blog"] == "/blog/de"
    recipe_post = page('<div itemscope itemtype="http://schema.org/Recipe"><h1>Lentil soup</h1></div>',
                       head='<meta property="og:type" content="article">')
    result = run(active.blog_check, view({HOME: page("<p>Home</p>"), SITE + "/2026/08/lentil-soup.html": recipe_post}))
    assert (result.status, result.observations["found_via"]) == ("partial", "article")


def test_the_groups_newsroom_on_another_domain_from_the_footer() -> None:
    footer = page('<main><p>Jeans</p></main><footer><a href="https://corporate.brand-group.example/en/newsroom">'
                  "Press</a></footer>")
    result = run(active.blog_check, view({HOME: footer}))
    assert (result.status, result.observations["host"]) == ("pass", "other")


@pytest.mark.parametrize("html", [
    # another domain's blog named only by its label
    '<footer><a href="https://partner.example/">Blog</a></footer>',
    # the release notes of a framework the site is built with
    '<footer><a href="https://framework.example/getting-started/updates">Built with Framework</a></footer>',
    # a third-party news article linked from the content
    '<main><article><p>As <a href="https://paper.example/news/award-2026">reported</a>.</p></article></main>',
    # words inside other words
    '<footer><a href="/impressum/">Impressum</a><a href="/blood-pressure-monitors/">Blood pressure monitors</a>'
    "</footer>",
])
def test_links_that_are_not_the_brands_blog(html: str) -> None:
    assert run(active.blog_check, view({HOME: page(html)})).status == "fail"


def test_sitemap_blog_page_with_posts_is_partial_and_an_empty_shell_is_not_a_blog() -> None:
    listing = page("<main>" + "".join(f'<a href="/blog/post-{n}/">Post {n}</a>' for n in range(3)) + "</main>")
    for body, expected in ((listing, "/blog/"), (page('<div id="app"></div><script src="/app.js"></script>'), "")):
        site = view({HOME: page("<div id='app'></div>"), SITE + "/blog/": body})
        site.pages[1].page.found_on = SITE + "/sitemap.xml"
        result = run(active.blog_check, site)
        assert result.observations["blog"] == expected
        assert result.status == ("partial" if expected else "fail")


def test_feed_link_names_the_blog_when_nothing_links_it() -> None:
    posts = feed(SITE + "/journal/feed.atom", [entry(SITE + "/journal/a/", ago(3))], link=SITE + "/journal/")
    result = run(active.blog_check, view({HOME: page("<h1>Hi</h1>")}, feeds=[posts]))
    assert (result.observations["blog"], result.observations["found_via"]) == ("/journal/", "feed")
    assert (result.status, result.score) == ("partial", 40)


# ============================================================================================== recency


def _feed_site(days_ago: list[int], *, scan_time: str = SCAN) -> SiteView:
    entries = [entry(f"{SITE}/blog/post-{n}/", ago(d)) for n, d in enumerate(days_ago)]
    return view({HOME: page(NAV)}, feeds=[feed(SITE + "/blog/feed.rss", entries)], scan_time=scan_time)


@pytest.mark.parametrize(("days_ago", "status", "score", "verdict"), [
    ([2, 20, 50, 80], "pass", 100, "fresh"),
    ([2, 150], "partial", 80, "fresh but irregular"),
    ([45, 70, 100], "partial", 65, "slowing"),
    ([120, 300], "partial", 45, "quiet"),
    ([300], "partial", 20, "going stale"),
    ([800, 900], "fail", 0, "stale"),
])
def test_recency_grades(days_ago: list[int], status: str, score: int, verdict: str) -> None:
    result = run(active.recency_check, _feed_site(days_ago))
    assert (result.status, result.score, result.observations["verdict"]) == (status, score, verdict)
    assert result.observations["days_since_newest"] == min(days_ago)
    assert result.observations["posts"] == len(days_ago)
    assert result.evidence and result.evidence[0].source == "feed"


def test_recency_counts_and_cadence() -> None:
    obs = run(active.recency_check, _feed_site([1, 10, 40, 89, 91, 200, 364, 366, 700])).observations
    assert (obs["posts_90d"], obs["posts_365d"], obs["posts"]) == (4, 7, 9)
    assert obs["per_month_365d"] == round(7 / 12, 2)
    assert obs["sources"] == {"feed": 9}
    assert obs["post_dates"][0] == (SCAN_DAY - timedelta(days=1)).isoformat()


def test_a_stale_blog_fails_and_says_how_long_ago() -> None:
    news = page('<div class="newsitem"><p class="newsdate">14th March 2019</p><p>Spring catalogue</p></div>'
                '<div class="newsitem"><p class="newsdate">5th November 2015</p><p>Winter range</p></div>')
    site = view({HOME: page('<div id="nav"><a href="/news.html">News</a></div>'), SITE + "/news.html": news})
    result = run(active.recency_check, site)
    assert (result.status, result.score) == ("fail", 0)
    assert result.observations["newest_post"] == "2019-03-14"
    assert result.observations["days_since_newest"] == 2811
    assert result.observations["verdict"] == "stale"
    assert result.recommendation.startswith("Your last post was 2,811 days ago (14 March 2019)")
    assert run(active.blog_check, site).status == "pass"  # the section exists; its staleness is this finding


def test_recency_is_judged_against_the_scan_time_not_the_clock() -> None:
    old = run(active.recency_check, _feed_site([2000, 2010], scan_time=SCAN))
    then = (datetime.fromisoformat(SCAN) - timedelta(days=1990)).isoformat()
    at_the_time = run(active.recency_check, _feed_site([2000, 2010], scan_time=then))
    assert old.status == "fail"
    assert at_the_time.observations["days_since_newest"] == 10 and at_the_time.status != "fail"


def test_an_old_dated_url_is_an_old_post() -> None:
    site = view({HOME: page(NAV + '<main><a href="/2015/06/12/our-first-post/">Our first post</a></main>')})
    result = run(active.recency_check, site)
    assert result.observations["newest_post"] == "2015-06-12"
    assert result.observations["sources"] == {"url": 1}
    assert result.status == "fail" and result.observations["verdict"] == "stale"


def test_a_blog_without_dates_fails() -> None:
    site = view({HOME: page(NAV), SITE + "/blog/": page("<h1>Blog</h1><a href='/blog/a/'>A</a>")})
    result = run(active.recency_check, site)
    assert (result.status, result.score, result.observations["posts"]) == ("fail", 0, 0)
    assert "date" in result.recommendation


def test_no_blog_and_no_feed_is_not_applicable() -> None:
    result = run(active.recency_check, view({HOME: page("<h1>Menu</h1>")}))
    assert (result.status, result.score) == ("not_applicable", None)
    assert result.observations["newest_post"] == ""


def test_a_podcast_feed_alone_is_not_a_blog_to_date() -> None:
    pod = feed(SITE + "/podcast.rss", [entry(SITE + "/ep-1/", ago(3), audio=True)], itunes=True)
    result = run(active.recency_check, view({HOME: page("<h1>Hi</h1>")}, feeds=[pod]))
    assert result.status == "not_applicable" and result.observations["posts"] == 0


# ================================================================================================ feeds


def test_no_feed_fails() -> None:
    result = run(active.feeds_check, view({HOME: page(NAV)}))
    assert (result.status, result.observations["feeds"]) == ("fail", [])
    assert "RSS" in result.recommendation


def test_advertised_feeds_pass_and_are_shown_as_paths_or_urls() -> None:
    feeds = [feed(SITE + "/feed.rss", [entry(SITE + "/blog/a/", ago(2))]),
             feed("https://blog.brand.com/feed.atom", [entry("https://blog.brand.com/a/", ago(2))])]
    result = run(active.feeds_check, view({HOME: page(NAV)}, feeds=feeds))
    assert result.status == "pass"
    assert result.observations["feeds"] == ["/feed.rss", "https://blog.brand.com/feed.atom"]
    assert result.observations["details"][0]["entries"] == 1
    assert all(e.source == "feed" for e in result.evidence)


def test_probed_or_empty_feeds_are_partial() -> None:
    probed = feed(SITE + "/feed", [entry(SITE + "/blog/a/", ago(2))], found_via="common-path")
    assert run(active.feeds_check, view({HOME: page(NAV)}, feeds=[probed])).score == 70
    empty = feed(SITE + "/feed.rss", [])
    assert run(active.feeds_check, view({HOME: page(NAV)}, feeds=[empty])).score == 40


@pytest.mark.parametrize(("body", "linked"), [
    ('<main><p>Posts</p><a href="/blog/rss/">RSS</a></main>', "/blog/rss/"),  # own feed address in the body
    ('<div class="site-footer"><a href="https://feeds.feedhost.example/brand" title="Subscribe">'
     '<i class="icon icon-rss"></i></a></div>',
     "https://feeds.feedhost.example/brand"),  # another host's feed address with an RSS icon, in the chrome
    ('<footer><a href="https://feeds.brand.com/main">Subscribe</a></footer>', "https://feeds.brand.com/main"),
    ('<main><a href="/journal/atom.xml">Subscribe</a></main>', "/journal/atom.xml"),  # a feed file
    ('<main><a href="/syndication/42">RSS</a></main>', "/syndication/42"),  # own link whose text says RSS
    ('<footer><a href="/abo/">Alerts und RSS abonnieren</a></footer>', "/abo/"),  # a page listing the feeds
])
def test_visible_feed_links_count_as_a_linked_feed(body: str, linked: str) -> None:
    result = run(active.feeds_check, view({HOME: page(NAV + body)}))
    assert (result.status, result.score) == ("partial", 60)
    assert [item["url"] for item in result.observations["linked"]] == [linked]
    assert "<head>" in result.recommendation


@pytest.mark.parametrize("body", [
    '<article><p>Read <a href="https://other-news.example/feed/">their feed</a>.</p></article>',  # another site's
    '<main><a href="#" class="rss-button">RSS</a></main>',  # a button a script fills
    '<article><a href="https://www.facebook.com/dialog/feed?app_id=1">Share</a></article>',  # a share dialog
    '<article><a href="https://social.example/brand">Our social feed</a></article>',  # "feed" is not RSS
    '<main><a href="https://other.example/rss-guide">RSS explained</a></main>',  # RSS words, another site
    '<footer class="site-footer"><a href="/feed/">Our Instagram feed</a></footer>',  # no RSS label, no feed file
    '<footer class="site-footer"><a href="https://feeds.partner-news.example/top">Headlines</a></footer>',
    '<main><a href="/products/rss-200-sensor">RSS-200 sensor</a></main>',  # a product code, not the word
])
def test_links_that_are_not_the_brands_feed(body: str) -> None:
    result = run(active.feeds_check, view({HOME: page(NAV + body)}))
    assert (result.status, result.observations["linked"]) == ("fail", [])


def test_a_feed_looking_link_the_crawl_fetched_as_a_page_is_not_a_feed() -> None:
    home = page(NAV + '<nav><a href="/store/feed/">Horse feed RSS</a> <a href="/blog/feed/">RSS</a></nav>')
    result = run(active.feeds_check, view({HOME: home, SITE + "/store/feed/": page("<h1>Oats, 25 kg</h1>")}))
    assert [item["url"] for item in result.observations["linked"]] == ["/blog/feed/"]


# ============================================================================================== podcast


def test_podcast_feed_with_itunes_and_audio_passes() -> None:
    pod = feed(SITE + "/podcast/feed.rss", [entry(SITE + f"/podcast/ep-{n}/", ago(n * 14), audio=True)
                                            for n in range(1, 4)], itunes=True)
    result = run(active.podcast_check, view({HOME: page(NAV)}, feeds=[pod]))
    obs = result.observations
    assert (result.status, obs["present"], obs["feed"], obs["itunes"], obs["episodes"]) == ("pass", True, True, True, 3)
    assert obs["newest_episode"] == (SCAN_DAY - timedelta(days=14)).isoformat()
    assert obs["feeds"] == ["/podcast/feed.rss"]


def test_itunes_namespace_on_a_blog_feed_is_not_a_podcast() -> None:
    blog_feed = feed(SITE + "/blog?format=rss", [entry(SITE + "/blog/a/", ago(2))], itunes=True)
    assert not is_podcast_feed(blog_feed)
    result = run(active.podcast_check, view({HOME: page(NAV)}, feeds=[blog_feed]))
    assert result.observations["present"] is False and result.status == "fail"
    assert len(collect_posts(view({HOME: page(NAV)}, feeds=[blog_feed])).posts) == 1


def test_podcast_page_with_a_player_but_no_feed_is_partial() -> None:
    episode = page('<h1>Episode 3</h1><audio controls src="/audio/ep3.mp3"></audio>')
    result = run(active.podcast_check, view({HOME: page(NAV), SITE + "/podcast/episode-3/": episode}))
    obs = result.observations
    assert (obs["present"], obs["feed"], obs["audio_players"]) == (True, False, 1)
    assert (result.status, result.score) == ("partial", 60)
    assert "RSS feed" in result.recommendation


def test_podcast_page_with_nothing_to_listen_to_is_not_a_podcast() -> None:
    soon = page("<h1>Our podcast</h1><p>Coming soon!</p>")
    result = run(active.podcast_check, view({HOME: page(NAV), SITE + "/podcast/": soon}))
    assert result.observations["present"] is False
    assert result.observations["podcast_pages"] == ["/podcast/"]
    assert result.status == "fail"


def test_podcast_player_found_by_fingerprint() -> None:
    player = page('<iframe src="https://www.buzzsprout.com/123456/episodes/7654321?client_source=small_player">'
                  "</iframe>")
    result = run(active.podcast_check, view({HOME: page(NAV), SITE + "/listen/": player}))
    assert result.observations["players"] == ["Buzzsprout"]
    assert result.observations["present"] is True and result.status == "partial"


def test_directory_links_count_from_the_footer_but_not_from_an_article() -> None:
    article = page('<article><p>I was a guest on <a href="https://podcasts.apple.com/us/podcast/other-show/id1">'
                   "someone's podcast</a>.</p></article>")
    site = view({HOME: page(NAV), SITE + "/blog/guest-spot/": article})
    assert run(active.podcast_check, site).observations["present"] is False
    footer = page(NAV + '<footer><a href="https://open.spotify.com/show/4rOoJ6Egrf8K2IrywzwOMk">Listen on Spotify</a>'
                  "</footer>")
    result = run(active.podcast_check, view({HOME: footer}))
    assert result.observations["present"] is True
    assert [d["directory"] for d in result.observations["directory_links"]] == ["Spotify"]


def test_a_podcast_section_linked_from_the_navigation_is_a_podcast() -> None:
    home = page('<header><nav><a href="/">Home</a><a href="/unser-podcast-1">Podcast</a></nav></header>'
                "<main><p>Welcome.</p></main>")
    result = run(active.podcast_check, view({HOME: home}))
    obs = result.observations
    assert obs["present"] is True
    assert [(s["url"], s["by"]) for s in obs["section_links"]] == [("/unser-podcast-1", "label")]
    assert (result.status, result.score) == ("partial", 50)
    by_url = page('<header><nav><a href="/en/about-us/podcasts/">Listen in</a></nav></header>')
    assert run(active.podcast_check, view({HOME: by_url})).observations["section_links"][0]["by"] == "url"
    episode = page('<main><article><p>Hear the <a href="/podcasts/episode-40-harbours/">whole interview</a>.</p>'
                   "</article></main>")
    on_podcast_page = view({HOME: page(NAV), SITE + "/podcasts/": episode})
    assert run(active.podcast_check, on_podcast_page).observations["section_links"][0]["by"] == "url"
    subdomain = page('<footer><a href="https://podcast.brand.com/">Listen</a></footer>')
    assert run(active.podcast_check, view({HOME: subdomain})).observations["present"] is True


@pytest.mark.parametrize("html", [
    # a sister site's show: another host of the group, only the label says podcast
    '<footer><a href="https://gold.brand.com/gold-show">Gold Podcast</a></footer>',
    # a podcast named in an article's link text, to an ordinary page
    '<main><article><p>As she said on <a href="/interviews/maria/">the Daily podcast</a>.</p></article></main>',
    # another site's podcast, linked from an article
    '<main><article><p>Listen to <a href="https://other-news.example/podcasts/daily/">their show</a>.</p>'
    "</article></main>",
    # a TV show's episode guide: "episodes" alone is not a podcast
    '<nav><a href="/guides/episoden.html">Episoden</a></nav>',
    # a podcast mentioned in text, no link at all
    "<main><p>The podcast of a rival network was discussed.</p></main>",
    # a podcast episode URL linked from an ordinary article (a guest appearance, or anyone's)
    '<main><article><p>Hear the <a href="/podcasts/episode-40-harbours/">whole interview</a>.</p></article></main>',
    # a post's tag and a hosting product's feature page, even in the navigation
    '<main><article><p>Tags: <a href="/tag/podcast/">podcast</a> <a href="/tag/seo/">seo</a></p></article></main>',
    '<header><nav><a href="/features/podcast/">Podcast hosting</a><a href="/pricing/">Pricing</a></nav></header>',
    # another show in a podcast app, linked from an article
    '<main><article><p><a href="https://podcasts.apple.com/us/podcast/other-talk/id987654">Other Talk</a>'
    "</p></article></main>",
])
def test_links_that_are_not_the_brands_podcast(html: str) -> None:
    assert run(active.podcast_check, view({HOME: page(html)})).observations["present"] is False


def test_another_domain_of_the_brand_in_the_footer_names_its_podcast() -> None:
    footer = page('<main><p>Travel advice.</p></main><footer><a href="https://www.ministry-sister.example/podcast">'
                  "Podcasts</a></footer>")
    obs = run(active.podcast_check, view({HOME: footer})).observations
    assert [(s["host"], s["region"]) for s in obs["section_links"]] == [("other", "footer")]


def test_an_episode_list_of_audio_files_is_a_podcast_but_one_news_clip_is_not() -> None:
    episodes = page('<main><ul><li><a href="/media/ep-01.mp3">Episode 1</a></li>'
                    '<li><a href="/media/ep-02.mp3">Episode 2</a></li></ul></main>')
    result = run(active.podcast_check, view({HOME: page(NAV), SITE + "/shows/harbour/": episodes}))
    assert (result.observations["present"], result.observations["episode_list_pages"]) == (True, 1)
    buttons = page('<h3>Folge 3</h3><time datetime="2026-10-02">2.10.</time><button class="play" '
                   'data-sound-href="a1.mp3">Play</button><h3>Folge 4</h3><time datetime="2026-10-09">9.10.</time>'
                   '<button class="play" data-sound-href="a2.mp3">Play</button>')
    assert run(active.podcast_check, view({HOME: buttons})).observations["episode_list_pages"] == 1
    # a speaker's sound samples and a lesson's pronunciation clips: two audio files, no episodes
    samples = page('<main><h1>Studio monitor M4</h1><p>Hear the samples:</p><audio controls src="/s/jazz.mp3">'
                   '</audio><audio controls src="/s/rock.mp3"></audio></main>')
    lesson = page('<main><h1>Unit 5: numbers</h1><p>Uno <a href="/a/uno.mp3">play</a></p>'
                  '<p>Dos <a href="/a/dos.mp3">play</a></p></main>')
    for html in (samples, lesson):
        assert run(active.podcast_check, view({HOME: page(NAV), SITE + "/p/m4": html})).observations[
            "present"] is False
    # one file on a post filed under the site's podcast category is an episode
    filed = page('<main><article><p><a href="/files/show-12.mp3">mp3</a></p>'
                 '<a href="/category/podcast/" rel="category tag">Podcast</a></article></main>')
    assert run(active.podcast_check, view({HOME: page(NAV), SITE + "/2026/10/show-12/": filed})).observations[
        "episode_list_pages"] == 1
    clip = page('<main><article><p>The mayor said:</p><audio controls src="/media/mayor.mp3"></audio>'
                '<a href="/media/mayor.mp3">Download</a></article></main>')
    assert run(active.podcast_check, view({HOME: page(NAV), SITE + "/news/mayor/": clip})).observations[
        "present"] is False


def test_the_brands_audio_channel_in_the_header_but_not_a_track_in_an_article() -> None:
    header = page('<header><ul class="social"><li><a href="https://soundcloud.com/brand-radio"></a></li></ul></header>')
    result = run(active.podcast_check, view({HOME: header}))
    assert [d["directory"] for d in result.observations["directory_links"]] == ["SoundCloud"]
    track = page('<main><article><p>A <a href="https://soundcloud.com/some-dj">mix we liked</a>.</p></article></main>')
    assert run(active.podcast_check, view({HOME: track})).observations["present"] is False
    labelled = page('<footer><a href="https://www.mixcloud.com/harbourtalks/">Our podcast on Mixcloud</a></footer>')
    assert run(active.podcast_check, view({HOME: labelled})).observations["present"] is True
    # a band's or a DJ's channels beside the other profiles: music, not a podcast
    band = page('<footer class="site-footer"><a href="https://www.instagram.com/theband">Instagram</a>'
                '<a href="https://soundcloud.com/theband">SoundCloud</a>'
                '<a href="https://www.mixcloud.com/djbrand/">Mixcloud</a></footer>')
    assert run(active.podcast_check, view({HOME: band})).observations["present"] is False


def test_a_dormant_podcast_is_partial() -> None:
    pod = feed(SITE + "/podcast.rss", [entry(SITE + "/ep-1/", ago(500), audio=True)], itunes=True)
    result = run(active.podcast_check, view({HOME: page(NAV)}, feeds=[pod]))
    assert (result.status, result.score) == ("partial", 40)
    assert "500 days" in result.recommendation


# ================================================================================================ video


@pytest.mark.parametrize(("html", "embed"), [
    ('<iframe src="https://www.youtube.com/embed/hD8rB2kQ4sY" allowfullscreen></iframe>', "YouTube"),
    ('<iframe data-src="https://player.vimeo.com/video/887766554" class="lazy"></iframe>', "Vimeo"),
    ('<script src="https://fast.wistia.com/assets/external/E-v1.js" async></script>'
     '<div class="wistia_embed wistia_async_abc123"></div>', "Wistia"),
    ('<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@brand/video/1"></blockquote>'
     '<script async src="https://www.tiktok.com/embed.js"></script>', "TikTok embed"),
    ('<video-js data-account="123" data-player="default" data-video-id="9"></video-js>'
     '<script src="https://players.brightcove.net/123/default_default/index.min.js"></script>', "Brightcove"),
])
def test_video_embeds_pass(html: str, embed: str) -> None:
    result = run(active.video_check, view({HOME: page(NAV), SITE + "/watch-us/": page(html)}))
    assert result.observations["present"] is True
    assert embed in result.observations["embeds"]
    assert (result.status, result.score) == ("pass", 100)
    assert any(e.url == SITE + "/watch-us/" for e in result.evidence)


def test_video_object_markup_alone_is_a_weak_clue_not_video() -> None:
    markup = page(jsonld({"@context": "https://schema.org", "@type": "VideoObject", "name": "Tour",
                          "contentUrl": SITE + "/tour.mp4", "uploadDate": "2026-10-15"}))
    result = run(active.video_check, view({HOME: page(NAV), SITE + "/tour/": markup}))
    assert result.observations["video_objects"] == ["/tour/"]
    assert (result.observations["present"], result.status, result.score) == (False, "partial", 30)
    player = page('<video controls poster="/p.jpg"><source src="/tour.mp4" type="video/mp4"></video>' + markup)
    result = run(active.video_check, view({HOME: player}))
    assert (result.observations["video_elements"], result.observations["kind"], result.status) == (1, "element", "pass")


def test_a_background_loop_is_video_of_the_weaker_kind() -> None:
    hero = page('<video autoplay muted loop playsinline src="/hero.mp4"></video>')
    result = run(active.video_check, view({HOME: hero}))
    obs = result.observations
    assert (obs["present"], obs["kind"], obs["background_videos"], obs["video_elements"]) == (True, "background", 1, 0)
    assert (result.status, result.score) == ("partial", 60)
    with_controls = page('<video autoplay muted loop controls src="/tour.mp4"></video>')
    assert run(active.video_check, view({HOME: with_controls})).observations["kinds"] == ["element"]


def test_a_video_element_filled_by_script_counts_but_a_hidden_empty_one_does_not() -> None:
    gallery = page('<div class="gallery"><video id="main-player" style="width:100%"></video></div>')
    result = run(active.video_check, view({HOME: gallery}))
    assert (result.observations["present"], result.observations["kind"]) == (True, "element")
    helper = page('<p>Story</p><video style="display: none;"></video>')
    assert run(active.video_check, view({HOME: helper})).observations["present"] is False
    # a ticket scanner's camera preview: no source, no poster, named for a scanner or asking for the camera
    scanner = page('<main><h1>Check in</h1><video id="ticket-scan-preview" playsinline></video></main>')
    camera = page('<main><video class="preview" autoplay></video><script>navigator.mediaDevices.getUserMedia('
                  "{video: true}).then(s => {});</script></main>")
    for html in (scanner, camera):
        assert run(active.video_check, view({HOME: html})).observations["present"] is False
    poster = page('<main><video id="scan-tutorial" poster="/img/how-to-scan.jpg"></video></main>')
    assert run(active.video_check, view({HOME: poster})).observations["kind"] == "element"


def test_a_page_builders_video_widget_built_by_script_is_an_embed() -> None:
    widget = page('<main><div class="elementor-widget-video" data-settings="{&quot;youtube_url&quot;:&quot;'
                  'https:\\/\\/www.youtube.com\\/watch?v=Zx81abcDEF0&quot;}"><div class="video-box"></div></div>'
                  "</main>")
    block = page('<main><div class="video-wrapper" data-html="&lt;iframe src=&quot;https://player.vimeo.com/video/'
                 '76543210&quot;&gt;&lt;/iframe&gt;"></div></main>')
    for html in (widget, block):
        result = run(active.video_check, view({HOME: html}))
        assert (result.observations["kind"], result.observations["built_players"]) == ("embed", 1)
    # a builder's other widgets: a channel link in their settings is not a player on the page
    social = page('<main><div class="social-widget" data-settings="{&quot;link&quot;:&quot;'
                  'https://www.youtube.com/@brand&quot;}"></div></main>')
    assert run(active.video_check, view({HOME: social})).observations["built_players"] == 0


def test_a_publishers_own_player_iframe_is_an_embed() -> None:
    own = page('<iframe src="https://www.brand.com/player/embed/?id=abc123" width="640" height="360"></iframe>')
    result = run(active.video_check, view({HOME: own}))
    assert (result.observations["present"], result.observations["kind"], result.observations["player_iframes"]) == \
        (True, "embed", 1)
    clip = page('<iframe src="https://cdn.example.net/vjs/show.html?vurl=%2F%2Fcdn.example.net%2Fa%2Fclip.mp4">'
                "</iframe>")
    assert run(active.video_check, view({HOME: clip})).observations["player_iframes"] == 1
    # traps: an audio player iframe, a document viewer, a "share this video" page template
    for src in ("https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1",
                "https://audio.brand.com/player/embed/episode/42",
                "https://docs.example.com/viewer?embedded=true&url=https://brand.com/a.pdf",
                "https://www.brand.com/templates/video-share?content=1"):
        assert run(active.video_check, view({HOME: page(f'<iframe src="{src}"></iframe>')})).observations[
            "present"] is False, src


def test_a_player_script_or_a_hidden_helper_iframe_alone_is_not_video() -> None:
    outstream = page('<div id="related"><script src="https://cdn.jwplayer.com/players/abcd1234-efgh5678.js">'
                     "</script></div>")
    result = run(active.video_check, view({HOME: outstream}))
    assert (result.observations["present"], result.observations["player_scripts"]) == (False, ["JW Player"])
    assert (result.status, result.score) == ("partial", 30)
    api = page('<script src="https://www.youtube.com/iframe_api"></script>')
    assert run(active.video_check, view({HOME: api})).observations["present"] is False
    helper = page('<iframe style="display: none;" src="https://www.youtube.com/embed/abc"></iframe>')
    assert run(active.video_check, view({HOME: helper})).observations["present"] is False
    shown = page('<iframe src="https://www.youtube.com/embed/abc" width="560" height="315"></iframe>')
    assert run(active.video_check, view({HOME: shown})).observations["embeds"] == ["YouTube"]


def test_a_channel_link_alone_is_not_video_on_the_site() -> None:
    home = page(NAV + '<footer><a href="https://www.youtube.com/@brand">YouTube</a>'
                '<a href="https://www.tiktok.com/@brand">TikTok</a>'
                '<a href="https://www.youtube.com/watch?v=abc">Our latest video</a></footer>')
    result = run(active.video_check, view({HOME: home}))
    obs = result.observations
    assert obs["present"] is False and obs["embeds"] == []
    assert [c["network"] for c in obs["channel_links"]] == ["TikTok", "YouTube"]  # the watch link is neither
    assert (result.status, result.score) == ("partial", 30)
    assert "embed" in result.recommendation.lower()


# =============================================================================================== events


def _event(name: str, start: str, **extra: Any) -> str:
    return jsonld({"@context": "https://schema.org", "@type": "Event", "name": name, "startDate": start, **extra})


def test_upcoming_event_markup_passes_and_webinars_are_recognised() -> None:
    webinar = _event("Scaling pipelines", "2026-12-09T17:00:00Z",
                     eventAttendanceMode="https://schema.org/OnlineEventAttendanceMode",
                     location={"@type": "VirtualLocation", "url": SITE + "/live"})
    result = run(active.events_check, view({HOME: page(NAV), SITE + "/webinars/scaling/": page(webinar)}))
    obs = result.observations
    assert (result.status, obs["present"], obs["webinars"]) == ("pass", True, True)
    assert obs["upcoming"][0]["start"] == "2026-12-09" and obs["past"] == []


def test_past_events_only_are_partial() -> None:
    result = run(active.events_check, view({HOME: page(NAV), SITE + "/events/fair/": page(
        _event("Spring fair", "2026-04-18T10:00:00+01:00"))}))
    assert result.observations["present"] is True
    assert result.observations["past"][0]["name"] == "Spring fair"
    assert (result.status, result.score) == ("partial", 40)
    assert "past" in result.recommendation.lower()


def test_events_page_with_upcoming_dates_but_no_markup_is_partial() -> None:
    events = page('<h1>Events</h1><ul><li><time datetime="2026-12-12">12 Dec</time> Winter meet-up</li></ul>')
    result = run(active.events_check, view({HOME: page(NAV), SITE + "/events/": events}))
    assert result.observations["upcoming_dates_on_pages"] == ["2026-12-12"]
    assert (result.status, result.score) == ("partial", 70)


def test_an_event_mentioned_in_a_post_is_not_an_events_feature() -> None:
    post = page('<article><h1>Repair days</h1><time datetime="2026-10-14">Oct 14</time>'
                "<p>Join us on Saturday 5th December 2026 for our repair day!</p></article>",
                '<meta property="og:type" content="article">')
    publication = page(jsonld({"@context": "https://schema.org", "@type": "PublicationEvent", "name": "Aired",
                               "startDate": "2026-12-01"}))
    result = run(active.events_check, view({HOME: page(NAV), SITE + "/blog/repair-days/": post,
                                            SITE + "/radio/": publication}))
    assert result.observations["present"] is False
    assert result.status == "fail"


# ========================================================================================= fingerprints


def test_media_fingerprints_load_and_compile() -> None:
    media = default_fingerprints()
    video, podcast = set(media.of_kind("video")), set(media.of_kind("podcast"))
    assert {"YouTube", "Vimeo", "Wistia", "Vidyard", "Brightcove", "JW Player", "TikTok embed"} <= video
    assert {"Buzzsprout", "Libsyn", "Spotify for Podcasters", "Simplecast", "Transistor", "Podbean", "Captivate",
            "Megaphone", "Acast"} <= podcast
    for tech in media.technologies.values():
        if tech.source not in ("video.json", "podcast.json"):
            continue
        assert all(p.regex is not None for p in tech.script_src), tech.name
        assert tech.dom or tech.script_src, tech.name
    assert set(Fingerprints.load().of_kind("video")) >= video  # the shared loader reads the same files


def test_fingerprint_files_are_plain_json_objects() -> None:
    for name in ("video.json", "podcast.json"):
        data = json.loads((DATA_DIR / name).read_text(encoding="utf-8"))
        assert data and all({"cats", "website"} <= set(spec) for spec in data.values())


# ============================================================================================= registry


def test_the_six_checks_are_registered_with_their_weights() -> None:
    found = {v.id: v for v in vars(active).values() if isinstance(v, Check)}
    assert {k: v.weight for k, v in found.items()} == {
        "active.blog": 2, "active.recency": 3, "active.feeds": 1, "active.podcast": 1, "active.video": 1,
        "active.events": 1}
    assert all(c.category == "active" and c.description for c in found.values())


# ============================================================================================ fixtures

SITES = load_sites()


def _expected(slug: str, mode: str = "served") -> dict[str, Any]:
    """[truth.active], with [truth.static] overriding it where a static crawl must see less (pulse-app);
    the rendered DOM must show all of it."""
    truth = dict(SITES[slug].truth.get("active", {}))
    static = SITES[slug].truth.get("static", {}) if mode == "served" else {}
    for key in ("blog", "posts"):
        if key in static:
            truth[key] = static[key]
    if static.get("posts") == 0:
        truth["newest_post"], truth["post_dates"] = "", []
    return truth


@pytest.fixture(scope="module")
def origin_of(fixture_sites: Any) -> Any:
    def template(value: str, slug: str) -> str:
        value = value.replace("{{origin}}", fixture_sites.origin(slug))
        for other in SITES:
            value = value.replace(f"{{{{origin:{other}}}}}", fixture_sites.origin(other))
        return value
    return template


@pytest.mark.parametrize("slug", sorted(SITES))
def test_fixture_sites_match_the_truth(slug: str, view_for: Any, audit_mode: str, origin_of: Any) -> None:
    site = view_for(slug)
    truth = _expected(slug, audit_mode)
    results = {c.check_id: c for c in (run(check, site) for check in (
        active.blog_check, active.recency_check, active.feeds_check, active.podcast_check, active.video_check,
        active.events_check))}
    blog, recency = results["active.blog"].observations, results["active.recency"].observations
    assert blog["blog"] == origin_of(truth["blog"], slug)
    assert recency["newest_post"] == truth["newest_post"]
    assert recency["posts"] == truth["posts"]
    if "post_dates" in truth:
        assert recency["post_dates"] == truth["post_dates"]
    assert sorted(results["active.feeds"].observations["feeds"]) == sorted(origin_of(f, slug) for f in truth["feeds"])
    assert results["active.podcast"].observations["present"] is truth["podcast"]
    assert results["active.video"].observations["present"] is truth["video"]
    assert results["active.events"].observations["present"] is truth["events"]
    if "podcast_feed" in truth:
        assert results["active.podcast"].observations["feeds"] == [truth["podcast_feed"]]
        assert results["active.podcast"].observations["episodes"] == truth["podcast_episodes"]
        assert results["active.podcast"].observations["newest_episode"] == truth["newest_episode"]
    if "video_embeds" in truth:
        embeds = results["active.video"].observations["embeds"]
        assert sorted(e.lower() for e in embeds) == sorted(truth["video_embeds"])
    if "webinars" in truth:
        assert results["active.events"].observations["webinars"] is truth["webinars"]
    for result in results.values():
        assert result.recommendation
        if result.status in ("pass", "partial"):
            assert result.evidence, result.check_id


def test_fixture_verdicts_on_the_tricky_sites(fixture_view: Any) -> None:
    alpine = run(active.recency_check, fixture_view("alpine-trading"))
    assert (alpine.status, alpine.observations["verdict"]) == ("fail", "stale")
    assert alpine.recommendation.startswith("Your last post was 2,811 days ago (14 March 2019)")
    summit = run(active.video_check, fixture_view("summit-outfitters")).observations
    assert summit["present"] is False
    assert "https://www.youtube.com/@summitoutfitters" in [c["url"] for c in summit["channel_links"]]
    assert run(active.recency_check, fixture_view("pulse-app")).status == "not_applicable"
    trailhead = run(active.recency_check, fixture_view("trailhead-supply"))
    assert (trailhead.status, trailhead.observations["days_since_newest"]) == ("partial", 54)
    northwind = run(active.events_check, fixture_view("northwind-cloud")).observations
    assert [e["start"] for e in northwind["upcoming"]] == ["2026-12-09", "2027-03-16"]
    assert [e["start"] for e in northwind["past"]] == ["2026-10-14"]
    harbour = run(active.podcast_check, fixture_view("harbour-daily")).observations
    assert {d["directory"] for d in harbour["directory_links"]} == {"Apple Podcasts", "Spotify", "Pocket Casts"}


# ============================================================================================= findings


def _day(days: int) -> str:
    """The scan day minus ``days``, as a finding writes it: "30 Sep 2026"."""
    day = SCAN_DAY - timedelta(days=days)
    return f"{day.day} {day:%b %Y}"


@pytest.mark.parametrize("days_ago", [[2, 20, 50, 80], [45, 70, 100], [800, 900]])
def test_the_recency_finding_says_how_many_days_ago_and_the_cadence(days_ago: list[int]) -> None:
    result = run(active.recency_check, _feed_site(days_ago))
    obs = result.observations
    assert result.finding == (f"last post {obs['days_since_newest']:,} days ago ({_day(min(days_ago))}); "
                              f"{obs['posts_90d']} post{'' if obs['posts_90d'] == 1 else 's'} in 90 days, "
                              f"{obs['posts_365d']} in a year")
    assert f"{min(days_ago):,} days ago" in result.finding


def test_the_recency_finding_without_a_dated_post() -> None:
    undated = view({HOME: page(NAV), SITE + "/blog/": page("<h1>Blog</h1><a href='/blog/a/'>A</a>")})
    assert run(active.recency_check, undated).finding == "a blog, but no post on it shows a date"
    assert run(active.recency_check, view({HOME: page("<h1>Menu</h1>")})).finding == \
        "no blog or feed, so no posts to date"
    stale = run(active.recency_check, fixture_like_stale_site())
    assert stale.finding.startswith("last post 2,811 days ago (14 Mar 2019); 0 posts in 90 days")


def fixture_like_stale_site() -> SiteView:
    news = page('<div class="newsitem"><p class="newsdate">14th March 2019</p><p>Spring catalogue</p></div>')
    return view({HOME: page('<div id="nav"><a href="/news.html">News</a></div>'), SITE + "/news.html": news})


def test_the_blog_finding_names_the_section_and_how_it_is_reached() -> None:
    linked = run(active.blog_check, view({HOME: page(NAV), SITE + "/blog/": page("<h1>Blog</h1>")}))
    assert linked.finding == "blog section /blog/, linked from the home page's navigation"
    in_text = run(active.blog_check, view({HOME: page('<main><p>Read <a href="/news/">our news</a></p></main>')}))
    assert in_text.status == "partial"
    assert in_text.finding.startswith("news section /news/, linked only from page content")
    assert run(active.blog_check, view({HOME: page("<h1>Hi</h1>")})).finding.startswith("no blog or news section")


def test_the_feeds_finding_names_the_feed_its_entries_and_how_it_is_found() -> None:
    feeds = [feed(SITE + "/feed.rss", [entry(SITE + "/blog/a/", ago(2)), entry(SITE + "/blog/b/", ago(9))]),
             feed("https://blog.brand.com/feed.atom", [entry("https://blog.brand.com/a/", ago(2))])]
    result = run(active.feeds_check, view({HOME: page(NAV)}, feeds=feeds))
    assert result.finding == (f"RSS feed /feed.rss (2 entries, newest {_day(2)}), advertised by the site's pages; "
                              "2 feeds with entries")
    probed = run(active.feeds_check, view({HOME: page(NAV)}, feeds=[
        feed(SITE + "/feed/", [entry(SITE + "/blog/a/", ago(2))], found_via="common-path")]))
    assert probed.status == "partial" and probed.finding.endswith("found only at a common feed address")
    assert run(active.feeds_check, view({HOME: page(NAV)})).finding == "no RSS, Atom or JSON feed found or linked"


def test_the_podcast_finding_counts_episodes_and_names_the_apps() -> None:
    pod = feed(SITE + "/podcast/feed.rss", [entry(SITE + f"/podcast/ep-{n}/", ago(n * 14), audio=True)
                                            for n in range(1, 4)], itunes=True)
    result = run(active.podcast_check, view({HOME: page(NAV)}, feeds=[pod]))
    assert result.finding == f"podcast feed with 3 episodes, newest 14 days ago ({_day(14)}); no podcast app linked"
    listed = page('<footer><a href="https://podcasts.apple.com/us/podcast/brand-talk/id123">Apple Podcasts</a>'
                  '<a href="https://open.spotify.com/show/abc">Spotify</a></footer>')
    with_apps = run(active.podcast_check, view({HOME: listed}, feeds=[pod]))
    assert with_apps.finding.endswith("; listed in Apple Podcasts and Spotify")


def test_the_video_finding_names_the_player_or_the_weak_clue() -> None:
    embed = page('<iframe src="https://www.youtube.com/embed/hD8rB2kQ4sY" allowfullscreen></iframe>')
    result = run(active.video_check, view({HOME: page(NAV), SITE + "/watch-us/": embed}))
    assert result.finding == "YouTube player embedded; no VideoObject markup"
    markup = page(jsonld({"@context": "https://schema.org", "@type": "VideoObject", "name": "Tour",
                          "contentUrl": SITE + "/tour.mp4", "uploadDate": "2026-10-15"}))
    weak = run(active.video_check, view({HOME: page(NAV), SITE + "/tour/": markup}))
    assert weak.finding == "no video player on the pages; only VideoObject markup on 1 page"


def test_the_events_finding_gives_the_next_date_and_name() -> None:
    upcoming = page(jsonld({"@context": "https://schema.org", "@type": "Event", "name": "Winter meet-up",
                            "startDate": "2026-12-12T18:00:00+00:00"}))
    result = run(active.events_check, view({HOME: page(NAV), SITE + "/events/": upcoming}))
    assert result.finding == "1 upcoming event with Event markup; next 12 Dec 2026: Winter meet-up"
    unmarked = page('<h1>Events</h1><ul><li><time datetime="2026-12-12">12 Dec</time> Winter meet-up</li></ul>')
    partial = run(active.events_check, view({HOME: page(NAV), SITE + "/events/": unmarked}))
    assert partial.finding == "1 upcoming event date on /events/, next 12 Dec 2026; no Event markup"


@pytest.mark.parametrize(("reason", "score", "finding"), [
    ("robots_disallowed", 70, "advertised feed /feed.rss not read: robots.txt forbids it"),
    ("http_404", 40, "advertised feed /feed.rss gives no feed: HTTP 404"),
])
def test_the_feeds_finding_says_why_an_advertised_feed_was_not_read(reason: str, score: int, finding: str) -> None:
    site = view({HOME: page(NAV)})
    site.snapshot.issues.append(CrawlIssue(SITE + "/feed.rss", reason, "", found_on=HOME,
                                           chosen_because="feed:link-rel"))
    result = run(active.feeds_check, site)
    assert (result.status, result.score, result.finding) == ("partial", score, finding)
    empty = run(active.feeds_check, view({HOME: page(NAV)}, feeds=[feed(SITE + "/feed.rss", [])]))
    assert empty.finding == "feed /feed.rss has no entries"


def test_the_podcast_finding_of_a_dormant_show_gives_its_age() -> None:
    pod = feed(SITE + "/podcast/feed.rss", [entry(SITE + "/podcast/ep-1/", ago(500), audio=True)], itunes=True)
    result = run(active.podcast_check, view({HOME: page(NAV)}, feeds=[pod]))
    assert result.status == "partial"
    assert result.finding == f"podcast feed with 1 episode; the newest is 500 days old ({_day(500)})"
