"""Words the checks and the crawler look for, in many languages, kept as data.

Each concept is one TOML file beside this module (``sections.toml``,
``commerce.toml``, ``newsletter.toml``, ``contact.toml``, ``months.toml``...).
A file has one table per *term* (``[news]``, ``[cart]``...), and each table
maps a language code to the words that say that term in that language::

    [news]
    en = ["news", "latest news"]
    de = ["aktuelles", "neuigkeiten", "news", "nachrichten"]

How a word is written in the data decides how it matches:

- a space or a hyphen stands for any separator, or none: ``"sign up"``
  matches "sign up", "sign-up", "sign_up" and "signup";
- ``*`` at the end lets the word begin a compound (``"presse*"``:
  "Pressemitteilungen", ``/pressebereich/``), ``*`` at the start lets it end
  one (``"*newsletter"``: "Kundennewsletter"); without a star the word must
  stand alone, so "Impressum" is not "press" and "pressure" is not "press";
- words in scripts written without spaces between words (Chinese, Japanese)
  match anywhere.

Patterns come in two shapes: :func:`pattern` searches prose (link text,
labels, headings) with Unicode word boundaries; :func:`path_pattern` searches
a URL path folded by :func:`fold_path` (percent-decoded, lower-cased,
accents removed), where words are separated by ``/ - _ . +`` and spaces.
:func:`segment_term` says which term one whole path segment names.

Loading is lazy and cheap: nothing is read until the first call, each file is
read once, and each pattern is compiled once (module-level caches).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import unquote

__all__ = [
    "REQUIRED_LANGUAGES",
    "alternation",
    "concepts",
    "find",
    "fold",
    "fold_path",
    "languages",
    "partial_terms",
    "path_pattern",
    "pattern",
    "segment_term",
    "term_of",
    "terms",
    "terms_of",
    "words",
]

_HERE = Path(__file__).resolve().parent

REQUIRED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "hr", "ru",
                                       "sv", "da")
"""Languages every term must cover, unless its file lists the term under ``partial`` (with the reason)."""

# A word starts and ends where no letter touches it: spaces, punctuation, digits and "_" are boundaries
# in prose, and "/", "-", "_", "." and digits are in a path.
_BEFORE = r"(?<![^\W\d_])"
_AFTER = r"(?![^\W\d_])"
# Between the words of a phrase: up to three non-letters ("sign-up", "add to\u00a0cart") or none ("signup").
# (A class of named characters such as [\s\u00a0\u2010] compiles ten times slower under IGNORECASE.)
_TEXT_SEPARATOR = r"[\W_]{0,3}"
_PATH_SEPARATOR = r"[-_.+ ]?"
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")  # kana and Han
# Letters that Unicode does not decompose into a base letter plus an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "æ": "ae", "Æ": "ae", "œ": "oe",
                               "Œ": "oe", "đ": "d", "Đ": "d", "ß": "ss", "ı": "i", "\u2019": "'"})  # noqa: RUF001 - the Turkish dotless i is meant
_GERMAN_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "ae", "Ö": "oe", "Ü": "ue"})


# ------------------------------------------------------------------------------------------- data


@cache
def _data(concept: str) -> dict[str, dict[str, tuple[str, ...]]]:
    """term -> language -> words, as written in ``<concept>.toml`` (read once)."""
    path = _HERE / f"{concept}.toml"
    if not path.is_file():
        raise KeyError(f"no vocabulary concept {concept!r}")
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    data: dict[str, dict[str, tuple[str, ...]]] = {}
    for term, table in raw.items():
        if term == "meta" or not isinstance(table, dict):
            continue
        if not term.isidentifier():
            raise ValueError(f"{concept}.toml: term {term!r} must be an identifier")
        data[term] = {lang: tuple(str(w).strip().lower() for w in entries) for lang, entries in table.items()}
    return data


@cache
def _meta(concept: str) -> dict[str, object]:
    with (_HERE / f"{concept}.toml").open("rb") as handle:
        meta = tomllib.load(handle).get("meta", {})
    return meta if isinstance(meta, dict) else {}


def concepts() -> tuple[str, ...]:
    """Every concept with a data file, sorted."""
    return tuple(sorted(p.stem for p in _HERE.glob("*.toml")))


def terms(concept: str) -> tuple[str, ...]:
    """The terms of a concept, in file order."""
    return tuple(_data(concept))


def partial_terms(concept: str) -> frozenset[str]:
    """Terms a file declares as not needed in every required language (``meta.partial``), e.g. English jargon."""
    partial = _meta(concept).get("partial", [])
    return frozenset(str(t) for t in partial) if isinstance(partial, list) else frozenset()


def languages(concept: str | None = None, term: str | None = None) -> frozenset[str]:
    """The languages covered: by one term, by a concept, or (no argument) by any concept."""
    if concept is None:
        return frozenset(lang for c in concepts() for lang in languages(c))
    tables = [_data(concept)[term]] if term is not None else list(_data(concept).values())
    return frozenset(lang for table in tables for lang, entries in table.items() if entries)


def words(concept: str, term: str, languages: tuple[str, ...] | None = None) -> tuple[str, ...]:
    """The words of one term (compound stars removed), in the given languages or all, without repeats."""
    table = _data(concept)[term]
    chosen = table if languages is None else {lang: table.get(lang, ()) for lang in languages}
    return tuple(dict.fromkeys(w.strip("*") for entries in chosen.values() for w in entries))


# ------------------------------------------------------------------------------------------- folding


def fold(text: str) -> str:
    """Lower case without accents ("Actualités" -> "actualites", "Košík" -> "kosik", "Über" -> "uber")."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_UNDECOMPOSED))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def fold_path(path: str) -> str:
    """A URL path as :func:`path_pattern` reads it: percent-decoded, folded (``/Aktualno%C5%9Bci/`` ->
    ``/aktualnosci/``)."""
    return fold(unquote(path, errors="replace"))


def _spellings(word: str) -> set[str]:
    """The word as written plus its accent-free forms (German umlauts both as "u" and as "ue")."""
    return {word, fold(word), fold(word.translate(_GERMAN_TRANSLIT))}


# ------------------------------------------------------------------------------------------- patterns


_LETTERS = r"[^\W\d_]*"


def _atoms(word: str, separator: str) -> tuple[str, ...]:
    """One word as a sequence of regex atoms (a character, the separator, a run of letters for a star)."""
    core = word.strip("*")
    atoms: list[str] = [_LETTERS] if word.startswith("*") and not _UNSPACED.search(core) else []
    for index, part in enumerate(p for p in re.split(r"[\s\-]+", core) if p):
        if index:
            atoms.append(separator)
        atoms.extend("['\u2019]" if ch == "'" else re.escape(ch) for ch in part)
    if word.endswith("*") and not _UNSPACED.search(core):
        atoms.append(_LETTERS)
    return tuple(atoms)


def _source_of(words: set[tuple[str, ...]]) -> str:
    """The words as one alternation, longest first ("news letter" before "news" where both start at one place).

    (Factoring the words into a prefix tree makes the search only a quarter faster and the compile twice
    as slow: the cache of :func:`find` pays off more, since pages repeat their navigation labels.)
    """
    return "|".join(sorted(("".join(atoms) for atoms in words), key=lambda s: (-len(s), s)))


@lru_cache(maxsize=1024)
def _alternatives(concept: str, term: str, *, path: bool) -> tuple[str, str]:
    """The term's words as regex sources: (words that need boundaries, words of unspaced scripts)."""
    spaced: set[tuple[str, ...]] = set()
    unspaced: set[tuple[str, ...]] = set()
    separator = _PATH_SEPARATOR if path else _TEXT_SEPARATOR
    for entries in _data(concept)[term].values():
        for word in entries:
            head, tail = ("*" if word.startswith("*") else ""), ("*" if word.endswith("*") else "")
            for written in _spellings(word.strip("*")):
                spelling = fold(written) if path else written
                bucket = unspaced if _UNSPACED.search(spelling) else spaced
                bucket.add(_atoms(head + spelling + tail, separator))
    return _source_of(spaced), _source_of(unspaced)


_CJK_SUFFIX = "__unspaced"


def _source(concept: str, chosen: tuple[str, ...], *, path: bool) -> str:
    """``boundary (?:(?P<term>...)|...) boundary | (?P<term__unspaced>...)|...``: one boundary test per position."""
    names = chosen or terms(concept)
    unknown = [t for t in names if t not in _data(concept)]
    if unknown:
        raise KeyError(f"{concept}: no term {unknown[0]!r}")
    spaced, unspaced = [], []
    for name in names:
        with_bounds, without = _alternatives(concept, name, path=path)
        if with_bounds:
            spaced.append(f"(?P<{name}>{with_bounds})")
        if without:
            unspaced.append(f"(?P<{name}{_CJK_SUFFIX}>{without})")
    sources = [f"{_BEFORE}(?:{'|'.join(spaced)}){_AFTER}"] if spaced else []
    return "|".join(sources + unspaced) or "(?!)"


def term_of(match: re.Match[str] | None) -> str | None:
    """The term a match of :func:`pattern` or :func:`path_pattern` found, or None for no match."""
    if match is None or match.lastgroup is None:
        return None
    return match.lastgroup.removesuffix(_CJK_SUFFIX)


@lru_cache(maxsize=256)
def alternation(concept: str, *terms: str) -> str:
    """The source of :func:`pattern` without its named groups, to embed in a larger regex (one group of its own)."""
    return re.sub(r"\(\?P<\w+>", "(?:", _source(concept, terms, path=False))


@lru_cache(maxsize=256)
def pattern(concept: str, *terms: str) -> re.Pattern[str]:
    """One case-insensitive pattern for prose that finds any word of the given terms (all terms if none).

    :func:`term_of` says which term a match found.
    """
    return re.compile(_source(concept, terms, path=False), re.IGNORECASE)


@lru_cache(maxsize=131072)
def find(concept: str, text: str, *terms: str) -> str | None:
    """The term of the first word of the given terms (all if none) found in ``text``, or None (cached by text)."""
    return term_of(pattern(concept, *terms).search(text))


@lru_cache(maxsize=256)
def path_pattern(concept: str, *terms: str) -> re.Pattern[str]:
    """A pattern that finds a word of the given terms in a path folded by :func:`fold_path`.

    Words are whole slug words (``/news-and-events/`` has "news"; ``/wordpress/`` has no "press"),
    or compounds where the data allows them (``/pressemitteilungen/``).
    """
    return re.compile(_source(concept, terms, path=True))


_SLUG_SEPARATORS = re.compile(r"[-_.+\s']+")


@cache
def _segment_index(concept: str) -> tuple[dict[str, str], tuple[tuple[str, str, str], ...]]:
    """Words as slugs without separators ("über uns" -> "uberuns", "ueberuns"): exact words -> term, and the
    compound words as (kind, slug, term) with kind "prefix", "suffix" or "infix".

    A dictionary, not a regex: the crawler asks this for every path segment of every link, and compiling
    a thousand-word pattern would cost it a few hundred milliseconds at its first link.
    """
    exact: dict[str, str] = {}
    compounds: list[tuple[str, str, str]] = []
    for term, table in _data(concept).items():
        for entries in table.values():
            for word in entries:
                head, tail = word.startswith("*"), word.endswith("*")
                kind = "infix" if head and tail else "suffix" if head else "prefix" if tail else ""
                for spelling in _spellings(word.strip("*")):
                    slug = _SLUG_SEPARATORS.sub("", fold(spelling))
                    if kind:
                        compounds.append((kind, slug, term))
                    else:
                        exact.setdefault(slug, term)
    return exact, tuple(dict.fromkeys(compounds))


@lru_cache(maxsize=65536)
def segment_term(concept: str, segment: str, *terms: str) -> str | None:
    """The term one whole path segment names (``aktuelles`` -> ``news``; ``news-and-more`` -> None), or None.

    The segment is percent-decoded and folded, a file extension (``news.html``) is ignored, and separators
    do not count (``ueber-uns``, ``uber_uns`` and ``ueberuns`` all name ``about``); a compound word of the
    data (``presse*``) may continue (``pressemitteilungen``).
    """
    folded = fold_path(segment)
    if "." in folded:
        folded = folded.rsplit(".", 1)[0]
    slug = _SLUG_SEPARATORS.sub("", folded)
    if not slug:
        return None
    exact, compounds = _segment_index(concept)
    term = exact.get(slug)
    if term is not None and (not terms or term in terms):
        return term
    for kind, word, term in compounds:
        if terms and term not in terms:
            continue
        if slug == word or (kind == "prefix" and slug.startswith(word)) or (
                kind == "suffix" and slug.endswith(word)) or (kind == "infix" and word in slug):
            return term
    return None


@lru_cache(maxsize=4096)
def terms_of(concept: str, word: str) -> dict[str, str]:
    """For one exact word (any case, with or without accents): language -> the term it names there.

    ``terms_of("months", "listopada")`` gives November in Polish and October in Croatian; a caller
    that cannot tell the language and gets two terms should not guess.
    """
    wanted = fold(word.strip())
    found: dict[str, str] = {}
    for term, table in _data(concept).items():
        for lang, entries in table.items():
            if any(wanted in {fold(s) for s in _spellings(w.strip("*"))} for w in entries):
                found.setdefault(lang, term)
    return found
