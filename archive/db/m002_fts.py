"""Migration 2: full-text index over articles (title, lead, body) for Vietnamese search.

``articles_fts`` is an FTS5 table with *external content* (``articles``): the
index holds the **folded** text (``pa_fold`` = ``archive.text.fold``: lower
case, no diacritics, đ → d), while ``snippet()``/``highlight()`` read the
original text from ``articles`` — folding keeps every token in place, so the
marks land on the original, diacritic words.

Triggers keep the index in sync on every insert, update and delete of an
article (``INSERT OR REPLACE`` too: ``open_db`` turns ``recursive_triggers``
on). They call ``pa_fold``, which ``archive.db.open_db`` registers on every
connection; a connection without it (the ``sqlite3`` shell, a foreign tool)
can read the archive but cannot write to ``articles``.

Never run FTS5's own ``'rebuild'`` command on this table: it would index the
unfolded text. Use ``archive.research.search.rebuild_index(conn)``.
"""

from archive.db.migrations import run_script

VERSION = 2
NAME = "full-text search"

FTS_SCHEMA = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, lead, body_text,
    content="articles", content_rowid="id",
    tokenize='unicode61 remove_diacritics 2'
);

CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO articles_fts(rowid, title, lead, body_text)
    VALUES (new.id, pa_fold(new.title), pa_fold(new.lead), pa_fold(new.body_text));
END;

CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, lead, body_text)
    VALUES ('delete', old.id, pa_fold(old.title), pa_fold(old.lead), pa_fold(old.body_text));
END;

CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, title, lead, body_text ON articles BEGIN
    INSERT INTO articles_fts(articles_fts, rowid, title, lead, body_text)
    VALUES ('delete', old.id, pa_fold(old.title), pa_fold(old.lead), pa_fold(old.body_text));
    INSERT INTO articles_fts(rowid, title, lead, body_text)
    VALUES (new.id, pa_fold(new.title), pa_fold(new.lead), pa_fold(new.body_text));
END;

INSERT INTO articles_fts(rowid, title, lead, body_text)
SELECT id, pa_fold(title), pa_fold(lead), pa_fold(body_text) FROM articles;
"""


def apply(conn):
    run_script(conn, FTS_SCHEMA)
