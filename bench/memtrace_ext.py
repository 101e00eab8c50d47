"""A Scrapy extension for finding what holds a crawl's memory (tracemalloc, top allocation sites).

    python -m crawler crawl ... --max-duration 60 \
        -s 'EXTENSIONS={"crawler.archive_extension.ArchiveExtension": 100, "bench.memtrace_ext.MemTrace": 900}' \
        -s MEMTRACE_OUT=bench/out/memtrace.txt

At spider close it writes the 30 largest allocation sites still alive (by
traceback, 6 frames deep) to ``MEMTRACE_OUT``. Slows the crawl down ~2×.
"""

from __future__ import annotations

import tracemalloc

from scrapy import signals


class MemTrace:
    def __init__(self, out: str):
        self.out = out
        tracemalloc.start(6)

    @classmethod
    def from_crawler(cls, crawler):
        ext = cls(crawler.settings.get("MEMTRACE_OUT", "memtrace.txt"))
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_closed(self, spider):
        snap = tracemalloc.take_snapshot()
        stats = snap.statistics("traceback")
        total = sum(s.size for s in stats)
        with open(self.out, "w") as f:
            f.write(f"traced total {total / 2**20:.1f} MB in {len(stats)} sites\n\n")
            for s in stats[:30]:
                f.write(f"{s.size / 2**20:8.1f} MB {s.count:9d} blocks\n")
                for line in s.traceback.format()[-12:]:
                    f.write(f"    {line}\n")
                f.write("\n")
