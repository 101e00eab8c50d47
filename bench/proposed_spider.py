"""The portal spider with one proposed change, to measure it before it is made in crawler/.

``follow()`` remembers every URL it has been asked about in this crawl and
returns None for a repeat at once — before the URL policy, the frontier's
SQLite lookup and insert, and Scrapy's spider middlewares, request fingerprint
and dupefilter, which drop the repeat anyway. A crawl of the replica asks for
each URL ~4 times (post pages link related posts, categories and tags that the
sitemaps already gave).

    python -m crawler crawl ... -s SPIDER_MODULES=bench.proposed_spider
"""

from __future__ import annotations

from urllib.parse import urljoin

from crawler.spiders.portal import PortalSpider


class DedupePortalSpider(PortalSpider):
    name = "portal"

    def follow(self, url, base=None, *args, **kwargs):
        absolute = urljoin(base or self.start_url, url).split("#", 1)[0]
        seen = self.__dict__.setdefault("_asked", set())
        if absolute in seen:
            return None
        seen.add(absolute)
        return super().follow(url, base, *args, **kwargs)
