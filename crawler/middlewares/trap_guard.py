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
  ``/lich/2026-11/`` and ``/lich/1907-03/`` are one pattern);
- **pattern run**: a non-listing page reached from a page of the same pattern
  extends a run; a run longer than ``PORTAL_MAX_PATTERN_RUN`` is a trap (an
  endless calendar's "next month" link, a page linking its own variants);
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

from ..urlpolicy import LISTING, POST

log = logging.getLogger(__name__)

_DIGITS = re.compile(r"\d+")
_RUN = "portal_pattern_run"


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
    def __init__(self, stats, *, max_per_pattern: int, max_run: int):
        self.stats = stats
        self.max_per_pattern = max_per_pattern
        self.max_run = max_run
        self.seen: dict[str, set[int]] = {}
        self.reported: set[tuple[str, str]] = set()

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if not s.getbool("PORTAL_TRAP_GUARD", True):
            raise NotConfigured("PORTAL_TRAP_GUARD is off")
        return cls(crawler.stats, max_per_pattern=s.getint("PORTAL_MAX_URLS_PER_PATTERN", 5000),
                   max_run=s.getint("PORTAL_MAX_PATTERN_RUN", 20))

    # -- Scrapy hooks (sync and async spiders) ----------------------------------
    def process_spider_output(self, response, result):
        yield from self._filter(response, result)

    async def process_spider_output_async(self, response, result):
        items = [x async for x in result] if self._is_listing(response) else None
        if items is None:
            async for x in result:
                for out in self._filter(response, (x,)):
                    yield out
            return
        for out in self._filter(response, items):
            yield out

    # -- rules ----------------------------------------------------------------
    @staticmethod
    def _is_listing(response) -> bool:
        return response.meta.get("kind") == LISTING

    def _filter(self, response, result):
        result = list(result) if self._is_listing(response) else result
        links_posts = True
        if self._is_listing(response):
            links_posts = any(isinstance(r, Request) and r.meta.get("kind") == POST
                              for r in result)
        here = url_pattern(response.url)
        run_here = response.meta.get(_RUN, 1)
        for out in result:
            if not isinstance(out, Request):
                yield out
                continue
            req = self._check(out, here, run_here, links_posts)
            if req is not None:
                yield req

    def _check(self, request, here: str, run_here: int, links_posts: bool):
        url = canonical(request.url)
        if url is None:
            return self._drop("scheme", request.url, request.url.split(":", 1)[0])
        if url != request.url:
            self.stats.inc_value("trap/canonicalised")
            request = request.replace(url=url)
        pattern = url_pattern(url)
        kind = request.meta.get("kind")
        if kind == LISTING and pattern == here and not links_posts:
            return self._drop("empty_listing", url, pattern)
        if kind != LISTING:
            run = run_here + 1 if pattern == here else 1
            if run > self.max_run:
                return self._drop("pattern_run", url, pattern)
            request.meta[_RUN] = run
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
