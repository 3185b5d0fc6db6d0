"""Technology fingerprints in the Wappalyzer technology format, and the matcher that reads them.

The data files beside this module are ours, written for this project and
licensed with it (no Wappalyzer-derived database is copied here: the
maintained ones are GPL). A user adds files in the same format with
``--fingerprints PATH``. Each file maps a technology name to its patterns::

    {"Shopify": {"cats": [6], "website": "https://www.shopify.com",
                 "scriptSrc": ["cdn\\\\.shopify\\\\.com"], "js": {"Shopify.theme": ""},
                 "meta": {"shopify-digital-wallet": ""}, "headers": {"x-shopid": ""},
                 "cookies": {"_shopify_y": ""}, "html": ["..."], "dom": "form[action*='/cart/add']",
                 "url": "...", "scripts": ["..."], "implies": ["..."]}}

Patterns are regular expressions (case-insensitive), optionally followed by
Wappalyzer's ``\\;version:\\1`` / ``\\;confidence:50`` tags. ``js`` cannot be
executed in a pure check, so a ``js`` key is looked for by name in inline
scripts (weaker evidence, noted as such). ``cats`` are category ids from
``categories.json``, which maps each id to the kind our checks ask about
(``platform``, ``chat``, ``email``, ``reviews``, ``booking``, ``video``,
``podcast``, ``comments``, ``community``...).

A user's files are validated when they load, before any crawl (each field's type, each pattern compiles):
a :class:`FingerprintError` names the file, technology and field. Their patterns run on the ``regex``
engine with a time limit per search (:data:`USER_REGEX_TIMEOUT`): a pattern that backtracks without end
(``(a+)+$``) is stopped, logged once, and skipped from then on, so no user pattern can hang a scan. Our
bundled patterns are written for the stdlib engine and tested.
"""

from __future__ import annotations

import json
import logging
import re

# The stdlib's own regex parser, to find the literal text a pattern requires. typeshed has no stubs for
# the private module, and its public alias sre_parse is deprecated.
import re._parser as sre_parse  # type: ignore[import-not-found]
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import regex as user_re  # type: ignore[import-untyped]  # no stubs; used through Pattern only

from connectedness.checks.base import Evidence
from connectedness.checks.site import PageView, SiteView

DATA_DIR = Path(__file__).resolve().parent
_TAGS = re.compile(r"\\;(version|confidence):?([^\\;]*)")
log = logging.getLogger(__name__)

USER_REGEX_TIMEOUT = 0.25
"""Seconds one search of one user pattern may take on one text; past it the pattern is skipped for the rest
of the process (see :attr:`Pattern.timed_out`)."""


class FingerprintError(ValueError):
    """A user's fingerprint file that does not validate: the message names the file, technology and field."""


@dataclass(slots=True)
class Pattern:
    regex: Any  # re.Pattern[str] for ours; a regex.Pattern (time-limited searches) for a user's
    confidence: int = 100
    needles: Needles = ()
    user: bool = False  # from a user's file: searched with a timeout
    timed_out: bool = False  # a search ran past USER_REGEX_TIMEOUT: never tried again

    def search(self, text: str) -> Any:
        """The first match in ``text``, or None (also when a user pattern ran out of time)."""
        if self.regex is None or self.timed_out:
            return None
        if not self.user:
            return self.regex.search(text)
        try:
            return self.regex.search(text, timeout=USER_REGEX_TIMEOUT)
        except TimeoutError:
            self.timed_out = True
            log.warning("fingerprint pattern %r took over %s s on one text: skipped from now on",
                        self.regex.pattern[:100], USER_REGEX_TIMEOUT)
            return None

    def may_match(self, words: frozenset[str]) -> bool:
        """False when the page lacks the words every match needs (see :func:`page_words`)."""
        return self.regex is not None and may_be_on(self.needles, words)


def _pattern(raw: str, user: bool = False) -> Pattern:
    """A pattern with its Wappalyzer tags read. A user's (``user``) is compiled by the ``regex`` engine and
    must compile (:class:`FingerprintError`); one of ours that the stdlib cannot read is skipped."""
    confidence = 100
    text = raw
    for key, value in _TAGS.findall(raw):
        if key == "confidence" and value.isdigit():
            confidence = int(value)
    text = raw.split("\\;", 1)[0]
    if user:
        try:
            compiled = user_re.compile(text, user_re.IGNORECASE)
        except (user_re.error, RecursionError, OverflowError) as exc:
            raise FingerprintError(f"pattern {text[:100]!r} does not compile: {exc}") from None
        return Pattern(compiled, confidence, _regex_needles(text), user=True)
    try:
        regex = re.compile(text, re.IGNORECASE)
    except re.error:
        # JavaScript-only regex syntax: the pattern is skipped, the technology still loads.
        return Pattern(None, confidence)
    return Pattern(regex, confidence, _regex_needles(text))


_user_patterns: dict[str, Pattern] = {}


def _dom_pattern(raw: str, user: bool) -> Pattern:
    """A ``dom`` spec's attribute or text pattern, compiled once (a user's timed out stays timed out)."""
    if not user:
        return _pattern(raw)
    if raw not in _user_patterns:
        _user_patterns[raw] = _pattern(raw, user=True)
    return _user_patterns[raw]


Needles = tuple[tuple[str, ...], ...]
"""Alternatives of whole words (lower case): some alternative's words must all be on the page for a match.
An empty tuple means the pattern has no such words and is always tried."""

_WORD = re.compile(r"[a-z0-9_]+")
_WORD_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95) else 32 for c in range(256))
_BOUNDARIES = frozenset({sre_parse.AT_BOUNDARY, sre_parse.AT_BEGINNING, sre_parse.AT_BEGINNING_STRING,
                         sre_parse.AT_END, sre_parse.AT_END_STRING})
_NOT_WORD = frozenset({sre_parse.CATEGORY_SPACE, sre_parse.CATEGORY_NOT_WORD})


def page_words(*texts: str) -> frozenset[str]:
    """Every word (a run of ``[a-z0-9_]``, lower-cased) in ``texts``: one pass over the page.

    Hundreds of patterns and selectors are tried on every page, and a CSS query or a case-insensitive
    regex walks the whole page each time. Each is first asked "are the words you need on the page at
    all" (a vendor's host, class or global), a set lookup, and only run when they are.
    """
    words: set[str] = set()
    for text in texts:
        words.update(text.encode("ascii", "replace").lower().translate(_WORD_BYTES).decode("ascii").split())
    return frozenset(words)


def _words(text: str, whole_start: bool, whole_end: bool) -> tuple[str, ...]:
    """The whole words in ``text``; the first and last only when ``text`` does not cut them."""
    text = text.lower()
    return tuple(m.group() for m in _WORD.finditer(text)
                 if (m.start() > 0 or whole_start) and (m.end() < len(text) or whole_end))


def _regex_needles(text: str) -> Needles:
    """The words any match of the regex ``text`` must contain (its literal runs, cut words dropped)."""
    try:
        parsed = list(sre_parse.parse(text, re.IGNORECASE))
    except (re.error, RecursionError):
        return ()
    return _sequence_needles(parsed)


def _sequence_needles(items: list[tuple[Any, Any]]) -> Needles:
    if len(items) == 1 and items[0][0] is sre_parse.BRANCH:  # a|b|c: one set of words per alternative
        alternatives = [_sequence_needles(list(branch)) for branch in items[0][1][1]]
        if all(alternatives):
            return tuple(words for alternative in alternatives for words in alternative)
        return ()
    words: list[str] = []
    run, run_start = "", False
    for index, (op, arg) in enumerate([*items, (None, None)]):
        if op is sre_parse.LITERAL and arg < 128:
            if not run:
                run_start = _word_edge(items[index - 1::-1] if index else [])
            run += chr(arg)
            continue
        if run:
            words.extend(_words(run, run_start, _word_edge(items[index:])))
            run = ""
    return (tuple(words),) if words else ()


def _word_edge(items: list[tuple[Any, Any]]) -> bool:
    """Whether the regex items next to a literal run (in reading order away from it) cannot continue
    its word: a ``\\b``, ``^``, ``$``, or a non-word character (optional ones looked through)."""
    for op, arg in items:
        if op is sre_parse.AT:
            return bool(arg in _BOUNDARIES)
        if op is sre_parse.LITERAL:
            return not (chr(arg).isalnum() or chr(arg) == "_")
        if op is sre_parse.IN:
            return all((o is sre_parse.CATEGORY and a in _NOT_WORD) or (o is sre_parse.LITERAL
                       and not (chr(a).isalnum() or chr(a) == "_")) for o, a in arg)
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            low, _high, sub = arg
            sub_items = list(sub)
            if not sub_items or not _word_edge(sub_items[:1]):
                return False
            if low > 0:
                return True
            continue  # optional non-word characters: look at what follows them
        return False
    return False


_SELECTOR_ARGS = re.compile(r"\([^()]*\)")
_SELECTOR_ATTRIBUTE = re.compile(
    r"""\[\s*([\w-]+)\s*(?:([*^$|~]?)=\s*(?:'([^']*)'|"([^"]*)"|([^\]\s]*)))?\s*(?:[is]\s*)?\]""")
_SELECTOR_NAME = re.compile(r"[#.]([\w-]+)|(?:^|(?<=[\s>+~]))([a-z][\w-]*)")


def _selector_needles(selector: str) -> Needles:
    """The words the page's HTML must contain for ``selector`` to match: per comma-separated part, its tag,
    id, class and attribute names and the whole words of its attribute values. () when a part has none."""
    text = selector
    while _SELECTOR_ARGS.search(text):  # :not(...), :has(...): what they hold need not be on the page
        text = _SELECTOR_ARGS.sub("", text)
    alternatives = []
    for part in text.split(","):
        words: list[str] = []
        for m in _SELECTOR_ATTRIBUTE.finditer(part):
            words.extend(_words(m.group(1), True, True))
            operator, value = m.group(2), m.group(3) or m.group(4) or m.group(5) or ""
            if operator is not None:
                words.extend(_words(value, operator in ("", "^", "|", "~"), operator in ("", "$", "~")))
        for name in _SELECTOR_NAME.findall(_SELECTOR_ATTRIBUTE.sub(" ", part)):
            words.extend(_words(name[0] or name[1], True, True))
        if not words:
            return ()
        alternatives.append(tuple(words))
    return tuple(alternatives)


def may_be_on(needles: Needles, words: frozenset[str]) -> bool:
    """False when no alternative of ``needles`` has all its words on the page (so nothing can match)."""
    return not needles or any(all(w in words for w in alternative) for alternative in needles)


def _patterns(value: Any, user: bool = False) -> list[Pattern]:
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    return [_pattern(str(v), user) for v in values]


def _keyed(value: Any, user: bool = False) -> dict[str, list[Pattern]]:
    if not isinstance(value, dict):
        return {}
    return {str(k).lower(): _patterns(v, user) for k, v in value.items()}


@dataclass(slots=True)
class Technology:
    name: str
    cats: list[int]
    kinds: set[str]
    website: str
    url: list[Pattern]
    html: list[Pattern]
    script_src: list[Pattern]
    scripts: list[Pattern]
    meta: dict[str, list[Pattern]]
    headers: dict[str, list[Pattern]]
    cookies: dict[str, list[Pattern]]
    js: list[str]
    dom: list[tuple[str, dict[str, Any]]]
    implies: list[str]
    source: str
    user: bool = False  # from a user's file (--fingerprints): patterns time-limited
    dom_needles: list[Needles] = field(default_factory=list)  # per ``dom`` selector, in its order
    js_patterns: list[tuple[re.Pattern[str], Needles]] = field(default_factory=list)  # per ``js`` name

    def __post_init__(self) -> None:
        self.dom_needles = [_selector_needles(selector) for selector, _spec in self.dom]
        self.js_patterns = [(_js_name(name), (_words(name, True, True),)) for name in self.js]


@dataclass(slots=True)
class Detection:
    """A technology found on the site, with every piece of evidence that identified it."""

    name: str
    kinds: set[str]
    website: str
    confidence: int
    evidence: list[Evidence] = field(default_factory=list)
    implied_by: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "kinds": sorted(self.kinds), "confidence": self.confidence,
                "evidence": [e.to_dict() for e in self.evidence], "implied_by": self.implied_by}


def _js_name(name: str) -> re.Pattern[str]:
    """``name`` used as code in an inline script: not inside a longer identifier and not a quoted string.

    A consent manager's vendor list (``"Intercom"``) or a word in a comment-free config string names a
    vendor without running it; ``window.Intercom(`` or ``Intercom('boot')`` is the vendor's snippet.
    """
    return re.compile(rf"(?<![\w$'\"]){re.escape(name)}(?![\w$'\"])")


def _dom(value: Any) -> list[tuple[str, dict[str, Any]]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [(value, {"exists": ""})]
    if isinstance(value, list):
        return [(str(v), {"exists": ""}) for v in value]
    if isinstance(value, dict):
        return [(str(sel), spec if isinstance(spec, dict) else {"exists": ""}) for sel, spec in value.items()]
    return []


class Fingerprints:
    """A set of technologies to look for."""

    def __init__(self, technologies: list[Technology]) -> None:
        self.technologies = {t.name: t for t in technologies}

    @classmethod
    def load(cls, extra: list[Path] | tuple[Path, ...] = ()) -> Fingerprints:
        """Our bundled files plus any extra files or folders of files (same format)."""
        kinds = _category_kinds()
        technologies: list[Technology] = []
        files = sorted(p for p in DATA_DIR.glob("*.json") if p.name != "categories.json")
        for path in files:
            technologies.extend(_read(path, kinds))
        for path in _expand(extra):
            technologies.extend(_read(path, kinds, user=True))
        return cls(technologies)

    def of_kind(self, kind: str) -> list[str]:
        return [name for name, tech in self.technologies.items() if kind in tech.kinds]

    def detect(self, site: SiteView) -> dict[str, Detection]:
        """Every technology found on any page of the site (memoised on the view)."""
        key = ("fingerprints", id(self))
        cached = site.cache.get(key)
        if cached is not None:
            return cast(dict[str, Detection], cached)
        found: dict[str, Detection] = {}
        strongest: dict[str, dict[str, int]] = {}
        for view in site.pages:
            page = _Haystack.of(view)
            for tech in self.technologies.values():
                for clue, evidence, confidence in _match(tech, view, page):
                    hit = found.get(tech.name)
                    if hit is None:
                        hit = found[tech.name] = Detection(tech.name, set(tech.kinds), tech.website, 0)
                    # Confidence adds up over *kinds* of clue, not pages: the same weak clue
                    # repeated in every page's template is still one clue.
                    clues = strongest.setdefault(tech.name, {})
                    clues[clue] = max(clues.get(clue, 0), confidence)
                    hit.confidence = min(100, sum(clues.values()))
                    if len(hit.evidence) < 10:
                        hit.evidence.append(evidence)
        for name in list(found):
            for implied in self.technologies[name].implies:
                target = implied.split("\\;", 1)[0]
                if target not in found and target in self.technologies:
                    tech = self.technologies[target]
                    found[target] = Detection(target, set(tech.kinds), tech.website, found[name].confidence,
                                              [], implied_by=name)
        site.cache[key] = found
        return found


_default: Fingerprints | None = None
_extra: tuple[Path, ...] = ()


def default_fingerprints() -> Fingerprints:
    """The fingerprints checks use: ours plus the files set with :func:`use_extra_files` (loaded once)."""
    global _default  # noqa: PLW0603 - one lazily loaded set per process, replaced by use_extra_files()
    if _default is None:
        _default = Fingerprints.load(_extra)
    return _default


def use_extra_files(paths: list[Path] | tuple[Path, ...]) -> None:
    """Add users' fingerprint files (``--fingerprints PATH``) for every check from now on."""
    global _default, _extra
    extra = tuple(Path(p) for p in paths)
    loaded = Fingerprints.load(extra)  # load now, so a bad file is reported before any crawl
    _default, _extra = loaded, extra


def _expand(paths: list[Path] | tuple[Path, ...]) -> list[Path]:
    out: list[Path] = []
    for given in paths:
        path = Path(given)
        out.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
    return out


def _category_kinds() -> dict[int, str]:
    data = json.loads((DATA_DIR / "categories.json").read_text(encoding="utf-8"))
    return {int(k): v.get("kind", "other") for k, v in data.items()}


def _read(path: Path, kinds: dict[int, str], *, user: bool = False) -> list[Technology]:
    """The technologies of one file. A user's file (``user``) is validated strictly: every field of the
    expected type and every pattern compiling, else :class:`FingerprintError` naming file, technology and
    field. Ours are read leniently (a pattern in JavaScript-only syntax is skipped)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FingerprintError(f"fingerprint file {path}: {exc}") from None
    if isinstance(data, dict) and "technologies" in data and isinstance(data["technologies"], dict):
        data = data["technologies"]  # the layout of Wappalyzer's own technologies files
    if not isinstance(data, dict):
        raise FingerprintError(f"fingerprint file {path}: expected an object of technologies")
    technologies = []
    for name, spec in data.items():
        if not isinstance(spec, dict):
            if user:
                raise FingerprintError(f"fingerprint file {path}: {name}: expected an object, "
                                       f"got {type(spec).__name__}")
            continue
        field_name = ""
        try:
            if user:
                _validate(spec)
            cats = [int(c) for c in spec.get("cats", []) if str(c).isdigit()]
            js = spec.get("js") or {}
            fields: dict[str, Any] = {}
            for field_name, key in (("url", "url"), ("html", "html"), ("scriptSrc", "script_src"),
                                    ("scripts", "scripts")):
                fields[key] = _patterns(spec.get(field_name), user)
            for field_name in ("meta", "headers", "cookies"):
                fields[field_name] = _keyed(spec.get(field_name), user)
            field_name = "dom"
            dom = _dom(spec.get("dom"))
            for _selector, dom_spec in dom if user else ():
                for attr, pattern in (dom_spec.get("attributes") or {}).items():
                    field_name = f"dom.attributes.{attr}"
                    if pattern:
                        _dom_pattern(str(pattern), True)
                if dom_spec.get("text"):
                    field_name = "dom.text"
                    _dom_pattern(str(dom_spec["text"]), True)
        except FingerprintError as exc:
            where = f"{name}.{field_name}: " if field_name else f"{name}."  # _validate's message starts with the field
            raise FingerprintError(f"fingerprint file {path}: {where}{exc}") from None
        technologies.append(Technology(
            name=name, cats=cats, kinds={kinds.get(c, "other") for c in cats} or {"other"},
            website=spec.get("website", ""), js=list(js.keys()) if isinstance(js, dict) else [], dom=dom,
            implies=[str(i) for i in (spec.get("implies") or [])] if isinstance(spec.get("implies"), list)
            else [str(spec["implies"])] if spec.get("implies") else [],
            source=path.name, user=user, **fields,
        ))
    return technologies


def _texts(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def _keyed_texts(value: Any) -> bool:
    return isinstance(value, dict) and all(_texts(v) for v in value.values())


def _category_ids(value: Any) -> bool:
    return isinstance(value, list) and all(
        (isinstance(c, int) and not isinstance(c, bool)) or (isinstance(c, str) and c.isdigit()) for c in value)


def _dom_field(value: Any) -> bool:
    return _texts(value) or (isinstance(value, dict) and all(isinstance(x, dict | str) for x in value.values()))


def _text(value: Any) -> bool:
    return isinstance(value, str)


_TEXTS = "a pattern (text) or a list of patterns"
_KEYED = "an object of name: pattern"
_FIELDS: dict[str, tuple[str, Callable[[Any], bool]]] = {  # field: (what it must be, the test of a value)
    "cats": ("a list of category ids", _category_ids), "website": ("text", _text),
    "url": (_TEXTS, _texts), "html": (_TEXTS, _texts), "scriptSrc": (_TEXTS, _texts), "scripts": (_TEXTS, _texts),
    "meta": (_KEYED, _keyed_texts), "headers": (_KEYED, _keyed_texts), "cookies": (_KEYED, _keyed_texts),
    "js": (_KEYED, _keyed_texts),
    "dom": ("a selector, a list of selectors or an object of selector: spec", _dom_field),
    "implies": ("a technology name or a list of them", _texts),
}


def _validate(spec: dict[str, Any]) -> None:
    """Each known field of a user's technology of the type the matcher reads (unknown fields are ignored,
    as Wappalyzer's ``description``, ``icon``, ``pricing``...)."""
    for name, (expected, ok) in _FIELDS.items():
        if name in spec and spec[name] is not None and not ok(spec[name]):
            raise FingerprintError(f"{name}: expected {expected}, got {json.dumps(spec[name])[:80]}")
    dom = spec.get("dom")
    if isinstance(dom, dict):
        for selector, dom_spec in dom.items():
            if isinstance(dom_spec, dict) and "attributes" in dom_spec and not (
                    isinstance(dom_spec["attributes"], dict)
                    and all(isinstance(v, str) for v in dom_spec["attributes"].values())):
                raise FingerprintError(f"dom.{selector}.attributes: expected an object of name: pattern")
            if isinstance(dom_spec, dict) and "text" in dom_spec and not isinstance(dom_spec["text"], str):
                raise FingerprintError(f"dom.{selector}.text: expected a pattern (text)")


def _snippet(text: str, match: re.Match[str]) -> str:
    start = max(0, match.start() - 40)
    return text[start: match.end() + 40].replace("\n", " ")[:160]


HTML_HEAD = 512 * 1024
HTML_TAIL = 128 * 1024


def html_window(html: str) -> str:
    """The part of a page ``html`` patterns search: all of it, or its first 512 KB and last 128 KB.

    Fingerprints sit in the head and at the end of the body; a multi-megabyte page (a catalogue cut at
    ``max_bytes``) would otherwise cost tens of milliseconds per pattern.
    """
    if len(html) <= HTML_HEAD + HTML_TAIL:
        return html
    return html[:HTML_HEAD] + "\n" + html[-HTML_TAIL:]


@dataclass(slots=True)
class _Haystack:
    """One page's texts as the matcher searches them, and the words on it."""

    window: str
    scripts: str  # every inline script, joined
    words: frozenset[str]  # of the HTML and the page's URL (script sources are made absolute with it)

    @classmethod
    def of(cls, view: PageView) -> _Haystack:
        return cls(html_window(view.html), "\n".join(view.inline_scripts), page_words(view.url, view.html))


def _match(tech: Technology, view: PageView, page: _Haystack) -> list[tuple[str, Evidence, int]]:
    """(kind of clue, evidence, confidence) for ``tech`` on one page, one per kind of clue."""
    window = page.window
    hits: list[tuple[str, Evidence, int]] = []
    url = view.url
    for p in tech.url:
        if (m := p.search(url)) is not None:
            hits.append(("url", Evidence(url, note=f"{tech.name}: URL matches", snippet=m.group(0)), p.confidence))
            break
    for p in tech.script_src:
        if not p.may_match(page.words):
            continue
        src = next((s for s in view.scripts if p.search(s)), None)
        if src is not None:
            hits.append(("scriptSrc", Evidence(url, selector="script[src]", attribute="src", snippet=src[:200],
                                  note=f"{tech.name}: script source"), p.confidence))
            break
    for name, patterns in tech.meta.items():
        for content in view.meta.get(name, []):
            if any(p.regex is not None and (p.regex.pattern == "" or p.search(content)) for p in patterns):
                hits.append(("meta", Evidence(url, selector=f'meta[name="{name}"]', attribute="content",
                                              snippet=content[:200], note=f"{tech.name}: meta tag"),
                             max(p.confidence for p in patterns)))
                break
    for name, patterns in tech.headers.items():
        value = view.headers.get(name)
        if value is not None and any(p.regex is not None and (p.regex.pattern == "" or p.search(value))
                                     for p in patterns):
            hits.append(("headers", Evidence(url, attribute=name, snippet=value[:200], source="headers",
                                  note=f"{tech.name}: response header"), 100))
    if tech.cookies:
        cookies = view.headers.get("set-cookie", "")
        for name in tech.cookies:
            if re.search(rf"(?:^|[;,\s]){re.escape(name)}=", cookies, re.IGNORECASE):
                hits.append(("cookies", Evidence(url, attribute="set-cookie", snippet=name, source="headers",
                                      note=f"{tech.name}: cookie"), 100))
                break
    for p in tech.scripts:
        if not p.may_match(page.words):
            continue
        for script in view.inline_scripts:
            if (m := p.search(script)) is not None:
                hits.append(("scripts", Evidence(url, selector="script", snippet=_snippet(script, m),
                                      note=f"{tech.name}: inline script"), p.confidence))
                break
        else:
            continue
        break
    for name, (used, needles) in zip(tech.js, tech.js_patterns, strict=True):
        if may_be_on(needles, page.words) and used.search(page.scripts):
            hits.append(("js", Evidence(url, selector="script", snippet=name,
                                  note=f"{tech.name}: names {name} in an inline script (not executed)"), 50))
            break
    for (selector, spec), needles in zip(tech.dom, tech.dom_needles, strict=True):
        if not may_be_on(needles, page.words):
            continue
        try:
            nodes = view.tree.css(selector)
        except Exception:  # noqa: BLE001, S112 - a selector lexbor cannot read is skipped, as Wappalyzer does
            continue
        if nodes and _dom_ok(nodes, spec, tech.user):
            hits.append(("dom", Evidence(url, selector=selector, snippet=(nodes[0].html or "")[:160],
                                  note=f"{tech.name}: element"), 100))
            break
    for p in tech.html:
        if p.may_match(page.words) and (m := p.search(window)) is not None:
            hits.append(("html", Evidence(url, snippet=_snippet(window, m), note=f"{tech.name}: HTML"), p.confidence))
            break
    return hits


def _dom_ok(nodes: list[Any], spec: dict[str, Any], user: bool = False) -> bool:
    attributes = spec.get("attributes")
    text = spec.get("text")
    for node in nodes:
        ok = True
        if isinstance(attributes, dict):
            for attr, pattern in attributes.items():
                value = node.attributes.get(attr)
                if value is None or (pattern and _dom_pattern(str(pattern), user).search(value) is None):
                    ok = False
        if ok and text:
            ok = _dom_pattern(str(text), user).search(node.text(deep=True) or "") is not None
        if ok:
            return True
    return False
