"""Honour robots.txt ``Crawl-delay``: Scrapy's RobotsTxtMiddleware parses it and ignores it.

On the ``robots_parsed`` signal the delay for our user agent is read from the
parser (Protego) and kept per host; every request of that host, and every
response (after AutoThrottle has adjusted the slot), raises the host's
downloader slot delay to at least that value. The delay is never lowered below
``DOWNLOAD_DELAY`` or below what AutoThrottle chose, and a randomised delay
(``RANDOMIZE_DOWNLOAD_DELAY``) is widened so its lower bound still honours it.
An absurd ``Crawl-delay`` is capped at ``PORTAL_CRAWL_DELAY_MAX`` seconds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scrapy.exceptions import NotConfigured

from archive.crawl.estimate import slot_delay_for

from .base import CrawlerMiddleware

log = logging.getLogger(__name__)


@dataclass(eq=False)
class CrawlDelayMiddleware(CrawlerMiddleware):
    SWITCH = "PORTAL_CRAWL_DELAY_ENABLED"
    SIGNALS = ("robots_parsed", "response_downloaded")
    user_agent: str
    max_delay: float
    delays: dict[str, float] = field(default_factory=dict)  # host → Crawl-delay in seconds

    @classmethod
    def options(cls, s):
        if not s.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured("robots.txt is not obeyed")
        return {"user_agent": s.get("ROBOTSTXT_USER_AGENT") or s.get("USER_AGENT") or "*",
                "max_delay": s.getfloat("PORTAL_CRAWL_DELAY_MAX")}

    # -- signals --------------------------------------------------------------
    def robots_parsed(self, robotparser, request):
        reader = getattr(robotparser, "crawl_delay", None)
        delay = reader(self.user_agent) if reader is not None else None
        if delay is None or delay <= 0:
            return
        host = urlsplit(request.url).hostname or ""
        if delay > self.max_delay:
            log.warning("robots.txt of %s asks Crawl-delay %.0f s; capped at %.0f s "
                        "(PORTAL_CRAWL_DELAY_MAX)", host, delay, self.max_delay)
            delay = self.max_delay
        self.delays[host] = float(delay)
        self.crawler.stats.set_value("politeness/crawl_delay", float(delay))
        log.info("robots.txt of %s: Crawl-delay %.2f s honoured", host, delay)
        self._apply(host)

    def response_downloaded(self, response, request, spider):
        key = request.meta.get("download_slot")
        if key is not None:
            self._apply(key)

    # -- requests -------------------------------------------------------------
    def process_request(self, request):
        if self.delays:
            self._apply(self._downloader().get_slot_key(request))

    def _downloader(self):
        return self.crawler.engine.downloader

    def _apply(self, key: str) -> None:
        delay = self.delays.get(key)
        if delay is None:
            return
        downloader = self._downloader()
        slot = downloader.slots.get(key)
        if slot is None:
            # the slot does not exist yet: its creation reads the per-slot settings
            per_slot = downloader.per_slot_settings.setdefault(key, {})
            needed = slot_delay_for(delay, getattr(downloader, "_jitter", 0.5))
            base = getattr(downloader, "_delay", 0.0)
            per_slot["delay"] = max(per_slot.get("delay", base), needed)
            return
        needed = slot_delay_for(delay, slot.jitter)
        if slot.delay < needed:
            slot.delay = needed
