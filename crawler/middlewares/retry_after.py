"""429 and 503: pause the host, then retry — ``Retry-After`` respected, backoff exponential, capped.

Every 429/503 is archived first (the capture runs on ``response_downloaded``,
before any middleware). Then, on that same signal, the host's downloader slot
is paused: no request of that host leaves until the pause is over, including
those already queued. The pause is ``Retry-After`` (seconds or an HTTP date)
or, without one, ``PORTAL_RETRY_AFTER_BASE * 2**(n-1)`` for the n-th throttled
answer in a row; whichever is longer, never more than ``PORTAL_RETRY_AFTER_MAX``.
A success resets the count.

``process_response`` (priority above Scrapy's RetryMiddleware, so it sees the
response first) retries the request up to ``PORTAL_RETRY_AFTER_TIMES`` times;
after that the response goes on as an HTTP error (an ``errors`` row
``http-429``/``http-503`` from the spider) and RetryMiddleware is told not to
retry it again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from time import monotonic

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.utils.asyncio import call_later

from .base import CrawlerMiddleware

log = logging.getLogger(__name__)

THROTTLE_STATUSES = (429, 503)


def parse_retry_after(value, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date); None if unusable."""
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff(strikes: int, base: float, cap: float, retry_after: float | None) -> float:
    """Pause after the ``strikes``-th throttled answer in a row."""
    exponential = base * (2 ** max(0, strikes - 1))
    return min(cap, max(retry_after or 0.0, exponential))


@dataclass(eq=False)
class RetryAfterMiddleware(CrawlerMiddleware):
    SWITCH = "PORTAL_RETRY_AFTER_ENABLED"
    SIGNALS = ("response_downloaded",)
    base: float
    cap: float
    max_retries: int
    strikes: dict[str, int] = field(default_factory=dict)
    paused_until: dict[str, float] = field(default_factory=dict)

    @classmethod
    def options(cls, s):
        return {"base": s.getfloat("PORTAL_RETRY_AFTER_BASE"), "cap": s.getfloat("PORTAL_RETRY_AFTER_MAX"),
                "max_retries": s.getint("PORTAL_RETRY_AFTER_TIMES")}

    # -- the pause --------------------------------------------------------------
    def response_downloaded(self, response, request, spider):
        key = request.meta.get("download_slot")
        if key is None:
            return
        if response.status not in THROTTLE_STATUSES:
            if response.status < 400:
                self.strikes.pop(key, None)
            return
        strikes = self.strikes[key] = self.strikes.get(key, 0) + 1
        told = parse_retry_after(response.headers.get(b"Retry-After"))
        pause = backoff(strikes, self.base, self.cap, told)
        stats = self.crawler.stats
        stats.inc_value(f"politeness/throttled/{response.status}")
        stats.max_value("politeness/max_pause", pause)
        log.info("%s %s: pausing %s for %.1f s (Retry-After %s, %d in a row)", response.status,
                 request.url, key, pause, "none" if told is None else f"{told:.0f} s", strikes)
        self._pause(key, pause)

    def _pause(self, key: str, seconds: float) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        until = monotonic() + seconds
        if slot is None or seconds <= 0 or until <= self.paused_until.get(key, 0.0):
            return
        self.paused_until[key] = until
        self.crawler.stats.inc_value("politeness/paused_seconds", seconds)
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, self._resume, key)

    def _resume(self, key: str) -> None:
        downloader = self.crawler.engine.downloader
        slot = downloader.slots.get(key)
        if slot is None:
            return
        slot.latercall = None
        downloader._process_queue(slot)  # what the downloader's own delay timer calls

    # -- the retry --------------------------------------------------------------
    def process_response(self, request, response):
        if response.status not in THROTTLE_STATUSES or request.meta.get("dont_retry"):
            return response
        retry = get_retry_request(request, spider=self.crawler.spider,
                                  reason=f"HTTP {response.status} (throttled)",
                                  max_retry_times=self.max_retries)
        if retry is None:
            request.meta["dont_retry"] = True  # RetryMiddleware must not start over
            return response
        return retry
