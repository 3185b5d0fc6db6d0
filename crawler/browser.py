"""Finding a Chromium to render with, and installing one when we may.

Order: ``CONNECTEDNESS_CHROMIUM`` (a path), Playwright's own downloaded
browsers, then system browsers; within each, the headless shell comes before
the full browser. The headless shell is the same Chromium build without the
browser UI (what Playwright itself runs for headless work): here it navigates
a small page in about 45 ms where the full browser's "new headless" mode takes
70-170 ms, and it halves the CPU of a three-viewport audit. When no browser is
found, or only the full one, ``connectedness browser --install`` (run by
``make``) installs Debian's ``chromium`` and ``chromium-headless-shell``
packages if it runs as root with apt-get, and otherwise runs Playwright's own
installer for its Chromium headless shell, through the Python this package is
installed in: after ``pipx install`` or ``uv tool install`` there is no
``playwright`` command on PATH, but that Python always has the package.
"""

from __future__ import annotations

import glob
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "CONNECTEDNESS_CHROMIUM"
SYSTEM_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SYSTEM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/usr/bin/google-chrome")
# macOS: applications are bundles; the executable sits inside. ~ is the user's own Applications folder.
MAC_APP_DIRS = ("/Applications", "~/Applications")
MAC_APPS = (
    "Google Chrome.app/Contents/MacOS/Google Chrome",
    "Chromium.app/Contents/MacOS/Chromium",
    "Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
)
APT_PACKAGES = ("chromium", "chromium-headless-shell")
PLAYWRIGHT_BROWSER = "chromium-headless-shell"  # what `browser --install` asks Playwright for: no UI, half the CPU

# Playwright's download folders, under its browsers root: <root>/chromium_headless_shell-<revision>/... and
# <root>/chromium-<revision>/... Shells first, then full browsers; each list has today's layout (Chrome for
# Testing builds: linux64, linux-arm64, mac-x64, mac-arm64) before the older ones still found on disks.
PLAYWRIGHT_SHELLS = (
    "chromium_headless_shell-*/chrome-headless-shell-*/chrome-headless-shell",
    "chromium_headless_shell-*/chrome-linux*/headless_shell",
    "chromium_headless_shell-*/chrome-mac*/headless_shell",
)
PLAYWRIGHT_FULL = (
    "chromium-*/chrome-linux*/chrome",  # chrome-linux64 and chrome-linux-arm64 now, chrome-linux before
    "chromium-*/chrome-mac*/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium",
)

# Flags every launch gets. The background-networking ones stop Chromium from
# calling home (updates, safe browsing, sync): an audit contacts the audited site only.
LAUNCH_ARGS = (
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--metrics-recording-only", "--no-default-browser-check",
)


class BrowserNotFound(RuntimeError):
    """No Chromium could be found; the message says how to get one."""


class BrowserPathBroken(BrowserNotFound):
    """``CONNECTEDNESS_CHROMIUM`` names no executable file: installing a browser would not help, the setting must
    be fixed or unset (it is never silently skipped: the user asked for that browser)."""


@dataclass(frozen=True, slots=True)
class BrowserLocation:
    path: str
    source: str  # "env", "playwright" or "system"

    @property
    def headless_shell(self) -> bool:
        """Whether this is the light headless shell rather than the full browser."""
        return "headless" in os.path.basename(self.path) or "headless_shell" in self.path

    def launch_args(self, *, sandbox: bool | None = None) -> list[str]:
        """The flags of every launch, with ``--no-sandbox`` only when told to go without (``sandbox=False``)
        or, by default, when the sandbox cannot be had here (:func:`sandbox_refusal`)."""
        if sandbox is None:
            sandbox = sandbox_refusal() is None
        return [*LAUNCH_ARGS, *(() if sandbox else ("--no-sandbox",))]


NO_SANDBOX_AS_ROOT = ("Chromium runs without its sandbox: this process runs as root, and Chromium refuses to "
                      "sandbox as root (run as another user to keep it; see the README's browser section)")


def sandbox_refusal() -> str | None:
    """Why Chromium's sandbox cannot be had here without trying: running as root, which Chromium refuses
    to sandbox (it exits unless given ``--no-sandbox``). None: try the sandbox first."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return NO_SANDBOX_AS_ROOT
    return None


def sandbox_failure(message: str) -> bool:
    """Whether a failed launch failed for want of a sandbox (no user namespaces and no setuid helper, say):
    then a launch without it is the only one that can work."""
    text = message.lower()
    return "sandbox" in text or "namespace" in text


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _platform() -> str:
    """``sys.platform``, read at call time (the tests set it to find a macOS layout on Linux)."""
    return sys.platform


def playwright_browsers_root() -> Path:
    """Where Playwright downloads its browsers, by its own rules: ``PLAYWRIGHT_BROWSERS_PATH`` (``0`` means
    inside the installed package), else ``~/Library/Caches/ms-playwright`` on macOS and
    ``$XDG_CACHE_HOME/ms-playwright`` (``~/.cache/ms-playwright``) elsewhere."""
    configured = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if configured == "0":
        spec = importlib.util.find_spec("playwright")
        if spec is not None and spec.origin:
            return Path(spec.origin).parent / "driver" / "package" / ".local-browsers"
    elif configured:
        return Path(configured).expanduser().absolute()
    if _platform() == "darwin":
        return Path.home() / "Library" / "Caches" / "ms-playwright"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "ms-playwright"


def _revision(path: str, root: str) -> int:
    """The revision in ``<root>/chromium-1255/...``: the newest download wins, by number (1255 after 999)."""
    found = re.search(r"-(\d+)$", os.path.relpath(path, root).split(os.sep)[0])
    return int(found.group(1)) if found else -1


def _playwright_browsers() -> list[str]:
    root = str(playwright_browsers_root())
    found: list[str] = []
    for patterns in (PLAYWRIGHT_SHELLS, PLAYWRIGHT_FULL):
        tier = {p for pattern in patterns for p in glob.glob(os.path.join(glob.escape(root), pattern))}
        found.extend(sorted(tier, key=lambda p: (-_revision(p, root), p)))
    return [p for p in found if _executable(p)]


def _mac_apps() -> list[str]:
    return [os.path.join(os.path.expanduser(folder), app) for folder in MAC_APP_DIRS for app in MAC_APPS]


def find_chromium() -> BrowserLocation:
    """The Chromium to use, or :class:`BrowserNotFound` saying what to do."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        if _executable(configured):
            return BrowserLocation(configured, "env")
        raise BrowserPathBroken(f"{ENV_VAR}={configured!r} is not an executable file")
    for path in _playwright_browsers():
        return BrowserLocation(path, "playwright")
    mac = _platform() == "darwin"
    for path in () if mac else SYSTEM_SHELLS:
        if _executable(path):
            return BrowserLocation(path, "system")
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return BrowserLocation(found, "system")
    for path in _mac_apps() if mac else SYSTEM_PATHS:
        if _executable(path):
            return BrowserLocation(path, "system")
    raise BrowserNotFound(install_hint())


def install_hint() -> str:
    return (
        "no Chromium found. Install one: `connectedness browser --install` (Playwright's Chromium headless shell; "
        "Debian's chromium packages when run as root with apt-get), or "
        "`sudo apt-get install chromium chromium-headless-shell` (Debian/Ubuntu), "
        "or set CONNECTEDNESS_CHROMIUM=/path/to/chrome"
    )


def can_install_with_apt() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def install_with_apt() -> None:
    """Install Debian's chromium and its headless shell (root only). Raises CalledProcessError on failure."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # apt-get from PATH, as the user would type it: this only runs as root, on the user's own machine.
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)  # noqa: S607
    # With recommends: fonts come with it, and text metrics (issue: browser audit) need real fonts.
    subprocess.run(["apt-get", "install", "-y", "-qq", *APT_PACKAGES], check=True, env=env)  # noqa: S607


def playwright_install_command() -> list[str]:
    """Playwright's own installer for its Chromium headless shell, run by this Python: the one a pipx or uv tool
    environment made, which has the playwright package but puts no ``playwright`` command on PATH."""
    return [sys.executable, "-m", "playwright", "install", PLAYWRIGHT_BROWSER]


def install_with_playwright() -> None:
    """Download Playwright's Chromium headless shell into :func:`playwright_browsers_root` (any user, any
    platform Playwright supports). Raises CalledProcessError on failure (no network, say), OSError if it cannot
    run."""
    subprocess.run(playwright_install_command(), check=True)


def chromium_version(location: BrowserLocation) -> str:
    """What the browser says its version is ("Chromium 156.0..."), or "" if it will not say."""
    try:
        result = subprocess.run([location.path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()
