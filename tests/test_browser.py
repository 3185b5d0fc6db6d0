"""A real Chromium is found and renders a loopback page: the set-up installed it, nothing is mocked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from connectedness.crawler.browser import BrowserNotFound, find_chromium
from connectedness.fixtures.server import load_sites, serve_sites


def test_a_chromium_is_found() -> None:
    location = find_chromium()
    assert os.access(location.path, os.X_OK)
    assert location.source in ("env", "playwright", "system")


def test_an_env_path_that_is_not_a_browser_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(tmp_path / "nope"))
    with pytest.raises(BrowserNotFound, match="CONNECTEDNESS_CHROMIUM"):
        find_chromium()


def test_the_env_path_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    real = find_chromium()
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", real.path)
    assert find_chromium().source == "env"


def test_chromium_renders_a_page_built_by_script(tmp_path: Path) -> None:
    site = tmp_path / "sites" / "js"
    (site / "public").mkdir(parents=True)
    (site / "site.toml").write_text('[site]\nbrand = "JS"\n')
    (site / "public" / "index.html").write_text(
        "<!doctype html><title>t</title><div id=app></div>"
        "<script>document.getElementById('app').innerHTML = '<a href=\"/x\">built by script</a>'</script>"
    )
    location = find_chromium()
    with serve_sites(load_sites(tmp_path / "sites")) as server, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=location.path, args=location.launch_args(), headless=True)
        try:
            page = browser.new_page()
            page.goto(server.url("js"), wait_until="load")
            assert page.inner_text("#app") == "built by script"
        finally:
            browser.close()
