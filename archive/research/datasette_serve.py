"""Run Datasette on an archive: read-only, on loopback, with the archive's metadata and functions."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.db import open_db
from archive.errors import ArchiveError, NotAnArchive
from archive.layout import ArchiveLayout
from archive.research.datasette_meta import build_metadata, table_columns

PLUGIN_STUB = ("from archive.research.datasette_plugin import (  # noqa: F401\n"
               "    filters_from_request, prepare_connection)\n")


class DatasetteMissing(ArchiveError):
    pass


def _settle_wal(db: Path) -> bool:
    """Fold a finished crawl's WAL into the main file; True if the file is now safe to open immutable."""
    wal = db.with_name(db.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return True
    try:
        conn = sqlite3.connect(db, timeout=1)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
    except sqlite3.Error:
        return False
    return not wal.exists() or wal.stat().st_size == 0


def prepare(layout: ArchiveLayout, workdir: Path) -> tuple[list[str], bool]:
    """Write metadata and plugin into ``workdir``; return Datasette's arguments and whether immutable."""
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise DatasetteMissing(
            "Datasette is not installed — run `pip install 'portal-archive[serve]'`"
        ) from exc
    if not layout.db.exists():
        raise NotAnArchive(f"no database at {layout.db} — run a crawl first or pass the right --archive")
    conn = open_db(layout.db, readonly=True)
    try:
        meta = build_metadata(layout.db.stem, table_columns(conn))
    finally:
        conn.close()
    (workdir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    plugins = workdir / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "portal_archive_functions.py").write_text(PLUGIN_STUB, encoding="utf-8")
    immutable = _settle_wal(layout.db)
    args = ["-i" if immutable else "", str(layout.db),
            "--metadata", str(workdir / "metadata.json"), "--plugins-dir", str(plugins),
            "--setting", "sql_time_limit_ms", "5000"]
    return [a for a in args if a], immutable


def datasette_command(layout: ArchiveLayout, workdir: Path, *, port: int = 8001,
                      host: str = "127.0.0.1") -> list[str]:
    args, _ = prepare(layout, workdir)
    return [sys.executable, "-m", "datasette", "serve", *args, "--host", host, "--port", str(port)]


def serve(layout: ArchiveLayout, *, port: int = 8001, host: str = "127.0.0.1") -> int:
    """Run Datasette in the foreground until it stops (Ctrl-C); return its exit code."""
    with tempfile.TemporaryDirectory(prefix="portal-archive-datasette-") as tmp:
        cmd = datasette_command(layout, Path(tmp), port=port, host=host)
        proc = subprocess.Popen(cmd)
        # a SIGTERM/SIGHUP to us must stop Datasette too, not leave it orphaned
        forward = lambda signum, _frame: proc.send_signal(signum)  # noqa: E731
        old = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGHUP)}
        try:
            while True:
                try:
                    return proc.wait()
                except KeyboardInterrupt:  # Ctrl-C reaches Datasette too; wait for it
                    proc.terminate()
        finally:
            for sig, handler in old.items():
                signal.signal(sig, handler)
