"""Which payloads are already archived: the digest index behind revisit records.

Use::

    index = DigestIndex(conn)
    hit = index.lookup(payload_digest(exchange.body))       # None or a DigestHit
    if hit is not None and exchange.status == 200:
        ref = writer.write_revisit(exchange, hit)           # hit has record_id, target_uri, date
        # captures row: record_type='revisit', refers_to_capture_id=hit.capture_id
    else:
        ref = writer.write_exchange(exchange)               # flushed when it returns
        capture_id = store.add_capture(..., ref=ref)
        if exchange.status == 200 and not exchange.truncated:
            index.remember(ref.payload_digest, ref, capture_id)

``remember`` must be called only after the record is written (``write_exchange``
returns after flushing), so a crash can at worst duplicate a payload, never
make a revisit point at a record that does not exist.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class DigestHit:
    digest: str
    record_id: str
    target_uri: str
    date: str
    capture_id: int | None


class DigestIndex:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def lookup(self, digest: str) -> DigestHit | None:
        row = self.conn.execute(
            "SELECT digest, record_id, target_uri, date, capture_id FROM payload_digests WHERE digest=?",
            (digest,),
        ).fetchone()
        return None if row is None else DigestHit(*tuple(row))

    def remember(self, digest: str, ref, capture_id: int | None) -> None:
        """Record that ``ref`` (a ``RecordRef``: record_id, target_uri, date) holds
        this payload. The first record of a digest stays the one revisits name."""
        self.conn.execute(
            "INSERT OR IGNORE INTO payload_digests(digest, record_id, target_uri, date, capture_id)"
            " VALUES (?,?,?,?,?)",
            (digest, ref.record_id, ref.target_uri, ref.date, capture_id),
        )

    def forget_captures(self, capture_ids: list[int]) -> int:
        """Drop digests whose original capture is gone (recovery); return how many."""
        n = 0
        for cid in capture_ids:
            n += self.conn.execute("DELETE FROM payload_digests WHERE capture_id=?", (cid,)).rowcount
        return n
