"""Migration 10: accent-aware search — a second full-text index that keeps every letter.

Two FTS5 indexes over the same article columns (``title``, ``lead``,
``body_text``, ``author``, ``source``), both with external content ``articles``:

- ``articles_fts`` holds the **folded** text (``pa_fold`` = ``archive.text.fold``:
  lower case, no diacritics, đ → d): a query word typed without marks matches
  every accented reading of it;
- ``articles_fts_exact`` holds the **exact** text (``pa_exact`` =
  ``archive.text.exact_key``: NFC, lower case, tone mark in one place of its
  vowel group), tokenised without removing diacritics: a query word typed with
  marks matches those letters only (``Đà`` is not ``đã``; ``hoà`` is ``hòa``).

Both keep every token in place (same token positions), so a match in one is a
match in the other once folded. This migration replaces migration 2's
``articles_fts`` (which had no ``author``/``source`` columns) and rebuilds both
indexes from ``articles``. ``content='articles'`` is written with single quotes
on purpose: Datasette's automatic full-text search (which would run a user's
words against the folded index raw) does not recognise it, and the archive's
Datasette plugin runs the archive's own search instead
(``archive.research.datasette_plugin``).

Triggers keep both in sync (``open_db`` registers ``pa_fold`` and ``pa_exact`` and
turns ``recursive_triggers`` on). Never run FTS5's ``'rebuild'`` on them; use
``archive.research.search.rebuild_index``.
"""

from archive.db.migrations import run_script

VERSION = 10
NAME = "accent-aware search: folded and exact full-text indexes"

COLUMNS = ("title", "lead", "body_text", "author", "source")


def _values(fn: str, row: str) -> str:
    return ", ".join(f"{fn}({row}.{c})" for c in COLUMNS)


def _index_sql(table: str, fn: str, remove_diacritics: int) -> str:
    cols = ", ".join(COLUMNS)
    return f"""
CREATE VIRTUAL TABLE {table} USING fts5(
    {cols},
    content='articles', content_rowid='id',
    tokenize='unicode61 remove_diacritics {remove_diacritics}'
);

CREATE TRIGGER {table}_insert AFTER INSERT ON articles BEGIN
    INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {_values(fn, "new")});
END;

CREATE TRIGGER {table}_delete AFTER DELETE ON articles BEGIN
    INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.id, {_values(fn, "old")});
END;

CREATE TRIGGER {table}_update AFTER UPDATE OF id, {cols} ON articles BEGIN
    INSERT INTO {table}({table}, rowid, {cols}) VALUES ('delete', old.id, {_values(fn, "old")});
    INSERT INTO {table}(rowid, {cols}) VALUES (new.id, {_values(fn, "new")});
END;

INSERT INTO {table}(rowid, {cols}) SELECT id, {", ".join(f"{fn}({c})" for c in COLUMNS)} FROM articles;
"""


SCHEMA = """
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TABLE IF EXISTS articles_fts;
""" + _index_sql("articles_fts", "pa_fold", 2) + _index_sql("articles_fts_exact", "pa_exact", 0)


def apply(conn):
    run_script(conn, SCHEMA)
