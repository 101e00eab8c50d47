"""WordPress core sitemaps (``/wp-sitemap.xml``) and ``/robots.txt``."""

from __future__ import annotations

from .content import Corpus
from .render import post_url

PER_SITEMAP = 2000
_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def sitemap_count(corpus: Corpus) -> int:
    return -(-len(corpus.live) // PER_SITEMAP)


def chunk(corpus: Corpus, n: int):
    """The live post indices listed in posts sitemap ``n`` (id ascending, as WordPress core)."""
    return corpus.live[(n - 1) * PER_SITEMAP:n * PER_SITEMAP]


def newest(corpus: Corpus, indices) -> str:
    return corpus.max_modified(indices).isoformat()


def index(corpus: Corpus, base: str, lastmod: bool) -> str:
    out = [_HEAD, f"<sitemapindex {_NS}>"]
    for n in range(1, sitemap_count(corpus) + 1):
        lm = f"<lastmod>{newest(corpus, chunk(corpus, n))}</lastmod>" if lastmod else ""
        out.append(f"<sitemap><loc>{base}/wp-sitemap-posts-post-{n}.xml</loc>{lm}</sitemap>")
    out.append(f"<sitemap><loc>{base}/wp-sitemap-taxonomies-category-1.xml</loc></sitemap>")
    if corpus.terms["tag"]:
        out.append(f"<sitemap><loc>{base}/wp-sitemap-taxonomies-post_tag-1.xml</loc></sitemap>")
    out.append("</sitemapindex>\n")
    return "".join(out)


def posts(corpus: Corpus, base: str, n: int, lastmod: bool) -> str | None:
    if not 1 <= n <= sitemap_count(corpus):
        return None
    out = [_HEAD, f"<urlset {_NS}>"]
    for i in chunk(corpus, n):
        m = corpus.meta(i)
        if m.protected:
            continue     # core sitemaps leave out password-protected posts
        lm = f"<lastmod>{m.modified.isoformat()}</lastmod>" if lastmod else ""
        out.append(f"<url><loc>{post_url(base, m)}</loc>{lm}</url>")
    out.append("</urlset>\n")
    return "".join(out)


def taxonomy(corpus: Corpus, base: str, kind: str) -> str | None:
    terms = corpus.terms["category" if kind == "category" else "tag"]
    if not terms:
        return None
    prefix = "category" if kind == "category" else "tag"
    urls = "".join(f"<url><loc>{base}/{prefix}/{s}/</loc></url>" for s in sorted(terms))
    return f"{_HEAD}<urlset {_NS}>{urls}</urlset>\n"


def robots(base: str, crawl_delay: float | None = None) -> str:
    delay = f"Crawl-delay: {crawl_delay:g}\n" if crawl_delay else ""
    return ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n" + delay
            + f"\nSitemap: {base}/wp-sitemap.xml\n")
