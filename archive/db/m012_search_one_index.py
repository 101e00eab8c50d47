"""Migration 12: one full-text index for accent-aware search, half the size of two.

Migration 10's two indexes (``articles_fts`` folded, ``articles_fts_exact`` exact) held
every word twice, with its positions: 2.08 × the folded index alone. This migration
replaces both with one FTS5 table, ``articles_fts`` (``title``, ``lead``, ``body_text``,
``author``, ``source``; external content ``articles``), whose terms each hold both keys
of a word (``pa_index`` = ``archive.text.index_text``): its fold, U+E000, then its exact
key when that differs — ``Đà Nẵng`` is indexed as ``da\\ue000đà nang\\ue000nẵng``, ``ma`` as
``ma\\ue000``. A word typed with marks is its exact term; a word typed without is the
prefix ``fold\\ue000*`` (every reading), each in its place in a phrase
(``archive.research.search_query``), so the answers are those of migration 10's pair.

The tokenizer keeps marks (``unicode61 remove_diacritics 0``; U+E000, a private-use
character, is a token character to it). ``content='articles'`` is written with single
quotes on purpose, as in migration 10: Datasette's own full-text search does not
recognise it, and the archive's plugin runs the archive's search instead.

Triggers keep the index in sync (``open_db`` registers ``pa_index``). Never run FTS5's
``'rebuild'`` on it; use ``archive.research.search.rebuild_index``.
"""

from archive.db.migrations import run_script

VERSION = 12
NAME = "accent-aware search: one full-text index holding both keys of every word"

TABLE = "articles_fts"
COLUMNS = ("title", "lead", "body_text", "author", "source")
FUNCTION = "pa_index"
TOKENIZE = "unicode61 remove_diacritics 0"


def _values(row: str) -> str:
    return ", ".join(f"{FUNCTION}({row}.{c})" for c in COLUMNS)


_COLS = ", ".join(COLUMNS)

SCHEMA = f"""
DROP TRIGGER IF EXISTS articles_fts_insert;
DROP TRIGGER IF EXISTS articles_fts_delete;
DROP TRIGGER IF EXISTS articles_fts_update;
DROP TRIGGER IF EXISTS articles_fts_exact_insert;
DROP TRIGGER IF EXISTS articles_fts_exact_delete;
DROP TRIGGER IF EXISTS articles_fts_exact_update;
DROP TABLE IF EXISTS articles_fts;
DROP TABLE IF EXISTS articles_fts_exact;

CREATE VIRTUAL TABLE {TABLE} USING fts5(
    {_COLS},
    content='articles', content_rowid='id',
    tokenize='{TOKENIZE}'
);

CREATE TRIGGER {TABLE}_insert AFTER INSERT ON articles BEGIN
    INSERT INTO {TABLE}(rowid, {_COLS}) VALUES (new.id, {_values("new")});
END;

CREATE TRIGGER {TABLE}_delete AFTER DELETE ON articles BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_values("old")});
END;

CREATE TRIGGER {TABLE}_update AFTER UPDATE OF id, {_COLS} ON articles BEGIN
    INSERT INTO {TABLE}({TABLE}, rowid, {_COLS}) VALUES ('delete', old.id, {_values("old")});
    INSERT INTO {TABLE}(rowid, {_COLS}) VALUES (new.id, {_values("new")});
END;

INSERT INTO {TABLE}(rowid, {_COLS})
    SELECT id, {", ".join(f"{FUNCTION}({c})" for c in COLUMNS)} FROM articles;
"""


def apply(conn):
    run_script(conn, SCHEMA)
