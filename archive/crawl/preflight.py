"""Before a crawl starts: can this archive be written, now?

A crawl run by cron or systemd must fail at once, with one line, when its
archive cannot take it — not after the engine has started (a storage process
waiting on a locked database once hung for ten minutes and then reported the
previous crawl's result). ``check_archive`` runs before the crawl engine and
the storage process exist; the caller holds the crawl lock.

Checked, each within seconds: the directories can be written, the file system
has ``min_free`` bytes, the database opens, is not damaged at its schema,
is not newer than this tool, and no other program holds a write lock on it.
"""

from __future__ import annotations

import shutil
import sqlite3

from archive.db import open_db
from archive.errors import ArchiveError, from_os_error, from_sqlite_error
from archive.layout import ArchiveLayout
from archive.parser.profile import load_archive_profile

LOCK_WAIT_MS = 2000  # another program's write transaction: wait this long, then fail


def check_archive(layout: ArchiveLayout, *, min_free: int = 0,
                  lock_wait_ms: int = LOCK_WAIT_MS) -> None:
    """Raise one ``ArchiveError`` (with what to do) if a crawl cannot write ``layout``."""
    layout.create()
    load_archive_profile(layout.root)   # a broken parser-profile.toml stops the crawl here
    try:
        free = shutil.disk_usage(layout.root).free
    except OSError as exc:
        raise from_os_error(exc, str(layout.root)) or ArchiveError(
            f"cannot read the free space of {layout.root} ({exc}) — check the archive directory") from exc
    if min_free > 0 and free < min_free:
        raise ArchiveError(
            f"only {free} bytes free on the file system of {layout.root}, below "
            f"PORTAL_MIN_FREE_SPACE ({min_free}) — free some space (or move the archive) and run "
            "again; nothing was crawled")
    conn = open_db(layout.db, busy_timeout_ms=lock_wait_ms)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        conn.execute("SELECT max(id) FROM crawls").fetchone()
        conn.execute("BEGIN IMMEDIATE")  # the write lock a crawl needs: free now?
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, layout.db) from exc
    finally:
        conn.close()
