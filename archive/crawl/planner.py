"""The crawl planner: what to do with a discovered URL (no Scrapy, no I/O).

The spider finds URLs (sitemaps, feed, listings, links), puts them in canonical
form, checks scope and classifies them; then it asks the planner and carries
out the answer. The planner knows what the archive holds (``KnownPage`` per
URL, from ``archive.crawl.revisit.load_known``) and owns every rule of a
recurring crawl:

- **revisit** (``RevisitPolicy``): a post the archive never fetched is fetched;
  a known post is re-fetched when its sitemap ``lastmod`` moved past what we
  hold, when it is recent, or on its rotation turn — with ``If-None-Match`` /
  ``If-Modified-Since``; a known image or document is never fetched again;
- **defer**: a known post seen without a ``lastmod`` (feed, listing, link)
  waits until discovery is over, since a sitemap ``lastmod`` is better evidence
  than recency or the rotation (``due_deferred``);
- **listing stop**: a listing page (newest first) without a post new to the
  archive ends that listing's paging (``listing_goes_on``);
- **vanished posts**: once discovery is over, known live posts missing from
  every sitemap are re-checked (deleted or renamed), and old slugs and gone
  posts on their rotation turn (``due_vanished``);
- **gone**: a 404/410 of a known post is a deletion, not a failure
  (``is_known_post``);
- **page requisites**: a requisite under a known upload URL is not fetched
  again; theme files (stylesheets, scripts, fonts) are fetched every crawl
  (``plan_requisite``).

A full crawl (``--full``) or a first crawl fetches everything: every answer
is ``fetch`` without conditional headers.

Kinds are those of ``archive.crawl.kinds`` (the URL policy's classification);
only posts and uploads have a revisit policy, every other kind is always
fetched (listings and sitemaps are how changes are found, page requisites may
change under their URL).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archive.crawl.kinds import POST, UPLOADS
from archive.crawl.revisit import KnownPage, RevisitPolicy

FETCH, SKIP, DEFER = "fetch", "skip", "defer"
NOT_DUE = "not-due"  # the reason of a known post's skip (the crawl's ``incremental/skipped``)


@dataclass(frozen=True)
class Decision:
    action: str                              # FETCH, SKIP or DEFER
    headers: dict[str, str] | None = None    # conditional headers of a re-fetch
    reason: str = ""                         # for stats and logs: new, lastmod, due, not-due, …

    @property
    def fetch(self) -> bool:
        return self.action == FETCH


NEW = Decision(FETCH, None, "new")


@dataclass
class CrawlPlanner:
    known: dict[str, KnownPage]
    policy: RevisitPolicy = field(default_factory=RevisitPolicy)
    full: bool = False

    @classmethod
    def for_crawl(cls, known: dict[str, KnownPage], *, recent_days: int, period_days: int,
                  full: bool = False) -> CrawlPlanner:
        """The planner of one crawl, from its settings (``PORTAL_REVISIT_RECENT_DAYS``,
        ``PORTAL_REVISIT_PERIOD_DAYS``, ``PORTAL_FULL``)."""
        return cls(known, RevisitPolicy(recent_days=recent_days, period_days=period_days), full=full)

    def __post_init__(self) -> None:
        self.incremental = bool(self.known) and not self.full
        self.sitemap_posts: set[str] = set()   # post URLs the sitemaps list
        self._decided: set[str] = set()        # known posts judged on their sitemap lastmod
        self._deferred: set[str] = set()       # known posts seen without lastmod
        self.vanished_checked = False          # due_vanished ran (once per crawl)

    # -- one discovered URL --------------------------------------------------------
    def plan(self, url: str, kind: str, lastmod: str | None = None) -> Decision:
        """What to do with ``url`` (canonical, in scope) of ``kind``."""
        if not self.incremental or kind not in (POST, *UPLOADS):
            return NEW
        known = self.known.get(url)
        if known is None:
            return NEW
        if kind in UPLOADS:
            return Decision(SKIP, None, "known-upload")  # --full fetches them again
        if not lastmod:
            if url not in self._decided:
                self._deferred.add(url)
            return Decision(DEFER, None, "no-lastmod")
        self._decided.add(url)
        self._deferred.discard(url)
        return self._revisit(url, known, lastmod)

    def _revisit(self, url: str, known: KnownPage, lastmod: str | None = None) -> Decision:
        if not self.policy.should_fetch(url, known, lastmod):
            return Decision(SKIP, None, NOT_DUE)
        return Decision(FETCH, self.policy.conditional_headers(known) or None,
                        "lastmod" if lastmod else "due")

    def plan_requisite(self, url: str, kind: str | None) -> Decision:
        """A page requisite (``url`` canonical, on the site) the URL policy classifies
        as ``kind``: under a known upload URL it is not fetched again (a changed
        upload gets a new URL); anything else — theme files may change under their
        URL — is fetched once per crawl."""
        if self.incremental and kind in UPLOADS and url in self.known:
            return Decision(SKIP, None, "known-upload")
        return NEW

    def note_sitemap_post(self, url: str) -> None:
        """A post URL listed by a sitemap (canonical form): it has not vanished."""
        self.sitemap_posts.add(url)

    # -- listings --------------------------------------------------------------------
    def listing_goes_on(self, post_urls: list[str]) -> bool:
        """Whether to page on after a listing page linking ``post_urls`` (newest
        first): only while the page shows a post the archive does not hold."""
        if not self.incremental:
            return True
        return any(u not in self.known for u in post_urls)

    # -- once discovery is over -----------------------------------------------------------
    def due_deferred(self) -> list[tuple[str, Decision]]:
        """Known posts seen only without a lastmod, judged by recency and rotation."""
        pending, self._deferred = sorted(self._deferred - self._decided), set()
        out = []
        for url in pending:
            self._decided.add(url)
            out.append((url, self._revisit(url, self.known[url])))
        return out

    def due_vanished(self) -> list[tuple[str, Decision]]:
        """Once per crawl, when sitemaps were read: known live posts no sitemap
        lists any more (re-checked at once), and old slugs and gone posts on their
        rotation turn. Every answer is a fetch, with conditional headers."""
        if not self.incremental or self.vanished_checked or not self.sitemap_posts:
            return []
        self.vanished_checked = True
        out = []
        for url, page in self.known.items():
            if not page.is_article or url in self.sitemap_posts:
                continue
            if (page.current and not page.gone) or self.policy.in_slice(url, page):
                out.append((url, Decision(FETCH, self.policy.conditional_headers(page) or None,
                                          "vanished")))
        return out

    # -- answers -----------------------------------------------------------------------
    def is_known_post(self, url: str) -> bool:
        """A 404/410 here is a deleted post (marked gone by the capture→rows rules)."""
        page = self.known.get(url)
        return page is not None and page.is_article
