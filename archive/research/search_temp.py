"""Temporary folded/exact FTS5 index pairs, built for one kind of search on one connection.

``search --versions`` and ``document:`` queries search rows that have no permanent
index (article versions of edited posts, document text). Their pair of indexes lives
in the connection's ``temp`` schema (a read-only archive allows it), built from a
``SELECT`` and kept while the database is unchanged (``PRAGMA data_version`` and the
connection's own ``total_changes``), so
a Datasette connection or a loop of queries builds it once. Rows are deleted and
re-inserted rather than the tables dropped: a search can run inside another
statement (Datasette's ``pa_search_ids``), where ``DROP TABLE`` is refused.
"""

from __future__ import annotations

import sqlite3

_built: dict[tuple[int, str], tuple[int, int]] = {}


def _state(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes by other connections (data_version) and by this one (total_changes)."""
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def temp_index_pair(conn: sqlite3.Connection, fold_name: str, exact_name: str,
                    columns: tuple[str, ...], source_sql: str) -> None:
    """Make ``temp.<fold_name>`` / ``temp.<exact_name>`` hold ``source_sql``'s rows
    (``rowid`` then ``columns``, raw text): folded by ``pa_fold`` and exact by ``pa_exact``."""
    key = (id(conn), fold_name)
    exists = conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?",
                          (fold_name,)).fetchone() is not None
    if exists and _built.get(key) == _state(conn):
        return
    cols = ", ".join(columns)
    for name, fn, diacritics in ((fold_name, "pa_fold", 2), (exact_name, "pa_exact", 0)):
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5({cols}, "
                     f"tokenize='unicode61 remove_diacritics {diacritics}')")
        conn.execute(f"DELETE FROM temp.{name}")
        conn.execute(f"INSERT INTO temp.{name}(rowid, {cols}) SELECT rowid_, "
                     + ", ".join(f"{fn}({c}_)" for c in columns) + f" FROM ({source_sql})")
    _built[key] = _state(conn)
