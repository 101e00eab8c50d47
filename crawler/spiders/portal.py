"""The ``portal`` spider: discovers every post of a WordPress news portal.

Discovery runs through every channel WordPress offers, none relied on alone:
robots.txt's ``Sitemap:`` lines and the core sitemap ``/wp-sitemap.xml`` (or a
Yoast-style index), the home page and category listings with their
pagination, the RSS feed, and the related/category links of each post.
Every fetch is archived by ``crawler.archive_extension``; this spider only
decides what to fetch and hands parsed posts to the pipeline.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archive.parser import parse_article

from ..urlpolicy import AMP, FEED, IMAGE, LISTING, POST, SITEMAP, UrlPolicy

PRIORITY = {SITEMAP: 40, FEED: 30, LISTING: 20, POST: 10, AMP: 5, IMAGE: 0}
SITEMAP_PROBES = ("/wp-sitemap.xml", "/sitemap_index.xml")


def _charset(response) -> str | None:
    ctype = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    if "charset=" in ctype:
        return ctype.split("charset=", 1)[1].split(";")[0].strip().strip('"') or None
    return None


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._start_url_arg = start_url

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        s = crawler.settings
        spider.start_url = spider._start_url_arg or s.get("PORTAL_START_URL")
        host = urlsplit(spider.start_url).hostname
        if not host:
            raise ValueError(f"start URL {spider.start_url!r} has no host")
        spider.allowed_domains = [host]
        spider.policy = UrlPolicy(
            fetch_amp=s.getbool("PORTAL_FETCH_AMP"),
            fetch_images=s.getbool("PORTAL_FETCH_IMAGES"),
            max_page=s.getint("PORTAL_MAX_DEPTH_LISTING"),
        )
        spider.follow_links = s.getbool("PORTAL_FOLLOW_LINKS")
        spider.link_extractor = LinkExtractor(allow_domains=[host], tags=("a", "link"),
                                              attrs=("href",))
        return spider

    # -- requests -------------------------------------------------------------
    def request(self, url: str, kind: str, **meta) -> scrapy.Request:
        return scrapy.Request(
            url, callback=self.dispatch, errback=self.failed,
            priority=PRIORITY[kind], meta={"kind": kind, **meta},
        )

    def follow(self, url: str, base: str | None = None):
        """A request for ``url`` if the policy keeps it, else None."""
        url = urljoin(base or self.start_url, url).split("#", 1)[0]
        if urlsplit(url).hostname != self.allowed_domains[0]:
            return None
        kind = self.policy.classify(url)
        return self.request(url, kind) if kind else None

    async def start(self):
        root = urljoin(self.start_url, "/")
        yield self.request(urljoin(root, "/robots.txt"), SITEMAP, robots=True, probe=True)
        for path in SITEMAP_PROBES:
            yield self.request(urljoin(root, path), SITEMAP, probe=True)
        yield self.request(urljoin(root, "/feed/"), FEED)
        yield self.request(self.start_url, LISTING)

    # -- responses ------------------------------------------------------------
    def dispatch(self, response):
        kind = response.meta.get("kind")
        if response.meta.get("robots"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                req = self.follow(url)
                if req is not None:
                    yield req
            return
        if kind == IMAGE:
            return
        if kind in (SITEMAP, FEED) or not isinstance(response, TextResponse):
            yield from self.parse_xml(response)
            return
        yield from self.parse_html(response)

    def parse_xml(self, response):
        body = response.body
        if not body.lstrip()[:1] == b"<":
            return
        if response.meta.get("kind") == FEED:
            yield from self.parse_feed(response)
            return
        try:
            sitemap = Sitemap(body)
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is an error row, not a crash
            self.archive.error(response.url, "bad-sitemap", str(exc))
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            if sitemap.type == "sitemapindex" and "-users-" in loc:
                continue  # author archives: not posts
            req = self.follow(loc.strip())
            if req is not None:
                yield req

    def parse_feed(self, response):
        sel = scrapy.Selector(response, type="xml")
        sel.remove_namespaces()
        for link in sel.xpath("//item/link/text() | //entry/link/@href").getall():
            req = self.follow(link.strip())
            if req is not None:
                yield req

    def parse_html(self, response):
        article = parse_article(response.body, response.url, encoding=_charset(response))
        if article is None:
            if self.follow_links:
                for link in self.link_extractor.extract_links(response):
                    req = self.follow(link.url)
                    if req is not None:
                        yield req
            return
        yield {"article": article, "capture_id": response.meta.get("capture_id")}
        for image in article.images:
            req = self.follow(image.url, response.url)
            if req is not None:
                yield req
        if self.policy.fetch_amp:
            req = self.follow(article.url.rstrip("/") + "/amp", response.url)
            if req is not None:
                yield req
        if self.follow_links:
            for term in (*article.categories, *article.tags):
                if term.url:
                    req = self.follow(term.url, response.url)
                    if req is not None:
                        yield req
            for link in article.links:
                if link.kind in ("related", "body"):
                    req = self.follow(link.url, response.url)
                    if req is not None:
                        yield req

    # -- failures -------------------------------------------------------------
    def failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            return  # robots.txt or offsite: a decision, not a failure
        if failure.check(HttpError):
            status = failure.value.response.status
            if request.meta.get("probe") and status in (404, 410):
                return
            kind, message = f"http-{status}", f"HTTP {status}"
        else:
            exc = failure.value
            kind = {
                "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
                "DNSLookupError": "dns", "ConnectionRefusedError": "connection",
                "ConnectionLost": "connection", "ResponseNeverReceived": "connection",
                "ConnectionDone": "connection",
            }.get(type(exc).__name__, type(exc).__name__)
            message = str(exc) or type(exc).__name__
        self.archive.error(request.url, kind, message)
