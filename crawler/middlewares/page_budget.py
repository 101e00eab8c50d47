"""``-s PORTAL_MAX_PAGES=N``: exactly N fetches, then a clean stop that the next run resumes.

Scrapy's ``CLOSESPIDER_PAGECOUNT`` counts responses and closes the spider
asynchronously, so the requests already in flight still arrive (a page count
of 3 fetched 6 to 10 pages). ``--max-pages`` is an article budget instead. This middleware sits last before the download
handler and counts every request it lets through — robots.txt, retries and
redirects included, as each is a fetch kept in the WARC — and refuses the rest
with ``IgnoreRequest`` (a decision, not an error: the refused URLs stay queued
in the frontier for the next run).
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import _schedule_coro

from .base import CrawlerMiddleware

REASON = "closespider_pagecount"  # the reason Scrapy's own page count uses: status "interrupted"


@dataclass(eq=False)
class PageBudgetMiddleware(CrawlerMiddleware):
    budget: int
    fetched: int = 0
    closing: bool = False

    @classmethod
    def options(cls, s):
        budget = s.getint("PORTAL_MAX_PAGES")
        if budget <= 0:
            raise NotConfigured("no page budget (PORTAL_MAX_PAGES is 0)")
        return {"budget": budget}

    def process_request(self, request):
        if self.fetched < self.budget:
            self.fetched += 1
            return None
        if not self.closing:
            self.closing = True
            self.crawler.stats.set_value("portal/stopped", "max-pages")
            _schedule_coro(self.crawler.engine.close_spider_async(reason=REASON))
        raise IgnoreRequest(f"PORTAL_MAX_PAGES {self.budget} reached")
