"""Temporary full-text indexes, built for one kind of search on one connection.

``search --versions`` and ``document:`` queries search rows that have no permanent
index (article versions of edited posts, document text). Their index (written like
the articles' one, migration 12: ``pa_index``) lives
in the connection's ``temp`` schema (a read-only archive allows it), built from a
``SELECT`` and kept while the database is unchanged (``PRAGMA data_version`` and the
connection's own ``total_changes``), so
a Datasette connection or a loop of queries builds it once. Rows are deleted and
re-inserted rather than the tables dropped: a search can run inside another
statement (Datasette's ``pa_search_ids``), where ``DROP TABLE`` is refused.
"""

from __future__ import annotations

import sqlite3

from archive.db.m012_search_one_index import FUNCTION, TOKENIZE

_built: dict[tuple[int, str], tuple[int, int]] = {}


def _state(conn: sqlite3.Connection) -> tuple[int, int]:
    """Changes by other connections (data_version) and by this one (total_changes)."""
    return conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes


def temp_index(conn: sqlite3.Connection, name: str, columns: tuple[str, ...],
               source_sql: str) -> None:
    """Make ``temp.<name>`` hold ``source_sql``'s rows (``rowid_`` then ``<column>_``, raw
    text), written by ``pa_index`` as the articles' index is."""
    key = (id(conn), name)
    exists = conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?",
                          (name,)).fetchone() is not None
    if exists and _built.get(key) == _state(conn):
        return
    cols = ", ".join(columns)
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{name} USING fts5({cols}, "
                 f"tokenize='{TOKENIZE}')")
    conn.execute(f"DELETE FROM temp.{name}")
    conn.execute(f"INSERT INTO temp.{name}(rowid, {cols}) SELECT rowid_, "
                 + ", ".join(f"{FUNCTION}({c}_)" for c in columns) + f" FROM ({source_sql})")
    _built[key] = _state(conn)
