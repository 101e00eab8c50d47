"""The persistent crawl frontier in ``<archive>/state/frontier.sqlite``.

Every URL the crawler decides to fetch is written here before it is
scheduled, and marked done only after everything derived from it is stored
(for a post: the WARC record, the capture row and the article row). A crawl
killed with SIGKILL anywhere leaves ``queued`` rows; the next crawl starts
from them and skips what is ``done``. A crawl that finishes clears the table.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from archive.db import utcnow
from archive.layout import ArchiveLayout

SCHEMA = """
CREATE TABLE IF NOT EXISTS frontier (
    url TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL DEFAULT 0,
    meta TEXT,
    state TEXT NOT NULL DEFAULT 'queued',
    added_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS frontier_state ON frontier(state, priority DESC);
CREATE TABLE IF NOT EXISTS frontier_info (key TEXT PRIMARY KEY, value TEXT);
"""


class Frontier:
    def __init__(self, layout: ArchiveLayout, *, batch: int = 200):
        self.path: Path = layout.state_dir / "frontier.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.executescript(SCHEMA)
        self._pending: list[tuple] = []
        self._batch = batch

    # -- state of the previous crawl -------------------------------------------
    def queued(self) -> list[tuple[str, str, int, dict]]:
        rows = self.conn.execute(
            "SELECT url, kind, priority, meta FROM frontier WHERE state='queued' "
            "ORDER BY priority DESC, rowid").fetchall()
        return [(u, k, p, json.loads(m) if m else {}) for u, k, p, m in rows]

    def is_done(self, url: str) -> bool:
        row = self.conn.execute("SELECT state FROM frontier WHERE url=?", (url,)).fetchone()
        return row is not None and row[0] == "done"

    # -- recording -----------------------------------------------------------
    def add(self, url: str, kind: str, priority: int = 0, meta: dict | None = None) -> None:
        self._pending.append((url, kind, priority, json.dumps(meta) if meta else None, utcnow()))
        if len(self._pending) >= self._batch:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT OR IGNORE INTO frontier(url, kind, priority, meta, added_at) VALUES (?,?,?,?,?)",
            self._pending)
        self.conn.execute("COMMIT")
        self._pending.clear()

    def done(self, url: str) -> None:
        """Mark ``url`` finished. Flushes queued additions first, so that the
        links found on a page are persisted before the page counts as done."""
        self.flush()
        self.conn.execute(
            "INSERT INTO frontier(url, kind, state, added_at, done_at) VALUES (?, 'page', 'done', ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET state='done', done_at=excluded.done_at",
            (url, utcnow(), utcnow()))

    def done_many(self, urls: list[str]) -> None:
        """Mark several URLs finished in one transaction (after their rows committed)."""
        self.flush()
        if not urls:
            return
        now = utcnow()
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO frontier(url, kind, state, added_at, done_at) VALUES (?, 'page', 'done', ?, ?) "
            "ON CONFLICT(url) DO UPDATE SET state='done', done_at=excluded.done_at",
            [(u, now, now) for u in urls])
        self.conn.execute("COMMIT")

    def requeue(self, urls) -> None:
        """Fetch these again (recovery forgot their rows): queued, whatever their state."""
        self.flush()
        now = utcnow()
        self.conn.execute("BEGIN")
        self.conn.executemany(
            "INSERT INTO frontier(url, kind, state, added_at) VALUES (?, 'page', 'queued', ?) "
            "ON CONFLICT(url) DO UPDATE SET state='queued', done_at=NULL",
            [(u, now) for u in urls])
        self.conn.execute("COMMIT")

    def clear(self) -> None:
        """The crawl finished: nothing to resume."""
        self._pending.clear()
        self.conn.execute("DELETE FROM frontier")

    def close(self) -> None:
        self.flush()
        self.conn.close()
