"""Migration 9: where each capture came from, and the records an import refused.

- ``captures.provenance``: ``crawl`` (fetched by this archive's own crawls) or
  ``import`` (a record of a WARC file taken in with ``portal-archive import``).
  Which file: ``captures.warc_file`` (an ``import-*`` file for imports) and
  ``crawls`` (status ``imported``, ``settings_json`` naming the source file).
  The precedence rule (``archive.warc.rows``): for the same post, a capture of
  the portal's own crawls always wins over an imported one; among captures of
  the same provenance the newest wins.
- ``refused_records``: every record of an imported file that did not become a
  capture of the portal, with the reason — off-site (another host, a look-alike
  host), other-port, future-date (a ``WARC-Date`` after the import or after the
  file itself), bad-date, bad-url. The bytes stay in the stored WARC copy.
  ``reindex`` refuses the same records again.
"""

from archive.db.migrations import run_script

VERSION = 9
NAME = "capture provenance and refused import records"

SCHEMA = """
ALTER TABLE captures ADD COLUMN provenance TEXT NOT NULL DEFAULT 'crawl';
UPDATE captures SET provenance = 'import'
 WHERE warc_file LIKE 'import-%'
    OR crawl_id IN (SELECT id FROM crawls WHERE status = 'imported');
CREATE TABLE IF NOT EXISTS refused_records (
    id INTEGER PRIMARY KEY,
    crawl_id INTEGER REFERENCES crawls(id),
    warc_file TEXT NOT NULL,
    warc_offset INTEGER NOT NULL,
    record_id TEXT,
    target_uri TEXT,
    warc_date TEXT,
    reason TEXT NOT NULL,
    detail TEXT
);
CREATE INDEX IF NOT EXISTS refused_records_file ON refused_records(warc_file, warc_offset);
"""


def apply(conn):
    run_script(conn, SCHEMA)
