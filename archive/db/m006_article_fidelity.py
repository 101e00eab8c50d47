"""Migration 6: article fidelity on varied WordPress sites, and the parse-health table.

- ``articles.modified_at``: the post's last modification (UTC), from
  machine-readable sources only (``article:modified_time``, JSON-LD
  ``dateModified``, REST ``modified_gmt``).
- ``articles.wp_author``: the display name of the WordPress account that
  posted the article (JSON-LD author, byline link, REST).
- ``articles.pages``: how many pages the post has (``<!--nextpage-->``).
- ``parse_health``: per crawl, the share of parsed articles that got each
  field (author, source, event date, images, title from theme markup) and the
  median body length — the drift alarm compares a crawl with the recent ones.
"""

from archive.db.migrations import run_script

VERSION = 6
NAME = "modified_at, wp_author, pages; parse_health"

SCHEMA = """
ALTER TABLE articles ADD COLUMN modified_at TEXT;
ALTER TABLE articles ADD COLUMN wp_author TEXT;
ALTER TABLE articles ADD COLUMN pages INTEGER NOT NULL DEFAULT 1;

CREATE TABLE parse_health (
    crawl_id INTEGER NOT NULL REFERENCES crawls(id) ON DELETE CASCADE,
    metric TEXT NOT NULL,
    value REAL,
    articles INTEGER NOT NULL,
    PRIMARY KEY (crawl_id, metric)
);
"""


def apply(conn):
    run_script(conn, SCHEMA)
