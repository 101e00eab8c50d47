"""A bare Scrapy spider: the portal spider's discovery and fetches, with nothing stored.

The ceiling the full pipeline is measured against: the same start requests
(robots.txt, the two sitemap probes, the feed, the start URL), the same
``crawler.settings`` (robots.txt obeyed, same headers, retries, priority queue),
the same URL policy (``crawler.urlpolicy.UrlPolicy``: posts, listings, feed,
sitemaps, full-size images; no AMP, no srcset derivatives), the same
politeness-off overrides as the demo — but no WARC, no database, no article
parser: links come from one XPath per page.

    .venv/bin/python bench/bare_spider.py --start-url http://127.0.0.1:PORT/ [--stats out.json]
    [--dedupe] [-s NAME=VALUE ...]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse
from scrapy.settings import Settings
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from crawler.urlpolicy import AMP, FEED, IMAGE, LISTING, POST, SITEMAP, UrlPolicy  # noqa: E402

PRIORITY = {SITEMAP: 40, FEED: 30, LISTING: 20, POST: 10, AMP: 5, IMAGE: 0}
SITEMAP_PROBES = ("/wp-sitemap.xml", "/sitemap_index.xml")
# a listing: every link; a post: its images (src or lazy data-src, never srcset
# derivatives), category/tag links, body and related links
LINKS = "//a/@href | //link/@href | //img/@src | //img/@data-src"


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_url: str, dedupe: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url
        self.host = urlsplit(start_url).hostname
        self.policy = UrlPolicy()
        # --dedupe: never yield a URL twice (Scrapy's dupefilter would drop it
        # anyway, after the spider middlewares, a fingerprint and the scheduler)
        self.seen: set[str] | None = set() if dedupe else None

    def follow(self, url: str, base: str):
        url = urljoin(base, url.strip()).split("#", 1)[0]
        if self.seen is not None:
            if url in self.seen:
                return None
            self.seen.add(url)
        if urlsplit(url).hostname != self.host:
            return None
        kind = self.policy.classify(url)
        if kind is None:
            return None
        return scrapy.Request(url, callback=self.dispatch, priority=PRIORITY[kind], meta={"kind": kind})

    async def start(self):
        root = urljoin(self.start_url, "/")
        yield scrapy.Request(urljoin(root, "/robots.txt"), callback=self.dispatch,
                             priority=PRIORITY[SITEMAP], meta={"kind": "robots"})
        for path in SITEMAP_PROBES:
            yield scrapy.Request(urljoin(root, path), callback=self.dispatch, priority=PRIORITY[SITEMAP],
                                 meta={"kind": SITEMAP})
        yield scrapy.Request(urljoin(root, "/feed/"), callback=self.dispatch, priority=PRIORITY[FEED],
                             meta={"kind": FEED})
        yield scrapy.Request(self.start_url, callback=self.dispatch, priority=PRIORITY[LISTING],
                             meta={"kind": LISTING})

    def dispatch(self, response):
        kind = response.meta["kind"]
        if kind == "robots":
            urls = sitemap_urls_from_robots(response.body, base_url=response.url)
        elif kind == IMAGE:
            return
        elif kind == SITEMAP:
            if not response.body.lstrip()[:1] == b"<":
                return
            sitemap = Sitemap(response.body)
            urls = [e["loc"] for e in sitemap if e.get("loc") and "-users-" not in e["loc"]]
        elif kind == FEED:
            sel = scrapy.Selector(response, type="xml")
            sel.remove_namespaces()
            urls = sel.xpath("//item/link/text()").getall()
        elif isinstance(response, TextResponse):
            urls = response.xpath(LINKS).getall()
        else:
            return
        for url in urls:
            if url.startswith(("data:", "javascript:", "mailto:")):
                continue
            req = self.follow(url, response.url)
            if req is not None:
                yield req


def settings(overrides: dict) -> Settings:
    s = Settings()
    s.setmodule("crawler.settings", priority="project")
    s.set("EXTENSIONS", {}, priority="cmdline")       # no WARC capture
    s.set("ITEM_PIPELINES", {}, priority="cmdline")   # no database
    s.set("SPIDER_MODULES", [], priority="cmdline")
    s.set("USER_AGENT", "portal-archive-bench/bare", priority="cmdline")
    s.set("LOG_LEVEL", "WARNING", priority="cmdline")
    for k, v in overrides.items():
        s.set(k, v, priority="cmdline")
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--start-url", required=True)
    ap.add_argument("--stats", type=Path, help="write Scrapy's final stats here as JSON")
    ap.add_argument("--dedupe", action="store_true", help="skip URLs this spider already yielded")
    ap.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE")
    args = ap.parse_args()
    overrides = dict(p.split("=", 1) for p in args.overrides)
    process = CrawlerProcess(settings(overrides), install_root_handler=True)
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, start_url=args.start_url, dedupe=args.dedupe)
    process.start()
    stats = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in crawler.stats.get_stats().items()}
    if args.stats:
        args.stats.write_text(json.dumps(stats, indent=2, default=str))
    print(f"bare spider: {stats.get('downloader/response_count', 0)} responses")


if __name__ == "__main__":
    main()
