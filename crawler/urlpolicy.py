"""Which URLs of a WordPress site the crawler follows, and as what.

Plain functions (no Scrapy): the spider asks ``classify(url)`` for every
discovered link. Anything that is not a post, a listing, a feed, a sitemap or
an upload is skipped, and so are the endless URL spaces WordPress offers
(search, comment replies, calendar and date archives, deep pagination).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

from archive.crawl.kinds import AMP, DOCUMENT, FEED, IMAGE, LISTING, POST, SITEMAP
from archive.crawl.kinds import REQUISITE as REQUISITE  # the spider's kinds, re-exported
from archive.parser.documents import is_document_url

_SKIP_PATH = re.compile(
    r"^/(wp-admin|wp-login\.php|wp-json|xmlrpc\.php|wp-includes|wp-cron\.php|cgi-bin)(/|$)"
    r"|/(trackback|embed|comment-page-\d+)/?$"
    r"|/(comments/)?feed/(atom|rss|rdf|rss2)?/?$"
    r"|^/search/|^/author/[^/]+/(?!page/\d+/?$).+"  # author feeds and the like (pages pass)
    r"|^/\d{4}/\d{1,2}/\d{1,2}(/|$)"       # day archives: the calendar widget's endless links
    , re.I)
_FEED = re.compile(r"^/feed/?$", re.I)
_SITEMAP = re.compile(r"\.xml(\.gz)?$", re.I)
_IMAGE = re.compile(r"^/wp-content/uploads/.+\.(jpe?g|png|gif|webp|avif|svg)$", re.I)
_AMP = re.compile(r"/amp/?$", re.I)
_PAGED = re.compile(r"/page/(\d+)/?$", re.I)
# home, term archives, author archives and the year/month archives a site's Archives widget links
_LISTING = re.compile(r"^/((category|tag)/[^?#]+|author/[^/]+/?|\d{4}/(\d{1,2}/?)?)?$", re.I)
_ALLOWED_QUERY_KEYS = {"p", "page_id", "cat"}


def is_paged(url: str) -> bool:
    """``/page/N/`` of a listing (N ≥ 2 in WordPress)."""
    return bool(_PAGED.search(urlsplit(url).path))


@dataclass(frozen=True)
class UrlPolicy:
    fetch_amp: bool = False
    fetch_images: bool = True
    fetch_documents: bool = True
    max_page: int = 2000

    def classify(self, url: str) -> str | None:
        """The kind of an on-site URL, or None to skip it."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https"):
            return None
        if self.fetch_documents and is_document_url(url):
            return DOCUMENT
        path = parts.path or "/"
        if parts.query:
            keys = {k for k, _ in parse_qsl(parts.query, keep_blank_values=True)}
            if not keys or not keys <= _ALLOWED_QUERY_KEYS:
                return None
            return POST if keys & {"p", "page_id"} else LISTING
        if _IMAGE.search(path):
            return IMAGE if self.fetch_images else None
        if path.startswith("/wp-content/"):
            return None
        if _SKIP_PATH.search(path):
            # the main feed is allowed; every other feed variant is skipped
            return FEED if _FEED.match(path) else None
        if _FEED.match(path):
            return FEED
        if _SITEMAP.search(path):
            return SITEMAP
        if _AMP.search(path):
            return AMP if self.fetch_amp else None
        paged = _PAGED.search(path)
        if paged:
            return LISTING if int(paged.group(1)) <= self.max_page else None
        if _LISTING.match(path):
            return LISTING
        if path.endswith("/feed/") or path.endswith("/feed"):
            return None
        return POST
