"""A real Chromium is found and renders a loopback page (the set-up installed it, nothing is mocked); the
finder knows Playwright's and macOS's layouts, and ``browser --install`` picks apt or Playwright's installer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from typer.testing import CliRunner

from connectedness.cli import app
from connectedness.crawler import browser as browser_module
from connectedness.crawler import render as render_module
from connectedness.crawler import run
from connectedness.crawler.browser import BrowserNotFound, BrowserPathBroken, find_chromium, playwright_browsers_root
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


# Where Chromium is looked for: fake browser trees in tmp (empty executables), nothing downloaded. The real
# system browsers of this machine are hidden where a test must not find them.

def _fake_browser(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\necho 'Chromium 1.0'\n")
    path.chmod(0o755)
    return path


@pytest.fixture
def no_system_browsers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No browser on PATH nor at the system paths, no CONNECTEDNESS_CHROMIUM: only the fake trees are found."""
    monkeypatch.delenv("CONNECTEDNESS_CHROMIUM", raising=False)
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(browser_module, "SYSTEM_SHELLS", ())
    monkeypatch.setattr(browser_module, "SYSTEM_PATHS", ())
    monkeypatch.setattr(browser_module, "MAC_APP_DIRS", ())


@pytest.fixture
def playwright_root(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_system_browsers: None) -> Path:
    root = tmp_path / "ms-playwright"
    root.mkdir()
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(root))
    return root


def test_playwrights_current_linux_headless_shell_is_found_before_its_full_browser(playwright_root: Path) -> None:
    _fake_browser(playwright_root / "chromium-1255" / "chrome-linux64" / "chrome")
    shell = _fake_browser(playwright_root / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64"
                          / "chrome-headless-shell")
    location = find_chromium()
    assert (location.path, location.source) == (str(shell), "playwright")
    assert location.headless_shell


def test_the_newest_playwright_revision_wins_by_number(playwright_root: Path) -> None:
    for revision in ("999", "1255", "1100"):
        _fake_browser(playwright_root / f"chromium_headless_shell-{revision}" / "chrome-headless-shell-linux-arm64"
                      / "chrome-headless-shell")
    assert "chromium_headless_shell-1255" in find_chromium().path


def test_older_playwright_layouts_are_still_found(playwright_root: Path) -> None:
    old_full = _fake_browser(playwright_root / "chromium-1140" / "chrome-linux" / "chrome")
    assert find_chromium().path == str(old_full) and not find_chromium().headless_shell
    old_shell = _fake_browser(playwright_root / "chromium_headless_shell-1155" / "chrome-linux" / "headless_shell")
    assert find_chromium().path == str(old_shell)


def test_a_file_that_is_not_executable_is_passed_over(playwright_root: Path) -> None:
    full = _fake_browser(playwright_root / "chromium-1255" / "chrome-linux64" / "chrome")
    shell = _fake_browser(playwright_root / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64"
                          / "chrome-headless-shell")
    shell.chmod(0o644)  # a half-finished download, say
    assert find_chromium().path == str(full)


def test_nothing_found_says_what_to_run(playwright_root: Path) -> None:
    with pytest.raises(BrowserNotFound, match="connectedness browser --install") as raised:
        find_chromium()
    assert not isinstance(raised.value, BrowserPathBroken)


def test_playwrights_default_folder_on_linux_follows_xdg_cache_home(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path, no_system_browsers: None) -> None:
    monkeypatch.delenv("PLAYWRIGHT_BROWSERS_PATH", raising=False)
    monkeypatch.setattr(browser_module, "_platform", lambda: "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert playwright_browsers_root() == tmp_path / "home" / ".cache" / "ms-playwright"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    shell = _fake_browser(tmp_path / "cache" / "ms-playwright" / "chromium_headless_shell-1255"
                          / "chrome-headless-shell-linux64" / "chrome-headless-shell")
    assert find_chromium().path == str(shell)


def test_playwright_browsers_path_0_means_inside_the_installed_package(monkeypatch: pytest.MonkeyPatch) -> None:
    import playwright

    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", "0")
    assert playwright_browsers_root() == Path(playwright.__file__).parent / "driver" / "package" / ".local-browsers"


@pytest.fixture
def mac(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_system_browsers: None) -> Path:
    """A macOS home in tmp, with Playwright's default folder there; returns the home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(browser_module, "_platform", lambda: "darwin")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("PLAYWRIGHT_BROWSERS_PATH", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-on-a-mac"))
    return home


@pytest.mark.parametrize("arch", ["mac-arm64", "mac-x64"])
def test_playwrights_macos_folder_and_layouts(mac: Path, arch: str) -> None:
    caches = mac / "Library" / "Caches" / "ms-playwright"
    assert playwright_browsers_root() == caches
    app = "Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing"
    full = _fake_browser(caches / "chromium-1255" / f"chrome-{arch}" / app)
    assert (find_chromium().path, find_chromium().source) == (str(full), "playwright")
    shell = _fake_browser(caches / "chromium_headless_shell-1255" / f"chrome-headless-shell-{arch}"
                          / "chrome-headless-shell")
    assert find_chromium().path == str(shell) and find_chromium().headless_shell


def test_macos_applications_are_found_and_linux_paths_are_not_looked_at(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path, mac: Path) -> None:
    applications = tmp_path / "Applications"
    monkeypatch.setattr(browser_module, "MAC_APP_DIRS", (str(applications), "~/Applications"))
    # A Linux headless shell that would win if the macOS order were not kept apart.
    monkeypatch.setattr(browser_module, "SYSTEM_SHELLS", (str(_fake_browser(tmp_path / "linux" / "shell")),))
    chromium = _fake_browser(mac / "Applications" / "Chromium.app" / "Contents" / "MacOS" / "Chromium")
    assert (find_chromium().path, find_chromium().source) == (str(chromium), "system")
    chrome = _fake_browser(applications / "Google Chrome.app" / "Contents" / "MacOS" / "Google Chrome")
    assert find_chromium().path == str(chrome), "/Applications before ~/Applications"


def test_an_env_path_that_is_not_executable_is_a_broken_setting(monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    plain = tmp_path / "chrome"
    plain.write_text("not a browser")
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(plain))
    with pytest.raises(BrowserPathBroken, match="is not an executable file"):
        find_chromium()


# `connectedness browser --install`: subprocess.run is replaced, so nothing is downloaded or installed; the fake
# installers put a fake browser where the real ones would.

class FakeInstallers:
    def __init__(self, shell: Path, fail: bool = False) -> None:
        self.shell, self.fail = shell, fail
        self.calls: list[list[str]] = []

    def __call__(self, argv, *args, **kwargs):
        argv = list(argv)
        if argv[1:2] == ["--version"]:
            return subprocess.CompletedProcess(argv, 0, stdout="Chromium 1.0\n", stderr="")
        self.calls.append(argv)
        if self.fail:
            raise subprocess.CalledProcessError(1, argv)
        if argv[0] == sys.executable or argv[:2] == ["apt-get", "install"]:
            _fake_browser(self.shell)
        return subprocess.CompletedProcess(argv, 0)


def _browser_install(monkeypatch: pytest.MonkeyPatch, installers: FakeInstallers, *, apt: bool):
    monkeypatch.setattr(browser_module, "can_install_with_apt", lambda: apt)
    monkeypatch.setattr(subprocess, "run", installers)
    return CliRunner().invoke(app, ["browser", "--install"], catch_exceptions=False)


def test_install_without_apt_runs_playwrights_installer_with_this_python(monkeypatch: pytest.MonkeyPatch,
                                                                          playwright_root: Path) -> None:
    shell = playwright_root / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    installers = FakeInstallers(shell)
    result = _browser_install(monkeypatch, installers, apt=False)
    assert result.exit_code == 0, result.output
    assert installers.calls == [[sys.executable, "-m", "playwright", "install", "chromium-headless-shell"]]
    assert f"chromium: {shell} (playwright)" in result.stdout


def test_install_as_root_on_debian_uses_apt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                            playwright_root: Path) -> None:
    shell = tmp_path / "usr-lib-chromium" / "chromium-headless-shell"
    monkeypatch.setattr(browser_module, "SYSTEM_SHELLS", (str(shell),))
    installers = FakeInstallers(shell)
    result = _browser_install(monkeypatch, installers, apt=True)
    assert result.exit_code == 0, result.output
    assert [c[:2] for c in installers.calls] == [["apt-get", "update"], ["apt-get", "install"]]
    assert f"chromium: {shell} (system)" in result.stdout


def test_a_failed_install_with_no_browser_is_an_error_saying_what_else_to_do(monkeypatch: pytest.MonkeyPatch,
                                                                           playwright_root: Path) -> None:
    installers = FakeInstallers(playwright_root / "never", fail=True)
    result = _browser_install(monkeypatch, installers, apt=False)
    assert result.exit_code == 1
    assert "installing a browser failed" in result.stderr and "CONNECTEDNESS_CHROMIUM" in result.stderr


def test_a_full_browser_only_gets_the_headless_shell_beside_it(monkeypatch: pytest.MonkeyPatch,
                                                               playwright_root: Path) -> None:
    full = _fake_browser(playwright_root / "chromium-1255" / "chrome-linux64" / "chrome")
    shell = playwright_root / "chromium_headless_shell-1255" / "chrome-headless-shell-linux64" / "chrome-headless-shell"
    result = _browser_install(monkeypatch, FakeInstallers(shell), apt=True)  # a Playwright browser: its own shell
    assert result.exit_code == 0 and f"chromium: {shell} (playwright)" in result.stdout
    shell.unlink()
    failing = _browser_install(monkeypatch, FakeInstallers(shell, fail=True), apt=False)
    assert failing.exit_code == 0, "the full browser still renders"
    assert "warning" in failing.stderr and f"chromium: {full} (playwright)" in failing.stdout


def test_install_never_runs_for_a_broken_env_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CONNECTEDNESS_CHROMIUM", str(tmp_path / "nope"))
    installers = FakeInstallers(tmp_path / "shell")
    result = _browser_install(monkeypatch, installers, apt=False)
    assert result.exit_code == 1 and installers.calls == []
    assert "CONNECTEDNESS_CHROMIUM" in result.stderr and "unset it" in result.stderr


# -- the sandbox: detected, not guessed; going without is said once ------------------------------------------

def test_root_is_the_one_case_refused_without_trying(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert "root" in (browser_module.sandbox_refusal() or "")
    assert "--no-sandbox" in find_chromium().launch_args()
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert browser_module.sandbox_refusal() is None
    assert "--no-sandbox" not in find_chromium().launch_args()


class _FakeLaunches:
    """Stands in for Playwright's launch: fails a sandboxed launch with ``sandboxed_error`` (if any) and
    remembers the flags of every attempt. Nothing is started."""

    def __init__(self, sandboxed_error: str | None) -> None:
        self.sandboxed_error = sandboxed_error
        self.attempts: list[list[str]] = []

    async def __call__(self, args: list[str]) -> object:
        self.attempts.append(args)
        if "--no-sandbox" not in args and self.sandboxed_error:
            raise RuntimeError(self.sandboxed_error)
        return object()


def _launch(monkeypatch: pytest.MonkeyPatch, fake: _FakeLaunches) -> render_module.Renderer:
    renderer = render_module.Renderer(find_chromium())
    monkeypatch.setattr(renderer, "_launch_with", fake)
    monkeypatch.setattr(render_module, "_marked_process", lambda _marker: None)

    async def go() -> None:
        await renderer._launch()
        await renderer._stop_watchdog()

    run(go())
    return renderer


def test_a_sandbox_that_fails_is_retried_without_said_once_and_not_tried_again(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(render_module, "sandbox_refusal", lambda: None)  # as a user that is not root
    monkeypatch.setattr(render_module, "_SANDBOX", {"warned": None, "why_not": None})  # a fresh process
    fake = _FakeLaunches("Failed to launch: No usable sandbox! Update your kernel")
    with caplog.at_level("WARNING", logger="connectedness.crawler.render"):
        first = _launch(monkeypatch, fake)
        second = _launch(monkeypatch, fake)
    assert ["--no-sandbox" in args for args in fake.attempts] == [False, True, True], "tried once, sandboxed"
    assert first.sandboxed is False and second.sandboxed is False
    assert any("No usable sandbox" in note for note in second.notes), "kept with every later launch's notes"
    assert [r.getMessage() for r in caplog.records if "sandbox" in r.getMessage()] == [first.notes[0]]


def test_a_sandbox_that_works_is_kept_and_other_launch_failures_are_not_blamed_on_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render_module, "sandbox_refusal", lambda: None)
    monkeypatch.setattr(render_module, "_SANDBOX", {"warned": None, "why_not": None})
    working = _FakeLaunches(None)
    renderer = _launch(monkeypatch, working)
    assert renderer.sandboxed is True and len(working.attempts) == 1 and "--no-sandbox" not in working.attempts[0]
    assert not any("sandbox" in note for note in renderer.notes)
    with pytest.raises(RuntimeError, match="executable doesn't exist"):
        _launch(monkeypatch, _FakeLaunches("executable doesn't exist"))


def _cmdline(pid: int | None) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes() if pid else b""


def test_the_real_launch_has_its_bounds_on_the_command_line() -> None:
    """Chromium as launched here: sandboxed unless root (then said in the notes), the JS heap cap per
    renderer, no name resolution of its own, and found in /proc for the memory ceiling."""
    async def go() -> tuple[bool | None, list[str], int | None, bytes]:
        async with render_module.Renderer(settings=render_module.RenderSettings(js_heap_mb=300)) as renderer:
            pid = renderer._pid
            return renderer.sandboxed, renderer.notes, pid, _cmdline(pid)

    sandboxed, notes, pid, cmdline = run(go())
    assert pid is not None, "the browser process is found for the memory ceiling"
    flags = cmdline.split(b"\0")
    assert sandboxed is (b"--no-sandbox" not in flags)
    if os.geteuid() == 0:
        assert sandboxed is False and any("root" in note for note in notes)
    assert b"--js-flags=--max-old-space-size=300" in flags
    assert any(flag.startswith(b"--host-resolver-rules=MAP * ~NOTFOUND") for flag in flags)
