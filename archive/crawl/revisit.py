"""What a recurring crawl re-fetches: the revisit policy (no Scrapy, no network).

Used by the crawl planner alone (``archive.crawl.planner``), which applies it to
each discovered URL; the spider carries the planner's decisions out.

An archive that already holds a crawl fetches only what may have changed:
- URLs never fetched;
- posts whose sitemap ``lastmod`` is newer than the last fetch;
- posts published in the last ``recent_days`` days (they are edited most);
- a rotating slice of older posts, so that each is re-checked at least once
  every ``period_days`` days (the real portal's core sitemaps give no
  ``lastmod``, and its HTML usually no validators);
- known posts that have vanished from the sitemaps (deleted or renamed).
Re-fetches carry ``If-None-Match``/``If-Modified-Since`` when the last
response gave validators, so an unchanged page costs a 304.
"""

from __future__ import annotations

import sqlite3
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class KnownPage:
    fetched_at: str              # last fetch (UTC, ISO 8601 Z)
    etag: str | None
    last_modified: str | None
    published_at: str | None     # for posts
    is_article: bool
    article_id: int | None = None
    current: bool = True         # the article's newest URL (False: an old slug)
    gone: bool = False           # the article answered 404/410


def load_known(conn: sqlite3.Connection,
               canonical: Callable[[str], str] | None = None) -> dict[str, KnownPage]:
    """Every URL fetched with a 2xx/304 answer, with its newest validators.

    ``canonical`` (``archive.origins.Scope.canonical``) maps each fetched URL to
    the form rows store, so captures made under an alias origin count as the
    same page; of several captures of one page the newest wins.
    """
    known: dict[str, KnownPage] = {}
    rows = conn.execute(
        "SELECT url, max(fetched_at), etag, last_modified FROM captures "
        "WHERE status BETWEEN 200 AND 299 OR status = 304 GROUP BY url")
    for url, fetched_at, etag, last_modified in rows:
        if canonical is not None:
            url = canonical(url)
            old = known.get(url)
            if old is not None and (old.fetched_at or "") >= (fetched_at or ""):
                continue
        known[url] = KnownPage(fetched_at, etag, last_modified, None, False)
    for url, published_at, article_id, current, gone in conn.execute(
            "SELECT u.url, a.published_at, a.id, a.url = u.url, a.gone_at IS NOT NULL "
            "FROM article_urls u JOIN articles a ON a.id = u.article_id"):
        page = known.get(url)
        if page is not None:
            known[url] = KnownPage(page.fetched_at, page.etag, page.last_modified, published_at,
                                   True, article_id, bool(current), bool(gone))
    return known


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    value = value.strip().replace("Z", "+00:00")
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        try:
            dt = datetime.fromisoformat(value[:10])
        except ValueError:
            return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


def _parse_http_date(value: str | None) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class RevisitPolicy:
    recent_days: int = 3
    period_days: int = 90
    today: date | None = None

    def _today(self) -> date:
        return self.today or datetime.now(timezone.utc).date()

    def in_slice(self, url: str, known: KnownPage | None = None) -> bool:
        """True for the 1/period_days of posts whose turn is today.

        A post's turn comes from its article id (sequential, so each night
        takes the same share, and an article's old and new URLs go together);
        other URLs from a hash of the URL.
        """
        if self.period_days <= 1:
            return True
        key = known.article_id if known is not None and known.article_id is not None \
            else zlib.crc32(url.encode("utf-8"))
        return key % self.period_days == self._today().toordinal() % self.period_days

    def should_fetch(self, url: str, known: KnownPage | None, lastmod: str | None = None) -> bool:
        if known is None:
            return True
        if lastmod:
            # compare the server's clock with the server's clock when it gave a
            # Last-Modified; else with the time of our last fetch
            lm = _parse_time(lastmod)
            seen = _parse_http_date(known.last_modified) or _parse_time(known.fetched_at)
            if lm is not None and seen is not None:
                return lm > seen
        if known.is_article and known.published_at:
            published = _parse_time(known.published_at)
            if published is not None and published.date() >= self._today() - timedelta(days=self.recent_days):
                return True
        return self.in_slice(url, known)

    @staticmethod
    def conditional_headers(known: KnownPage | None) -> dict[str, str]:
        if known is None:
            return {}
        headers = {}
        if known.etag:
            headers["If-None-Match"] = known.etag
        if known.last_modified:
            headers["If-Modified-Since"] = known.last_modified
        return headers
