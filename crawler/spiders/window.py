"""A bounded window onto Scrapy's scheduler for the posts the sitemaps list.

A sitemap file lists up to 2 000 posts, and a large site has dozens of them:
turned into ``Request`` objects at once, 100 000 posts hold hundreds of MB in
Scrapy's in-memory scheduler. The window hands Scrapy at most ``size``
pending requests and keeps the rest as compact tuples (URL, kind, validators),
refilled as the queue drains. The URLs are already in the persistent frontier
(written when the spider decided to fetch them), so a kill loses nothing.

Only requests that need no spider-middleware context are held back: posts the
site lists itself (sitemaps, feed) and uploads. They are re-created later and
handed to the engine directly.
"""

from __future__ import annotations

from collections import deque

import scrapy

from ..urlpolicy import IMAGE, POST


class RequestWindow:
    def __init__(self, crawler, size: int, make_request):
        self.crawler = crawler
        self.size = size
        self.make_request = make_request  # (url, kind, conditional headers, meta) -> Request
        self.backlog: deque[tuple[str, str, dict | None, bool]] = deque()

    def pending(self) -> int:
        get = self.crawler.stats.get_value
        return get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)

    @staticmethod
    def holdable(request: scrapy.Request) -> bool:
        kind = request.meta.get("kind")
        return kind == IMAGE or (kind == POST and bool(request.meta.get("listed")))

    def offer(self, request: scrapy.Request):
        """Yield ``request`` now if the window has room, else keep it for later."""
        if self.size <= 0 or not self.holdable(request) or \
                (not self.backlog and self.pending() < self.size):
            yield request
            return
        meta = request.meta
        self.backlog.append((request.url, meta["kind"], meta.get("conditional"),
                             bool(meta.get("listed"))))
        self.crawler.stats.max_value("scheduler/window_backlog_max", len(self.backlog))

    def refill(self) -> int:
        """Hand the engine held-back requests while the scheduler has room."""
        scheduled = 0
        while self.backlog and self.pending() < self.size:
            url, kind, conditional, listed = self.backlog.popleft()
            meta = {"listed": True} if listed else {}
            self.crawler.engine.crawl(self.make_request(url, kind, conditional, meta))
            scheduled += 1
        return scheduled
