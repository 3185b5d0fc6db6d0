"""Commerce checks: unit tests on plain HTML, platform fingerprints with near-misses, and every fixture site
held to its ``[truth.commerce]``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectedness.checks.base import CheckResult
from connectedness.checks.commerce import (
    apps_check,
    cart_url_kind,
    find_prices,
    is_cart_label,
    marketplace_of,
    platform_check,
    reach_check,
    recurring_check,
    storefront_check,
    where_to_buy_check,
)
from connectedness.checks.site import SiteView
from connectedness.fixtures.server import load_sites

HOME = "https://shop.example/"
CHECKS = (storefront_check, platform_check, reach_check, apps_check, recurring_check, where_to_buy_check)


def page(body: str, head: str = "", lang: str = "en") -> str:
    """A minimal HTML document around ``body``."""
    return f'<!doctype html><html lang="{lang}"><head><title>t</title>{head}</head><body>{body}</body></html>'


def view(pages: dict[str, str], **kwargs: Any) -> SiteView:
    """A site of plain HTML pages; keys are paths on https://shop.example (the first is the home page)."""
    return SiteView.from_html({HOME.rstrip("/") + path: html for path, html in pages.items()}, **kwargs)


def product_jsonld(name: str = "Tent", price: str = "449.00", currency: str = "USD") -> str:
    return json.dumps({"@context": "https://schema.org", "@type": "Product", "name": name,
                       "offers": {"@type": "Offer", "price": price, "priceCurrency": currency}})


def ld(data: str) -> str:
    return f'<script type="application/ld+json">{data}</script>'


# ----------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(("url", "kind"), [
    ("https://shop.example/cart", "path"),
    ("https://shop.example/en-gb/basket/", "path"),
    ("https://shop.example/checkout/", "path"),
    ("https://shop.example/checkout/cart/", "path"),
    ("https://shop.example/cart.php", "path"),
    ("https://shop.example/shop/?add-to-cart=12", "query"),
    ("https://shop.example/index.php?route=checkout/cart", "query"),
    ("https://shop.example/blog/abandoned-cart-recovery/", None),
    ("https://shop.example/products/sleeping-bags.html", None),
    ("https://shop.example/integrations/shopping-cart/", None),
])
def test_cart_urls_are_recognised_by_position_not_by_substring(url: str, kind: str | None) -> None:
    assert cart_url_kind(url) == kind


@pytest.mark.parametrize(("label", "expected"), [
    ("Cart", True), ("Bag (2)", True), ("View basket", True), ("Cart 0", True), ("$0.00 0 items", False),
    ("Sleeping Bags", False), ("the dessert cart comes round at nine", False), ("Shopping cart integrations", False),
])
def test_cart_labels_must_be_the_whole_label(label: str, expected: bool) -> None:
    assert is_cart_label(label) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("$449.00 USD", [("449.00", "USD", False)]),
    ("319,00\u00a0\u20ac", [("319,00", "EUR", False)]),
    ("\u00a3275.00", [("275.00", "GBP", False)]),
    ("CA$1,299.00", [("1,299.00", "CAD", False)]),
    ("EUR 15", [("15", "EUR", False)]),
    ("\u00a35 a month", [("5", "GBP", True)]),
    ("$4.99/month", [("4.99", "USD", True)]),
    ("$10 per user per month", [("10", "USD", True)]),
    ("\u00a350 a year", [("50", "GBP", True)]),
    ("The \u00a323m project", []),
    ("Focaccia 7", []),
    ("2,500 points a year", []),
])
def test_find_prices(text: str, expected: list[tuple[str, str, bool]]) -> None:
    assert [(p.amount, p.currency, p.recurring) for p in find_prices(text)] == expected


def test_marketplace_links_need_a_store_or_product_path() -> None:
    assert marketplace_of("https://www.amazon.co.uk/stores/Brand/page/123") == "amazon"
    assert marketplace_of("https://www.etsy.com/shop/brand") == "etsy"
    assert marketplace_of("https://amzn.to/3xYz") == "amazon"
    assert marketplace_of("https://www.amazon.com/") is None
    assert marketplace_of("https://www.facebook.com/brand") is None


# ----------------------------------------------------------------------------- storefront

STORE_PRODUCT = page(
    '<header><a href="/cart">Cart <span>0</span></a></header>'
    '<main><h1>Ridgeline Tent</h1><div class="price">$449.00 USD</div>'
    '<form method="post" action="/cart/add"><input type="hidden" name="id" value="1">'
    '<button type="submit">Add to cart</button></form></main>' + ld(product_jsonld()))


def test_storefront_passes_with_cart_add_to_cart_and_product_offer() -> None:
    site = view({"/": page('<a href="/products/tent/">Tent</a>'), "/products/tent/": STORE_PRODUCT})
    result = storefront_check.run(site)
    assert result.status == "pass" and result.score == 100
    assert result.observations["cart"] is True
    assert result.observations["products"] == ["/products/tent/"]
    assert {p["currency"] for p in result.observations["prices"]} == {"USD"}
    assert any(e.source == "jsonld" for e in result.evidence)
    assert any("/cart" in e.snippet for e in result.evidence)


def test_cart_in_prose_on_a_b2b_site_is_not_a_storefront() -> None:
    html = page('<main><p>Its data team feeds the abandoned-cart emails its retail customers send, so a stale '
                'table means a shopper gets a reminder for a cart they already checked out.</p>'
                '<a href="/blog/abandoned-cart-recovery/">Read: abandoned cart recovery</a>'
                '<a href="/pricing/">Pricing</a></main>')
    result = storefront_check.run(view({"/": html}))
    assert result.observations["cart"] is False
    assert result.status == "fail" and result.score == 0
    assert result.recommendation


def test_b2b_pricing_plans_are_a_subscription_not_a_shop() -> None:
    pricing = page('<h1>Pricing</h1><div class="plan"><h2>Team</h2><p class="price">$49 per user per month</p>'
                   '<a href="https://app.example.com/signup">Start a free trial</a></div>'
                   '<p>All plans are billed annually.</p>')
    site = view({"/": page('<a href="/pricing/">Pricing</a>'), "/pricing/": pricing})
    assert storefront_check.run(site).observations["cart"] is False
    assert storefront_check.run(site).status == "fail"
    recurring = recurring_check.run(site)
    assert recurring.observations["subscriptions"] is True
    assert recurring.status == "pass"


def test_restaurant_menu_prices_and_event_offers_are_not_e_commerce() -> None:
    """Casa Lucia's truth: a menu with prices, a 'dessert cart' and FoodEvent offers sell nothing online."""
    event = json.dumps({"@context": "https://schema.org", "@type": "FoodEvent", "name": "Sicilian night",
                        "offers": {"@type": "Offer", "price": "95", "priceCurrency": "USD"}})
    site = view({
        "/": page('<p>The dessert cart comes round at nine.</p><a href="/menu/">Menu</a><a href="/events/">Events</a>'),
        "/menu/": page('<ul><li>Burrata <span class="price">16</span></li><li>Cannoli <span class="price">$10</span>'
                       '</li></ul>'),
        "/events/": page("<h1>Events</h1>" + ld(event)),
    })
    store = storefront_check.run(site)
    assert store.observations["cart"] is False and store.observations["products"] == []
    assert store.observations["prices"] == []
    reach = reach_check.run(site)
    assert reach.observations["currencies"] == []
    assert reach.status == "not_applicable" and reach.score is None


def test_cart_bag_label_counts_but_sleeping_bags_do_not() -> None:
    assert storefront_check.run(view({"/": page('<a href="/products/sleeping-bags.html">Sleeping Bags</a>')})
                                ).observations["cart"] is False
    bag = storefront_check.run(view({"/": page('<header><a href="#" class="drawer">Bag (2)</a></header>')}))
    assert bag.observations["cart"] is True
    assert bag.status == "partial"


def test_add_to_cart_button_without_form_counts() -> None:
    site = view({"/": page('<button class="btn" data-product="1">Add to basket</button>')})
    result = storefront_check.run(site)
    assert result.observations["cart"] is True
    assert result.observations["signals"]["add_to_cart"] is True


# ---------------------------------------------------------------------------- storefronts in many languages and markups

def _sells(body: str, head: str = "", lang: str = "en") -> bool:
    return bool(storefront_check.run(view({"/": page(body, head, lang)})).observations["cart"])


@pytest.mark.parametrize(("label", "expected"), [
    ("Warenkorb", True), ("Mein Warenkorb (3)", True), ("0 \u8cfc\u7269\u8eca", True), ("Koszyk", True),
    ("Ko\u0161\u00edk 2", True), ("\u041a\u043e\u0440\u0437\u0438\u043d\u0430", True), ("Panier", True),
    ("Zur Kasse", True), ("Winkelwagen bekijken en dan verder winkelen", False), ("Warenkorbanalyse", False),
])
def test_cart_labels_in_many_languages(label: str, expected: bool) -> None:
    assert is_cart_label(label) is expected


@pytest.mark.parametrize(("body", "lang"), [
    ('<button type="submit">In den Warenkorb</button>', "de"),
    ('<button class="btn">Dodaj do koszyka</button>', "pl"),
    ('<form action="/p/1" method="post"><input type="submit" value="Ajouter au panier"></form>', "fr"),
    ('<button type="button" id="button-cart" class="btn btn-primary">Order</button>', "en"),
    ('<div class="top"><a href="javascript:void(0)" onclick="openCart()" class="shoppingCart">0</a></div>', "zh"),
    ('<header><div class="panel"><h2>Warenkorb</h2><p>Ihr Warenkorb ist leer.</p></div></header>', "de"),
    ('<a href="/adm/list.htm"><b>0</b><span>\u8cfc\u7269\u8eca</span></a>', "zh"),
])
def test_cart_controls_in_other_languages_and_markups(body: str, lang: str) -> None:
    assert _sells(body, lang=lang)


@pytest.mark.parametrize("body", [
    # "cart" and "buy" in prose
    '<main><p>Put the tent in your cart before Friday: buy now while stocks last.</p></main>',
    '<main><p>Die Kinder schoben den Warenkorb durch den Laden. Jetzt kaufen? Lieber nicht.</p></main>',
    # a script toggle whose class is only like a cart word, and the "continue" link of a basket panel
    '<a href="javascript:void(0)" class="cartoon-gallery">Cartoons</a>',
    '<div class="m-basket"><a href="#" id="m-basket--continue">Weiter</a>'
    '<button id="m-basket--close"></button></div>',
    # a long pitch on a button is not a "buy now" control
    '<button>Why you should buy now, before prices go up next spring, explained</button>',
])
def test_storefront_traps_prose_and_look_alike_markup(body: str) -> None:
    assert not _sells(body)


@pytest.mark.parametrize(("trap", "positive", "lang"), [
    ('<a href="/quote-list/" class="header-cart">Quote cart (0)</a>'
     '<form action="/quote/add"><button class="add-to-cart">Add to quote</button></form>',
     '<a href="/my-list/" class="header-cart">Cart (0)</a>'
     '<form action="/list/add"><button class="add-to-cart">Add to cart</button></form>', "en"),
    ('<a href="#" class="header-cart">Merkzettel (2)</a>', '<a href="#" class="header-cart">Warenkorb (2)</a>', "de"),
    ('<button class="btn add-to-cart">Demander un devis</button>', '<button class="btn add-to-cart">Ajouter</button>',
     "fr"),
    ('<a class="mini-cart" href="/presupuesto/">Solicitar presupuesto</a>', '<a class="mini-cart" href="/p/">3</a>',
     "es"),
    ('<button class="addtocart">Liste d\'envies</button>', '<button class="addtocart">+</button>', "fr"),
    ('<button class="add-to-basket">Dodaj do listy życzeń</button>',
     '<button class="add-to-basket">Dodaj do koszyka</button>', "pl"),
])
def test_quote_carts_and_wishlists_are_not_a_cart_whatever_their_class(trap: str, positive: str, lang: str) -> None:
    assert not _sells(f"<header>{trap}</header>", lang=lang)
    assert _sells(f"<header>{positive}</header>", lang=lang)


def test_an_empty_quote_cart_is_not_an_empty_cart() -> None:
    assert not _sells('<aside class="panel"><h2>Request</h2><p>Your quote cart is empty.</p></aside>')
    assert _sells('<aside class="panel"><a href="/saved/">Wishlist (0)</a> <p>Your cart is empty.</p></aside>')


def test_a_link_only_its_class_calls_a_cart_needs_a_cart_label_or_none() -> None:
    for href in ("/signup", "https://app.shop.example/signup?plan=pro"):
        assert not _sells(f'<main><a class="btn btn-cart" href="{href}">Start free trial</a></main>')
        assert not _sells(f'<main><a class="btn btn-cart" href="{href}">Sign in</a></main>')
    assert _sells('<header><a class="btn btn-cart" href="/go"><svg></svg> <span>2</span></a></header>')
    assert _sells('<header><a class="btn btn-cart" href="/go">My basket (1)</a></header>')


def test_a_div_with_role_button_is_an_add_to_cart_control() -> None:
    builder = ('<div class="product-block"><div class="store-add-button" role="button" tabindex="0" '
               'data-product-id="p-77">Add To Cart</div></div>')
    assert _sells(f"<main>{builder}</main>")
    # traps: a panel that calls itself a button, and a link with role=button to a marketplace
    panel = ('<div role="button" class="accordion">Shipping and returns: add to cart today and we ship within '
             'two days to most countries</div>')
    market = '<a role="button" class="add-to-cart" href="https://www.bigmarket.example/dp/77">Add to cart</a>'
    assert not _sells(f"<main>{panel}{market}</main>")


def test_embedded_buy_buttons_and_checkout_overlays_are_a_shop() -> None:
    sdk = ('<main><div id="product-component-9911"></div><script>var loader = '
           '"https://sdks.shopifycdn.com/buy-button/latest/buy-button-storefront.min.js";</script></main>')
    result = storefront_check.run(view({"/": page(sdk)}))
    assert result.status == "partial" and result.observations["kind"] == "shop"
    assert result.observations["add_to_cart"][0]["note"] == "embedded checkout: Shopify Buy Button"
    overlay = ('<main><script src="https://gumroad.com/js/gumroad.js"></script>'
               '<a class="gumroad-button" href="https://maker.gumroad.com/l/field-notes">Get the guide</a></main>')
    assert _sells(overlay)
    # traps: the vendor's product link without its overlay script leaves the site, the script alone sells
    # nothing, and an article quoting the loader in its text is not running it
    assert not _sells('<main><a href="https://maker.gumroad.com/l/field-notes">Get the guide</a>'
                      '<p>Read more below.</p></main>')
    assert not _sells('<main><p>Hello</p><script src="https://gumroad.com/js/gumroad.js"></script></main>')
    assert not _sells('<main><article><h1>Embedding buy buttons</h1><p>Call ShopifyBuy.UI.onReady(client) after '
                      'loading sdks.shopifycdn.com/buy-button/latest/ and then...</p></article></main>')


def test_shop_plugin_in_theme_assets_and_builder_config_are_not_a_storefront() -> None:
    head = ('<link rel="stylesheet" href="/wp-content/plugins/woocommerce/assets/css/woocommerce.css">'
            '<script src="/wp-content/plugins/woocommerce/assets/js/cart-fragments.min.js"></script>')
    config = ('<script>window.BUILDER_CONTEXT = {"commerce": {"checkoutUrl": "/checkout", "cartEnabled": true},'
              ' "templateId": "shop"};</script>')
    result = storefront_check.run(view({"/": page(f"<main><p>News of the day.</p>{config}</main>", head)}))
    assert result.status == "fail" and result.observations["cart"] is False


def test_affiliate_guide_and_product_tester_programme_are_not_a_storefront() -> None:
    guide = page('<article><h1>The best tents</h1><p>Our pick costs $449.</p>'
                 '<a class="add-to-cart-button" href="https://www.bigmarket.example/dp/123?tag=picks-21">Buy now</a>'
                 '</article>')
    tester = page('<main><h1>Become a product tester</h1><button>Jetzt als Produkttester bewerben</button></main>'
                  + ld(json.dumps({"@context": "https://schema.org", "@type": "Product", "name": "Coffee"})))
    for html in (guide, tester):
        result = storefront_check.run(view({"/": html}))
        assert result.status == "fail", html


def test_paywall_subscription_markup_is_not_a_shop_product() -> None:
    article = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": "h",
                          "isAccessibleForFree": False,
                          "isPartOf": {"@type": ["CreativeWork", "Product"], "name": "The Daily",
                                       "offers": {"@type": "Offer", "price": "9.90", "priceCurrency": "EUR"}}})
    result = storefront_check.run(view({"/": page("<article><p>Story</p></article>" + ld(article))}))
    assert result.observations["products"] == [] and result.status == "fail"
    assert storefront_check.run(view({"/": page("<p>Tent</p>" + ld(product_jsonld()))})).observations["products"]


def _brand_site(pages: dict[str, str]) -> SiteView:
    """A brand with two more hosts of its own (as ``--brand-host`` or its registrable domain gives a real scan)."""
    site = SiteView.from_html({"https://www.shop.example" + path: html for path, html in pages.items()})
    for host in ("orders.shop.example", "shop.shop.example"):
        site.scope.add(f"https://{host}/")
    return site


def test_order_online_link_to_the_brands_ordering_site_is_the_weaker_kind() -> None:
    site = _brand_site({"/": page('<nav><a href="https://orders.shop.example/">Place an online order for Us</a>'
                                  '</nav>')})
    result = storefront_check.run(site)
    assert result.status == "partial" and result.score == 35
    assert result.observations["kind"] == "ordering_site" and result.observations["cart"] is False
    assert result.evidence[0].snippet == "https://orders.shop.example/"
    german = _brand_site({"/": page('<a href="https://shop.shop.example/">Jetzt online bestellen</a>', lang="de")})
    assert storefront_check.run(german).observations["kind"] == "ordering_site"


@pytest.mark.parametrize("pages", [
    # a "SHOP" page that only says coming soon
    {"/": page('<nav><a href="/shop/">SHOP</a></nav>'), "/shop/": page("<h1>Shop</h1><p>Coming soon!</p>")},
    # "order online" through somebody else's delivery platform, and on the page's own host
    {"/": page('<a href="https://delivery.example/r/123">Order online</a><a href="/order/">Order online</a>')},
    # "order" alone to the brand's other host
    {"/": page('<a href="https://orders.shop.example/">Order</a>')},
])
def test_shop_coming_soon_and_other_order_links_are_not_a_storefront(pages: dict[str, str]) -> None:
    result = storefront_check.run(_brand_site(pages))
    assert result.status == "fail" and result.observations["kind"] is None


def test_product_inside_graph_and_in_a_top_level_list() -> None:
    graph = json.dumps({"@context": "https://schema.org", "@graph": [
        {"@type": "Organization", "name": "Shop"},
        {"@type": "Product", "name": "Boot", "offers": [{"@type": "Offer", "price": "189.00",
                                                         "priceSpecification": {"priceCurrency": "USD"}}]}]})
    listed = json.dumps([{"@context": "https://schema.org", "@type": "BreadcrumbList"},
                         {"@context": "https://schema.org", "@type": "Product", "name": "Sock",
                          "offers": {"@type": "AggregateOffer", "lowPrice": "12", "priceCurrency": "EUR"}}])
    site = view({"/": page("home"), "/p/boot/": page(ld(graph)), "/p/sock/": page(ld(listed)),
                 "/p/plain/": page(ld(json.dumps({"@type": "Product", "name": "No offer"})))})
    result = storefront_check.run(site)
    assert result.observations["products"] == ["/p/boot/", "/p/sock/"]
    assert {p["currency"] for p in result.observations["prices"]} == {"USD", "EUR"}
    assert reach_check.run(site).observations["currencies"] == ["EUR", "USD"]


def test_malformed_jsonld_next_to_a_valid_product_block() -> None:
    broken = '<script type="application/ld+json">{"@type": "Product", "name": "Broken" "offers": </script>'
    site = view({"/": page(broken + ld(product_jsonld("Good", "20", "GBP")))})
    result = storefront_check.run(site)
    assert result.observations["products"] == ["/"]
    assert result.observations["prices"][0]["currency"] == "GBP"


def test_offer_with_item_offered_product_and_microdata_product() -> None:
    offer = json.dumps({"@context": "https://schema.org", "@type": "Offer", "price": "5", "priceCurrency": "USD",
                        "itemOffered": {"@type": "Product", "name": "Card"}})
    micro = page('<div itemscope itemtype="https://schema.org/Product"><span itemprop="name">Mug</span>'
                 '<div itemprop="offers" itemscope itemtype="https://schema.org/Offer">'
                 '<meta itemprop="priceCurrency" content="CHF"><span itemprop="price">20</span></div></div>')
    site = view({"/": page("home"), "/offer/": page(ld(offer)), "/mug/": micro})
    result = storefront_check.run(site)
    assert result.observations["products"] == ["/mug/", "/offer/"]
    assert reach_check.run(site).observations["currencies"] == ["CHF", "USD"]


# ----------------------------------------------------------------------------- platform fingerprints

PLATFORMS: list[tuple[str, str, str]] = [
    # (slug, page with two independent clues, near-miss page that must not match)
    ("shopify",
     '<script src="https://cdn.shopify.com/s/files/1/0612/t/7/assets/global.js"></script>'
     '<meta name="shopify-digital-wallet" content="/612/digital_wallets/dialog">',
     '<p>We moved our store off Shopify last year.</p><a href="https://www.shopify.com/blog">Shopify blog</a>'),
    ("woocommerce",
     '<meta name="generator" content="WooCommerce 9.4.2"><div class="wc-block-grid">grid</div>',
     '<script src="/wp-content/plugins/contact-form-7/index.js"></script><p>Ten WooCommerce tips.</p>'),
    ("magento",
     '<script src="/static/version1700000000/frontend/Magento/luma/en_US/requirejs/require.js"></script>'
     '<script type="text/x-magento-init">{}</script>',
     '<script src="/static/js/app.js"></script><p>Our Magento 2 migration guide.</p>'),
    ("bigcommerce",
     '<script src="https://cdn11.bigcommerce.com/s-abc123/stencil/1/js/theme-bundle.main.js"></script>'
     '<script>var BCData = {"csrf_token": "x"};</script>',
     '<a href="/cart.php">Cart</a><a href="https://www.bigcommerce.com/">BigCommerce</a>'),
    ("salesforce-commerce-cloud",
     '<script src="/on/demandware.static/Sites-Brand-Site/-/en_US/v1700000000/js/main.js"></script>'
     '<a href="/on/demandware.store/Sites-Brand-Site/en_US/Cart-Show">Cart</a>',
     '<p>Salesforce Commerce Cloud (formerly Demandware) powers many brands.</p>'),
    ("prestashop",
     '<meta name="generator" content="PrestaShop"><div id="_desktop_cart"><a href="/cart">Cart</a></div>',
     '<p>We compared PrestaShop and others.</p><div id="cart">Cart</div>'),
    ("shopware",
     '<script src="/bundles/storefront/storefront/js/storefront.js"></script>'
     '<form action="/checkout/line-item/add" method="post"><button>Add to shopping cart</button></form>',
     '<a href="/checkout/">Checkout</a><p>Shopware agency in Berlin.</p>'),
    ("squarespace",
     '<!-- This is Squarespace. --><script src="https://static1.squarespace.com/static/vta/5c/scripts/site.js">'
     '</script><a href="/cart">Cart</a><div class="sqs-add-to-cart-button">Add To Cart</div>',
     '<a href="/cart">Cart</a><a href="https://www.squarespace.com">Made with Squarespace</a>'),
    ("wix",
     '<meta name="generator" content="Wix.com Website Builder">'
     '<script src="https://static.parastorage.com/services/wix-thunderbolt/dist/main.js"></script>'
     '<button data-hook="add-to-cart">Add to Cart</button>',
     '<meta name="generator" content="WordPress 6.7"><a href="https://www.wix.com/">Wix</a>'
     '<a href="/cart">Cart</a>'),
    ("commercetools",
     '<link rel="preconnect" href="https://api.europe-west1.gcp.commercetools.com">'
     '<script>window.cfg = {"api": "https://api.europe-west1.gcp.commercetools.com"};</script>',
     '<p>We evaluated commercetools for our headless rebuild.</p>'),
    ("ecwid",
     '<div id="my-store-1234567"></div><script src="https://app.ecwid.com/script.js?1234567"></script>',
     '<a href="https://www.ecwid.com/">Ecwid</a><div id="store">Store</div>'),
    ("opencart",
     '<script src="catalog/view/javascript/common.js"></script><a href="index.php?route=checkout/cart">Cart</a>',
     '<a href="index.php?option=com_content&amp;view=article">Joomla article</a>'),
    ("volusion",
     '<script src="/v/vspfiles/templates/theme/js/app.js"></script><a href="/ShoppingCart.asp">Cart</a>',
     '<img src="/vspfiles/logo.png" alt=""><p>Volusion review</p>'),
    ("lightspeed",
     '<script src="https://cdn.shoplightspeed.com/assets/gui.js"></script>'
     '<link rel="stylesheet" href="https://cdn.shoplightspeed.com/shops/1/themes/1/assets/style.css">',
     '<a href="https://www.lightspeedhq.com/">Lightspeed POS</a>'),
    ("sap-commerce-cloud",
     '<script src="/_ui/responsive/common/js/acc.js"></script>'
     '<form id="addToCartForm" class="add_to_cart_form" action="/cart/add"><button>Add to cart</button></form>',
     '<p>SAP Commerce Cloud, formerly Hybris.</p><a href="/ui/responsive/">UI</a>'),
    ("big-cartel",
     '<script src="https://assets.bigcartel.com/theme_assets/1/1.0.0/theme.js"></script>'
     '<img src="https://assets.bigcartel.com/product_images/1/shirt.jpg" alt="">',
     '<a href="https://www.bigcartel.com/">Big Cartel</a>'),
    ("shopify",  # the Buy Button embedded on another site: its SDK, and the loader that draws the buttons
     '<script src="https://sdks.shopifycdn.com/buy-button/1.0/buy-button-storefront.min.js"></script>'
     '<script>var ui = ShopifyBuy.UI.init(client);</script>',
     '<p>How to use a buy button on a blog.</p><a href="https://www.shopify.com/buy-button">Buy Button</a>'),
    ("gumroad",
     '<script src="https://gumroad.com/js/gumroad.js"></script>'
     '<a class="gumroad-button" href="https://maker.gumroad.com/l/field-notes">Get the guide</a>',
     '<a href="https://maker.gumroad.com/l/field-notes">Get the guide</a><p>Sold through Gumroad.</p>'),
    ("square-online",
     '<script src="https://cdn3.editmysite.com/app/website/js/runtime.js"></script>'
     '<link rel="stylesheet" href="https://cdn3.editmysite.com/app/website/css/site.css"><a href="/cart">Cart</a>',
     '<a href="https://squareup.com/us/en/online-store">Square</a><a href="/cart">Cart</a>'),
]


@pytest.mark.parametrize(("slug", "html", "near_miss"), PLATFORMS, ids=[p[0] for p in PLATFORMS])
def test_platform_fingerprint_needs_its_clues(slug: str, html: str, near_miss: str) -> None:
    result = platform_check.run(view({"/": page(html)}))
    assert result.observations["platform"] == slug
    assert result.status == "pass"
    assert result.observations["confidence"] >= 50
    notes = {e["note"] for e in result.observations["evidence"]}
    assert len(notes) >= 2, notes  # two independent clues, each listed
    assert all(e.url == HOME for e in result.evidence)

    missed = platform_check.run(view({"/": page(near_miss)}))
    assert missed.observations["platform"] == ""
    assert missed.status != "pass"


def test_platform_from_headers_and_cookies_only() -> None:
    site = view({"/": page('<a href="/cart">Cart</a>')},
                headers={HOME: {"x-shopid": "612", "set-cookie": "_shopify_y=abc; path=/"}})
    result = platform_check.run(site)
    assert result.observations["platform"] == "shopify"
    assert {e.source for e in result.evidence} == {"headers"}


def test_one_weak_clue_does_not_name_a_platform() -> None:
    site = view({"/": page('<a href="/cart">Cart</a><script>// see Shopify.theme docs</script>')})
    result = platform_check.run(site)
    assert result.observations["platform"] == ""
    assert result.status == "partial" and result.score == 50  # a store on an unrecognised platform


def test_site_builder_without_a_store_is_not_a_commerce_platform() -> None:
    html = ('<meta name="generator" content="Wix.com Website Builder">'
            '<script src="https://static.parastorage.com/services/main.js"></script><a href="/about">Our studio</a>')
    result = platform_check.run(view({"/": page(html)}))
    assert result.observations["platform"] == ""
    assert result.observations["site_builder"] == "wix"
    assert result.status == "not_applicable" and result.score is None


# ----------------------------------------------------------------------------- reach

def test_reach_currencies_languages_and_shipping() -> None:
    head = ('<link rel="alternate" hreflang="en-us" href="/"><link rel="alternate" hreflang="de-DE" href="/de/">'
            '<link rel="alternate" hreflang="fr" href="/fr/"><link rel="alternate" hreflang="x-default" href="/">')
    switcher = ('<form><select name="currency"><option value="USD">USD $</option><option value="EUR">EUR</option>'
                '<option value="GBP">GBP</option></select></form>')
    site = view({"/": page(switcher + '<a href="/cart/">Cart</a><p>We ship to the UK and EU.</p>', head, "en-US"),
                 "/de/": page('<span class="price">319,00 \u20ac</span>', head, "de-DE")})
    result = reach_check.run(site)
    assert result.observations["currencies"] == ["EUR", "GBP", "USD"]
    assert result.observations["languages"] == ["de", "en", "fr"]
    assert result.observations["international_shipping"] is True
    assert result.status == "pass" and result.score == 100


def test_one_language_and_domestic_shipping_are_not_reach() -> None:
    site = view({"/": page('<a href="/cart">Cart</a><p>Free US shipping on orders over $99.</p>'
                           '<span class="price">$99.00</span>', lang="en")})
    result = reach_check.run(site)
    assert result.observations["languages"] == []
    assert result.observations["international_shipping"] is False
    assert result.observations["currencies"] == ["USD"]
    assert result.status == "partial" and result.score == 10


def test_rrp_table_on_a_site_without_a_store_has_no_currency() -> None:
    site = view({"/": page('<a href="/stockists.html">Stockists</a>'),
                 "/products.html": page('<table><tr><td>Helvellyn</td><td class="price">\u00a3189.00</td></tr>'
                                        '</table><p>RRP shown; we cannot sell direct to the public.</p>')})
    result = reach_check.run(site)
    assert result.observations["currencies"] == []
    assert result.status == "fail"  # sells through stockists only, in one language, no shipping abroad


def test_membership_price_counts_as_a_currency_without_a_store() -> None:
    site = view({"/": page('<a href="/membership/">Become a member</a><p>The \u00a323m bridge reopened.</p>'),
                 "/membership/": page('<p class="price">\u00a35 a month</p>'
                                      '<a href="https://buy.stripe.com/abc">Join monthly</a>')})
    assert reach_check.run(site).observations["currencies"] == ["GBP"]
    assert storefront_check.run(site).observations["cart"] is False
    recurring = recurring_check.run(site)
    assert recurring.observations["subscriptions"] is True
    assert any(e.url == HOME + "membership/" and "a month" in e.snippet for e in recurring.evidence)


# ----------------------------------------------------------------------------- apps

def test_app_store_links_both_stores() -> None:
    apple = "https://apps.apple.com/us/app/brand/id1598765432"
    play = "https://play.google.com/store/apps/details?id=com.brand.app"
    site = view({"/": page(f'<footer><a href="{apple}#top">App Store</a><a href="{play}">Google Play</a>'
                           '<a href="https://podcasts.apple.com/gb/podcast/show/id1">Podcast</a></footer>')})
    result = apps_check.run(site)
    assert result.observations["app_store_links"] == [apple, play]
    assert result.status == "pass" and result.score == 100


def test_one_store_is_partial_and_none_is_fail() -> None:
    one = apps_check.run(view({"/": page('<a href="https://itunes.apple.com/app/id12345">iPhone app</a>')}))
    assert one.status == "partial" and one.observations["stores"] == ["app_store"]
    assert "Google Play" in one.recommendation
    none = apps_check.run(view({"/": page('<a href="https://music.apple.com/album/1">Album</a>')}))
    assert none.status == "fail" and none.observations["app_store_links"] == []


def test_smart_banner_without_links() -> None:
    result = apps_check.run(view({"/": page("hi", '<meta name="apple-itunes-app" content="app-id=123">')}))
    assert result.status == "partial" and result.score == 30
    assert result.observations["smart_banner"] is True


# ----------------------------------------------------------------------------- recurring

def test_loyalty_programme_link_and_text() -> None:
    site = view({"/": page('<a href="/cart/">Cart</a><nav><a href="/trail-rewards/">Trail Rewards</a></nav>'
                           '<p>Earn 5 points for every dollar you spend.</p>')})
    result = recurring_check.run(site)
    assert result.observations["loyalty"] is True
    assert result.observations["subscriptions"] is False
    assert result.status == "pass" and result.score == 80


def test_newsletter_and_podcast_subscribe_are_not_subscriptions() -> None:
    site = view({"/": page('<a href="/cart">Cart</a><form action="https://list-manage.com/subscribe/post">'
                           '<input type="email" name="EMAIL"><button name="subscribe">Subscribe</button></form>'
                           '<p>New posts and product updates, once a month.</p>'
                           '<p>Subscribe on <a href="https://podcasts.apple.com/x/id1">Apple Podcasts</a>.</p>')})
    result = recurring_check.run(site)
    assert result.observations["subscriptions"] is False
    assert result.status == "fail"


def test_gift_cards_on_an_outside_host_only() -> None:
    site = view({"/": page('<footer><a href="https://www.toasttab.com/place/giftcards">Gift cards</a></footer>')})
    result = recurring_check.run(site)
    assert result.observations == {**result.observations, "gift_cards": True, "loyalty": False,
                                   "subscriptions": False}
    assert result.status == "partial" and result.score == 40


def test_loyalty_app_fingerprint_names_the_provider() -> None:
    site = view({"/": page('<a href="/cart">Cart</a><script src="https://js.smile.io/v1/smile-shopify.js"></script>')})
    result = recurring_check.run(site)
    assert result.observations["loyalty"] is True
    assert result.observations["providers"] == {"loyalty": ["Smile.io"]}


def test_recurring_not_applicable_when_nothing_is_sold() -> None:
    result = recurring_check.run(view({"/": page("<p>We repair bikes on Saturdays. Members can borrow tools.</p>")}))
    assert result.status == "not_applicable" and result.score is None


# ----------------------------------------------------------------------------- where to buy

def test_stockists_page_is_where_to_buy() -> None:
    site = view({"/": page('<a href="/stockists.html">STOCKISTS</a>'),
                 "/stockists.html": page("<h1>Stockists</h1><table><tr><td>Fellbound Outdoors</td></tr></table>")})
    result = where_to_buy_check.run(site)
    assert result.observations["present"] is True
    assert result.observations["pages"] == ["/stockists.html"]
    assert result.status == "pass"


def test_retailer_list_label_counts_but_b2b_solutions_for_retailers_does_not() -> None:
    assert where_to_buy_check.run(view({"/": page('<footer><a href="/partners/">Retailers</a></footer>')})
                                  ).observations["present"] is True
    b2b = where_to_buy_check.run(view({"/": page('<nav><a href="/solutions/retail/">Solutions for retailers</a>'
                                                 '</nav>')}))
    assert b2b.observations["present"] is False


def test_marketplace_store_in_footer_counts_but_affiliate_link_in_article_does_not() -> None:
    footer = view({"/": page('<footer><a href="https://www.amazon.com/stores/Brand/page/1">Amazon</a></footer>')})
    assert where_to_buy_check.run(footer).observations["marketplaces"] == ["amazon"]
    article = view({"/": page('<article><p>We liked <a href="https://www.amazon.com/dp/B0?tag=blog-20">this '
                              'lantern</a>.</p></article>')})
    result = where_to_buy_check.run(article)
    assert result.observations["present"] is False
    assert result.status == "fail"


def test_where_to_buy_not_applicable_for_a_direct_store() -> None:
    result = where_to_buy_check.run(view({"/": STORE_PRODUCT}))
    assert result.status == "not_applicable" and result.observations["present"] is False


# ----------------------------------------------------------------------------- shells and contracts

def test_javascript_shell_is_could_not_check_not_absence() -> None:
    shell = page('<noscript>You need to enable JavaScript.</noscript><div id="app"></div>'
                 '<script src="/app.js"></script>')
    site = view({"/": shell, "/pricing": shell})
    for chk in CHECKS:
        result = chk.run(site)
        assert result.status == "could_not_check", chk.id
        assert result.observations["rendered"] is False


@pytest.mark.parametrize("html", [STORE_PRODUCT, page("<p>nothing</p>"), page("")])
def test_every_result_is_json_and_explains_itself(html: str) -> None:
    site = view({"/": html})
    for chk in CHECKS:
        result = chk.run(site)
        data = json.loads(json.dumps(result.to_dict()))
        assert CheckResult.from_dict(data).check_id == chk.id
        assert result.recommendation.strip()
        assert all(e.url for e in result.evidence)
        assert (result.score is None) == (result.status in ("not_applicable", "could_not_check"))


def test_check_ids_and_weights() -> None:
    assert {(c.id, c.weight) for c in CHECKS} == {
        ("commerce.storefront", 3), ("commerce.platform", 1), ("commerce.reach", 2), ("commerce.apps", 1),
        ("commerce.recurring", 1), ("commerce.where_to_buy", 1)}
    assert all(c.category == "commerce" and c.description for c in CHECKS)


# ----------------------------------------------------------------------------- fixture sites

SITES = load_sites()
BOOLEANS = ("cart", "loyalty", "subscriptions", "gift_cards", "where_to_buy")


def expected_commerce(slug: str, mode: str = "served") -> dict[str, Any]:
    """[truth.commerce]; for a JavaScript-only site, what the served HTML shows ([truth.static]).

    pulse-app's commerce truth is what a rendered audit finds; a static audit
    must not invent it: the keys [truth.static] gives are taken from there,
    the rest are "nothing seen" (false / empty). Rendered, the whole truth must be found.
    """
    truth = dict(SITES[slug].truth["commerce"])
    static = SITES[slug].truth.get("static") if mode == "served" else None
    if static is not None:
        for key, value in truth.items():
            truth[key] = static.get(key, False if isinstance(value, bool) else type(value)())
    return truth


def results_for(site: SiteView) -> dict[str, CheckResult]:
    return {c.id: c.run(site) for c in CHECKS}


@pytest.mark.parametrize("slug", list(SITES))
def test_fixture_site_matches_commerce_truth(view_for: Any, audit_mode: str, slug: str) -> None:
    truth = expected_commerce(slug, audit_mode)
    results = results_for(view_for(slug))
    store, platform = results["commerce.storefront"], results["commerce.platform"]
    reach, apps = results["commerce.reach"], results["commerce.apps"]
    recurring, wtb = results["commerce.recurring"], results["commerce.where_to_buy"]

    assert store.observations["cart"] is truth["cart"]
    assert store.observations["products"] == sorted(truth["products"])
    assert platform.observations["platform"] == truth["platform"]
    assert reach.observations["currencies"] == sorted(truth["currencies"])
    assert reach.observations["languages"] == sorted(truth["languages"])
    if "international_shipping" in truth:
        assert reach.observations["international_shipping"] is truth["international_shipping"]
    assert apps.observations["app_store_links"] == sorted(truth["app_store_links"])
    for key in ("loyalty", "subscriptions", "gift_cards"):
        if key in truth:
            assert recurring.observations[key] is truth[key], key
    assert wtb.observations["present"] is truth["where_to_buy"]

    # Positive findings carry evidence; a store fails only when there is nothing to buy.
    if truth["cart"]:
        assert store.evidence and store.status == "pass"
    if truth["platform"]:
        assert len(platform.observations["evidence"]) >= 2 and platform.status == "pass"
    if not truth["cart"] and not truth["products"]:
        assert store.status in ("fail", "could_not_check")
    for result in results.values():
        json.dumps(result.to_dict())


def test_fixture_static_shell_is_reported_as_could_not_check(fixture_view: Any) -> None:
    results = results_for(fixture_view("pulse-app"))
    assert {r.status for r in results.values()} == {"could_not_check"}


# ----------------------------------------------------------------------------- findings

def test_the_storefront_finding_lists_the_ways_to_buy() -> None:
    site = view({"/": page('<a href="/products/tent/">Tent</a>'), "/products/tent/": STORE_PRODUCT})
    result = storefront_check.run(site)
    assert result.finding.startswith("a cart or checkout")
    assert "Product offers on 1 page" in result.finding and result.finding.endswith("prices in USD")
    cart_only = storefront_check.run(view({"/": page('<header><a href="/cart/">Cart</a></header>')}))
    assert cart_only.status == "partial" and cart_only.finding == "a cart or checkout; no Product offer markup"
    nothing = storefront_check.run(view({"/": page("<p>We make tents.</p>")}))
    assert nothing.finding == "no cart, checkout, add-to-cart button or product offer found"


def test_the_platform_finding_names_the_platform_and_its_clues() -> None:
    site = view({"/": page('<a href="/cart">Cart</a>')},
                headers={HOME: {"x-shopid": "612", "set-cookie": "_shopify_y=abc; path=/"}})
    result = platform_check.run(site)
    assert result.finding == "the store runs on Shopify (confidence 100, from its cookie and response header)"
    html = ('<meta name="generator" content="Wix.com Website Builder">'
            '<script src="https://static.parastorage.com/services/main.js"></script><a href="/about">Our studio</a>')
    builder = platform_check.run(view({"/": page(html)}))
    assert builder.finding == "no online store, so no commerce platform; the site is built with Wix"


def test_the_reach_finding_counts_currencies_languages_and_shipping() -> None:
    head = ('<link rel="alternate" hreflang="en-us" href="/"><link rel="alternate" hreflang="de-DE" href="/de/">'
            '<link rel="alternate" hreflang="fr" href="/fr/">')
    switcher = ('<form><select name="currency"><option value="USD">USD $</option><option value="EUR">EUR</option>'
                '<option value="GBP">GBP</option></select></form>')
    site = view({"/": page(switcher + '<a href="/cart/">Cart</a><p>We ship to the UK and EU.</p>', head, "en-US"),
                 "/de/": page('<span class="price">319,00 \u20ac</span>', head, "de-DE")})
    result = reach_check.run(site)
    assert result.finding == "3 currencies (EUR, GBP, USD), 3 languages (de, en, fr), ships abroad"


def test_the_apps_finding_names_the_stores() -> None:
    one = apps_check.run(view({"/": page('<a href="https://itunes.apple.com/app/id12345">iPhone app</a>')}))
    assert one.finding == "the app is linked on the App Store only (1 app link); not on Google Play"
    banner = apps_check.run(view({"/": page("hi", '<meta name="apple-itunes-app" content="app-id=123">')}))
    assert banner.finding.startswith("only an iOS smart app banner")


def test_the_recurring_finding_names_the_models_and_the_provider() -> None:
    site = view({"/": page('<a href="/cart">Cart</a><script src="https://js.smile.io/v1/smile-shopify.js"></script>')})
    result = recurring_check.run(site)
    assert result.finding == "a loyalty programme (Smile.io); no subscriptions or gift cards"
    gifts = recurring_check.run(view({"/": page(
        '<footer><a href="https://www.toasttab.com/place/giftcards">Gift cards</a></footer>')}))
    assert gifts.finding == "gift cards (www.toasttab.com); no loyalty programme or subscriptions"


def test_the_where_to_buy_finding_names_the_stockists_page() -> None:
    site = view({"/": page('<a href="/stockists.html">STOCKISTS</a>'),
                 "/stockists.html": page("<h1>Stockists</h1><table><tr><td>Fellbound Outdoors</td></tr></table>")})
    assert where_to_buy_check.run(site).finding == "where-to-buy page /stockists.html"
