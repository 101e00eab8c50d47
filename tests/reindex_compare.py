"""What a rebuilt database must share with the one a crawl built, row for row.

Rows are keyed by what the WARC files fix (``wp_post_id``, WARC record ids,
slugs), never by row ids. Compared:

- ``crawls``: id, start_url, settings_json, tool_version (status, stats, pid,
  exit code and exact start/end times are not in the WARC files) of the crawls
  that captured anything (a crawl killed before its first record left no file);
- ``captures``: every column but ``id``; ``refers_to_capture_id`` as the record
  id it points at;
- ``articles``: every column but ``id``; ``capture_id`` as its record id (both
  routes stamp ``first_seen_at``/``last_seen_at``/``gone_at`` with the
  capture's time: ``archive.warc.capture_rows``);
- ``errors`` written by the capture→rows rules (``capture_rows.ERROR_KINDS``:
  pages the parser failed on) — the crawl's other errors rows (timeouts,
  HTTP errors) are not in the WARC files;
- categories and tags of each article (position, slug, name, url), images
  (position, url, caption, the record id of the linked capture or None),
  links (position, url, kind), article_urls (url, first and last seen),
  article_versions (version, content_digest, seen_at, the record id of its
  capture), payload_digests, documents (every column, the article as its post
  id and URL, the capture as its record id), origins (origin, primary origin,
  first crawl).

``imported=True`` compares an archive that imported the crawl's WARC files:
the same rows, except where the import names its own files and crawls
(``captures.warc_file``, ``crawl_id``s, the ``crawls`` table), and without
``origins`` (an import does not take a file's origins as the site's).
"""

from __future__ import annotations

import sqlite3

from archive.warc.capture_rows import ERROR_KINDS

ARTICLE_SKIP = {"id", "capture_id"}


# column names of each compared table, as the last snapshot read them (for failure messages)
COLUMNS: dict[str, list[str]] = {}


def _rows(conn: sqlite3.Connection, sql: str, table: str | None = None) -> list[tuple]:
    cur = conn.execute(sql)
    if table is not None:
        COLUMNS[table] = [d[0] for d in cur.description]
    return sorted(tuple(r) for r in cur)


def snapshot(conn: sqlite3.Connection, imported: bool = False) -> dict[str, list[tuple]]:
    acols = [r[1] for r in conn.execute("PRAGMA table_info(articles)") if r[1] not in ARTICLE_SKIP]
    # an import names its own files, crawls and provenance (archive.warc.trust)
    skip = {"id", "refers_to_capture_id"} | ({"crawl_id", "warc_file", "provenance"} if imported else set())
    ccols = [r[1] for r in conn.execute("PRAGMA table_info(captures)") if r[1] not in skip]
    out = {
        "crawls": [] if imported else _rows(
            conn, "SELECT id, start_url, settings_json, tool_version FROM crawls"
                  " WHERE id IN (SELECT crawl_id FROM captures)"),
        "captures": _rows(conn, "SELECT " + ", ".join(f"c.{c}" for c in ccols) +
                          ", o.record_id AS refers_to_record"
                          " FROM captures c LEFT JOIN captures o ON o.id = c.refers_to_capture_id", "captures"),
        "articles": _rows(conn, "SELECT " + ", ".join(f"a.{c}" for c in acols) +
                          ", c.record_id AS capture_record"
                          " FROM articles a LEFT JOIN captures c ON c.id = a.capture_id", "articles"),
        "payload_digests": _rows(conn, "SELECT digest, record_id, target_uri, date FROM payload_digests",
                                 "payload_digests"),
        "errors": sorted(tuple(r) for r in conn.execute(
            "SELECT %s url, kind, message, at FROM errors WHERE kind IN (%s)"
            % ("" if imported else "crawl_id,", ",".join("?" * len(ERROR_KINDS))), ERROR_KINDS)),
    }
    for join, table, key in (("article_categories", "categories", "category_id"),
                             ("article_tags", "tags", "tag_id")):
        out[table] = _rows(conn, f"SELECT a.wp_post_id, a.url, j.position, t.slug, t.name, t.url "
                                 f"FROM {join} j JOIN articles a ON a.id = j.article_id "
                                 f"JOIN {table} t ON t.id = j.{key}", table)
    out["images"] = _rows(conn, "SELECT a.wp_post_id, a.url, i.position, i.url, i.caption, c.record_id "
                                "FROM images i JOIN articles a ON a.id = i.article_id "
                                "LEFT JOIN captures c ON c.id = i.capture_id", "images")
    out["links"] = _rows(conn, "SELECT a.wp_post_id, a.url, l.position, l.url, l.kind "
                               "FROM links l JOIN articles a ON a.id = l.article_id", "links")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "documents" in tables:
        out["documents"] = _rows(
            conn, "SELECT a.wp_post_id, a.url, d.url, d.link_text, d.file_name, d.position, d.mime_type,"
                  " d.size, d.sha1, d.payload_digest, d.truncated, d.text, d.text_status, c.record_id"
                  " FROM documents d LEFT JOIN articles a ON a.id = d.article_id"
                  " LEFT JOIN captures c ON c.id = d.capture_id", "documents")
    # migration 8: the site's origins, rebuilt from the warcinfo records (an import takes none)
    if "origins" in tables and not imported:
        out["origins"] = _rows(conn, "SELECT origin, canonical, first_crawl_id FROM origins", "origins")
    if "article_urls" in tables:
        out["article_urls"] = _rows(conn, "SELECT a.wp_post_id, u.url, u.first_seen_at, u.last_seen_at FROM article_urls u "
                                          "JOIN articles a ON a.id = u.article_id", "article_urls")
        out["article_versions"] = _rows(
            conn, "SELECT a.wp_post_id, v.version, v.content_digest, v.seen_at, c.record_id AS capture_record"
                  " FROM article_versions v"
                  " JOIN articles a ON a.id = v.article_id LEFT JOIN captures c ON c.id = v.capture_id",
            "article_versions")
    return out


def _short(row: tuple) -> tuple:
    return tuple(v[:80] + "…" if isinstance(v, str) and len(v) > 80 else v for v in row)


def _differences(table: str, missing: list[tuple], extra: list[tuple], limit: int = 5) -> str:
    """The rows only one side holds, paired by their first column (a post id, a URL)
    where both sides hold that key: for a pair only the columns that differ."""
    names = COLUMNS.get(table) or [f"col{i}" for i in range(len((missing or extra)[0]))]
    theirs: dict[object, list[tuple]] = {}
    for row in extra:
        theirs.setdefault(row[0], []).append(row)
    lines, paired = [], set()
    for row in missing:
        candidates = [r for r in theirs.get(row[0], []) if id(r) not in paired]
        if not candidates:
            lines.append(f"  only in the crawl's database: {_short(row)}")
            continue
        other = max(candidates, key=lambda r: sum(x == y for x, y in zip(row, r)))
        paired.add(id(other))
        cols = {n: (x, y) for n, x, y in zip(names, row, other) if x != y}
        lines.append(f"  {names[0]}={row[0]!r}: " + "; ".join(
            f"{n}: crawl {_short((x,))[0]!r} ≠ rebuilt {_short((y,))[0]!r}" for n, (x, y) in cols.items()))
    lines += [f"  only in the rebuilt database: {_short(r)}" for r in extra if id(r) not in paired]
    more = len(lines) - limit
    return "\n".join(lines[:limit] + ([f"  … and {more} more"] if more > 0 else []))


def assert_same(built: sqlite3.Connection, rebuilt: sqlite3.Connection,
                imported: bool = False) -> dict[str, int]:
    """Assert both databases hold the same rows; return the row count per table."""
    a, b = snapshot(built, imported), snapshot(rebuilt, imported)
    for table in a:
        if a[table] == b[table]:
            continue
        missing = sorted(set(a[table]) - set(b[table]), key=repr)
        extra = sorted(set(b[table]) - set(a[table]), key=repr)
        if not missing and not extra:  # the same rows, other counts of a repeated one
            raise AssertionError(f"{table}: the same rows, repeated a different number of times")
        raise AssertionError(f"{table} ({'import' if imported else 'reindex'}): {len(missing)} rows differ"
                             f" or are missing, {len(extra)} differ or are extra\n"
                             + _differences(table, missing, extra))
    return {table: len(rows) for table, rows in a.items()}


def assert_rebuild_and_import_match(archive, tmp_path) -> dict[str, int]:
    """``reindex`` of ``archive`` and an ``import`` of its WARC files into a new
    archive both hold the rows the crawls wrote (the CLI, as a user runs it)."""
    from clirun import run_cli

    rebuilt = tmp_path / "rebuilt.sqlite"
    run_cli("reindex", "--archive", str(archive), "--db", str(rebuilt))
    warcs = sorted(str(p) for p in (archive / "warc").glob("*.warc.gz"))
    other = tmp_path / "imported"
    crawl = sqlite3.connect(f"file:{archive / 'archive.sqlite'}?mode=ro", uri=True)
    origins = {"/".join(u.split("/")[:3]) for (u,) in crawl.execute(
        "SELECT start_url FROM crawls WHERE start_url IS NOT NULL")}
    # the import's trust boundary takes records of the archive's origins only: name the site's
    run_cli("import", *warcs, "--archive", str(other), *[a for o in sorted(origins) for a in ("--origin", o)])
    try:
        for path, imported in ((rebuilt, False), (other / "archive.sqlite", True)):
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                counts = assert_same(crawl, conn, imported=imported)
            finally:
                conn.close()
    finally:
        crawl.close()
    return counts
