"""The accuracy benchmark's own logic (the corpus itself is read by ``make accuracy``, never by the tests):
how it serves pages at their URLs, compares profile URLs and counts hits and misses."""

from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

import pytest

from bench.accuracy.corpus import load_corpus
from bench.accuracy.score import Report, score_item
from bench.accuracy.server import Routes, serve
from bench.accuracy.signals import same_profile


def _corpus(tmp_path: Path) -> Path:
    """A two-page, one-site corpus written here: a path with %2F, a Latin-1 escape, an HTTrack host folder."""
    root = tmp_path / "corpus"
    (root / "pages").mkdir(parents=True)
    (root / "pages" / "a.html").write_text("<title>a</title>")
    (root / "pages" / "b.html").write_text("<title>b</title>")
    (root / "pages" / "c.html").write_text("<title>c</title>")
    pages = [{"file": "a.html", "url": "https://shop.example/item/PU_1%2F01.html"},
             {"file": "b.html", "url": "http://films.example/index.php?scroll=%DCber"},
             {"file": "c.html", "url": "https://news.example/story/?utm_term=x1"},
             {"file": "a.html", "url": None}]
    site = root / "sites" / "mirror" / "www.brand.example"
    (site / "about").mkdir(parents=True)
    (site / "index.html").write_text("<title>home</title>")
    (site / "about" / "index.html").write_text("<title>about</title>")
    sites = [{"slug": "mirror", "start_path": "www.brand.example/index.html", "url": "http://www.brand.example/"}]
    (root / "pages.json").write_text(json.dumps(pages))
    (root / "sites.json").write_text(json.dumps(sites))
    return root


def _file(routes: Routes, host: str, target: str) -> Path:
    status, path, _ = routes.find(host, target)
    assert path is not None, status
    return path


def test_routes_serve_each_page_at_its_own_url(tmp_path: Path) -> None:
    corpus = load_corpus(_corpus(tmp_path))
    routes = Routes(corpus)
    assert _file(routes, "shop.example", "/item/PU_1%2F01.html").name == "a.html"
    assert routes.find("shop.example", "/item/PU_2%2F01.html")[0] == 404
    assert _file(routes, "films.example", "/index.php?scroll=%dcber").name == "b.html"  # escapes in any case
    assert _file(routes, "news.example", "/story/").name == "c.html"  # tracking parameters dropped by a crawler
    assert routes.find("films.example", "/other")[0] == 404
    assert corpus.pages[3].url.startswith("http://unknown-page-3.") and not corpus.pages[3].url_known


def test_routes_serve_a_mirror_from_its_host_folder(tmp_path: Path) -> None:
    corpus = load_corpus(_corpus(tmp_path))
    (site,) = corpus.sites
    assert site.start_url == "http://www.brand.example/" and site.root.name == "www.brand.example"
    routes = Routes(corpus)
    assert _file(routes, "www.brand.example", "/").read_text() == "<title>home</title>"
    assert routes.find("www.brand.example", "/about") == (301, None, "/about/")
    assert routes.find("www.brand.example", "/../../pages.json")[0] == 404
    assert set(corpus.hosts) == {"shop.example", "films.example", "news.example", "unknown-page-3.corpus.test",
                                 "www.brand.example"}


def test_server_routes_by_host_header(tmp_path: Path) -> None:
    corpus = load_corpus(_corpus(tmp_path))
    (server,) = serve(corpus, http_port=0)
    try:
        connection = http.client.HTTPConnection("127.0.0.1", server.server_address[1], timeout=5)
        connection.request("GET", "/item/PU_1%2F01.html", headers={"Host": "shop.example"})
        answer = connection.getresponse()
        assert (answer.status, answer.read()) == (200, b"<title>a</title>")
        assert answer.getheader("content-type") == "text/html"
        connection.request("GET", "/robots.txt", headers={"Host": "shop.example"})
        assert connection.getresponse().status == 404
        connection.close()
    finally:
        server.shutdown()


@pytest.mark.parametrize(("a", "b", "same"), [
    ("https://twitter.com/@brand", "https://x.com/brand", True),
    ("https://twitter.com/#!/brand", "http://www.twitter.com/brand/", True),
    ("https://de-de.facebook.com/brand", "https://www.facebook.com/brand", True),
    ("https://www.facebook.com/pg/brand/photos/", "https://facebook.com/brand", True),
    ("https://www.pinterest.de/brand/", "https://pinterest.com/brand", True),
    ("https://www.youtube.com/user/brand/videos", "https://youtube.com/user/brand", True),
    ("https://www.instagram.com/brand%20", "https://instagram.com/brand", True),  # a stray trailing space
    ("https://twitter.com/brand", "https://twitter.com/brandnews", False),
    ("https://twitter.com/brand", "https://instagram.com/brand", False),
    ("https://twitter.com/", "https://twitter.com/brand", False),
])
def test_profile_urls_compare_as_accounts(a: str, b: str, same: bool) -> None:
    assert same_profile(a, b) is same


def _doc(**results: dict[str, Any]) -> dict[str, Any]:
    return {"scan": {"status": "complete"}, "results": [{"check_id": k, **v} for k, v in results.items()]}


def test_scoring_counts_hits_misses_and_leaves_null_labels_out() -> None:
    report = Report()
    labels = {"podcast": True, "comments": False, "live_chat": None, "newsletter_signup": True,
              "social_profiles": {"x": "https://twitter.com/brand", "facebook": None, "instagram": "https://instagram.com/b"}}
    doc = _doc(**{"active.podcast": {"status": "partial", "observations": {"present": False}},
                  "hooks.comments": {"status": "pass", "observations": {}},
                  "hooks.chat": {"status": "pass", "observations": {}},
                  "hooks.newsletter": {"status": "pass", "observations": {"present": True}},
                  "social.profiles": {"status": "pass", "observations": {"profiles": {
                      "twitter": "https://x.com/brand", "facebook": "https://facebook.com/someone"}}}})
    score_item(report, item="page:p", url="https://brand.example/", kind="page", doc=doc, labels=labels)
    t = report.tallies
    assert (t["podcast"].fn, t["comments"].fp, t["live_chat"].unlabelled, t["newsletter_signup"].tp) == (1, 1, 1, 1)
    assert (t["social_profiles"].tp, t["social_profiles"].fp, t["social_profiles"].fn) == (1, 1, 1)
    kinds = sorted((m["signal"], m["kind"]) for m in report.misses)
    assert ("podcast", "fn") in kinds and ("comments", "fp") in kinds
    assert ("social_profiles:facebook", "fp") in kinds and ("social_profiles:instagram", "fn") in kinds


def test_newest_post_hits_within_a_day() -> None:
    report = Report()
    for n, (expected, got) in enumerate([("2024-12-07", "2024-12-08"), ("2024-12-07", "2024-10-01"),
                                         ("2024-12-07", None), (None, None)]):
        doc = _doc(**{"active.recency": {"status": "pass", "observations": {"newest_post": got}}})
        score_item(report, item=f"site:{n}", url="u", kind="site", doc=doc, labels={"newest_post_date": expected})
    assert [d["hit"] for d in report.dates] == [True, False, False, True]
    tally = report.tallies["site.newest_post_within_1_day"]
    assert (tally.tp, tally.fn, tally.tn) == (1, 2, 1)
