"""The numbers of the archive report, straight from SQL (tolerant of sparse crawl stats)."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from archive.research.export import DATE_TRUST_MEANING, DATE_TRUST_SQL

# crawl statistics under the names different versions of the crawler used, first found wins
STAT_KEYS = {
    "new": ("archive/articles_new", "articles_new", "new"),
    "changed": ("archive/articles_changed", "articles_changed", "changed"),
}


@dataclass
class CrawlRow:
    id: int
    started_at: str | None
    status: str | None
    pages: int
    new: int | None
    changed: int | None
    errors: int


@dataclass
class ReportData:
    totals: dict[str, int] = field(default_factory=dict)
    months: list[tuple[str, int, int]] = field(default_factory=list)  # month, displayed, bulk
    event_months: list[tuple[str, int]] = field(default_factory=list)
    categories: list[tuple[str, str, int]] = field(default_factory=list)  # slug, name, n
    crawls: list[CrawlRow] = field(default_factory=list)
    statuses: list[tuple[str, int]] = field(default_factory=list)
    error_kinds: list[tuple[str, int]] = field(default_factory=list)
    date_trust: list[tuple[str, int, str]] = field(default_factory=list)  # trust, n, meaning
    # documents by type: MIME type, documents, archived, PDFs with text, bytes
    documents: list[tuple[str, int, int, int, int]] = field(default_factory=list)


def _stats(raw: str | None) -> dict:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _stat(stats: dict, name: str) -> int | None:
    for key in STAT_KEYS[name]:
        value = stats.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
    return None


def collect(conn: sqlite3.Connection) -> ReportData:
    q = lambda sql, *p: conn.execute(sql, p).fetchall()  # noqa: E731
    d = ReportData()
    d.totals = {
        "articles": q("SELECT count(*) FROM articles")[0][0],
        "crawls": q("SELECT count(*) FROM crawls")[0][0],
        "captures": q("SELECT count(*) FROM captures")[0][0],
        "errors": q("SELECT count(*) FROM errors")[0][0],
        "categories": q("SELECT count(*) FROM categories")[0][0],
        "images": q("SELECT count(*) FROM images")[0][0],
    }
    if q("SELECT 1 FROM sqlite_master WHERE name = 'article_versions'"):
        d.totals["article versions"] = q("SELECT count(*) FROM article_versions")[0][0]
    d.months = [tuple(r) for r in q(
        "SELECT substr(published_at, 1, 7) AS m, sum(date_is_bulk_import = 0),"
        " sum(date_is_bulk_import = 1) FROM articles WHERE published_at IS NOT NULL"
        " GROUP BY m ORDER BY m")]
    d.event_months = [tuple(r) for r in q(
        "SELECT substr(event_date, 1, 7) AS m, count(*) FROM articles"
        " WHERE date_is_bulk_import = 1 AND event_date IS NOT NULL GROUP BY m ORDER BY m")]
    d.categories = [tuple(r) for r in q(
        "SELECT c.slug, coalesce(c.name, c.slug), count(ac.article_id) AS n FROM categories c"
        " LEFT JOIN article_categories ac ON ac.category_id = c.id"
        " GROUP BY c.id ORDER BY n DESC, c.slug")]
    versions = bool(q("SELECT 1 FROM sqlite_master WHERE name = 'article_versions'"))
    for r in q("SELECT id, started_at, ended_at, status, stats_json,"
               " (SELECT count(*) FROM captures WHERE crawl_id = crawls.id),"
               " (SELECT count(*) FROM errors WHERE crawl_id = crawls.id)"
               " FROM crawls ORDER BY id"):
        stats = _stats(r[4])
        if versions:
            # first versions are new articles, later ones changed articles, by the crawl
            # whose capture they were parsed from
            new, changed = q(
                "SELECT coalesce(sum(v.version = 1), 0), coalesce(sum(v.version > 1), 0)"
                " FROM article_versions v JOIN captures c ON c.id = v.capture_id"
                " WHERE c.crawl_id = ?", r[0])[0]
        else:
            new, changed = _stat(stats, "new"), _stat(stats, "changed")
            if new is None and r[1]:
                new = q("SELECT count(*) FROM articles WHERE first_seen_at >= ?"
                        " AND (? IS NULL OR first_seen_at <= ?)", r[1], r[2], r[2])[0][0]
        d.crawls.append(CrawlRow(id=r[0], started_at=r[1], status=r[3], pages=r[5], new=new,
                                 changed=changed, errors=r[6]))
    d.statuses = [(str(s) if s is not None else "none", n) for s, n in q(
        "SELECT status, count(*) FROM captures GROUP BY status ORDER BY status IS NULL, status")]
    d.error_kinds = [tuple(r) for r in q(
        "SELECT kind, count(*) AS n FROM errors GROUP BY kind ORDER BY n DESC, kind")]
    if q("SELECT 1 FROM sqlite_master WHERE name = 'documents'"):
        d.totals["documents"] = q("SELECT count(DISTINCT url) FROM documents")[0][0]
        d.documents = [tuple(r) for r in q(
            "SELECT coalesce(mime_type, 'not archived'), count(*), count(capture_id),"
            " sum(text IS NOT NULL), coalesce(sum(size), 0)"
            " FROM (SELECT url, max(mime_type) AS mime_type, max(capture_id) AS capture_id,"
            "       max(text) AS text, max(size) AS size FROM documents GROUP BY url)"
            " GROUP BY 1 ORDER BY 2 DESC, 1")]
    order = list(DATE_TRUST_MEANING)
    trust = dict(q(f"SELECT {DATE_TRUST_SQL.format(a='a')} AS t, count(*) FROM articles a GROUP BY t"))
    d.date_trust = [(t, trust.get(t, 0), DATE_TRUST_MEANING[t]) for t in order]
    return d
