"""The ``connectedness`` command: options in, one orchestration call, tables or JSON out.

Exit codes: 0 done, 1 the scan (or a site of a batch) failed, 2 usage error
(bad option, malformed URL).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectedness import __version__
from connectedness.audit import CrawlJob, CrawlOutcome, crawl_and_store, crawl_batch
from connectedness.crawler import CrawlIssue, CrawlSettings, InvalidURL, Page, parse_start_url
from connectedness.crawler import run as run_async

app = typer.Typer(
    name="connectedness",
    help="Audit how connected a brand's website is: crawl it politely, keep every scan in a database.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)
fixtures_app = typer.Typer(help="The bundled fixture brand sites (served on 127.0.0.1 only).", no_args_is_help=True)
app.add_typer(fixtures_app, name="fixtures")

# Piped output keeps whole lines (a pipe is not an 80-column terminal).
out = Console(width=None if sys.stdout.isatty() else 240)
err = Console(stderr=True, soft_wrap=True)
_DEFAULTS = CrawlSettings()

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL or SQLite file path. Default: $CONNECTEDNESS_DB, else connectedness.db in the user data dir.",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout instead of tables.")]


def main() -> None:
    app()


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(message)s",
        handlers=[RichHandler(console=err, show_path=False, show_time=False)],
    )


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def _open_db(url: str | None):  # type: ignore[no-untyped-def]
    from connectedness.storage import open_database

    try:
        return open_database(url)
    except Exception as exc:  # noqa: BLE001 - any driver or path error: say it in one line
        err.print(f"[red]error:[/] cannot open database {url or '(default)'}: {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None


@app.command()
def crawl(
    url: Annotated[str, typer.Argument(help="The brand's home page, e.g. https://brand.com (a bare host gets https://).")],
    name: Annotated[str | None, typer.Option(help="Brand name to store the scan under. Default: the registrable domain.")] = None,
    group: Annotated[str | None, typer.Option(help="Competitor group the brand belongs to.")] = None,
    max_pages: Annotated[int, typer.Option(min=1, help="Most HTML pages fetched.")] = _DEFAULTS.max_pages,
    max_depth: Annotated[int, typer.Option(min=0, help="Most link hops from the home page.")] = _DEFAULTS.max_depth,
    max_bytes: Annotated[int, typer.Option(min=1024, help="Most bytes read of one response; the rest is never downloaded.")] = _DEFAULTS.max_bytes,
    delay: Annotated[float, typer.Option(min=0, help="Seconds between request starts per host (robots Crawl-delay wins if larger).")] = _DEFAULTS.delay,
    concurrency: Annotated[int, typer.Option(min=1, help="Requests in flight per host.")] = _DEFAULTS.per_host_concurrency,
    time_budget: Annotated[float, typer.Option(min=1, help="Seconds the whole crawl may take.")] = _DEFAULTS.time_budget,
    timeout: Annotated[float, typer.Option(min=0.1, help="Read timeout in seconds.")] = _DEFAULTS.read_timeout,
    retries: Annotated[int, typer.Option(min=0, help="Retries after connection errors, timeouts, 429 and 5xx gateway errors.")] = _DEFAULTS.retries,
    brand_host: Annotated[list[str] | None, typer.Option(help="Another host that belongs to the brand (repeatable).")] = None,
    ignore_robots: Annotated[bool, typer.Option("--ignore-robots", help="Do not read robots.txt. Logged and stored with the scan.")] = False,
    user_agent: Annotated[str, typer.Option(help="User-Agent header and robots.txt token.")] = _DEFAULTS.user_agent,
    db: DbOption = None,
    no_store: Annotated[bool, typer.Option("--no-store", help="Crawl and print, but keep nothing in the database.")] = False,
    json_out: JsonOption = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log retries and decisions to stderr.")] = False,
) -> None:
    """Crawl one site: what was fetched, its status and why it was chosen. Stores the crawl as a scan.

    Exit code 0 when the home page was fetched (even if other pages failed: they are listed),
    1 when the whole crawl failed (unreachable, refused by robots.txt, redirect loop...), 2 for a bad URL.
    """
    _setup_logging(verbose)
    try:
        start = parse_start_url(url)
    except InvalidURL as exc:
        err.print(f"[red]error:[/] {exc}")
        raise typer.Exit(2) from None
    settings = CrawlSettings(
        max_pages=max_pages, max_depth=max_depth, max_bytes=max_bytes, delay=delay, per_host_concurrency=concurrency,
        time_budget=time_budget, read_timeout=timeout, retries=retries, brand_hosts=tuple(brand_host or ()),
        respect_robots=not ignore_robots, user_agent=user_agent,
    )
    database = None if no_store else _open_db(db)
    job = CrawlJob(start, name, group, settings)
    if json_out or not err.is_terminal:
        outcome = run_async(crawl_and_store(job, database))
    else:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True) as bar:
            task = bar.add_task(f"crawling {start}", total=max_pages)

            def tick(event: Page | CrawlIssue) -> None:
                if isinstance(event, Page):
                    bar.advance(task)

            outcome = run_async(crawl_and_store(job, database, tick))
    if json_out:
        _print_json(_outcome_json(outcome))
    else:
        _print_crawl(outcome)
    if outcome.failed:
        err.print(f"[red]failed:[/] {outcome.message}")
        raise typer.Exit(1)


def _outcome_json(outcome: CrawlOutcome) -> dict[str, Any]:
    return {
        "tool": "connectedness",
        "version": __version__,
        "brand": outcome.brand,
        "scan_id": outcome.scan_id,
        "error": outcome.error,
        "snapshot": outcome.snapshot.to_dict(with_bodies=False) if outcome.snapshot else None,
    }


def _print_crawl(outcome: CrawlOutcome) -> None:
    snapshot = outcome.snapshot
    if snapshot is None:
        return
    table = Table(title=f"{outcome.brand}: {snapshot.start_url}", title_justify="left")
    for column in ("#", "status", "why chosen", "depth", "URL", "KB", "s"):
        table.add_column(column, justify="right" if column in ("#", "depth", "KB", "s") else "left")
    for index, page in enumerate(snapshot.pages, 1):
        note = " (cut)" if page.truncated else ""
        shown = page.final_url if page.final_url == page.url else f"{page.url} → {page.final_url}"
        table.add_row(str(index), str(page.status), page.reason, str(page.depth), shown + note,
                      f"{len(page.body) / 1024:.0f}", f"{page.elapsed:.2f}")
    out.print(table)
    if snapshot.issues:
        issues = Table(title="Not fetched or kept", title_justify="left")
        for column in ("reason", "URL", "found on", "detail"):
            issues.add_column(column)
        for issue in snapshot.issues:
            issues.add_row(issue.reason, issue.url, issue.found_on or "", issue.message)
        out.print(issues)
    if snapshot.feeds:
        feeds = Table(title="Feeds", title_justify="left")
        for column in ("URL", "kind", "found via", "entries", "newest", "podcast"):
            feeds.add_column(column)
        for feed in snapshot.feeds:
            newest = max((e.published for e in feed.entries if e.published), default="")
            feeds.add_row(feed.url, feed.kind, feed.found_via, str(len(feed.entries)), newest[:10], "yes" if feed.itunes else "")
        out.print(feeds)
    robots = ", ".join(f"{r.url}: {r.outcome}" for r in snapshot.robots) or "none"
    sitemaps = ", ".join(f"{s.url} ({s.urls} URLs{', ' + s.error if s.error else ''})" for s in snapshot.sitemaps) or "none"
    out.print(f"robots.txt: {robots}\nsitemaps: {sitemaps}")
    stored = f"stored as scan {outcome.scan_id}" if outcome.scan_id else "not stored"
    out.print(f"{snapshot.status}: {len(snapshot.pages)} pages, {len(snapshot.issues)} issues in "
              f"{snapshot.stats.get('seconds', 0):.1f} s; {stored}")


@app.command()
def scans(
    brand: Annotated[str | None, typer.Option(help="Only this brand's scans.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """List stored scans, newest first."""
    from connectedness.storage import list_scans

    rows = list_scans(_open_db(db), brand)
    data = [
        {"id": s.id, "brand": s.brand.name, "group": s.brand.competitor_group, "started_at": s.started_at.isoformat(),
         "status": s.status, "pages": s.page_count, "issues": s.issue_count, "url": s.start_url,
         "failure": s.failure_reason}
        for s in rows
    ]
    if json_out:
        _print_json(data)
        return
    table = Table()
    for column in ("id", "brand", "group", "started", "status", "pages", "issues", "URL"):
        table.add_column(column)
    for row in data:
        status = row["status"] + (f" ({row['failure']})" if row["failure"] else "")
        table.add_row(str(row["id"]), row["brand"], row["group"] or "", row["started_at"][:19], status,
                      str(row["pages"]), str(row["issues"]), row["url"])
    out.print(table)


@app.command()
def settings(json_out: JsonOption = False) -> None:
    """Every crawl setting with its default and what it does."""
    rows = [{"name": name, "default": default, "doc": doc} for name, default, doc in CrawlSettings.field_docs()]
    if json_out:
        _print_json(rows)
        return
    table = Table()
    for column in ("setting", "default", "what it does"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["name"], repr(row["default"]), row["doc"])
    out.print(table)


@app.command()
def browser(
    install: Annotated[bool, typer.Option("--install", help="Install Debian's chromium when none is found (root with apt-get only).")] = False,
) -> None:
    """Find the Chromium used for rendering: $CONNECTEDNESS_CHROMIUM, Playwright's own, then system browsers."""
    from connectedness.crawler.browser import (
        BrowserNotFound, can_install_with_apt, chromium_version, find_chromium, install_hint, install_with_apt,
    )

    try:
        location = find_chromium()
    except BrowserNotFound as exc:
        if not install:
            err.print(f"[red]error:[/] {exc}")
            raise typer.Exit(1) from None
        if not can_install_with_apt():
            err.print(f"[red]error:[/] {install_hint()}")
            raise typer.Exit(1) from None
        err.print("no Chromium found: installing Debian's chromium package with apt-get")
        install_with_apt()
        location = find_chromium()
    out.print(f"chromium: {location.path} ({location.source}) {chromium_version(location)}".rstrip())


@app.command()
def demo(
    db: Annotated[Path, typer.Option(help="SQLite file the demo stores its scans in.")] = Path("demo-output/connectedness.db"),
    concurrency: Annotated[int, typer.Option(min=1, help="Sites crawled at once.")] = 3,
    json_out: JsonOption = False,
) -> None:
    """Serve the bundled fixture sites on 127.0.0.1 and crawl every one of them into a database, with a report.

    Writes DB and a Markdown report beside it (report.md). Exit code 1 if any site's crawl failed
    unexpectedly; the deliberately broken fixture site is expected to show issues, not to fail.
    """
    from connectedness.fixtures.server import serve_sites
    from connectedness.reports.crawl import crawl_report_markdown

    _setup_logging(False)
    database = _open_db(str(db))
    started = time.monotonic()
    with serve_sites() as server:
        jobs = [
            CrawlJob(
                server.url(slug), brand=site.brand, group=site.group or None,
                settings=CrawlSettings(brand_hosts=tuple(server.origin(o).split("://", 1)[1] for o in site.own_sites)),
            )
            for slug, site in server.sites.items()
            if site.standalone  # a brand's second host is crawled with its main site
        ]
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True, disable=json_out) as bar:
            task = bar.add_task("crawling the fixture sites", total=len(jobs))
            outcomes = run_async(crawl_batch(jobs, database, concurrency=concurrency,
                                               on_done=lambda _o: bar.advance(task)))
    seconds = time.monotonic() - started
    report_path = db.parent / "report.md"
    report_path.write_text(crawl_report_markdown(outcomes, seconds), encoding="utf-8")
    if json_out:
        _print_json([_outcome_json(o) | {"snapshot": None, "message": o.message} for o in outcomes])
    else:
        table = Table(title="Fixture sites crawled", title_justify="left")
        for column in ("brand", "group", "status", "pages", "issues", "feeds", "scan", "URL"):
            table.add_column(column)
        for o in outcomes:
            snap = o.snapshot
            table.add_row(o.brand, o.job.group or "", o.message if o.failed else (snap.status if snap else ""),
                          str(len(snap.pages)) if snap else "", str(len(snap.issues)) if snap else "",
                          str(len(snap.feeds)) if snap else "", str(o.scan_id or ""), o.job.url)
        out.print(table)
        out.print(f"{len(outcomes)} sites in {seconds:.1f} s. Database: {db}  Report: {report_path}")
        out.print(f"Try: sqlite3 {db} 'select reason, count(*) from crawl_issues group by reason'")
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)


@fixtures_app.command("serve")
def fixtures_serve(
    port: Annotated[int, typer.Option(help="Port of the first site; the others follow in name order. 0 = any free ports.")] = 8100,
) -> None:
    """Serve every fixture site on its own 127.0.0.1 port until interrupted (Ctrl-C)."""
    from connectedness.fixtures.server import serve_sites

    with serve_sites(first_port=port) as server:
        table = Table(title="Fixture sites on 127.0.0.1", title_justify="left")
        for column in ("site", "brand", "group", "URL"):
            table.add_column(column)
        for slug, site in server.sites.items():
            table.add_row(slug, site.brand, site.group, server.url(slug))
        out.print(table)
        out.print("Ctrl-C stops them.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@fixtures_app.command("list")
def fixtures_list(json_out: JsonOption = False) -> None:
    """The fixture sites: slug, brand, archetype and competitor group."""
    from connectedness.fixtures.server import load_sites

    sites = load_sites()
    rows = [{"slug": s.slug, "brand": s.brand, "archetype": s.site.get("archetype", ""), "group": s.group} for s in sites.values()]
    if json_out:
        _print_json(rows)
        return
    table = Table()
    for column in ("slug", "brand", "archetype", "group"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row.values())
    out.print(table)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"connectedness {__version__}")


if __name__ == "__main__":
    main()
