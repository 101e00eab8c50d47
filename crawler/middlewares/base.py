"""What every downloader middleware of the project shares: built from the crawl's settings.

A middleware is a dataclass whose fields are what it needs (``crawler`` first,
then values read from settings declared in ``crawler/settings.py``, then its own
state with defaults). ``from_crawler`` is written once, here:

- ``SWITCH``: a boolean setting; off → ``NotConfigured`` (Scrapy leaves it out);
- ``options(settings)``: the other fields' values (raise ``NotConfigured`` when a
  value switches it off, e.g. a limit of 0);
- ``SIGNALS``: Scrapy signals connected to the methods of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from scrapy import signals
from scrapy.exceptions import NotConfigured


@dataclass(eq=False)  # identity: Scrapy keeps bound methods of it as signal receivers
class CrawlerMiddleware:
    crawler: Any

    SWITCH: ClassVar[str | None] = None
    SIGNALS: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def options(cls, settings) -> dict[str, Any]:
        return {}

    @classmethod
    def from_crawler(cls, crawler):
        s = crawler.settings
        if cls.SWITCH is not None and not s.getbool(cls.SWITCH):
            raise NotConfigured(f"{cls.SWITCH} is off")
        mw = cls(crawler, **cls.options(s))
        for name in cls.SIGNALS:
            crawler.signals.connect(getattr(mw, name), signal=getattr(signals, name))
        return mw
