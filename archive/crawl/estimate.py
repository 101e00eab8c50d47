"""``crawl --plan``: how long the next crawl takes at the current politeness (no Scrapy, no network).

The crawler side (``crawler.plan``) reads robots.txt and the sitemaps (or, without
sitemaps, two listing pages) and hands this module what it found; everything
here is arithmetic on those facts, the archive's history and the declared
settings:

- **which posts the crawl would fetch**: every post the sitemaps list is put to
  the crawl planner (``archive.crawl.planner.CrawlPlanner``), exactly as the
  spider does — new posts are fetched; known ones by their ``lastmod``, recency
  or rotation turn; known posts missing from the sitemaps are re-checked;
- **fetches per post**: from the archive's own history (its crawl that stored the
  most new posts: that crawl's captures, discovery aside, per new post), else
  ``DEFAULT_PER_POST`` — measured on the replica's first crawl (docs/capture.md),
  summed over the kinds the settings switch on; a re-checked known post costs
  its page (and its REST JSON), its images and documents are known uploads;
- **time per fetch**: the downloader slot's delay — ``DOWNLOAD_DELAY``, raised to the
  robots.txt ``Crawl-delay`` (``slot_delay_for``: the randomised delay's lower bound
  honours it) and, with AutoThrottle, to the latency per target concurrency — or
  the latency divided among ``CONCURRENT_REQUESTS_PER_DOMAIN`` parallel requests,
  whichever is longer. A randomised delay (``DOWNLOAD_DELAY_JITTER``) averages out.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import asdict, dataclass, field

from archive.crawl.planner import FETCH, POST, CrawlPlanner
from archive.status import article_changes

# fetches per new post on a first crawl, by kind (docs/capture.md, `bench/capture_kinds.py
# --posts 300`): the page itself; its images (every srcset size, which are page requisites:
# only the original upload without PORTAL_FETCH_REQUISITES); documents; the listing pages
# (every listing is paged through once); theme files; the REST JSON of each post (one when linked)
DEFAULT_PER_POST = {
    "page": 1.0,
    "images": 2.97,
    "images_without_requisites": 1.43,
    "documents": 1.33,
    "listings": 0.46,
    "theme": 0.02,
    "rest": 1.0,
}
DEFAULT_THEME_FILES = 7  # the replica theme's CSS, fonts, scripts and backgrounds (docs/capture.md)
HISTORY_MIN_POSTS = 20   # a crawl that stored fewer new posts says little about the cost of one
CPU_PER_FETCH = 0.0055   # s: the crawler's own work per fetch (docs/scaling.md), the floor without a delay


def slot_delay_for(crawl_delay: float, jitter: float) -> float:
    """The slot delay whose randomised lower bound ``delay * (1 - jitter)`` is ``crawl_delay``
    (``crawler.middlewares.crawl_delay`` sets it; its mean is this value)."""
    if 0 < jitter < 1:
        return crawl_delay / (1 - jitter)
    return crawl_delay


@dataclass(frozen=True)
class Politeness:
    """The declared settings that pace a crawl (``crawler/settings.py``), and robots.txt."""
    download_delay: float
    jitter: float
    concurrent_requests: int
    per_domain: int
    autothrottle: bool
    autothrottle_max_delay: float
    autothrottle_target: float
    crawl_delay: float | None = None   # robots.txt Crawl-delay for our agent, when honoured
    crawl_delay_max: float = math.inf

    def slot_delay(self, latency: float) -> float:
        """The mean delay between two requests to the portal (s)."""
        delay = self.download_delay
        if self.crawl_delay:
            delay = max(delay, slot_delay_for(min(self.crawl_delay, self.crawl_delay_max), self.jitter))
        if self.autothrottle:
            delay = max(delay, min(self.autothrottle_max_delay, latency / self.autothrottle_target))
        return delay

    def concurrency(self) -> int:
        return max(1, min(self.per_domain, self.concurrent_requests))

    def interval(self, latency: float) -> float:
        """Seconds per fetch: the slot's delay, or the latency shared by the parallel requests."""
        return max(self.slot_delay(latency), latency / self.concurrency(), CPU_PER_FETCH)


def default_per_post(*, images: bool, documents: bool, requisites: bool, follow_links: bool,
                     rest: bool) -> float:
    """Fetches per new post when the archive has no history, for these switches."""
    d = DEFAULT_PER_POST
    total = d["page"]
    if images:
        total += d["images"] if requisites else d["images_without_requisites"]
    if documents:
        total += d["documents"]
    if follow_links:
        total += d["listings"]
    if requisites:
        total += d["theme"]
    if rest:
        total += d["rest"]
    return round(total, 2)


# discovery captures (robots.txt, sitemaps, the feed) are counted by the plan itself
_DISCOVERY_SQL = ("url LIKE '%/robots.txt' OR url LIKE '%.xml' OR url LIKE '%.xml.gz' "
                  "OR url LIKE '%/feed/' OR url LIKE '%/feed'")


# theme and core files (page requisites that are no uploads): fetched again by every crawl
_THEME_SQL = ("url LIKE '%/wp-content/themes/%' OR url LIKE '%/wp-content/plugins/%' "
              "OR url LIKE '%/wp-includes/%'")


def theme_files(conn: sqlite3.Connection) -> int | None:
    """Theme and core files the archive's newest crawl fetched (None: no crawl yet)."""
    row = conn.execute("SELECT max(id) FROM crawls").fetchone()
    if not row or row[0] is None:
        return None
    return conn.execute(f"SELECT count(DISTINCT url) FROM captures WHERE crawl_id=? AND ({_THEME_SQL})",
                        (row[0],)).fetchone()[0]


def history_per_post(conn: sqlite3.Connection) -> tuple[float, int] | None:
    """``(fetches per new post, crawl id)`` of the archive's crawl that stored the most new
    posts (at least ``HISTORY_MIN_POSTS``), discovery aside; None without such a crawl."""
    best: tuple[int, int] | None = None
    for (crawl_id,) in conn.execute("SELECT id FROM crawls ORDER BY id"):
        new, _changed = article_changes(conn, crawl_id)
        if new >= HISTORY_MIN_POSTS and (best is None or new > best[1]):
            best = (crawl_id, new)
    if best is None:
        return None
    crawl_id, new = best
    fetches = conn.execute(f"SELECT count(*) FROM captures WHERE crawl_id=? AND NOT ({_DISCOVERY_SQL})",
                           (crawl_id,)).fetchone()[0]
    return round(fetches / new, 2), crawl_id


@dataclass
class Would:
    """What the crawl planner would do with the posts found."""
    new: int = 0          # posts the archive does not hold
    recheck: int = 0      # known posts due (lastmod moved, recent, rotation turn)
    vanished: int = 0     # known posts no sitemap lists any more, re-checked
    known: int = 0        # posts found that the archive holds


def would_fetch(planner: CrawlPlanner, posts: dict[str, str | None], *, from_sitemaps: bool) -> Would:
    """Put every post found (canonical URL → sitemap lastmod) to the planner, then judge the
    deferred ones and (when sitemaps were read) the vanished ones, as the spider does once
    discovery is over. Without sitemaps every known post is a candidate (listings and links
    may show any of them): an upper bound."""
    out = Would()
    candidates = dict(posts)
    if not from_sitemaps and planner.incremental:
        for url, page in planner.known.items():
            if page.is_article and page.current and not page.gone:
                candidates.setdefault(url, None)
    for url, lastmod in candidates.items():
        known = url in planner.known
        if known and url in posts:
            out.known += 1
        if from_sitemaps:
            planner.note_sitemap_post(url)
        decision = planner.plan(url, POST, lastmod)
        if decision.action == FETCH:
            if known:
                out.recheck += 1
            else:
                out.new += 1
    out.recheck += sum(d.action == FETCH for _url, d in planner.due_deferred())
    out.vanished = sum(d.action == FETCH for _url, d in planner.due_vanished())
    return out


def capped(would: Would, max_posts: int) -> Would:
    """``--max-pages N``: the crawl stops once N articles are stored — new posts counted
    first, then re-checks (an upper bound: a re-check answering 304 stores no article)."""
    if max_posts <= 0:
        return would
    new = min(would.new, max_posts)
    recheck = min(would.recheck, max_posts - new)
    vanished = min(would.vanished, max_posts - new - recheck)
    return Would(new, recheck, vanished, would.known)


@dataclass
class CrawlPlan:
    start_url: str
    source: str                    # "sitemaps" or "listings" (estimated from two listing pages)
    posts_found: int
    listings_found: int
    archived: int                  # articles the archive holds
    incremental: bool
    full: bool                     # --full: everything again, known posts at the full cost
    would: Would
    per_post: float                # fetches per new post
    per_post_source: str           # "history (crawl N)" or "default (docs/capture.md)"
    per_recheck: float
    discovery_fetches: int         # robots.txt, sitemaps, feed, home page
    listing_fetches: int           # incremental: the first page of every listing, the theme files
    fetches: int
    latency: float                 # median answer time seen while planning (s)
    seconds_per_fetch: float
    duration: float                # s
    window: float                  # s: --max-duration (or the declared planning window)
    window_given: bool
    windows: int
    politeness: Politeness
    plan_fetches: int              # requests the plan itself made
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        out = asdict(self)
        out["politeness"]["crawl_delay_max"] = (None if math.isinf(self.politeness.crawl_delay_max)
                                                else self.politeness.crawl_delay_max)
        out["would_fetch_posts"] = self.would.new + self.would.recheck + self.would.vanished
        return out

    def lines(self) -> list[str]:
        w = self.would
        p = self.politeness
        kind = ("next (incremental)" if self.incremental else "full (everything again)" if self.full
                else "first (everything)")
        found = f"{self.posts_found} posts found ({self.source}"
        found += f", {self.listings_found} listings" if self.listings_found else ""
        found += ")"
        delay = [f"DOWNLOAD_DELAY {p.download_delay:g} s"]
        if p.crawl_delay:
            delay.append(f"robots.txt Crawl-delay {p.crawl_delay:g} s")
        delay.append("AutoThrottle on" if p.autothrottle else "AutoThrottle off")
        out = [
            f"plan of the {kind} crawl of {self.start_url} — nothing was fetched but robots.txt, "
            f"sitemaps and listings ({self.plan_fetches} requests)",
            found,
            f"already archived: {w.known} of them ({self.archived} articles in the archive); "
            f"the crawl would fetch at most {w.new} new + {w.recheck + w.vanished} re-checked posts",
            f"fetches estimated: {self.fetches} ({self.per_post:g} per new post, {self.per_post_source}; "
            f"{self.per_recheck:g} per re-check; {self.discovery_fetches + self.listing_fetches} discovery)",
            f"pace: {self.seconds_per_fetch:.2f} s per fetch ({', '.join(delay)}; "
            f"{p.concurrency()} at a time; latency {self.latency * 1000:.0f} ms)",
            f"duration: about {human_duration(self.duration)}",
            f"windows: {self.windows} of {human_duration(self.window)} "
            + ("(--max-duration)" if self.window_given else "(no --max-duration given: PORTAL_PLAN_WINDOW)"),
        ]
        out += [f"note: {n}" for n in self.notes]
        return out


def human_duration(seconds: float) -> str:
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    days, rest = divmod(s, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [f"{days} d"] if days else []
    if hours or days:
        parts.append(f"{hours} h")
    parts.append(f"{minutes} min")
    if not days and not hours:
        parts.append(f"{secs} s")
    return " ".join(parts)


def estimate(*, start_url: str, source: str, posts_found: int, listings_found: int, archived: int,
             incremental: bool, full: bool, would: Would, per_post: float, per_post_source: str,
             per_recheck: float, discovery_fetches: int, theme: int | None, latency: float,
             politeness: Politeness, window: float, window_given: bool, plan_fetches: int,
             notes: list[str] | None = None) -> CrawlPlan:
    """The plan: fetches, duration and ``--max-duration`` windows.

    A first (or ``--full``) crawl pages through every listing, which the per-post cost
    includes; an incremental one takes the first page of every listing the sitemaps
    name (and the home page) and the theme's files again (``theme``: as many as the last
    crawl took, else ``DEFAULT_THEME_FILES``), and pages on only where a post is new (part
    of the per-new-post cost). A ``--full`` crawl fetches known posts at the full cost."""
    listing_fetches = 0
    if incremental:
        listing_fetches = listings_found + 1 + (DEFAULT_THEME_FILES if theme is None else theme)
    if not incremental:
        per_recheck = per_post
    fetches = math.ceil(discovery_fetches + listing_fetches + would.new * per_post
                        + (would.recheck + would.vanished) * per_recheck)
    interval = politeness.interval(latency)
    duration = fetches * interval
    windows = max(1, math.ceil(duration / window)) if window > 0 else 1
    return CrawlPlan(start_url, source, posts_found, listings_found, archived, incremental, full, would,
                     per_post, per_post_source, per_recheck, discovery_fetches, listing_fetches,
                     fetches, latency, interval, duration, window, window_given, windows,
                     politeness, plan_fetches, list(notes or []))
