"""The Wappalyzer-format matcher: every pattern kind, tags, implies, user files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from connectedness.checks.fingerprints import Fingerprints, _category_kinds, _read
from connectedness.checks.site import SiteView

SPEC = {
    "Acme Shop": {
        "cats": [6], "website": "https://acme.example",
        "scriptSrc": ["cdn\\.acme\\.example/shop\\.js\\;version:\\1"],
        "meta": {"generator": "^Acme Shop"},
        "headers": {"x-acme": ""},
        "cookies": {"acme_cart": ""},
        "js": {"AcmeShop.theme": ""},
        "dom": {"form[action*='/cart/add']": {"attributes": {"method": "post"}}},
        "implies": ["Acme Payments"],
    },
    "Acme Payments": {"cats": [6]},
    "Chatty": {"cats": [1001], "html": ["<div id=\"chatty-widget\"\\;confidence:50"]},
    "Broken JS regex": {"cats": [6], "html": ["(?<name>x)(?<name>y)"]},
}


def load(tmp_path: Path, spec: dict[str, Any] | None = None) -> Fingerprints:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(spec or SPEC))
    return Fingerprints(_read(path, _category_kinds()))


def test_every_pattern_kind_finds_its_clue(tmp_path: Path) -> None:
    html = """<html><head><meta name="generator" content="Acme Shop 4.2">
      <script src="https://cdn.acme.example/shop.js"></script><script>window.AcmeShop.theme = {id: 3}</script></head>
      <body><form action="/cart/add" method="post"></form></body></html>"""
    site = SiteView.from_html({"https://b.com/": html},
                              headers={"https://b.com/": {"x-acme": "1", "set-cookie": "acme_cart=abc; Path=/"}})
    found = load(tmp_path).detect(site)
    shop = found["Acme Shop"]
    notes = sorted(e.note.split(": ", 1)[1] for e in shop.evidence)
    assert notes == ["cookie", "element", "meta tag", "names AcmeShop.theme in an inline script (not executed)",
                     "response header", "script source"]
    assert shop.kinds == {"platform"} and shop.confidence == 100
    assert found["Acme Payments"].implied_by == "Acme Shop"
    assert "Chatty" not in found


def test_confidence_tags_and_near_misses(tmp_path: Path) -> None:
    site = SiteView.from_html({"https://b.com/": '<div id="chatty-widget"></div><form action="/cart/add" method="get">'})
    found = load(tmp_path).detect(site)
    assert found["Chatty"].confidence == 50 and found["Chatty"].kinds == {"chat"}
    assert "Acme Shop" not in found, "the dom clue needs method=post"


def test_a_regex_python_cannot_compile_is_skipped_not_fatal(tmp_path: Path) -> None:
    fingerprints = load(tmp_path)
    assert "Broken JS regex" in fingerprints.technologies
    assert "Broken JS regex" not in fingerprints.detect(SiteView.from_html({"https://b.com/": "xy"}))


def test_wappalyzer_layout_with_a_technologies_key_and_unknown_categories(tmp_path: Path) -> None:
    fingerprints = load(tmp_path, {"technologies": {"Thing": {"cats": [999], "html": "thing-marker"}}})
    found = fingerprints.detect(SiteView.from_html({"https://b.com/": "<p class=thing-marker>"}))
    assert found["Thing"].kinds == {"other"}


def test_user_files_extend_the_bundled_ones(tmp_path: Path) -> None:
    (tmp_path / "extra.json").write_text(json.dumps({"Zeta Chat": {"cats": [1001], "scriptSrc": "zeta\\.chat/w\\.js"}}))
    fingerprints = Fingerprints.load([tmp_path])
    assert "Zeta Chat" in fingerprints.of_kind("chat")
    with pytest.raises(ValueError, match=r"broken\.json"):
        (tmp_path / "broken.json").write_text("[1, 2")
        Fingerprints.load([tmp_path / "broken.json"])


def test_detection_is_memoised_per_view(tmp_path: Path) -> None:
    fingerprints = load(tmp_path)
    site = SiteView.from_html({"https://b.com/": "<p>x</p>"})
    assert fingerprints.detect(site) is fingerprints.detect(site)


def test_the_same_clue_on_every_page_does_not_add_up(tmp_path: Path) -> None:
    pages = {f"https://b.com/{i}": '<div id="chatty-widget"></div>' for i in range(4)}
    found = load(tmp_path).detect(SiteView.from_html(pages))
    assert found["Chatty"].confidence == 50  # one kind of clue, seen four times


def test_huge_pages_are_searched_in_a_bounded_window(tmp_path: Path) -> None:
    from connectedness.checks.fingerprints import HTML_HEAD, _window

    html = '<div id="chatty-widget"></div>' + "x" * (5 * 1024 * 1024) + "<footer>end</footer>"
    window = _window(html)
    assert len(window) <= HTML_HEAD + 128 * 1024 + 1
    assert window.startswith('<div id="chatty-widget">') and window.endswith("<footer>end</footer>")
    assert "Chatty" in load(tmp_path).detect(SiteView.from_html({"https://b.com/": html}))


# ----------------------------------------------------------------- the word prefilter never hides a match

PREFILTER_REGEXES = [
    # (pattern, text it matches): words cut by the pattern's edges must not be required
    (r"cdn\d*\.bigcommerce\.com/", "src=https://cdn11.bigcommerce.com/s-1/x.js"),
    (r"(?:^|//|\.)widget\.intercom\.io/", "https://widget.intercom.io/widget/abc"),
    (r"\bdisqus_config\s*=", "var disqus_config=function(){}"),
    (r"Tawk_API\s*=", "var xTawk_API= 1"),
    (r"static\.klaviyo\.com/onsite/", "HTTPS://STATIC.KLAVIYO.COM/ONSITE/JS/K.JS"),
    (r"intercom\.io", "\u00e9widgetintercom.io\u00e9"),
    (r"foo\.com|bar\.net/x", "see www.bar.net/xyz"),
    (r"chat\b", "livechat here"),
    (r"\bjdgm\.SHOP_DOMAIN\b", "jdgm.SHOP_DOMAIN = 'x'"),
]
PREFILTER_SELECTORS = [
    ("[class*=float] a[href*='wa.me/']", '<div class="xfloaty"><a href="https://wa.me/123">x</a></div>'),
    ("div[id^='my-store-'], .ec-store", '<div id="my-store-123"></div>'),
    ("div[id^='my-store-'], .ec-store", '<div class="ec-store"></div>'),
    ("form#commentform:not(:has(.comment-form-rating))", '<form id="commentform"></form>'),
    ("iframe[src*='tube.com/embed/']", '<iframe src="https://www.youtube.com/embed/x"></iframe>'),
    ("[data-bv-show]", '<div data-bv-show="reviews"></div>'),
]


@pytest.mark.parametrize(("pattern", "text"), PREFILTER_REGEXES)
def test_the_word_prefilter_keeps_every_regex_match(pattern: str, text: str) -> None:
    from connectedness.checks.fingerprints import _pattern, page_words

    compiled = _pattern(pattern)
    assert compiled.search(text) is not None, "the case itself must match"
    assert compiled.may_match(page_words(text))


@pytest.mark.parametrize(("selector", "html"), PREFILTER_SELECTORS)
def test_the_word_prefilter_keeps_every_selector_match(selector: str, html: str) -> None:
    from connectedness.checks.fingerprints import _selector_needles, may_be_on, page_words

    view = SiteView.from_html({"https://b.com/": html}).pages[0]
    assert view.tree.css(selector), "the case itself must match"
    assert may_be_on(_selector_needles(selector), page_words(view.url, view.html))


def test_the_word_prefilter_skips_pages_without_the_words() -> None:
    from connectedness.checks.fingerprints import _pattern, _selector_needles, may_be_on, page_words

    words = page_words("<p>Solarkraftwerk und Olarkweg</p><script src='https://cdn.example/app.js'></script>")
    assert not _pattern(r"static\.olark\.com/jsclient/").may_match(words)
    assert not may_be_on(_selector_needles("iframe[src*='player.vimeo.com/video/'], #disqus_thread"), words)
