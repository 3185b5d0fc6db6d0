"""The Wappalyzer-format matcher: every pattern kind, tags, implies, user files."""

from __future__ import annotations

import functools
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
    site = SiteView.from_html(
        {"https://b.com/": '<div id="chatty-widget"></div><form action="/cart/add" method="get">'})
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
    from connectedness.checks.fingerprints import HTML_HEAD, html_window

    html = '<div id="chatty-widget"></div>' + "x" * (5 * 1024 * 1024) + "<footer>end</footer>"
    window = html_window(html)
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


# ----------------------------------------------------------------- the bundled data: market coverage

MARKET_KINDS = ("chat", "email", "comments", "reviews", "booking", "podcast", "video", "platform")
EVIDENCE_KEYS = ("scriptSrc", "scripts", "js", "dom", "html", "meta", "headers", "cookies", "url")


@functools.cache
def ours() -> Fingerprints:
    """The bundled files, loaded once for these tests."""
    return Fingerprints.load()


def bundled() -> dict[str, dict[str, Any]]:
    from connectedness.checks.fingerprints import DATA_DIR

    out: dict[str, dict[str, Any]] = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        if path.name != "categories.json":
            out.update(json.loads(path.read_text(encoding="utf-8")))
    return out


def test_every_bundled_technology_is_usable_and_of_a_kind_the_checks_ask_about() -> None:
    kinds = _category_kinds()
    asked = {*MARKET_KINDS, "community", "helpdesk", "loyalty", "subscriptions", "accounts"}
    probe = SiteView.from_html({"https://b.com/": "<p>x</p>"}).pages[0].tree
    fingerprints = ours()
    for name, spec in bundled().items():
        assert spec.get("cats") and {kinds.get(c) for c in spec["cats"]} <= asked, name
        assert any(spec.get(key) for key in EVIDENCE_KEYS), f"{name} has no evidence kind"
        tech = fingerprints.technologies[name]
        for pattern in [*tech.html, *tech.script_src, *tech.scripts, *tech.url]:
            assert pattern.regex is not None, name
        for selector, _spec in tech.dom:
            probe.css(selector)  # raises on a selector lexbor cannot read


@pytest.mark.parametrize("kind", MARKET_KINDS)
def test_each_kind_knows_at_least_thirty_tools(kind: str) -> None:
    assert len(ours().of_kind(kind)) >= 30


# A vendor's real embed, one evidence kind each, across kinds and regions.
CASES: dict[str, str] = {
    # script host (scriptSrc)
    "JivoChat": "<script src='//code.jivosite.com/widget/AbC123' async></script>",
    "Smartsupp": "<script src='https://www.smartsuppchat.com/loader.js?' async></script>",
    "Channel Talk": "<script async src='https://cdn.channel.io/plugin/ch-plugin-web.js'></script>",
    "GoMoxie": "<script async src='https://asset.gomoxie.solutions/concierge/brand-example/loader.js'></script>",
    "SALESmanago": "<script src='https://www.salesmanago.pl/static/sm.js'></script>",
    "Shoptet": "<script src='https://cdn.myshoptet.com/prj/abc/master/cms/libs/jquery.js'></script>",
    "Viafoura": "<script async src='https://cdn.viafoura.net/entry/index.js'></script>",
    "Trusted Shops": "<script async src='https://widgets.trustedshops.com/js/X0123.js'></script>",
    "TheFork": "<script src='https://widget.thefork.com/loader.js'></script>",
    # global in an inline script (scripts / js)
    "Salesforce Embedded Service": "<script>embedded_svc.init('https://x.my.salesforce.com', 'https://x.force.com');</script>",
    "Zoho SalesIQ": "<script>var $zoho=$zoho || {};$zoho.salesiq = $zoho.salesiq || {widgetcode:'abc'};</script>",
    "VK community messages": "<script>VK.Widgets.CommunityMessages('vk_community_messages', 12345);</script>",
    "Meiqia": "<script>_MEIQIA('entId', 1234);</script>",
    "Marketo": "<script>MktoForms2.loadForm('//app-ab01.marketo.com', '123-ABC-456', 1001);</script>",
    "Valine": "<script>new Valine({el: '#vcomments', appId: 'x'});</script>",
    "PowerReviews": "<script>POWERREVIEWS.display.render({api_key: 'k', locale: 'en_US'});</script>",
    # DOM marker
    "WhatsApp chat": ("<div class='floating-wa'><a href='https://wa.me/34600111222'><img alt='' src='/wa.svg'></a>"
                      "</div>"),
    "CleverReach": ("<form class='layout_form cr_form' action='https://eu2.cleverreach.com/f/123-456/wcs/' "
                    "method='post'></form>"),
    "Drupal comments": ("<form class='comment-comment-form comment-form' "
                        "action='/comment/reply/node/12/comment'></form>"),
    "Changyan": "<div id='SOHUCS' sid='post-12'></div>",
    "Reevoo": "<reevoo-reviewable-badge sku='123'></reevoo-reviewable-badge>",
    "Doctolib": "<a href='https://www.doctolib.fr/dentiste/lyon/jeanne-martin'>Prendre rendez-vous</a>",
    "Planity": "<a href='https://www.planity.com/salon-lumiere-75011-paris-12345'>Réserver</a>",
    # iframe host
    "Rutube": "<iframe src='https://rutube.ru/play/embed/abc123' allowfullscreen></iframe>",
    "Bilibili": "<iframe src='//player.bilibili.com/player.html?bvid=BV1xx' allowfullscreen></iframe>",
    "Niconico": "<iframe src='https://embed.nicovideo.jp/watch/sm123456'></iframe>",
    "Ausha": "<iframe src='https://player.ausha.co/?showId=abc&amp;display=horizontal'></iframe>",
    "iVoox": "<iframe src='https://www.ivoox.com/player_ej_123456_6_1.html'></iframe>",
    "Quandoo": "<iframe src='https://booking-widget.quandoo.de/iframe.html?agentId=2&amp;merchantId=1'></iframe>",
    "Jetpack comments": "<iframe src='https://jetpack.wordpress.com/jetpack-comment/?blogid=1'></iframe>",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_vendors_embed_is_found(name: str) -> None:
    found = ours().detect(SiteView.from_html({"https://brand.example/": CASES[name]}))
    assert name in found, f"{name} not found in its embed"


def test_an_embed_names_only_its_vendor() -> None:
    fingerprints = ours()
    for name, html in CASES.items():
        found = fingerprints.detect(SiteView.from_html({"https://brand.example/": html}))
        assert set(found) == {name}, (name, set(found))


def _traps(name: str, website: str) -> list[str]:
    """Places that name a vendor without running it: a consent list, privacy text, a help link, a share link."""
    quoted = json.dumps(name)
    return [
        f"<script type='application/json' id='consent'>{{\"vendors\": [{quoted}], \"purposes\": {{{quoted}: true}}}}"
        "</script>",
        f"<script>var cmp = {{vendors: [{quoted}, 'Hotjar'], labels: {{{name.replace(' ', '_')}Title: 1}}}};</script>",
        f"<p>We use {name} to answer questions and measure our newsletter; see {website} for its privacy policy.</p>",
        f"<a href='{website}'>{name}</a> <a href='{website}/help/getting-started'>Help with {name}</a>",
        "<a href='https://wa.me/?text=Read%20this'>Share on WhatsApp</a><a href='https://www.facebook.com/sharer/"
        "sharer.php?u=x'>Share</a><p>Solarkraftwerk und Olarkweg</p><script>var userLike = {ajaxurl: '/x'};</script>",
    ]


def test_no_technology_is_found_where_it_is_only_named() -> None:
    fingerprints = ours()
    specs = bundled()
    pages = {}
    for kind in MARKET_KINDS:  # one page of traps per kind: any hit on them is wrong
        traps = [trap for name in fingerprints.of_kind(kind)
                 for trap in _traps(name, (specs[name].get("website") or "https://vendor.example").rstrip("/"))]
        pages[f"https://brand.example/{kind}"] = "\n".join(traps)
    found = fingerprints.detect(SiteView.from_html(pages))
    assert not found, {name: [e.snippet for e in hit.evidence[:2]] for name, hit in found.items()}


def test_a_phone_link_in_the_social_menu_is_not_a_chat_widget() -> None:
    html = ("<ul class='social'><li><a href='https://api.whatsapp.com/send?phone=+34600111222'>600 111 222</a></li>"
            "</ul>")
    assert "WhatsApp chat" not in ours().detect(SiteView.from_html({"https://brand.example/": html}))


def test_woocommerce_review_forms_are_not_comments() -> None:
    html = ("<div id='reviews' class='woocommerce-Reviews'><form action='/wp-comments-post.php' id='commentform'>"
            "<p class='comment-form-rating'><select id='rating'></select></p></form></div>")
    found = ours().detect(SiteView.from_html({"https://shop.example/p/1": html}))
    assert not [n for n, d in found.items() if "comments" in d.kinds]
