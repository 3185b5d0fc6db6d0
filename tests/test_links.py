from connectedness.crawler.links import extract_links
from connectedness.crawler.selection import choose, section_of

PAGE = """<html><head>
<base href="https://brand.com/en/">
<link rel="alternate" type="application/rss+xml" href="/feed.xml">
<link rel="alternate" type="application/atom+xml; charset=utf-8" href="blog.atom">
<link rel="alternate" hreflang="de" href="https://brand.com/de/">
<link rel="stylesheet" href="/site.css">
</head><body>
<header><a href="/">Logo</a><nav><a href="shop/">Shop</a><a href="/journal/">Journal</a></nav></header>
<main>
  <p>Read <a href="/journal/">our journal</a> or <a href="story-1?utm_source=x#comments">a story</a>.</p>
  <a href="mailto:hi@brand.com">mail</a><a href="tel:+123">call</a>
  <a href="javascript:void(0)">js</a><a href="#top">top</a>
  <a>no href</a><a href="">empty</a>
  <map><area href="/map-target/"></map>
</main>
<div role="contentinfo"><a href="/contact/">Contact us</a><a href="https://www.instagram.com/brand/">IG</a></div>
</body></html>"""


def test_links_resolve_against_base_and_keep_their_region() -> None:
    found = extract_links(PAGE, "https://brand.com/en/page")
    links = {link.url: link.region for link in found.links}
    assert links == {
        "https://brand.com/": "nav",  # the logo sits in the header
        "https://brand.com/en/shop/": "nav",
        "https://brand.com/journal/": "nav",  # also in body text: the nav placement wins
        "https://brand.com/en/story-1": "body",
        "https://brand.com/map-target/": "body",
        "https://brand.com/contact/": "footer",
        "https://www.instagram.com/brand/": "footer",
    }


def test_anchor_text_is_read_lazily_and_squeezed() -> None:
    found = extract_links("<a href='/a'>  Our\n\n  <b>Latest</b>   stories </a>", "https://b.com/")
    assert found.links[0].text == "Our Latest stories"


def test_feed_links_only_from_alternate_feed_types() -> None:
    found = extract_links(PAGE, "https://brand.com/en/page")
    assert found.feeds == ["https://brand.com/feed.xml", "https://brand.com/en/blog.atom"]


def test_broken_html_still_gives_links() -> None:
    broken = "<div><p><a href=/one>one<a href='/two'>two</div></div></span><a href=\"/three\"<b>three"
    urls = [link.url for link in extract_links(broken, "https://b.com/").links]
    assert urls[:2] == ["https://b.com/one", "https://b.com/two"]


def test_sections_from_path_segments_and_anchor_words() -> None:
    assert section_of("https://b.com/blogs/journal/post") == "blog"
    assert section_of("https://b.com/collections/tents/") == "shop"
    assert section_of("https://b.com/pages/contact-us") == "contact"
    assert section_of("https://b.com/podcast.html") == "podcast"
    assert section_of("https://b.com/x/", "Upcoming webinars") == "events"
    assert section_of("https://b.com/blogger-outreach/") is None  # whole segments only, not substrings
    assert section_of("https://b.com/x/", "Carton sizes") is None


def test_choose_prefers_the_home_pages_nav_and_footer() -> None:
    blog = choose("https://b.com/blog/", "nav", "Blog", from_home=True)
    contact = choose("https://b.com/kontakt/", "footer", "Kontakt", from_home=True)
    product = choose("https://b.com/etching-copper.html", "nav", "Copper", from_home=True)
    terms = choose("https://b.com/terms/", "footer", "Terms", from_home=True)
    inner_blog = choose("https://b.com/blog/", "nav", "Blog", from_home=False)
    link = choose("https://b.com/terms/", "body", "Terms", from_home=False)
    assert [blog[1], contact[1], product[1], terms[1], inner_blog[1], link[1]] == [
        "nav:blog", "footer:contact", "nav", "footer", "blog", "link"]
    # The audit's sections named in the home page's chrome come before a menu of twenty product pages.
    assert blog[0] == contact[0] < product[0] < terms[0] < inner_blog[0] < link[0]
