"""Finding a Chromium to render with, and installing one when we may.

Order: ``CONNECTEDNESS_CHROMIUM`` (a path), Playwright's own downloaded
browsers, then system browsers; within each, the headless shell comes before
the full browser. The headless shell is the same Chromium build without the
browser UI (what Playwright itself runs for headless work): here it navigates
a small page in about 45 ms where the full browser's "new headless" mode takes
70-170 ms, and it halves the CPU of a three-viewport audit. When no browser is
found, or only the full one, ``connectedness browser --install`` (run by
``make``) installs Debian's ``chromium`` and ``chromium-headless-shell``
packages if it runs as root with apt-get, and otherwise says what to run.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ENV_VAR = "CONNECTEDNESS_CHROMIUM"
SYSTEM_SHELLS = ("/usr/lib/chromium/chromium-headless-shell", "/usr/bin/chromium-headless-shell")
SYSTEM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
SYSTEM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium", "/usr/bin/google-chrome")
APT_PACKAGES = ("chromium", "chromium-headless-shell")

# Flags every launch gets. The background-networking ones stop Chromium from
# calling home (updates, safe browsing, sync): an audit contacts the audited site only.
LAUNCH_ARGS = (
    "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
    "--metrics-recording-only", "--no-default-browser-check",
)


class BrowserNotFound(RuntimeError):
    """No Chromium could be found; the message says how to get one."""


@dataclass(frozen=True, slots=True)
class BrowserLocation:
    path: str
    source: str  # "env", "playwright" or "system"

    @property
    def headless_shell(self) -> bool:
        """Whether this is the light headless shell rather than the full browser."""
        return "headless" in os.path.basename(self.path) or "headless_shell" in self.path

    def launch_args(self) -> list[str]:
        args = list(LAUNCH_ARGS)
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to sandbox as root
        return args


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def _playwright_browsers() -> list[str]:
    root = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache" / "ms-playwright")
    patterns = ("chromium_headless_shell-*/chrome-linux*/headless_shell", "chromium-*/chrome-linux*/chrome",
                "chromium-*/chrome-mac*/Chromium.app/Contents/MacOS/Chromium")
    found: list[str] = []
    for pattern in patterns:
        found.extend(sorted(glob.glob(os.path.join(root, pattern)), reverse=True))
    return [p for p in found if _executable(p)]


def find_chromium() -> BrowserLocation:
    """The Chromium to use, or :class:`BrowserNotFound` saying what to do."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        if _executable(configured):
            return BrowserLocation(configured, "env")
        raise BrowserNotFound(f"{ENV_VAR}={configured!r} is not an executable file")
    for path in _playwright_browsers():
        return BrowserLocation(path, "playwright")
    for path in SYSTEM_SHELLS:
        if _executable(path):
            return BrowserLocation(path, "system")
    for name in SYSTEM_NAMES:
        found = shutil.which(name)
        if found:
            return BrowserLocation(found, "system")
    for path in SYSTEM_PATHS:
        if _executable(path):
            return BrowserLocation(path, "system")
    raise BrowserNotFound(install_hint())


def install_hint() -> str:
    return (
        "no Chromium found. Install one: `sudo apt-get install chromium chromium-headless-shell` (Debian/Ubuntu), or "
        "`playwright install chromium`, or set CONNECTEDNESS_CHROMIUM=/path/to/chrome"
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


def chromium_version(location: BrowserLocation) -> str:
    """What the browser says its version is ("Chromium 156.0..."), or "" if it will not say."""
    try:
        result = subprocess.run([location.path, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.strip()
