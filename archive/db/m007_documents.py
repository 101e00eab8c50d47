"""Migration 7: ``documents`` — files (PDF, DOC(X), XLS(X), …) an article links to.

One row per (article, document URL); the capture columns describe the newest
``200`` capture of that URL. A document captured before any archived article
links it is kept with ``article_id`` NULL until one does (then the row moves
to the article). ``text`` holds the text extracted from a PDF (NFC) for
full-text search; ``text_status`` says why it is NULL or partial.
"""

from archive.db.migrations import run_script

VERSION = 7
NAME = "documents linked from articles"

SCHEMA = """
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    link_text TEXT,
    file_name TEXT,
    position INTEGER NOT NULL DEFAULT 0,
    mime_type TEXT,
    size INTEGER,
    sha1 TEXT,
    payload_digest TEXT,
    capture_id INTEGER REFERENCES captures(id),
    truncated TEXT,
    text TEXT,
    text_status TEXT
);
CREATE UNIQUE INDEX documents_article_url ON documents(article_id, url) WHERE article_id IS NOT NULL;
CREATE UNIQUE INDEX documents_unlinked_url ON documents(url) WHERE article_id IS NULL;
CREATE INDEX documents_url ON documents(url);
CREATE INDEX documents_capture ON documents(capture_id);
"""


def apply(conn):
    run_script(conn, SCHEMA)
