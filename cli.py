"""The ``connectedness`` command: options in, one orchestration call, tables or JSON out.

Exit codes: 0 done, 1 the scan (or a site of a batch) failed, 2 usage error
(bad option, malformed URL, a profile or fingerprint file that does not validate,
a read command's ``--db`` file that does not exist), 3 scanned and stored, but pages could not be
rendered: the browser is missing or broken (``scan`` and ``batch``), so the
browser-measured checks could not check; ``batch`` also: 4 some brands failed,
5 another run of the same watchlist is still going; 130 stopped by Ctrl-C.

Every line printed for people passes site- and user-derived text through
:func:`connectedness.terminal.safe` (no Rich markup, no control characters).
"""

from __future__ import annotations

import contextlib
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import typer
from rich.console import Console
from rich.logging import RichHandler
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from connectedness import __version__
from connectedness.crawler.loop import run as run_async
from connectedness.crawler.render import RenderSettings
from connectedness.crawler.settings import CrawlSettings
from connectedness.crawler.snapshot import CrawlIssue, Page
from connectedness.crawler.urls import InvalidURL, parse_start_url
from connectedness.terminal import json_text, plain, safe

if TYPE_CHECKING:
    from connectedness.audit import CrawlJob, CrawlOutcome, ScanOutcome
    from connectedness.checks import Check
    from connectedness.crawler.engine import ProgressCallback
    from connectedness.crawler.snapshot import Viewport
    from connectedness.scoring import Profile
    from connectedness.storage import Database

T = TypeVar("T")

# Exit code: the scan is stored, but the browser it asked for is missing or broken, so no page was rendered
# and the browser-measured checks could not check. Distinct from 1 (failed) so a batch or CI can tell an audit
# that measured less from a clean one.
EXIT_NOT_RENDERED = 3
# Exit code of a command stopped by Ctrl-C (SIGINT), as shells report a process killed by it (128 + 2).
EXIT_INTERRUPTED = 130

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
_RENDER_DEFAULTS = RenderSettings()

DbOption = Annotated[
    str | None,
    typer.Option("--db", help="SQLAlchemy URL or SQLite file path. "
                              "Default: $CONNECTEDNESS_DB, else connectedness.db in the user data dir.",
                 show_default=False),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout instead of tables.")]
CsvOption = Annotated[bool, typer.Option(
    "--csv", help="Print CSV on stdout instead of tables (cells a spreadsheet would run as formulas are quoted).")]


def main() -> None:
    """The console script: the command (:func:`run_command`), then the process ends at once with its status."""
    _end_process(run_command())


def run_command() -> int | str | None:
    """Run the command line's command and return its exit status. A bug that escapes a command (after its
    scan is stored: every scan path stores its own failures) is one line on stderr and status 1, not a
    traceback; ``CONNECTEDNESS_TRACEBACK=1`` shows the traceback, for a bug report."""
    import os

    try:
        app()
    except SystemExit as done:
        return done.code
    except Exception as exc:
        if os.environ.get("CONNECTEDNESS_TRACEBACK"):
            raise
        text = " ".join(str(exc).split())[:500]
        err.print(f"[red]internal error:[/] {safe(type(exc).__name__)}: {safe(text)} "
                  "(set CONNECTEDNESS_TRACEBACK=1 to see where)")
        return 1
    return 0


def _end_process(code: int | str | None) -> None:
    """End the process now that its command is done, skipping the interpreter's teardown.

    Freeing every module and object one by one (the checks' compiled vocabularies and fingerprints, the
    parsed pages) took about 0.4 s of every command, a tenth of a whole scan. Nothing is lost by skipping
    it: the command's work is committed; what teardown would have done that matters is done here first
    (exit handlers, log handlers, database connections closed cleanly, output flushed)."""
    import atexit
    import os

    from connectedness.storage.db import dispose_all

    if isinstance(code, str):  # sys.exit("message"): said on stderr, status 1, as Python itself does
        sys.stderr.write(code + "\n")
        code = 1
    try:
        atexit._run_exitfuncs()  # logging.shutdown, temp folders' finalizers, thread pools' joins
        dispose_all()
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # a closed pipe (| head): nothing left to say
                stream.flush()
        os._exit(code or 0)


def _plain_record(record: logging.LogRecord) -> bool:
    """A log filter: the message (which quotes URLs and servers) without control characters or escape
    sequences, as everything else printed (RichHandler reads no markup in messages, but a terminal would
    act on an ESC)."""
    record.msg, record.args = plain(record.getMessage()), None
    return True


def _setup_logging(verbose: bool) -> None:
    handler = RichHandler(console=err, show_path=False, show_time=False)
    handler.addFilter(_plain_record)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s", handlers=[handler])


def _print_json(data: Any) -> None:
    sys.stdout.write(json_text(json.dumps(data, indent=2, ensure_ascii=False, default=str)) + "\n")


def _emit(json_out: bool, csv_out: bool, data: Any, rows: Callable[[], list[dict[str, Any]]],
          table: Callable[[], None], columns: tuple[str, ...] | None = None) -> None:
    """The one output path of every command that prints a table: JSON, CSV, or the table for people."""
    if json_out and csv_out:
        err.print("[red]error:[/] choose one of --json and --csv")
        raise typer.Exit(2)
    if json_out:
        _print_json(data)
    elif csv_out:
        from connectedness.reports.tabular import write_csv

        write_csv(sys.stdout, rows(), columns)
    else:
        table()


_written: list[Database] = []  # the databases this command opened for writing: Ctrl-C marks their scans


def _interruptible(work: Callable[[], T]) -> T:
    """``work()``; Ctrl-C (SIGINT) ends it with one line saying what was stored, exit code
    :data:`EXIT_INTERRUPTED` and no traceback. This process's running scans are marked ``interrupted``
    there and then; scans that finished before stay stored."""
    try:
        return work()
    except KeyboardInterrupt:
        from connectedness.storage.repository import interrupt_own_scans

        marked: list[int] = []
        for database in _written:
            with contextlib.suppress(Exception):  # if not, the next start marks them (mark_interrupted)
                marked += interrupt_own_scans(database)
        if marked:
            ids = ", ".join(str(i) for i in marked)
            err.print(f"[yellow]interrupted:[/] scan {ids} stored as interrupted; nothing else of it stored")
        else:
            err.print("[yellow]interrupted, nothing stored[/]")
        raise typer.Exit(EXIT_INTERRUPTED) from None


def _open_db(url: str | None, *, write: bool = True) -> Database:
    """The database at ``url`` (or the default). A read command (``write=False``) never creates one: a
    SQLite file that does not exist is an error (exit code 2), so a mistyped ``--db`` is said, not
    answered with an empty database. A write also saves any scans spooled by earlier runs."""
    from connectedness.storage import open_database
    from connectedness.storage.db import DatabaseMissing

    try:
        database = open_database(url, read_only=not write)
    except DatabaseMissing as exc:
        err.print(f"[red]error:[/] {safe(exc)}")
        raise typer.Exit(2) from None
    except Exception as exc:  # noqa: BLE001 - any driver or path error: say it in one line
        err.print(f"[red]error:[/] cannot open database {safe(url or '(default)')}: {safe(type(exc).__name__)}: "
                  f"{safe(exc)}")
        raise typer.Exit(1) from None
    if write:
        _written.append(database)
    return database


# Options shared by `crawl` and `scan`, declared once.
NameOpt = Annotated[str | None, typer.Option(
    help="Brand name to store the scan under. Default: the registrable domain.")]
GroupOpt = Annotated[str | None, typer.Option(help="Competitor group the brand belongs to.")]
MaxPagesOpt = Annotated[int, typer.Option(min=1, help="Most HTML pages fetched.")]
MaxDepthOpt = Annotated[int, typer.Option(min=0, help="Most link hops from the home page.")]
MaxBytesOpt = Annotated[int, typer.Option(
    min=1024, help="Most bytes read of one response; the rest is never downloaded.")]
DelayOpt = Annotated[float, typer.Option(
    min=0, help="The least seconds between request starts per host. The throttle raises it with the server's "
                "latency and when it struggles (429, 503, timeouts); robots Crawl-delay, up to max_crawl_delay, too.")]
ConcurrencyOpt = Annotated[int, typer.Option(min=1, help="Requests in flight per host.")]
TimeBudgetOpt = Annotated[float, typer.Option(min=1, help="Seconds the whole crawl may take.")]
TimeoutOpt = Annotated[float, typer.Option(min=0.1, help="Read timeout in seconds.")]
RetriesOpt = Annotated[int, typer.Option(
    min=0, help="Retries after connection errors, timeouts, 429 and 5xx gateway errors.")]
BrandHostOpt = Annotated[list[str] | None, typer.Option(help="Another host that belongs to the brand (repeatable).")]
IgnoreRobotsOpt = Annotated[bool, typer.Option(
    "--ignore-robots", help="Do not read robots.txt. Logged and stored with the scan.")]
UserAgentOpt = Annotated[str, typer.Option(help="User-Agent header and robots.txt token.")]
AllowNetworkOpt = Annotated[list[str] | None, typer.Option(
    "--allow-network", metavar="CIDR",
    help="A non-public address range the scan may connect to, e.g. 10.20.0.0/16 (repeatable).")]
AllowPrivateOpt = Annotated[bool, typer.Option(
    "--allow-private", help="Connect to every non-public address too (loopback, private, link-local, metadata).")]
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
BrowserMemoryOpt = Annotated[int, typer.Option(
    "--browser-memory", min=200, help="Ceiling in MB on the memory of Chromium's whole process tree: past it the "
    "renders in progress are recorded resource_limit and Chromium is restarted.")]
JsHeapOpt = Annotated[int, typer.Option(
    "--js-heap", min=16, help="JavaScript heap cap in MB of each Chromium renderer: a page past it crashes alone.")]
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
        err.print(f"[red]error:[/] {safe(prefix)}{safe(exc)}")
        raise typer.Exit(2) from None


def _start_url(url: str) -> str:
    return _usage(lambda: parse_start_url(url), InvalidURL)


def _allowances(allow_network: list[str] | None, allow_private: bool) -> dict[str, Any]:
    """The address settings of --allow-network and --allow-private; a malformed range is a usage error."""
    from connectedness.crawler.addresses import parse_network

    networks = tuple(allow_network or ())
    for network in networks:
        try:
            parse_network(network)
        except ValueError as exc:
            raise _fail(f"--allow-network: {exc}", 2) from None
    return {"allow_networks": networks, "allow_private": allow_private}


def _viewports(spec: str) -> tuple[Viewport, ...]:
    from connectedness.crawler.render import parse_viewports

    return _usage(lambda: parse_viewports(spec), ValueError, "--viewports: ")


def _full_page(spec: str, sizes: tuple[Viewport, ...]) -> tuple[str, ...]:
    names = tuple(n.strip().lower() for n in spec.split(",") if n.strip())
    if names == ("none",):
        return ()
    unknown = [n for n in names if n not in {v.name for v in sizes}]
    if unknown:
        err.print(f"[red]error:[/] --full-page: {safe(', '.join(unknown))} is not one of the viewports rendered "
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
        return _interruptible(lambda: run_async(make(None)))
    with _progress_bar() as bar:
        task = bar.add_task(safe(description), total=total)

        def tick(event: Page | CrawlIssue) -> None:
            if isinstance(event, Page):
                bar.advance(task)

        return _interruptible(lambda: run_async(make(tick)))


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
    allow_network: AllowNetworkOpt = None,
    allow_private: AllowPrivateOpt = False,
    db: DbOption = None,
    no_store: NoStoreOpt = False,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
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
        respect_robots=not ignore_robots, user_agent=user_agent, **_allowances(allow_network, allow_private),
    )
    database = None if no_store else _open_db(db)
    job = CrawlJob(start, name, group, settings)
    outcome = _run_with_pages_bar(f"crawling {start}", max_pages, json_out or csv_out,
                                  lambda tick: crawl_and_store(job, database, tick))
    _emit(json_out, csv_out, _outcome_json(outcome), lambda: _crawl_rows(outcome), lambda: _print_crawl(outcome))
    if outcome.failed:
        err.print(f"[red]failed:[/] {safe(outcome.message)}")
        raise typer.Exit(1)


def _load_profile(profile: str) -> Profile:
    from connectedness.scoring.model import ProfileError, load_profile

    return _usage(lambda: load_profile(profile), ProfileError)


def _brand_profile(database: Database | None, brand: str) -> str:
    """The profile a brand is judged under (its first scan's, or set with `brands`), else default."""
    from connectedness.storage.brands import BrandError, get_brand

    if database is None:
        return "default"
    try:
        return get_brand(database, brand).profile or "default"
    except BrandError:
        return "default"


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
    profile: Annotated[str | None, typer.Option(
        help="Scoring profile: default, retail, b2b, media, local, or a profile .toml file. Default: the profile "
             "the brand is judged under (set by its first scan or `brands`), else default.")] = None,
    max_pages: MaxPagesOpt = _DEFAULTS.max_pages,
    delay: DelayOpt = _DEFAULTS.delay,
    concurrency: ConcurrencyOpt = _DEFAULTS.per_host_concurrency,
    time_budget: TimeBudgetOpt = _DEFAULTS.time_budget,
    timeout: TimeoutOpt = _DEFAULTS.read_timeout,
    brand_host: BrandHostOpt = None,
    ignore_robots: IgnoreRobotsOpt = False,
    user_agent: UserAgentOpt = _DEFAULTS.user_agent,
    allow_network: AllowNetworkOpt = None,
    allow_private: AllowPrivateOpt = False,
    fingerprints: FingerprintsOpt = None,
    no_browser: NoBrowserOpt = False,
    render_pages: RenderPagesOpt = 3,
    viewports: ViewportsOpt = "phone,tablet,desktop",
    full_page: FullPageOpt = "phone",
    browser_memory: BrowserMemoryOpt = _RENDER_DEFAULTS.memory_limit_mb,
    js_heap: JsHeapOpt = _RENDER_DEFAULTS.js_heap_mb,
    db: DbOption = None,
    no_store: NoStoreOpt = False,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
    verbose: VerboseOpt = False,
) -> None:
    """Audit one site: crawl it, render key pages in Chromium, run every check, score it under a profile,
    store it, print the scorecard.

    `--json` prints the whole scan in the documented schema (reports/schemas/scan-v1.schema.json).
    Exit code 0 when scored, 1 when the crawl failed (the failed scan is still stored with its reason), 2 usage error,
    3 scored and stored but no page could be rendered: the browser is missing or broken (not with --no-browser).
    """
    import asyncio

    from connectedness.rendering import Browser

    _setup_logging(verbose)
    start = _start_url(url)
    sizes = _viewports(viewports)
    tall = _full_page(full_page, sizes)
    settings = CrawlSettings(max_pages=max_pages, delay=delay, per_host_concurrency=concurrency,
                             time_budget=time_budget, read_timeout=timeout, brand_hosts=tuple(brand_host or ()),
                             respect_robots=not ignore_robots, user_agent=user_agent,
                             **_allowances(allow_network, allow_private))

    opened: list[Database | None] = []  # the database prepare() opened, for the screenshots' paths

    def prepare() -> tuple[Callable[..., Awaitable[ScanOutcome]], CrawlJob, Database | None, list[Check], Profile]:
        """The checks, scoring and storage: imported and loaded while Chromium starts."""
        from connectedness.audit import CrawlJob, brand_name_for, scan_and_store

        database = None if no_store else _open_db(db)
        opened.append(database)
        chosen, checks = _load_profile(profile or _brand_profile(database, name or brand_name_for(start))), \
            _load_checks(fingerprints)
        return scan_and_store, CrawlJob(start, name, group, settings), database, checks, chosen

    async def audit(tick: ProgressCallback | None) -> ScanOutcome:
        browser = None if no_browser else Browser(
            pages=render_pages, viewports=sizes, single_site=True, full_page=tall,
            settings=RenderSettings(memory_limit_mb=browser_memory, js_heap_mb=js_heap)).start()
        try:
            scan_and_store, job, database, checks, chosen = await asyncio.to_thread(prepare)
            return await scan_and_store(job, database, checks=checks, profile=chosen, progress=tick, browser=browser)
        finally:
            if browser is not None:
                await browser.close()

    outcome = _run_with_pages_bar(f"scanning {start}", max_pages, json_out or csv_out, audit)
    from connectedness.reports.scan import print_scorecard, scan_document

    crawl_outcome = outcome.crawl
    unrendered = None  # why the browser asked for rendered nothing: it is missing or broken
    if crawl_outcome.snapshot is not None and crawl_outcome.snapshot.browser and not crawl_outcome.failed:
        if no_browser:
            err.print(f"[yellow]warning:[/] pages were not rendered ({safe(crawl_outcome.snapshot.browser)}); "
                      "browser-measured checks could not check and are left out of the score")
        else:
            unrendered = crawl_outcome.snapshot.browser
    if crawl_outcome.snapshot is not None:
        stored_in = opened[0] if opened and crawl_outcome.scan_id else None
        doc = scan_document(brand=crawl_outcome.brand, group=group, scan_id=crawl_outcome.scan_id,
                            snapshot=crawl_outcome.snapshot, results=outcome.results, scorecard=outcome.scorecard,
                            blobs=stored_in.blobs if stored_in else None)
        from connectedness.reports.tabular import REPORT_COLUMNS, report_rows

        _emit(json_out, csv_out, doc, lambda: report_rows(doc), lambda: print_scorecard(out, doc), REPORT_COLUMNS)
    if outcome.failed:
        failure = crawl_outcome.snapshot.failure if crawl_outcome.snapshot is not None else None
        said = (not (json_out or csv_out) and failure is not None
                and f"{failure.reason}: {failure.message}" == outcome.message)
        if not said:  # the scorecard's "No score:" line already said it: once is enough
            err.print(f"[red]failed:[/] {safe(outcome.message)}")
        raise typer.Exit(1)
    if unrendered is not None:
        # Last, after the scorecard, so it is the line a user or a batch log sees: the score left out every
        # browser-measured check, which is not a clean audit.
        import os

        stored = f"scan {crawl_outcome.scan_id} stored" if crawl_outcome.scan_id else "scanned"
        fix = "fix or unset CONNECTEDNESS_CHROMIUM" if os.environ.get("CONNECTEDNESS_CHROMIUM") \
            else "run `connectedness browser --install`"
        raise _fail(f"pages could not be rendered ({unrendered}): {stored} without them, so the browser checks "
                    f"could not check; {fix} (exit {EXIT_NOT_RENDERED})", EXIT_NOT_RENDERED)


def _fail(message: str, code: int = 1) -> typer.Exit:
    """A one-line error on stderr (escaped: names and URLs come from users and sites) and its exit code."""
    err.print(f"[red]error:[/] {safe(message)}")
    return typer.Exit(code)


def _stored_document(database: Database, scan_id: int, profile: str | None) -> dict[str, Any]:
    """The scan document of a stored scan: the scorecard that speaks for it, or one under ``profile``."""
    from connectedness.reports.documents import NotFound, stored_document

    chosen = _load_profile(profile) if profile is not None else None
    try:
        return stored_document(database, scan_id, chosen)
    except (KeyError, NotFound) as exc:
        raise _fail(str(exc.args[0])) from None


def _resolve_scan(database: Database, target: str) -> int:
    from connectedness.reports.documents import NotFound, resolve_scan

    try:
        return resolve_scan(database, target)
    except NotFound as exc:
        raise _fail(str(exc)) from None


@app.command()
def show(
    scan_id: Annotated[int, typer.Argument(help="A scan id, as `connectedness scans` or `history` lists them.")],
    profile: Annotated[str | None, typer.Option(
        help="Show the score under this profile (stored one if any, else computed).")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Show a stored scan: scorecard, every check's finding, top recommendations (`--json`: the scan document;
    `--csv`: a row per check result and per category score)."""
    from connectedness.reports.scan import print_scorecard
    from connectedness.reports.tabular import REPORT_COLUMNS, report_rows

    doc = _stored_document(_open_db(db, write=False), scan_id, profile)
    _emit(json_out, csv_out, doc, lambda: report_rows(doc), lambda: print_scorecard(out, doc), REPORT_COLUMNS)


ProfileFilterOpt = Annotated[str | None, typer.Option(
    "--profile", help="Scores under this profile (default: the one the brand is judged under).")]


@app.command()
def history(
    brand: Annotated[str, typer.Argument(help="Brand name, as stored.")],
    profile: ProfileFilterOpt = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """A brand's scans over time: date, status, overall score and grade, and each category's score.

    Each scan shows its scorecard under the brand's profile (or `--profile`); a scan scored only
    under another profile or model version shows that one, and a warning says the line mixes them.
    """
    from connectedness.checks.base import CATEGORIES
    from connectedness.reports.documents import speaking_scorecard
    from connectedness.scoring import shown
    from connectedness.storage import list_scans, load_scorecards
    from connectedness.storage.brands import BrandError, get_brand

    database = _open_db(db, write=False)
    try:
        wanted = profile or get_brand(database, brand).profile
    except BrandError as exc:
        raise _fail(str(exc)) from None
    scans = list_scans(database, brand)
    rows: list[dict[str, Any]] = []
    for row in reversed(scans):
        card = speaking_scorecard([c for _, _, c in load_scorecards(database, row.id)], wanted)
        rows.append({
            "scan_id": row.id, "started_at": row.started_at.isoformat(), "status": row.status,
            "failure": row.failure_reason, "pages": row.page_count,
            "overall": card.overall if card else None, "grade": card.grade if card else None,
            "profile": card.profile if card else None, "model_version": card.model_version if card else None,
            **{name: (card.categories[name].score if card and name in card.categories else None)
               for name in CATEGORIES},
        })
    kinds = sorted({(r["profile"], r["model_version"]) for r in rows if r["profile"]})
    mixed = len(kinds) > 1
    note = ("scores under different profiles or model versions: "
            + ", ".join(f"{p} (model {m})" for p, m in kinds)
            + f"; `connectedness rescore --brand {brand!r}` scores them the same way") if mixed else ""

    def table() -> None:
        if mixed:
            err.print(f"[yellow]warning:[/] {safe(note)}")
        view = Table(title=safe(f"{brand}: history"), title_justify="left")
        for column in ("scan", "date", "status", "overall", "grade", "profile", "model", *CATEGORIES):
            view.add_column(column)
        for r in rows:
            status = r["status"] + (f" ({r['failure']})" if r["failure"] else "")
            view.add_row(str(r["scan_id"]), r["started_at"][:16], safe(status),
                         "" if r["overall"] is None else str(shown(r["overall"])), r["grade"] or "",
                         safe(r["profile"] or ""), r["model_version"] or "",
                         *["" if r[c] is None else str(shown(r[c])) for c in CATEGORIES])
        out.print(view)

    _emit(json_out, csv_out, {"brand": brand, "profile": wanted, "mixed": mixed, "note": note, "scans": rows},
          lambda: [{"brand": brand, **r} for r in rows], table)


@app.command("checks")
def list_checks(json_out: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Every registered check (built-in and from installed plug-ins): id, category, version, needs, default weight."""
    from connectedness.checks import load_checks

    rows: list[dict[str, Any]] = [{"id": c.id, "category": c.category, "version": c.version, "title": c.title,
             "needs": list(c.needs), "weight": c.weight, "description": c.description} for c in load_checks().values()]

    def table() -> None:
        view = Table()
        for column in ("id", "category", "version", "needs", "weight", "what it checks"):
            view.add_column(column)
        for r in rows:
            view.add_row(r["id"], r["category"], r["version"], ",".join(r["needs"]), f"{r['weight']:g}", r["title"])
        out.print(view)

    _emit(json_out, csv_out, rows, lambda: [{**r, "needs": ",".join(r["needs"])} for r in rows], table)


@app.command("rescore")
def rescore_command(
    profile: Annotated[str | None, typer.Option(
        help="Scoring profile (name or .toml file). Default: each scan's own, the profile it was first scored "
             "under, under the current model.")] = None,
    scan_id: Annotated[list[int] | None, typer.Option("--scan", help="A scan id (repeatable).")] = None,
    brand: Annotated[str | None, typer.Option(help="Every scan of this brand.")] = None,
    all_scans: Annotated[bool, typer.Option("--all", help="Every stored scan.")] = False,
    recheck: Annotated[bool, typer.Option(
        "--recheck", help="Run the current checks on the stored pages first (new check versions).")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Score stored scans again under another profile or model version, without crawling. Adds a scorecard to each."""
    from connectedness.audit import rescore
    from connectedness.checks import load_checks
    from connectedness.scoring import shown
    from connectedness.storage import list_scans, load_scorecards

    if sum(bool(x) for x in (scan_id, brand, all_scans)) != 1:
        err.print("[red]error:[/] say which scans: --scan ID (repeatable), --brand NAME or --all")
        raise typer.Exit(2)
    chosen = _load_profile(profile) if profile is not None else None
    database = _open_db(db)
    known = list_scans(database, brand)
    ids = [s.id for s in known] if (brand or all_scans) else list(scan_id or [])
    missing = sorted(set(ids) - {s.id for s in known})
    if missing:
        raise _fail(f"no scan with id {', '.join(map(str, missing))}")
    checks = list(load_checks().values())
    done = []
    by_profile: dict[str, list[int]] = {}
    for sid in sorted(ids):  # each scan keeps its own profile unless one was given
        cards = load_scorecards(database, sid)
        own = chosen.name if chosen else (cards[0][2].profile if cards else None)
        if own is not None or recheck:
            by_profile.setdefault(own or "default", []).append(sid)
    for name, group in by_profile.items():
        done += rescore(database, group, chosen or _load_profile(name), checks, recheck=recheck)
    rows: list[dict[str, Any]] = [{"scan_id": sid, "profile": card.profile, "model_version": card.model_version,
             "overall": card.overall, "grade": card.grade} for sid, card in sorted(done, key=lambda d: d[0])]

    def table() -> None:
        under = f" under {safe(chosen.name)}" if chosen else " under each scan's own profile"
        view = Table(title="Re-scored" + under, title_justify="left")
        for column in ("scan", "profile", "overall", "grade", "model"):
            view.add_column(column)
        for r in rows:
            overall = "-" if r["overall"] is None else str(shown(r["overall"]))
            view.add_row(str(r["scan_id"]), safe(r["profile"]), overall, r["grade"] or "-", r["model_version"])
        out.print(view)
        skipped = len(ids) - len(done)
        if skipped:
            out.print(f"{skipped} scan(s) had no check results (failed, or crawled without checks) "
                      "and were left as they were.")

    _emit(json_out, csv_out, rows, lambda: rows, table)


ReportFormat = Literal["html", "pdf", "md", "json", "csv"]


def _report_extras(database: Database, doc: dict[str, Any], profile: str | None) -> dict[str, Any]:
    """What a report adds to the scan itself, all from the database: the brand's trend (with two or
    more scored scans), the comparison with its competitor group, and what changed since its
    previous complete scan. Each is left out (None) when there is nothing to show."""
    from connectedness.reports.compare import compare_documents
    from connectedness.reports.documents import diff_with, latest_documents, previous_complete, scored_scans, trend
    from connectedness.storage.brands import group_members

    brand, group = doc["brand"]["name"], doc["brand"]["group"]
    card = doc.get("scorecard") or {}
    rubric = _load_profile(profile or card.get("profile") or "default")
    scans = scored_scans(database, brand)
    history = trend(database, brand, profile=rubric.name) if len(scans) > 1 else None
    comparison = None
    if group:
        members = [name for name in group_members(database, group) if scored_scans(database, name)]
        if len(members) > 1:
            comparison = compare_documents(latest_documents(database, members, rubric), subject=brand,
                                           group=group).to_dict()
    before = previous_complete(database, doc["scan"]["id"])
    changes = diff_with(database, before, doc["scan"]["id"], rubric) if before is not None else None
    return {"trend": history, "comparison": comparison, "diff": changes}


def _brand_slug(name: str) -> str:
    """A file-name-safe form of a brand's name (``Summit Outfitters`` -> ``summit-outfitters``)."""
    import re

    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "brand"


def _default_report_path(doc: dict[str, Any], fmt: str) -> Path:
    return Path(f"{_brand_slug(doc['brand']['name'])}-scan-{doc['scan']['id']}.{fmt}")


@app.command()
def report(
    target: Annotated[str, typer.Argument(help="A scan id, or a brand name for its latest scored scan.")],
    fmt: Annotated[ReportFormat, typer.Option(
        "--format", help="html (one self-contained file), pdf (the same, printed by Chromium), md, json or csv.",
    )] = "html",
    out_path: Annotated[Path | None, typer.Option(
        "--out", help="Where to write it ('-' for stdout). Default: BRAND-scan-ID.html/.pdf here; "
                      "md, json and csv go to stdout.")] = None,
    open_report: Annotated[bool, typer.Option("--open", help="Open the report in the default browser.")] = False,
    assets: Annotated[Literal["inline", "folder"], typer.Option(
        help="Screenshots embedded in the HTML (inline) or written to a folder beside it.")] = "inline",
    profile: Annotated[str | None, typer.Option(
        help="Score under this profile (stored scorecard if any, else computed). Default: the scan's own.")] = None,
    branding: Annotated[Path | None, typer.Option(
        help="TOML file with agency, logo, accent and tool_in_footer (options below override it).")] = None,
    agency: Annotated[str | None, typer.Option(help="Agency name shown on the report (white label).")] = None,
    logo: Annotated[Path | None, typer.Option(help="Agency logo (PNG, JPEG or SVG), embedded.")] = None,
    accent: Annotated[str | None, typer.Option(help="Accent colour, a CSS hex colour such as #0b5fff.")] = None,
    tool_in_footer: Annotated[bool | None, typer.Option(
        "--tool-in-footer/--tool-in-header", help="Name this tool only in the footer.", show_default=False)] = None,
    db: DbOption = None,
) -> None:
    """The audit report of one scan, read from the database (never crawled again): summary, every check with
    its evidence, screenshots, charts, trend, comparison with the competitor group, what changed.

    Exit code 0 written, 1 no such scan or brand, 2 bad option.
    """
    from connectedness.reports.markdown import scan_report_markdown
    from connectedness.reports.tabular import REPORT_COLUMNS, report_rows, write_csv

    if fmt in ("html", "pdf") and str(out_path) == "-":
        raise _fail("--out -: html and pdf reports are files", 2)
    database = _open_db(db, write=False)
    scan_id = _resolve_scan(database, target)
    doc = _stored_document(database, scan_id, profile)
    if doc["scorecard"] is None:
        raise _fail(f"scan {scan_id} has no score ({doc['scan']['status']}); nothing to report")
    doc.update(_report_extras(database, doc, profile))
    to_stdout = str(out_path) == "-" or (out_path is None and fmt in ("md", "json", "csv"))
    if fmt in ("md", "json", "csv"):
        if fmt == "json":
            text = json_text(json.dumps(doc, indent=2, ensure_ascii=False, default=str)) + "\n"
        elif fmt == "csv":
            import io

            buffer = io.StringIO()
            write_csv(buffer, report_rows(doc), REPORT_COLUMNS)
            text = buffer.getvalue()
        else:
            text = scan_report_markdown(doc, screenshots=database.blobs,
                                        relative_to=None if to_stdout or out_path is None else out_path.parent)
        if to_stdout:
            sys.stdout.write(text)
            return
        assert out_path is not None  # noqa: S101 - narrows the type: stdout was handled above
        out_path.write_text(text, encoding="utf-8")
        out.print(f"report: {safe(str(out_path))}")
        return
    path = out_path or _default_report_path(doc, fmt)
    written = _write_html_report(database, doc, path, fmt, assets, branding, agency, logo, accent, tool_in_footer)
    out.print(f"report: {safe(str(written))}")
    if open_report:
        import webbrowser

        webbrowser.open(written.resolve().as_uri())


def _write_html_report(database: Database, doc: dict[str, Any], path: Path, fmt: str, assets: str,
                       branding_file: Path | None, agency: str | None, logo: Path | None, accent: str | None,
                       tool_in_footer: bool | None) -> Path:
    """Write the HTML report (and print it to PDF for ``fmt == "pdf"``); returns the file written."""
    import dataclasses
    import tempfile

    from connectedness.reports.branding import Branding
    from connectedness.reports.html import render_html
    from connectedness.reports.pdf import write_pdf

    def make_branding() -> Branding:
        base = Branding.from_toml(branding_file) if branding_file else Branding()
        changes: dict[str, Any] = {k: v for k, v in (("agency", agency), ("logo", logo), ("accent", accent),
                                                     ("tool_in_footer", tool_in_footer)) if v is not None}
        return dataclasses.replace(base, **changes)  # validated again on creation

    look = _usage(make_branding, (ValueError, OSError), "branding: ")
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        html_path = path
    else:  # the PDF prints an HTML file; with folder assets it sits beside the PDF, else in a temp folder
        html_path = path.with_suffix(".html") if assets == "folder" else Path(tempfile.mkdtemp()) / "report.html"
    html = render_html(doc, screenshots=database.blobs, branding=look, assets=assets,  # type: ignore[arg-type]
                       out_path=html_path, trend=doc.get("trend"), comparison=doc.get("comparison"),
                       diff=doc.get("diff"))
    html_path.write_text(html, encoding="utf-8")
    if fmt == "pdf":
        write_pdf(html_path, path)
    return path


@app.command("trend")
def trend_command(
    brand: Annotated[str, typer.Argument(help="Brand name, as stored.")],
    since: Annotated[datetime | None, typer.Option(
        formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"], help="Only scans started on or after this date (UTC).")] = None,
    category: Annotated[str | None, typer.Option(help="Only this category (and the overall score).")] = None,
    profile: ProfileFilterOpt = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """A brand's overall and per-category scores over time, with sparklines. Scores made under different
    profiles or model versions are separate series, and a warning says so (`rescore` makes them one)."""
    from connectedness.reports.documents import NotFound, trend
    from connectedness.reports.terminal import print_trend, trend_rows

    database = _open_db(db, write=False)
    try:
        data = trend(database, brand, since=since.replace(tzinfo=UTC) if since else None, category=category,
                     profile=profile)
    except NotFound as exc:
        raise _fail(str(exc)) from None
    _emit(json_out, csv_out, data, lambda: trend_rows(data), lambda: print_trend(out, data))


@app.command("compare")
def compare_command(
    brands: Annotated[list[str] | None, typer.Argument(help="Brands to compare; the first is 'you'.")] = None,
    group: Annotated[str | None, typer.Option(help="Every brand of this competitor group.")] = None,
    subject: Annotated[str | None, typer.Option(
        help="The brand the gaps are written for (default: the first brand named; with --group, every brand).")] = None,
    profile: Annotated[str | None, typer.Option(
        help="The one profile every brand is scored under. Default: the first brand's.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Brands side by side on one rubric: categories by brands with ranks, the group average, and the gaps in
    plain language. Each brand's latest scored scan is scored under the same profile and model (no crawling)."""
    from connectedness.reports.compare import compare_documents
    from connectedness.reports.documents import NotFound, latest_documents
    from connectedness.reports.terminal import comparison_rows, print_comparison
    from connectedness.storage.brands import BrandError, get_brand, group_members

    if bool(brands) == bool(group):
        raise _fail("name the brands to compare, or --group NAME (not both)", 2)
    database = _open_db(db, write=False)
    try:
        names = list(brands or []) or group_members(database, group or "")
        if len(names) < 2:
            raise _fail(f"a comparison needs two brands or more; {len(names)} given", 2)
        rubric = _load_profile(profile or get_brand(database, names[0]).profile or "default")
        docs = latest_documents(database, names, rubric)
    except (BrandError, NotFound) as exc:
        raise _fail(str(exc)) from None
    who = subject or (names[0] if brands else None)
    if who is not None and who not in names:
        raise _fail(f"--subject {who!r} is not one of the brands compared", 2)
    data = compare_documents(docs, subject=who, group=group).to_dict()
    _emit(json_out, csv_out, data, lambda: comparison_rows(data), lambda: print_comparison(out, data))


@app.command("diff")
def diff_command(
    scans: Annotated[list[str] | None, typer.Argument(
        help="[SCAN_A] SCAN_B: two scan ids, one (compared with the brand's previous complete scan), "
             "or a brand name (its last two complete scans).")] = None,
    brand: Annotated[str | None, typer.Option(help="Diff this brand's last two complete scans.")] = None,
    profile: Annotated[str | None, typer.Option(
        help="Score both scans under this profile. Default: the newer scan's.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """What changed between two scans: signals gained and lost, score changes by category, checks that moved,
    pages added and removed. Both scans are scored under one profile and the current model."""
    from connectedness.reports.documents import (
        NotFound,
        diff_with,
        last_two,
        previous_complete,
        scan_row,
        stored_document,
    )
    from connectedness.reports.terminal import diff_rows, print_diff

    given = list(scans or [])
    if brand is not None:
        given = [brand, *given]
    if not 1 <= len(given) <= 2:
        raise _fail("say what to compare: SCAN_A SCAN_B, one scan id, or a brand name", 2)
    database = _open_db(db, write=False)
    try:
        if len(given) == 2 and all(g.isdigit() for g in given):
            old_id, new_id = int(given[0]), int(given[1])
        elif given[0].isdigit():
            new_id = int(given[0])
            before = previous_complete(database, new_id)
            if before is None:
                raise NotFound(f"scan {new_id} has no earlier complete scan of {scan_row(database, new_id).brand!r} "
                               "to compare with")
            old_id = before
        else:
            old_id, new_id = last_two(database, given[0])
        newer = stored_document(database, new_id)
        rubric = _load_profile(profile or (newer["scorecard"] or {}).get("profile") or "default")
        data = diff_with(database, old_id, new_id, rubric)
    except (NotFound, KeyError) as exc:
        raise _fail(str(exc.args[0])) from None
    _emit(json_out, csv_out, data, lambda: diff_rows(data), lambda: print_diff(out, data))


brands_app = typer.Typer(help="Brands and competitor groups (also created by scans).", no_args_is_help=True)
app.add_typer(brands_app, name="brands")


@brands_app.command("list")
def brands_list(
    group: Annotated[str | None, typer.Option(help="Only this competitor group.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Every brand: URL, competitor group, the profile it is judged under, scans and the last one."""
    from connectedness.storage.brands import list_brands

    rows = [b.to_dict() for b in list_brands(_open_db(db, write=False), group)]

    def table() -> None:
        view = Table()
        for column in ("brand", "group", "profile", "scans", "last scan", "URL"):
            view.add_column(column)
        for r in rows:
            view.add_row(safe(str(r["name"])), safe(str(r["group"] or "")), safe(str(r["profile"] or "")),
                         str(r["scans"]), str(r["last_scan"] or "")[:16], safe(str(r["url"])))
        out.print(view)

    _emit(json_out, csv_out, rows, lambda: rows, table)


def _brand_call(call: Callable[[], T]) -> T:
    from connectedness.storage.brands import BrandError

    try:
        return call()
    except BrandError as exc:
        raise _fail(str(exc)) from None


@brands_app.command("add")
def brands_add(
    name: Annotated[str, typer.Argument(help="The brand's name.")],
    url: Annotated[str, typer.Argument(help="Its home page.")],
    group: GroupOpt = None,
    profile: Annotated[str | None, typer.Option(
        help="The profile it is judged under (default, retail, b2b...).")] = None,
    db: DbOption = None,
) -> None:
    """Register a brand before its first scan."""
    from connectedness.storage.brands import add_brand

    start = _start_url(url)
    if profile is not None:
        _load_profile(profile)
    database = _open_db(db)
    _brand_call(lambda: add_brand(database, name, start, group=group, profile=profile))
    out.print(f"added {safe(name)}")


@brands_app.command("set")
def brands_set(
    name: Annotated[str, typer.Argument(help="The brand's name.")],
    url: Annotated[str | None, typer.Option(help="A new home page.")] = None,
    group: GroupOpt = None,
    no_group: Annotated[bool, typer.Option("--no-group", help="Take the brand out of its group.")] = False,
    profile: Annotated[str | None, typer.Option(help="The profile it is judged under from now on.")] = None,
    db: DbOption = None,
) -> None:
    """Change a brand's URL, competitor group or profile (stored scorecards stay; `rescore` adds new ones)."""
    from connectedness.storage.brands import update_brand

    start = _start_url(url) if url else None
    if profile is not None:
        _load_profile(profile)
    database = _open_db(db)
    _brand_call(lambda: update_brand(database, name, url=start, group=group, profile=profile, clear_group=no_group))
    out.print(f"updated {safe(name)}")


@brands_app.command("group")
def brands_group(
    group: Annotated[str, typer.Argument(help="The competitor group.")],
    names: Annotated[list[str], typer.Argument(help="Brands to put in it.")],
    db: DbOption = None,
) -> None:
    """Put brands in a competitor group (`compare --group NAME` compares them)."""
    from connectedness.storage.brands import set_group

    database = _open_db(db)
    _brand_call(lambda: set_group(database, group, names))
    out.print(f"{len(names)} brand(s) in group {safe(group)}")


@brands_app.command("remove")
def brands_remove(
    name: Annotated[str, typer.Argument(help="The brand's name.")],
    yes: Annotated[bool, typer.Option("--yes", help="Really delete the brand and every scan of it.")] = False,
    db: DbOption = None,
) -> None:
    """Delete a brand and all its scans. Asks for --yes: the scans cannot be brought back."""
    from connectedness.storage.brands import remove_brand

    if not yes:
        raise _fail(f"this deletes {name!r} and every scan of it; add --yes to go on", 2)
    database = _open_db(db)
    count = _brand_call(lambda: remove_brand(database, name))
    out.print(f"removed {safe(name)} and {count} scan(s)")


BATCH_SOME_FAILED = 4  # exit code: the run finished, and at least one brand's scan failed (each stored with why)
BATCH_LOCKED = 5  # exit code: another run of the same watchlist is still going; nothing was scanned


@app.command("batch")
def batch_command(
    watchlist: Annotated[Path, typer.Argument(help="The watchlist TOML file (see watchlist.example.toml).")],
    concurrency: Annotated[int, typer.Option(min=1, help="Brands scanned at once (one browser shared).")] = 3,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Continue the newest interrupted run of this watchlist (or --run ID), scanning only the "
                         "brands it has not finished.")] = False,
    run_id: Annotated[int | None, typer.Option("--run", help="With --resume: the run to continue.")] = None,
    digest: Annotated[Path | None, typer.Option(
        help="Folder to write the run's digest to (run-ID.md and run-ID.json): per brand, what changed since "
             "its previous complete scan, and what failed.")] = None,
    webhook: Annotated[str | None, typer.Option(
        help="POST the digest to this URL as Slack-compatible JSON ({\"text\": ...}), with retries.")] = None,
    webhook_timeout: Annotated[float, typer.Option(min=0.1, help="Seconds each webhook attempt may take.")] = 10.0,
    enqueue: Annotated[bool, typer.Option(
        "--enqueue", help="Scan nothing here: make the run and put one job per brand on the job queue "
                          "(PostgreSQL --db), for `connectedness worker` processes; prints the run id.")] = False,
    allow_network: AllowNetworkOpt = None,
    allow_private: AllowPrivateOpt = False,
    no_browser: NoBrowserOpt = False,
    browser_memory: BrowserMemoryOpt = _RENDER_DEFAULTS.memory_limit_mb,
    js_heap: JsHeapOpt = _RENDER_DEFAULTS.js_heap_mb,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
    verbose: VerboseOpt = False,
) -> None:
    """Scan every brand of a watchlist, several at once, as one run with an id; a summary table at the end.

    One brand failing (unreachable, hanging past its time budget, a crash) never stops the others: its scan is
    stored as failed with the reason. Exit code 0 when every brand was scanned, 4 when some failed, 3 when all
    were scanned but the browser was missing or broken (no page rendered), 5 when another
    run of the same watchlist is still going (nothing scanned), 1 when the run could not start (no such run to
    resume), 2 for a bad watchlist or option.

    With --enqueue: the run is made and its brands queued (exit 0, the run id on stdout), and workers scan them;
    with --resume too, the brands a queued, interrupted or partial run has not finished are queued again (after
    an --enqueue that failed halfway, say); 1 when queuing failed (the run id and how to resume in the line);
    2 when the database is not PostgreSQL or --enqueue is given with --digest or --webhook.
    """
    from rich.progress import TimeRemainingColumn

    from connectedness.batch import BrandEvent, RunError, run_watchlist
    from connectedness.watchlist import WatchlistError, load_watchlist

    _setup_logging(verbose)
    if run_id is not None and not resume:
        raise _fail("--run goes with --resume", 2)
    listed = _usage(lambda: load_watchlist(watchlist), WatchlistError).allowing(
        **_allowances(allow_network, allow_private))  # on each brand, so queued jobs carry them too
    if enqueue:
        if digest is not None or webhook is not None:
            raise _fail("--enqueue goes without --digest and --webhook (workers finish the run; "
                        "`connectedness digest RUN_ID` once it is done)", 2)
        _enqueue_run(listed, db, render=not no_browser, json_out=json_out, resume=resume, run_id=run_id)
        return
    database = _open_db(db)
    checks = _load_checks(None)
    quiet = json_out or csv_out or not err.is_terminal
    counts = {"done": 0, "failed": 0, "pages": 0, "renders": 0}
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True, disable=quiet) as bar:
        task = bar.add_task("scanning", total=len(listed.brands))

        def on_event(event: BrandEvent) -> None:
            if event.kind == "page":
                counts["pages"] += 1
            elif event.kind == "finished" and event.result is not None:
                counts["failed" if event.result.status == "failed" else "done"] += 1
                counts["renders"] += event.result.renders  # page views rendered (a page at each viewport)
                bar.advance(task)
            bar.update(task, description=f"{counts['done']} done, {counts['failed']} failed, "
                                         f"{counts['pages']} pages, {counts['renders']} renders")

        async def run_all() -> Any:
            browser = None if no_browser else Browser(
                settings=RenderSettings(memory_limit_mb=browser_memory, js_heap_mb=js_heap)).start()
            try:
                return await run_watchlist(listed, database, checks=checks, concurrency=concurrency, browser=browser,
                                           resume=resume, run_id=run_id, on_event=on_event)
            finally:
                if browser is not None:
                    await browser.close()

        from connectedness.audit import Browser
        from connectedness.batch import RunLocked, run_lock

        try:
            with run_lock(listed, database):
                outcome = _interruptible(lambda: run_async(run_all()))
        except RunError as exc:
            raise _fail(str(exc)) from None
        except RunLocked as exc:
            raise _fail(str(exc), BATCH_LOCKED) from None
    rows = [r.to_dict() for r in outcome.results]

    def table() -> None:
        from connectedness.scoring import shown

        view = Table(title=f"Run {outcome.run_id}" + (" (resumed)" if outcome.resumed else "") +
                     f": {safe(str(watchlist))}", title_justify="left")
        for column in ("brand", "status", "score", "grade", "pages", "renders", "s", "scan", "note"):
            numeric = column in ("score", "pages", "renders", "s", "scan")
            view.add_column(column, justify="right" if numeric else "left")
        for r in rows:
            colour = {"failed": "red", "partial": "yellow", "skipped": "dim"}.get(r["status"], "green")
            view.add_row(safe(r["brand"]), f"[{colour}]{r['status']}[/]",
                         "" if r["overall"] is None else str(shown(r["overall"])), r["grade"] or "",
                         str(r["pages"]), str(r["renders"]), f"{r['seconds']:.1f}", str(r["scan_id"] or ""),
                         safe(r["message"] if r["status"] == "failed" else
                                ("" if no_browser else r["not_rendered"] or "")))  # --no-browser: no news
        out.print(view)
        summary = outcome.summary()
        kinds = [f"{summary[k]} {k}" for k in ("complete", "partial", "failed", "skipped") if summary.get(k)]
        out.print(f"{summary['brands']} brands in {summary['seconds']} s: " + ", ".join(kinds))

    _emit(json_out, csv_out, {"run_id": outcome.run_id, "resumed": outcome.resumed, "summary": outcome.summary(),
                              "brands": rows}, lambda: rows, table)
    if digest is not None or webhook is not None:
        _send_digest(database, outcome.run_id, digest, webhook, webhook_timeout)
    if outcome.failed:
        raise typer.Exit(BATCH_SOME_FAILED)
    unrendered = [r for r in outcome.results if r.not_rendered] if not no_browser else []
    if unrendered:  # every scan stored, but the browser asked for rendered nothing: not a clean run
        raise _fail(f"pages could not be rendered for {len(unrendered)} brand(s) ({unrendered[0].not_rendered}); "
                    f"their browser checks could not check (exit {EXIT_NOT_RENDERED})", EXIT_NOT_RENDERED)


def _send_digest(database: Database, run_id: int, folder: Path | None, webhook: str | None, timeout: float) -> None:
    """Write and post a run's digest. A webhook that fails after its retries is reported on stderr: the
    run and its digest files are kept, and the exit code stays the run's."""
    import httpx

    from connectedness.digest import digest_markdown, post_webhook, run_digest, slack_message

    data = run_digest(database, run_id)
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"run-{run_id}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                                                   encoding="utf-8")
        (folder / f"run-{run_id}.md").write_text(digest_markdown(data), encoding="utf-8")
        err.print(f"digest: {safe(str(folder / f'run-{run_id}.md'))}")
    if webhook is not None:
        try:
            status = post_webhook(webhook, slack_message(data), timeout=timeout)
        except httpx.HTTPError as exc:
            err.print(f"[red]error:[/] webhook {safe(webhook)} failed after retries: {safe(str(exc))}")
        else:
            err.print(f"webhook: {safe(webhook)} answered {status}")


@app.command("digest")
def digest_command(
    run_id: Annotated[int, typer.Argument(help="A run id, as `connectedness batch` printed it.")],
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """What changed per brand in a batch run: score moves, signals gained and lost, failures (Markdown, or
    `--json`: schema digest-v1)."""
    from connectedness.digest import DigestError, digest_markdown, run_digest

    try:
        data = run_digest(_open_db(db, write=False), run_id)
    except DigestError as exc:
        raise _fail(str(exc)) from None
    if json_out:
        _print_json(data)
    else:
        sys.stdout.write(plain(digest_markdown(data)))  # a terminal, maybe: md_inline already stripped controls


# -- the job queue: scale-out over several worker processes and machines -------------------------------


def _queue_database(url: str | None) -> Database:
    """The database of the job queue: PostgreSQL only (exit 2 with one line otherwise), opened (exit 1)."""
    from sqlalchemy.engine import make_url

    from connectedness.storage.db import default_url, normalize_url

    resolved = normalize_url(url or default_url())
    backend = make_url(resolved).get_backend_name()
    if backend != "postgresql":
        raise _fail(f"the job queue needs PostgreSQL (--db postgresql+psycopg://USER@HOST/DB), not {backend}", 2)
    return _open_db(resolved)


def _with_queue(database: Database, use: Callable[[Any], Awaitable[T]]) -> T:
    """Open the job queue (applying its schema if it is not there yet), call ``use`` with it, close it;
    a queue that cannot be opened or fails is one line and exit 1."""
    from connectedness.jobs import open_queue

    try:
        from procrastinate.exceptions import ConnectorException
    except ImportError:
        raise _fail("the job queue needs procrastinate: pip install 'procrastinate>=3.9,<4'") from None

    async def go() -> T:
        async with open_queue(database) as queue:
            return await use(queue)

    try:
        return _interruptible(lambda: run_async(go()))
    except (OSError, ConnectorException) as exc:
        raise _fail(f"the job queue failed: {type(exc).__name__}: {exc}") from None


def _enqueue_run(listed: Any, db: str | None, *, render: bool, json_out: bool, resume: bool = False,
                 run_id: int | None = None) -> None:
    """`batch --enqueue [--resume [--run ID]]`: a queued run of the watchlist (or the run to queue again) and
    one job per brand it has not finished; the run id on stdout."""
    from connectedness.batch import RunError
    from connectedness.jobs import EnqueueFailed, enqueue_watchlist

    database = _queue_database(db)
    try:
        run_id, queued = _with_queue(database, lambda queue: enqueue_watchlist(
            queue, database, listed, render=render, resume=resume, run_id=run_id))
    except (RunError, EnqueueFailed) as exc:
        raise _fail(str(exc)) from None
    if json_out:
        _print_json({"run_id": run_id, "jobs": [{"brand": q.brand, "job_id": q.job_id, "message": q.message}
                                                for q in queued]})
    else:
        sys.stdout.write(f"{run_id}\n")  # alone on stdout: RUN=$(connectedness batch w.toml --enqueue)
        waiting = [q for q in queued if q.job_id is None]
        err.print(f"run {run_id}: {len(queued) - len(waiting)} brand(s) queued"
                  + "".join(f"; {safe(q.brand)} not queued: {safe(q.message)}" for q in waiting))


@app.command("worker")
def worker_command(
    concurrency: Annotated[int, typer.Option(min=1, help="Brands scanned at once by this process (one browser "
                                                         "shared).")] = 2,
    exit_when_empty: Annotated[bool, typer.Option(
        "--exit-when-empty", help="Exit once no job is waiting or running, instead of waiting for more.")] = False,
    heartbeat: Annotated[float, typer.Option(
        min=0.2, help="Seconds between this worker's heartbeats. A worker silent for 3 heartbeats is taken as "
                      "dead and its job is put back in the queue.")] = 10.0,
    allow_network: AllowNetworkOpt = None,
    allow_private: AllowPrivateOpt = False,
    no_browser: NoBrowserOpt = False,
    browser_memory: BrowserMemoryOpt = _RENDER_DEFAULTS.memory_limit_mb,
    js_heap: JsHeapOpt = _RENDER_DEFAULTS.js_heap_mb,
    db: DbOption = None,
    verbose: VerboseOpt = False,
) -> None:
    """Run queued brand scans (`batch --enqueue`) until stopped (Ctrl-C, SIGTERM: running scans finish first).

    Start one per machine (or several) against the same PostgreSQL --db: never two scans of one brand at once,
    and a job whose worker died is retried by the others. Exit code 0 when stopped or, with --exit-when-empty,
    when the queue is drained; 1 when the database or queue cannot be opened; 2 when --db is not PostgreSQL.
    """
    from connectedness.jobs import WorkerOptions, WorkerReport
    from connectedness.jobs.runner import BrandScanner

    _setup_logging(verbose)
    database = _queue_database(db)
    checks = _load_checks(None)
    options = WorkerOptions(concurrency=concurrency, exit_when_empty=exit_when_empty, heartbeat=heartbeat)
    base = CrawlSettings(**_allowances(allow_network, allow_private))

    async def work(queue: Any) -> tuple[WorkerReport, BrandScanner]:
        async with BrandScanner(database, checks, browser=not no_browser, base=base,
                                render=RenderSettings(memory_limit_mb=browser_memory, js_heap_mb=js_heap)) as scanner:
            return await queue.work(scanner, options), scanner

    report, scanner = _with_queue(database, work)
    failed = sum(1 for _brand, _run, status in scanner.scanned if status == "failed")
    err.print(f"worker: {len(scanner.scanned)} scan(s), {failed} failed; "
              f"{len(report.retried_stalled)} dead worker's job(s) put back, {len(report.abandoned)} given up")


@app.command("queue")
def queue_command(
    all_states: Annotated[bool, typer.Option("--all", help="Also the jobs that succeeded, were cancelled or "
                                                           "aborted.")] = False,
    init: Annotated[bool, typer.Option(
        "--init", help="Apply the queue's schema now (otherwise the first worker, --enqueue or queue does).")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """The job queue's jobs: waiting (todo), running (doing) and failed, with brand, run, attempts and since when.

    Exit code 0; 1 when the database or queue cannot be opened; 2 when --db is not PostgreSQL.
    """
    from connectedness.jobs.queue import OPEN_STATES

    database = _queue_database(db)
    states = ("todo", "doing", "failed", "succeeded", "cancelled", "aborted") if all_states else OPEN_STATES

    async def listing(queue: Any) -> Any:
        return await queue.jobs(states)

    jobs = _with_queue(database, listing)
    if init:
        err.print("queue schema: in place")
    rows = [j.to_dict() for j in jobs]

    def table() -> None:
        view = Table(title="Job queue", title_justify="left")
        for column in ("job", "state", "brand", "run", "attempts", "since"):
            view.add_column(column, justify="right" if column in ("job", "run", "attempts") else "left")
        for r in rows:
            colour = {"failed": "red", "doing": "yellow", "todo": "cyan"}.get(r["state"], "green")
            view.add_row(str(r["id"]), f"[{colour}]{r['state']}[/]", safe(r["brand"]), str(r["run_id"] or ""),
                         str(r["attempts"]), (r["since"] or "")[:19].replace("T", " "))
        out.print(view)
        counts = {s: sum(1 for r in rows if r["state"] == s) for s in states}
        out.print(", ".join(f"{n} {s}" for s, n in counts.items()))

    _emit(json_out, csv_out, {"jobs": rows}, lambda: rows, table,
          ("id", "state", "brand", "run_id", "attempts", "since", "worker"))


@app.command("prune")
def prune_command(
    keep_days: Annotated[int, typer.Option("--keep-days", min=0, help="Keep everything of scans younger than this.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would go; delete nothing.")] = False,
    db: DbOption = None,
    json_out: JsonOption = False,
) -> None:
    """Give back the bulk of old scans: their pages, crawl issues, feeds, stylesheets, rendered DOMs and
    screenshots, then every blob file nothing references. Scores, check results (observations, evidence,
    findings) and render measurements stay, so trends, diffs of scores and `show` still work."""
    from connectedness.storage.prune import prune

    report = prune(_open_db(db), keep_days, dry_run=dry_run)
    if json_out:
        _print_json(report.to_dict())
        return
    verb = "would drop" if dry_run else "dropped"
    out.print(f"{verb} the pages of {report.scans} scan(s) ({report.pages} pages) and {report.blobs_deleted} "
              f"blob file(s), {report.bytes_freed / 1e6:.1f} MB")


def _outcome_json(outcome: CrawlOutcome) -> dict[str, Any]:
    return {
        "tool": "connectedness",
        "version": __version__,
        "brand": outcome.brand,
        "scan_id": outcome.scan_id,
        "error": outcome.error,
        "snapshot": outcome.snapshot.to_dict(with_bodies=False) if outcome.snapshot else None,
    }


def _crawl_rows(outcome: CrawlOutcome) -> list[dict[str, Any]]:
    """CSV rows of a crawl: one per page fetched and one per URL not fetched or kept."""
    snapshot = outcome.snapshot
    if snapshot is None:
        return []
    rows: list[dict[str, Any]] = [
        {"kind": "page", "url": p.url, "final_url": p.final_url, "status": p.status, "reason": p.reason,
         "depth": p.depth, "bytes": len(p.body), "seconds": round(p.elapsed, 3), "message": None}
        for p in snapshot.pages]
    rows += [{"kind": "issue", "url": i.url, "final_url": None, "status": i.status, "reason": i.reason,
              "depth": i.depth, "bytes": None, "seconds": None, "message": i.message} for i in snapshot.issues]
    return rows


def _print_crawl(outcome: CrawlOutcome) -> None:
    from connectedness.crawler.feeds import feed_listing

    snapshot = outcome.snapshot
    if snapshot is None or (snapshot.status == "failed" and not snapshot.pages):
        return  # nothing was fetched: the one "failed:" line on stderr says why, once
    table = Table(title=safe(f"{outcome.brand}: {snapshot.start_url}"), title_justify="left")
    for column in ("#", "status", "why chosen", "depth", "URL", "KB", "s"):
        table.add_column(column, justify="right" if column in ("#", "depth", "KB", "s") else "left")
    for index, page in enumerate(snapshot.pages, 1):
        note = " (cut)" if page.truncated else ""
        shown = page.final_url if page.final_url == page.url else f"{page.url} → {page.final_url}"
        table.add_row(str(index), str(page.status), safe(page.reason), str(page.depth), safe(shown + note),
                      f"{len(page.body) / 1024:.0f}", f"{page.elapsed:.2f}")
    out.print(table)
    if snapshot.issues:
        issues = Table(title="Not fetched or kept", title_justify="left")
        for column in ("reason", "URL", "found on", "detail"):
            issues.add_column(column)
        for issue in snapshot.issues:
            issues.add_row(safe(issue.reason), safe(issue.url), safe(issue.found_on or ""), safe(issue.message))
        out.print(issues)
    listing = feed_listing(snapshot)
    if listing:
        feeds = Table(title="Feeds (parsed, and linked but not read)", title_justify="left")
        for column in ("URL", "state", "kind", "found via", "entries", "newest", "podcast"):
            feeds.add_column(column)
        for entry in listing:
            feed = entry.feed
            if feed is None:  # advertised or linked, not read: the reason stands where the kind would
                feeds.add_row(safe(entry.url), safe(entry.state), safe(entry.reason), safe(entry.found_via), "", "", "")
                continue
            newest = max((e.published for e in feed.entries if e.published), default="")
            feeds.add_row(safe(feed.url), safe(entry.state), safe(feed.kind), safe(feed.found_via),
                          str(len(feed.entries)), safe(newest[:10]),
                          "yes" if feed.itunes else "")
        out.print(feeds)
    robots = ", ".join(f"{r.url}: {r.outcome}" for r in snapshot.robots) or "none"
    sitemaps = ", ".join(f"{s.url} ({s.urls} URLs{', ' + s.error if s.error else ''})"
                         for s in snapshot.sitemaps) or "none"
    out.print(f"robots.txt: {safe(robots)}\nsitemaps: {safe(sitemaps)}")
    stored = f"stored as scan {outcome.scan_id}" if outcome.scan_id else "not stored"
    out.print(f"{snapshot.status}: {len(snapshot.pages)} pages, {len(snapshot.issues)} issues in "
              f"{snapshot.stats.get('seconds', 0):.1f} s; {stored}")


@app.command()
def scans(
    brand: Annotated[str | None, typer.Option(help="Only this brand's scans.")] = None,
    db: DbOption = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """List stored scans, newest first."""
    from connectedness.storage import list_scans

    rows = list_scans(_open_db(db, write=False), brand)
    data: list[dict[str, Any]] = [
        {"id": s.id, "brand": s.brand.name, "group": s.brand.competitor_group, "started_at": s.started_at.isoformat(),
         "status": s.status, "pages": s.page_count, "issues": s.issue_count, "url": s.start_url,
         "failure": s.failure_reason}
        for s in rows
    ]

    def table() -> None:
        view = Table()
        for column in ("id", "brand", "group", "started", "status", "pages", "issues", "URL"):
            view.add_column(column)
        for row in data:
            status = row["status"] + (f" ({row['failure']})" if row["failure"] else "")
            view.add_row(str(row["id"]), safe(row["brand"]), safe(row["group"] or ""), row["started_at"][:19],
                         safe(status), str(row["pages"]), str(row["issues"]), safe(row["url"]))
        out.print(view)

    _emit(json_out, csv_out, data, lambda: data, table)


@app.command()
def settings(json_out: JsonOption = False, csv_out: CsvOption = False) -> None:
    """Every crawl setting with its default and what it does."""
    rows = [{"name": name, "default": default, "doc": doc} for name, default, doc in CrawlSettings.field_docs()]

    def table() -> None:
        view = Table()
        for column in ("setting", "default", "what it does"):
            view.add_column(column)
        for row in rows:
            view.add_row(row["name"], safe(repr(row["default"])), safe(row["doc"]))
        out.print(view)

    _emit(json_out, csv_out, rows, lambda: [{**r, "default": repr(r["default"])} for r in rows], table)


@app.command()
def browser(
    install: Annotated[bool, typer.Option(
        "--install", help="When no headless shell is found, install one: Debian's chromium packages as root with "
                          "apt-get, else Playwright's own Chromium headless shell (a download into Playwright's "
                          "browsers folder, for any user: what works after pipx or uv tool install).")] = False,
) -> None:
    """Find the Chromium used for rendering: $CONNECTEDNESS_CHROMIUM, Playwright's own, then system browsers.

    Headless shells come first: they render the same pages at about half the CPU of the full browser.
    Exit code 0 with a browser found (or installed), 1 without one.
    """
    from connectedness.crawler.browser import (
        BrowserNotFound,
        BrowserPathBroken,
        can_install_with_apt,
        chromium_version,
        find_chromium,
    )

    try:
        location = find_chromium()
    except BrowserPathBroken as exc:
        raise _fail(f"{exc}: fix it or unset it (installing a browser would not change it)") from None
    except BrowserNotFound as exc:
        if not install:
            raise _fail(str(exc)) from None
        _install_browser("no Chromium found", apt=can_install_with_apt(), required=True)
        try:
            location = find_chromium()
        except BrowserNotFound as still:
            raise _fail(f"installed, but still {still}") from None
    else:
        # A full browser only: the headless shell beside it halves the CPU of every audit. The system's own
        # packages for a system browser (root on Debian), Playwright's shell otherwise; the browser found stays
        # in use when that fails.
        if install and not location.headless_shell and location.source != "env":
            apt = location.source == "system" and can_install_with_apt()
            if _install_browser("found the full browser only", apt=apt, required=False):
                location = find_chromium()
    out.print(safe(f"chromium: {location.path} ({location.source}) {chromium_version(location)}".rstrip()))


def _install_browser(reason: str, *, apt: bool, required: bool) -> bool:
    """Install a Chromium headless shell with apt-get (``apt``) or Playwright's own installer; whether it worked.

    A failure ends the command (exit 1, with what else to try) when no browser is usable (``required``), and
    is a warning when one is.
    """
    import subprocess

    from connectedness.crawler.browser import (
        install_hint,
        install_with_apt,
        install_with_playwright,
        playwright_browsers_root,
        playwright_install_command,
    )

    if apt:
        err.print(f"{reason}: installing Debian's chromium packages with apt-get")
        run = install_with_apt
    else:
        err.print(f"{reason}: installing Playwright's Chromium headless shell into {playwright_browsers_root()} "
                  f"({' '.join(playwright_install_command())})", markup=False)
        run = install_with_playwright
    try:
        run()
    except (subprocess.CalledProcessError, OSError) as exc:
        if required:
            raise _fail(f"installing a browser failed ({exc}). {install_hint()}") from None
        err.print(f"[yellow]warning:[/] installing the headless shell failed ({safe(str(exc))}); "
                  "the full browser found is used")
        return False
    return True


DEMO_RETAILER = "summit-outfitters"  # the fixture retailer whose later version (v2) the demo scans too


@app.command()
def demo(
    db: Annotated[Path, typer.Option(
        help="SQLite file the demo stores its scans in.")] = Path("demo-output/connectedness.db"),
    concurrency: Annotated[int, typer.Option(min=1, help="Sites scanned at once.")] = 3,
    no_browser: NoBrowserOpt = False,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Serve the bundled fixture sites on 127.0.0.1, scan every one (crawl, render, checks, score), store and report.

    Each site is scored under the profile its site.toml names (retail, b2b, media, local...). Then the
    fixture retailer switches to its later version (a new post, a new social profile, no chat, a page
    that overflows on phones) and is scanned again, so its report has a trend, a comparison with its
    competitor group and what changed. Writes the database, a Markdown report of every site
    (report.md) and the retailer's HTML and PDF reports beside it. Exit code 1 if a site's scan
    failed; the deliberately broken fixture site is expected to show issues, not to fail.
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
        jobs = {
            slug: CrawlJob(
                server.url(slug), brand=site.brand, group=site.group or None,
                settings=CrawlSettings(brand_hosts=tuple(server.origin(o).split("://", 1)[1] for o in site.own_sites)),
            )
            for slug, site in sites.items()  # a brand's second host is crawled with its main site
        }
        profiles = {jobs[slug].url: _load_profile(site.site.get("profile", "default")) for slug, site in sites.items()}
        quiet = json_out or csv_out
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=err, transient=True, disable=quiet) as bar:
            task = bar.add_task("scanning the fixture sites", total=len(jobs) + 1)

            async def audit_all() -> tuple[list[ScanOutcome], list[ScanOutcome]]:
                browser = None if no_browser else Browser().start()
                try:
                    first = await scan_batch(list(jobs.values()), database, checks=checks,
                                             profile=lambda job: profiles[job.url], concurrency=concurrency,
                                             on_done=lambda _o: bar.advance(task), browser=browser)
                    server.set_version(DEMO_RETAILER, server.sites[DEMO_RETAILER].versions[-1])
                    later = await scan_batch([jobs[DEMO_RETAILER]], database, checks=checks,
                                             profile=lambda job: profiles[job.url],
                                             on_done=lambda _o: bar.advance(task), browser=browser)
                    return first, later
                finally:
                    if browser is not None:
                        await browser.close()

            outcomes, later = _interruptible(lambda: run_async(audit_all()))
    seconds = time.monotonic() - started
    report_path = db.parent / "report.md"
    report_path.write_text(demo_report_markdown(outcomes, seconds, shots=BlobLinks(database.blobs, report_path.parent)),
                           encoding="utf-8")
    written = _demo_retailer_reports(database, later[0], db.parent, pdf=not no_browser)
    rows: list[dict[str, Any]] = [{"brand": o.crawl.brand, "group": o.crawl.job.group,
             "profile": o.scorecard.profile if o.scorecard else None,
             "overall": o.scorecard.overall if o.scorecard else None,
             "grade": o.scorecard.grade if o.scorecard else None,
             "status": o.crawl.snapshot.status if o.crawl.snapshot else "failed", "scan_id": o.crawl.scan_id,
             "message": o.message, "url": o.crawl.job.url} for o in [*outcomes, *later]]

    def table() -> None:
        from connectedness.scoring import shown

        view = Table(title="Fixture sites scanned", title_justify="left")
        for column in ("brand", "group", "profile", "score", "grade", "status", "scan", "URL"):
            view.add_column(column)
        for r in rows:
            view.add_row(safe(r["brand"]), safe(r["group"] or ""), r["profile"] or "",
                         "" if r["overall"] is None else str(shown(r["overall"])), r["grade"] or "",
                         safe(r["message"]) if r["status"] == "failed" else r["status"], str(r["scan_id"] or ""),
                         safe(r["url"]))
        out.print(view)
        out.print(f"{len(rows)} scans in {seconds:.1f} s (the last: {safe(later[0].crawl.brand)} again, after its "
                  f"site changed). Database: {safe(db)}  Report of every site: {safe(report_path)}")
        for label, path in written.items():
            out.print(f"{label}: {safe(path)}")
        brand = later[0].crawl.brand
        out.print(safe(f"Try: connectedness diff --brand {brand!r} --db {db}   connectedness trend {brand!r} "
                       f"--db {db}\n     connectedness compare --group {later[0].crawl.job.group} --db {db}   "
                       f"connectedness show SCAN_ID --db {db}", newlines=True))

    _emit(json_out, csv_out, {"scans": rows, "reports": {k: str(v) for k, v in written.items()}}, lambda: rows, table)
    if any(o.failed for o in [*outcomes, *later]):
        raise typer.Exit(1)


def _demo_retailer_reports(database: Database, outcome: ScanOutcome, folder: Path, *, pdf: bool) -> dict[str, Path]:
    """The retailer's HTML and PDF reports (with its trend, comparison and changes), and the group's
    comparison as CSV; returns what was written, by label."""
    from connectedness.reports.compare import compare_documents
    from connectedness.reports.documents import latest_documents
    from connectedness.reports.tabular import write_csv
    from connectedness.reports.terminal import comparison_rows
    from connectedness.storage.brands import group_members

    if outcome.failed or outcome.crawl.scan_id is None:
        return {}
    doc = _stored_document(database, outcome.crawl.scan_id, None)
    doc.update(_report_extras(database, doc, None))
    slug = _brand_slug(doc["brand"]["name"])
    written = {"HTML report": _write_html_report(database, doc, folder / f"{slug}.html", "html", "inline",
                                                 None, None, None, None, None)}
    if pdf:
        written["PDF report"] = _write_html_report(database, doc, folder / f"{slug}.pdf", "pdf", "inline",
                                                   None, None, None, None, None)
    group = doc["brand"]["group"]
    if group:
        rubric = _load_profile((doc["scorecard"] or {}).get("profile") or "default")
        comparison = compare_documents(latest_documents(database, group_members(database, group), rubric),
                                       group=group).to_dict()
        path = folder / f"compare-{group}.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            write_csv(handle, comparison_rows(comparison))
        written["Group comparison (CSV)"] = path
    return written


@fixtures_app.command("serve")
def fixtures_serve(
    port: Annotated[int, typer.Option(
        help="Port of the first site; the others follow in name order. 0 = any free ports.")] = 8100,
    version: Annotated[list[str] | None, typer.Option(
        "--version", metavar="SLUG=NAME",
        help="Serve a later version of a site (fixtures/sites/SLUG/versions/NAME/), e.g. summit-outfitters=v2 "
             "(repeatable).")] = None,
    json_out: JsonOption = False,
    csv_out: CsvOption = False,
) -> None:
    """Serve every fixture site on its own 127.0.0.1 port until interrupted (Ctrl-C). The table of sites and
    their URLs (or `--json`, `--csv`, for scripts that scan them) is printed once they are up."""
    from functools import partial

    from connectedness.fixtures.server import UnknownVersionError, load_sites, parse_version_choice, serve_sites

    sites = load_sites()
    # Checked before any port is opened: a typo is a usage error, not a server serving the wrong thing.
    chosen = [_usage(partial(parse_version_choice, sites, choice), (ValueError, UnknownVersionError), "--version: ")
              for choice in version or []]
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(serve_sites(sites, first_port=port))
        except OSError as exc:  # a port in use (or not allowed): one line, not a traceback
            raise _fail(f"cannot serve the fixture sites on ports {port} to {port + len(sites) - 1}: "
                        f"{exc.strerror or exc} (another server on one of them? --port 0 picks free ports)") from None
        for slug, name in chosen:
            server.set_version(slug, name)
        rows = [{"site": slug, "brand": site.brand, "group": site.group, "version": server.version(slug) or "public",
                 "url": server.url(slug)} for slug, site in server.sites.items()]

        def table() -> None:
            view = Table(title="Fixture sites on 127.0.0.1", title_justify="left")
            for column in ("site", "brand", "group", "version", "URL"):
                view.add_column(column)
            for row in rows:
                view.add_row(*(safe(str(v)) for v in row.values()))
            out.print(view)
            out.print("Ctrl-C stops them.")

        _emit(json_out, csv_out, rows, lambda: rows, table)
        sys.stdout.flush()  # a script reading the URLs must see them while the sites are up
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@fixtures_app.command("list")
def fixtures_list(json_out: JsonOption = False, csv_out: CsvOption = False) -> None:
    """The fixture sites: slug, brand, archetype and competitor group."""
    from connectedness.fixtures.server import load_sites

    sites = load_sites()
    rows = [{"slug": s.slug, "brand": s.brand, "archetype": s.site.get("archetype", ""), "group": s.group}
            for s in sites.values()]

    def table() -> None:
        view = Table()
        for column in ("slug", "brand", "archetype", "group"):
            view.add_column(column)
        for row in rows:
            view.add_row(*(safe(str(v)) for v in row.values()))
        out.print(view)

    _emit(json_out, csv_out, rows, lambda: rows, table)


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"connectedness {__version__}")


if __name__ == "__main__":
    main()
