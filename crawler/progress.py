"""How far the crawl is: a progress bar on a terminal (rich), a log line off one.

The total is what the crawl knows it will fetch: what it fetched, plus what
waits in Scrapy's scheduler and in the spider's request window (the posts the
sitemaps and listings listed), plus what is in flight. It grows while
discovery goes on, and settles once the sitemaps and listings are read.

- On a terminal (``PORTAL_PROGRESS``, set by the CLI): a bar with done/total,
  pages per second and the time remaining, refreshed twice a second.
- Off a terminal (cron, systemd): one ``progress:`` line in the crawl log every
  ``PORTAL_PROGRESS_INTERVAL`` seconds (60 by default; 0 turns it off) — the
  journal and the log say how far a long crawl is, stdout stays quiet.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.task import LoopingCall

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Figures:
    done: int         # responses and failed fetches so far
    total: int        # done + everything still queued or in flight
    articles: int
    errors: int
    rate: float       # fetches per second since the start
    eta: float | None  # seconds left at that rate (None before the first fetch)

    def line(self) -> str:
        pct = f" ({100 * self.done / self.total:.0f} %)" if self.total else ""
        eta = "unknown" if self.eta is None else _clock(self.eta)
        return (f"progress: {self.done}/{self.total} fetches{pct}, {self.rate:.1f} pages/s, "
                f"ETA {eta}, articles {self.articles}, errors {self.errors}")


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def figures(stats: dict, waiting: int, elapsed: float) -> Figures:
    """``stats``: Scrapy's stats; ``waiting``: requests held outside Scrapy's scheduler."""
    get = stats.get
    done = get("downloader/response_count", 0) + get("downloader/exception_count", 0)
    queued = get("scheduler/enqueued", 0) - get("scheduler/dequeued", 0)
    in_flight = max(0, get("downloader/request_count", 0) - done)
    total = done + max(0, queued) + max(0, waiting) + in_flight
    rate = done / elapsed if elapsed > 0 else 0.0
    eta = (total - done) / rate if rate > 0 else None
    return Figures(done, total, get("item_scraped_count", 0), get("log_count/ERROR", 0), rate, eta)


class Progress:
    def __init__(self, crawler, *, on_terminal: bool, interval: float):
        self.crawler = crawler
        self.on_terminal = on_terminal
        self.interval = interval
        self.started = time.monotonic()
        self.bar = self.task = None
        self.loop = LoopingCall(self.update)

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        on_terminal = s.getbool("PORTAL_PROGRESS")
        interval = 0.5 if on_terminal else s.getfloat("PORTAL_PROGRESS_INTERVAL")
        if interval <= 0:
            raise NotConfigured("no progress display and no progress log lines")
        ext = cls(crawler, on_terminal=on_terminal, interval=interval)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        return ext

    def figures(self) -> Figures:
        window = getattr(getattr(self.crawler, "spider", None), "window", None)
        waiting = len(window.backlog) if window is not None else 0
        return figures(self.crawler.stats.get_stats(), waiting, time.monotonic() - self.started)

    def opened(self, spider):
        self.started = time.monotonic()
        if self.on_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
            from rich.progress import Progress as RichProgress

            self.bar = RichProgress(TextColumn("fetched"), BarColumn(), MofNCompleteColumn(),
                                    TextColumn("{task.fields[rate]:.1f} pages/s"),
                                    TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                                    TextColumn("{task.fields[extra]}"), transient=False)
            self.bar.start()
            self.task = self.bar.add_task("crawl", total=None, rate=0.0, extra="")
        self.loop.start(self.interval, now=False)

    def update(self):
        f = self.figures()
        if self.bar is not None:
            self.bar.update(self.task, completed=f.done, total=max(f.total, 1), rate=f.rate,
                            extra=f"articles {f.articles}  errors {f.errors}")
        else:
            log.info("%s", f.line())

    def closed(self, spider, reason):
        if self.loop.running:
            self.loop.stop()
        if self.bar is not None:
            self.update()
            self.bar.stop()
