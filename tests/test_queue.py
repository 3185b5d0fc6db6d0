"""The job queue for real: `batch --enqueue` into a throwaway PostgreSQL database, `connectedness worker`
processes draining it against the fixture sites on 127.0.0.1, one scan per brand, the per-brand lock, a
worker killed mid-job whose job another worker retries, and `queue` listing jobs by state."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.fixtures.server import FixtureServer, serve_sites
from connectedness.storage import Database
from connectedness.storage.models import PageRow, Run, Scan

from .conftest import postgres_database, slow_home_sites

runner = CliRunner()
FAST = [("Trailhead Supply Co.", "trailhead-supply"), ("Summit Outfitters", "summit-outfitters"),
        ("Casa Lucia", "casa-lucia"), ("Alpine Trading", "alpine-trading")]


@pytest.fixture
def pg(tmp_path: Path) -> Iterator[Database]:
    with postgres_database(tmp_path / "blobs") as database:  # CONNECTEDNESS_BLOBS: inherited by the workers
        yield database


@pytest.fixture
def slow_site(tmp_path: Path) -> Iterator[FixtureServer]:
    """A site whose home page answers after 4 s: a scan of it is surely mid-crawl for a while."""
    with serve_sites(slow_home_sites(tmp_path / "sites", "slow", 4.0)) as server:
        yield server


def watchlist(path: Path, brands: list[tuple[str, str]]) -> Path:
    """Fixture brands, quick to scan; the slow one's scan ends at its 6 s time budget (the crawler's throttle
    slows its other requests after a 4 s home page), ``partial`` with the home page."""
    body = '[defaults]\ndelay = 0\ntime_budget = 20\nmax_pages = 8\nallow_private = true\n'  # on loopback
    for name, url in brands:
        body += f'[[brands]]\nname = "{name}"\nurl = "{url}"\n' + ("time_budget = 6\n" if name == "Slow" else "")
    path.write_text(body, encoding="utf-8")
    return path


def enqueue(path: Path, database: Database) -> int:
    result = runner.invoke(app, ["batch", str(path), "--enqueue", "--no-browser", "--db", database.url],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return int(result.stdout.strip())


def start_worker(database: Database, log: Path, *options: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "connectedness.cli", "worker", "--exit-when-empty", "--no-browser",
             "--db", database.url, *options],
            stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)


def wait_all(workers: list[subprocess.Popen[bytes]], logs: list[Path], timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    try:
        for worker, log in zip(workers, logs, strict=True):
            left = max(0.1, deadline - time.monotonic())
            try:
                code = worker.wait(left)
            except subprocess.TimeoutExpired:
                pytest.fail(f"worker {worker.pid} still running after {timeout} s:\n{log.read_text()[-3000:]}")
            assert code == 0, log.read_text()[-3000:]
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)


def scans_of(database: Database, run_id: int) -> dict[str, list[Scan]]:
    by_brand: dict[str, list[Scan]] = {}
    with database.session() as session:
        for scan in session.scalars(select(Scan).where(Scan.run_id == run_id).order_by(Scan.id)):
            by_brand.setdefault(scan.brand.name, []).append(scan)
    return by_brand


def job_rows(database: Database) -> list[tuple[str, int, str]]:
    with database.engine.connect() as connection:
        return [(r[0], r[1], r[2]) for r in connection.execute(text(
            "SELECT status::text, attempts, args->'job'->'brand'->>'name' FROM procrastinate_jobs ORDER BY id"))]


def scans_made(log: Path) -> int:
    line = next(x for x in log.read_text().splitlines() if x.startswith("worker: "))
    return int(line.split()[1])


def test_two_workers_drain_a_queue_and_scan_each_brand_once(
        pg: Database, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    started = time.monotonic()
    run_id = enqueue(watchlist(tmp_path / "w.toml", [(n, fixture_sites.url(s)) for n, s in FAST]), pg)
    with pg.session() as session:
        queued = session.get(Run, run_id)
        assert queued is not None and queued.status == "queued" and queued.finished_at is None
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [start_worker(pg, log, "--concurrency", "2", "--heartbeat", "5") for log in logs]
    wait_all(workers, logs)
    by_brand = scans_of(pg, run_id)
    assert sorted(by_brand) == sorted(n for n, _ in FAST)
    assert {b: [s.status for s in scans] for b, scans in by_brand.items()} == {n: ["complete"] for n, _ in FAST}
    assert all(s.pid is None and s.page_count > 0 for scans in by_brand.values() for s in scans)
    assert sum(scans_made(log) for log in logs) == len(FAST)  # between them, each brand once
    with pg.session() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.status == "complete" and run.finished_at is not None
        assert run.summary["brands"] == 4 and run.summary["complete"] == 4 and "failed" not in run.summary
    assert [(state, attempts) for state, attempts, _ in job_rows(pg)] == [("succeeded", 1)] * 4  # one attempt each
    digest = runner.invoke(app, ["digest", str(run_id), "--db", pg.url, "--json"], catch_exceptions=False)
    assert digest.exit_code == 0 and json.loads(digest.stdout)["status"] == "complete", digest.output
    assert time.monotonic() - started < 170


def test_two_jobs_of_one_brand_never_run_at_once(
        pg: Database, slow_site: FixtureServer, tmp_path: Path) -> None:
    path = watchlist(tmp_path / "w.toml", [("Slow", slow_site.url("slow"))])
    runs = [enqueue(path, pg), enqueue(path, pg)]  # two runs of the same brand, both waiting
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [start_worker(pg, log, "--heartbeat", "5") for log in logs]
    wait_all(workers, logs)
    first, second = (scans_of(pg, r)["Slow"] for r in runs)
    assert [s.status for s in first] == ["partial"] and [s.status for s in second] == ["partial"]
    one, other = sorted([first[0], second[0]], key=lambda s: s.started_at)
    assert one.finished_at <= other.started_at, "the brand's two scans overlapped"
    assert (other.finished_at - other.started_at).total_seconds() >= 3.5  # each waited out the slow home page
    with pg.session() as session:
        assert [session.get(Run, r).status for r in runs] == ["complete", "complete"]  # type: ignore[union-attr]


def test_a_worker_killed_mid_job_leaves_its_job_retried_not_lost(
        pg: Database, slow_site: FixtureServer, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    brands = [("Slow", slow_site.url("slow")), *[(n, fixture_sites.url(s)) for n, s in FAST[:2]]]
    run_id = enqueue(watchlist(tmp_path / "w.toml", brands), pg)
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = [start_worker(pg, log, "--concurrency", "1", "--heartbeat", "1") for log in logs]
    try:
        deadline, victim = time.monotonic() + 90, None
        while victim is None:  # the worker whose scan of Slow is under way
            with pg.session() as session:
                victim = session.scalar(select(Scan.pid).where(
                    Scan.run_id == run_id, Scan.status == "running", Scan.brand.has(name="Slow")))
            assert time.monotonic() < deadline, "no worker started the slow scan"
            assert all(w.poll() is None for w in workers), "a worker ended before the slow scan was killed"
            time.sleep(0.05)
        killed = next(w for w in workers if w.pid == victim)
        os.killpg(killed.pid, signal.SIGKILL)
        assert killed.wait(10) == -signal.SIGKILL
        survivor = next(w for w in workers if w is not killed)
        survivor_log = logs[workers.index(survivor)]
        wait_all([survivor], [survivor_log], timeout=120)
    finally:
        for worker in workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(10)
    by_brand = scans_of(pg, run_id)
    slow = by_brand["Slow"]
    assert [s.status for s in slow] == ["interrupted", "partial"]  # the killed attempt, then the retry
    assert f"pid {victim}" in (slow[0].failure_message or "") and slow[0].pid is None
    with pg.session() as session:
        half = session.scalar(select(func.count()).select_from(PageRow).where(PageRow.scan_id == slow[0].id))
    assert half == 0  # nothing half-written: the killed scan's pages were never stored
    assert slow[1].page_count > 0
    assert all([s.status for s in by_brand[n]] == ["complete"] for n, _ in FAST[:2])
    states = {name: (state, attempts) for state, attempts, name in job_rows(pg)}
    assert states["Slow"] == ("succeeded", 2)  # the killed attempt and the survivor's
    assert "1 dead worker's job(s) put back" in survivor_log.read_text()
    with pg.session() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.status == "complete"
        assert (run.summary["complete"], run.summary["partial"]) == (2, 1)


def test_queue_lists_jobs_by_state_and_gives_up_on_a_job_that_keeps_killing_workers(
        pg: Database, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    path = watchlist(tmp_path / "w.toml", [(n, fixture_sites.url(s)) for n, s in FAST[:2]])
    run_id = enqueue(path, pg)
    listed = runner.invoke(app, ["queue", "--db", pg.url, "--json"], catch_exceptions=False)
    assert listed.exit_code == 0, listed.output
    jobs = json.loads(listed.stdout)["jobs"]
    assert [(j["state"], j["brand"], j["run_id"], j["attempts"]) for j in jobs] == [
        ("todo", FAST[0][0], run_id, 0), ("todo", FAST[1][0], run_id, 0)]
    assert all(j["since"] for j in jobs)
    again = runner.invoke(app, ["batch", str(path), "--enqueue", "--db", pg.url, "--json"], catch_exceptions=False)
    assert again.exit_code == 0 and len(json.loads(again.stdout)["jobs"]) == 2  # another run: queued beside it
    # The first run's first job: running on a worker that died (no heartbeat for an hour), on its third attempt.
    with pg.engine.begin() as connection:
        worker = connection.execute(text("INSERT INTO procrastinate_workers (last_heartbeat) "
                                         "VALUES (now() - interval '1 hour') RETURNING id")).scalar()
        connection.execute(text("UPDATE procrastinate_jobs SET status = 'doing', worker_id = :w, attempts = 2 "
                                "WHERE id = :id"), {"w": worker, "id": jobs[0]["id"]})
    doing = json.loads(runner.invoke(app, ["queue", "--db", pg.url, "--json"]).stdout)["jobs"]
    assert [(j["state"], j["attempts"]) for j in doing][:2] == [("doing", 2), ("todo", 0)]
    worked = runner.invoke(app, ["worker", "--exit-when-empty", "--no-browser", "--heartbeat", "1", "--db", pg.url],
                           catch_exceptions=False)
    assert worked.exit_code == 0, worked.output
    assert "1 given up" in worked.stderr
    left = json.loads(runner.invoke(app, ["queue", "--db", pg.url, "--json"]).stdout)["jobs"]
    assert [(j["state"], j["brand"], j["run_id"]) for j in left] == [("failed", FAST[0][0], run_id)]
    every = json.loads(runner.invoke(app, ["queue", "--all", "--db", pg.url, "--json"]).stdout)["jobs"]
    assert sorted(j["state"] for j in every) == ["failed", "succeeded", "succeeded", "succeeded"]
    csv = runner.invoke(app, ["queue", "--db", pg.url, "--csv"]).stdout.splitlines()
    assert csv[0].startswith("id,state,brand,run_id") and ",failed," in csv[1]
    gave_up = scans_of(pg, run_id)[FAST[0][0]]
    assert [(s.status, s.failure_reason) for s in gave_up] == [("failed", "worker_died")]
    with pg.session() as session:
        run = session.get(Run, run_id)
        assert run is not None and run.status == "partial" and run.summary["failed"] == 1
    resumed = runner.invoke(app, ["batch", str(path), "--resume", "--run", str(run_id), "--no-browser",
                                  "--db", pg.url, "--json"], catch_exceptions=False)  # a queued run resumes too
    assert resumed.exit_code == 0, resumed.output
    assert {r["brand"]: r["status"] for r in json.loads(resumed.stdout)["brands"]} == {
        FAST[0][0]: "complete", FAST[1][0]: "skipped"}


@pytest.mark.parametrize("command", [["worker"], ["queue"], ["batch", "WATCHLIST", "--enqueue"]])
def test_the_queue_refuses_sqlite_in_one_line(command: list[str], fixture_sites: FixtureServer,
                                              tmp_path: Path) -> None:
    path = watchlist(tmp_path / "w.toml", [("Casa Lucia", fixture_sites.url("casa-lucia"))])
    argv = [str(path) if part == "WATCHLIST" else part for part in command]
    result = runner.invoke(app, [*argv, "--db", str(tmp_path / "x.db")])
    assert result.exit_code == 2, result.output
    assert len(result.stderr.strip().splitlines()) == 1 and "the job queue needs PostgreSQL" in result.stderr
    assert not (tmp_path / "x.db").exists()  # refused before anything was created


def test_an_enqueue_that_fails_halfway_names_its_run_and_resume_queues_the_rest(
        pg: Database, fixture_sites: FixtureServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from connectedness.jobs.procrastinate_queue import ProcrastinateQueue

    real = ProcrastinateQueue.enqueue

    async def first_then_fail(self: ProcrastinateQueue, jobs: list[object]) -> object:
        await real(self, jobs[:1])  # type: ignore[arg-type]
        raise OSError("the database went away")

    path = watchlist(tmp_path / "w.toml", [(n, fixture_sites.url(s)) for n, s in FAST])
    monkeypatch.setattr(ProcrastinateQueue, "enqueue", first_then_fail)
    failed = runner.invoke(app, ["batch", str(path), "--enqueue", "--no-browser", "--db", pg.url])
    monkeypatch.setattr(ProcrastinateQueue, "enqueue", real)
    assert failed.exit_code == 1 and "Traceback" not in failed.output
    with pg.session() as session:
        run = session.scalars(select(Run).order_by(Run.id.desc())).first()
        assert run is not None and run.status == "queued"
    assert f"--enqueue --resume --run {run.id}" in " ".join(failed.output.split())
    assert [name for _, _, name in job_rows(pg)] == [FAST[0][0]]

    again = runner.invoke(app, ["batch", str(path), "--enqueue", "--resume", "--no-browser", "--db", pg.url,
                                "--json"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    answer = json.loads(again.stdout)
    assert answer["run_id"] == run.id
    queued = {j["brand"]: j["job_id"] for j in answer["jobs"]}
    assert queued[FAST[0][0]] is None and all(queued[n] for n, _ in FAST[1:])  # the waiting one is not queued twice
    logs = [tmp_path / "a.log"]
    wait_all([start_worker(pg, logs[0], "--concurrency", "2")], logs)
    by_brand = scans_of(pg, run.id)
    assert {b: [s.status for s in scans] for b, scans in by_brand.items()} == {n: ["complete"] for n, _ in FAST}
    with pg.session() as session:
        closed = session.get(Run, run.id)
        assert closed is not None and closed.status == "complete"


def test_a_worker_scans_only_public_addresses_unless_it_or_the_watchlist_allows_more(
        pg: Database, fixture_sites: FixtureServer, tmp_path: Path) -> None:
    """Jobs come from others' watchlists: a loopback brand is blocked by default, and scanned when the
    worker itself is started with --allow-private."""
    brand = [("Casa Lucia", fixture_sites.url("casa-lucia"))]
    path = watchlist(tmp_path / "w.toml", brand)
    path.write_text(path.read_text(encoding="utf-8").replace("allow_private = true\n", ""), encoding="utf-8")
    blocked_run = enqueue(path, pg)
    logs = [tmp_path / "a.log"]
    wait_all([start_worker(pg, logs[0])], logs)
    (scan,) = scans_of(pg, blocked_run)["Casa Lucia"]
    assert scan.status == "failed" and scan.failure_reason == "blocked_address", scan.failure_message

    allowed_run = enqueue(path, pg)
    logs = [tmp_path / "b.log"]
    wait_all([start_worker(pg, logs[0], "--allow-private")], logs)
    (scan,) = scans_of(pg, allowed_run)["Casa Lucia"]
    assert scan.status == "complete" and scan.page_count > 0
