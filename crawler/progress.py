"""A progress line on a terminal (rich); nothing when not on one (cron stays quiet)."""

from __future__ import annotations

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall


class Progress:
    def __init__(self, stats, interval: float = 0.5):
        from rich.progress import Progress as RichProgress
        from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

        self.stats = stats
        self.interval = interval
        self.bar = RichProgress(SpinnerColumn(), TextColumn("{task.description}"),
                                TimeElapsedColumn(), transient=False)
        self.task = None
        self.loop = LoopingCall(self.update)

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("PORTAL_PROGRESS"):
            raise NotConfigured("progress display is off (not on a terminal)")
        ext = cls(crawler.stats)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def describe(self) -> str:
        get = self.stats.get_value
        return (f"fetched {get('downloader/response_count', 0)}  "
                f"articles {get('item_scraped_count', 0)}  "
                f"queued {get('scheduler/enqueued', 0) - get('scheduler/dequeued', 0)}  "
                f"skipped (unchanged) {get('incremental/skipped', 0)}  "
                f"errors {get('log_count/ERROR', 0)}")

    def opened(self, spider):
        self.bar.start()
        self.task = self.bar.add_task(self.describe(), total=None)
        self.loop.start(self.interval, now=False)

    def update(self):
        self.bar.update(self.task, description=self.describe())

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        self.update()
        self.bar.stop()
