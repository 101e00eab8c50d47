"""Run Datasette on an archive: read-only, on loopback, with the archive's metadata and functions.

The archive is live: a nightly crawl may write it while a researcher's
Datasette stays up for weeks. So Datasette opens it in its ordinary read-only
mode (``file:…?mode=ro``), never immutable (``-i``: Datasette would then trust
a file that changes under it, and answer "database disk image is malformed"
and stale counts), and ``serve`` never checkpoints or truncates the WAL: that
belongs to the crawl's own connection. Each query sees what the crawl had
committed when it began. Limits keep a heavy query from holding the server:
``SQL_TIME_LIMIT_MS`` per query, ``MAX_RETURNED_ROWS`` per page.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.db import open_db
from archive.errors import ArchiveError, NotAnArchive
from archive.layout import ArchiveLayout
from archive.ports import check_free
from archive.research.datasette_meta import build_metadata, table_columns

PLUGIN_STUB = ("from archive.research.datasette_plugin import (  # noqa: F401\n"
               "    filters_from_request, prepare_connection)\n")


class DatasetteMissing(ArchiveError):
    pass


SQL_TIME_LIMIT_MS = 5000   # a query running longer is cancelled with a message
MAX_RETURNED_ROWS = 1000   # rows per page of a query or table (the JSON API pages on)


def prepare(layout: ArchiveLayout, workdir: Path) -> list[str]:
    """Write metadata and plugin into ``workdir``; return Datasette's arguments."""
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
    return [str(layout.db),  # mutable: read with mode=ro, never -i
            "--metadata", str(workdir / "metadata.json"), "--plugins-dir", str(plugins),
            "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
            "--setting", "max_returned_rows", str(MAX_RETURNED_ROWS)]


def datasette_command(layout: ArchiveLayout, workdir: Path, *, port: int = 8001,
                      host: str = "127.0.0.1") -> list[str]:
    args = prepare(layout, workdir)
    return [sys.executable, "-m", "datasette", "serve", *args, "--host", host, "--port", str(port)]


def serve(layout: ArchiveLayout, *, port: int = 8001, host: str = "127.0.0.1",
          announce=None) -> int:
    """Run Datasette in the foreground until it stops (Ctrl-C); return its exit code.

    The port and the database are checked first (one ``ArchiveError`` each);
    ``announce()`` is called once Datasette is about to start."""
    check_free(host, port, "serve")
    with tempfile.TemporaryDirectory(prefix="portal-archive-datasette-") as tmp:
        cmd = datasette_command(layout, Path(tmp), port=port, host=host)
        if announce:
            announce()
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
