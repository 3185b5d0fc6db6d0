"""The ``connectedness`` command: options in, one orchestration call, tables or JSON out.

Exit codes: 0 done, 1 the scan (or a site of a batch) failed, 2 usage error
(bad option, malformed URL).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectedness import __version__
from connectedness.crawler.loop import run as run_async
from connectedness.crawler.settings import CrawlSettings
from connectedness.crawler.snapshot import CrawlIssue, Page
from connectedness.crawler.urls import InvalidURL, parse_start_url

if TYPE_CHECKING:
    from connectedness.audit import CrawlJob, CrawlOutcome, ScanOutcome
    from connectedness.checks import Check
    from connectedness.crawler.engine import ProgressCallback
    from connectedness.crawler.snapshot import Viewport
    from connectedness.scoring import Profile
    from connectedness.storage import Database

T = TypeVar("T")

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
    typer.Option("--db", help="SQLAlchemy URL or SQLite file path. "
                              "Default: $CONNECTEDNESS_DB, else connectedness.db in the user data dir.",
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


def _open_db(url: str | None) -> Database:
    from connectedness.storage import open_database

    try:
        return open_database(url)
    except Exception as exc:  # noqa: BLE001 - any driver or path error: say it in one line
        err.print(f"[red]error:[/] cannot open database {url or '(default)'}: {type(exc).__name__}: {exc}")
        raise typer.Exit(1) from None


# Options shared by `crawl` and `scan`, declared once.
NameOpt = Annotated[str | None, typer.Option(
    help="Brand name to store the scan under. Default: the registrable domain.")]
GroupOpt = Annotated[str | None, typer.Option(help="Competitor group the brand belongs to.")]
MaxPagesOpt = Annotated[int, typer.Option(min=1, help="Most HTML pages fetched.")]
MaxDepthOpt = Annotated[int, typer.Option(min=0, help="Most link hops from the home page.")]
MaxBytesOpt = Annotated[int, typer.Option(
    min=1024, help="Most bytes read of one response; the rest is never downloaded.")]
DelayOpt = Annotated[float, typer.Option(
    min=0, help="Seconds between request starts per host (robots Crawl-delay wins if larger).")]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Requests in flight per host.")]
TimeBudgetOpt = Annotated[float, typer.Option(min=1, help="Seconds the whole crawl may take.")]
TimeoutOpt = Annotated[float, typer.Option(min=0.1, help="Read timeout in seconds.")]
RetriesOpt = Annotated[int, typer.Option(
    min=0, help="Retries after connection errors, timeouts, 429 and 5xx gateway errors.")]
BrandHostOpt = Annotated[list[str] | None, typer.Option(help="Another host that belongs to the brand (repeatable).")]
IgnoreRobotsOpt = Annotated[bool, typer.Option(
    "--ignore-robots", help="Do not read robots.txt. Logged and stored with the scan.")]
UserAgentOpt = Annotated[str, typer.Option(help="User-Agent header and robots.txt token.")]
NoStoreOpt = Annotated[bool, typer.Option("--no-store", help="Run and print, but keep nothing in the database.")]
VerboseOpt = Annotated[bool, typer.Option("--verbose", "-v", help="Log retries and decisions to stderr.")]
ProfileOpt = Annotated[str, typer.Option(
    help="Scoring profile: default, retail, b2b, media, local, or a profile .toml file.")]
NoBrowserOpt = Annotated[bool, typer.Option(
    "--no-browser", help="Do not render pages in Chromium: browser-measured checks say 'could not check'.")]
ViewportsOpt = Annotated[str, typer.Option(
    help="Viewports to render at, comma-separated: phone (375x812, touch, DPR 3), tablet (768x1024, touch, DPR 2), "
         "desktop (1366x768), reflow (320x640, WCAG 1.4.10), wide (1920x1080), or name=WIDTHxHEIGHT[@DPR][+touch].")]
FullPageOpt = Annotated[str, typer.Option(
    help="Viewports that also get a full-page screenshot (capped at 3 screens), comma-separated, or 'none'. "
         "Each costs about 0.1 s per page.")]
RenderPagesOpt = Annotated[int, typer.Option(
    min=1, help="Pages rendered at phone, tablet and desktop sizes: the home page first, then blog, shop, contact. "
                "A site whose served HTML is an empty JavaScript app shell gets at least 8.")]
FingerprintsOpt = Annotated[list[Path] | None, typer.Option(
    "--fingerprints", help="Extra fingerprint file or folder in the Wappalyzer technology format (repeatable).")]


def _usage(call: Callable[[], T], errors: type[Exception] | tuple[type[Exception], ...], prefix: str = "") -> T:
    """``call()``, or a one-line error and exit code 2 when the user's input makes it raise ``errors``."""
    try:
        return call()
    except errors as exc:
        err.print(f"[red]error:[/] {prefix}{exc}")
        raise typer.Exit(2) from None


def _start_url(url: str) -> str:
    return _usage(lambda: parse_start_url(url), InvalidURL)


def _viewports(spec: str) -> tuple[Viewport, ...]:
    from connectedness.crawler.render import parse_viewports

    return _usage(lambda: parse_viewports(spec), ValueError, "--viewports: ")


def _full_page(spec: str, sizes: tuple[Viewport, ...]) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in spec.split(",") if n.strip())
    if names == ("none",):
        return ()
    unknown = [n for n in names if n not in {v.name for v in sizes}]
    if unknown:
        err.print(f"[red]error:[/] --full-page: {', '.join(unknown)} is not one of the viewports rendered "
                  f"({', '.join(v.name for v in sizes)}), nor 'none'")
        raise typer.Exit(2)
    return names


def _progress_bar() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                    TimeElapsedColumn(), console=err, transient=True)


def _run_with_pages_bar(description: str, total: int, quiet: bool,
                        make: Callable[[ProgressCallback | None], Coroutine[Any, Any, T]]) -> T:
    """Run ``make(progress_callback)`` with a progress bar of pages fetched (stderr, terminals only)."""
    if quiet or not err.is_terminal:
        return run_async(make(None))
    with _progress_bar() as bar:
        task = bar.add_task(description, total=total)

        def tick(event: Page | CrawlIssue) -> None:
            if isinstance(event, Page):
                bar.advance(task)

        return run_async(make(tick))


@app.command()
def crawl(
    url: Annotated[str, typer.Argument(help="The brand's home page, e.g. https://brand.com (a bare host gets https://).")],
    name: NameOpt = None,
    group: GroupOpt = None,
    max_pages: MaxPagesOpt = _DEFAULTS.max_pages,
    max_depth: MaxDepthOpt = _DEFAULTS.max_depth,
    max_bytes: MaxBytesOpt = _DEFAULTS.max_bytes,
    delay: DelayOpt = _DEFAULTS.delay,
    concurrency: ConcurrencyOpt = _DEFAULTS.per_host_concurrency,
    time_budget: TimeBudgetOpt = _DEFAULTS.time_budget,
    timeout: TimeoutOpt = _DEFAULTS.read_timeout,
    retries: RetriesOpt = _DEFAULTS.retries,
    brand_host: BrandHostOpt = None,
    ignore_robots: IgnoreRobotsOpt = False,
    user_agent: UserAgentOpt = _DEFAULTS.user_agent,
    db: DbOption = None,
    no_store: NoStoreOpt = False,
    json_out: JsonOption = False,
    verbose: VerboseOpt = False,
) -> None:
    """Crawl one site: what was fetched, its status and why it was chosen. Stores the crawl as a scan (no checks).

    Exit code 0 when the home page was fetched (even if other pages failed: they are listed),
    1 when the whole crawl failed (unreachable, refused by robots.txt, redirect loop...), 2 for a bad URL.
    """
    from connectedness.audit import CrawlJob, crawl_and_store

    _setup_logging(verbose)
    start = _start_url(url)
    settings = CrawlSettings(
        max_pages=max_pages, max_depth=max_depth, max_bytes=max_bytes, delay=delay, per_host_concurrency=concurrency,
        time_budget=time_budget, read_timeout=timeout, retries=retries, brand_hosts=tuple(brand_host or ()),
        respect_robots=not ignore_robots, user_agent=user_agent,
    )
    database = None if no_store else _open_db(db)
    job = CrawlJob(start, name, group, settings)
    outcome = _run_with_pages_bar(f"crawling {start}", max_pages, json_out,
                                  lambda tick: crawl_and_store(job, database, tick))
    if json_out:
        _print_json(_outcome_json(outcome))
    else:
        _print_crawl(outcome)
    if outcome.failed:
        err.print(f"[red]failed:[/] {outcome.message}")
        raise typer.Exit(1)


def _load_profile(profile: str) -> Profile:
    from connectedness.scoring.model import ProfileError, load_profile

    return _usage(lambda: load_profile(profile), ProfileError)


def _load_checks(fingerprints: list[Path] | None) -> list[Check]:
    from connectedness.checks import load_checks
    from connectedness.checks.fingerprints import use_extra_files

    if fingerprints:
        _usage(lambda: use_extra_files(fingerprints), ValueError)
    return list(load_checks().values())


@app.command()
def scan(
    url: Annotated[str, typer.Argument(help="The brand's home page, e.g. https://brand.com (a bare host gets https://).")],
    name: NameOpt = None,
    group: GroupOpt = None,
    profile: ProfileOpt = "default",
    max_pages: MaxPagesOpt = _DEFAULTS.max_pages,
    delay: DelayOpt = _DEFAULTS.delay,
    concurrency: ConcurrencyOpt = _DEFAULTS.per_host_concurrency,
    time_budget: TimeBudgetOpt = _DEFAULTS.time_budget,
    timeout: TimeoutOpt = _DEFAULTS.read_timeout,
    brand_host: BrandHostOpt = None,
    ignore_robots: IgnoreRobotsOpt = False,
    user_agent: UserAgentOpt = _DEFAULTS.user_agent,
    fingerprints: FingerprintsOpt = None,
    no_browser: NoBrowserOpt = False,
    render_pages: RenderPagesOpt = 3,
    viewports: ViewportsOpt = "phone,tablet,desktop",
    full_page: FullPageOpt = "phone",
    db: DbOption = None,
    no_store: NoStoreOpt = False,
    json_out: JsonOption = False,
    verbose: VerboseOpt = False,
) -> None:
    """Audit one site: crawl it, render key pages in Chromium, run every check, score it under a profile,
    store it, print the scorecard.

    `--json` prints the whole scan in the documented schema (reports/schemas/scan-v1.schema.json).
    Exit code 0 when scored, 1 when the crawl failed (the failed scan is still stored with its reason), 2 usage error.
    """
    import asyncio

    from connectedness.rendering import Browser

    _setup_logging(verbose)
    start = _start_url(url)
    sizes = _viewports(viewports)
    tall = _full_page(full_page, sizes)
    settings = CrawlSettings(max_pages=max_pages, delay=delay, per_host_concurrency=concurrency,
                             time_budget=time_budget, read_timeout=timeout, brand_hosts=tuple(brand_host or ()),
                             respect_robots=not ignore_robots, user_agent=user_agent)

    def prepare() -> tuple[Callable[..., Awaitable[ScanOutcome]], CrawlJob, Database | None, list[Check], Profile]:
        """The checks, scoring and storage: imported and loaded while Chromium starts."""
        from connectedness.audit import CrawlJob, scan_and_store

        chosen, checks = _load_profile(profile), _load_checks(fingerprints)
        database = None if no_store else _open_db(db)
        return scan_and_store, CrawlJob(start, name, group, settings), database, checks, chosen

    async def audit(tick: ProgressCallback | None) -> ScanOutcome:
        browser = None if no_browser else Browser(pages=render_pages, viewports=sizes, single_site=True,
                                                  full_page=tall).start()
        try:
            scan_and_store, job, database, checks, chosen = await asyncio.to_thread(prepare)
            return await scan_and_store(job, database, checks=checks, profile=chosen, progress=tick, browser=browser)
        finally:
            if browser is not None:
                await browser.close()

    outcome = _run_with_pages_bar(f"scanning {start}", max_pages, json_out, audit)
    from connectedness.reports.scan import print_scorecard, scan_document

    crawl_outcome = outcome.crawl
    if crawl_outcome.snapshot is not None and crawl_outcome.snapshot.browser and not crawl_outcome.failed:
        err.print(f"[yellow]warning:[/] pages were not rendered ({crawl_outcome.snapshot.browser}); "
                  "browser-measured checks could not check and are left out of the score")
    if crawl_outcome.snapshot is not None:
        doc = scan_document(brand=crawl_outcome.brand, group=group, scan_id=crawl_outcome.scan_id,
                            snapshot=crawl_outcome.snapshot, results=outcome.results, scorecard=outcome.scorecard)
        if json_out:
            _print_json(doc)
        else:
            print_scorecard(out, doc)
    if outcome.failed:
        err.print(f"[red]failed:[/] {outcome.message}")
        raise typer.Exit(1)


def _stored_document(database: Database, scan_id: int, profile: str | None) -> dict[str, Any]:
    """The scan document of a stored scan: its newest scorecard, or one under ``profile`` (computed, not stored)."""
    from connectedness.checks import load_checks
    from connectedness.reports.scan import scan_document
    from connectedness.scoring import score
    from connectedness.storage import list_scans, load_results, load_scorecards, load_snapshot

    try:
        snapshot = load_snapshot(database, scan_id)
    except KeyError as exc:
        err.print(f"[red]error:[/] {exc.args[0]}")
        raise typer.Exit(1) from None
    results = load_results(database, scan_id)
    cards = load_scorecards(database, scan_id)
    card = cards[-1][2] if cards else None
    if profile is not None and results:
        wanted = _load_profile(profile)
        stored = [c for _, _, c in cards if c.profile == wanted.name and c.profile_digest == wanted.digest]
        weights = {c.id: c.weight for c in load_checks().values()}
        card = stored[-1] if stored else score(results, wanted, weights)
    row = next(s for s in list_scans(database) if s.id == scan_id)
    return scan_document(brand=row.brand.name, group=row.brand.competitor_group, scan_id=scan_id, snapshot=snapshot,
                         results=results, scorecard=card)


@app.command()
def show(
    scan_id: Annotated[int, typer.Argument(help="A scan id, as `connectedness scans` or `history` lists them.")],
    profile: Annotated[str | None, typer.Option(
        help="Show the score under this profile (stored one if any, else computed).")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Show a stored scan: scorecard, every check, top recommendations (`--json`: the scan document)."""
    from connectedness.reports.scan import print_scorecard

    doc = _stored_document(_open_db(db), scan_id, profile)
    if json_out:
        _print_json(doc)
    else:
        print_scorecard(out, doc)


@app.command()
def history(
    brand: Annotated[str, typer.Argument(help="Brand name, as stored.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """A brand's scans over time: date, status, overall score and grade, and each category's score."""
    from connectedness.storage import list_scans, load_scorecards

    database = _open_db(db)
    scans = list_scans(database, brand)
    if not scans:
        err.print(f"[red]error:[/] no scans stored for brand {brand!r}")
        raise typer.Exit(1)
    rows: list[dict[str, Any]] = []
    for row in reversed(scans):
        cards = load_scorecards(database, row.id)
        card = cards[-1][2] if cards else None
        rows.append({
            "scan_id": row.id, "started_at": row.started_at.isoformat(), "status": row.status,
            "failure": row.failure_reason, "pages": row.page_count,
            "overall": card.overall if card else None, "grade": card.grade if card else None,
            "profile": card.profile if card else None, "model_version": card.model_version if card else None,
            "categories": {name: cat.score for name, cat in card.categories.items()} if card else {},
        })
    if json_out:
        _print_json({"brand": brand, "scans": rows})
        return
    from connectedness.checks.base import CATEGORIES

    table = Table(title=f"{brand}: history", title_justify="left")
    for column in ("scan", "date", "status", "overall", "grade", "profile", *CATEGORIES):
        table.add_column(column)
    for r in rows:
        status = r["status"] + (f" ({r['failure']})" if r["failure"] else "")
        table.add_row(str(r["scan_id"]), r["started_at"][:16], status,
                      "" if r["overall"] is None else f"{r['overall']:.0f}", r["grade"] or "", r["profile"] or "",
                      *["" if r["categories"].get(c) is None else f"{r['categories'][c]:.0f}" for c in CATEGORIES])
    out.print(table)


@app.command("checks")
def list_checks(json_out: JsonOption = False) -> None:
    """Every registered check (built-in and from installed plug-ins): id, category, version, needs, default weight."""
    from connectedness.checks import load_checks

    rows: list[dict[str, Any]] = [{"id": c.id, "category": c.category, "version": c.version, "title": c.title,
             "needs": list(c.needs), "weight": c.weight, "description": c.description} for c in load_checks().values()]
    if json_out:
        _print_json(rows)
        return
    table = Table()
    for column in ("id", "category", "version", "needs", "weight", "what it checks"):
        table.add_column(column)
    for r in rows:
        table.add_row(r["id"], r["category"], r["version"], ",".join(r["needs"]), f"{r['weight']:g}", r["title"])
    out.print(table)


@app.command("rescore")
def rescore_command(
    profile: ProfileOpt = "default",
    scan_id: Annotated[list[int] | None, typer.Option("--scan", help="A scan id (repeatable).")] = None,
    brand: Annotated[str | None, typer.Option(help="Every scan of this brand.")] = None,
    all_scans: Annotated[bool, typer.Option("--all", help="Every stored scan.")] = False,
    recheck: Annotated[bool, typer.Option(
        "--recheck", help="Run the current checks on the stored pages first (new check versions).")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Score stored scans again under another profile or model version, without crawling. Adds a scorecard to each."""
    from connectedness.audit import rescore
    from connectedness.checks import load_checks
    from connectedness.storage import list_scans

    if sum(bool(x) for x in (scan_id, brand, all_scans)) != 1:
        err.print("[red]error:[/] say which scans: --scan ID (repeatable), --brand NAME or --all")
        raise typer.Exit(2)
    chosen = _load_profile(profile)
    database = _open_db(db)
    known = list_scans(database, brand)
    ids = [s.id for s in known] if (brand or all_scans) else list(scan_id or [])
    missing = sorted(set(ids) - {s.id for s in known})
    if missing:
        err.print(f"[red]error:[/] no scan with id {', '.join(map(str, missing))}")
        raise typer.Exit(1)
    done = rescore(database, sorted(ids), chosen, list(load_checks().values()), recheck=recheck)
    rows: list[dict[str, Any]] = [{"scan_id": sid, "profile": card.profile, "model_version": card.model_version,
             "overall": card.overall, "grade": card.grade} for sid, card in done]
    if json_out:
        _print_json(rows)
        return
    table = Table(title=f"Re-scored under {chosen.name}", title_justify="left")
    for column in ("scan", "overall", "grade", "model"):
        table.add_column(column)
    for r in rows:
        table.add_row(str(r["scan_id"]), "-" if r["overall"] is None else f"{r['overall']:.0f}", r["grade"] or "-",
                      r["model_version"])
    out.print(table)
    skipped = len(ids) - len(done)
    if skipped:
        out.print(f"{skipped} scan(s) had no check results (failed, or crawled without checks) "
                  "and were left as they were.")


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
    from connectedness.crawler.feeds import feed_listing

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
    listing = feed_listing(snapshot)
    if listing:
        feeds = Table(title="Feeds (parsed, and linked but not read)", title_justify="left")
        for column in ("URL", "state", "kind", "found via", "entries", "newest", "podcast"):
            feeds.add_column(column)
        for entry in listing:
            feed = entry.feed
            if feed is None:  # advertised or linked, not read: the reason stands where the kind would
                feeds.add_row(entry.url, entry.state, entry.reason, entry.found_via, "", "", "")
                continue
            newest = max((e.published for e in feed.entries if e.published), default="")
            feeds.add_row(feed.url, entry.state, feed.kind, feed.found_via, str(len(feed.entries)), newest[:10],
                          "yes" if feed.itunes else "")
        out.print(feeds)
    robots = ", ".join(f"{r.url}: {r.outcome}" for r in snapshot.robots) or "none"
    sitemaps = ", ".join(f"{s.url} ({s.urls} URLs{', ' + s.error if s.error else ''})"
                         for s in snapshot.sitemaps) or "none"
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
    data: list[dict[str, Any]] = [
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
    install: Annotated[bool, typer.Option(
        "--install", help="Install Debian's chromium and chromium-headless-shell when no headless shell is found "
                          "(root with apt-get only).")] = False,
) -> None:
    """Find the Chromium used for rendering: $CONNECTEDNESS_CHROMIUM, Playwright's own, then system browsers.

    Headless shells come first: they render the same pages at about half the CPU of the full browser.
    """
    from connectedness.crawler.browser import (
        BrowserNotFound,
        can_install_with_apt,
        chromium_version,
        find_chromium,
        install_hint,
        install_with_apt,
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
        err.print("no Chromium found: installing Debian's chromium packages with apt-get")
        install_with_apt()
        location = find_chromium()
    else:
        if install and not location.headless_shell and location.source == "system" and can_install_with_apt():
            err.print("found the full browser only: installing Debian's chromium-headless-shell with apt-get")
            install_with_apt()
            location = find_chromium()
    out.print(f"chromium: {location.path} ({location.source}) {chromium_version(location)}".rstrip())


@app.command()
def demo(
    db: Annotated[Path, typer.Option(
        help="SQLite file the demo stores its scans in.")] = Path("demo-output/connectedness.db"),
    concurrency: Annotated[int, typer.Option(min=1, help="Sites scanned at once.")] = 3,
    no_browser: NoBrowserOpt = False,
    json_out: JsonOption = False,
) -> None:
    """Serve the bundled fixture sites on 127.0.0.1, scan every one (crawl, render, checks, score), store and report.

    Each site is scored under the profile its site.toml names (retail, b2b, media, local...). Writes the
    database and a Markdown report beside it (report.md). Exit code 1 if a site's scan failed; the
    deliberately broken fixture site is expected to show issues, not to fail.
    """
    from connectedness.audit import Browser, CrawlJob, scan_batch
    from connectedness.fixtures.server import serve_sites
    from connectedness.reports.markdown import BlobLinks, demo_report_markdown

    _setup_logging(False)
    database = _open_db(str(db))
    checks = _load_checks(None)
    started = time.monotonic()
    with serve_sites() as server:
        sites = {slug: site for slug, site in server.sites.items() if site.standalone}
        jobs = [
            CrawlJob(
                server.url(slug), brand=site.brand, group=site.group or None,
                settings=CrawlSettings(brand_hosts=tuple(server.origin(o).split("://", 1)[1] for o in site.own_sites)),
            )
            for slug, site in sites.items()  # a brand's second host is crawled with its main site
        ]
        profiles = {job.url: _load_profile(site.site.get("profile", "default"))
                    for job, site in zip(jobs, sites.values(), strict=True)}
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True, disable=json_out) as bar:
            task = bar.add_task("scanning the fixture sites", total=len(jobs))
            async def audit_all() -> list[ScanOutcome]:
                browser = None if no_browser else Browser().start()
                try:
                    return await scan_batch(jobs, database, checks=checks, profile=lambda job: profiles[job.url],
                                            concurrency=concurrency, on_done=lambda _o: bar.advance(task),
                                            browser=browser)
                finally:
                    if browser is not None:
                        await browser.close()

            outcomes = run_async(audit_all())
    seconds = time.monotonic() - started
    report_path = db.parent / "report.md"
    report_path.write_text(demo_report_markdown(outcomes, seconds, shots=BlobLinks(database.blobs, report_path.parent)),
                           encoding="utf-8")
    rows: list[dict[str, Any]] = [{"brand": o.crawl.brand, "group": o.crawl.job.group,
             "profile": o.scorecard.profile if o.scorecard else None,
             "overall": o.scorecard.overall if o.scorecard else None,
             "grade": o.scorecard.grade if o.scorecard else None,
             "status": o.crawl.snapshot.status if o.crawl.snapshot else "failed", "scan_id": o.crawl.scan_id,
             "message": o.message, "url": o.crawl.job.url} for o in outcomes]
    if json_out:
        _print_json(rows)
    else:
        table = Table(title="Fixture sites scanned", title_justify="left")
        for column in ("brand", "group", "profile", "score", "grade", "status", "scan", "URL"):
            table.add_column(column)
        for r in rows:
            table.add_row(r["brand"], r["group"] or "", r["profile"] or "",
                          "" if r["overall"] is None else f"{r['overall']:.0f}", r["grade"] or "",
                          r["message"] if r["status"] == "failed" else r["status"], str(r["scan_id"] or ""), r["url"])
        out.print(table)
        out.print(f"{len(outcomes)} sites in {seconds:.1f} s. Database: {db}  Report: {report_path}")
        out.print(f"Try: connectedness show SCAN_ID --db {db}   or: sqlite3 {db} "  # noqa: S608 - a hint, not a query
                  "'select check_id, status, score from check_results where scan_id = 1'")
    if any(o.failed for o in outcomes):
        raise typer.Exit(1)


@fixtures_app.command("serve")
def fixtures_serve(
    port: Annotated[int, typer.Option(
        help="Port of the first site; the others follow in name order. 0 = any free ports.")] = 8100,
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
    rows = [{"slug": s.slug, "brand": s.brand, "archetype": s.site.get("archetype", ""), "group": s.group}
            for s in sites.values()]
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
