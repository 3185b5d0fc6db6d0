"""The page anatomy: site chrome, main content, page kind and app shell, on minimal hand-written HTML."""

from __future__ import annotations

import pytest

from connectedness.checks.anatomy import classify_names, name_words
from connectedness.checks.site import Anchor, SiteView

HOME = "https://brand.example/"
PARAGRAPH = "<p>" + "A long paragraph of the story itself, written for readers. " * 6 + "</p>"


def page(body: str, head: str = "") -> str:
    return f"<!doctype html><html lang=en><head><title>Brand</title>{head}</head><body>{body}</body></html>"


def anchor(html: str, href: str = "https://x.example/brand", url: str = HOME) -> Anchor:
    view = SiteView.from_html({url: html}).pages[0]
    return next(a for a in view.anchors if a.href == href)


LINK = '<a href="https://x.example/brand">Brand on X</a>'


# ------------------------------------------------------------------ chrome from class and id names

@pytest.mark.parametrize(("body", "region", "via"), [
    (f'<div class="footer-social">{LINK}</div><div class="content">{PARAGRAPH}</div>', "footer", "class:footer-social"),
    (f'<div class="content">{PARAGRAPH}</div><div id="bottom"><ul><li>{LINK}</li></ul></div>', "footer", "id:bottom"),
    (f'<div class="site-header">{LINK}</div><div>{PARAGRAPH}</div>', "header", "class:site-header"),
    (f'<div id="masthead"><span>{LINK}</span></div>', "header", "id:masthead"),
    (f'<div class="header__nav">{LINK}</div>', "header", "class:header__nav"),
    (f'<div class="FooterLinks">{LINK}</div>', "footer", "class:FooterLinks"),
    (f'<div class="js-header-follow">{LINK}</div>', "header", "class:js-header-follow"),
    (f'<ul class="main-nav">{LINK}</ul>', "nav", "class:main-nav"),
    (f'<div id="globalnav">{LINK}</div>', "nav", "id:globalnav"),
    (f'<div class="widget-area">{LINK}</div>', "aside", "class:widget-area"),
    (f'<div id="colophon">{LINK}</div>', "footer", "id:colophon"),
    (f'<div id="kopf">{LINK}</div>', "header", "id:kopf"),
    (f'<div class="fusszeile">{LINK}</div>', "footer", "class:fusszeile"),
    (f'<div class="pie-de-pagina">{LINK}</div>', "footer", "class:pie-de-pagina"),
    (f'<div id="cabecera">{LINK}</div>', "header", "id:cabecera"),
    (f'<div class="piede">{LINK}</div>', "footer", "class:piede"),
    (f'<div class="sitefooter">{LINK}</div>', "footer", "class:sitefooter"),
])
def test_div_layout_chrome_is_found_by_class_and_id(body: str, region: str, via: str) -> None:
    found = anchor(page(body))
    assert (found.region, found.region_via) == (region, via)


@pytest.mark.parametrize("body", [
    f'<div class="mt-4 bottom-0 border-bottom">{LINK}</div>',   # utility classes
    f'<ul class="nav-tabs"><li class="nav-tabs">{LINK}</li></ul>',       # a widget's tabs
    f'<div class="pie">{LINK}</div>',                            # a chart, not "pie de pagina"
    f'<div class="subheader">{LINK}</div>',
    f'<div class="has-sidebar">{LINK}</div>',
])
def test_names_that_only_look_like_chrome_are_not(body: str) -> None:
    assert anchor(page(body)).region == "body"


@pytest.mark.parametrize("name", ["entry-footer", "article-header", "post-meta", "comment-header", "author-box",
                                  "card-footer", "modal-header", "share", "social-share"])
def test_false_chrome_names_are_content(name: str) -> None:
    kind, via = classify_names(name, "") or ("", "")
    assert kind in ("content", "strong-content") and via == f"class:{name}"
    body = f'<div class="site-wrapper"><div class="{name}">{LINK}</div></div><div id="footer">x</div>'
    assert anchor(page(body)).region == "article"


def test_a_post_footer_stays_content_even_when_it_is_a_footer_element() -> None:
    body = f'<article><p>Story</p><footer class="entry-footer">{LINK}</footer></article><footer><p>Site</p></footer>'
    assert anchor(page(body)).region == "article"
    outside = f'<div class="layout"><footer class="entry-footer">{LINK}</footer></div>'
    assert anchor(page(outside)).region == "article"


def test_a_footer_column_named_for_products_is_still_the_site_footer() -> None:
    body = f'<footer><div class="widget-area"><div class="card">{LINK}</div></div></footer>'
    found = anchor(page(body))
    assert (found.region, found.region_via) == ("footer", "tag:footer")


def test_name_words_split_every_naming_style() -> None:
    assert name_words("FooterLinks") == ["footer", "links"]
    assert name_words("js-header__nav") == ["header", "nav"]
    assert name_words("c-site_footer--dark") == ["site", "footer", "dark"]


# ------------------------------------------------------------------ semantic elements and ARIA roles

@pytest.mark.parametrize(("body", "region"), [
    (f'<div role="banner">{LINK}</div>', "header"),
    (f'<div role="navigation">{LINK}</div>', "nav"),
    (f'<div role="contentinfo">{LINK}</div>', "footer"),
    (f'<div role="complementary">{LINK}</div>', "aside"),
    (f'<header><nav>{LINK}</nav></header>', "nav"),
    (f'<main><aside>{LINK}</aside></main>', "aside"),
    (f'<footer><blockquote class="twitter-tweet">{LINK}</blockquote></footer>', "article"),
    (f'<main><p>{LINK}</p></main>', "article"),
])
def test_semantic_elements_and_aria_roles(body: str, region: str) -> None:
    assert anchor(page(body)).region == region


def test_a_main_that_wraps_the_whole_page_is_not_the_main_content() -> None:
    footer = "<footer>" + "".join(f'<a href="/f{i}">f{i}</a>' for i in range(12)) + LINK + "</footer>"
    body = f"<main><article>{PARAGRAPH}</article>{footer}</main>"
    found = anchor(page(body))
    assert (found.region, found.region_via) == ("footer", "tag:footer")
    # a short author footer inside a real <main> is secondary, not the site's footer
    author = f'<main>{PARAGRAPH}<footer class="about">{LINK}</footer></main>'
    assert anchor(page(author)).region == "aside"


# ------------------------------------------------------------------ position

def test_blocks_before_and_after_the_main_content_are_header_and_footer() -> None:
    before = f'<div class="top">{LINK}</div><div class="story">{PARAGRAPH}</div><div class="end">x</div>'
    found = anchor(page(before))
    assert (found.region, found.region_via) == ("header", "position:before-main")
    after = f'<div class="story">{PARAGRAPH}</div><div class="end"><span>{LINK}</span></div>'
    found = anchor(page(after))
    assert (found.region, found.region_via) == ("footer", "position:after-main")
    inside = f'<div class="story">{PARAGRAPH}<p>Read {LINK}</p></div><div class="end">x</div>'
    assert anchor(page(inside)).region == "article"


def test_first_and_last_top_level_blocks_without_main_content() -> None:
    body = f'<div class="wrap"><div class="a">{LINK}</div><div class="b">b</div><div class="c">' \
           '<a href="https://y.example/brand">Y</a></div></div>'
    assert anchor(page(body)).region == "header"
    assert anchor(page(body), "https://y.example/brand").region == "footer"
    lone = f'<table><tr><td>{LINK}</td></tr></table>'
    assert anchor(page(lone)).region == "body"


# ------------------------------------------------------------------ repetition across pages

def test_a_loose_link_on_most_pages_is_chrome_and_says_so() -> None:
    loose = f'<table><tr><td>{LINK}</td></tr></table>'
    pages = {HOME: page(loose), HOME + "a/": page(loose), HOME + "b/": page(loose), HOME + "c/": page("<p>c</p>")}
    view = SiteView.from_html(pages)
    found = next(a for a in view.pages[1].anchors if a.href == "https://x.example/brand")
    assert (found.region, found.region_via) == ("nav", "repeated on 3 pages")
    once = SiteView.from_html({HOME: page(loose), HOME + "a/": page("<p>a</p>"), HOME + "b/": page("<p>b</p>")})
    assert next(a for a in once.pages[0].anchors if a.href == "https://x.example/brand").region == "body"


def test_a_link_in_article_text_on_every_page_stays_content() -> None:
    post = page(f"<article><p>{LINK}</p></article>")
    view = SiteView.from_html({HOME: post, HOME + "a/": post, HOME + "b/": post})
    assert {a.region for v in view.pages for a in v.anchors} == {"article"}


# ------------------------------------------------------------------ main content

def test_main_content_from_markup_or_the_largest_text_block() -> None:
    view = SiteView.from_html({HOME: page(f'<div id="nav">n</div><div class="text">{PARAGRAPH}{PARAGRAPH}</div>')})
    anatomy = view.pages[0].anatomy
    assert anatomy.main is not None and anatomy.main.attributes.get("class") == "text"
    assert anatomy.main_via == "largest text block"
    only = SiteView.from_html({HOME: page(f"<article>{PARAGRAPH}</article>")}).pages[0].anatomy
    assert only.main is not None and only.main.tag == "article"
    chrome_text = SiteView.from_html({HOME: page(f'<div id="footer">{PARAGRAPH}</div>')}).pages[0].anatomy
    assert chrome_text.main is None


# ------------------------------------------------------------------ page kind

@pytest.mark.parametrize(("path", "head", "body", "kind", "via"), [
    ("news/launch", '<meta property="og:type" content="article">', '<p class="entry-meta__posted-on">3 May 2026</p>',
     "article", "og:type=article"),
    ("news/launch", '<meta property="og:type" content="article">', '<time datetime="2026-05-03">3 May</time>',
     "article", "og:type=article"),
    ("2026/05/launch/", '<meta property="og:type" content="article">', "", "article", "og:type=article"),
    # SEO plugins give every singular page og:type=article: without a date it may be a brochure page
    ("services/", '<meta property="og:type" content="article">'
     '<meta property="article:modified_time" content="2026-03-01T10:00:00+00:00">', "<p>We fix roofs.</p>",
     "article", "og:type=article, undated"),
    ("services/", '<meta property="og:type" content="article"><script type="application/ld+json">{"@graph": '
     '[{"@type": "WebPage", "datePublished": "2019-05-02"}]}</script>', "<p>We fix roofs.</p>", "article",
     "og:type=article, undated"),
    ("team/", '<meta property="og:type" content="article">',
     '<blockquote>Great work<cite class="testimonial-author">Ann, roofer since 1990</cite></blockquote>', "article",
     "og:type=article, undated"),
    ("x/", '<meta property="og:type" content="article"><script type="application/ld+json">{"@type": "BlogPosting"}'
     "</script>", "", "article", "json-ld:blogposting"),
    ("x/", '<script type="application/ld+json">{"@type": "NewsArticle"}</script>', "", "article",
     "json-ld:newsarticle"),
    ("x/", '<script type="application/ld+json">{"@graph": [{"@type": "BlogPosting"}]}</script>', "", "article",
     "json-ld:blogposting"),
    ("x/", '<script type="application/ld+json">{"@type": "Report"}</script>', "", "article", "json-ld:report"),
    ("x/", '<meta property="article:published_time" content="2026-01-02">', "", "article",
     "meta:article:published_time"),
    ("x/", "", '<article><time datetime="2026-01-02">2 Jan</time><p>t</p></article>', "article",
     "<article> with a dated <time>"),
    ("2019/11/18/a-story/", "", "", "article", "dated URL"),
    ("tent", '<script type="application/ld+json">{"@type": "Product", "name": "Tent"}</script>', "", "product",
     "json-ld:product"),
    ("blog/", "", "<article>a</article><article>b</article><article>c</article>", "listing", "3 <article> items"),
    ("about/", '<meta property="og:type" content="website">', "<article><p>no date</p></article>", "page", ""),
])
def test_page_kind(path: str, head: str, body: str, kind: str, via: str) -> None:
    view = SiteView.from_html({HOME: page("home"), HOME + path: page(body, head)})
    assert (view.pages[1].anatomy.kind, view.pages[1].anatomy.kind_via) == (kind, via)
    assert view.pages[0].anatomy.kind == "home"


# ------------------------------------------------------------------ app shell

SHELL = '<noscript>Enable JavaScript.</noscript><div id="root"></div><script src="/static/app.js"></script>'


@pytest.mark.parametrize(("body", "shell"), [
    (SHELL, True),
    ('<div id="app"></div><script>window.boot()</script>', True),
    ('<div id="app"></div><script type="application/ld+json">{"@type": "Organization"}</script>', False),
    ('<p>Hi</p><script src="/analytics.js"></script>', False),
    (SHELL + '<a href="/about">About</a>', False),
    (SHELL + '<form action="/s"><input name="q"></form>', False),
    ('<div id="root">' + "Server-rendered words. " * 20 + '</div><script src="/app.js"></script>', False),
])
def test_app_shell_and_not_a_shell(body: str, shell: bool) -> None:
    view = SiteView.from_html({HOME: page(body), HOME + "about": page(body)})
    assert view.pages[0].anatomy.is_app_shell is shell
    assert view.is_app_shell is shell


def test_a_site_is_a_shell_only_when_every_page_is() -> None:
    view = SiteView.from_html({HOME: page(SHELL), HOME + "about": page("<p>About us</p><a href='/'>Home</a>")})
    assert view.pages[0].anatomy.is_app_shell and not view.is_app_shell
