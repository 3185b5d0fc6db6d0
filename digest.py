"""The digest of a batch run: per brand, what changed since its previous complete scan, and what failed.

Teams that scan every night only read what moved. For each brand of a run the
digest gives its score and the move since its last complete scan before the
run, the signals gained and lost (the diff machinery of ``reports/diff.py``,
both scans scored under one profile and the current model), or the reason
its scan failed. It is a JSON document (``digest-v1``), Markdown for people,
and optionally a Slack-compatible webhook message (``{"text": ...}`` in
Slack's mrkdwn, which Slack, Mattermost, Rocket.Chat and most chat tools
accept), posted with retries and a timeout.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from connectedness.reports.documents import diff_with, previous_complete, stored_document
from connectedness.scoring import load_profile, shown, shown_or
from connectedness.scoring.model import ProfileError
from connectedness.storage import Database
from connectedness.storage.models import Run, Scan

log = logging.getLogger(__name__)


class DigestError(LookupError):
    """No such run."""


def run_digest(db: Database, run_id: int) -> dict[str, Any]:
    """What changed per brand in run ``run_id`` (schema ``digest-v1``)."""
    with db.session() as session:
        run = session.scalar(select(Run).where(Run.id == run_id)
                             .options(selectinload(Run.scans).selectinload(Scan.brand)))
        if run is None:
            raise DigestError(f"no run with id {run_id}")
        scans = {s.brand.name: (s.id, s.status, s.failure_reason, s.failure_message) for s in run.scans}
        head = {"run_id": run.id, "source": run.source, "status": run.status,
                "started_at": run.started_at.isoformat(), "finished_at": run.finished_at.isoformat()
                if run.finished_at else None, "summary": run.summary}
        names = list(run.brands)
    brands = [_brand_entry(db, name, scans.get(name)) for name in names]
    return {"schema": "digest-v1", **head, "brands": brands}


def _brand_entry(db: Database, name: str, scan: tuple[int, str, str | None, str | None] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"brand": name, "scan_id": None, "status": "not scanned", "overall": None,
                             "grade": None, "previous_scan_id": None, "change": None, "gained": [], "lost": [],
                             "changed": [], "failure": None}
    if scan is None:
        return entry
    scan_id, status, reason, message = scan
    entry.update(scan_id=scan_id, status=status)
    if status not in ("complete", "partial"):
        entry["failure"] = {"reason": reason, "message": message}
        return entry
    card = stored_document(db, scan_id).get("scorecard") or {}
    entry.update(overall=card.get("overall"), grade=card.get("grade"))
    before = previous_complete(db, scan_id)
    if before is None or not card:
        return entry
    try:
        rubric = load_profile(card["profile"])
    except ProfileError:  # a profile file that moved: compare the scorecards as stored
        rubric = None
    diff = diff_with(db, before, scan_id, rubric)
    entry.update(previous_scan_id=before, change=diff["overall"]["change"], gained=diff["gained"],
                 lost=diff["lost"], changed=diff["changed"])
    return entry


def _move(change: float | None) -> str:
    """A score move as people read it: whole points, signed ("+8", "-3"), or "no change"."""
    if change is None:
        return ""
    moved = shown(change) if change >= 0 else -shown(-change)
    return "no change" if moved == 0 else f"{moved:+d}"


def digest_markdown(digest: dict[str, Any]) -> str:
    """The digest for people: a line per brand, then what moved."""
    from connectedness.reports.markdown import md_inline

    summary = digest.get("summary") or {}
    lines = [f"# Run {digest['run_id']}: {md_inline(digest['source'])}", "",
             f"{summary.get('brands', len(digest['brands']))} brands, {summary.get('complete', 0)} complete, "
             f"{summary.get('partial', 0)} partial, {summary.get('failed', 0)} failed "
             f"({digest['status']}, started {digest['started_at'][:16]})", "",
             "| brand | status | score | move |", "|---|---|---:|---|"]
    for b in digest["brands"]:
        move = _move(b["change"]) if b["previous_scan_id"] else ("first scan" if b["overall"] is not None else "")
        lines.append(f"| {md_inline(b['brand'])} | {b['status']} | {shown_or(b['overall'])} {b['grade'] or ''} | "
                     f"{move} |")
    for b in digest["brands"]:
        items = [*(("gained", i) for i in b["gained"]), *(("lost", i) for i in b["lost"]),
                 *(("changed", i) for i in b["changed"])]
        if b["failure"]:
            lines += ["", f"## {md_inline(b['brand'])}: failed", "",
                      f"{md_inline(b['failure']['reason'] or '')}: {md_inline(b['failure']['message'] or '')}"]
        elif items:
            lines += ["", f"## {md_inline(b['brand'])}", ""]
            lines += [f"- {mark}: {md_inline(item['text'])}" + (f" ({item['effect']})" if item.get("effect") else "")
                      for mark, item in items]
    return "\n".join(lines) + "\n"


def slack_message(digest: dict[str, Any]) -> dict[str, Any]:
    """A Slack-compatible incoming-webhook payload: one ``text`` in mrkdwn, brands that moved or failed first."""
    def escaped(text: str) -> str:  # Slack's three control characters, and no terminal controls at all
        from connectedness.terminal import plain

        return plain(text, newlines=False).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    summary = digest.get("summary") or {}
    lines = [f"*connectedness run {digest['run_id']}*: {summary.get('brands', 0)} brands, "
             f"{summary.get('failed', 0)} failed"]
    for b in digest["brands"]:
        if b["failure"]:
            lines.append(f"• *{escaped(b['brand'])}* failed: {escaped(b['failure']['reason'] or '')}")
        elif b["gained"] or b["lost"] or b["changed"] or b["change"]:
            facts = [i["text"] for i in [*b["gained"], *b["lost"], *b["changed"]]][:4]
            move = f" ({_move(b['change'])})" if b["change"] is not None else ""
            lines.append(f"• *{escaped(b['brand'])}* {shown_or(b['overall'])}{move}"
                         + (": " + escaped("; ".join(facts)) if facts else ""))
    return {"text": "\n".join(lines)}


def post_webhook(url: str, payload: dict[str, Any], *, timeout: float = 10.0, attempts: int = 3,
                 backoff: float = 1.0, transport: httpx.BaseTransport | None = None) -> int:
    """POST ``payload`` as JSON; retry connection errors, timeouts, 429 and 5xx (``backoff`` doubling, or
    the server's Retry-After up to 60 s). Returns the final status; raises ``httpx.HTTPError`` (with the
    last reason) when every attempt failed."""
    last: Exception | None = None
    with httpx.Client(timeout=timeout, transport=transport, follow_redirects=False) as client:
        for attempt in range(1, attempts + 1):
            wait = backoff * 2 ** (attempt - 1)
            try:
                response = client.post(url, json=payload)
            except httpx.TransportError as exc:
                last = exc
            else:
                if response.status_code < 400:
                    return response.status_code
                last = httpx.HTTPStatusError(f"webhook answered {response.status_code}", request=response.request,
                                             response=response)
                if response.status_code != 429 and response.status_code < 500:
                    break  # a 4xx other than 429 will not get better by asking again
                after = response.headers.get("retry-after", "")
                wait = min(float(after), 60.0) if after.isdigit() else wait
            if attempt < attempts:
                log.info("webhook attempt %d failed (%s); again in %.1f s", attempt, last, wait)
                time.sleep(wait)
    assert last is not None  # noqa: S101 - the loop ran at least once and did not return
    raise last if isinstance(last, httpx.HTTPError) else httpx.HTTPError(str(last))
