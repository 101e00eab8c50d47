"""Migration 3: payload digests already archived, for revisit records across crawls.

One row per payload digest: the first ``response`` record that holds that
payload (its record id, target URI and WARC-Date, which a revisit record
names) and the ``captures`` row of it. A row is inserted only after the record
is flushed to its WARC file, so a row never names a record that is not there.
"""

from archive.db.migrations import run_script

VERSION = 3
NAME = "payload digests for revisits"

SCHEMA = """
CREATE TABLE payload_digests (
    digest TEXT PRIMARY KEY,
    record_id TEXT NOT NULL,
    target_uri TEXT NOT NULL,
    date TEXT NOT NULL,
    capture_id INTEGER REFERENCES captures(id) ON DELETE CASCADE
);
CREATE INDEX payload_digests_capture ON payload_digests(capture_id);
"""


def apply(conn):
    run_script(conn, SCHEMA)
