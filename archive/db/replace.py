"""Build a database beside the live one, then swap it in without ever losing the old one.

``temp_db_path(target)`` names the file to build; ``replace_database(tmp,
target)`` keeps the current database as ``<name>.bak-<UTC stamp>`` (a hard
link, so the live file is never absent) and renames the new one over it in one
``os.replace``. The old database's ``-wal``/``-shm`` files travel with the
backup: a stale write-ahead log must never meet the new file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from archive.fsutil import fsync_dir as _fsync_dir

SIDE_FILES = ("-wal", "-shm", "-journal")


def temp_db_path(target: Path) -> Path:
    return target.with_name(f"{target.name}.reindex-{os.getpid()}.tmp")


def remove_db(path: Path) -> None:
    """Delete a database file and its side files (a failed build)."""
    for suffix in ("", *SIDE_FILES):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def close_built(conn: sqlite3.Connection) -> None:
    """Leave the built database as one self-contained file."""
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.close()


def _checkpoint(path: Path) -> None:
    try:
        conn = sqlite3.connect(path, timeout=10)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # a damaged database is backed up as it is, side files included


def _backup_name(target: Path) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    backup = target.with_name(f"{target.name}.bak-{stamp}")
    n = 1
    while backup.exists():
        n += 1
        backup = target.with_name(f"{target.name}.bak-{stamp}-{n}")
    return backup


def replace_database(tmp: Path, target: Path) -> Path | None:
    """Put ``tmp`` in place of ``target``; return the backup of the old one (or None)."""
    backup = None
    if target.exists():
        _checkpoint(target)
        backup = _backup_name(target)
        try:
            os.link(target, backup)
        except OSError:
            shutil.copy2(target, backup)
        for suffix in SIDE_FILES:
            side = Path(f"{target}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{backup}{suffix}"))
    os.replace(tmp, target)
    _fsync_dir(target.parent)
    return backup
