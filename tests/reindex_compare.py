"""What a rebuilt database must share with the one a crawl built, row for row.

Rows are keyed by what the WARC files fix (``wp_post_id``, WARC record ids,
slugs), never by row ids. Compared:

- ``crawls``: id, start_url, settings_json, tool_version (status, stats, pid,
  exit code and exact start/end times are not in the WARC files);
- ``captures``: every column but ``id``; ``refers_to_capture_id`` as the record
  id it points at;
- ``articles``: every column but ``id``, ``first_seen_at``, ``last_seen_at``
  (the crawl stamps its clock when it saves, a rebuild the capture's WARC-Date,
  a second or so earlier), ``gone_at`` (compared as set or not: the crawl's
  clock against the 404's WARC-Date) and ``capture_id`` (compared as its record id);
- categories and tags of each article (position, slug, name, url), images
  (position, url, caption, the record id of the linked capture or None),
  links (position, url, kind), article_urls (url), article_versions (version,
  content_digest, the record id of its capture), payload_digests, documents (every column,
  the article as its post id and URL, the capture as its record id), origins (origin,
  primary origin, first crawl).
"""

from __future__ import annotations

import sqlite3

ARTICLE_SKIP = {"id", "first_seen_at", "last_seen_at", "capture_id", "gone_at"}


def _rows(conn: sqlite3.Connection, sql: str) -> list[tuple]:
    return sorted(tuple(r) for r in conn.execute(sql))


def snapshot(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    acols = [r[1] for r in conn.execute("PRAGMA table_info(articles)") if r[1] not in ARTICLE_SKIP]
    ccols = [r[1] for r in conn.execute("PRAGMA table_info(captures)")
             if r[1] not in ("id", "refers_to_capture_id")]
    out = {
        "crawls": _rows(conn, "SELECT id, start_url, settings_json, tool_version FROM crawls"),
        "captures": _rows(conn, "SELECT " + ", ".join(f"c.{c}" for c in ccols) +
                          ", o.record_id FROM captures c LEFT JOIN captures o ON o.id = c.refers_to_capture_id"),
        "articles": _rows(conn, "SELECT " + ", ".join(f"a.{c}" for c in acols) +
                          ", a.gone_at IS NOT NULL, c.record_id"
                          " FROM articles a LEFT JOIN captures c ON c.id = a.capture_id"),
        "payload_digests": _rows(conn, "SELECT digest, record_id, target_uri, date FROM payload_digests"),
    }
    for join, table, key in (("article_categories", "categories", "category_id"),
                             ("article_tags", "tags", "tag_id")):
        out[table] = _rows(conn, f"SELECT a.wp_post_id, a.url, j.position, t.slug, t.name, t.url "
                                 f"FROM {join} j JOIN articles a ON a.id = j.article_id "
                                 f"JOIN {table} t ON t.id = j.{key}")
    out["images"] = _rows(conn, "SELECT a.wp_post_id, a.url, i.position, i.url, i.caption, c.record_id "
                                "FROM images i JOIN articles a ON a.id = i.article_id "
                                "LEFT JOIN captures c ON c.id = i.capture_id")
    out["links"] = _rows(conn, "SELECT a.wp_post_id, a.url, l.position, l.url, l.kind "
                               "FROM links l JOIN articles a ON a.id = l.article_id")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "documents" in tables:
        out["documents"] = _rows(
            conn, "SELECT a.wp_post_id, a.url, d.url, d.link_text, d.file_name, d.position, d.mime_type,"
                  " d.size, d.sha1, d.payload_digest, d.truncated, d.text, d.text_status, c.record_id"
                  " FROM documents d LEFT JOIN articles a ON a.id = d.article_id"
                  " LEFT JOIN captures c ON c.id = d.capture_id")
    if "origins" in tables:  # migration 8: the site's origins, rebuilt from the warcinfo records
        out["origins"] = _rows(conn, "SELECT origin, canonical, first_crawl_id FROM origins")
    if "article_urls" in tables:
        out["article_urls"] = _rows(conn, "SELECT a.wp_post_id, u.url FROM article_urls u "
                                          "JOIN articles a ON a.id = u.article_id")
        out["article_versions"] = _rows(
            conn, "SELECT a.wp_post_id, v.version, v.content_digest, c.record_id FROM article_versions v "
                  "JOIN articles a ON a.id = v.article_id LEFT JOIN captures c ON c.id = v.capture_id")
    return out


def assert_same(built: sqlite3.Connection, rebuilt: sqlite3.Connection) -> dict[str, int]:
    """Assert both databases hold the same rows; return the row count per table."""
    a, b = snapshot(built), snapshot(rebuilt)
    for table in a:
        missing = sorted(set(a[table]) - set(b[table]))[:3]
        extra = sorted(set(b[table]) - set(a[table]))[:3]
        assert a[table] == b[table], f"{table}: missing after reindex {missing}; extra {extra}"
    return {table: len(rows) for table, rows in a.items()}
