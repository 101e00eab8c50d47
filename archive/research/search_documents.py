"""``document:`` queries: search the text of the documents (PDF, DOC(X), …) articles link to.

``documents.text`` (migration 7) holds the text extracted from each PDF. A query whose
terms all carry ``document:`` (``document:(kế hoạch)``, ``document:"đường ven biển"``)
runs with the same rules as an article search (``search_query.plan``) on a temporary
FTS5 index (written like the articles') of the documents that have text, built for the query; a
hit is the article that links the document ("in a document of article N"). Documents
no archived article links are not shown.
"""

from __future__ import annotations

import sqlite3

from archive.research.search_filters import date_bound, filter_sql
from archive.research.search_query import plan
from archive.research.search_temp import temp_index

INDEX = "pa_documents_fts"
COLUMNS = ("text", "link_text", "file_name")


def _build_indexes(conn: sqlite3.Connection) -> None:
    temp_index(conn, INDEX, COLUMNS,
                    "SELECT id AS rowid_, text AS text_, link_text AS link_text_, "
                    "file_name AS file_name_ FROM documents "
                    "WHERE article_id IS NOT NULL AND text IS NOT NULL")


def document_matches(conn: sqlite3.Connection, query: str, *, mode: str = "auto",
                     since=None, until=None, category=None, author=None,
                     limit: int | None = 20, offset: int = 0) -> list[sqlite3.Row]:
    """(article_id, document_id, url, text, score) of the best document of each matching
    article, best first."""
    from archive.research.search import _ensure_functions, _run
    date_bound(since, "since")
    date_bound(until, "until")
    _ensure_functions(conn)
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents'").fetchone() is None:
        return []
    _build_indexes(conn)
    p = plan(conn, query, mode, INDEX)
    if p is None:
        return []
    filters, params = filter_sql(since=since, until=until, category=category, author=author)
    params.update(match=p.match, limit=-1 if limit is None else max(1, int(limit)),
                  offset=max(0, int(offset)))
    return _run(conn, f"""
        WITH m AS MATERIALIZED (
            SELECT {p.index}.rowid AS did, bm25({p.index}, 1.0, 2.0, 2.0) AS score
            FROM {p.index} WHERE {p.index} MATCH :match)
        SELECT d.article_id, d.id AS document_id, d.url, d.text, min(m.score) AS score
        FROM m JOIN documents d ON d.id = m.did JOIN articles a ON a.id = d.article_id
        WHERE 1 {filters}
        GROUP BY d.article_id
        ORDER BY score, d.article_id DESC
        LIMIT :limit OFFSET :offset""", params, query)
