"""Spider side: every request the spider yields is canonicalised, then checked against trap rules.

On top of ``crawler.urlpolicy`` (which already skips WordPress's endless URL
spaces and pages past ``PORTAL_MAX_DEPTH_LISTING``):

- only http/https requests pass (``javascript:``, ``mailto:``, ``tel:``,
  ``data:`` … never reach the downloader);
- the URL is canonicalised (w3lib ``canonicalize_url``: ``..`` and ``.``
  segments resolved, percent-encoding normalised, query sorted, fragment
  dropped), so one resource has one URL;
- **pattern cap**: at most ``PORTAL_MAX_URLS_PER_PATTERN`` distinct URLs per
  URL pattern (host + path + query keys, digit runs folded to ``0``:
  ``/lich/2026-11/`` and ``/lich/1907-03/`` are one pattern); uploads (leaves),
  URLs the site lists in its sitemaps or feed, and paths without any digit run
  (one URL per pattern) are not capped;
- **stray depth**: a page that is neither an article nor a listing, feed or
  sitemap (a calendar, a static page, an odd link's target) is a stray; links
  found on a stray are one hop deeper, and past ``PORTAL_MAX_STRAY_DEPTH``
  consecutive stray hops they are not followed (an endless calendar's
  "next month" and "day" links, whatever their URL pattern);
- **empty listings**: a listing page that links no post does not lead on to
  more listing pages of its own pattern (endless pagination past the end).

Every drop is counted in the crawl stats (``trap/<rule>``) and logged once
per pattern.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, urlsplit

from scrapy import Request
from scrapy.exceptions import NotConfigured
from w3lib.url import canonicalize_url

from ..urlpolicy import DOCUMENT, FEED, IMAGE, LISTING, POST, REQUISITE, SITEMAP

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"\d+")
_STRAY = "portal_stray_depth"
_NOT_STRAY = (LISTING, FEED, SITEMAP, IMAGE, DOCUMENT, REQUISITE)
_LEAVES = (IMAGE, DOCUMENT, REQUISITE)  # files of a page: they link no pages


def url_pattern(url: str) -> str:
    """Host, path and query keys of ``url`` with every digit run folded to ``0``."""
    parts = urlsplit(url)
    keys = sorted({k for k, _ in parse_qsl(parts.query, keep_blank_values=True)})
    query = ("?" + "&".join(keys)) if keys else ""
    return f"{(parts.hostname or '').lower()}{_DIGITS.sub('0', parts.path or '/')}{query}"


def canonical(url: str) -> str | None:
    """The canonical form of an http(s) URL, or None for any other scheme."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    if scheme not in ("http", "https"):
        return None
    return canonicalize_url(url, keep_fragments=False)


class TrapGuardMiddleware:
    def __init__(self, stats, *, max_per_pattern: int, max_stray: int):
        self.stats = stats
        self.max_per_pattern = max_per_pattern
        self.max_stray = max_stray
        self.seen: dict[str, set[int]] = {}
        self.reported: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("PORTAL_TRAP_GUARD"):
            raise NotConfigured("PORTAL_TRAP_GUARD is off")
        return cls(crawler.stats, max_per_pattern=s.getint("PORTAL_MAX_URLS_PER_PATTERN"),
                   max_stray=s.getint("PORTAL_MAX_STRAY_DEPTH"))

    # -- Scrapy hooks (sync and async spiders) ----------------------------------
    def process_spider_output(self, response, result):
        yield from self._filter(response, list(result))

    async def process_spider_output_async(self, response, result):
        for out in self._filter(response, [x async for x in result]):
            yield out

    # -- rules ----------------------------------------------------------------
    def _filter(self, response, result: list):
        kind = response.meta.get("kind")
        requests = [r for r in result if isinstance(r, Request)]
        # the spider yielded an item, or holds the article until its other parts arrive
        is_article = len(requests) < len(result) or bool(response.meta.get("portal_article"))
        links_posts = response.meta.get("portal_links_posts") or any(
            r.meta.get("kind") == POST for r in requests)
        stray = 0
        if not is_article and kind not in _NOT_STRAY:
            stray = response.meta.get(_STRAY, 0) + 1
        here = url_pattern(response.url)
        for out in result:
            if not isinstance(out, Request):
                yield out
                continue
            req = self._check(out, here, stray, kind == LISTING and not links_posts)
            if req is not None:
                yield req

    def _check(self, request, here: str, stray: int, empty_listing: bool):
        url = canonical(request.url)
        if url is None:
            return self._drop("scheme", request.url, request.url.split(":", 1)[0])
        if url != request.url:
            self.stats.inc_value("trap/canonicalised")
            request = request.replace(url=url)
        pattern = url_pattern(url)
        kind = request.meta.get("kind")
        if kind == LISTING and pattern == here and empty_listing:
            return self._drop("empty_listing", url, pattern)
        if stray:
            if stray > self.max_stray:
                return self._drop("stray_depth", url, pattern)
            request.meta[_STRAY] = stray
        parts = urlsplit(url)
        if kind in _LEAVES or request.meta.get("listed") or not _DIGITS.search(parts.path + parts.query):
            # uploads are leaves (they link nothing), the site's own sitemaps and feed are
            # trusted, and a pattern without a digit run stands for one URL only: no cap,
            # and no per-pattern set (one per post would grow with the site)
            return request
        urls = self.seen.setdefault(pattern, set())
        key = hash(url)
        if key not in urls:
            if len(urls) >= self.max_per_pattern:
                return self._drop("pattern_cap", url, pattern)
            urls.add(key)
        return request

    def _drop(self, rule: str, url: str, pattern: str):
        self.stats.inc_value(f"trap/{rule}")
        if (rule, pattern) not in self.reported:
            self.reported.add((rule, pattern))
            log.info("trap rule %s: not following %s (pattern %s); further drops only counted",
                     rule, url, pattern)
        return None
