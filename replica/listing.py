"""Home page, category and tag archives (10 per page, newest first) and the RSS feed."""

from __future__ import annotations

from email.utils import format_datetime

from . import SITE_NAME
from .content import Corpus
from .render import display_date, post_url
from .templates import footer, head, masthead, t

PER_PAGE = 10


def page_count(total: int) -> int:
    return max(1, -(-total // PER_PAGE))


def newest_first(indices, page: int):
    """The indices of listing page ``page`` (1-based) from an ascending sequence."""
    end = len(indices) - (page - 1) * PER_PAGE
    return [indices[k] for k in range(end - 1, max(end - PER_PAGE, 0) - 1, -1)]


def _pagination(first_url: str, page: int, pages: int) -> str:
    def href(n: int) -> str:
        return first_url if n == 1 else f"{first_url}page/{n}/"
    parts = []
    if page > 1:
        parts.append(f'<a class="prev page-numbers" href="{href(page - 1)}">« Trước</a>')
    shown = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    last = 0
    for n in shown:
        if n - last > 1:
            parts.append('<span class="page-numbers dots">&hellip;</span>')
        parts.append(f'<span aria-current="page" class="page-numbers current">{n}</span>' if n == page
                     else f'<a class="page-numbers" href="{href(n)}">{n}</a>')
        last = n
    if page < pages:
        parts.append(f'<a class="next page-numbers" href="{href(page + 1)}">Sau »</a>')
    return ('<nav class="navigation pagination" aria-label="Phân trang"><div class="nav-links">'
            + " ".join(parts) + "</div></nav>\n")


def listing_page(corpus: Corpus, base: str, indices, page: int, first_url: str,
                 heading: str | None, body_class: str) -> str | None:
    """A listing page, or None when ``page`` is past the last one (WordPress answers 404)."""
    pages = page_count(len(indices))
    if page < 1 or page > pages:
        return None
    items = []
    for i in newest_first(indices, page):
        m = corpus.meta(i)
        url = post_url(base, m)
        cls = " ".join(f"category-{s}" for s, _ in m.categories)
        items.append(
            f'<article id="post-{m.id}" class="post-{m.id} post type-post status-publish format-standard hentry {cls}">'
            f'<header class="entry-header"><h2 class="entry-title"><a href="{url}" rel="bookmark">{t(m.title)}</a></h2>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{m.published.isoformat()}">'
            f'{display_date(m.published)}</time></div></header></article>\n')
    title = heading or SITE_NAME
    header = (f'<header class="page-header"><h1 class="page-title">{t(heading)}</h1></header>\n'
              if heading else "")
    paged = f" paged paged-{page}" if page > 1 else ""
    return (head(base, title) + f'<body class="{body_class}{paged} hfeed">\n' + masthead(base)
            + '<main id="primary" class="site-main">\n' + header + "".join(items)
            + _pagination(first_url, page, pages) + "</main>\n" + footer(base))


def feed(corpus: Corpus, base: str) -> str:
    items = []
    for i in newest_first(corpus.live, 1):
        m = corpus.meta(i)
        url = post_url(base, m)
        cats = "".join(f"<category><![CDATA[{n}]]></category>" for _, n in m.categories)
        items.append(
            f"<item><title>{t(m.title)}</title><link>{url}</link>"
            f"<dc:creator><![CDATA[admin]]></dc:creator>"
            f"<pubDate>{format_datetime(m.published)}</pubDate>{cats}"
            f'<guid isPermaLink="false">{base}/?p={m.id}</guid>'
            f"<description><![CDATA[{m.title}]]></description></item>\n")
    last = corpus.max_modified(corpus.live)
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel>
<title>{SITE_NAME}</title>
<atom:link href="{base}/feed/" rel="self" type="application/rss+xml" />
<link>{base}</link>
<description>Thông tin chính thống của thành phố Hải Phòng</description>
<lastBuildDate>{format_datetime(last)}</lastBuildDate>
<language>vi</language>
<sy:updatePeriod>hourly</sy:updatePeriod>
<generator>https://wordpress.org/?v=6.4.3</generator>
{"".join(items)}</channel>
</rss>
"""


def listing_paths(corpus: Corpus, *, authors: bool = False) -> list[str]:
    """Every listing page the site links to (home, categories, tags; author archives when the
    theme links them): what a complete first crawl captures."""
    out: list[str] = []

    def pages(prefix: str, total: int) -> None:
        out.append(prefix)
        out.extend(f"{prefix}page/{k}/" for k in range(2, page_count(total) + 1))

    pages("/", len(corpus.live))
    for kind, prefix in (("category", "/category/"), ("tag", "/tag/")):
        for slug, indices in sorted(corpus.terms[kind].items()):
            pages(f"{prefix}{slug}/", len(indices))
    if authors:
        from .accounts import BY_ID
        groups: dict[int, int] = {}
        for i in corpus.live:
            groups[corpus.meta(i).author_id] = groups.get(corpus.meta(i).author_id, 0) + 1
        for acc_id, total in sorted(groups.items()):
            pages(f"/author/{BY_ID[acc_id].slug}/", total)
    return out
