"""Commerce checks: a channel that crosses borders (CRITERIA.md section 3).

Six checks read one set of shared facts, computed once per site and kept in
``SiteView.cache``:

- ``commerce.storefront``: can a visitor buy here (cart, checkout, add-to-cart,
  schema.org Product with Offer, prices with a currency)?
- ``commerce.platform``: which commerce platform runs the store, and why we think so.
- ``commerce.reach``: currencies, languages and shipping beyond one country.
- ``commerce.apps``: links to the brand's apps on the App Store and Google Play.
- ``commerce.recurring``: loyalty programmes, subscriptions/memberships, gift cards.
- ``commerce.where_to_buy``: stockists, retailer lists and marketplace stores.

Decisions the fixture truth pins down (and the tests assert):

- The word "cart" in prose ("the dessert cart comes round at nine",
  "abandoned-cart emails") is not a storefront: only links, pages, forms and
  buttons count, and a link counts only when its target is a cart/checkout
  URL or its whole label is a cart word ("Cart", "Basket (2)", "View bag").
- A restaurant menu, a table of recommended retail prices or a sum in an
  article is not an offer to buy online: prices count towards currencies only
  on a site that sells online (a cart or Product+Offer markup), or when they
  are recurring plan prices (a membership "£5 a month"), which are sold online.
  So Casa Lucia (menu prices, event tickets with USD offers) has no currency.
- schema.org ``Offer``s of an ``Event`` (tickets, free webinars) are not products.
- A B2B "pricing" page with plans billed annually and a free trial is a
  subscription model, not a shop: ``subscriptions`` is true, ``cart`` false.
- Newsletter or podcast "subscribe" links are not subscriptions.
- A site whose served HTML is an empty script shell (a single-page app seen
  without a browser) gives ``could_not_check`` instead of inventing absence.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any, TypeVar, cast
from urllib.parse import parse_qsl

from connectedness import vocabulary

from .anatomy import app_shell_outcome, name_words
from .base import Evidence, Outcome, Status, check
from .findings import and_list, one_line, or_list, plural
from .fingerprints import Detection, default_fingerprints
from .site import Anchor, PageView, SiteView, css_path, node_types, split_url, squeeze

T = TypeVar("T")
MAX_EVIDENCE = 5  # examples kept per kind of signal: enough to verify, short enough to read
MAX_TEXT_SCAN = 200_000  # characters of a page's text searched for phrases: a page cut at 5 MiB stays cheap

# ----------------------------------------------------------------------------- shared helpers


def _memo(site: SiteView, name: str, build: Callable[[SiteView], T]) -> T:
    """Compute a commerce fact once per site; every check of this module reuses it."""
    key = ("commerce", name)
    if key not in site.cache:
        site.cache[key] = build(site)
    return cast(T, site.cache[key])


def _origin(url: str) -> tuple[str, str]:
    parts = split_url(url)
    return parts.scheme.lower(), parts.netloc.lower()


def site_path(site: SiteView, url: str) -> str:
    """A page as the fixture truth writes it: the path on the home origin, the full URL elsewhere."""
    home = site.snapshot.home_url or site.snapshot.start_url
    if _origin(url) != _origin(home):
        return url.split("#", 1)[0]
    parts = split_url(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _clip(text: str, size: int = 160) -> str:
    text = squeeze(text)
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _add(bucket: list[Evidence], evidence: Evidence) -> None:
    """Keep a few distinct examples of one signal."""
    if len(bucket) < MAX_EVIDENCE and all((e.url, e.snippet) != (evidence.url, evidence.snippet) for e in bucket):
        bucket.append(evidence)


def _text(view: PageView) -> str:
    """The page's visible text, capped for phrase searches."""
    return view.text[:MAX_TEXT_SCAN]


def _mentions(site: SiteView, view: PageView, words: tuple[str, ...]) -> bool:
    """Whether the lower-cased HTML contains any of ``words`` (plain substring search: fast on huge pages)."""
    key = ("commerce", "lower", id(view))
    low = cast(str | None, site.cache.get(key))
    if low is None:
        low = site.cache[key] = view.html.lower()
    return any(word in low for word in words)


def _shell_outcome(site: SiteView, observations: dict[str, Any]) -> Outcome:
    return app_shell_outcome(site, {**observations, "rendered": False}, "what the site sells and how")


# ----------------------------------------------------------------------------- storefront signals

_CART_SEGMENTS = frozenset({
    "cart", "basket", "bag", "checkout", "shopping-cart", "shopping-bag", "shoppingcart", "shoppingbag",
    "viewcart", "view-cart", "mini-cart", "minicart", "trolley", "warenkorb", "kasse", "panier", "carrito",
    "carrello", "winkelwagen", "varukorg", "koszyk", "cesta",
})
_LOCALE_SEGMENT = re.compile(r"^[a-z]{2}(?:[-_][a-z]{2,4})?$", re.IGNORECASE)
_CART_QUERY = re.compile(
    r"(?:^|&)(?:add-to-cart|add_to_cart)=|route=checkout/(?:cart|checkout)|controller=(?:cart|order)\b", re.IGNORECASE)
_CART_DEEP = re.compile(r"/checkout/cart\b|/cart-show\b|/shoppingcart\.aspx?\b|/cart\.php\b", re.IGNORECASE)
_LABEL_NOISE = re.compile(r"[^\w\s]|[\d_]")
_LABEL_FILLER = frozenset({"item", "items", "article", "articles", "artikel", "open", "icon"})
MAX_LABEL_WORDS = 4  # a cart label is a name ("Cart", "Mein Warenkorb"), not a sentence
MAX_BUTTON_LABEL = 40  # characters of a button label searched for "buy now": longer is a pitch, not a control
MAX_ORDER_LABEL_WORDS = 8  # "Place an online order for <brand>" still is a link label
# Terms of vocabulary/commerce.toml and vocabulary/storefront.toml.
CART_TERMS = ("cart", "checkout")
_ADD_ACTION = re.compile(
    r"/cart/add\b|[?&]add-to-cart=|/checkout/line-item/add\b|/checkout/cart/add\b|[?&]controller=cart\b"
    r"|/cart\.php\b|shoppingcart\.aspx?\b|cart-addproduct\b|route=checkout/cart/add\b", re.IGNORECASE)
_ADD_ATTR = re.compile(r"add[-_]?to[-_]?(?:cart|basket|bag)|addtocart|single_add_to_cart|product-form__submit",
                       re.IGNORECASE)
_ADD_FIELDS = frozenset({"add-to-cart", "add_to_cart", "addtocart"})
_PRODUCT_TYPES = ("Product", "ProductGroup", "IndividualProduct", "ProductModel", "SomeProducts")
_OFFER_TYPES = frozenset({"offer", "aggregateoffer"})
_PUBLICATION_TYPES = frozenset({"creativework", "periodical", "newspaper", "website", "webpage", "publicationissue"})


def cart_url_kind(url: str) -> str | None:
    """Why a URL is a cart or checkout URL ("path" or "query"), or None.

    The cart word must be the first path segment (after an optional locale
    like ``/en-gb/``), a platform's cart endpoint, or a cart query: a blog post
    slug such as ``/blog/abandoned-cart-recovery/`` is not a cart.
    """
    parts = split_url(url)
    if _CART_QUERY.search(parts.query):
        return "query"
    if _CART_DEEP.search(parts.path):
        return "path"
    segments = [s for s in parts.path.lower().split("/") if s]
    if len(segments) > 1 and _LOCALE_SEGMENT.match(segments[0]):
        segments = segments[1:]
    if segments and segments[0].rsplit(".", 1)[0] in _CART_SEGMENTS:
        return "path"
    return None


def _label_words(text: str) -> str:
    """A label without counts, prices and filler ("Basket (2 items)" -> "basket")."""
    return " ".join(w for w in _LABEL_NOISE.sub(" ", text.lower()).split() if w not in _LABEL_FILLER)


def is_cart_label(text: str) -> bool:
    """Whether a link's whole label names the cart ("Cart", "Bag (2)", "Warenkorb", "購物車"), not prose around it.

    The words are the ``cart`` and ``checkout`` terms of ``vocabulary/commerce.toml``, in every language.
    """
    label = _label_words(text)
    return 0 < len(label.split()) <= MAX_LABEL_WORDS and \
        vocabulary.pattern("commerce", *CART_TERMS).fullmatch(label) is not None


def names_cart(names: str) -> bool:
    """Whether class or id names call an element the cart ("button-cart", "shoppingCart", "mini-basket").

    Read as words (``anatomy.name_words``), so "cartoon" or "cartography" is not a cart; the words are the
    ``cart`` term of ``vocabulary/commerce.toml``, as a class name is often in the site's own language.
    A BEM name says what the element is after its block: ``basket--continue`` is a "continue" link inside
    a basket panel (which may be an order form for brochures), not the cart itself.
    """
    return any(vocabulary.segment_term("commerce", word, "cart")
               for name in names.split() for word in name_words(_own_part(name)))


def _own_part(name: str) -> str:
    """The part of a BEM class name that names the element: ``block__element--modifier`` -> ``element``,
    ``block--element`` -> ``element``; a name without BEM separators is itself."""
    if "__" in name:
        name = name.rsplit("__", 1)[1].split("--", 1)[0]
    return name.rsplit("--", 1)[-1] or name


def _is_add_label(label: str) -> bool:
    """"Add to cart", "In den Warenkorb", "Do košíku"... anywhere in a control's label."""
    return vocabulary.find("commerce", label[:MAX_TEXT_SCAN], "add_to_cart") is not None


def _is_buy_button_label(label: str) -> bool:
    """"Buy now", "Jetzt kaufen": only as the label of a button, and only a short one (longer is a pitch)."""
    return len(label) <= MAX_BUTTON_LABEL and vocabulary.find("commerce", label, "buy_now") is not None


def _is_not_cart_label(label: str) -> bool:
    """A label that says the control collects something other than a purchase: a quote request ("Add to
    quote", "Angebot anfordern", "Demander un devis") or a wishlist ("Merkzettel", "Liste d'envies"), in
    every language (``quote`` and ``wishlist`` of ``vocabulary/storefront.toml``), and not "add to cart"."""
    return bool(label) and vocabulary.find("storefront", label[:MAX_TEXT_SCAN], "quote", "wishlist") is not None \
        and not _is_add_label(label)


def _label_fits_cart(label: str) -> bool:
    """Whether a link that only its class names a cart may be one: its label is empty once counts and
    prices are gone (an icon with a badge), or it names the cart or adding to it. "Start free trial" on a
    ``btn-cart`` link is a call to action in the cart's style, not a cart. (A <button> named a cart keeps
    counting by its class: it is a control of the page, and its label is often a bare "Order" in a
    language the vocabulary does not hold.)"""
    return not _label_words(label) or is_cart_label(label) or _is_add_label(label)


def _is_order_online_label(text: str) -> bool:
    """"Order online", "Online bestellen", "Place an online order for ...": a short link label."""
    return len(text.split()) <= MAX_ORDER_LABEL_WORDS and \
        vocabulary.find("storefront", text, "order_online") is not None


@dataclass(slots=True)
class Storefront:
    """Everything that says "you can buy here", with where it was seen."""

    cart_links: list[Evidence] = field(default_factory=list)
    cart_pages: list[Evidence] = field(default_factory=list)
    add_to_cart: list[Evidence] = field(default_factory=list)
    products: dict[str, Evidence] = field(default_factory=dict)  # page path -> Product+Offer evidence
    offers: list[dict[str, str]] = field(default_factory=list)   # Offer prices from structured data
    offer_currencies: dict[str, Evidence] = field(default_factory=dict)
    # "Order online" links to another host of the brand's own, whose shop the crawl did not see: weaker.
    ordering_sites: list[Evidence] = field(default_factory=list)

    @property
    def cart(self) -> bool:
        return bool(self.cart_links or self.cart_pages or self.add_to_cart)

    @property
    def sells(self) -> bool:
        """The site itself sells online: a cart or product pages with offers."""
        return self.cart or bool(self.products)


def _anchor_label(anchor: Anchor) -> str:
    """What a link says: its text, else its aria-label or title (an icon-only cart link)."""
    return anchor.text or anchor.attr("aria-label") or anchor.attr("title")


def _cart_links(site: SiteView, store: Storefront) -> None:
    for view, anchor in site.anchors():
        label = _anchor_label(anchor)
        if _is_not_cart_label(label):
            continue  # a quote cart or a wishlist, whatever its class or path
        if anchor.scheme not in ("http", "https"):
            # A script-driven cart toggle (href="javascript:..." or "#") counts by its markup alone.
            if (anchor.scheme in ("javascript", "") or anchor.href.startswith("#")) \
                    and names_cart(f"{anchor.attr('class')} {anchor.attr('id')}") and _label_fits_cart(label):
                    _add(store.cart_links, Evidence(view.url, anchor.selector, "class", anchor.attr("class")[:80],
                                                    note=f"cart control: {_clip(label, 60) or '(no text)'}"))
            continue
        if not site.is_own(anchor.url):
            continue
        kind = cart_url_kind(anchor.url)
        if kind == "query" or _ADD_ATTR.search(anchor.attr("class")) or _is_add_label(anchor.text):
            _add(store.add_to_cart, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                             note=f"add-to-cart link: {_clip(anchor.text, 60)}"))
        elif kind == "path" or is_cart_label(label) or (
                names_cart(f"{anchor.attr('class')} {anchor.attr('id')}") and _label_fits_cart(label)):
            _add(store.cart_links, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                            note=f"cart/checkout link: {_clip(label, 60) or '(no text)'}"))
        elif anchor.host != _host(view.url) and _is_order_online_label(label):
            _add(store.ordering_sites, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                                note=f"online ordering site: {_clip(label, 60)}"))


def _host(url: str) -> str:
    return (split_url(url).hostname or "").lower()


def _add_to_cart_controls(view: PageView, store: Storefront) -> None:
    """Add-to-cart forms and buttons on one page, and a cart widget's "your cart is empty"."""
    for form in view.forms:
        reason = ("action" if _ADD_ACTION.search(form.action) else
                  "field" if any(f.name in _ADD_FIELDS for f in form.fields) else
                  "button text" if _is_add_label(form.text) else "")
        if reason:
            _add(store.add_to_cart, Evidence(view.url, form.selector, "action", form.action[:160],
                                             note=f"add-to-cart form ({reason})"))
    # A div with role=button is a button too (a site builder's "Add To Cart" block is one).
    for node in view.tree.css("button, input[type=submit], input[type=button], [data-hook], [role=button]"):
        attrs = node.attributes
        if node.tag == "a" and "data-hook" not in attrs:
            continue  # a link is read by _cart_links, with the host it leads to
        if node.tag == "button" or (attrs.get("role") == "button" and node.tag not in ("a", "input")):
            label = squeeze(node.text(deep=True, separator=" "))
            if node.tag != "button" and len(label.split()) > MAX_ORDER_LABEL_WORDS:
                label = ""  # a container that calls itself a button: its text is a panel, not a label
        else:
            label = squeeze(attrs.get("value") or "")
        label = label or attrs.get("aria-label") or ""
        marks = " ".join(filter(None, (attrs.get("class"), attrs.get("id"), attrs.get("name"),
                                       attrs.get("data-hook"))))
        if _is_not_cart_label(label):
            continue
        if _is_add_label(label) or _is_buy_button_label(label) or _ADD_ATTR.search(marks) or \
                (node.tag in ("button", "input") and names_cart(marks)):
            _add(store.add_to_cart, Evidence(view.url, css_path(node), snippet=_clip(label or marks, 80),
                                             note="add-to-cart button"))
    if (phrase := _phrase_in_text(_text(view), "storefront", "cart_empty")) is not None:
        _add(store.cart_links, Evidence(view.url, "body", snippet=_clip(phrase, 80),
                                        note="cart widget (empty cart message)"))


PHRASE_WINDOW = 80  # characters either side of a key word searched for the whole phrase
MAX_KEY_HITS = 20  # occurrences of one key word looked at on a page


@cache
def _key_words(concept: str, term: str) -> tuple[str, ...]:
    """The longest word of each phrase of a term: a substring test for these is far cheaper than the
    phrase pattern over a whole page, and every phrase contains its key word."""
    return tuple(sorted({max(w.split(), key=len) for w in vocabulary.words(concept, term)}))


def _phrase_in_text(text: str, concept: str, term: str) -> str | None:
    """The first phrase of a vocabulary term found in a page's text, searched only around its key words."""
    low = text.lower()
    pattern = vocabulary.pattern(concept, term)
    for key in _key_words(concept, term):
        start = low.find(key)
        for _ in range(MAX_KEY_HITS):
            if start < 0:
                break
            window = text[max(0, start - PHRASE_WINDOW): start + len(key) + PHRASE_WINDOW]
            if (m := pattern.search(window)) is not None and not _names_other_list(window, m):
                return m.group(0)
            start = low.find(key, start + len(key))
    return None


def _names_other_list(window: str, found: re.Match[str]) -> bool:
    """Whether a quote or wishlist phrase runs into ``found``: "Your quote cart is empty" is the widget of a
    quote request, not of a cart ("Wishlist (0) Your cart is empty" still is a cart's)."""
    lead = max(0, found.start() - 12)
    other = vocabulary.pattern("storefront", "quote", "wishlist")
    return any(m.end() > found.start() - lead for m in other.finditer(window[lead:found.end()]))


def _offers_of(node: dict[str, Any]) -> list[dict[str, Any]]:
    """The Offer objects of a Product node (typed Offer/AggregateOffer, or untyped with a price)."""
    raw = node.get("offers")
    items = raw if isinstance(raw, list) else [raw]
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        types = {t.lower() for t in node_types(item)}
        if types & _OFFER_TYPES or (not types and any(k in item for k in ("price", "lowPrice", "priceSpecification"))):
            found.append(item)
    return found


def _offer_currency(offer: dict[str, Any]) -> str:
    """priceCurrency of an Offer, or of its priceSpecification, as an upper-case ISO code ("" if none)."""
    currency = offer.get("priceCurrency")
    if not currency:
        spec = offer.get("priceSpecification")
        specs = spec if isinstance(spec, list) else [spec]
        currency = next((s.get("priceCurrency") for s in specs if isinstance(s, dict) and s.get("priceCurrency")), "")
    code = str(currency or "").strip().upper()
    return code if re.fullmatch(r"[A-Z]{3}", code) else ""


def _product_offers(view: PageView) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """(Product, offers) pairs on a page, from JSON-LD Products and Offers whose itemOffered is a Product."""
    pairs = [(node, offers) for node in view.nodes_of_type(*_PRODUCT_TYPES)
             if not _is_publication(node) and (offers := _offers_of(node))]
    for offer in view.nodes_of_type("Offer", "AggregateOffer"):
        item = offer.get("itemOffered")
        if isinstance(item, dict) and {t.lower() for t in node_types(item)} & {t.lower() for t in _PRODUCT_TYPES} \
                and not _is_publication(item):
            pairs.append((item, [offer]))
    return pairs


def _is_publication(node: dict[str, Any]) -> bool:
    """A Product that is also the publication itself (``["CreativeWork", "Product"]``): the subscription
    markup of a paywalled article, which sells reading, not goods from a shop."""
    return bool({t.lower() for t in node_types(node)} & _PUBLICATION_TYPES)


def _products(site: SiteView, store: Storefront) -> None:
    for view in site.pages:
        path = site_path(site, view.url)
        for product, offers in _product_offers(view):
            name = _clip(str(product.get("name") or "Product"), 60)
            for offer in offers:
                currency = _offer_currency(offer)
                price = str(offer.get("price", offer.get("lowPrice", "")) or "")
                evidence = Evidence(view.url, 'script[type="application/ld+json"]', "offers",
                                    _clip(f"{name}: {price} {currency}".strip(), 120),
                                    note="schema.org Product with Offer", source="jsonld")
                store.products.setdefault(path, evidence)
                if currency:
                    store.offer_currencies.setdefault(currency, evidence)
                if len(store.offers) < MAX_EVIDENCE and price:
                    store.offers.append({"page": path, "product": name, "amount": price, "currency": currency,
                                         "source": "jsonld"})
        if path not in store.products and "schema.org/Product" in view.html:
            node = view.tree.css_first('[itemtype*="schema.org/Product"] [itemprop="offers"]')
            if node is not None:
                store.products[path] = Evidence(view.url, css_path(node), "itemprop", "offers",
                                                note="microdata Product with offers", source="html")
                for cur in view.tree.css('[itemprop="priceCurrency"]'):
                    code = (cur.attributes.get("content") or cur.text() or "").strip().upper()
                    if code in ISO_CODES:
                        store.offer_currencies.setdefault(code, store.products[path])


@dataclass(frozen=True, slots=True)
class _Embed:
    """A vendor's buy button or checkout overlay, embedded in the brand's own pages: the cart and the
    checkout open on the page, drawn by the vendor's script, so the served HTML has no cart link to read."""

    name: str
    key: str  # a lower-case substring that must be in the page before the patterns run (cheap on big pages)
    script: re.Pattern[str]  # the vendor's script (its source, or its loader in an inline script)
    control: re.Pattern[str] | None  # what the script turns into a buy button, when the script alone is not enough


_EMBEDS = (
    # The Buy Button SDK exists only to draw buy buttons and a cart: its loader is enough.
    _Embed("Shopify Buy Button", "shopify", re.compile(
        r"sdks\.shopifycdn\.com/buy-button/|\bShopifyBuy\.(?:UI|buildClient)\b", re.IGNORECASE), None),
    # The overlay script turns links to the vendor's product pages into an on-page checkout.
    _Embed("Gumroad", "gumroad", re.compile(r"gumroad\.com/js/gumroad(?:-embed)?\.js", re.IGNORECASE),
           re.compile(r"class=[\"'][^\"']*\bgumroad-(?:button|product-embed)\b"
                      r"|href=[\"'](?:https?:)?//(?:[\w-]+\.)?gumroad\.com/l/", re.IGNORECASE)),
    # A whole store drawn into a container of the page.
    _Embed("Ecwid", "ecwid", re.compile(r"app\.ecwid\.com/script\.js", re.IGNORECASE),
           re.compile(r"\bxProductBrowser\(|\bxAddToBag\(|id=[\"']my-store-\d+", re.IGNORECASE)),
)


def _embedded_checkouts(site: SiteView, view: PageView, store: Storefront) -> None:
    """Buy buttons and checkout overlays of ``_EMBEDS`` on one page: a way to buy, as an add-to-cart control."""
    for embed in _EMBEDS:
        if not _mentions(site, view, (embed.key,)):
            continue
        found = next((m for code in (*view.scripts, *view.inline_scripts) if (m := embed.script.search(code))),
                     None)  # in a script: an article quoting the loader is not running it
        if found is None or (embed.control is not None and embed.control.search(view.html) is None):
            continue
        _add(store.add_to_cart, Evidence(view.url, "script", snippet=_clip(found.group(0), 120),
                                         note=f"embedded checkout: {embed.name}"))


def storefront(site: SiteView) -> Storefront:
    """The storefront signals of a site (memoised)."""
    def build(site: SiteView) -> Storefront:
        store = Storefront()
        _cart_links(site, store)
        for view in site.pages:
            if cart_url_kind(view.url) == "path":
                _add(store.cart_pages, Evidence(view.url, note="cart/checkout page fetched"))
            _add_to_cart_controls(view, store)
            _embedded_checkouts(site, view, store)
        _products(site, store)
        return store
    return _memo(site, "storefront", build)


# ----------------------------------------------------------------------------- prices and currencies

ISO_CODES = frozenset((
    "USD EUR GBP JPY CNY CAD AUD NZD CHF SEK NOK DKK PLN CZK HUF RON BGN ISK INR BRL MXN ZAR SGD HKD KRW TWD "
    "TRY ILS AED SAR QAR KWD RUB UAH THB IDR MYR PHP VND CLP COP ARS PEN EGP NGN KES MAD"
).split())
_SYMBOLS: dict[str, str] = {
    "US$": "USD", "CA$": "CAD", "C$": "CAD", "AU$": "AUD", "A$": "AUD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD",
    "MX$": "MXN", "R$": "BRL", "CN¥": "CNY", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY", "₹": "INR",
    "₩": "KRW", "₽": "RUB", "₺": "TRY", "₪": "ILS", "₫": "VND", "₱": "PHP", "฿": "THB", "zł": "PLN", "Kč": "CZK",
}
_SYM = "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
_ISO = "|".join(sorted(ISO_CODES))
_AMOUNT = r"\d{1,3}(?:[,.\u00a0\u202f ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_PRICE = re.compile(
    rf"(?:(?P<sym>{_SYM})|\b(?P<iso>{_ISO})\b)\s?(?P<amount>{_AMOUNT})(?![\w%])(?:\s?(?P<iso_after>{_ISO})\b)?"
    rf"|(?<![\d.,])(?P<amount2>{_AMOUNT})\s?(?:(?P<sym2>{_SYM})|(?P<iso2>{_ISO})\b)")
_RECURRING = re.compile(
    r"\s*(?:(?:/|per|a|an|each|every)\s*(?:(?:user|seat|member|person)\s*(?:/|per|a)\s*)?"
    r"(?:month|mo|mth|year|yr|annum|week|wk|quarter)\b|(?:monthly|annually|yearly|weekly|quarterly)\b)",
    re.IGNORECASE)
_PRICE_ELEMENTS = "[class*=price], [class*=Price], [itemprop=price], [data-price], [class*=amount]"
_PRICING_PAGE = re.compile(r"/(?:pricing|prices|plans?|membership|members|subscribe|subscriptions?|join|premium)\b",
                           re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Price:
    """A price found in text: "$449.00" -> amount "449.00", currency "USD"."""

    text: str
    amount: str
    currency: str
    recurring: bool


def find_prices(text: str) -> list[Price]:
    """Every price with a currency in ``text`` ("£5 a month" is recurring; "£23m" is not a price)."""
    prices = []
    for m in _PRICE.finditer(text):
        if m.group("amount") is not None:
            amount = m.group("amount")
            currency = m.group("iso_after") or m.group("iso") or _SYMBOLS[m.group("sym")]
        else:
            amount = m.group("amount2")
            currency = m.group("iso2") or _SYMBOLS[m.group("sym2")]
        recurring = _RECURRING.match(text, m.end()) is not None
        prices.append(Price(squeeze(m.group(0)), amount, currency, recurring))
    return prices


@dataclass(slots=True)
class Money:
    """Currencies the site offers, split by how sure we are that they are offers to buy."""

    price_examples: list[dict[str, Any]] = field(default_factory=list)  # prices in price elements
    shop_currencies: dict[str, Evidence] = field(default_factory=dict)   # price elements, switchers, meta
    recurring_currencies: dict[str, Evidence] = field(default_factory=dict)  # plan prices "a month"
    recurring_examples: list[dict[str, Any]] = field(default_factory=list)
    recurring_evidence: list[Evidence] = field(default_factory=list)


def _switcher_currencies(view: PageView) -> Iterable[tuple[str, Evidence]]:
    """ISO codes from currency selectors, ``data-currency`` attributes and ``?currency=`` links."""
    for select in view.tree.css("select[name*=currency], select[id*=currency], select[class*=currency]"):
        for option in select.css("option"):
            value = (option.attributes.get("value") or option.text() or "").strip().upper()[:3]
            if value in ISO_CODES:
                yield value, Evidence(view.url, css_path(select), "option", _clip(option.text() or value, 40),
                                      note="currency switcher")
    for node in view.tree.css("[data-currency]"):
        value = (node.attributes.get("data-currency") or "").strip().upper()
        if value in ISO_CODES:
            yield value, Evidence(view.url, css_path(node), "data-currency", value, note="price in another currency")
    for anchor in view.anchors:
        if "currency" in anchor.url.lower():
            for key, value in parse_qsl(split_url(anchor.url).query):
                if key.lower() in ("currency", "cur") and value.upper() in ISO_CODES:
                    yield value.upper(), Evidence(view.url, anchor.selector, "href", anchor.href[:120],
                                                  note="currency switcher link")
    for key in ("product:price:currency", "og:price:currency"):
        for value in view.meta.get(key, []):
            if value.upper() in ISO_CODES:
                yield value.upper(), Evidence(view.url, f'meta[property="{key}"]', "content", value, note="price meta")


def _page_money(site: SiteView, view: PageView, money: Money) -> None:
    path = site_path(site, view.url)
    seen: set[tuple[str, str]] = set()
    for node in view.tree.css(_PRICE_ELEMENTS):
        text = squeeze(node.text(deep=True, separator=" "))[:2000]
        for price in find_prices(text):
            if (price.currency, price.amount) in seen:
                continue
            seen.add((price.currency, price.amount))
            evidence = Evidence(view.url, css_path(node), snippet=_clip(text, 80), note="price with currency")
            example = {"page": path, "text": price.text, "amount": price.amount, "currency": price.currency}
            if price.recurring:
                money.recurring_currencies.setdefault(price.currency, evidence)
                _add(money.recurring_evidence, evidence)
                if len(money.recurring_examples) < MAX_EVIDENCE:
                    money.recurring_examples.append(example)
            money.shop_currencies.setdefault(price.currency, evidence)
            if len(money.price_examples) < MAX_EVIDENCE:
                money.price_examples.append(example)
    if _PRICING_PAGE.search(split_url(view.url).path):
        for price in find_prices(_text(view)):
            if price.recurring:
                evidence = Evidence(view.url, "body", snippet=price.text, note="recurring plan price")
                money.recurring_currencies.setdefault(price.currency, evidence)
                _add(money.recurring_evidence, evidence)
                if len(money.recurring_examples) < MAX_EVIDENCE and (price.currency, price.amount) not in seen:
                    seen.add((price.currency, price.amount))
                    money.recurring_examples.append({"page": path, "text": price.text, "amount": price.amount,
                                                     "currency": price.currency})
    for code, evidence in _switcher_currencies(view):
        money.shop_currencies.setdefault(code, evidence)


def money(site: SiteView) -> Money:
    """Prices and currencies on the site (memoised)."""
    def build(site: SiteView) -> Money:
        found = Money()
        for view in site.pages:
            _page_money(site, view, found)
        return found
    return _memo(site, "money", build)


def offered_currencies(site: SiteView) -> dict[str, Evidence]:
    """Currencies the site sells in: Product offers always; shop prices and switchers only on a store;
    recurring plan prices (memberships, subscriptions) always. Menus, RRP tables and prose sums never."""
    store, cash = storefront(site), money(site)
    found: dict[str, Evidence] = dict(store.offer_currencies)
    if store.sells:
        for code, evidence in cash.shop_currencies.items():
            found.setdefault(code, evidence)
    for code, evidence in cash.recurring_currencies.items():
        found.setdefault(code, evidence)
    return found


# ----------------------------------------------------------------------------- languages and shipping

_LANG = re.compile(r"^[a-z]{2,3}$")
_REGION = (r"(?:the\s+)?(?:uk|u\.k\.|united\s+kingdom|britain|eu|e\.u\.|european\s+union|europe|us|u\.s\.|usa|"
           r"united\s+states|canada|mexico|australia|new\s+zealand|ireland|germany|france|spain|italy|"
           r"netherlands|japan|china|asia|middle\s+east|africa|south\s+america|latin\s+america|scandinavia|"
           r"switzerland|nordics?)")
_INTL_SHIPPING = re.compile(
    r"\b(?:(?:international|worldwide|global|overseas|cross-border)\s+(?:shipping|delivery|orders)"
    r"|(?:ship|ships|shipping|shipped|deliver|delivers|delivery)\s+(?:worldwide|internationally|globally|abroad|"
    r"overseas|to\s+(?:over\s+)?\d+\s+countries|to\s+most\s+countries)"
    rf"|(?:ship|ships|shipping|shipped|deliver|delivers|delivery)\s+to\s+{_REGION}\s*(?:,|and|&|or)\s*{_REGION})\b",
    re.IGNORECASE)


def _primary(tag: str) -> str:
    primary = tag.strip().replace("_", "-").split("-", 1)[0].lower()
    return primary if _LANG.match(primary) else ""


def languages(site: SiteView) -> tuple[list[str], list[Evidence]]:
    """Primary languages the site is offered in (hreflang alternates, language links, html lang).

    Reported only when there are at least two: a site in one language does
    not reach across a language border, whatever its ``lang`` says.
    ``x-default`` is not a language.
    """
    def build(site: SiteView) -> tuple[list[str], list[Evidence]]:
        found: dict[str, Evidence] = {}
        for view in site.pages:
            for tag in view.link_tags:
                if "alternate" in tag["rel"].split() and tag["hreflang"] and (lang := _primary(tag["hreflang"])):
                    found.setdefault(lang, Evidence(view.url, f'link[rel=alternate][hreflang="{tag["hreflang"]}"]',
                                                    "href", tag["href"][:160], note="hreflang alternate"))
            for value in view.meta.get("og:locale:alternate", []):
                if lang := _primary(value):
                    found.setdefault(lang, Evidence(view.url, 'meta[property="og:locale:alternate"]', "content",
                                                    value, note="alternate locale"))
            if view.lang and (lang := _primary(view.lang)):
                found.setdefault(lang, Evidence(view.url, "html", "lang", view.lang, note="page language"))
        if len(found) < 2:
            return [], []
        return sorted(found), [found[k] for k in sorted(found)]
    return _memo(site, "languages", build)


def international_shipping(site: SiteView) -> list[Evidence]:
    """Sentences promising delivery abroad ("we ship to the UK and EU", "worldwide shipping")."""
    def build(site: SiteView) -> list[Evidence]:
        found: list[Evidence] = []
        for view in site.pages:
            if not _mentions(site, view, ("ship", "deliver")):
                continue
            if (m := _INTL_SHIPPING.search(_text(view))) is not None:
                _add(found, Evidence(view.url, "body", snippet=_clip(m.group(0), 100), note="international shipping"))
        for view in site.pages:  # the description of the home page often says it
            for value in view.meta.get("description", [])[:1]:
                if (m := _INTL_SHIPPING.search(value)) is not None:
                    _add(found, Evidence(view.url, 'meta[name="description"]', "content", _clip(m.group(0), 100),
                                         note="international shipping"))
            break
        return found
    return _memo(site, "shipping", build)


# ----------------------------------------------------------------------------- app stores

def app_store_link(url: str) -> str | None:
    """"app_store" / "google_play" when ``url`` is an app's store page (podcasts.apple.com is not)."""
    parts = split_url(url)
    host, path = (parts.hostname or "").lower(), parts.path.lower()
    if host in ("apps.apple.com", "itunes.apple.com") and "/app/" in path:
        return "app_store"
    if host == "play.google.com" and path.startswith("/store/apps/details"):
        return "google_play"
    return None


def app_links(site: SiteView) -> dict[str, Evidence]:
    """App store links by URL (fragment dropped), with where they were seen."""
    def build(site: SiteView) -> dict[str, Evidence]:
        found: dict[str, Evidence] = {}
        for view, anchor in site.anchors():
            if app_store_link(anchor.url):
                url = anchor.url.split("#", 1)[0]
                found.setdefault(url, Evidence(view.url, anchor.selector, "href", url[:200],
                                               note=_clip(anchor.text, 60)))
        return found
    return _memo(site, "apps", build)


# ----------------------------------------------------------------------------- recurring models

_LOYALTY_LABEL = re.compile(r"\b(?:loyalty|rewards|vip\s+club|points\s+club|treuepunkte|fid[ée]lit[ée])\b",
                            re.IGNORECASE)
_LOYALTY_TEXT = re.compile(
    r"\b(?:loyalty\s+(?:program(?:me)?|club|scheme|card|points)|rewards?\s+(?:program(?:me)?|club|scheme|points)"
    r"|(?:earn|collect|redeem)\s+(?:\d[\d,]*\s+)?(?:reward\s+)?points|points\s+(?:for\s+every|per)\s+(?:[$£€]|dollar|pound|euro))\b",
    re.IGNORECASE)
_LOYALTY_PATH = re.compile(r"/(?:[\w-]*-)?(?:rewards|loyalty)(?:-[\w-]*)?(?:/|\.html?$|$)", re.IGNORECASE)
_SUBSCRIPTION_TEXT = re.compile(
    r"\b(?:billed\s+(?:monthly|annually|yearly|quarterly|every\s+(?:month|year))|subscribe\s*(?:&|and)\s*save"
    r"|(?:monthly|annual|yearly)\s+(?:subscriptions?|memberships?)|subscription\s+(?:plans?|box(?:es)?|service|options?)"
    r"|auto-?renew(?:s|al|ing)?|free\s+trial|membership\s+(?:plans?|fees?|options?|tiers?))\b",
    re.IGNORECASE)
_GIFT = re.compile(
    r"\b(?:e-?gift\s*cards?|gift\s*cards?|gift\s*vouchers?|gift\s*certificates?|geschenkgutscheine?|gutscheine?"
    r"|cartes?[\s-]cadeaux?|tarjetas?\s+regalo|buoni\s+regalo|cadeaukaart(?:en)?)\b", re.IGNORECASE)
_GIFT_PATH = re.compile(r"gift[-_]?cards?|gift[-_]?vouchers?|gift[-_]?certificates?|e-?gift", re.IGNORECASE)


@dataclass(slots=True)
class Recurring:
    loyalty: list[Evidence] = field(default_factory=list)
    subscriptions: list[Evidence] = field(default_factory=list)
    gift_cards: list[Evidence] = field(default_factory=list)
    providers: dict[str, list[str]] = field(default_factory=dict)


def _detections(site: SiteView) -> dict[str, Detection]:
    return default_fingerprints().detect(site)


def _recurring_from_links(site: SiteView, found: Recurring) -> None:
    for view, anchor in site.anchors():
        if anchor.scheme not in ("http", "https"):
            continue
        own = site.is_own(anchor.url)
        path = split_url(anchor.url).path
        if own and (_LOYALTY_LABEL.search(anchor.text) or _LOYALTY_PATH.search(path)):
            _add(found.loyalty, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                         note=f"loyalty link: {_clip(anchor.text, 60)}"))
        if _GIFT.search(anchor.text) or _GIFT_PATH.search(path):
            _add(found.gift_cards, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                            note=f"gift card link: {_clip(anchor.text, 60)}"))


def _recurring_from_text(site: SiteView, found: Recurring) -> None:
    for view in site.pages:
        text = _text(view)
        if (m := _LOYALTY_TEXT.search(text)) is not None:
            _add(found.loyalty, Evidence(view.url, "body", snippet=_clip(m.group(0), 100), note="loyalty programme"))
        if (m := _SUBSCRIPTION_TEXT.search(text)) is not None:
            _add(found.subscriptions, Evidence(view.url, "body", snippet=_clip(m.group(0), 100),
                                               note="subscription wording"))


def recurring(site: SiteView) -> Recurring:
    """Loyalty, subscription/membership and gift card signals (memoised)."""
    def build(site: SiteView) -> Recurring:
        found = Recurring()
        _recurring_from_links(site, found)
        _recurring_from_text(site, found)
        for evidence in money(site).recurring_evidence:
            _add(found.subscriptions, evidence)
        for name, hit in _detections(site).items():
            for kind, bucket in (("loyalty", found.loyalty), ("subscriptions", found.subscriptions)):
                if kind in hit.kinds:
                    found.providers.setdefault(kind, []).append(name)
                    for evidence in hit.evidence[:2]:
                        _add(bucket, evidence)
        return found
    return _memo(site, "recurring", build)


# ----------------------------------------------------------------------------- where to buy

_WTB_LABEL = re.compile(
    r"\b(?:where\s+to\s+buy|stockists?|find\s+an?\s+(?:stockist|retailer|dealer|reseller|store\s+near\s+you)"
    r"|points?\s+of\s+sale|find\s+(?:your\s+)?(?:nearest|local)\s+(?:stockist|retailer|dealer|shop)"
    r"|(?:buy|shop)\s+(?:us\s+)?(?:on|at)\s+amazon|händlersuche|revendeurs|puntos\s+de\s+venta)\b", re.IGNORECASE)
# "Retailers" as a whole label is a retailer list; "Solutions for retailers" on a B2B site is not.
_WTB_BARE = re.compile(r"^(?:our\s+|authori[sz]ed\s+|list\s+of\s+)?(?:retailers|dealers|resellers|händler)$",
                       re.IGNORECASE)
_WTB_SEGMENTS = frozenset({
    "stockists", "stockist", "where-to-buy", "wheretobuy", "retailers", "dealers", "resellers", "find-a-retailer",
    "find-a-dealer", "find-a-stockist", "dealer-locator", "stockist-locator", "retailer-locator", "haendler",
})
_MARKETPLACE = re.compile(
    r"(?:^|\.)(?P<name>amazon|ebay|etsy|walmart|target|bestbuy|zalando|bol|otto|allegro|mercadolibre|mercadolivre"
    r"|rakuten|flipkart|aliexpress|tmall|jd|noon|wayfair|notonthehighstreet|kaufland|cdiscount|takealot|shopee"
    r"|lazada|tokopedia|trendyol)\.(?:[a-z]{2,3})(?:\.[a-z]{2})?$", re.IGNORECASE)
_SHORT_MARKETPLACE = {"amzn.to": "amazon", "a.co": "amazon", "amzn.eu": "amazon", "ebay.us": "ebay"}
_WTB_WIDGETS = {"pricespider.com": "PriceSpider", "destini.co": "Destini", "channelsight.com": "ChannelSight"}


@dataclass(slots=True)
class WhereToBuy:
    pages: list[Evidence] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)  # own where-to-buy pages, as site paths
    marketplaces: dict[str, Evidence] = field(default_factory=dict)
    widgets: dict[str, Evidence] = field(default_factory=dict)

    @property
    def present(self) -> bool:
        return bool(self.pages or self.marketplaces or self.widgets)


MARKETPLACE_NAMES = {"ebay": "eBay", "bestbuy": "Best Buy", "bol": "bol.com", "mercadolibre": "Mercado Libre",
                     "mercadolivre": "Mercado Livre", "aliexpress": "AliExpress", "jd": "JD.com",
                     "notonthehighstreet": "notonthehighstreet"}


def marketplace_name(name: str) -> str:
    """A marketplace as a client names it: "amazon" -> "Amazon", "ebay" -> "eBay"."""
    return MARKETPLACE_NAMES.get(name, name.capitalize())


def marketplace_of(url: str) -> str | None:
    """"amazon", "etsy"... when ``url`` points into a marketplace (a store or product, not its home page)."""
    parts = split_url(url)
    host = (parts.hostname or "").lower()
    name = _SHORT_MARKETPLACE.get(host)
    if name is None:
        m = _MARKETPLACE.search(host)
        if m is None or (parts.path in ("", "/") and not parts.query):
            return None
        name = m.group("name").lower()
    return name


def _is_wtb_url(url: str) -> bool:
    segments = [s.rsplit(".", 1)[0] for s in split_url(url).path.lower().split("/") if s]
    return any(s in _WTB_SEGMENTS for s in segments)


def where_to_buy(site: SiteView) -> WhereToBuy:
    """Stockist pages, retailer links, marketplace stores and where-to-buy widgets (memoised).

    A marketplace link inside an article is a reference, not the brand's
    shop (think a review linking a product on Amazon with an affiliate tag):
    it counts only in the header, nav or footer, or when its label says buy.
    """
    def build(site: SiteView) -> WhereToBuy:
        found = WhereToBuy()
        for view, anchor in site.anchors():
            if anchor.scheme not in ("http", "https"):
                continue
            if site.is_own(anchor.url):
                if _is_wtb_url(anchor.url) or _WTB_LABEL.search(anchor.text) or _WTB_BARE.match(anchor.text):
                    found.targets.add(site_path(site, anchor.url))
                    _add(found.pages, Evidence(view.url, anchor.selector, "href", anchor.href[:160],
                                               note=f"where-to-buy link: {_clip(anchor.text, 60)}"))
                continue
            name = marketplace_of(anchor.url)
            if name and (anchor.region in ("nav", "header", "footer") or
                         re.search(r"\b(?:buy|shop|store|order|available)\b", anchor.text, re.IGNORECASE)):
                found.marketplaces.setdefault(name, Evidence(view.url, anchor.selector, "href", anchor.url[:200],
                                                             note=f"marketplace link: {_clip(anchor.text, 60)}"))
        for view in site.pages:
            if _is_wtb_url(view.url):
                found.targets.add(site_path(site, view.url))
                _add(found.pages, Evidence(view.url, note=f"where-to-buy page: {_clip(view.title, 60)}"))
            for src in view.scripts:
                host = (split_url(src).hostname or "").lower()
                for domain, name in _WTB_WIDGETS.items():
                    if host == domain or host.endswith("." + domain):
                        found.widgets.setdefault(name, Evidence(view.url, "script[src]", "src", src[:200],
                                                                note=f"{name} where-to-buy widget"))
        return found
    return _memo(site, "where_to_buy", build)


# ----------------------------------------------------------------------------- platform

_STRONG_CLUES = frozenset({"script source", "meta tag", "response header", "cookie", "URL matches"})
PLATFORM_THRESHOLD = 50  # one clue only the platform emits (its CDN, generator, header, cookie), or two weaker ones


def slug(name: str) -> str:
    """"Salesforce Commerce Cloud" -> "salesforce-commerce-cloud"."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def _clue_kind(evidence: Evidence) -> str:
    kind = evidence.note.split(": ", 1)[-1]
    return "js" if kind.startswith("names ") else kind


def clue_confidence(evidence: list[Evidence]) -> int:
    """0-100 from the distinct kinds of clue: 50 for a strong one (CDN script, generator meta, header,
    cookie, URL), 25 for a weaker one (element, HTML snippet, inline script, JS name)."""
    kinds = {_clue_kind(e) for e in evidence}
    return min(100, sum(50 if k in _STRONG_CLUES else 25 for k in kinds))


@dataclass(slots=True)
class PlatformMatch:
    name: str
    slug: str
    confidence: int
    builder: bool  # a site builder (Squarespace, Wix): its store only counts when the site sells
    evidence: list[Evidence]


def platform_matches(site: SiteView) -> list[PlatformMatch]:
    """Commerce platforms and site builders found, most confident first (memoised)."""
    def build(site: SiteView) -> list[PlatformMatch]:
        prints = default_fingerprints()
        matches = []
        for name, hit in _detections(site).items():
            if "platform" not in hit.kinds or hit.implied_by:
                continue
            distinct: dict[str, Evidence] = {}
            for evidence in hit.evidence:
                distinct.setdefault(_clue_kind(evidence), evidence)
            tech = prints.technologies.get(name)
            builder = tech is not None and 6 not in tech.cats
            matches.append(PlatformMatch(name, slug(name), clue_confidence(hit.evidence), builder,
                                         list(distinct.values())))
        return sorted(matches, key=lambda m: (-m.confidence, -len(m.evidence), m.name))
    return _memo(site, "platforms", build)


# ----------------------------------------------------------------------------- the checks

def _ev_dicts(evidence: list[Evidence]) -> list[dict[str, str]]:
    return [e.to_dict() for e in evidence]


@check(id="commerce.storefront", category="commerce", title="Online storefront", weight=3)
def storefront_check(site: SiteView) -> Outcome:
    """Can a visitor buy on the site itself?

    Signals: a cart/basket/bag/checkout link or page, add-to-cart forms or
    buttons, pages with schema.org Product + Offer, and prices with a currency
    on the store. Prose ("the dessert cart", "abandoned-cart emails"), menus and
    RRP tables are not a store. A vendor's buy button or checkout overlay
    loaded by the page's own scripts (``_EMBEDS``: the cart opens on the page)
    counts as an add-to-cart control. A quote cart or a wishlist ("Add to
    quote", "Merkzettel") is not a cart whatever its class or path, and a
    link only its class calls a cart counts only when its label is empty (an
    icon) or names the cart: "Start free trial" on a ``btn-cart`` is not one.

    Score: cart or checkout link/page 35, add-to-cart control 25, Product+Offer
    pages 25, prices with a currency 15. Pass = a way to buy (cart or
    add-to-cart) plus product markup; partial = some signals; fail = none (a
    profile for B2B, media or local businesses weights this check at 0).
    Without any of those, an "order online" link to another host of the
    brand (an ordering site the crawl did not see) is partial, 35, with
    ``kind`` "ordering_site": the weaker kind, since its shop was not seen.
    An empty JavaScript shell is ``could_not_check``.
    """
    store, cash = storefront(site), money(site)
    prices = (store.offers + [p for p in cash.price_examples if store.sells])[:MAX_EVIDENCE]
    signals = {
        "cart_link": bool(store.cart_links or store.cart_pages),
        "add_to_cart": bool(store.add_to_cart),
        "product_markup": bool(store.products),
        "prices": bool(prices),
    }
    observations: dict[str, Any] = {
        "cart": store.cart,
        "products": sorted(store.products),
        "prices": prices,
        "signals": signals,
        "cart_links": _ev_dicts(store.cart_links + store.cart_pages),
        "add_to_cart": _ev_dicts(store.add_to_cart),
        "kind": "shop" if store.sells else "ordering_site" if store.ordering_sites else None,
        "ordering_sites": _ev_dicts(store.ordering_sites),
    }
    score = 35 * signals["cart_link"] + 25 * signals["add_to_cart"] + 25 * signals["product_markup"] \
        + 15 * signals["prices"]
    if score == 0 and site.is_app_shell:
        return _shell_outcome(site, observations)
    evidence = store.cart_links[:2] + store.cart_pages[:1] + store.add_to_cart[:2] + list(store.products.values())[:3]
    found = _storefront_finding(store, signals, prices)
    if store.cart and store.products:
        return Outcome("pass", score, observations, evidence,
                       "Keep the cart one tap away on phones and check that every product page shows its price.",
                       found)
    if store.cart:
        return Outcome("partial", score, observations, evidence,
                       "Add schema.org Product markup with an Offer (price, currency, availability) to each product "
                       "page, so search engines and shopping tabs can show what you sell and for how much.",
                       one_line(f"{found}; no Product offer markup"))
    if store.products:
        return Outcome("partial", score, observations, evidence,
                       "Your product pages describe offers but visitors cannot buy here: add a cart and checkout, "
                       "or link each product to the shops that sell it.",
                       one_line(f"{found}, but no cart, checkout or add-to-cart"))
    if store.ordering_sites:
        return Outcome("partial", 35, observations, store.ordering_sites[:2],
                       "Orders are taken on a separate site: link it from every page and make sure it carries "
                       "your brand, so visitors know the shop is yours.",
                       one_line(f"no shop on the site; orders go to another site ({store.ordering_sites[0].snippet})"))
    return Outcome("fail", 0, observations, [],
                   "Visitors cannot buy anything on the site: if you sell products or services, add an online "
                   "shop (cart, checkout, product pages with prices) so customers anywhere can order directly.",
                   "no cart, checkout, add-to-cart button or product offer found")


CLUE_WORDS = {"js": "name in an inline script", "URL matches": "URLs", "HTML": "HTML", "element": "markup"}
"""Kinds of fingerprint clue (the note after the platform's name) as a finding says them."""


def _storefront_finding(store: Storefront, signals: dict[str, bool], prices: list[dict[str, str]]) -> str:
    """"a cart or checkout, add-to-cart buttons, Product offers on 6 pages and prices in GBP"."""
    currencies = sorted({str(p.get("currency")) for p in prices if p.get("currency")})
    parts = ["a cart or checkout" if signals["cart_link"] else "",
             "add-to-cart buttons" if signals["add_to_cart"] else "",
             f"Product offers on {plural(len(store.products), 'page')}" if store.products else "",
             f"prices in {and_list(currencies)}" if currencies else "prices" if signals["prices"] else ""]
    return one_line(and_list(parts))


@check(id="commerce.platform", category="commerce", title="Commerce platform", weight=1)
def platform_check(site: SiteView) -> Outcome:
    """Which commerce platform runs the store, with every clue that identified it.

    Clues come from ``fingerprints/platforms.json`` (kind "platform"): CDN
    scripts, generator meta, headers, cookies, platform markup. Confidence:
    50 per distinct strong clue (CDN script, generator, header, cookie, URL),
    25 per weaker one (element, HTML, inline script); a platform is named at 50
    or more. A site builder (Squarespace, Wix, Square Online) is named as the
    commerce platform only when the site sells; otherwise it is reported as
    ``site_builder``. Pass (100) = identified; partial (50) = a store on a
    platform we cannot recognise (custom or headless); not_applicable = the
    site has no store and no commerce platform.
    """
    store = storefront(site)
    matches = [m for m in platform_matches(site) if m.confidence >= PLATFORM_THRESHOLD]
    shops = [m for m in matches if not m.builder or store.sells]
    builders = [m for m in matches if m.builder and not store.sells]
    best = shops[0] if shops else None
    observations: dict[str, Any] = {
        "platform": best.slug if best else "",
        "name": best.name if best else "",
        "confidence": best.confidence if best else 0,
        "evidence": _ev_dicts(best.evidence) if best else [],
        "also_detected": [{"platform": m.slug, "confidence": m.confidence} for m in shops[1:]],
        "site_builder": builders[0].slug if builders else "",
    }
    if best is not None:
        kinds = sorted({_clue_kind(e) for e in best.evidence}, key=lambda k: (k not in _STRONG_CLUES, k))
        clues = [CLUE_WORDS.get(k, k) for k in kinds[:3]] + (["more"] if len(kinds) > 3 else [])
        return Outcome("pass", 100, observations, best.evidence,
                       f"The store runs on {best.name}: keep it and its apps up to date and use its built-in "
                       "multi-currency, language and mobile checkout features to sell beyond your home market.",
                       one_line(f"the store runs on {best.name} (confidence {best.confidence}, from its "
                                f"{and_list(clues)})"))
    if store.sells:
        return Outcome("partial", 50, observations, [],
                       "We could not recognise the platform behind the store. If it is custom-built, make sure "
                       "checkout is as quick on a phone as on the big platforms (saved details, wallet payments).",
                       "a store, on a platform we could not recognise (custom or headless)")
    if site.is_app_shell:
        return _shell_outcome(site, observations)
    built = f"; the site is built with {builders[0].name}" if builders else ""
    return Outcome("not_applicable", None, observations, [],
                   "No online store was found, so there is no commerce platform to judge.",
                   f"no online store, so no commerce platform{built}")


@check(id="commerce.reach", category="commerce", title="Selling across borders", weight=2)
def reach_check(site: SiteView) -> Outcome:
    """Does the brand sell beyond one market: several currencies, languages, shipping abroad?

    Currencies are ISO codes of offers to buy: Product ``priceCurrency``;
    store prices, currency switchers and price meta on a site that sells;
    recurring plan prices anywhere. Languages: primary subtags from hreflang
    alternates, ``og:locale:alternate`` and ``<html lang>``, only when there
    are two or more (``x-default`` never counts).

    Score: two or more currencies 35 (one currency 10), two or more languages
    35, international shipping 30. Pass >= 65, partial > 0, fail 0.
    Not applicable when the site sells nothing (no store, no offer prices, no
    stockists): then reach is a question for the trust checks' languages.
    """
    store, buy = storefront(site), where_to_buy(site)
    currencies = offered_currencies(site)
    langs, lang_evidence = languages(site)
    shipping = international_shipping(site)
    observations: dict[str, Any] = {
        "currencies": sorted(currencies),
        "languages": langs,
        "international_shipping": bool(shipping),
        "shipping_evidence": _ev_dicts(shipping),
        "sells_online": store.sells,
    }
    evidence = list(currencies.values())[:4] + lang_evidence[:4] + shipping[:2]
    if not (store.sells or currencies or buy.present):
        if site.is_app_shell:
            return _shell_outcome(site, observations)
        return Outcome("not_applicable", None, observations, evidence,
                       "The site does not sell, so reach across borders is not judged here.",
                       "the site sells nothing, online or through stockists, so reach is not judged")
    score = (35 if len(currencies) >= 2 else 10 if currencies else 0) + (35 if len(langs) >= 2 else 0) \
        + (30 if shipping else 0)
    status: Status = "pass" if score >= 65 else "partial" if score > 0 else "fail"
    if len(langs) < 2:
        advice = ("Offer the site in the languages of the markets you sell to, with hreflang alternates so "
                  "search engines send each visitor to their own language.")
    elif len(currencies) < 2:
        advice = "Show prices in your visitors' currencies (a currency switcher or local prices per market)."
    elif not shipping:
        advice = "Say plainly which countries you ship to, with costs and delivery times, on a shipping page."
    else:
        advice = "Keep currencies, languages and shipping rules in step as you add markets."
    if not store.sells and buy.present:
        advice = ("You sell only through retailers: list stockists abroad or add an online shop that ships "
                  "internationally, so customers outside your home market can buy.")
    return Outcome(status, score, observations, evidence, advice,
                   _reach_finding(sorted(currencies), langs, bool(shipping), store.sells or bool(currencies)))


def _reach_finding(currencies: list[str], langs: list[str], shipping: bool, sells: bool) -> str:
    """"2 currencies (EUR, GBP), 3 languages (de, en, fr), ships abroad"."""
    money_part = (f"{plural(len(currencies), 'currency', 'currencies')} ({', '.join(currencies[:5])})" if currencies
                  else "no prices in a currency")
    lang_part = f"{plural(len(langs), 'language')} ({', '.join(langs[:6])})" if len(langs) >= 2 else "one language"
    ship_part = "ships abroad" if shipping else "no shipping abroad mentioned"
    sold = "" if sells else "sold through retailers only; "
    return one_line(f"{sold}{money_part}, {lang_part}, {ship_part}")


@check(id="commerce.apps", category="commerce", title="App store links", weight=1)
def apps_check(site: SiteView) -> Outcome:
    """Links to the brand's apps: apps.apple.com / itunes.apple.com (``/app/``) and
    play.google.com/store/apps/details. Podcast and music pages of Apple are not apps.

    Score: both stores 100 (pass), one store 50 (partial), none 0 (fail; an
    ``apple-itunes-app`` smart banner without links gives 30). An empty
    JavaScript shell with no links is ``could_not_check``.
    """
    links = app_links(site)
    stores = sorted({app_store_link(url) or "" for url in links})
    banner = [view.url for view in site.pages if view.meta.get("apple-itunes-app")][:1]
    observations: dict[str, Any] = {"app_store_links": sorted(links), "stores": stores, "smart_banner": bool(banner)}
    evidence = list(links.values())
    apps = plural(len(links), "app link")
    if len(stores) >= 2:
        return Outcome("pass", 100, observations, evidence,
                       "Keep the App Store and Google Play badges in the footer and on pages about the app.",
                       f"the app is linked on the App Store and Google Play ({apps})")
    if stores:
        missing = "Google Play" if stores == ["app_store"] else "the App Store"
        linked = "the App Store" if stores == ["app_store"] else "Google Play"
        return Outcome("partial", 50, observations, evidence,
                       f"Link the app on {missing} as well, so visitors on every phone can install it.",
                       f"the app is linked on {linked} only ({apps}); not on {missing}")
    if site.is_app_shell:
        return _shell_outcome(site, observations)
    if banner:
        return Outcome("partial", 30, observations,
                       [Evidence(banner[0], 'meta[name="apple-itunes-app"]', "content", note="smart app banner")],
                       "Add visible App Store and Google Play links; the smart banner only shows in Safari on iOS.",
                       "only an iOS smart app banner (apple-itunes-app meta), no app store links")
    return Outcome("fail", 0, observations, [],
                   "No app store links were found: if you have an app, link it on the App Store and Google Play "
                   "from the footer; if not, consider whether repeat customers would use one.",
                   "no App Store or Google Play links")


@check(id="commerce.recurring", category="commerce", title="Loyalty, subscriptions and gift cards", weight=1)
def recurring_check(site: SiteView) -> Outcome:
    """Recurring relationships: loyalty/rewards programmes, subscriptions and memberships, gift cards.

    Loyalty: an own link labelled loyalty/rewards or to a /rewards page, text
    such as "earn points", a loyalty app (Smile.io, LoyaltyLion...).
    Subscriptions: recurring plan prices ("£5 a month"), "billed annually",
    "free trial", "subscribe & save", a subscription app (ReCharge...);
    newsletter and podcast "subscribe" links never count.
    Gift cards: links or pages for gift cards/vouchers (also on outside hosts).

    Score: subscriptions or loyalty 80, both 100, gift cards add 20 (gift cards
    alone 40, partial). Pass >= 80, partial > 0, fail 0. Not applicable when the
    site has no commerce at all (no store, prices or stockists) and no model.
    """
    found = recurring(site)
    has = {"loyalty": bool(found.loyalty), "subscriptions": bool(found.subscriptions),
           "gift_cards": bool(found.gift_cards)}
    observations: dict[str, Any] = {**has, "providers": found.providers,
                                    "evidence_by_model": {k: _ev_dicts(getattr(found, k)) for k in has}}
    evidence = found.loyalty[:2] + found.subscriptions[:2] + found.gift_cards[:2]
    core = has["loyalty"] + has["subscriptions"]
    score = min(100, (100 if core == 2 else 80 if core else 0) + 20 * has["gift_cards"]) if core else \
        (40 if has["gift_cards"] else 0)
    if score == 0:
        if site.is_app_shell:
            return _shell_outcome(site, observations)
        if not (storefront(site).sells or offered_currencies(site) or where_to_buy(site).present):
            return Outcome("not_applicable", None, observations, [],
                           "The site sells nothing, so recurring purchase models are not judged.",
                           "the site sells nothing, so loyalty, subscriptions and gift cards are not judged")
        return Outcome("fail", 0, observations, [],
                       "Give customers a reason to come back: a rewards programme, a subscription for what they "
                       "reorder, or gift cards they can send to friends.",
                       "no loyalty programme, subscription or gift cards found")
    status: Status = "pass" if score >= 80 else "partial"
    if not has["loyalty"]:
        advice = "Add a loyalty or rewards programme so repeat customers earn something for coming back."
    elif not has["subscriptions"]:
        advice = "Offer a subscription or membership for what customers buy again and again."
    elif not has["gift_cards"]:
        advice = "Sell gift cards online: customers bring you new customers as gifts."
    else:
        advice = "Link loyalty, subscriptions and gift cards from the footer so members always find them."
    examples = {"loyalty": found.loyalty, "subscriptions": found.subscriptions, "gift_cards": found.gift_cards}
    return Outcome(status, score, observations, evidence, advice, _recurring_finding(has, found.providers, examples))


RECURRING_NAMES = {"loyalty": "a loyalty programme", "subscriptions": "subscriptions",
                   "gift_cards": "gift cards"}


def _recurring_finding(has: dict[str, bool], providers: dict[str, list[str]],
                       seen: dict[str, list[Evidence]]) -> str:
    """"subscriptions (ReCharge) and gift cards; no loyalty programme"."""
    def named(model: str) -> str:
        tools = sorted(set(providers.get(model, [])))
        snippet = seen[model][0].snippet if seen.get(model) else ""
        shown = (split_url(snippet).hostname or "") if snippet.startswith(("http:", "https:")) else \
            f'"{_clip(snippet, 30)}"' if snippet else ""
        example = shown
        detail = and_list(tools[:2]) or example
        return RECURRING_NAMES[model] + (f" ({detail})" if detail else "")
    present = [named(m) for m in RECURRING_NAMES if has[m]]
    absent = [RECURRING_NAMES[m].removeprefix("a ") for m in RECURRING_NAMES if not has[m]]
    return one_line(and_list(present) + (f"; no {or_list(absent)}" if absent else ""))


@check(id="commerce.where_to_buy", category="commerce", title="Where to buy", weight=1)
def where_to_buy_check(site: SiteView) -> Outcome:
    """Does the brand say where else to buy: stockists, retailer lists, marketplace stores?

    Signals: own links or pages named stockists / where to buy / retailers /
    dealers, marketplace links (Amazon, eBay, Etsy, Walmart, Zalando...) in the
    header, nav or footer or labelled buy/shop, where-to-buy widgets
    (PriceSpider, Destini, ChannelSight).

    Pass (100) = present. Absent on a site with its own store =
    not_applicable (it sells direct); absent on a site that sells nothing =
    fail (visitors cannot find any way to buy).
    """
    found, store = where_to_buy(site), storefront(site)
    observations: dict[str, Any] = {
        "present": found.present,
        "marketplaces": sorted(found.marketplaces),
        "pages": sorted(found.targets),
        "widgets": sorted(found.widgets),
    }
    evidence = found.pages[:3] + list(found.marketplaces.values())[:3] + list(found.widgets.values())[:2]
    if found.present:
        advice = ("Keep the stockist list current and link each product to the retailers that carry it."
                  if not found.marketplaces else
                  "Link your marketplace stores from every product page as well as the footer.")
        parts = [f"where-to-buy page {and_list(sorted(found.targets)[:2])}" if found.targets else
                 "a where-to-buy link" if found.pages else "",
                 f"{and_list(marketplace_name(m) for m in sorted(found.marketplaces)[:3])} store links"
                 if found.marketplaces else "",
                 f"{and_list(sorted(found.widgets)[:2])} widget" if found.widgets else ""]
        return Outcome("pass", 100, observations, evidence, advice, one_line(and_list(parts)))
    if store.sells:
        return Outcome("not_applicable", None, observations, [],
                       "You sell direct online; if retailers or marketplaces also carry you, list them too.",
                       "the site sells direct online and lists no stockists or marketplaces")
    if site.is_app_shell:
        return _shell_outcome(site, observations)
    return Outcome("fail", 0, observations, [],
                   "Visitors cannot find where to buy: add a 'Where to buy' page listing shops and online "
                   "retailers, or an online store of your own.",
                   "no stockists, retailer list or marketplace store, and no shop of its own")
