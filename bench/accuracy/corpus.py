"""The development corpus: its labelled pages and site mirrors, and where each one is served.

A page is served at its original URL (scheme, host, path and query as the
label gives them), byte for byte from its file. A site mirror is served at its
original home URL's host, with the mirror folder (or its ``<host>/`` folder, for
HTTrack mirrors) as the document root.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

DEFAULT_CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"


@dataclass(slots=True)
class CorpusPage:
    """One saved page and its labels; ``url`` is where it is served (a made-up host when unknown)."""

    file: Path
    url: str
    labels: dict[str, Any]
    url_known: bool = True

    @property
    def name(self) -> str:
        return self.file.name


@dataclass(slots=True)
class CorpusSite:
    """One site mirror: served at ``home_url``'s host from ``root``; the crawl starts at ``start_url``."""

    slug: str
    root: Path
    home_url: str
    start_url: str
    labels: dict[str, Any]


@dataclass(slots=True)
class Corpus:
    root: Path
    pages: list[CorpusPage] = field(default_factory=list)
    sites: list[CorpusSite] = field(default_factory=list)

    @property
    def hosts(self) -> list[str]:
        """Every host name a page or site is served at (the namespace maps each to 127.0.0.1)."""
        names = {urlsplit(p.url).hostname or "" for p in self.pages}
        names |= {urlsplit(s.home_url).hostname or "" for s in self.sites}
        return sorted(n for n in names if n)


def target_key(target: str) -> bytes:
    """A request target (path and query) with percent-escapes decoded, so ``%e6`` and ``%E6`` (and a
    client that re-encodes a character) find the same file; ``%2F`` stays distinct from ``/`` only in
    the raw form, which is tried first."""
    return unquote_to_bytes(target.split("#", 1)[0] or "/")


def load_corpus(root: Path = DEFAULT_CORPUS) -> Corpus:
    """Read ``pages.json`` and ``sites.json``; raises ``FileNotFoundError`` with the path when absent."""
    if not (root / "pages.json").is_file():
        raise FileNotFoundError(f"no corpus at {root} (expected pages.json and sites.json there)")
    corpus = Corpus(root)
    for n, label in enumerate(json.loads((root / "pages.json").read_text(encoding="utf-8"))):
        url = label.get("url")
        known = bool(url)
        if not url:
            url = f"http://unknown-page-{n}.corpus.test/"
        corpus.pages.append(CorpusPage(root / "pages" / label["file"], url.split("#", 1)[0], label, known))
    for label in json.loads((root / "sites.json").read_text(encoding="utf-8")):
        folder = root / "sites" / label["slug"]
        home = label["url"]
        host = urlsplit(home).hostname or ""
        start_path = label["start_path"]
        first, _, rest = start_path.partition("/")
        if rest and first.lower() == host:  # an HTTrack mirror keeps each host in a folder of its own
            folder, start_path = folder / first, rest
        start = home.rstrip("/") + "/" + ("" if start_path == "index.html" else start_path)
        corpus.sites.append(CorpusSite(label["slug"], folder, home, start, label))
    return corpus
