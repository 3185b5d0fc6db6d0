"""Static responsive checks on plain HTML, and on every fixture site against its ground truth."""

from __future__ import annotations

import pytest

from connectedness.checks.base import Outcome, graded
from connectedness.checks.responsive import images, media_queries, parse_viewport, viewport, zoom_disabled
from connectedness.checks.site import SiteView
from connectedness.crawler.snapshot import Asset
from connectedness.fixtures.server import load_sites

SITES = load_sites()


def view(html: str, **more: str) -> SiteView:
    return SiteView.from_html({"https://b.com/": html, **{f"https://b.com/{k}/": v for k, v in more.items()}})


def test_viewport_parsing_and_zoom() -> None:
    pairs = parse_viewport("width=device-width, initial-scale=1, maximum-scale=1.0, user-scalable=yes")
    assert pairs["width"] == "device-width"
    assert zoom_disabled(pairs) == "maximum-scale=1.0"
    assert zoom_disabled(parse_viewport("width=device-width; user-scalable=0")) == "user-scalable=0"
    assert zoom_disabled(parse_viewport("width=device-width, maximum-scale=5")) is None


def test_viewport_pass_partial_fail() -> None:
    good = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert viewport.run(view(good)).status == "pass"
    locked = viewport.run(view('<meta name="viewport" content="width=device-width, user-scalable=no">'))
    assert (locked.status, locked.observations["zoom_disabled"]) == ("partial", True)
    assert "zoom" in locked.recommendation
    none = viewport.run(view("<p>desktop only</p>"))
    assert (none.status, none.score, none.observations["viewport_meta"]) == ("fail", 0, False)
    some = viewport.run(view(good, about="<p>no meta here</p>"))
    assert some.status == "partial" and some.observations["pages_without"] == ["https://b.com/about/"]


def test_a_check_scored_0_is_a_fail_never_a_partial() -> None:
    """Zoom blocked on the home page alone: the meta still works, so partial with a score above 0."""
    locked = viewport.run(view('<meta name="viewport" content="width=device-width, user-scalable=no">'))
    assert locked.status == "partial" and locked.score is not None and locked.score > 0
    assert locked.observations["decided_by"] == "static"
    assert graded(1, 1000) == ("fail", 0)  # a share that rounds to 0 is a fail
    assert graded(1, 100) == ("partial", 1)
    with pytest.raises(ValueError, match="is a fail"):
        Outcome("partial", 0)  # no check can say "partial" with nothing to show for it


def test_no_check_on_any_fixture_site_says_partial_with_a_score_of_0() -> None:
    from connectedness.checks import load_checks

    for slug, fixture in SITES.items():
        html = {f"https://b.com/{p.stem}/": p.read_text(encoding="utf-8", errors="replace")
                for p in sorted((fixture.root / "public").rglob("*.html"))[:12]}
        results = [c.run(SiteView.from_html(html)) for c in load_checks().values()]
        # a check that tried to say "partial, 0" raised, and would show up here as an error
        assert not [r.check_id for r in results if "is a fail" in str(r.observations.get("error", ""))], slug
        assert any(r.status == "partial" for r in results), slug  # partial verdicts were produced and checked


def test_media_queries_inline_linked_and_link_media() -> None:
    inline = media_queries.run(view("<style>.a{}@media (max-width: 600px){.a{display:none}}</style>"))
    assert inline.status == "pass" and inline.observations["queries"] == 1
    print_only = media_queries.run(view("<style>@media print{.a{}}</style>"))
    assert print_only.status == "fail", "a print stylesheet does not make a layout adapt"
    commented = media_queries.run(view("<style>/* @media (min-width: 1px) {} */</style>"))
    assert commented.status == "fail"
    site = view('<link rel="stylesheet" href="/site.css">')
    site.snapshot.assets.append(Asset("https://b.com/site.css", "stylesheet", 200, "text/css",
                                      b"body{}@media screen and (min-width:750px){.x{}}", False, "https://b.com/"))
    linked = media_queries.run(site)
    assert linked.status == "pass" and linked.evidence[0].source == "stylesheet"
    media_attr = media_queries.run(view('<link rel="stylesheet" media="(max-width: 640px)" href="/m.css">'))
    assert media_attr.status == "pass"


def test_framework_classes_alone_are_partial() -> None:
    result = media_queries.run(view('<div class="row"><div class="col-md-6">x</div></div>'))
    assert result.status == "partial" and "col-md-6" in result.observations["framework_classes"]



def test_a_framework_stylesheet_or_a_mobile_site_is_partial_and_unread_css_cannot_decide() -> None:
    sheet = media_queries.run(view('<link rel="stylesheet" href="https://cdn.example/css/bootstrap.min.css?v=3">'))
    assert (sheet.status, sheet.score) == ("partial", 60)
    assert sheet.observations["framework_stylesheets"] == ["https://cdn.example/css/bootstrap.min.css?v=3"]
    mobile = media_queries.run(view('<link rel="alternate" media="only screen and (max-width: 640px)" '
                                    'href="https://m.b.com/page">'))
    assert (mobile.status, mobile.observations["mobile_site"]) == ("partial", ["https://m.b.com/page"])
    assert "separate mobile site" in mobile.recommendation
    unread = media_queries.run(view('<link rel="stylesheet" href="https://static.other.example/site.css">'))
    assert unread.status == "could_not_check" and "not read" in unread.recommendation
    # traps: a stylesheet merely named like a theme, a feed alternate, and a print alternate decide nothing
    trap = media_queries.run(view('<link rel="alternate" type="application/rss+xml" href="/feed">'
                                  '<link rel="alternate" media="print" href="/print">'))
    assert trap.status == "fail" and trap.observations["mobile_site"] == []
    named = media_queries.run(view('<link rel="stylesheet" href="https://cdn.example/bootstrapper-theme.js.css">'))
    assert named.observations["framework_stylesheets"] == []

def test_images() -> None:
    html = ('<img src="a.jpg" srcset="a-400.jpg 400w, a-800.jpg 800w" sizes="100vw">'
            '<picture><source media="(max-width: 600px)" srcset="s.jpg"><img src="b.jpg"></picture>'
            '<img src="c.jpg"><header><img src="logo.svg"></header><img src="pixel.gif" width="1">')
    result = images.run(view(html))
    assert (result.observations["images"], result.observations["responsive"]) == (3, 2)
    assert result.status == "pass" and result.observations["responsive_images"] is True
    assert images.run(view('<img src="a.jpg"><img src="b.jpg">')).status == "fail"
    assert images.run(view("<p>text only</p>")).status == "not_applicable"


@pytest.mark.parametrize("slug", [s for s in SITES if SITES[s].standalone])
def test_fixture_sites_meet_their_static_responsive_truth(fixture_view, slug: str) -> None:
    site = fixture_view(slug)
    truth = SITES[slug].truth["responsive"]
    vp = viewport.run(site).observations
    assert (vp["viewport_meta"], vp["zoom_disabled"]) == (truth["viewport_meta"], truth["zoom_disabled"])
    assert media_queries.run(site).observations["media_queries"] == truth["media_queries"]
    assert images.run(site).observations["responsive_images"] == truth["responsive_images"]


# ----------------------------------------------------------------------------- findings: what was found, in one line

def test_the_viewport_finding_says_what_the_key_pages_declare() -> None:
    good = '<meta name="viewport" content="width=device-width, initial-scale=1">'
    assert viewport.run(view(good, about=good)).finding == \
        "width=device-width viewport with zoom allowed on all 2 key pages"
    locked = viewport.run(view('<meta name="viewport" content="width=device-width, user-scalable=no">'))
    assert locked.finding == "zoom disabled (user-scalable=no) on 1 of 1 key page"
    fixed = viewport.run(view('<meta name="viewport" content="width=980">', about="<p>no meta</p>"))
    assert fixed.finding == ('no width=device-width viewport on the home page (its viewport meta says "width=980"); '
                             "2 of 2 key pages without one")


def test_the_media_queries_and_images_findings_count_what_was_found() -> None:
    site = view('<link rel="stylesheet" href="/site.css"><style>@media (max-width: 600px){.a{}}</style>')
    site.snapshot.assets.append(Asset("https://b.com/site.css", "stylesheet", 200, "text/css",
                                      b"@media (min-width:750px){.x{}} @media (min-width:1200px){.y{}}", False,
                                      "https://b.com/"))
    assert media_queries.run(site).finding == "3 width media queries in 1 stylesheet and 1 style block or link"
    framework = media_queries.run(view('<div class="row"><div class="col-md-6">x</div></div>'))
    assert framework.finding == "no width media queries read; only a responsive framework's grid classes (col-md-6)"
    html = ('<img src="a.jpg" srcset="a-400.jpg 400w, a-800.jpg 800w" sizes="100vw">'
            '<picture><source media="(max-width: 600px)" srcset="s.jpg"><img src="b.jpg"></picture><img src="c.jpg">')
    assert images.run(view(html)).finding == \
        "2 of 3 content images served with srcset or a picture element; 1 in one size for every screen"
    assert images.run(view("<p>text only</p>")).finding == "no content images on the 1 page read"
