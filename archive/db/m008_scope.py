"""Migration 8: the site's origins and aliases, every skipped URL, and ``noarchive`` captures.

- ``origins``: each origin (scheme://host[:port]) the archive knows as the
  portal's own, with the primary origin its stored URLs use
  (``archive.origins``); later crawls read it, so an alias given once holds.
- ``skips``: every URL a crawl decided not to fetch, with the reason and the
  page that linked it (robots.txt, too long, off-site, other port, bad URL,
  noarchive when honoured); one row per crawl, URL and reason.
- ``captures.noarchive``: 1 when the response asked not to be archived
  (``X-Robots-Tag`` or ``<meta name="robots">`` with ``noarchive``); it is
  archived anyway unless ``PORTAL_HONOUR_NOARCHIVE`` is set.
"""

from archive.db.migrations import run_script

VERSION = 8
NAME = "origins, skips and noarchive captures"

SCHEMA = """
CREATE TABLE IF NOT EXISTS origins (
    origin TEXT PRIMARY KEY,
    canonical TEXT NOT NULL,
    first_crawl_id INTEGER REFERENCES crawls(id),
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS skips (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    url TEXT NOT NULL,
    reason TEXT NOT NULL,
    referrer TEXT,
    detail TEXT,
    at TEXT NOT NULL,
    UNIQUE (crawl_id, url, reason)
);
CREATE INDEX IF NOT EXISTS skips_crawl_reason ON skips(crawl_id, reason);
ALTER TABLE captures ADD COLUMN noarchive INTEGER NOT NULL DEFAULT 0;
"""


def apply(conn):
    run_script(conn, SCHEMA)
