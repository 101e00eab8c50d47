"""Stop the crawl cleanly before the archive's file system fills up.

A full disk in the middle of a WARC record or a SQLite commit is the worst
moment to find out. Before each request this middleware reads the free space
of ``PORTAL_ARCHIVE_DIR`` (one ``statvfs``); below ``PORTAL_MIN_FREE_SPACE``
bytes it writes an ``errors`` row ``disk-full`` with a clear reason, refuses
every further request and closes the spider with reason ``disk-full`` — the
WARC files are then closed and the crawl row finished while there is still
room to do so, so the archive stays valid and the next crawl carries on.
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import _schedule_coro

from .base import CrawlerMiddleware
from .errors import record_error

log = logging.getLogger(__name__)

REASON = "disk-full"


@dataclass(eq=False)
class DiskGuardMiddleware(CrawlerMiddleware):
    directory: str
    min_free: int
    stopped: bool = False

    @classmethod
    def options(cls, s):
        directory = s.get("PORTAL_ARCHIVE_DIR")
        min_free = s.getint("PORTAL_MIN_FREE_SPACE")
        if not directory or min_free <= 0:
            raise NotConfigured("no archive directory or PORTAL_MIN_FREE_SPACE is 0")
        return {"directory": directory, "min_free": min_free}

    def free_space(self) -> int | None:
        try:
            return shutil.disk_usage(self.directory).free
        except OSError:
            return None  # not created yet: nothing to protect

    def process_request(self, request):
        if self.stopped:
            raise IgnoreRequest("crawl stopping: disk full")
        free = self.free_space()
        if free is None or free >= self.min_free:
            return None
        self.stopped = True
        message = (f"only {free} bytes free on the file system of {self.directory}, below "
                   f"PORTAL_MIN_FREE_SPACE ({self.min_free}): the crawl stopped cleanly "
                   "— free some space (or move the archive) and run the crawl again")
        log.error("disk full: %s", message)
        self.crawler.stats.set_value("portal/stopped", REASON)
        record_error(self.crawler, request.url, REASON, message)
        _schedule_coro(self.crawler.engine.close_spider_async(reason=REASON))
        raise IgnoreRequest("crawl stopping: disk full")
