"""Social checks: the URL classifier, each check on plain HTML, and every fixture site against its truth."""

from __future__ import annotations

import json
from typing import Any

import pytest

from connectedness.checks import social
from connectedness.checks.base import Check, CheckResult
from connectedness.checks.site import SiteView
from connectedness.checks.social_links import classify
from connectedness.fixtures.server import load_sites

SITES = load_sites()
CHECKS: list[Check] = [social.profiles, social.same_as, social.consistency, social.open_graph, social.share_buttons]
HOME = "https://brand.example/"


def page(body: str, head: str = "", title: str = "Brand") -> str:
    return f"<!doctype html><html lang=en><head><title>{title}</title>{head}</head><body>{body}</body></html>"


FOOTER = """<footer><ul class="social">
  <li><a href="https://www.instagram.com/brandco/">Instagram</a></li>
  <li><a href="https://www.facebook.com/brandco">Facebook</a></li>
  <li><a href="https://x.com/brandco">X</a></li>
</ul></footer>"""


def run(check: Check, pages: dict[str, str], **kwargs: Any) -> CheckResult:
    result = check.run(SiteView.from_html(pages, **kwargs))
    assert result.status != "could_not_check" or "error" not in result.observations, result.observations
    return result


def rejected_urls(result: CheckResult) -> set[str]:
    return {row["url"] for row in result.observations["rejected"]}


# ------------------------------------------------------------------ classifier: profiles and canonical forms

@pytest.mark.parametrize(("url", "network", "profile", "handle"), [
    ("https://www.facebook.com/summitoutfitters", "facebook", "https://www.facebook.com/summitoutfitters",
     "summitoutfitters"),
    ("http://facebook.com/SummitOutfitters/", "facebook", "https://www.facebook.com/summitoutfitters",
     "summitoutfitters"),
    ("https://m.facebook.com/brandco?ref=bookmarks", "facebook", "https://www.facebook.com/brandco", "brandco"),
    ("https://fb.com/brandco", "facebook", "https://www.facebook.com/brandco", "brandco"),
    ("https://www.facebook.com/brandco/about/", "facebook", "https://www.facebook.com/brandco", "brandco"),
    ("https://www.facebook.com/profile.php?id=100064123", "facebook",
     "https://www.facebook.com/profile.php?id=100064123", "100064123"),
    ("https://www.facebook.com/groups/brandfans/", "facebook", "https://www.facebook.com/groups/brandfans",
     "brandfans"),
    ("https://instagram.com/summitoutfitters", "instagram", "https://www.instagram.com/summitoutfitters/",
     "summitoutfitters"),
    ("https://www.instagram.com/CasaLuciaPDX/?hl=en", "instagram", "https://www.instagram.com/casaluciapdx/",
     "casaluciapdx"),
    ("https://www.instagram.com/brand/reels/", "instagram", "https://www.instagram.com/brand/", "brand"),
    ("https://twitter.com/HarbourDaily", "x", "https://x.com/harbourdaily", "harbourdaily"),
    ("https://mobile.twitter.com/harbourdaily/media", "x", "https://x.com/harbourdaily", "harbourdaily"),
    ("https://x.com/northwindcloud", "x", "https://x.com/northwindcloud", "northwindcloud"),
    ("https://www.linkedin.com/company/northwind-cloud", "linkedin",
     "https://www.linkedin.com/company/northwind-cloud/", "northwind-cloud"),
    ("https://uk.linkedin.com/company/Brokenworks/posts/?feedView=all", "linkedin",
     "https://www.linkedin.com/company/brokenworks/", "brokenworks"),
    ("https://www.linkedin.com/school/mit/", "linkedin", "https://www.linkedin.com/school/mit/", "mit"),
    ("https://www.linkedin.com/showcase/brand-labs/about/", "linkedin",
     "https://www.linkedin.com/showcase/brand-labs/", "brand-labs"),
    ("https://www.linkedin.com/in/dana-whitfield-data/", "linkedin",
     "https://www.linkedin.com/in/dana-whitfield-data/", "dana-whitfield-data"),
    ("https://www.youtube.com/@HarbourDaily", "youtube", "https://www.youtube.com/@harbourdaily", "harbourdaily"),
    ("https://m.youtube.com/@northwindcloud/videos", "youtube", "https://www.youtube.com/@northwindcloud",
     "northwindcloud"),
    ("https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w", "youtube",
     "https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w", "UCx8Tr41lh3adSuPp1yC0b2w"),
    ("https://youtube.com/c/BrandTV?sub_confirmation=1", "youtube", "https://www.youtube.com/c/brandtv", "brandtv"),
    ("https://www.youtube.com/user/BrandVideos", "youtube", "https://www.youtube.com/user/brandvideos", "brandvideos"),
    ("https://www.tiktok.com/@SummitOutfitters?lang=en", "tiktok", "https://www.tiktok.com/@summitoutfitters",
     "summitoutfitters"),
    ("https://www.pinterest.com/summitoutfitters", "pinterest", "https://www.pinterest.com/summitoutfitters/",
     "summitoutfitters"),
    ("https://uk.pinterest.co.uk/Brand/autumn-board/", "pinterest", "https://www.pinterest.com/brand/", "brand"),
    ("https://www.threads.net/@brandco", "threads", "https://www.threads.com/@brandco", "brandco"),
    ("https://bsky.app/profile/Brand.example", "bluesky", "https://bsky.app/profile/brand.example", "brand.example"),
    ("https://mastodon.social/@BrandCo", "mastodon", "https://mastodon.social/@brandco", "brandco@mastodon.social"),
    ("https://wa.me/15035550148?text=Hi", "whatsapp", "https://wa.me/15035550148", "15035550148"),
    ("https://api.whatsapp.com/send?phone=+1%20503%20555%200148", "whatsapp", "https://wa.me/15035550148",
     "15035550148"),
    ("https://discord.gg/pulseapp", "discord", "https://discord.gg/pulseapp", "pulseapp"),
    ("https://discord.com/invite/AbCdEf", "discord", "https://discord.gg/AbCdEf", "AbCdEf"),
    ("https://old.reddit.com/r/CampingGear/", "reddit", "https://www.reddit.com/r/campinggear/", "campinggear"),
    ("https://www.reddit.com/u/BrandCo", "reddit", "https://www.reddit.com/user/brandco/", "brandco"),
    ("https://www.twitch.tv/BrandLive/videos", "twitch", "https://www.twitch.tv/brandlive", "brandlive"),
    ("https://www.snapchat.com/add/BrandCo", "snapchat", "https://www.snapchat.com/add/brandco", "brandco"),
    ("https://t.me/BrandNews", "telegram", "https://t.me/brandnews", "brandnews"),
    ("https://brandco.tumblr.com/", "tumblr", "https://www.tumblr.com/brandco", "brandco"),
])
def test_profiles_are_recognised_and_canonicalised(url: str, network: str, profile: str, handle: str) -> None:
    link = classify(url)
    assert link is not None
    assert (link.network, link.kind, link.profile, link.handle) == (network, "profile", profile, handle)


@pytest.mark.parametrize(("url", "network", "handle"), [
    ("https://www.instagram.com/instagram/", "instagram", "instagram"),      # the reserved word itself is an account
    ("https://www.instagram.com/explorers.club/", "instagram", "explorers.club"),
    ("https://www.instagram.com/accounts_brand/", "instagram", "accounts_brand"),
    ("https://x.com/ikea", "x", "ikea"),
    ("https://x.com/intentional", "x", "intentional"),
    ("https://twitter.com/shareholders", "x", "shareholders"),
    ("https://x.com/x", "x", "x"),
    ("https://www.facebook.com/sharerbrand", "facebook", "sharerbrand"),
    ("https://www.facebook.com/dialogue.cafe", "facebook", "dialogue.cafe"),
    ("https://www.pinterest.com/pinmakers/", "pinterest", "pinmakers"),
    ("https://www.youtube.com/@watchmaker", "youtube", "watchmaker"),
    ("https://www.tiktok.com/@embedded", "tiktok", "embedded"),
    ("https://www.linkedin.com/company/sharing-economy/", "linkedin", "sharing-economy"),
])
def test_a_handle_that_begins_with_a_reserved_word_is_still_a_handle(url: str, network: str, handle: str) -> None:
    link = classify(url)
    assert link is not None and link.kind == "profile"
    assert (link.network, link.handle) == (network, handle)


@pytest.mark.parametrize(("url", "network", "link"), [
    ("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fbrand.example%2F", "facebook",
     "https://www.facebook.com/sharer/sharer.php"),
    ("https://www.facebook.com/sharer.php?u=http%3A%2F%2Fwww.alpine-trading.co.uk%2Fnews.html", "facebook",
     "https://www.facebook.com/sharer.php"),
    ("https://www.facebook.com/share.php?u=x", "facebook", "https://www.facebook.com/share.php"),
    ("https://www.facebook.com/dialog/feed?app_id=1&link=x", "facebook", "https://www.facebook.com/dialog/feed"),
    ("https://www.facebook.com/v2.3/dialog/share?href=x", "facebook", "https://www.facebook.com/v2.3/dialog/share"),
    ("https://x.com/intent/tweet?url=x&via=harbourdaily", "x", "https://x.com/intent/tweet"),
    ("https://twitter.com/intent/tweet?text=x", "x", "https://twitter.com/intent/tweet"),
    ("https://x.com/intent/post?text=x", "x", "https://x.com/intent/post"),
    ("https://twitter.com/share?url=x", "x", "https://twitter.com/share"),
    ("https://twitter.com/home?status=x", "x", "https://twitter.com/home"),
    ("https://www.linkedin.com/sharing/share-offsite/?url=x", "linkedin",
     "https://www.linkedin.com/sharing/share-offsite/"),
    ("https://www.linkedin.com/shareArticle?mini=true&url=x", "linkedin", "https://www.linkedin.com/shareArticle"),
    ("https://www.pinterest.com/pin/create/button/?url=x&media=y", "pinterest",
     "https://www.pinterest.com/pin/create/button/"),
    ("https://www.reddit.com/submit?url=x", "reddit", "https://www.reddit.com/submit"),
    ("https://wa.me/?text=Read%20this", "whatsapp", "https://wa.me/"),
    ("https://api.whatsapp.com/send?text=x", "whatsapp", "https://api.whatsapp.com/send"),
    ("whatsapp://send?text=x", "whatsapp", "whatsapp://send"),
    ("https://t.me/share/url?url=x", "telegram", "https://t.me/share/url"),
    ("https://bsky.app/intent/compose?text=x", "bluesky", "https://bsky.app/intent/compose"),
    ("https://www.threads.net/intent/post?text=x", "threads", "https://www.threads.net/intent/post"),
    ("https://www.tumblr.com/widgets/share/tool?canonicalUrl=x", "tumblr", "https://www.tumblr.com/widgets/share/tool"),
    ("https://mastodon.social/share?text=x", "mastodon", "https://mastodon.social/share"),
])
def test_share_intent_sharer_and_dialog_endpoints_are_never_profiles(url: str, network: str, link: str) -> None:
    found = classify(url)
    assert found is not None
    assert (found.network, found.kind, found.profile, found.link) == (network, "share", None, link)


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Fbrandco",
    "https://l.facebook.com/l.php?u=https%3A%2F%2Fbrand.example",
    "https://www.facebook.com/login/",
    "https://www.facebook.com/dialog/oauth?client_id=1",
    "https://www.facebook.com/tr?id=123&ev=PageView",
    "https://www.facebook.com/share/1AbCdEf/",
    "https://x.com/intent/follow?screen_name=brandco",
    "https://t.co/AbC123",
    "https://platform.twitter.com/widgets.js",
    "https://publish.twitter.com/?url=x",
    "https://lnkd.in/eXaMpLe",
    "https://www.linkedin.com/login",
    "https://www.linkedin.com/authwall?trk=x",
    "https://www.instagram.com/accounts/login/",
    "https://www.instagram.com/explore/tags/camping/",
    "https://www.youtube.com/redirect?q=https%3A%2F%2Fbrand.example",
    "https://vm.tiktok.com/ZMabc/",
    "https://pin.it/3xYz",
    "https://accounts.snapchat.com/accounts/login",
    "https://www.reddit.com/login/",
    "https://discord.com/login",
])
def test_login_tracking_plugin_and_short_links_are_other(url: str) -> None:
    found = classify(url)
    assert found is not None
    assert found.kind == "other" and found.profile is None


@pytest.mark.parametrize(("url", "network", "owner"), [
    ("https://twitter.com/jessrowe_sails/status/1857451230987654321?ref_src=twsrc%5Etfw", "x",
     "https://x.com/jessrowe_sails"),
    ("https://x.com/BrandCo/status/1/photo/1", "x", "https://x.com/brandco"),
    ("https://www.instagram.com/brand/p/Cxyz123/", "instagram", "https://www.instagram.com/brand/"),
    ("https://www.instagram.com/brand/reel/Cxyz123/", "instagram", "https://www.instagram.com/brand/"),
    ("https://www.facebook.com/brandco/posts/pfbid0123", "facebook", "https://www.facebook.com/brandco"),
    ("https://www.facebook.com/brandco/photos/a.123/456/", "facebook", "https://www.facebook.com/brandco"),
    ("https://www.tiktok.com/@brandco/video/7300000000000000000", "tiktok", "https://www.tiktok.com/@brandco"),
    ("https://www.reddit.com/r/CampingGear/comments/abc/title/", "reddit", "https://www.reddit.com/r/campinggear/"),
    ("https://bsky.app/profile/brand.example/post/3kabc", "bluesky", "https://bsky.app/profile/brand.example"),
    ("https://www.twitch.tv/brandlive/clip/FunnyClip", "twitch", "https://www.twitch.tv/brandlive"),
])
def test_deep_links_reduce_to_the_owner_profile(url: str, network: str, owner: str) -> None:
    found = classify(url)
    assert found is not None
    assert (found.network, found.kind, found.profile) == (network, "post", owner)


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=hD8rB2kQ4sY",
    "https://youtu.be/hD8rB2kQ4sY",
    "https://www.youtube-nocookie.com/embed/q3N8w2LpX0c",
    "https://www.instagram.com/p/Cxyz123/",
    "https://twitter.com/i/web/status/1857451230987654321",
    "https://www.pinterest.com/pin/123456789/",
    "https://www.linkedin.com/feed/update/urn:li:activity:7000000000000000000/",
])
def test_posts_without_a_named_owner_have_no_profile(url: str) -> None:
    found = classify(url)
    assert found is not None
    assert found.kind == "post" and found.profile is None


# ------------------------------------------------------------------ classifier: how real pages spell profiles
# Each class of address seen on real pages, with a trap beside it that must keep its kind.

@pytest.mark.parametrize(("url", "kind", "profile"), [
    # X handles written with "@", and the old hash-bang addresses (also percent-encoded)
    ("https://twitter.com/@BrandCo", "profile", "https://x.com/brandco"),
    ("https://twitter.com/@BrandCo/status/1857451230987654321", "post", "https://x.com/brandco"),
    ("https://twitter.com/#!/BrandCo", "profile", "https://x.com/brandco"),
    ("https://twitter.com/#%21/BrandCo", "profile", "https://x.com/brandco"),
    ("http://twitter.com/#!/BrandCo?lang=de", "profile", "https://x.com/brandco"),
    ("https://twitter.com/#!/search?q=brandco", "other", None),          # trap: a search, not an account
    ("https://twitter.com/?lang=de", "other", None),                      # trap: X's bare home page
    ("https://twitter.com/intent/tweet?via=BrandCo", "share", None),      # trap: names the brand, still a share
    # Facebook's language hosts serve the same accounts
    ("https://de-de.facebook.com/Brand.Bundesverband", "profile", "https://www.facebook.com/brand.bundesverband"),
    ("https://es-la.facebook.com/BrandOficial/", "profile", "https://www.facebook.com/brandoficial"),
    ("https://pt-br.facebook.com/brandco", "profile", "https://www.facebook.com/brandco"),
    ("https://de-de.facebook.com/sharer/sharer.php?u=x", "share", None),  # trap: a share on a language host
    ("https://developers.facebook.com/brandco", "other", None),           # trap: a service host
    ("https://lm.facebook.com/l.php?u=https%3A%2F%2Fbrand.example", "other", None),  # trap: the link shim
    # a page named by its number stays the page the brand linked
    ("https://www.facebook.com/pages/Brand-Co/104867295531", "profile",
     "https://www.facebook.com/pages/Brand-Co/104867295531"),
    ("http://www.facebook.com/pages/Brand-Co/104867295531/about", "profile",
     "https://www.facebook.com/pages/Brand-Co/104867295531"),
    ("https://www.facebook.com/pages/category/Restaurant/Casa-Lucia-1234/", "profile",
     "https://www.facebook.com/pages/category/Restaurant/Casa-Lucia-1234"),
    ("https://www.facebook.com/app_scoped_user_id/519374028615340/", "other", None),  # trap: a commenter's id
    # LinkedIn's old public-profile address
    ("http://www.linkedin.com/pub/dana-whitfield/3f/81b/5c7", "profile",
     "https://www.linkedin.com/pub/dana-whitfield/3f/81b/5c7/"),
    ("https://de.linkedin.com/pub/dana-whitfield/3f/81b/5c7/de", "profile",
     "https://www.linkedin.com/pub/dana-whitfield/3f/81b/5c7/"),
    ("https://www.linkedin.com/pub/dir/dana/whitfield", "other", None),  # trap: a name search
    # whitespace typed into the href
    ("https://www.facebook.com/brandco%20", "profile", "https://www.facebook.com/brandco"),
    ("https://www.instagram.com/brandco%20/", "profile", "https://www.instagram.com/brandco/"),
    ("https://twitter.com/BrandCo%C2%A0", "profile", "https://x.com/brandco"),
    ("https://www.facebook.com/%20", "other", None),                      # trap: nothing but the space
    # Pinterest's country domains
    ("https://www.pinterest.de/BrandCo/", "profile", "https://www.pinterest.com/brandco/"),
    ("https://www.pinterest.co.uk/brandco/", "profile", "https://www.pinterest.com/brandco/"),
    ("https://www.pinterest.it/brandco/autumn-board/", "profile", "https://www.pinterest.com/brandco/"),
    ("https://www.pinterest.de/pin/create/button/?url=x", "share", None),  # trap: 'Pin it' on a country domain
    ("https://www.pinterest.de/", "other", None),                           # trap: the bare home page
])
def test_profile_addresses_as_real_pages_write_them(url: str, kind: str, profile: str | None) -> None:
    found = classify(url)
    assert found is not None
    assert (found.kind, found.profile) == (kind, profile)


@pytest.mark.parametrize("url", [
    "https://brand.example/about/",
    "/contact/",
    "mailto:hello@brand.example",
    "javascript:void(0)",
    "https://facebook.com.evil.example/brandco",
    "https://notx.com/brandco",
    "https://myinstagram.com/brandco",
    "https://example.social/@brandco",      # /@user on an unknown host without rel=me is not assumed Mastodon
    "https://medium.com/@brandco",
    "http://[::1",                          # unparsable
])
def test_urls_off_the_social_networks_are_not_classified(url: str) -> None:
    assert classify(url) is None


def test_rel_me_makes_any_fediverse_host_a_mastodon_profile_but_not_other_sites() -> None:
    found = classify("https://social.brand.example/@News", rel_me=True)
    assert found is not None and found.kind == "profile"
    assert (found.network, found.profile) == ("mastodon", "https://social.brand.example/@news")
    assert classify("https://brand.example/about/", rel_me=True) is None
    assert classify("https://medium.com/@brandco", rel_me=True) is None


# ------------------------------------------------------------------ placement

@pytest.mark.parametrize(("html", "expected"), [
    ('<footer><p><a href="https://x.com/a">x</a></p></footer>', "footer"),
    ('<div role="contentinfo"><a href="https://x.com/a">x</a></div>', "footer"),
    ('<header><nav><a href="https://x.com/a">x</a></nav></header>', "nav"),
    ('<main><article><p><a href="https://x.com/a">x</a></p></article></main>', "content"),
    ('<main><p><a href="https://x.com/a">x</a></p></main>', "content"),
    ('<main><blockquote><footer><a href="https://x.com/a">x</a></footer></blockquote></main>', "content"),
    ('<footer><blockquote class="twitter-tweet"><a href="https://x.com/a">x</a></blockquote></footer>', "content"),
    ('<main><aside class="sidebar"><a href="https://x.com/a">x</a></aside></main>', "inner"),
    ('<main><footer class="author"><a href="https://x.com/a">x</a></footer></main>', "inner"),
    ('<table><tr><td><a href="https://x.com/a">x</a></td></tr></table>', "body"),
])
def test_placement_tells_page_chrome_from_content(html: str, expected: str) -> None:
    view = SiteView.from_html({HOME: page(html)})
    anchor = view.pages[0].anchors[0]
    assert social.placement(anchor) == expected


# ------------------------------------------------------------------ social.profiles

def test_footer_profiles_on_every_page_pass_with_evidence() -> None:
    pages = {HOME: page("<main><h1>Hi</h1></main>" + FOOTER), HOME + "about/": page("<main>About</main>" + FOOTER)}
    result = run(social.profiles, pages)
    assert result.status == "pass" and result.score == 100
    assert result.observations["profiles"] == {
        "facebook": "https://www.facebook.com/brandco",
        "instagram": "https://www.instagram.com/brandco/",
        "x": "https://x.com/brandco",
    }
    first = result.evidence[0]
    assert first.url == HOME and first.attribute == "href" and "footer" in first.selector
    assert result.recommendation.startswith("Keep")
    json.dumps(result.to_dict())


@pytest.mark.parametrize(("links", "status", "score"), [
    ([], "fail", 0),
    (["https://www.instagram.com/brandco/"], "partial", 40),
    (["https://www.instagram.com/brandco/", "https://www.facebook.com/brandco"], "partial", 70),
    (["https://www.instagram.com/brandco/", "https://www.facebook.com/brandco", "https://x.com/brandco"], "pass", 100),
])
def test_profiles_score_by_networks_found(links: list[str], status: str, score: int) -> None:
    footer = "<footer>" + "".join(f'<a href="{u}">p</a>' for u in links) + "</footer>"
    result = run(social.profiles, {HOME: page("<main>x</main>" + footer)})
    assert (result.status, result.score, result.observations["networks"]) == (status, score, len(links))
    assert result.recommendation


def test_share_links_alone_are_no_profiles() -> None:
    body = """<table><tr><td><h1>News</h1>
      <a href="https://www.facebook.com/sharer.php?u=http%3A%2F%2Fbrand.example%2Fnews.html">Share on Facebook</a>
      <a href="https://x.com/intent/tweet?url=https://brand.example/&via=brandco">Tweet</a>
    </td></tr></table>"""
    result = run(social.profiles, {HOME: page(body), HOME + "news.html": page(body)})
    assert result.status == "fail" and result.observations["profiles"] == {}
    assert {"https://www.facebook.com/sharer.php", "https://x.com/intent/tweet"} <= rejected_urls(result)
    assert all("share button" in r["reason"] for r in result.observations["rejected"])
    assert "share links" in result.recommendation


def test_a_photographers_instagram_credited_in_a_post_is_not_the_brands() -> None:
    post = page("""<main><article><h1>Winter layering</h1>
      <p>Photos by Lena Park (<a href="https://www.instagram.com/lenaparkphoto/">@lenaparkphoto</a>). Follow us at
      <a href="https://instagram.com/brandco">instagram.com/brandco</a>.</p></article></main>""" + FOOTER)
    result = run(social.profiles, {HOME: page("<main>x</main>" + FOOTER), HOME + "blog/winter/": post})
    assert result.observations["profiles"]["instagram"] == "https://www.instagram.com/brandco/"
    assert "https://www.instagram.com/lenaparkphoto/" not in result.observations["profiles"].values()
    row = next(r for r in result.observations["rejected"] if r["url"] == "https://www.instagram.com/lenaparkphoto/")
    assert row["page"] == HOME + "blog/winter/" and "content" in row["reason"]
    # the brand's own profile linked in the article (no www, no slash) is the same account, not a rejection
    assert "https://www.instagram.com/brandco/" not in rejected_urls(result)
    assert result.observations["other_accounts"] == []


def test_an_embedded_tweet_and_its_authors_profile_are_someone_elses() -> None:
    article = page("""<main><article><p>Rowe, who posts as <a href="https://x.com/jessrowe_sails">@jessrowe_sails</a>:</p>
      <blockquote class="twitter-tweet"><p>We did it!</p>&mdash; Jess Rowe (@jessrowe_sails)
      <a href="https://twitter.com/jessrowe_sails/status/1857451230987654321?ref_src=twsrc%5Etfw">November 9</a>
      </blockquote>
      <script async src="https://platform.twitter.com/widgets.js"></script></article></main>""" + FOOTER)
    result = run(social.profiles, {HOME: page("<main>x</main>" + FOOTER), HOME + "2026/11/09/regatta/": article})
    assert result.observations["profiles"]["x"] == "https://x.com/brandco"
    assert {"https://x.com/jessrowe_sails",
            "https://twitter.com/jessrowe_sails/status/1857451230987654321"} <= rejected_urls(result)
    assert result.observations["embedded_social"] == ["twitter"]


def test_a_quoted_customers_linkedin_in_a_blockquote_footer_is_not_the_brands() -> None:
    quote = page("""<main><article><blockquote><p>"Great."</p><footer>&mdash;
      <a href="https://www.linkedin.com/in/dana-whitfield-data/">Dana Whitfield</a></footer></blockquote></article>
      </main>""")
    result = run(social.profiles, {HOME: page("<main>x</main>"), HOME + "customers/harbor/": quote})
    assert result.observations["profiles"] == {}
    assert "https://www.linkedin.com/in/dana-whitfield-data/" in rejected_urls(result)


def test_a_testimonial_on_the_home_page_outside_any_article_is_not_the_brands() -> None:
    # main > section > blockquote > footer: without the quote, the footer would read as a landmark on the home page
    home = page("""<main><section class="testimonials"><blockquote><p>"Great."</p><footer>&mdash;
      <a href="https://www.linkedin.com/in/dana-whitfield-data/">Dana Whitfield</a></footer></blockquote></section>
      </main>""")
    result = run(social.profiles, {HOME: home})
    assert result.observations["profiles"] == {}
    assert "https://www.linkedin.com/in/dana-whitfield-data/" in rejected_urls(result)


def test_an_author_box_inside_main_on_one_post_is_not_the_brands() -> None:
    post = page("""<main><article><p>Text</p></article>
      <footer class="author"><a href="https://x.com/guestwriter">Follow the author</a></footer></main>""")
    result = run(social.profiles, {HOME: page("<main>x</main>"), HOME + "blog/first-trip/": post})
    assert "x" not in result.observations["profiles"]
    assert "https://x.com/guestwriter" in rejected_urls(result)


# ------------------------------------------------------------------ social.profiles on layouts seen on real pages
# A host whose name is no handle below, so only where a link sits (not the brand-name rule) decides.
PIER = "https://northpier.example/"


def pier(body: str, head: str = "") -> str:
    return page(body, head, title="North Pier")


def test_profile_icons_in_a_share_named_bar_of_a_div_footer_are_the_footers() -> None:
    html = pier("""<main><article><p>Story</p><div class="article-share">
        <a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>
        <a href="https://x.com/janedoe">Follow the writer</a></div></article></main>
      <div id="footer"><div class="footer-pledge"><span class="social-share">
        <a href="https://x.com/brandco" aria-label="Brand Co on X"><i class="icon-x"></i></a>
        <a href="https://www.facebook.com/brandco" aria-label="Brand Co on Facebook"><i class="icon-fb"></i></a>
        <a href="https://www.facebook.com/sharer/sharer.php?u=y">Share this page</a></span></div></div>""")
    result = run(social.profiles, {PIER: html})
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/brandco", "x": "https://x.com/brandco"}
    why = {a["url"]: a["why"] for a in result.observations["accounts"]}
    assert why["https://x.com/brandco"] == ["footer"]
    # traps: the share endpoints stay shares, and the writer's account in the post's own share bar is not the brand's
    assert {"https://www.facebook.com/sharer/sharer.php", "https://x.com/janedoe"} <= rejected_urls(result)


def test_a_follow_block_at_the_end_of_the_main_content_is_the_brands() -> None:
    post = pier("""<main id="content"><article><p>As <a href="https://x.com/janedoe">@janedoe</a> wrote...</p></article>
      <div class="connect-panel"><h2>Connect with us</h2><ul class="social-list">
        <li><a href="https://www.facebook.com/brandco">Facebook</a></li>
        <li><a href="https://x.com/brandco">@brandco</a></li></ul></div></main>""",
                head='<meta property="og:type" content="article">')
    result = run(social.profiles, {PIER + "news/2026/11/story/": post})
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/brandco", "x": "https://x.com/brandco"}
    assert {a["why"][0] for a in result.observations["accounts"]} == {"follow block"}
    assert "https://x.com/janedoe" in rejected_urls(result)  # trap: an account quoted in the post


@pytest.mark.parametrize("main", [
    # a staff list: each person's icons in a box named for a person
    """<div class="team"><div class="member"><h3>Alice</h3><ul class="social">
         <li><a href="https://x.com/alice">X</a></li><li><a href="https://www.linkedin.com/in/alice/">LinkedIn</a></li></ul></div>
       <div class="member"><h3>Bob</h3><ul class="social">
         <li><a href="https://x.com/bob">X</a></li><li><a href="https://www.linkedin.com/in/bob/">LinkedIn</a></li></ul></div></div>""",
    # several people's icons in unnamed boxes: two accounts on one network is nobody's brand
    """<div><ul class="social-links"><li><a href="https://x.com/alice">X</a></li>
         <li><a href="https://www.linkedin.com/in/alice/">LinkedIn</a></li></ul></div>
       <div><ul class="social-links"><li><a href="https://x.com/bob">X</a></li>
         <li><a href="https://www.facebook.com/bob">Facebook</a></li></ul></div>""",
    # one network only: a single follow link in the text is not a block of the brand's icons
    """<p>Text</p><div class="follow"><a href="https://x.com/alice">Follow Alice</a></div>""",
])
def test_people_and_single_links_in_the_main_content_are_no_follow_block(main: str) -> None:
    result = run(social.profiles, {PIER + "about/team/": pier(f"<main>{main}</main>")})
    assert result.observations["profiles"] == {}
    assert "https://x.com/alice" in rejected_urls(result)


def test_a_staff_list_in_the_footer_is_the_staffs_while_the_footer_icons_are_the_brands() -> None:
    footer = """<footer><div class="team"><div class="member">Alice <a href="https://x.com/alice">@alice</a>
        <a href="https://www.linkedin.com/in/alice/">LinkedIn</a></div></div>
      <ul class="social"><li><a href="https://x.com/brandco">X</a></li></ul></footer>"""
    result = run(social.profiles, {PIER: pier("<main>x</main>" + footer)})
    assert result.observations["profiles"] == {"x": "https://x.com/brandco"}
    assert {"https://x.com/alice", "https://www.linkedin.com/in/alice/"} <= rejected_urls(result)


def test_the_authors_header_inside_a_post_is_not_the_brands_even_when_the_post_is_all_that_was_scanned() -> None:
    post = pier("""<nav><a href="https://x.com/brandco">X</a></nav>
      <main><header><h1>Review</h1>By Devin <a href="https://x.com/devinwrites">@devinwrites</a></header>
        <article><p>Text</p></article></main>
      <aside class="sidebar"><div class="social-icons"><a href="https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w">YouTube</a></div></aside>""",
                head='<meta property="og:type" content="article">')
    result = run(social.profiles, {PIER + "2026/11/20/review/": post})
    profiles = result.observations["profiles"]
    assert profiles["x"] == "https://x.com/brandco"
    assert "https://x.com/devinwrites" in rejected_urls(result)
    # the site's own sidebar beside the post is chrome, unlike the header inside <main>
    assert profiles["youtube"] == "https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w"


def test_profiles_named_only_in_same_as_are_declared_not_reported_as_linked() -> None:
    same = ('["https://www.facebook.com/brandmagazine", "https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w", '
            '"https://x.com/brandco/"]')
    jsonld = ORG.format(type="NewsMediaOrganization", same_as=same)
    footer = """<footer><a href="https://www.facebook.com/brandmedia/">Facebook</a>
      <a href="https://twitter.com/BrandCo">Twitter</a></footer>"""
    pages = {PIER: pier("<main>x</main>" + jsonld + footer)}
    result = run(social.profiles, pages)
    # the account the brand links, as it links it, not another account of the same network from sameAs
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/brandmedia",
                                               "x": "https://x.com/brandco"}
    assert result.observations["declared_only"] == {"youtube": "https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w"}
    assert "https://www.facebook.com/brandmagazine" in result.observations["other_accounts"]
    assert "YouTube" in result.recommendation and "sameAs" in result.recommendation
    consistency = run(social.consistency, pages)
    assert consistency.observations["only_in_same_as"] == ["https://www.youtube.com/channel/UCx8Tr41lh3adSuPp1yC0b2w"]


def test_an_embedded_post_by_the_brand_names_no_declared_profile() -> None:
    article = pier("""<main><article><blockquote class="instagram-media">
      <a href="https://www.instagram.com/northpier/p/Cxyz123/">A post shared by North Pier</a></blockquote>
      </article></main>""")
    result = run(social.profiles, {PIER: article})
    assert result.observations["profiles"] == {} and result.observations["declared_only"] == {}


def test_the_brand_named_by_its_host_owns_the_profiles_it_links_in_its_content() -> None:
    teaser = pier("""<main><article class="teaser"><h4><a href="https://www.pinterest.de/KaffeeKontor/">Pinterest</a></h4>
      <p>Join us on <a href="https://de-de.facebook.com/KaffeeKontor">Facebook</a>.</p>
      <p>Text by <a href="https://x.com/janedoe">Jane Doe</a></p></article></main>""")
    result = run(social.profiles, {"https://www.kaffee-kontor.example/mitmachen/tests": teaser})
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/kaffeekontor",
                                               "pinterest": "https://www.pinterest.com/kaffeekontor/"}
    assert "https://x.com/janedoe" in rejected_urls(result)  # trap: an author byline in the same content


def test_a_short_host_name_does_not_claim_every_handle_that_contains_it() -> None:
    post = pier("""<main><article><p>The <a href="https://x.com/bauhaus">Bauhaus</a> voted.</p></article></main>""")
    result = run(social.profiles, {"https://www.bau.example/themen/": post})
    assert result.observations["profiles"] == {}


def test_profile_links_in_a_template_the_page_stamps_into_its_footer_count() -> None:
    html = pier("""<main><p>x</p></main><footer id="footer"></footer>
      <template id="js-footer-stamp"><div class="footer__social">
        <a href="https://www.facebook.com/brandco" title="Facebook"><span class="icon"></span></a>
        <a href="http://instagram.com/brandco_fashion" title="Instagram"><span class="icon"></span></a></div></template>
      <template id="share-dialog"><a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a></template>
      <template class="author-card"><a href="https://x.com/janedoe">Jane</a></template>""")
    result = run(social.profiles, {PIER: html})
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/brandco",
                                               "instagram": "https://www.instagram.com/brandco_fashion/"}
    assert {"https://www.facebook.com/sharer/sharer.php", "https://x.com/janedoe"} <= rejected_urls(result)
    evidence = next(e for e in result.evidence if "facebook.com/brandco" in e.snippet)
    assert evidence.selector.startswith("template#js-footer-stamp")


def test_a_page_is_chosen_over_a_group_and_the_most_linked_account_over_one_link() -> None:
    header = """<header><a href="https://www.facebook.com/groups/brandfans">Our group</a>
      <a href="https://www.facebook.com/BrandCo">Facebook</a></header>"""
    body = ('<main><div class="fb-page"><blockquote><a href="https://www.facebook.com/BrandCo">Brand Co</a>'
            "</blockquote></div></main>")
    result = run(social.profiles, {PIER: pier(header + body)})
    assert result.observations["profiles"] == {"facebook": "https://www.facebook.com/brandco"}
    assert result.observations["other_accounts"] == ["https://www.facebook.com/groups/brandfans"]


def test_rel_me_same_as_repetition_and_brand_name_each_make_a_profile_the_brands() -> None:
    # handles unrelated to the name "Brand Co", so each account is the brand's for exactly one reason
    jsonld = ('<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Organization", '
              '"name": "Brand Co", "sameAs": ["https://www.tiktok.com/@makers.studio"]}</script>')
    table = '<table><tr><td><a href="https://www.pinterest.com/makersboards/">Pinterest</a></td></tr></table>'
    home = page(f"""<main><p>Find us on <a rel="me" href="https://bsky.app/profile/makers.bsky.social">Bluesky</a></p></main>
      {table}{jsonld}""", head='<meta property="og:site_name" content="Brand Co">')
    contact = page('<main><p>Say hello on <a href="https://www.instagram.com/brandcopdx/">Instagram</a></p></main>'
                   + table)
    result = run(social.profiles, {HOME: home, HOME + "contact/": contact, HOME + "about/": page(table)})
    why = {a["network"]: a["why"] for a in result.observations["accounts"]}
    # the table after the main content is the page's footer by position (checks/anatomy.py)
    assert why == {"bluesky": ["rel=me"], "instagram": ["brand name"], "pinterest": ["footer"], "tiktok": ["sameAs"]}
    assert result.status == "pass"


def test_a_profile_in_body_text_of_a_single_page_is_not_repeated_enough() -> None:
    pages = {HOME: page('<table><tr><td><a href="https://www.pinterest.com/someoneelse/">P</a></td></tr></table>'),
             HOME + "a/": page("<p>a</p>"), HOME + "b/": page("<p>b</p>")}
    result = run(social.profiles, pages)
    assert result.observations["profiles"] == {}
    assert "https://www.pinterest.com/someoneelse/" in rejected_urls(result)


def test_an_empty_app_shell_could_not_be_checked_rather_than_failed() -> None:
    shell = page('<noscript>Please enable JavaScript.</noscript><div id="app"></div><script src="/app.js"></script>')
    result = run(social.profiles, {HOME: shell, HOME + "about": shell})
    assert result.status == "could_not_check" and result.score is None
    assert result.observations["profiles"] == {} and result.observations["app_shell"] is True
    assert "browser" in result.recommendation


# ------------------------------------------------------------------ social.same_as

ORG = ('<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "{type}", '
       '"name": "Brand Co", "sameAs": {same_as}}}</script>')


def test_same_as_that_agrees_with_the_links_passes() -> None:
    same = json.dumps(["https://www.instagram.com/brandco", "https://facebook.com/brandco/",
                       "https://twitter.com/BrandCo", "https://en.wikipedia.org/wiki/Brand_Co"])
    result = run(social.same_as, {HOME: page(ORG.format(type="Organization", same_as=same) + FOOTER)})
    assert result.status == "pass" and result.score == 100
    assert result.observations["same_as"] == sorted(["https://www.instagram.com/brandco/",
                                                     "https://www.facebook.com/brandco", "https://x.com/brandco"])
    assert result.observations["same_as_other"] == ["https://en.wikipedia.org/wiki/Brand_Co"]
    assert result.observations["agrees_with_links"] is True
    assert result.evidence[0].source == "jsonld"


def test_same_as_missing_while_profiles_are_linked_fails_and_names_them() -> None:
    result = run(social.same_as, {HOME: page(FOOTER)})
    assert result.status == "fail" and result.score == 0
    assert result.observations["agrees_with_links"] is False
    assert '"https://x.com/brandco"' in result.recommendation


def test_same_as_that_disagrees_is_partial_with_both_differences() -> None:
    same = json.dumps(["https://www.instagram.com/brandco/", "https://www.youtube.com/@brandco"])
    result = run(social.same_as, {HOME: page(ORG.format(type="LocalBusiness", same_as=same) + FOOTER)})
    assert result.status == "partial"
    assert result.score == 50 + round(50 * 1 / 4)
    assert result.observations["linked_not_in_same_as"] == ["https://www.facebook.com/brandco", "https://x.com/brandco"]
    assert "https://www.youtube.com/@brandco" in result.recommendation


def test_a_broken_jsonld_block_is_reported_and_never_trusted() -> None:
    broken = ('<script type="application/ld+json">{"@type": "LocalBusiness", "sameAs": '
              '["https://www.instagram.com/brand_archive/" "https://www.facebook.com/brandco"</script>')
    good = ORG.format(type="Organization", same_as='["https://www.facebook.com/brandco"]')
    footer = '<footer><a href="https://www.facebook.com/brandco">f</a></footer>'
    view = SiteView.from_html({HOME: page(footer), HOME + "company/": page(broken + good + footer)})
    result = social.same_as.run(view)
    assert result.observations["same_as"] == ["https://www.facebook.com/brandco"]
    assert result.observations["invalid_jsonld"][0]["url"] == HOME + "company/"
    profiles = social.profiles.run(view)
    assert "instagram" not in profiles.observations["profiles"]
    row = next(r for r in profiles.observations["rejected"] if r["url"] == "https://www.instagram.com/brand_archive/")
    assert "does not parse" in row["reason"]


def test_a_persons_same_as_is_not_the_brands() -> None:
    person = ('<script type="application/ld+json">{"@type": "BlogPosting", "author": {"@type": "Person", '
              '"sameAs": ["https://x.com/guestwriter"]}}</script>')
    result = run(social.same_as, {HOME: page(person)})
    assert result.status == "not_applicable" and result.observations["same_as"] == []


def test_microdata_same_as_of_an_organization_counts() -> None:
    body = ('<div itemscope itemtype="https://schema.org/Organization"><span itemprop="name">Brand</span>'
            '<link itemprop="sameAs" href="https://www.instagram.com/brandco/"></div>'
            '<footer><a href="https://www.instagram.com/brandco/">ig</a></footer>')
    result = run(social.same_as, {HOME: page(body)})
    assert result.status == "pass" and result.observations["same_as"] == ["https://www.instagram.com/brandco/"]


def test_rel_me_links_are_recorded() -> None:
    head = '<link rel="me" href="https://mastodon.social/@brandco">'
    result = run(social.same_as, {HOME: page(FOOTER, head=head)})
    assert result.observations["rel_me"] == ["https://mastodon.social/@brandco"]


# ------------------------------------------------------------------ social.consistency

def test_profiles_on_every_page_are_consistent() -> None:
    pages = {HOME + p: page(f"<main>{p}</main>" + FOOTER) for p in ("", "a/", "b/")}
    result = run(social.consistency, pages)
    assert result.status == "pass" and result.score == 100
    assert (result.observations["pages_with_profiles"], result.observations["pages"]) == (3, 3)


def test_a_page_without_the_footer_links_is_named() -> None:
    pages = {HOME: page(FOOTER), HOME + "a/": page(FOOTER), HOME + "legacy/": page("<p>old page</p>")}
    result = run(social.consistency, pages)
    assert result.status == "partial" and result.score == 67
    assert result.observations["missing"]["x"] == [HOME + "legacy/"]
    assert HOME + "legacy/" in result.recommendation


def test_consistency_is_not_applicable_without_profiles_and_fails_when_only_in_same_as() -> None:
    assert run(social.consistency, {HOME: page("<p>x</p>")}).status == "not_applicable"
    same = ORG.format(type="Organization", same_as='["https://www.instagram.com/brandco/"]')
    result = run(social.consistency, {HOME: page(same)})
    assert result.status == "fail" and result.observations["only_in_same_as"] == ["https://www.instagram.com/brandco/"]


def test_two_accounts_on_one_network_are_reported() -> None:
    footer = FOOTER.replace("</ul>", '<li><a href="https://x.com/brandco_help">Support</a></li></ul>')
    result = run(social.consistency, {HOME: page(footer)})
    assert result.observations["several_accounts"] == {"x": ["https://x.com/brandco", "https://x.com/brandco_help"]}


# ------------------------------------------------------------------ social.open_graph

OG = ('<meta property="og:title" content="T"><meta property="og:description" content="D">'
      '<meta property="og:image" content="https://brand.example/og.png"><meta property="og:url" content="{url}">')
CARD = '<meta name="twitter:card" content="summary_large_image">'


def test_open_graph_and_card_on_key_pages_pass() -> None:
    pages = {HOME: page("x", head=OG.format(url=HOME) + CARD),
             HOME + "blog/first-trip/": page("x", head=OG.format(url=HOME + "blog/first-trip/") + CARD)}
    result = run(social.open_graph, pages)
    assert result.status == "pass" and result.score == 100
    assert result.observations["complete"] is True and result.observations["pages_checked"] == 2


def test_open_graph_without_twitter_card_is_complete_but_partial() -> None:
    result = run(social.open_graph, {HOME: page("x", head=OG.format(url=HOME))})
    assert result.observations["complete"] is True and result.observations["twitter_card"] is False
    assert result.status == "partial" and result.score == 89
    assert "twitter:card" in result.recommendation


def test_missing_and_relative_og_image_make_open_graph_incomplete() -> None:
    relative = OG.format(url=HOME).replace("https://brand.example/og.png", "/og.png")
    pages = {HOME: page("x", head=relative + CARD),
             HOME + "blog/first-trip/": page("x", head=OG.format(url="x").replace('property="og:image"',
                                                                                   'property="og:img"'))}
    result = run(social.open_graph, pages)
    assert result.observations["complete"] is False and result.status == "partial"
    assert result.observations["missing"][HOME] == ["og:image (absolute URL)"]
    assert result.observations["missing"][HOME + "blog/first-trip/"] == ["og:image", "twitter:card"]
    assert any(e.url == HOME + "blog/first-trip/" and "og:image" in e.note for e in result.evidence)


def test_no_open_graph_at_all_fails_and_other_pages_are_not_key() -> None:
    pages = {HOME: page("x"), HOME + "privacy/": page("x")}
    result = run(social.open_graph, pages)
    assert result.status == "fail" and result.score == 0
    assert result.observations["pages_checked"] == 1  # the privacy page is not a key page


# ------------------------------------------------------------------ social.share_buttons

SHARE = '<div class="share"><a href="https://www.facebook.com/sharer/sharer.php?u={url}">Share</a></div>'
POSTING = '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "h"}</script>'
PRODUCT = '<script type="application/ld+json">{"@type": "Product", "name": "Tent"}</script>'


def test_share_buttons_on_every_post_pass() -> None:
    pages = {HOME: page("x"), HOME + "blog/a/": page(POSTING + SHARE.format(url="a")),
             HOME + "2026/01/02/b/": page(SHARE.format(url="b"))}
    result = run(social.share_buttons, pages)
    assert result.status == "pass" and result.score == 100
    assert result.observations["present"] is True and result.observations["content_pages"] == 2
    assert result.observations["methods"] == ["facebook share link"]


def test_products_without_share_buttons_make_it_partial() -> None:
    pages = {HOME: page("x"), HOME + "blog/a/": page(POSTING + SHARE.format(url="a")),
             HOME + "products/tent/": page(PRODUCT)}
    result = run(social.share_buttons, pages)
    assert result.status == "partial" and result.score == 50
    assert result.observations["pages_without"] == [HOME + "products/tent/"]


def test_posts_without_share_buttons_fail_and_a_site_without_posts_is_not_applicable() -> None:
    result = run(social.share_buttons, {HOME: page("x"), HOME + "blog/a/": page(POSTING)})
    assert result.status == "fail" and result.observations["present"] is False
    result = run(social.share_buttons, {HOME: page("x"), HOME + "about/": page("about"), HOME + "blog/": page("list")})
    assert result.status == "not_applicable" and result.observations["present"] is False


@pytest.mark.parametrize("markup", [
    '<script src="https://static.addtoany.com/menu/page.js"></script>',
    '<div class="a2a_kit a2a_default_style"></div>',
    '<button type="button" aria-label="Share this post"><svg></svg></button>',
    '<a href="mailto:?subject=Read%20this&amp;body=https%3A%2F%2Fbrand.example%2Fblog%2Fa%2F">Email</a>',
    '<a href="whatsapp://send?text=https%3A%2F%2Fbrand.example%2Fblog%2Fa%2F">WhatsApp</a>',
])
def test_share_widgets_native_buttons_and_email_links_count(markup: str) -> None:
    result = run(social.share_buttons, {HOME: page("x"), HOME + "blog/a/": page(POSTING + markup)})
    assert result.observations["present"] is True and result.status == "pass"


def test_a_contact_mailto_or_a_share_your_story_link_is_no_share_button() -> None:
    body = '<a href="mailto:hello@brand.example?subject=Hi">Email us</a> <a href="/stories/new/">Share your story</a>'
    result = run(social.share_buttons, {HOME: page("x"), HOME + "blog/a/": page(POSTING + body)})
    assert result.observations["present"] is False and result.status == "fail"


@pytest.mark.parametrize(("path", "head", "expected"), [
    ("blog/pulse-2-0", "", True),
    ("2026/11/20/harbour-bridge-reopens/", "", True),
    ("news/2019/03/spring-catalogue.html", "", True),
    ("blogs/journal/", "", False),
    ("blog/page/2/", "", False),
    ("blog/tag/tents/", "", False),
    ("product/integrations/", "", False),
    ("collections/tents/", "", False),
    ("anything/", '<meta property="og:type" content="article">', True),
    ("anything/", '<meta property="article:published_time" content="2026-01-01">', True),
])
def test_content_pages_from_markup_and_url_shape(path: str, head: str, expected: bool) -> None:
    view = SiteView.from_html({HOME: page("x"), HOME + path: page("x", head=head)})
    assert social.is_content_page(view.pages[1]) is expected


# ------------------------------------------------------------------ every result's shape

def test_every_check_returns_a_complete_json_able_result() -> None:
    view = SiteView.from_html({HOME: page(FOOTER, head=OG.format(url=HOME)), HOME + "blog/a/": page(POSTING)})
    ids = []
    for item in CHECKS:
        result = item.run(view)
        ids.append((item.id, item.weight, item.category))
        assert result.status in ("pass", "partial", "fail", "not_applicable")
        assert result.recommendation and len(result.recommendation) > 30
        assert json.loads(json.dumps(result.to_dict()))["check_id"] == item.id
    assert ids == [("social.profiles", 3, "social"), ("social.same_as", 1, "social"),
                   ("social.consistency", 1, "social"), ("social.open_graph", 2, "social"),
                   ("social.share_buttons", 1, "social")]


def test_the_scan_is_computed_once_per_site() -> None:
    view = SiteView.from_html({HOME: page(FOOTER)})
    assert social.scan(view) is social.scan(view)


# ------------------------------------------------------------------ acceptance: every fixture site

def expected(slug: str, mode: str = "served") -> dict[str, Any]:
    """[truth.social]; read from served HTML, [truth.static] takes precedence where it states a key
    (pulse-app, a JS app). Read from the rendered DOM, the whole truth must be found."""
    truth = SITES[slug].truth
    merged = dict(truth["social"])
    if mode == "served":
        merged.update({k: v for k, v in truth.get("static", {}).items() if k in ("profiles", "same_as")})
    return merged


@pytest.mark.parametrize("slug", sorted(SITES))
def test_fixture_site_matches_its_social_truth(view_for: Any, audit_mode: str, slug: str) -> None:
    view = view_for(slug)
    truth = expected(slug, audit_mode)
    results = {item.id: item.run(view) for item in CHECKS}
    found = results["social.profiles"].observations
    assert found["profiles"] == truth["profiles"]
    rejected = {row["url"] for row in found["rejected"]}
    for url in truth["not_profiles"]:
        assert url in rejected, f"{url} should be rejected on {slug}"
        assert url not in found["profiles"].values()
    assert sorted(results["social.same_as"].observations["same_as"]) == sorted(truth["same_as"])
    assert results["social.open_graph"].observations["complete"] is truth["open_graph"]
    assert results["social.share_buttons"].observations["present"] is truth["share_buttons"]
    if "embedded_social" in truth:
        assert found["embedded_social"] == truth["embedded_social"]
    if truth["profiles"]:
        assert results["social.profiles"].status in ("pass", "partial")
        assert results["social.consistency"].status in ("pass", "partial")
    for result in results.values():
        assert result.recommendation
        json.dumps(result.to_dict())


def test_a_static_audit_of_the_js_app_reports_could_not_check_not_fail(fixture_view: Any) -> None:
    view = fixture_view("pulse-app")
    assert social.profiles.run(view).status == "could_not_check"
    assert social.open_graph.run(view).status == "fail"  # og tags are read from served HTML by every crawler


# ------------------------------------------------------------------ helpers with judgement in them

@pytest.mark.parametrize(("types", "expected"), [
    (["Organization"], True), (["NewsMediaOrganization"], True), (["Restaurant"], True),
    (["SportingGoodsStore"], True), (["LegalService"], True), (["MusicGroup"], True), (["LocalBusiness"], True),
    (["Person"], False), (["BlogPosting"], False), (["Service"], False), (["ProductGroup"], False),
    (["ImageGallery"], False), (["WebSite"], False),
])
def test_which_jsonld_types_speak_for_the_brand(types: list[str], expected: bool) -> None:
    assert social.is_organization(types) is expected


@pytest.mark.parametrize(("handle", "expected"), [
    ("casaluciapdx", True), ("trailheadsupply", True), ("trailhead_supply_co", True),
    ("giulia.beve", False), ("lenaparkphoto", False), ("trail", False), ("co", False), (None, False),
])
def test_a_handle_matches_the_brand_name_only_when_it_is_the_name(handle: str | None, expected: bool) -> None:
    names = ["casalucia", "trailheadsupplyco"]
    assert social.handle_matches(handle, names) is expected


def test_brand_names_come_from_site_name_and_organization_not_long_titles() -> None:
    head = '<meta property="og:site_name" content="Casa Lucia">'
    jsonld = '<script type="application/ld+json">{"@type": "Restaurant", "name": "Casa Lucia PDX"}</script>'
    view = SiteView.from_html({"https://www.casalucia.example/": page(
        jsonld, head=head, title="Casa Lucia | Italian trattoria on SE Division")})
    assert social.brand_names(view) == ["casalucia", "casaluciapdx"]
    bare = SiteView.from_html({"https://harbourdaily.example/": page(
        "x", title="Harbour Daily | News from Portsmere harbour and beyond")})
    assert social.brand_names(bare) == ["harbourdaily"]


@pytest.mark.parametrize(("url", "name"), [
    ("https://www.kaffee-kontor.example/mitmachen/", "kaffeekontor"),   # the registrable name
    ("https://hikerjo.blogplatform.example/blog/post/1", "hikerjo"),              # a blog on a platform: its subdomain
    ("https://blog.trailhead.co.uk/", "trailhead"),                              # a service subdomain is not the name
    ("https://www.ft.com/", ""),                                                 # too short to match any handle
    ("http://127.0.0.1:8080/", ""),
])
def test_the_hosts_name_is_a_brand_name(url: str, name: str) -> None:
    names = social.brand_names(SiteView.from_html({url: page("x", title="A long title that names nothing at all")}))
    assert names == ([name] if name else [])


@pytest.mark.parametrize("item", CHECKS, ids=lambda c: c.id)
def test_a_site_without_pages_could_not_be_checked(item: Check) -> None:
    result = item.run(SiteView.from_html({}))
    assert result.status == "could_not_check" and result.score is None
    assert result.observations == {"reason": "no pages fetched"}


# ------------------------------------------------------------------ findings: what each check found, in one line

def test_the_profiles_finding_names_the_networks_where_and_on_how_many_pages() -> None:
    result = run(social.profiles, {HOME: page(FOOTER), HOME + "about/": page(FOOTER)})
    assert result.finding == "Facebook, Instagram and X linked in the footer of 2 pages"
    shares = run(social.profiles, {HOME: page('<a href="https://www.facebook.com/sharer/sharer.php?u=x">Share</a>')})
    assert shares.finding == "no links to the brand's own social profiles; Facebook share links only"


def test_the_same_as_finding_compares_the_list_with_the_links() -> None:
    missing = run(social.same_as, {HOME: page(FOOTER)})
    assert missing.finding == "3 profiles linked, but no Organization sameAs lists them"
    same = json.dumps(["https://www.instagram.com/brandco/", "https://www.youtube.com/@brandco"])
    partial = run(social.same_as, {HOME: page(ORG.format(type="LocalBusiness", same_as=same) + FOOTER)})
    assert partial.finding == ("Organization sameAs on / lists 2 profiles; 2 linked but not in it, "
                               "1 in it but not linked")


def test_the_consistency_finding_names_the_pages_without_the_profiles() -> None:
    result = run(social.consistency, {HOME: page(FOOTER), HOME + "about/": page(FOOTER),
                                      HOME + "legacy/": page("<p>Old page</p>")})
    assert result.finding == "the Facebook, Instagram and X profiles on 2 of 3 pages; missing on /legacy/"
    every = run(social.consistency, {HOME: page(FOOTER), HOME + "about/": page(FOOTER)})
    assert every.finding == "the Facebook, Instagram and X profiles on every page (2)"


def test_the_open_graph_and_share_findings_count_the_key_pages() -> None:
    no_card = run(social.open_graph, {HOME: page("x", head=OG.format(url=HOME))})
    assert no_card.finding == "Open Graph complete on the one key page; no twitter:card"
    pages = {HOME: page("x", head=OG.format(url=HOME) + CARD),
             HOME + "blog/first-trip/": page("x", head=OG.format(url=HOME + "blog/first-trip/") + CARD)}
    assert run(social.open_graph, pages).finding == "Open Graph tags and twitter:card on all 2 key pages"
    none = run(social.open_graph, {HOME: page("x"), HOME + "privacy/": page("x")})
    assert none.finding == "no Open Graph or twitter:card tags on the one key page"
