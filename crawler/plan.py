"""``portal-archive crawl --plan``: read robots.txt and the sitemaps, estimate the crawl.

What is fetched, and nothing else: robots.txt, the sitemaps the crawl would read
(robots.txt's ``Sitemap:`` lines and the spider's probes, nested indexes, Yoast and
core sitemaps alike) and, only where no sitemap lists a post, the start page and
the last page of its pagination. Never a post, image or document.

The reader is a small sequential urllib client with the crawl's own limits, read
from the declared settings: the crawl's user agent and request headers,
``DOWNLOAD_TIMEOUT``, ``DOWNLOAD_MAXSIZE`` (a gzip'd sitemap is inflated bounded by
it, as the spider does), retries (``RETRY_TIMES`` on ``RETRY_HTTP_CODES`` and on
connection failures), robots.txt (``ROBOTSTXT_OBEY``, parsed with Protego as
Scrapy does) and the crawl's pace (``DOWNLOAD_DELAY``, the robots.txt
``Crawl-delay``) between requests; TLS certificates are not verified, as by Scrapy. Sitemaps and links are read with Scrapy's own
``Sitemap`` and ``LinkExtractor``, URLs classified by the spider's ``UrlPolicy``
and put in the canonical form rows use, so the plan counts what the crawl sees.
A Scrapy crawl would need its reactor and would write its WARC; this needs neither.

It never writes: the archive (when there is one) is read through a read-only
SQLite connection; no log file, lock or frontier is created. The arithmetic is
``archive.crawl.estimate``.
"""

from __future__ import annotations

import re
import sqlite3
import ssl
import statistics
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from archive.crawl.estimate import (
    CrawlPlan,
    Politeness,
    capped,
    default_per_post,
    estimate,
    history_per_post,
    theme_files,
    would_fetch,
)
from archive.crawl.planner import CrawlPlanner
from archive.crawl.revisit import load_known
from archive.errors import PortalUnreachable
from archive.layout import ArchiveLayout
from archive.origins import Scope, parse_aliases, stored_aliases

from .middlewares.trap_guard import canonical
from .urlpolicy import LISTING, POST, SITEMAP, UrlPolicy, is_paged

MAX_SITEMAPS = 10_000   # sitemap files read at most (a 2000-URL file each: 20 million posts)
_PAGED = re.compile(r"page/(\d+)/?$")


@dataclass
class Answer:
    url: str
    status: int
    body: bytes
    content_type: str
    location: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Redirects are followed by ``Reader`` itself, on-site only."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class Reader:
    """Sequential GETs with the crawl's limits and pace; counts answers and latency."""

    def __init__(self, settings, scope: Scope):
        self.scope = scope
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT")
        self.max_size = settings.getint("DOWNLOAD_MAXSIZE")
        self.retries = settings.getint("RETRY_TIMES") if settings.getbool("RETRY_ENABLED") else 0
        self.retry_codes = {int(c) for c in settings.getlist("RETRY_HTTP_CODES")}
        self.max_redirects = settings.getint("REDIRECT_MAX_TIMES") if settings.getbool("REDIRECT_ENABLED") else 0
        self.headers = {**settings.getdict("DEFAULT_REQUEST_HEADERS"), "User-Agent": settings.get("USER_AGENT")}
        self.headers["Accept-Encoding"] = "gzip"  # inflated here, bounded
        self.pause = settings.getfloat("DOWNLOAD_DELAY")
        # certificates are not verified, as Scrapy's default TLS context does not: an archival
        # crawler must reach a portal whose certificate chain is broken or expired
        insecure = ssl.create_default_context()
        insecure.check_hostname = False
        insecure.verify_mode = ssl.CERT_NONE
        self.opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPSHandler(context=insecure))
        self.latencies: list[float] = []
        self.requests = 0
        self.answered = 0          # answers other than 5xx
        self.last_error = ""
        self._last = 0.0

    def get(self, url: str) -> Answer | None:
        """The answer (following on-site redirects), or None when none came."""
        for _hop in range(self.max_redirects + 1):
            answer = self._get_retrying(url)
            if answer is None or answer.status not in (301, 302, 303, 307, 308):
                return answer
            location = canonical(urljoin(url, answer.location))
            if location is None or not self.scope.on_site(location):
                return answer
            url = self.scope.live_url(location)
        return None

    def _get_retrying(self, url: str) -> Answer | None:
        answer = None
        for _attempt in range(self.retries + 1):
            answer = self._once(url)
            if answer is not None and answer.status not in self.retry_codes:
                return answer
        return answer

    def _once(self, url: str) -> Answer | None:
        wait = self._last + self.pause - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.requests += 1
        started = time.monotonic()
        self._last = started
        request = urllib.request.Request(url, headers=self.headers)
        try:
            try:
                resp = self.opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                resp = exc
            with resp:
                status = resp.status if hasattr(resp, "status") else resp.code
                body = resp.read(self.max_size + 1 if self.max_size else -1) or b""
                headers = resp.headers
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            self.last_error = f"{type(reason).__name__}: {reason}"
            return None
        self.latencies.append(time.monotonic() - started)
        if status < 500:
            self.answered += 1
        if status in (301, 302, 303, 307, 308):
            return Answer(url, status, b"", "", headers.get("Location", ""))
        if self.max_size and len(body) > self.max_size:
            self.last_error = f"{url}: larger than DOWNLOAD_MAXSIZE ({self.max_size} bytes)"
            return Answer(url, status, b"", "")
        if headers.get("Content-Encoding", "").lower() in ("gzip", "x-gzip") or body[:2] == b"\x1f\x8b":
            body = self._inflate(body, url)
        return Answer(url, status, body, headers.get("Content-Type", ""))

    def _inflate(self, body: bytes, url: str) -> bytes:
        from scrapy.utils.gz import gunzip

        try:
            return gunzip(body, max_size=self.max_size)
        except Exception as exc:  # noqa: BLE001 - a bad or oversize gzip: nothing read from it
            self.last_error = f"{url}: cannot inflate: {exc}"
            return b""

    def latency(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0


def _open_archive(root: Path) -> sqlite3.Connection | None:
    """The archive's database read-only, or None where there is none yet (a first crawl)."""
    db = ArchiveLayout(root).db
    if not db.exists():
        return None
    # a read-only connection to a WAL database creates its -wal and -shm files when they are
    # missing, and writes its read marks into -shm: with no crawl writing (no WAL, or an empty
    # one: everything is in the database file) the file is read as immutable, which touches
    # nothing; a running crawl's WAL is read through SQLite's shared index as usual
    wal = db.with_name(db.name + "-wal")
    immutable = "" if wal.exists() and wal.stat().st_size else "&immutable=1"
    return sqlite3.connect(f"file:{db}?mode=ro{immutable}", uri=True, timeout=30)


def plan_crawl(settings, *, window_given: bool) -> CrawlPlan:
    """Read robots.txt and the sitemaps (or two listing pages) and estimate the crawl."""
    from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

    from .spiders.portal import SITEMAP_PROBES

    start_url = settings.get("PORTAL_START_URL")
    conn = _open_archive(Path(settings.get("PORTAL_ARCHIVE_DIR")))
    try:
        aliases = parse_aliases(settings.get("PORTAL_ALIASES"))
        scope = Scope.build(start_url, aliases, stored_aliases(conn) if conn else {})
        known = load_known(conn, scope.canonical) if conn else {}
        archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0] if conn else 0
        history = history_per_post(conn) if conn else None
        theme = theme_files(conn) if conn else None
    finally:
        if conn is not None:
            conn.close()
    policy = UrlPolicy(fetch_amp=settings.getbool("PORTAL_FETCH_AMP"),
                       fetch_images=settings.getbool("PORTAL_FETCH_IMAGES"),
                       fetch_documents=settings.getbool("PORTAL_FETCH_DOCUMENTS"),
                       max_page=settings.getint("PORTAL_MAX_DEPTH_LISTING"))
    reader = Reader(settings, scope)
    notes: list[str] = []
    unreachable = PortalUnreachable(
        f"the portal could not be reached at all ({{error}}) — check the network, DNS and the "
        f"start URL {start_url}")

    # -- robots.txt --------------------------------------------------------------------------
    root = urljoin(scope.live_url(start_url), "/")
    robots_url = urljoin(root, "/robots.txt")
    answer = reader.get(robots_url)
    if answer is None and not reader.answered:
        raise PortalUnreachable(str(unreachable).format(error=reader.last_error))
    robots = None
    user_agent = settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT") or "*"
    queue: list[str] = []
    if answer is not None and answer.status == 200:
        from protego import Protego

        text = answer.body.decode("utf-8", "replace")
        robots = Protego.parse(text)
        queue += sitemap_urls_from_robots(answer.body, base_url=answer.url)
    crawl_delay = None
    if robots is not None and settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("PORTAL_CRAWL_DELAY_ENABLED"):
        delay = robots.crawl_delay(user_agent)
        crawl_delay = float(delay) if delay and delay > 0 else None
    politeness = Politeness(
        download_delay=settings.getfloat("DOWNLOAD_DELAY"),
        jitter=settings.getfloat("DOWNLOAD_DELAY_JITTER"),
        concurrent_requests=settings.getint("CONCURRENT_REQUESTS"),
        per_domain=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
        autothrottle=settings.getbool("AUTOTHROTTLE_ENABLED"),
        autothrottle_max_delay=settings.getfloat("AUTOTHROTTLE_MAX_DELAY"),
        autothrottle_target=settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY"),
        crawl_delay=crawl_delay,
        crawl_delay_max=settings.getfloat("PORTAL_CRAWL_DELAY_MAX"))
    reader.pause = politeness.slot_delay(0.0)  # the plan's own requests keep the crawl's pace

    def allowed(url: str) -> bool:
        return robots is None or not settings.getbool("ROBOTSTXT_OBEY") or robots.can_fetch(url, user_agent)

    # -- sitemaps ------------------------------------------------------------------------------
    queue += [urljoin(root, p) for p in SITEMAP_PROBES]
    seen: set[str] = set()
    posts: dict[str, str | None] = {}
    listings: set[str] = set()
    sitemap_requests = 1  # robots.txt
    read = 0
    while queue and read < MAX_SITEMAPS:
        url = canonical(queue.pop(0).strip())
        if url is None or not scope.on_site(url):
            continue
        key = scope.canonical(url)
        if key in seen:
            continue
        seen.add(key)
        url = scope.live_url(url)
        if not allowed(url):
            notes.append(f"robots.txt forbids the sitemap {url}")
            continue
        sitemap_requests += 1
        answer = reader.get(url)
        if answer is None and not reader.answered:
            raise PortalUnreachable(str(unreachable).format(error=reader.last_error))
        if answer is None or answer.status != 200 or not answer.body.lstrip()[:1] == b"<":
            continue
        try:
            sitemap = Sitemap(answer.body)  # lxml, entities not expanded
        except Exception as exc:  # noqa: BLE001 - a broken sitemap is noted, not fatal
            notes.append(f"cannot read the sitemap {url}: {exc}")
            continue
        read += 1
        for entry in sitemap:
            loc = (entry.get("loc") or "").strip()
            if not loc:
                continue
            if sitemap.type == "sitemapindex":
                if "-users-" not in loc:  # author archives: not posts (as the spider)
                    queue.append(urljoin(url, loc))
                continue
            found = canonical(urljoin(url, loc))
            if found is None or not scope.on_site(found):
                continue
            kind = policy.classify(scope.live_url(found))
            if kind == POST:
                posts.setdefault(scope.canonical(found), entry.get("lastmod"))
            elif kind == LISTING:
                listings.add(scope.canonical(found))
            elif kind == SITEMAP:
                queue.append(found)
    if queue:
        notes.append(f"stopped after {MAX_SITEMAPS} sitemaps; more are listed")

    # -- no sitemap lists a post: estimate from the start page and its last page ----------------
    source, total = "sitemaps", len(posts)
    if not posts:
        source = "listings"
        total = _count_from_listings(reader, scope, policy, start_url, posts, notes, allowed)
        if not reader.answered:
            raise PortalUnreachable(str(unreachable).format(error=reader.last_error))

    planner = CrawlPlanner.for_crawl(known, recent_days=settings.getint("PORTAL_REVISIT_RECENT_DAYS"),
                                     period_days=settings.getint("PORTAL_REVISIT_PERIOD_DAYS"),
                                     full=settings.getbool("PORTAL_FULL"))
    would = would_fetch(planner, posts, from_sitemaps=source == "sitemaps")
    if source == "listings":
        live = sum(1 for p in known.values() if p.is_article and p.current and not p.gone)
        would.new = max(would.new, total - live)
    max_posts = settings.getint("CLOSESPIDER_ITEMCOUNT")
    if 0 < max_posts < would.new + would.recheck + would.vanished:
        would = capped(would, max_posts)
        notes.append(f"--max-pages {max_posts}: the crawl stops once {max_posts} articles are stored")

    rest = settings.getbool("PORTAL_FETCH_REST")
    if history is not None:
        per_post, crawl_id = history
        per_post_source = f"this archive's crawl {crawl_id}"
    else:
        per_post = default_per_post(images=settings.getbool("PORTAL_FETCH_IMAGES"),
                                    documents=settings.getbool("PORTAL_FETCH_DOCUMENTS"),
                                    requisites=settings.getbool("PORTAL_FETCH_REQUISITES"),
                                    follow_links=settings.getbool("PORTAL_FOLLOW_LINKS"), rest=rest)
        per_post_source = "default: the replica's first crawl, docs/capture.md"
    timeout = settings.getfloat("CLOSESPIDER_TIMEOUT")
    window = timeout if timeout > 0 else settings.getfloat("PORTAL_PLAN_WINDOW")
    return estimate(
        start_url=start_url, source=source, posts_found=total, listings_found=len(listings),
        archived=archived, incremental=planner.incremental, full=planner.full and bool(known),
        would=would, per_post=per_post, theme=theme,
        per_post_source=per_post_source, per_recheck=1.0 + (1.0 if rest else 0.0),
        discovery_fetches=sitemap_requests + 2,  # + the feed and the start page
        latency=reader.latency(), politeness=politeness, window=window,
        window_given=window_given or timeout > 0, plan_fetches=reader.requests, notes=notes)


def _count_from_listings(reader: Reader, scope: Scope, policy: UrlPolicy, start_url: str,
                         posts: dict[str, str | None], notes: list[str], allowed) -> int:
    """Posts of a site without sitemaps: posts per page × pages of the start page's
    pagination. Links on both the first and the last page (widgets of recent posts)
    are not counted."""
    first = _listing_posts(reader, scope, policy, start_url, allowed)
    if first is None:
        notes.append("no sitemap and no readable start page: no post found")
        return 0
    on_first, pages = first
    last_url = pages.get(max(pages)) if pages else None
    if last_url is None:
        posts.update(dict.fromkeys(on_first))
        notes.append("no sitemap lists a post: counted on the start page (no pagination)")
        return len(on_first)
    last = _listing_posts(reader, scope, policy, last_url, allowed)
    on_last = last[0] if last is not None else set()
    common = on_first & on_last
    per_page = len(on_first - common)
    total = per_page * (max(pages) - 1) + len(on_last - common)
    posts.update(dict.fromkeys((on_first | on_last) - common))
    notes.append(f"no sitemap lists a post: estimated from the start page's pagination "
                 f"({max(pages)} pages of {per_page} posts)")
    return total


def _listing_posts(reader: Reader, scope: Scope, policy: UrlPolicy, url: str, allowed):
    """(post keys, {page number: URL} of the same listing's pagination) of one listing page."""
    from scrapy.http import HtmlResponse
    from scrapy.linkextractors import LinkExtractor

    if not allowed(url):
        return None
    answer = reader.get(url)
    if answer is None or answer.status != 200:
        return None
    response = HtmlResponse(answer.url, body=answer.body, headers={"Content-Type": answer.content_type})
    base = urlsplit(url).path.rstrip("/")
    base = _PAGED.sub("", base + "/").rstrip("/")
    on_page: set[str] = set()
    pages: dict[int, str] = {}
    for link in LinkExtractor(tags=("a", "link"), attrs=("href",)).extract_links(response):
        found = canonical(link.url.split("#", 1)[0])
        if found is None or not scope.on_site(found):
            continue
        kind = policy.classify(found)
        if kind == POST:
            on_page.add(scope.canonical(found))
        elif kind == LISTING and is_paged(found):
            path = urlsplit(found).path
            m = _PAGED.search(path)
            if m and _PAGED.sub("", path).rstrip("/") == base:
                pages[int(m.group(1))] = scope.live_url(found)
    return on_page, pages
