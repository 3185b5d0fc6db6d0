"""Watchlists: the brands a team scans every night, in a TOML file (format: ``watchlist.example.toml``).

A watchlist names each brand once, with its start URL and what makes its scan
its own: extra hosts of the brand, its scoring profile and competitor group,
and per-brand crawl and render options. ``[defaults]`` applies to every brand
that does not say otherwise. Everything is checked when the file is read, so a
typo is one clear error before any site is contacted, not a failure at 3 am.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from connectedness.crawler.addresses import parse_network
from connectedness.crawler.settings import CrawlSettings
from connectedness.crawler.snapshot import Viewport
from connectedness.crawler.urls import InvalidURL, parse_start_url

# The options a brand (or [defaults]) may set, with the type each takes.
OPTIONS: dict[str, type | tuple[type, ...]] = {
    "profile": str, "group": str, "hosts": list, "max_pages": int, "max_depth": int, "time_budget": (int, float),
    "render_pages": int, "viewports": str, "ignore_robots": str, "delay": (int, float),
    "allow_private": bool, "allow_networks": list,
}
BRAND_KEYS = {"name", "url", *OPTIONS}


class WatchlistError(ValueError):
    """A watchlist that cannot be used: the message names the file, the brand and the key."""


@dataclass(frozen=True, slots=True)
class WatchedBrand:
    """One brand of a watchlist, with its options resolved against ``[defaults]``."""

    name: str
    url: str
    group: str | None = None
    profile: str = "default"
    hosts: tuple[str, ...] = ()
    max_pages: int | None = None
    max_depth: int | None = None
    time_budget: float | None = None
    delay: float | None = None
    render_pages: int | None = None
    viewports: tuple[Viewport, ...] | None = None
    ignore_robots: str | None = None  # the reason, stored with the scan; None: robots.txt is obeyed
    allow_private: bool = False  # a watchlist's URLs are others' to give: only public addresses unless it says so
    allow_networks: tuple[str, ...] = ()  # non-public CIDR ranges this brand's scan may connect to
    options: dict[str, Any] = field(default_factory=dict)  # as written, for the run's record

    def settings(self, base: CrawlSettings | None = None) -> CrawlSettings:
        """The crawl settings of this brand's scan: ``base`` (the defaults) with the brand's options."""
        import dataclasses

        base = base or CrawlSettings()
        changes: dict[str, Any] = {
            "brand_hosts": self.hosts, "respect_robots": self.ignore_robots is None,
            # A watchlist's start URLs get no pass for being non-public: only what the watchlist (or the
            # command line, in ``base``) allows. (A brand read back from a queued job may hold a list.)
            "allow_start_address": False, "allow_private": self.allow_private or base.allow_private,
            "allow_networks": tuple(dict.fromkeys((*base.allow_networks, *self.allow_networks))),
        }
        for name in ("max_pages", "max_depth", "time_budget", "delay"):
            value = getattr(self, name)
            if value is not None:
                changes[name] = value
        return dataclasses.replace(base, **changes)


@dataclass(frozen=True, slots=True)
class Watchlist:
    """A parsed watchlist: its brands in file order, and the digest of its text (a resumed run must be
    the same list)."""

    path: Path
    brands: tuple[WatchedBrand, ...]
    digest: str

    def brand(self, name: str) -> WatchedBrand:
        return next(b for b in self.brands if b.name == name)

    def allowing(self, *, allow_private: bool = False, allow_networks: tuple[str, ...] = ()) -> Watchlist:
        """This watchlist with more addresses allowed to every brand (``batch --allow-private``,
        ``--allow-network``); the digest stays the file's."""
        import dataclasses

        if not allow_private and not allow_networks:
            return self
        brands = tuple(dataclasses.replace(
            brand, allow_private=brand.allow_private or allow_private,
            allow_networks=tuple(dict.fromkeys((*brand.allow_networks, *allow_networks))),
        ) for brand in self.brands)
        return dataclasses.replace(self, brands=brands)


def load_watchlist(path: Path) -> Watchlist:
    """Read and check a watchlist; :class:`WatchlistError` says what is wrong, and where."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise WatchlistError(f"cannot read watchlist {path}: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WatchlistError(f"{path}: not valid TOML: {exc}") from None
    unknown = set(data) - {"defaults", "brands"}
    if unknown:
        raise WatchlistError(f"{path}: unknown section(s) {', '.join(sorted(unknown))}; "
                             "a watchlist has [defaults] and [[brands]]")
    defaults = data.get("defaults", {})
    if not isinstance(defaults, dict):
        raise WatchlistError(f"{path}: [defaults] must be a table")
    _check_options(path, "[defaults]", defaults, allowed=set(OPTIONS))
    entries = data.get("brands", [])
    if isinstance(entries, dict):
        raise WatchlistError(f"{path}: brands must be a list of tables: write [[brands]], not [brands]")
    if not isinstance(entries, list) or not entries:
        raise WatchlistError(f"{path}: no brands: add a [[brands]] table with name and url for each")
    brands: list[WatchedBrand] = []
    for index, entry in enumerate(entries, 1):
        where = f"brand {index}" + (f" ({entry.get('name')!r})" if isinstance(entry, dict) and "name" in entry else "")
        if not isinstance(entry, dict):
            raise WatchlistError(f"{path}: {where} must be a table")
        _check_options(path, where, entry, allowed=BRAND_KEYS)
        for key in ("name", "url"):
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                raise WatchlistError(f"{path}: {where}: {key} is required (text)")
        brands.append(_brand(path, where, {**defaults, **entry}))
    names = [b.name for b in brands]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise WatchlistError(f"{path}: brand {', '.join(map(repr, twice))} is listed more than once")
    return Watchlist(Path(path), tuple(brands), hashlib.sha256(text.encode("utf-8")).hexdigest())


def _check_options(path: Path, where: str, table: dict[str, Any], *, allowed: set[str]) -> None:
    unknown = set(table) - allowed
    if unknown:
        raise WatchlistError(f"{path}: {where}: unknown key(s) {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(sorted(allowed))})")
    for key, value in table.items():
        expected = OPTIONS.get(key, str)
        if (isinstance(value, bool) != (expected is bool)) or not isinstance(value, expected):
            raise WatchlistError(f"{path}: {where}: {key} must be {_kind(expected)}, not {value!r}")
    if "hosts" in table and not all(isinstance(h, str) and h for h in table["hosts"]):
        raise WatchlistError(f"{path}: {where}: hosts must be a list of host names")
    for network in table.get("allow_networks", ()):
        if not isinstance(network, str):
            raise WatchlistError(f"{path}: {where}: allow_networks must be a list of CIDR ranges (text), "
                                 f"not {network!r}")
        try:
            parse_network(network)
        except ValueError as exc:
            raise WatchlistError(f"{path}: {where}: allow_networks: {exc}") from None
    if "ignore_robots" in table and not table["ignore_robots"].strip():
        raise WatchlistError(f"{path}: {where}: ignore_robots takes the reason robots.txt is not obeyed")
    for key in ("max_pages", "render_pages"):
        if key in table and table[key] < (1 if key == "max_pages" else 0):
            raise WatchlistError(f"{path}: {where}: {key} must be at least {1 if key == 'max_pages' else 0}")


def _kind(expected: type | tuple[type, ...]) -> str:
    names = {int: "a whole number", float: "a number", str: "text", list: "a list", bool: "true or false"}
    if isinstance(expected, tuple):
        return "a number"
    return names.get(expected, expected.__name__)


def _brand(path: Path, where: str, entry: dict[str, Any]) -> WatchedBrand:
    from connectedness.crawler.render import parse_viewports

    try:
        url = parse_start_url(entry["url"])
    except InvalidURL as exc:
        raise WatchlistError(f"{path}: {where}: url: {exc}") from None
    viewports = None
    if "viewports" in entry:
        try:
            viewports = parse_viewports(entry["viewports"])
        except ValueError as exc:
            raise WatchlistError(f"{path}: {where}: viewports: {exc}") from None
    profile = entry.get("profile", "default")
    if profile.endswith(".toml") and not Path(profile).is_absolute():
        profile = str(Path(path).parent / profile)  # a profile file beside the watchlist, wherever it runs from
    from connectedness.scoring.model import ProfileError, load_profile

    try:
        load_profile(profile)
    except ProfileError as exc:
        raise WatchlistError(f"{path}: {where}: profile: {exc}") from None
    return WatchedBrand(
        name=entry["name"].strip(), url=url, group=entry.get("group") or None, profile=profile,
        hosts=tuple(entry.get("hosts", ())), max_pages=entry.get("max_pages"), max_depth=entry.get("max_depth"),
        time_budget=entry.get("time_budget"), delay=entry.get("delay"), render_pages=entry.get("render_pages"),
        viewports=viewports, ignore_robots=entry.get("ignore_robots"),
        allow_private=entry.get("allow_private", False), allow_networks=tuple(entry.get("allow_networks", ())),
        options={k: v for k, v in entry.items() if k not in ("name", "url")},
    )
