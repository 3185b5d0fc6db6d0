"""Deterministic generator of the benchmark site, kept in memory as ``path -> bytes``.

The site stands for a mid-sized brand: 1,000 public HTML pages of about 40 KB
each ("/", 14 section hubs and 985 articles), plus 10 pages under /private/
that robots.txt disallows and that every page links to, so a crawler that
ignores robots.txt is caught. Links exercise what a real crawler meets: root
relative and ``../`` relative forms, ``?utm_*`` tracking parameters and
``#fragments`` that canonicalise to a page already seen, and outside hosts
(Instagram, X, ...) plus ``mailto:``/``tel:`` that must never be fetched.

Every public page is reachable from "/" in at most two hops: page ``i`` links
to its children ``i*32+1 .. i*32+32`` in a 32-ary tree, and to random others.
Same seed, same bytes: ``Site.digest()`` lets two processes check they agree.
Generating takes well under 2 s (sentences are drawn from a pre-built pool
instead of word by word).
"""

from __future__ import annotations

import hashlib
import posixpath
import random
from dataclasses import dataclass

DEFAULT_SEED = 20240601
DEFAULT_PAGES = 1000
TREE_FANOUT = 32
SECTIONS = (
    "products", "collections", "blog", "guides", "docs", "news", "stories",
    "recipes", "events", "stores", "support", "careers", "press", "partners",
)
PRIVATE_SLUGS = (
    "login", "dashboard", "staff-handbook", "payroll", "roadmap",
    "pricing-draft", "board-minutes", "vendor-contracts", "incident-log", "wiki",
)
OUTSIDE_LINKS = (
    "https://www.instagram.com/x/",
    "https://x.com/acmeoutdoor",
    "https://www.facebook.com/acmeoutdoor",
    "https://www.linkedin.com/company/acme-outdoor/",
    "https://www.youtube.com/@acmeoutdoor",
    "https://www.tiktok.com/@acmeoutdoor",
)
WORDS = (
    "trail summit gear jacket tent lantern river canyon weekend journey light "
    "weather layer boot pack route camp forest ridge coastal season durable "
    "recycled wool down shell waterproof breathable warranty repair store guide "
    "family adventure morning evening mountain valley lake map compass stove "
    "kettle fleece glove sock merino hike climb paddle cycle run ski snow rain "
    "wind sun shade water bottle filter first aid kit rope harness helmet chalk "
    "the a of and to in for with on at by from our your every new best simple "
    "small large quick careful honest local global community planet carbon "
    "footprint material supply chain factory partner member program reward "
    "return shipping order size fit colour price sale collection limited edition "
    "designed tested built made lasting comfortable reliable practical modern "
    "classic essential versatile lightweight packable insulated ventilated"
).split()
CSS = (
    ":root{--brand:#1d5c3a;--ink:#222;--muted:#667;--bg:#fbfaf7}"
    "body{margin:0;font:16px/1.6 system-ui,sans-serif;color:var(--ink);background:var(--bg)}"
    ".site-header{display:flex;gap:1rem;align-items:center;padding:1rem 2rem;background:#fff;"
    "border-bottom:1px solid #e5e2da}.site-header nav ul{display:flex;flex-wrap:wrap;gap:.75rem;"
    "list-style:none;margin:0;padding:0}.site-header a{color:var(--ink);text-decoration:none}"
    "main{max-width:72rem;margin:0 auto;padding:2rem}.breadcrumb{font-size:.85rem;color:var(--muted)}"
    "article h1{font-size:2.25rem;line-height:1.2}article h2{margin-top:2.5rem}"
    "article p a{color:var(--brand);text-decoration:underline}.related{columns:2;gap:2rem}"
    ".card{border:1px solid #e5e2da;border-radius:8px;padding:1rem;background:#fff}"
    "footer{background:#13261b;color:#dfe7e1;padding:2rem}footer a{color:#dfe7e1}"
    "footer ul{display:grid;grid-template-columns:repeat(4,1fr);list-style:none;padding:0}"
    "@media (max-width:720px){.site-header{flex-direction:column}.related{columns:1}"
    "footer ul{grid-template-columns:repeat(2,1fr)}}"
)
SCRIPT = (
    "(function(){var d=document,w=window;function q(s){return d.querySelector(s)}"
    "var m=q('.menu-toggle');if(m){m.addEventListener('click',function(){"
    "d.body.classList.toggle('nav-open')})}w.dataLayer=w.dataLayer||[];"
    "function gtag(){dataLayer.push(arguments)}gtag('js',new Date());"
    "gtag('config','G-BENCH0000',{anonymize_ip:true});"
    "d.querySelectorAll('a[data-track]').forEach(function(a){a.addEventListener('click',"
    "function(){gtag('event','click',{link_url:a.href})})});"
    "if('IntersectionObserver' in w){var io=new IntersectionObserver(function(es){"
    "es.forEach(function(e){if(e.isIntersecting){e.target.classList.add('seen');"
    "io.unobserve(e.target)}})});d.querySelectorAll('.card').forEach(function(c){io.observe(c)})}"
    "})();"
)


@dataclass(frozen=True, slots=True)
class Site:
    """The generated site: public pages, robots-disallowed pages, and the files built from them."""

    pages: dict[str, bytes]
    """The public HTML pages a crawler should fetch, "/" first."""

    private: dict[str, bytes]
    """Pages under /private/: linked from every page, disallowed by robots.txt."""

    def files(self, origin: str) -> dict[str, tuple[bytes, bytes]]:
        """Every servable path -> (content type, body); robots.txt and sitemap.xml need ``origin``."""
        html = b"text/html; charset=utf-8"
        out = {p: (html, body) for p, body in self.pages.items()}
        out.update({p: (html, body) for p, body in self.private.items()})
        out["/robots.txt"] = (b"text/plain; charset=utf-8", robots_txt(origin))
        out["/sitemap.xml"] = (b"application/xml", sitemap_xml(origin, list(self.pages)))
        return out

    def avg_bytes(self) -> int:
        """Mean size of a public page, in bytes."""
        return sum(map(len, self.pages.values())) // len(self.pages)

    def digest(self) -> str:
        """Short hash of every page, so the server and the orchestrator can check they built the same site."""
        h = hashlib.sha256()
        for path in sorted(self.pages) + sorted(self.private):
            h.update(path.encode())
            h.update(self.pages.get(path) or self.private[path])
        return h.hexdigest()[:16]


def robots_txt(origin: str) -> bytes:
    """robots.txt: /private/ disallowed for everyone, the whole site for one bad bot, and the sitemap."""
    return (
        "# robots.txt for the Acme Outdoor benchmark site\n"
        "User-agent: *\nDisallow: /private/\nAllow: /\n\n"
        "User-agent: BadBot\nDisallow: /\n\n"
        f"Sitemap: {origin}/sitemap.xml\n"
    ).encode()


def sitemap_xml(origin: str, paths: list[str]) -> bytes:
    """A plain <urlset> sitemap listing every public page."""
    rows = "".join(
        f"<url><loc>{origin}{p}</loc><lastmod>2024-05-{1 + i % 28:02d}</lastmod></url>\n"
        for i, p in enumerate(paths)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{rows}</urlset>\n"
    ).encode()


def _page_paths(rng: random.Random, n: int) -> list[str]:
    """"/", then one hub per section, then articles named after random words, in a random section each."""
    paths = ["/"] + [f"/{s}/" for s in SECTIONS]
    while len(paths) < n:
        slug = "-".join(rng.sample(WORDS[:60], 2))
        paths.append(f"/{rng.choice(SECTIONS)}/{slug}-{len(paths)}/")
    return paths[:n]


def _href(rng: random.Random, target: str, here: str) -> str:
    """One way of writing a link to ``target``: mostly plain, else relative, tracked or with a fragment."""
    roll = rng.random()
    if roll < 0.60:
        return target
    if roll < 0.70:
        rel = posixpath.relpath(target, here)  # site paths all end in "/"
        return "./" if rel == "." else rel + "/"
    if roll < 0.82:
        src = rng.choice(("newsletter", "instagram", "partner", "footer"))
        return f"{target}?utm_source={src}&utm_medium=referral&utm_campaign=spring"
    if roll < 0.94:
        return f"{target}#section-{rng.randint(1, 6)}"
    return f"{target}?utm_source=email#top"


class _Writer:
    """Builds the pages of one site from one seeded RNG."""

    def __init__(self, seed: int, n_pages: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - a seeded generator for a reproducible site, not secrets
        self.paths = _page_paths(self.rng, n_pages)
        self.sentences = [self._sentence() for _ in range(1200)]
        self.footer_site = [self.paths[i] for i in (1, 3, 10, 11, 12, 13, 14)] + [
            self.paths[i] for i in range(15, 15 + 5)
        ]

    def _sentence(self) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(8, 22))
        return " ".join(words).capitalize() + "."

    def _title(self, path: str) -> str:
        name = path.strip("/").split("/")[-1] or "home"
        return " ".join(w for w in name.split("-") if not w.isdigit()).title()

    def _paragraph(self, links: list[tuple[str, str]]) -> str:
        """A paragraph of 4-9 sentences with the given (href, text) links woven in."""
        parts = self.rng.choices(self.sentences, k=self.rng.randint(4, 9))
        for href, text in links:
            i = self.rng.randrange(len(parts))
            parts[i] = f'{parts[i]} See <a href="{href}">{text}</a>.'
        return "<p>" + " ".join(parts) + "</p>\n"

    def page(self, index: int, private_links: list[str], size: int) -> bytes:
        """The HTML of public page ``index``, padded with paragraphs to about ``size`` bytes."""
        rng, paths = self.rng, self.paths
        path = paths[index]
        children = list(range(index * TREE_FANOUT + 1, min(index * TREE_FANOUT + TREE_FANOUT + 1, len(paths))))
        want = max(rng.randint(30, 60), len(children))
        extra = rng.sample(range(len(paths)), want - len(children) + 2)
        targets = children + [i for i in extra if i != index and i not in children][: want - len(children)]
        rng.shuffle(targets)
        links = [(_href(rng, paths[t], path), self._title(paths[t]) or "home") for t in targets]
        links += [(p, "members area") for p in private_links]
        body = self._body(index, links, size)
        return body.encode()

    def _body(self, index: int, links: list[tuple[str, str]], size: int) -> str:
        path = self.paths[index]
        title = self._title(path) or "Acme Outdoor"
        section = path.strip("/").split("/")[0] or "home"
        head = (
            f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
            f"<title>{title} | Acme Outdoor</title>\n"
            f'<meta name="description" content="{self.sentences[index % 1200]}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<link rel="canonical" href="{path}">\n'
            '<link rel="stylesheet" href="/static/site.css">\n'
            '<link rel="icon" href="/static/favicon.svg">\n'
            f"<style>{CSS}</style>\n"
            '<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage",'
            f'"name":"{title}","isPartOf":{{"@type":"WebSite","name":"Acme Outdoor"}}}}</script>\n'
            "</head>\n"
        )
        nav = "".join(f'<li><a href="{p}">{self._title(p) or "Home"}</a></li>' for p in self.paths[:15])
        header = (
            '<body><header class="site-header"><a class="logo" href="/" aria-label="Acme Outdoor home">'
            '<img src="/static/logo.svg" alt="Acme Outdoor" width="120" height="32"></a>'
            '<button class="menu-toggle" aria-expanded="false">Menu</button>'
            f"<nav aria-label=\"Main\"><ul>{nav}</ul></nav>"
            '<form action="/search" method="get"><input name="q" type="search" placeholder="Search">'
            "</form></header>\n"
        )
        footer_links = [(p, self._title(p) or "Home") for p in self.footer_site]
        footer_links += [(u, u.split("/")[2]) for u in OUTSIDE_LINKS]
        footer_links += [("mailto:hello@acme-outdoor.example", "Email us"), ("tel:+15550100", "Call us")]
        footer_links += [("/private/login/", "Staff login")]
        footer = (
            '<footer><ul>'
            + "".join(f'<li><a href="{h}" data-track>{t}</a></li>' for h, t in footer_links)
            + "</ul><p>&copy; 2024 Acme Outdoor. All rights reserved.</p></footer>\n"
            f"<script>{SCRIPT}</script>\n</body></html>\n"
        )
        crumbs = '<nav class="breadcrumb"><a href="/">Home</a>'
        crumbs += f' / <a href="/{section}/">{section.title()}</a></nav>' if index else "</nav>"
        main = [f"<main>{crumbs}<article><h1>{title}</h1>\n"]
        budget = size - len(head) - len(header) - len(footer)
        used = sum(map(len, main))
        chunk = max(1, len(links) // 8)
        n = 0
        while links or used < budget - 300:
            if n % 4 == 0:
                h2 = f'<h2 id="section-{n // 4 + 1}">{self.rng.choice(self.sentences)[:40]}</h2>\n'
                main.append(h2)
                used += len(h2)
            para = self._paragraph(links[:chunk])
            del links[:chunk]
            main.append(para)
            used += len(para)
            n += 1
        main.append('<aside class="card"><p>Free repairs for life on every jacket.</p></aside>')
        main.append("</article></main>\n")
        return head + header + "".join(main) + footer

    def private_page(self, slug: str) -> bytes:
        """A small members-only page linking to the other private pages and back home."""
        links = "".join(f'<li><a href="/private/{s}/">{s}</a></li>' for s in PRIVATE_SLUGS if s != slug)
        return (
            f"<!doctype html><html><head><title>{slug} | Staff</title></head><body>"
            f'<h1>{slug}</h1><ul>{links}</ul><p><a href="/">Back to the site</a></p>'
            + self._paragraph([])
            + "</body></html>\n"
        ).encode()


def generate(seed: int = DEFAULT_SEED, n_pages: int = DEFAULT_PAGES, page_bytes: int = 40_000) -> Site:
    """Build the site: ``n_pages`` public pages of about ``page_bytes`` each, plus the private ones."""
    w = _Writer(seed, n_pages)
    pages: dict[str, bytes] = {}
    for i, path in enumerate(w.paths):
        # Every page links to /private/login/ in its footer; one in 50 also to another private page.
        private = [f"/private/{PRIVATE_SLUGS[1 + i // 50 % 9]}/"] if i % 50 == 7 else []
        size = w.rng.randint(page_bytes * 8 // 10, page_bytes * 12 // 10)
        pages[path] = w.page(i, private, size)
    private_pages = {f"/private/{s}/": w.private_page(s) for s in PRIVATE_SLUGS}
    return Site(pages=pages, private=private_pages)


if __name__ == "__main__":
    import json
    import time

    t0 = time.perf_counter()
    site = generate()
    secs = time.perf_counter() - t0
    print(json.dumps({"pages": len(site.pages), "private": len(site.private), "avg_bytes": site.avg_bytes(),
                      "seconds": round(secs, 3), "digest": site.digest()}))
