"""The only writer of the archive database.

Every public method runs in one transaction: a crash leaves either the whole
article (row, categories, tags, images, links) or none of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from contextlib import contextmanager
from typing import Iterator

from archive import __version__
from archive.crawl import parse_health
from archive.db import documents as documents_db
from archive.db import utcnow
from archive.parser.model import Article, Term

# What an edit can change, in one place: ``content_digest`` covers exactly these
# fields, in this order, and every ``article_versions`` row stores each of them
# (column of the same name; lists as JSON arrays) — so a version can always be
# told apart from the next and restored (``archive.integrity.recover``).
# Adding a field: append it here and add its column in a new migration.
VERSIONED_TEXT = ("title", "lead", "body_text", "published_at", "author", "source", "original_url")
VERSIONED_LISTS = ("categories", "tags", "images")  # category/tag slugs, image URLs
VERSIONED = VERSIONED_TEXT + VERSIONED_LISTS


def versioned_fields(article: Article) -> dict[str, str | None | list[str]]:
    """The ``VERSIONED`` fields of ``article``: text, or the list of slugs/URLs."""
    out: dict[str, str | None | list[str]] = {name: getattr(article, name) for name in VERSIONED_TEXT}
    out["categories"] = [t.slug for t in article.categories]
    out["tags"] = [t.slug for t in article.tags]
    out["images"] = [i.url for i in article.images]
    return out


def digest_of(fields: dict) -> str:
    """``content_digest`` of ``versioned_fields`` (or of an ``article_versions`` row, lists decoded)."""
    h = hashlib.sha1()
    for name in VERSIONED:
        part = fields[name]
        h.update((",".join(part) if isinstance(part, list) else (part or "")).encode("utf-8"))
        h.update(b"\x00")
    return "sha1:" + h.hexdigest()


def content_digest(article: Article) -> str:
    """Digest of what an edit can change: title, lead, body, date, people, terms, images."""
    return digest_of(versioned_fields(article))


# crawls.status: the one vocabulary (docs/schema.md shows this table; the CLI's
# exit codes are decided from it, crawler/runner.py)
CRAWL_STATUSES = {
    "running": "under way — or killed hard: the next crawl turns it into 'killed'",
    "finished": "ran to the end",
    "interrupted": "stopped early and cleanly (signal, --max-duration, --max-pages): the next crawl resumes",
    "failed": "could not go on (disk full, storage failure…): stats_json's finish_reason says why",
    "killed": "was running when the next crawl started (SIGKILL, power cut): recovered by that crawl",
    "imported": "a WARC file of another tool (portal-archive import)",
    "reindexed": "rebuilt from the WARC files (portal-archive reindex): status, stats, pid were not in them",
}
# Scrapy close reasons of a crawl stopped early and cleanly
STOPPED_EARLY = ("shutdown", "closespider_timeout", "closespider_pagecount", "closespider_itemcount")


def crawl_status(close_reason: str) -> str:
    """The ``crawls.status`` of a crawl Scrapy closed with ``close_reason``."""
    if close_reason == "finished":
        return "finished"
    return "interrupted" if close_reason in STOPPED_EARLY else "failed"


class Store:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self._depth = 0
        self._health: dict[int, parse_health.Tally] = {}   # crawl id → articles it parsed

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Nestable transaction; only the outermost one commits."""
        if self._depth == 0:
            self.conn.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self.conn.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self.conn.execute("COMMIT")

    # -- crawls ---------------------------------------------------------------
    def start_crawl(self, start_url: str | None, settings: dict) -> int:
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO crawls(started_at, status, start_url, settings_json, pid, tool_version)"
                " VALUES (?, 'running', ?, ?, ?, ?)",
                (utcnow(), start_url, json.dumps(settings, ensure_ascii=False, sort_keys=True,
                                                 default=str), os.getpid(), __version__),
            )
            return cur.lastrowid

    def finish_crawl(self, crawl_id: int, status: str, stats: dict, exit_code: int | None = None) -> None:
        if status not in CRAWL_STATUSES:
            raise ValueError(f"crawl status {status!r} is not one of {sorted(CRAWL_STATUSES)}")
        with self.transaction():
            tally = self._health.pop(crawl_id, None)
            if tally is not None:
                parse_health.save(self.conn, crawl_id, tally)
            self.conn.execute(
                "UPDATE crawls SET ended_at=?, status=?, stats_json=?, exit_code=? WHERE id=?",
                (utcnow(), status, json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str),
                 exit_code, crawl_id),
            )

    def flush_parse_health(self) -> None:
        """Store the parse health of every crawl whose articles were saved (after a rebuild)."""
        with self.transaction():
            for crawl_id, tally in self._health.items():
                parse_health.save(self.conn, crawl_id, tally)
        self._health.clear()

    def _tally(self, article: Article, capture_id: int | None) -> None:
        if capture_id is None:
            return
        row = self.conn.execute("SELECT crawl_id FROM captures WHERE id=?", (capture_id,)).fetchone()
        if row is not None and row[0] is not None:
            self._health.setdefault(row[0], parse_health.Tally()).add(article)

    # -- captures and errors --------------------------------------------------
    def add_capture(self, crawl_id: int | None, *, url: str, status: int | None,
                    content_type: str | None, fetched_at: str, ref=None, method: str = "GET",
                    payload_length: int | None = None, record_type: str = "response",
                    refers_to_capture_id: int | None = None, truncated: str | None = None,
                    etag: str | None = None, last_modified: str | None = None,
                    noarchive: bool = False, provenance: str = "crawl") -> int:
        """Record one fetch. ``ref`` is the WARC ``RecordRef`` (or None)."""
        with self.transaction():
            cur = self.conn.execute(
                "INSERT INTO captures(crawl_id, url, method, status, content_type, fetched_at,"
                " payload_digest, payload_length, warc_file, warc_offset, warc_length, record_id,"
                " record_type, refers_to_capture_id, truncated, etag, last_modified, noarchive, provenance)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (crawl_id, url, method, status, content_type, fetched_at,
                 getattr(ref, "payload_digest", None), payload_length,
                 getattr(ref, "warc_file", None), getattr(ref, "offset", None),
                 getattr(ref, "length", None), getattr(ref, "record_id", None),
                 record_type, refers_to_capture_id, truncated, etag, last_modified,
                 int(bool(noarchive)), provenance),
            )
            capture_id = cur.lastrowid
            if status == 200 and record_type in ("response", "revisit"):
                self.conn.execute(
                    "UPDATE images SET capture_id=? WHERE url=? AND capture_id IS NULL",
                    (capture_id, url),
                )
            return capture_id

    def add_error(self, crawl_id: int | None, url: str | None, kind: str, message: str,
                  at: str | None = None) -> None:
        with self.transaction():
            self.conn.execute(
                "INSERT INTO errors(crawl_id, url, kind, message, at) VALUES (?,?,?,?,?)",
                (crawl_id, url, kind, message[:2000], at or utcnow()),
            )

    def add_skip(self, crawl_id: int | None, url: str, reason: str, referrer: str | None = None,
                 detail: str | None = None) -> None:
        """A URL this crawl decided not to fetch (one row per crawl, URL and reason)."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR IGNORE INTO skips(crawl_id, url, reason, referrer, detail, at)"
                " VALUES (?,?,?,?,?,?)",
                (crawl_id, url[:8000], reason, referrer, (detail or "")[:2000] or None, utcnow()))

    def remember_origins(self, mapping: dict, crawl_id: int | None) -> None:
        """``origin → primary origin`` of the portal (``archive.origins``); an origin
        already remembered keeps its row."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR IGNORE INTO origins(origin, canonical, first_crawl_id, added_at)"
                " VALUES (?,?,?,?)",
                [(str(o), str(p), crawl_id, utcnow()) for o, p in sorted(mapping.items())])

    # -- articles -------------------------------------------------------------
    def find_article(self, wp_post_id: int | None, url: str) -> sqlite3.Row | None:
        if wp_post_id is not None:
            row = self.conn.execute(
                "SELECT * FROM articles WHERE wp_post_id=?", (wp_post_id,)).fetchone()
            if row is not None:
                return row
        return self.conn.execute(
            "SELECT * FROM articles WHERE url=? ORDER BY wp_post_id IS NULL LIMIT 1", (url,)
        ).fetchone()

    def save_article(self, article: Article, capture_id: int | None, seen_at: str | None = None) -> int:
        """Insert or update the article (one row per WordPress post id, else per URL).

        A changed content (title, lead, body, date, terms…) adds a row to
        ``article_versions`` and ``articles`` shows the newest; unchanged
        content only moves ``last_seen_at``. A new URL for the same post id (a
        renamed slug) is kept in ``article_urls``.
        """
        seen_at = seen_at or utcnow()
        row = article.to_row()
        row["date_is_bulk_import"] = int(bool(row["date_is_bulk_import"]))
        row["content_digest"] = digest = content_digest(article)
        row["extract_sources"] = json.dumps(article.sources, sort_keys=True)
        row["capture_id"] = capture_id
        row["last_seen_at"] = seen_at
        with self.transaction():
            self._tally(article, capture_id)
            existing = self.find_article(article.wp_post_id, article.url)
            if existing is None:
                row["first_seen_at"] = seen_at
                cols = ", ".join(row)
                marks = ", ".join("?" for _ in row)
                article_id = self.conn.execute(
                    f"INSERT INTO articles({cols}) VALUES ({marks})", tuple(row.values())
                ).lastrowid
                changed = True
            else:
                article_id = existing["id"]
                changed = existing["content_digest"] != digest
                if changed:
                    sets = ", ".join(f"{c}=?" for c in row)
                    self.conn.execute(f"UPDATE articles SET {sets}, gone_at=NULL WHERE id=?",
                                      (*row.values(), article_id))
                else:
                    # metadata outside the digest (not versioned) follows the newest capture
                    # (a new theme's date line: published_raw changes, published_at does not)
                    self.conn.execute(
                        "UPDATE articles SET url=?, slug=?, last_seen_at=?, gone_at=NULL,"
                        " modified_at=?, wp_author=?, pages=?, published_raw=?,"
                        " date_is_bulk_import=?, event_date=? WHERE id=?",
                        (article.url, article.slug, seen_at, article.modified_at,
                         article.wp_author, article.pages, article.published_raw,
                         row["date_is_bulk_import"], article.event_date, article_id))
            self.conn.execute(
                "INSERT INTO article_urls(article_id, url, first_seen_at, last_seen_at) VALUES (?,?,?,?) "
                "ON CONFLICT(article_id, url) DO UPDATE SET last_seen_at=excluded.last_seen_at",
                (article_id, article.url, seen_at, seen_at))
            if changed:
                self._add_version(article_id, article, digest, capture_id, seen_at)
                self._save_terms(article_id, "categories", "article_categories", "category_id",
                                 article.categories)
                self._save_terms(article_id, "tags", "article_tags", "tag_id", article.tags)
                self._save_images(article_id, article)
                self.conn.execute("DELETE FROM links WHERE article_id=?", (article_id,))
                self.conn.executemany(
                    "INSERT INTO links(article_id, url, kind, position) VALUES (?,?,?,?)",
                    [(article_id, link.url, link.kind, i) for i, link in enumerate(article.links)],
                )
            if article.documents:
                documents_db.link_article(self.conn, article_id, article.documents)
        return article_id

    def save_document_capture(self, capture_id: int, url: str, fields: dict,
                              file_name: str | None) -> None:
        """A document was captured: its ``documents`` rows take the capture's columns."""
        with self.transaction():
            documents_db.record_capture(self.conn, capture_id, url, fields, file_name)

    def _add_version(self, article_id, article, digest, capture_id, seen_at) -> None:
        last = self.conn.execute(
            "SELECT max(version) FROM article_versions WHERE article_id=?", (article_id,)).fetchone()[0]
        fields = {k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
                  for k, v in versioned_fields(article).items()}
        cols = ("article_id", "version", *fields, "content_digest", "capture_id", "seen_at")
        self.conn.execute(
            f"INSERT INTO article_versions({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            (article_id, (last or 0) + 1, *fields.values(), digest, capture_id, seen_at))

    def touch_article(self, url: str, seen_at: str | None = None) -> bool:
        """The post at ``url`` was seen unchanged (e.g. a 304): move last_seen_at."""
        seen_at = seen_at or utcnow()
        with self.transaction():
            row = self.conn.execute(
                "SELECT article_id FROM article_urls WHERE url=? ORDER BY last_seen_at DESC LIMIT 1",
                (url,)).fetchone()
            if row is None:
                return False
            self.conn.execute("UPDATE articles SET last_seen_at=? WHERE id=?", (seen_at, row[0]))
            self.conn.execute("UPDATE article_urls SET last_seen_at=? WHERE article_id=? AND url=?",
                              (seen_at, row[0], url))
            return True

    def mark_gone(self, url: str, at: str | None = None) -> bool:
        """The post at ``url`` answers 404/410: mark it gone, keep every row."""
        at = at or utcnow()
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE articles SET gone_at=coalesce(gone_at, ?) WHERE url=? AND gone_at IS NULL",
                (at, url))
            return cur.rowcount > 0

    def _term_id(self, table: str, term: Term) -> int:
        self.conn.execute(
            f"INSERT INTO {table}(slug, name, url) VALUES (?,?,?) "
            "ON CONFLICT(slug) DO UPDATE SET name=coalesce(excluded.name, name), "
            "url=coalesce(excluded.url, url)",
            (term.slug, term.name, term.url),
        )
        return self.conn.execute(f"SELECT id FROM {table} WHERE slug=?", (term.slug,)).fetchone()[0]

    def _save_terms(self, article_id: int, table: str, join: str, key: str, terms: list[Term]) -> None:
        self.conn.execute(f"DELETE FROM {join} WHERE article_id=?", (article_id,))
        seen = set()
        for pos, term in enumerate(terms):
            term_id = self._term_id(table, term)
            if term_id in seen:
                continue
            seen.add(term_id)
            self.conn.execute(
                f"INSERT INTO {join}(article_id, {key}, position) VALUES (?,?,?)",
                (article_id, term_id, pos),
            )

    def _save_images(self, article_id: int, article: Article) -> None:
        self.conn.execute("DELETE FROM images WHERE article_id=?", (article_id,))
        for pos, image in enumerate(article.images):
            cap = self.conn.execute(
                "SELECT id FROM captures WHERE url=? AND status=200 ORDER BY id DESC LIMIT 1",
                (image.url,),
            ).fetchone()
            self.conn.execute(
                "INSERT INTO images(article_id, url, caption, position, capture_id) VALUES (?,?,?,?,?)",
                (article_id, image.url, image.caption, pos, cap[0] if cap else None),
            )
