"""The ``portal`` spider: discovers every post of a WordPress news portal.

Discovery runs through every channel WordPress offers, none relied on alone:
robots.txt's ``Sitemap:`` lines and the core sitemap ``/wp-sitemap.xml`` (or a
Yoast-style index), the home page and category listings with their
pagination, the RSS feed, and the related/category links of each post.
Every fetch is archived by ``crawler.archive_extension``. This spider finds
URLs, keeps those in the site's scope and of a kind worth fetching, and carries
out what the crawl planner (``archive.crawl.planner``) decides for each one
(fetch, skip, defer; the revisit rules are the planner's alone); it hands
parsed posts to the pipeline.
"""

from __future__ import annotations

from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from scrapy.http import TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from archive.crawl.planner import FETCH, NOT_DUE, CrawlPlanner, Decision
from archive.crawl.revisit import load_known
from archive.origins import BadOrigin, Scope, parse_aliases, stored_aliases
from archive.parser.core import read_page
from archive.parser.profile import load_archive_profile
from archive.parser.requisites import css_requisites, html_requisites, is_stylesheet
from archive.warc.assemble import PostParts, rest_post_id
from archive.warc.rows import guard_canonical

from ..middlewares.scope_guard import referrer_of
from ..middlewares.trap_guard import canonical
from ..urlpolicy import (
    AMP,
    DOCUMENT,
    FEED,
    IMAGE,
    LISTING,
    POST,
    REQUISITE,
    SITEMAP,
    UrlPolicy,
    is_paged,
)
from .window import RequestWindow

# the other pages and the REST JSON of a post already fetched (``archive.warc.assemble``)
PART = "part"
# posts before listings: a crawl cut short by --max-duration has archived content, not pages of links;
# the parts of a post first, so that held posts are stored soon
REDIRECTS = (301, 302, 303, 307, 308)
PRIORITY = {SITEMAP: 40, FEED: 30, PART: 25, POST: 20, IMAGE: 15, DOCUMENT: 15, REQUISITE: 15, LISTING: 10,
            AMP: 5}
# fetched once per crawl, never parsed for links: the files of a page, not pages
FILES = (IMAGE, DOCUMENT, REQUISITE)
REST_UNAVAILABLE = (401, 403, 404, 410)   # an API switched off or removed: the HTML alone is enough
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
        try:  # the site's origins: start URL + aliases (+ those the archive remembers, at start)
            spider.aliases = parse_aliases(s.get("PORTAL_ALIASES"))
            spider.scope = Scope.build(spider.start_url, spider.aliases)
        except BadOrigin as exc:
            raise ValueError(f"start URL {spider.start_url!r} or PORTAL_ALIASES: {exc}") from exc
        # a backstop for Scrapy's own OffsiteMiddleware; ScopeGuardMiddleware checks the port too
        spider.allowed_domains = spider.scope.hosts()
        spider.url_limit = s.getint("URLLENGTH_LIMIT") or 0
        spider.skipped = set()      # hashes of (url, reason) already recorded in this crawl
        spider.policy = UrlPolicy(
            fetch_amp=s.getbool("PORTAL_FETCH_AMP"),
            fetch_images=s.getbool("PORTAL_FETCH_IMAGES"),
            fetch_documents=s.getbool("PORTAL_FETCH_DOCUMENTS"),
            max_page=s.getint("PORTAL_MAX_DEPTH_LISTING"),
        )
        spider.follow_links = s.getbool("PORTAL_FOLLOW_LINKS")
        # the archive's parser-profile.toml: the same file reindex, import and verify read
        archive_dir = s.get("PORTAL_ARCHIVE_DIR")
        spider.parser_profile = load_archive_profile(archive_dir) if archive_dir else None
        spider.fetch_requisites = s.getbool("PORTAL_FETCH_REQUISITES")
        spider.offsite_requisites = s.getbool("PORTAL_FETCH_OFFSITE_REQUISITES")
        spider.parts = PostParts(fetch_rest=s.getbool("PORTAL_FETCH_REST"))
        # no allow_domains: Scrapy compares it with host:port; follow() checks the host
        spider.link_extractor = LinkExtractor(tags=("a", "link"), attrs=("href",))
        spider.full = s.getbool("PORTAL_FULL")
        spider.revisit_days = {"recent_days": s.getint("PORTAL_REVISIT_RECENT_DAYS"),
                               "period_days": s.getint("PORTAL_REVISIT_PERIOD_DAYS")}
        # what to fetch of what the archive holds: replaced once the archive is open (start)
        spider.planner = CrawlPlanner.for_crawl({}, **spider.revisit_days, full=True)
        spider.held_urls = {}       # post key → URLs of page 1, marked done once the post is stored
        spider.requested = set()  # hashes of post/image URLs requested in this crawl
        # --max-pages N: at most N posts are requested (so at most N articles, exactly N on
        # a site that answers them all); once they are, discovery stops too
        spider.post_budget = s.getint("CLOSESPIDER_ITEMCOUNT")
        spider.posts_requested = 0
        spider.window = RequestWindow(
            crawler, s.getint("PORTAL_SCHEDULER_WINDOW"),
            lambda url, kind, headers, meta: spider.request(url, kind, headers,
                                                            _in_frontier=True, **meta))
        crawler.signals.connect(spider.idle, signal=signals.spider_idle)
        return spider

    # -- requests -------------------------------------------------------------
    def request(self, url: str, kind: str, headers: dict | None = None, *,
                _in_frontier: bool = False, dont_filter: bool = False, **meta) -> scrapy.Request:
        """A request, written to the persistent frontier before it is scheduled."""
        meta = {"kind": kind, **meta}
        if headers:
            # a re-check of a URL the archive holds; where it redirects (a renamed post) is
            # a discovered URL like any other, not a blind unconditional fetch (dispatch)
            meta["conditional"] = headers
            meta["dont_redirect"] = True
            meta["handle_httpstatus_list"] = [304, *REDIRECTS]
        if not _in_frontier:
            self.archive.frontier.add(url, kind, PRIORITY[kind], {
                k: v for k, v in meta.items() if k != "handle_httpstatus_list"})
        return scrapy.Request(
            url, callback=self.dispatch, errback=self.failed, headers=headers,
            priority=PRIORITY[kind], meta=meta, dont_filter=dont_filter or kind == PART,
        )

    def follow(self, url: str, base: str | None = None, lastmod: str | None = None,
               listed: bool = False):
        """A request for a discovered ``url``, or None: the link is put in canonical
        form and checked against the site's scope, classified, dropped if this crawl
        already has it, and then the crawl planner (``archive.crawl.planner``)
        decides; the spider carries its decision out.

        ``listed``: the site itself lists the URL (sitemap, feed), so a 404 is a
        failure; a 404 of a URL merely linked from a page is a broken link.
        ``lastmod``: the sitemap's, the planner's best evidence of a change.
        """
        raw = urljoin(base or self.start_url, url)
        if hash(raw) in self.requested:
            return None  # every post links several others the sitemaps gave: cheapest test first
        found = self._in_scope(raw, base)
        if found is None:
            return None
        key, url = found
        kind = self.policy.classify(url)
        if not kind or self._already_have(key, url, kind):
            return None
        decision = self.planner.plan(key, kind, lastmod)
        return self._carry_out(decision, url, kind, listed, (raw, key))

    def _in_scope(self, raw: str, referrer: str | None) -> tuple[str, str] | None:
        """``(key, url)`` of an absolute link on the site — key: the canonical URL as
        rows store it (primary origin); url: as fetched (live origin) — or None
        (a ``skips`` row says why, where it is worth one)."""
        url = canonical(raw)
        if url is None:
            return None
        reason = self.scope.why_not(url)
        if reason is not None:
            self.skip(url, reason, referrer)
            return None
        key, url = self.scope.canonical(url), self.scope.live_url(url)
        if self.url_limit and len(url) > self.url_limit:
            self.skip(url, "too-long", referrer, f"longer than URLLENGTH_LIMIT ({self.url_limit})")
            return None
        return key, url

    def _already_have(self, key: str, url: str, kind: str) -> bool:
        """Requested earlier in this crawl, or fetched by the interrupted crawl it resumes.
        Canonicalising, this set of hashes and the frontier cost less than Scrapy's own
        duplicate filter would."""
        if kind in (POST, *FILES) and hash(key) in self.requested:
            return True
        return self.archive.frontier.is_done(url)

    def _carry_out(self, decision: Decision, url: str, kind: str, listed: bool,
                   hashes: tuple[str, str]) -> scrapy.Request | None:
        """The request the planner's ``decision`` asks for (with its conditional
        headers), or None for skip and defer (a deferred post comes back at idle)."""
        if decision.action != FETCH:
            if decision.reason == NOT_DUE:
                self.crawler.stats.inc_value("incremental/skipped")
            return None
        if not self._budget_allows(kind):
            return None
        if kind in (POST, *FILES):
            self.requested.update(map(hash, hashes))
        return self.request(url, kind, decision.headers, **({"listed": True} if listed else {}))

    def _budget_allows(self, kind: str) -> bool:
        """Whether ``--max-pages`` (an article budget) lets a request of ``kind`` go out:
        a post counts against it; once N posts are requested, no more posts and no more
        discovery (listings, sitemaps, feeds) — their parts, images and requisites still
        come, and the crawl ends when the N articles are stored."""
        if not self.post_budget or kind not in (POST, AMP, LISTING, SITEMAP, FEED):
            return True
        if self.posts_requested >= self.post_budget:
            self.crawler.stats.inc_value("budget/held_back")
            return False
        if kind == POST:
            self.posts_requested += 1
        return True

    def skip(self, url: str, reason: str, referrer: str | None = None,
             detail: str | None = None) -> None:
        """Record a URL this crawl will not fetch (a ``skips`` row, once per URL and reason)."""
        self.crawler.stats.inc_value(f"skips/{reason}")
        key = hash((url, reason))
        if key in self.skipped:
            return
        self.skipped.add(key)
        archive = getattr(self, "archive", None)
        if archive is not None:
            archive.skip(url, reason, referrer, detail)

    def requisites(self, response):
        """What a browser loads to render this captured page (stylesheets, scripts, images,
        fonts, icons), each once per crawl; off-site ones only with PORTAL_FETCH_OFFSITE_REQUISITES."""
        if not self.fetch_requisites:
            return
        for url in html_requisites(response.body, response.url, encoding=_charset(response)):
            req = self.follow_requisite(url, response.url)
            if req is not None:
                yield from self.window.offer(req)

    def follow_requisite(self, url: str, referrer: str | None = None):
        """A request for a page requisite, or None (already requested, off-site, known upload)."""
        if hash(url) in self.requested:
            return None
        self.requested.add(hash(url))
        canon = canonical(url)
        if canon is None:
            return None
        offsite = not self.scope.on_site(canon)
        if offsite and not self.offsite_requisites:
            self.skip(canon, self.scope.why_not(canon), referrer,
                      "page requisite (PORTAL_FETCH_OFFSITE_REQUISITES is off)")
            return None
        # key: the URL as rows store it (primary origin); canon: as fetched (live origin)
        key, canon = (canon, canon) if offsite else (self.scope.canonical(canon), self.scope.live_url(canon))
        if hash(key) in self.requested and key != url:
            return None
        self.requested.add(hash(key))
        if self.archive.frontier.is_done(canon):
            return None
        if not offsite and not self.planner.plan_requisite(key, self.policy.classify(canon)).fetch:
            return None  # a known upload (the planner: theme files are taken each crawl)
        self.crawler.stats.inc_value("requisites/offsite" if offsite else "requisites/requested")
        # off-site: let through the scope guard and Scrapy's offsite filter, never followed further
        meta = {"offsite_embed": True, "allow_offsite": True} if offsite else {}
        return self.request(canon, REQUISITE, **meta)

    def _load_state(self) -> None:
        """What the archive already holds decides what this crawl fetches."""
        self.scope = Scope.build(self.start_url, self.aliases, stored_aliases(self.archive.conn))
        self.allowed_domains = self.scope.hosts()
        if len(self.scope.origins) > 1:
            self.logger.info("the site's origins: %s; rows use %s", ", ".join(
                sorted(map(str, self.scope.origins))), self.scope.primary)
        known = load_known(self.archive.conn, self.scope.canonical)
        self.planner = CrawlPlanner.for_crawl(known, **self.revisit_days, full=self.full)
        self.crawler.stats.set_value("incremental/enabled", self.planner.incremental)
        self.crawler.stats.set_value("incremental/known_urls", len(known))

    async def start(self):
        self._load_state()
        if self.parser_profile is not None:   # provenance: which profile parsed this crawl's pages
            self.crawler.stats.set_value("parser/profile", f"sha256:{self.parser_profile.sha256}")
        resumed = self.archive.frontier.queued()
        if resumed:
            self.logger.info("resuming an interrupted crawl: %d queued URLs", len(resumed))
            self.crawler.stats.set_value("frontier/resumed", len(resumed))
        for url, kind, _priority, meta in resumed:
            kind = kind if kind in PRIORITY else self.policy.classify(url)  # re-queued by recovery
            if kind and self._budget_allows(kind):
                meta.pop("kind", None)
                yield self.request(url, kind, meta.pop("conditional", None), **meta)
        root = urljoin(self.start_url, "/")
        yield self.request(urljoin(root, "/robots.txt"), SITEMAP, robots=True, probe=True)
        for path in SITEMAP_PROBES:
            yield self.request(urljoin(root, path), SITEMAP, probe=True)
        yield self.request(urljoin(root, "/feed/"), FEED)
        yield self.request(self.start_url, LISTING)

    # -- responses ------------------------------------------------------------
    def dispatch(self, response):
        """Every response ends here; the URL counts as done once its outcome is stored."""
        self.window.refill()
        kind = response.meta.get("kind")
        if response.meta.get("noarchive_skipped"):
            pass  # PORTAL_HONOUR_NOARCHIVE: not archived, not parsed (a skips row says so)
        elif response.status == 304:  # the storage touches the post (archive.warc.capture_rows)
            self.crawler.stats.inc_value("incremental/not_modified")
        elif response.status in REDIRECTS:  # of a re-check (see request)
            location = response.headers.get(b"Location", b"").decode("latin-1").strip()
            req = self.follow(location, response.url, listed=bool(response.meta.get("listed"))) \
                if location else None
            if req is not None:
                yield req
        elif response.meta.get("robots"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                req = self.follow(url, response.url)
                if req is not None:
                    yield req
        elif kind in FILES:
            if kind == REQUISITE and isinstance(response, TextResponse) and is_stylesheet(
                    response.url, response.headers.get(b"Content-Type", b"").decode("latin-1")):
                # fonts, background images and @imports of a captured stylesheet
                for url in css_requisites(response.body, response.url):
                    req = self.follow_requisite(url, response.url)
                    if req is not None:
                        yield req
        elif kind == PART:
            yield from self.parse_part(response)
        elif kind in (SITEMAP, FEED) or not isinstance(response, TextResponse):
            yield from self.parse_xml(response)
        else:
            yield from self.parse_html(response)
            return  # parse_html marks done itself (an article only once stored)
        self.done(response)

    def done(self, response) -> None:
        for url in {response.url, *response.meta.get("redirect_urls", ())}:
            self.archive.frontier.done(url)

    def parse_xml(self, response):
        body = response.body
        if body[:2] == b"\x1f\x8b":  # a .xml.gz sitemap: inflate, bounded
            try:
                body = gunzip(body, max_size=self.settings.getint("DOWNLOAD_MAXSIZE"))
            except Exception as exc:  # noqa: BLE001 - bad or oversize gzip: an error row
                self.archive.error(response.url, "bad-sitemap", f"cannot inflate: {exc}")
                return
        if not body.lstrip()[:1] == b"<":
            return
        if response.meta.get("kind") == FEED:
            yield from self.parse_feed(response)
            return
        try:
            sitemap = Sitemap(body)  # lxml with resolve_entities=False: no entity expansion
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is an error row, not a crash
            self.archive.error(response.url, "bad-sitemap", str(exc))
            return
        for entry in sitemap:
            loc = entry.get("loc")
            if not loc:
                continue
            loc = loc.strip()
            if sitemap.type == "sitemapindex" and "-users-" in loc:
                continue  # author archives: not posts
            if sitemap.type == "urlset":
                self.planner.note_sitemap_post(self.scope.canonical(canonical(loc) or loc))
            req = self.follow(loc, response.url, lastmod=entry.get("lastmod"), listed=True)
            if req is not None:
                yield from self.window.offer(req)

    def parse_feed(self, response):
        sel = scrapy.Selector(response, type="xml")
        sel.remove_namespaces()
        for link in sel.xpath("//item/link/text() | //entry/link/@href").getall():
            req = self.follow(link.strip(), response.url, listed=True)
            if req is not None:
                yield from self.window.offer(req)

    def parse_html(self, response):
        yield from self.requisites(response)
        reading = read_page(response.body, response.url, encoding=_charset(response),
                            profile=self.parser_profile)
        article = guard_canonical(reading.article, response.url, self.scope)
        if reading.password_protected:
            # archived, not an article: counted (the form hides the post's content)
            self.crawler.stats.inc_value("articles/password_protected")
            self.done(response)
            return
        if article is None:
            yield from self.parse_listing(response)
            self.done(response)
            return
        yield from self.follow_article(article, response)
        if article.page > 1:
            # a later page reached on its own (a resumed crawl, a link): page 1 gathers the post
            first = article.page_urls[0] if article.page_urls else None
            req = self.follow(first, response.url) if first else None
            if req is not None:
                yield req
            self.done(response)
            return
        parts = self.parts.hold(article, response.meta.get("capture_key"), None)
        if parts:
            response.meta["portal_article"] = True   # an article, not a stray (trap guard)
            # stored once every part answered (parse_part / failed)
            response.meta["held_urls"] = sorted({response.url, *response.meta.get("redirect_urls", ())})
            self.held_urls[article.wp_post_id if article.wp_post_id is not None else article.url] = \
                response.meta["held_urls"]
            for url in parts:
                yield self.request(url, PART, listed=True)
            return
        # last: the pipeline marks the page done, after the requests above are in the frontier;
        # rows store the site's URLs on its primary origin (the same post across a host move)
        yield {"article": self.scope.rebase_article(article), "capture_key": response.meta.get("capture_key"),
               "urls": sorted({response.url, *response.meta.get("redirect_urls", ())})}

    def parse_part(self, response):
        """Another page or the REST JSON of a held post."""
        self.done(response)
        if rest_post_id(response.url) is not None:
            ready = self.parts.rest(response.url, response.status, response.body)
            self.crawler.stats.inc_value("rest/fetched")
        else:
            yield from self.requisites(response)
            reading = read_page(response.body, response.url, encoding=_charset(response),
                                profile=self.parser_profile)
            if reading.article is None:
                ready = self.parts.failed(response.url)
            else:
                yield from self.follow_article(reading.article, response)
                ready = self.parts.page(reading.article)
        yield from self.store_ready(ready)

    def store_ready(self, ready):
        for r in ready:
            a = r.article
            if a.pages > 1:
                self.crawler.stats.inc_value("articles/multipage")
            if a.sources.get("modified_at") == "rest" or a.sources.get("wp_author") == "rest":
                self.crawler.stats.inc_value("rest/applied")
            urls = self.held_urls.pop(a.wp_post_id if a.wp_post_id is not None else a.url, [a.url])
            yield {"article": self.scope.rebase_article(a), "capture_key": r.capture_id, "urls": urls}

    def follow_article(self, article, response):
        """The requests an article page leads to: its images, AMP copy, terms and links."""
        for image in article.images:
            req = self.follow(image.url, response.url)
            if req is not None:
                yield from self.window.offer(req)
        for document in article.documents:
            req = self.follow(document.url, response.url)
            if req is not None:
                yield from self.window.offer(req)
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

    def parse_listing(self, response):
        """Home, category and tag listings: follow posts; page on only while the
        planner says so (a page without a post new to the archive ends the paging)."""
        if not self.follow_links:
            return
        requests, paged, posts = [], [], []
        for link in self.link_extractor.extract_links(response):
            url = link.url.split("#", 1)[0]
            if self.policy.classify(url) == POST:
                posts.append(self.scope.canonical(url))  # as linked: an unknown form counts as new
            req = self.follow(url, response.url)
            if req is None:
                continue
            (paged if is_paged(req.url) else requests).append(req)
        # posts already requested (from the sitemaps) yield no request: tell the trap guard
        # that this page did list posts, so its pagination is no empty-listing trap
        response.meta["portal_links_posts"] = bool(posts)
        if not self.planner.listing_goes_on(posts):
            self.crawler.stats.inc_value("incremental/listing_stops")
            for req in paged:
                self.archive.frontier.done(req.url)
            paged = []
        yield from requests
        yield from paged

    # -- end of discovery ------------------------------------------------------
    def idle(self):
        """Once discovery is over: the planner's deferred posts (seen without a
        lastmod) and the known posts that left the sitemaps."""
        if self.window.refill() or self.window.backlog:
            raise DontCloseSpider  # discovery is not over while posts are held back
        if len(self.parts):
            # parts that will never answer (dropped on the way): store the posts as they are
            for item in self.store_ready(self.parts.drain()):
                self.archive.save_article(item["article"], item["capture_key"])
                for url in item["urls"]:
                    self.archive.frontier.done(url)
        if not self.planner.incremental:
            return
        scheduled = self._revisit_deferred()
        if not self.planner.vanished_checked:
            scheduled += self._recheck_vanished()
        if scheduled:
            raise DontCloseSpider

    def _revisit_deferred(self) -> int:
        scheduled = 0
        for key, decision in self.planner.due_deferred():
            url = self.scope.live_url(key)
            if self.archive.frontier.is_done(url) or not decision.fetch:
                self.crawler.stats.inc_value("incremental/skipped")
                continue
            if not self._budget_allows(POST):
                break
            self.crawler.engine.crawl(self.request(url, POST, decision.headers))
            scheduled += 1
        self.crawler.stats.inc_value("incremental/revisited", scheduled)
        return scheduled

    def _recheck_vanished(self) -> int:
        due = self.planner.due_vanished()
        if not self.planner.vanished_checked:
            return 0  # no sitemap read: nothing is known to be missing
        scheduled = 0
        for key, decision in due:
            url = self.scope.live_url(key)
            if self.archive.frontier.is_done(url) or not self.scope.on_site(url):
                continue
            if not self._budget_allows(POST):
                break
            self.crawler.engine.crawl(self.request(url, POST, decision.headers, vanished=True))
            scheduled += 1
        self.crawler.stats.set_value("incremental/vanished_rechecked", scheduled)
        return scheduled

    # -- failures -------------------------------------------------------------
    def failed(self, failure):
        request = failure.request
        if request.meta.get("kind") == PART:
            yield from self._part_failed(failure)
            return
        self._failed(failure)

    def _part_failed(self, failure):
        """A part that did not come: the post is stored with what it has. A REST API
        answering 401/403/404/410 is switched off, not broken: no errors row."""
        request = failure.request
        status = failure.value.response.status if failure.check(HttpError) else None
        if rest_post_id(request.url) is not None and status in REST_UNAVAILABLE:
            self.crawler.stats.inc_value(f"rest/unavailable/{status}")
            self.archive.frontier.done(request.url)
            yield from self.store_ready(self.parts.rest(request.url, status, None))
            return
        self._failed(failure)
        yield from self.store_ready(self.parts.failed(request.url))

    def _failed(self, failure):
        request = failure.request
        if failure.check(IgnoreRequest) and not failure.check(HttpError):
            if str(failure.value).startswith("Forbidden by robots.txt"):  # Scrapy's RobotsTxtMiddleware
                self.skip(request.url, "robots", referrer_of(request), "robots.txt disallows it")
                self.archive.frontier.done(request.url)
            return  # a decision, not a failure: the middleware that decided recorded it
        if failure.check(HttpError):
            status = failure.value.response.status
            if status in (404, 410) and (request.meta.get("probe") or
                                         self._gone(request.url)):
                self.archive.frontier.done(request.url)
                return
            kind, message = f"http-{status}", f"HTTP {status}"
            if status in (404, 410) and not request.meta.get("listed"):
                kind = "broken-link"  # kept as a row; not a failure of the crawl (exit code)
        else:
            exc = failure.value
            kind = {
                "TimeoutError": "timeout", "TCPTimedOutError": "timeout",
                "DownloadTimeoutError": "timeout", "ResponseDataLossError": "connection",
                "DNSLookupError": "dns", "ConnectionRefusedError": "connection",
                "ConnectionLost": "connection", "ResponseNeverReceived": "connection",
                "ConnectionDone": "connection",
            }.get(type(exc).__name__, type(exc).__name__)
            message = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        self.archive.error(request.url, kind, message)
        self.archive.frontier.done(request.url)

    def _gone(self, url: str) -> bool:
        """Whether a 404/410 of ``url`` is a deletion (the planner: a known post), not a
        failure; the storage marks the post gone when it records the answer
        (``archive.warc.capture_rows``)."""
        if not self.planner.is_known_post(self.scope.canonical(url)):
            return False
        self.crawler.stats.inc_value("incremental/gone")
        return True
