"""Datasette plugin loaded by ``portal-archive serve``: the archive's SQL functions.

``pa_fold(text)`` is ``archive.text.fold``; ``pa_fts_query(query)`` turns a
user's query into the safe, folded FTS5 expression ``archive.research.search`` uses
(``'""'``, which matches nothing, when the query has no words).
"""

from __future__ import annotations

from datasette import hookimpl

from archive.research.search import fts_query
from archive.text import fold


def pa_fts_query(query):
    return fts_query(query or "") or '""'


@hookimpl
def prepare_connection(conn):
    conn.create_function("pa_fold", 1, fold, deterministic=True)
    conn.create_function("pa_fts_query", 1, pa_fts_query, deterministic=True)
