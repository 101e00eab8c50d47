"""The portal spider with one proposed change, to measure it before it is made in crawler/.

``follow()`` remembers the posts and images it has already made a request for
in this crawl and returns None for a repeat at once — before the URL policy,
the frontier's SQLite lookup and hand-over to the storage process, and
Scrapy's spider middlewares, request fingerprint and dupefilter, which drop
the repeat anyway. A crawl of the replica asks for most posts several times
(each post page links related posts, which the sitemaps already gave).

Kept as they are: links found on listing pages (the trap guard's empty-listing
rule counts the post links a listing yields) and listings, feeds, sitemaps and
stray pages (whether they are followed depends on the page that links them:
``crawler/middlewares/trap_guard.py``).

    python -m crawler crawl ... -s SPIDER_MODULES=bench.proposed_spider -s CONCURRENT_ITEMS=1
"""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.spiders.portal import PortalSpider
from crawler.urlpolicy import IMAGE, LISTING, POST


class DedupePortalSpider(PortalSpider):
    name = "portal"

    _on_listing = False

    def dispatch(self, response):
        """The parent's callback, noting while it runs whether the page is a listing."""
        listing = response.meta.get("kind") == LISTING
        outputs = super().dispatch(response)
        while True:
            self._on_listing = listing  # follow() runs inside next()
            try:
                out = next(outputs)
            except StopIteration:
                return
            finally:
                self._on_listing = False
            yield out

    def follow(self, url, base=None, *args, **kwargs):
        if self._on_listing:
            return super().follow(url, base, *args, **kwargs)
        absolute = urljoin(base or self.start_url, url).split("#", 1)[0]
        seen = self.__dict__.setdefault("_requested", set())
        if absolute in seen:
            return None
        request = super().follow(url, base, *args, **kwargs)
        if request is not None and request.meta.get("kind") in (POST, IMAGE):
            seen.add(absolute)
        return request
