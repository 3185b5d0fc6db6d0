"""Shared fixtures: the fixture sites on real loopback HTTP, a real SQLite database, mock transports."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from connectedness.crawler import CrawlSettings
from connectedness.crawler.http import HttpxClient
from connectedness.fixtures.server import FixtureServer, FixtureSite, serve_sites
from connectedness.storage import Database, open_database


@pytest.fixture(scope="session")
def fixture_sites() -> Iterator[FixtureServer]:
    """Every bundled fixture site, each on its own 127.0.0.1 port, for the whole test session."""
    with serve_sites() as server:
        yield server


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh SQLite database file, migrated to the newest schema."""
    database = open_database(str(tmp_path / "test.db"))
    yield database
    database.close()


def fast_settings(**overrides: object) -> CrawlSettings:
    """Default settings without politeness waits (no delay, no adaptive throttle), for tests against our own
    servers."""
    values: dict[str, object] = {"delay": 0.0, "autothrottle": False, "backoff_base": 0.01, "time_budget": 60.0}
    values.update(overrides)
    return CrawlSettings(**values)  # type: ignore[arg-type]  # fields of several types


Handler = Callable[[httpx.Request], httpx.Response] | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]


def mock_client(handler: Handler, **settings: float) -> HttpxClient:
    """An HttpxClient whose requests go to ``handler`` instead of the network."""
    return HttpxClient(
        user_agent=CrawlSettings().user_agent,
        connect_timeout=settings.get("connect_timeout", 5.0),
        read_timeout=settings.get("read_timeout", 5.0),
        transport=httpx.MockTransport(handler),
    )


@contextmanager
def empty_postgres_url() -> Iterator[str]:
    """The URL of a new, empty PostgreSQL database on the local server (``make test`` starts one), dropped
    afterwards with whatever connected to it.

    ``CONNECTEDNESS_TEST_POSTGRES`` names the server (a SQLAlchemy URL to an
    existing database the user may create databases from).
    """
    import getpass
    import os
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin_url = make_url(os.environ.get("CONNECTEDNESS_TEST_POSTGRES")
                         or f"postgresql+psycopg://{getpass.getuser()}@127.0.0.1:5432/postgres")
    name = f"connectedness_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres_database(blobs: Path) -> Iterator[Database]:
    """A fresh PostgreSQL database (see :func:`empty_postgres_url`), opened; blobs go to ``blobs``."""
    import os

    previous = os.environ.get("CONNECTEDNESS_BLOBS")
    os.environ["CONNECTEDNESS_BLOBS"] = str(blobs)  # never the user's data dir
    try:
        with empty_postgres_url() as url:
            database = open_database(url)
            try:
                yield database
            finally:
                database.close()
    finally:
        if previous is None:
            os.environ.pop("CONNECTEDNESS_BLOBS", None)
        else:
            os.environ["CONNECTEDNESS_BLOBS"] = previous


@pytest.fixture
def pg_db(tmp_path: Path) -> Iterator[Database]:
    """A fresh PostgreSQL database for one test (see :func:`postgres_database`)."""
    with postgres_database(tmp_path / "blobs") as database:
        yield database


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The same test on a SQLite file and on PostgreSQL."""
    database: Database = request.getfixturevalue("db" if request.param == "sqlite" else "pg_db")
    return database


FIXTURE_SCAN_TIME = "2026-11-23T12:00:00+00:00"
"""The clock fixture audits are judged against: the fixture sites' dates were written for this day."""


@pytest.fixture(scope="session")
def fixture_view(fixture_sites: FixtureServer):
    """``fixture_view(slug)`` -> a SiteView of that fixture site, crawled once per session over loopback.

    The brand's own other hosts (``own_sites``) are in scope, robots.txt is
    obeyed, and ``scan_time`` is pinned to ``FIXTURE_SCAN_TIME``.
    """
    from urllib.parse import urlsplit

    from connectedness.checks.site import SiteView
    from connectedness.crawler import run
    from connectedness.crawler.engine import crawl

    views: dict[str, SiteView] = {}

    def get(slug: str) -> SiteView:
        if slug not in views:
            site = fixture_sites.sites[slug]
            hosts = tuple(urlsplit(fixture_sites.origin(o)).netloc for o in site.own_sites)
            snapshot = run(crawl(fixture_sites.url(slug), fast_settings(brand_hosts=hosts)))
            snapshot.scan_time = FIXTURE_SCAN_TIME
            views[slug] = SiteView(snapshot)
        return views[slug]

    return get


@pytest.fixture(scope="session")
def rendered_view(fixture_sites: FixtureServer):
    """``rendered_view(slug)`` -> a SiteView of that fixture site as ``scan`` sees it with a browser:
    crawled, its key pages rendered in a real Chromium at phone, tablet and desktop sizes, and those
    pages read from their rendered DOM. Every site is rendered on first use, in one browser."""
    from urllib.parse import urlsplit

    from connectedness.audit import Browser
    from connectedness.checks.site import SiteView
    from connectedness.crawler import run
    from connectedness.crawler.engine import crawl

    views: dict[str, SiteView] = {}

    async def render_all() -> None:
        browser = await Browser().open()
        assert browser.renderer is not None, browser.unavailable  # CI has Chromium: never skip
        try:
            for slug, site in fixture_sites.sites.items():
                hosts = tuple(urlsplit(fixture_sites.origin(o)).netloc for o in site.own_sites)
                snapshot = await crawl(fixture_sites.url(slug), fast_settings(brand_hosts=hosts))
                snapshot.scan_time = FIXTURE_SCAN_TIME
                await browser.render_into(snapshot)
                views[slug] = SiteView(snapshot)
        finally:
            await browser.close()

    def get(slug: str) -> SiteView:
        if not views:
            run(render_all())
        return views[slug]

    return get


@pytest.fixture(params=["served", "rendered"])
def audit_mode(request: pytest.FixtureRequest) -> str:
    """Run a truth test on the served HTML (``fixture_view``) and on the rendered DOM (``rendered_view``)."""
    return str(request.param)


@pytest.fixture
def view_for(audit_mode: str, fixture_view, rendered_view):
    """``view_for(slug)`` in the current ``audit_mode``."""
    return rendered_view if audit_mode == "rendered" else fixture_view


def slow_home_sites(folder: Path, slug: str, seconds: float) -> dict[str, FixtureSite]:
    """A one-site fixture folder under ``folder`` whose home page answers after ``seconds``: a scan of it
    is surely still crawling for that long (to kill it, or to watch its time budget end it)."""
    from connectedness.fixtures.server import load_sites

    root = folder / slug
    (root / "public").mkdir(parents=True)
    (root / "public" / "index.html").write_text(f"<title>{slug}</title><p>Late but there.</p>", encoding="utf-8")
    (root / "site.toml").write_text(f'[site]\nbrand = "{slug.title()}"\n\n[[endpoints]]\npath = "/"\n'
                                    f'kind = "delay"\nseconds = {seconds}\nfile = "index.html"\n', encoding="utf-8")
    return load_sites(folder)
