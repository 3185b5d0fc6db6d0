"""The report as a PDF: the same HTML page, printed by the Chromium the tool already renders with.

No second layout engine: what the client prints from the HTML and what the PDF shows are the same
pages (A4, backgrounds on, page breaks from the print CSS in ``templates/report.css``). The page is
opened from its file, so folder-mode screenshots load beside it; any other request is refused, as
the report never needs one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from connectedness.crawler.browser import BrowserLocation, find_chromium, sandbox_failure
from connectedness.crawler.loop import run

# Page numbers in the bottom margin: Chromium's own template, no site data in it.
FOOTER = ('<div style="width:100%;font:8px system-ui,sans-serif;color:#5f6b7a;text-align:right;padding:0 12mm">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def write_pdf(html_path: Path, pdf_path: Path, *, location: BrowserLocation | None = None) -> None:
    """Print the report at ``html_path`` to ``pdf_path`` (A4). Raises ``BrowserNotFound`` without a
    Chromium, ``RuntimeError`` if the page tried to fetch anything."""
    run(print_pdf(Path(html_path), Path(pdf_path), location=location))


async def print_pdf(html_path: Path, pdf_path: Path, *, location: BrowserLocation | None = None) -> None:
    """``write_pdf`` for callers already inside an event loop."""
    from playwright.async_api import async_playwright

    where = location or find_chromium()
    refused: list[str] = []

    async def refuse(route: Any) -> None:
        refused.append(route.request.url)
        await route.abort()

    async with async_playwright() as playwright:
        browser = await _launch(playwright, where)
        try:
            page = await browser.new_page()
            # The page's own CSP forbids requests already; this holds even for a page edited by hand.
            await page.route(lambda url: not url.startswith(("file:", "data:")), refuse)
            await page.goto(_file_uri(html_path), wait_until="load")
            pdf_path.parent.mkdir(parents=True, exist_ok=True)
            await page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True,
                           display_header_footer=True, header_template="<span></span>", footer_template=FOOTER)
        finally:
            await browser.close()
    if refused:
        raise RuntimeError(f"the report tried to fetch {len(refused)} resource(s), e.g. {refused[0]}")


async def _launch(playwright: Any, where: BrowserLocation) -> Any:
    """Chromium for printing, sandboxed wherever it can be (the report holds site-derived text): as the
    renders do, a sandboxed launch that fails for want of a sandbox is retried without."""
    args = where.launch_args()
    sandboxed = "--no-sandbox" not in args
    try:
        # chromium_sandbox: Playwright adds --no-sandbox itself unless told the sandbox is wanted.
        return await playwright.chromium.launch(executable_path=where.path, args=args, headless=True,
                                                chromium_sandbox=sandboxed)
    except Exception as exc:
        if not sandboxed or not sandbox_failure(str(exc)):
            raise
    return await playwright.chromium.launch(executable_path=where.path, args=where.launch_args(sandbox=False),
                                            headless=True)


def _file_uri(path: Path) -> str:
    return Path(path).resolve().as_uri()
