"""The trap guard's pattern cap: endless URL spaces are cut, real content never is."""

from __future__ import annotations

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler

from crawler.middlewares.trap_guard import TrapGuardMiddleware
from crawler.urlpolicy import IMAGE, LISTING, POST

BASE = "http://127.0.0.1:8000"


def guard(cap: int = 5) -> TrapGuardMiddleware:
    return TrapGuardMiddleware(MemoryStatsCollector(get_crawler()), max_per_pattern=cap,
                               max_stray=1)


def run(mw, page_kind: str, requests: list[Request]) -> list[Request]:
    response = HtmlResponse(f"{BASE}/", body=b"<html></html>", encoding="utf-8",
                            request=Request(f"{BASE}/", meta={"kind": page_kind}))
    # an article page: the spider yields an item too, so it is no stray
    return [r for r in mw.process_spider_output(response, [*requests, {"article": 1}])
            if isinstance(r, Request)]


def test_calendar_like_urls_are_capped():
    mw = guard(cap=5)
    reqs = [Request(f"{BASE}/lich/{1900 + i}-01/", meta={"kind": LISTING}) for i in range(20)]
    kept = run(mw, POST, reqs)
    assert len(kept) == 5
    assert mw.stats.get_value("trap/pattern_cap") == 15


def test_uploads_and_listed_posts_are_never_capped():
    mw = guard(cap=5)
    images = [Request(f"{BASE}/wp-content/uploads/2019/01/hp{i}-1.jpg", meta={"kind": IMAGE})
              for i in range(50)]
    listed = [Request(f"{BASE}/tin-{i}.html", meta={"kind": POST, "listed": True})
              for i in range(50)]
    assert len(run(mw, POST, images + listed)) == 100
    assert mw.stats.get_value("trap/pattern_cap") is None


def test_paths_without_digits_keep_no_per_pattern_state():
    mw = guard(cap=5)
    reqs = [Request(f"{BASE}/bai-viet-{chr(97 + i)}{chr(97 + j)}.html", meta={"kind": POST})
            for i in range(20) for j in range(20)]
    assert len(run(mw, POST, reqs)) == 400
    assert mw.seen == {}  # memory does not grow with the number of posts
