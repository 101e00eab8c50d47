"""Export articles (with categories, tags and date-trust columns) to CSV, JSON Lines or Parquet.

Rows are streamed from SQLite in batches; the whole table is never in memory.
Parquet needs pyarrow (the ``parquet`` extra).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path
from typing import Iterator

from archive.errors import ArchiveError
from archive.outputs import write_output
from archive.research.search import filter_sql

FORMATS = ("csv", "jsonl", "parquet")
BATCH = 500

# What a researcher may believe about an article's date (also used by the report and the docs).
DATE_TRUST_SQL = """CASE
    WHEN {a}.published_at IS NULL THEN 'unknown'
    WHEN {a}.date_is_bulk_import = 1 THEN 'bulk-import'
    WHEN {a}.published_raw IS NULL THEN 'machine-only'
    ELSE 'displayed' END"""

DATE_TRUST_MEANING = {
    "displayed": "the date the portal shows on the page; trustworthy as the publication date",
    "bulk-import": "shown date is 26/01/2019, the day old posts were bulk-imported — "
                   "not the publication date; see event_date",
    "machine-only": "no date shown on the page; published_at comes from machine-readable "
                    "metadata only",
    "unknown": "no date found at all",
}

LIST_COLUMNS = ("categories", "category_names", "tags", "tag_names", "documents", "document_names")
COLUMNS = (
    "id", "wp_post_id", "url", "slug", "title", "lead", "body_text",
    "published_at", "published_raw", "date_is_bulk_import", "event_date", "date_trust",
    "author", "source", "original_url", "modified_at", "wp_author", "pages", *LIST_COLUMNS,
    "first_seen_at", "last_seen_at", "gone_at", "capture_id",
)
INT_COLUMNS = ("id", "wp_post_id", "date_is_bulk_import", "pages", "capture_id")


class ExportError(ArchiveError):
    pass


class MissingDependency(ArchiveError):
    pass


def _terms_sql(join: str, table: str, key: str, field: str) -> str:
    return (
        f"(SELECT json_group_array(t.{field}) FROM (SELECT x.{field} FROM {join} j"
        f" JOIN {table} x ON x.id = j.{key} WHERE j.article_id = a.id ORDER BY j.position) t)"
    )


def _documents_sql(field: str, present: bool = True) -> str:
    """The article's documents (URLs or file names) in page order, as a JSON array."""
    if not present:  # an archive read-only since before migration 7
        return "'[]'"
    return (f"(SELECT json_group_array(d.{field}) FROM (SELECT {field} FROM documents"
            f" WHERE article_id = a.id ORDER BY position) d)")


def export_sql(*, since=None, until=None, category=None, include_html=False,
               documents: bool = True) -> tuple[str, dict]:
    filters, params = filter_sql(since=since, until=until, category=category)
    cols = [
        "a.id", "a.wp_post_id", "a.url", "a.slug", "a.title", "a.lead", "a.body_text",
        "a.published_at", "a.published_raw", "a.date_is_bulk_import", "a.event_date",
        DATE_TRUST_SQL.format(a="a") + " AS date_trust",
        "a.author", "a.source", "a.original_url", "a.modified_at", "a.wp_author", "a.pages",
        _terms_sql("article_categories", "categories", "category_id", "slug") + " AS categories",
        _terms_sql("article_categories", "categories", "category_id", "name") + " AS category_names",
        _terms_sql("article_tags", "tags", "tag_id", "slug") + " AS tags",
        _terms_sql("article_tags", "tags", "tag_id", "name") + " AS tag_names",
        _documents_sql("url", documents) + " AS documents",
        _documents_sql("file_name", documents) + " AS document_names",
        "a.first_seen_at", "a.last_seen_at", "a.gone_at", "a.capture_id",
    ]
    if include_html:
        cols.append("a.body_html")
    sql = f"SELECT {', '.join(cols)} FROM articles a WHERE 1=1{filters} ORDER BY a.published_at, a.id"
    return sql, params


def iter_articles(conn: sqlite3.Connection, **filters) -> Iterator[dict]:
    """Export rows as dicts (list columns as Python lists), in published order."""
    has_documents = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='documents'").fetchone() is not None
    sql, params = export_sql(**filters, documents=has_documents)
    cur = conn.execute(sql, params)
    names = [d[0] for d in cur.description]
    while True:
        batch = cur.fetchmany(BATCH)
        if not batch:
            return
        for row in batch:
            item = dict(zip(names, row))
            for col in LIST_COLUMNS:
                item[col] = [v for v in json.loads(item[col] or "[]") if v is not None]
            yield item


def iter_portals(sources: list[tuple[str, sqlite3.Connection]], **filters) -> Iterator[dict]:
    """The articles of several archives, each row with its ``portal`` (the site's name) first."""
    for portal, conn in sources:
        for row in iter_articles(conn, **filters):
            yield {"portal": portal, **row}


def export(conn: sqlite3.Connection | list[tuple[str, sqlite3.Connection]], fmt: str,
           out: str | Path, *, since=None, until=None, category=None, include_html=False,
           force: bool = False, archive: str | Path | list | None = None) -> int:
    """Write the articles to ``out`` in ``fmt`` (``-`` for standard output); return the
    number of rows written. ``archive.outputs.write_output`` decides where it may go.

    ``conn`` may be a list of ``(portal name, connection)``: one table of every
    portal's articles, with a ``portal`` column first (``export --site``/``--all``).
    """
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format {fmt!r} — use one of {', '.join(FORMATS)}")
    filters = dict(since=since, until=until, category=category, include_html=include_html)
    many = isinstance(conn, list)
    rows = iter_portals(conn, **filters) if many else iter_articles(conn, **filters)
    columns = (["portal"] if many else []) + list(COLUMNS) + (["body_html"] if include_html else [])
    writer = {"csv": _write_csv, "jsonl": _write_jsonl, "parquet": _write_parquet}[fmt]
    if fmt == "parquet":
        _pyarrow()  # fail before creating the file
    with write_output(out, force=force, archive=archive) as tmp:
        n = writer(rows, tmp, columns)
    return n


def _write_csv(rows, path: Path, columns) -> int:
    """UTF-8 with BOM (so spreadsheet programs show the Vietnamese text right); lists joined by ``|``."""
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=columns)
        w.writeheader()
        for row in rows:
            for col in LIST_COLUMNS:
                row[col] = "|".join(row[col])
            w.writerow(row)
            n += 1
    return n


def _write_jsonl(rows, path: Path, columns) -> int:
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({c: row[c] for c in columns}, ensure_ascii=False) + "\n")
            n += 1
    return n


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise MissingDependency(
            "Parquet export needs pyarrow, which is not installed — "
            "run `pip install 'portal-archive[parquet]'` (or export --format csv/jsonl)"
        ) from exc
    return pyarrow


def _write_parquet(rows, path: Path, columns) -> int:
    pa = _pyarrow()
    import pyarrow.parquet as pq

    def typ(c):
        if c in INT_COLUMNS:
            return pa.int64()
        if c in LIST_COLUMNS:
            return pa.list_(pa.string())
        return pa.string()

    schema = pa.schema([(c, typ(c)) for c in columns])
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        batch: list[dict] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
                n += len(batch)
                batch = []
        if batch or n == 0:
            writer.write_batch(pa.RecordBatch.from_pylist(batch, schema=schema))
            n += len(batch)
    return n
