"""Open, create and migrate the archive database."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from archive.db.migrations import MIGRATIONS
from archive.errors import ArchiveError, NotAnArchive, ReadOnlyArchive, SchemaTooNew, from_sqlite_error
from archive.text import exact_key, fold, index_text

SCHEMA_VERSION = MIGRATIONS[-1][0]


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def register_functions(conn: sqlite3.Connection) -> None:
    """SQL functions the schema relies on: the full-text triggers call ``pa_index``
    (migration 12; ``pa_fold`` and ``pa_exact`` for migration 10's, which older archives
    pass through on their way up, and for hand-written SQL)."""
    conn.create_function("pa_fold", 1, fold, deterministic=True)
    conn.create_function("pa_exact", 1, exact_key, deterministic=True)
    conn.create_function("pa_index", 1, index_text, deterministic=True)


def open_db(path: str | Path, *, readonly: bool = False,
            busy_timeout_ms: int = 30000) -> sqlite3.Connection:
    """Open the database, creating and migrating it unless ``readonly``.

    ``busy_timeout_ms``: how long to wait for another writer's lock (a crawl's
    start-up check waits briefly, so a database held by another program fails
    within seconds)."""
    path = Path(path)
    if readonly:
        if not path.exists():
            raise NotAnArchive(
                f"no database at {path} — run a crawl first or pass the right --archive"
            )
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        register_functions(conn)
        if _outdated(conn):  # made by an older portal-archive: upgrade it once, then read
            conn.close()
            _upgrade(path)
            return open_db(path, readonly=True)
        return conn
    try:
        conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        register_functions(conn)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # INSERT OR REPLACE must fire the DELETE triggers that keep articles_fts in sync
        conn.execute("PRAGMA recursive_triggers=ON")
        migrate(conn)
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc) or "unable to open" in str(exc):
            raise ReadOnlyArchive(
                f"cannot open {path} for writing ({exc}) — check the archive directory's permissions"
            ) from exc
        raise from_sqlite_error(exc, path) from exc
    except sqlite3.DatabaseError as exc:
        raise from_sqlite_error(exc, path) from exc
    return conn


def _outdated(conn: sqlite3.Connection) -> bool:
    """True when the database lacks migrations this tool has (read-only check)."""
    try:
        done = {r[0] for r in conn.execute("SELECT version FROM migrations")}
    except sqlite3.DatabaseError:
        return False  # not an archive, or damaged: the caller's first query says so
    return bool(done) and max(done) < SCHEMA_VERSION


def _upgrade(path: Path) -> None:
    """Apply the missing migrations for a read-only command (search, export, serve…)."""
    try:
        open_db(path).close()
    except ArchiveError as exc:
        raise ArchiveError(
            f"{path} was made by an older portal-archive and cannot be upgraded here ({exc}) — "
            "run `portal-archive status` where the archive is writable, once, to upgrade it") from exc


def applied_versions(conn: sqlite3.Connection) -> set[int]:
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    return {r[0] for r in conn.execute("SELECT version FROM migrations")}


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply missing migrations in order; return the versions applied."""
    done = applied_versions(conn)
    if done and max(done) > SCHEMA_VERSION:
        raise SchemaTooNew(
            f"database schema version {max(done)} is newer than this tool knows "
            f"({SCHEMA_VERSION}) — upgrade portal-archive"
        )
    applied = []
    for version, name, fn in MIGRATIONS:
        if version in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            fn(conn)
            conn.execute(
                "INSERT INTO migrations(version, name, applied_at) VALUES (?, ?, ?)",
                (version, name, utcnow()),
            )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        applied.append(version)
    return applied
