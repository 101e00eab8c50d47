"""Migration 4: recurring crawls — article versions, every URL of an article, validators.

- ``article_versions``: one row per distinct content of a post (title, lead,
  body), so an edit never overwrites what was archived; ``articles`` shows the
  newest.
- ``article_urls``: every URL a post was seen under (a renamed slug keeps its
  post id and gains a URL).
- ``captures.etag`` / ``captures.last_modified``: the validators a server
  sent, for conditional GET on the next crawl.
"""

from archive.db.migrations import run_script

VERSION = 4
NAME = "article versions, article URLs, validators"

SCHEMA = """
CREATE TABLE article_versions (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    title TEXT,
    lead TEXT,
    body_text TEXT,
    content_digest TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id),
    seen_at TEXT NOT NULL,
    UNIQUE (article_id, version)
);
CREATE INDEX article_versions_article ON article_versions(article_id);

CREATE TABLE article_urls (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (article_id, url)
);
CREATE INDEX article_urls_url ON article_urls(url);

ALTER TABLE captures ADD COLUMN etag TEXT;
ALTER TABLE captures ADD COLUMN last_modified TEXT;

INSERT INTO article_versions(article_id, version, title, lead, body_text, content_digest, capture_id, seen_at)
SELECT id, 1, title, lead, body_text, coalesce(content_digest, ''), capture_id, first_seen_at FROM articles;
INSERT INTO article_urls(article_id, url, first_seen_at, last_seen_at)
SELECT id, url, first_seen_at, last_seen_at FROM articles;
"""


def apply(conn):
    run_script(conn, SCHEMA)
