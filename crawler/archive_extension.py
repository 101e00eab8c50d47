"""The Scrapy extension that archives every download (WARC + ``captures`` row).

Settings → ``from_crawler`` → plain constructor arguments; it raises
``NotConfigured`` when no archive directory is set.
"""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

from archive.crawl.noarchive import exchange_noarchive
from archive.crawl.remote import POLL, RemoteSession
from archive.crawl.session import ArchiveSession, SessionOptions
from archive.db.store import crawl_status
from archive.origins import parse_aliases

from .capture import exchange_from_scrapy, header_list
from .middlewares.scope_guard import referrer_of

log = logging.getLogger(__name__)

BACKLOG_PAUSE = 5000  # messages waiting for the storage process: past this, no new requests

RECORDED_SETTINGS = (
    "BOT_NAME", "USER_AGENT", "ROBOTSTXT_OBEY", "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER",
    "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN", "AUTOTHROTTLE_ENABLED",
    "AUTOTHROTTLE_TARGET_CONCURRENCY", "AUTOTHROTTLE_MAX_DELAY", "DOWNLOAD_TIMEOUT",
    "DOWNLOAD_MAXSIZE", "RETRY_TIMES", "RETRY_HTTP_CODES", "DEFAULT_REQUEST_HEADERS",
)


def settings_snapshot(settings) -> dict:
    snap = {name: settings.get(name) for name in RECORDED_SETTINGS}
    for name in settings.attributes:
        if name.startswith("PORTAL_"):
            snap[name] = settings.get(name)
    return {k: (dict(v) if hasattr(v, "items") else v) for k, v in snap.items()}


class ArchiveExtension:
    def __init__(self, archive_dir: str, options: SessionOptions, stats, *,
                 storage_process: bool = True, log_file: str | None = None):
        if storage_process:  # WARC compression, rows and frontier on the other core
            self.session = RemoteSession(archive_dir, options, log_file=log_file)
        else:
            self.session = ArchiveSession(archive_dir, options)
        self.stats = stats
        self.crawler = None
        self.watch = LoopingCall(self.check_storage)
        self.honour_noarchive = False

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        archive_dir = s.get("PORTAL_ARCHIVE_DIR")
        if not archive_dir:
            raise NotConfigured("PORTAL_ARCHIVE_DIR is not set")
        options = SessionOptions(
            warc_max_size=s.getint("PORTAL_WARC_MAX_SIZE"),
            warc_prefix=s.get("PORTAL_WARC_PREFIX"),
            compress_level=s.getint("PORTAL_WARC_COMPRESS_LEVEL"),
            settings=settings_snapshot(s),
            start_url=s.get("PORTAL_START_URL"),
            aliases=tuple(f"{old}={new}" for old, new in parse_aliases(s.get("PORTAL_ALIASES"))),
        )
        ext = cls(archive_dir, options, crawler.stats,
                  storage_process=s.getbool("PORTAL_STORAGE_PROCESS"),
                  log_file=s.get("LOG_FILE"))
        ext.crawler = crawler
        ext.honour_noarchive = s.getbool("PORTAL_HONOUR_NOARCHIVE")
        # open now, before the engine exists: a failure (locked or damaged database,
        # full disk) ends the run at once with one line instead of a crawl that cannot store
        ext.session.open()
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.response_downloaded, signal=signals.response_downloaded)
        return ext

    @classmethod
    def of(cls, crawler) -> "ArchiveExtension | None":
        """The crawler's archive extension, if it has one."""
        extensions = getattr(crawler, "extensions", None)
        for ext in getattr(extensions, "middlewares", ()):
            if isinstance(ext, cls):
                return ext
        return None

    def spider_opened(self, spider):
        spider.archive = self.session
        if isinstance(self.session, RemoteSession):
            self.watch.start(POLL, now=False)

    def check_storage(self):
        """Every ``POLL`` s: hand waiting messages to the storage process, slow the
        engine down while too many wait, and stop the crawl if storage failed or its
        process died (disk full…); the archive stays sound."""
        fatal = self.session.pump()
        engine = getattr(self.crawler, "engine", None)
        if fatal:
            log.error("%s — stopping the crawl", fatal)
            self.watch.stop()
            if engine is not None and engine.paused:
                engine.unpause()
            from scrapy.utils.defer import deferred_from_coro
            deferred_from_coro(engine.close_spider_async(reason="storage-failed"))
            return
        backlog = self.session.backlog()
        if engine is None:
            return
        if backlog > BACKLOG_PAUSE and not engine.paused:
            log.info("storage is %d messages behind: new requests wait", backlog)
            self.stats.inc_value("archive/storage_pauses")
            engine.pause()
        elif backlog < BACKLOG_PAUSE // 2 and engine.paused:
            engine.unpause()

    def response_downloaded(self, response, request, spider):
        if "cached" in (response.flags or []):
            return
        if self.honour_noarchive and exchange_noarchive(header_list(response.headers),
                                                         response.body):
            # the page asked not to be archived and the archivist chose to honour that:
            # no WARC record, no row; the spider drops it and the skip is on record
            request.meta["noarchive_skipped"] = True
            self.stats.inc_value("archive/noarchive_skipped")
            skip = getattr(spider, "skip", None)
            if skip is not None:
                skip(response.url, "noarchive", referrer_of(request),
                     "X-Robots-Tag or robots meta noarchive; PORTAL_HONOUR_NOARCHIVE is on")
            return
        # the captures row id (local session) or a key the storage process maps to it
        request.meta["capture_key"] = self.session.record(exchange_from_scrapy(request, response))
        self.stats.inc_value("archive/records")

    def spider_closed(self, spider, reason):
        status = crawl_status(reason)  # the reason itself stays in the stats (finish_reason)
        if self.watch.running:
            self.watch.stop()
        stats = dict(self.stats.get_stats())
        stats["finish_reason"] = reason
        if isinstance(self.session, RemoteSession):
            return self.session.close_async(status, stats)  # Scrapy waits for it, the reactor runs
        self.session.close(status, stats)
        return None
