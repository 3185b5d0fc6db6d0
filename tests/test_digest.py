"""A run's digest: what changed per brand since its previous complete scan, as JSON and Markdown, and
posted to a webhook (a server on 127.0.0.1) with retries and a timeout."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.digest import post_webhook
from connectedness.fixtures.server import load_sites, serve_sites
from connectedness.reports.scan import load_schema

runner = CliRunner()


class Hook:
    """A webhook receiver on 127.0.0.1 that answers with the statuses it is given, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = list(statuses)
        self.bodies: list[Any] = []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                hook.bodies.append(json.loads(self.rfile.read(length)))
                status = hook.statuses.pop(0) if hook.statuses else 200
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook() -> Iterator[Hook]:
    receiver = Hook([503, 429])
    yield receiver
    receiver.close()


def test_the_webhook_is_retried_on_5xx_and_429(hook: Hook) -> None:
    assert post_webhook(hook.url, {"text": "hello"}, backoff=0.01) == 200
    assert hook.bodies == [{"text": "hello"}] * 3


def test_a_4xx_is_not_retried_and_a_dead_endpoint_gives_up_after_its_attempts() -> None:
    refused = Hook([400])
    try:
        with pytest.raises(httpx.HTTPStatusError, match="400"):
            post_webhook(refused.url, {"text": "x"}, backoff=0.01)
        assert len(refused.bodies) == 1
    finally:
        refused.close()
    calls = []

    def timing_out(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(httpx.ReadTimeout):
        post_webhook("http://127.0.0.1:9/hook", {"text": "x"}, backoff=0.01, attempts=3,
                     transport=httpx.MockTransport(timing_out))
    assert len(calls) == 3


def test_a_nightly_run_digest_says_what_changed(tmp_path: Path, hook: Hook) -> None:
    site = load_sites()["summit-outfitters"]
    with serve_sites({"summit-outfitters": site}) as server:
        watchlist = tmp_path / "w.toml"
        watchlist.write_text(f'[[brands]]\nname = "Summit Outfitters"\nurl = "{server.url("summit-outfitters")}"\n'
                             'profile = "retail"\ndelay = 0\nallow_private = true\n', encoding="utf-8")
        db = str(tmp_path / "nightly.db")
        first = runner.invoke(app, ["batch", str(watchlist), "--no-browser", "--db", db, "--digest", str(tmp_path)],
                              catch_exceptions=False)
        assert first.exit_code == 0, first.output
        try:
            server.set_version("summit-outfitters", "v2")
            second = runner.invoke(app, ["batch", str(watchlist), "--no-browser", "--db", db, "--json", "--digest",
                                         str(tmp_path), "--webhook", hook.url], catch_exceptions=False)
        finally:
            server.set_version("summit-outfitters", None)
    assert second.exit_code == 0, second.output
    run_id = json.loads(second.stdout)["run_id"]
    digest = json.loads((tmp_path / f"run-{run_id}.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(load_schema("digest-v1")).validate(digest)
    (brand,) = digest["brands"]
    recorded = [c for c in site.version("v2").changes if not c.signal.startswith("overflow:")]
    assert sorted(i["text"] for i in brand["gained"] + brand["lost"] + brand["changed"]) == sorted(
        c.text for c in recorded)
    assert brand["previous_scan_id"] is not None and brand["change"] is not None and brand["change"] < 0
    markdown = (tmp_path / f"run-{run_id}.md").read_text(encoding="utf-8")
    assert "- lost: live chat widget removed (worse)" in markdown and "| Summit Outfitters | complete |" in markdown
    first_digest = json.loads((tmp_path / f"run-{run_id - 1}.json").read_text(encoding="utf-8"))
    assert first_digest["brands"][0]["previous_scan_id"] is None  # nothing earlier to compare with
    assert len(hook.bodies) == 3 and "Summit Outfitters" in hook.bodies[-1]["text"]  # after a 503 and a 429
    assert "Threads profile added" in hook.bodies[-1]["text"]
    again = runner.invoke(app, ["digest", str(run_id), "--db", db], catch_exceptions=False)
    assert again.exit_code == 0 and again.stdout == markdown
    assert runner.invoke(app, ["digest", "999", "--db", db]).exit_code == 1
