"""Every downloader middleware of the project is built by one ``from_crawler``
(``crawler/middlewares/base.py``): values from the declared settings, off by its switch,
its signals connected."""

from __future__ import annotations

import pytest
from scrapy import Request, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import load_object
from scrapy.utils.test import get_crawler

from crawler import settings as S
from crawler.middlewares.base import CrawlerMiddleware

MiB = 1024 * 1024
OURS = [p for p in S.BY_NAME["DOWNLOADER_MIDDLEWARES"].default if p.startswith("crawler.")]


def crawler_with(**overrides):
    """A crawler with the declared values of the settings a middleware reads (no component
    tables: no extension, pipeline or middleware of the project is loaded by it)."""
    declared = {s.name: s.default for s in S.DECLARED
                if s.default is not None and s.type in (bool, int, float, str)}
    return get_crawler(settings_dict={**declared, "PORTAL_ARCHIVE_DIR": "/archive-never-created",
                                      "PORTAL_MAX_PAGES": 5, **overrides})


def test_every_downloader_middleware_of_ours_uses_the_base():
    assert len(OURS) >= 9
    for path in OURS:
        assert issubclass(load_object(path), CrawlerMiddleware), path


@pytest.mark.parametrize("path, fields", [
    ("crawler.middlewares.body_limit.BodyLimitMiddleware", {"max_size": 32 * MiB, "download_maxsize": 64 * MiB}),
    ("crawler.middlewares.decompression.DecompressionGuardMiddleware", {"limit": 64 * MiB}),
    ("crawler.middlewares.disk_guard.DiskGuardMiddleware",
     {"directory": "/archive-never-created", "min_free": 128 * MiB, "stopped": False}),
    ("crawler.middlewares.page_budget.PageBudgetMiddleware", {"budget": 5, "fetched": 0, "closing": False}),
    ("crawler.middlewares.redirect_guard.RedirectGuardMiddleware", {"max_times": 10}),
    ("crawler.middlewares.retry_after.RetryAfterMiddleware",
     {"base": 1.0, "cap": 300.0, "max_retries": 6, "strikes": {}, "paused_until": {}}),
    ("crawler.middlewares.crawl_delay.CrawlDelayMiddleware", {"max_delay": 60.0, "delays": {}}),
])
def test_fields_come_from_the_declared_settings(path, fields):
    crawler = crawler_with()
    mw = load_object(path).from_crawler(crawler)
    assert mw.crawler is crawler
    assert {k: getattr(mw, k) for k in fields} == fields


def test_state_is_not_shared_between_instances():
    cls = load_object("crawler.middlewares.retry_after.RetryAfterMiddleware")
    a, b = cls.from_crawler(crawler_with()), cls.from_crawler(crawler_with())
    a.strikes["host"] = 1
    assert b.strikes == {} and a != b   # identity, not field equality


@pytest.mark.parametrize("path", [p for p in OURS if load_object(p).SWITCH])
def test_switch_off_leaves_it_out(path):
    cls = load_object(path)
    with pytest.raises(NotConfigured, match=cls.SWITCH):
        cls.from_crawler(crawler_with(**{cls.SWITCH: False}))


@pytest.mark.parametrize("path, overrides", [
    ("crawler.middlewares.body_limit.BodyLimitMiddleware", {"PORTAL_MAX_BODY_SIZE": 0}),
    ("crawler.middlewares.decompression.DecompressionGuardMiddleware",
     {"PORTAL_MAX_DECOMPRESSED_SIZE": 0, "DOWNLOAD_MAXSIZE": 0}),
    ("crawler.middlewares.disk_guard.DiskGuardMiddleware", {"PORTAL_MIN_FREE_SPACE": 0}),
    ("crawler.middlewares.page_budget.PageBudgetMiddleware", {"PORTAL_MAX_PAGES": 0}),
    ("crawler.middlewares.crawl_delay.CrawlDelayMiddleware", {"ROBOTSTXT_OBEY": False}),
])
def test_a_zero_limit_leaves_it_out(path, overrides):
    with pytest.raises(NotConfigured):
        load_object(path).from_crawler(crawler_with(**overrides))


def test_signals_reach_the_methods_of_the_same_name():
    cls = load_object("crawler.middlewares.body_limit.BodyLimitMiddleware")
    crawler = crawler_with(PORTAL_MAX_BODY_SIZE=100)
    mw = cls.from_crawler(crawler)   # kept: receivers are weak references, as Scrapy's are
    request = Request("http://127.0.0.1:8000/big")
    crawler.signals.send_catch_log(signals.headers_received, headers={}, body_length=10 * MiB,
                                   request=request, spider=None)
    assert request.meta["_portal_body_bytes"] == 0
    crawler.signals.send_catch_log(signals.bytes_received, data=b"x" * 101, request=request, spider=None)
    assert request.meta["portal_truncated"] == "length" and mw.max_size == 100
