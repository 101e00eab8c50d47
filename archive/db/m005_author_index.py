"""Migration 5: an index on ``articles.author`` for the search and export ``--author`` filter.

``archive.research.search`` reads the distinct author lines from this index (a skip
scan), folds each once and takes the ids of the matching posts from it, instead
of reading and folding the author of every matching article row. A database
without the index (an archive only ever opened read-only since) still searches,
testing each match's row as before.
"""

from archive.db.migrations import run_script

VERSION = 5
NAME = "author index for search filters"

SCHEMA = """
CREATE INDEX IF NOT EXISTS articles_author ON articles(author);
"""


def apply(conn):
    run_script(conn, SCHEMA)
