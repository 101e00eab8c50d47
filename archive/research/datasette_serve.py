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


def _check_datasette() -> None:
    try:
        import datasette  # noqa: F401
    except ImportError as exc:
        raise DatasetteMissing(
            "Datasette is not installed — run `pip install 'portal-archive[serve]'`"
        ) from exc


def _database_metadata(name: str, layout: ArchiveLayout) -> dict:
    if not layout.db.exists():
        raise NotAnArchive(f"no database at {layout.db} — run a crawl first or pass the right --archive")
    conn = open_db(layout.db, readonly=True)
    try:
        return build_metadata(name, table_columns(conn))
    finally:
        conn.close()


def _write_common(workdir: Path, meta: dict) -> list[str]:
    (workdir / "metadata.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    plugins = workdir / "plugins"
    plugins.mkdir(exist_ok=True)
    (plugins / "portal_archive_functions.py").write_text(PLUGIN_STUB, encoding="utf-8")
    return ["--metadata", str(workdir / "metadata.json"), "--plugins-dir", str(plugins),
            "--setting", "sql_time_limit_ms", str(SQL_TIME_LIMIT_MS),
            "--setting", "max_returned_rows", str(MAX_RETURNED_ROWS)]


def prepare(layout: ArchiveLayout, workdir: Path) -> list[str]:
    """Write metadata and plugin into ``workdir``; return Datasette's arguments."""
    _check_datasette()
    meta = _database_metadata(layout.db.stem, layout)
    return [str(layout.db), *_write_common(workdir, meta)]  # mutable: read with mode=ro, never -i


def prepare_sites(sites: dict[str, ArchiveLayout], workdir: Path) -> list[str]:
    """Several archives in one Datasette (``serve --all``): one database per portal, named
    after its site, plus Datasette's cross-database mode (``--crossdb``: the ``_memory``
    database with every portal attached under its name, up to ``CROSSDB_LIMIT``) and
    canned queries across the portals there."""
    _check_datasette()
    if len(sites) > CROSSDB_LIMIT:
        raise ArchiveError(f"{len(sites)} archives, but Datasette attaches at most {CROSSDB_LIMIT} "
                           "for queries across portals — serve fewer with --site NAME …")
    links = workdir / "portals"
    links.mkdir(exist_ok=True)
    meta: dict = {}
    paths = []
    for name, layout in sites.items():
        one = _database_metadata(name, layout)
        meta = {**one, "databases": {**meta.get("databases", {}), **one["databases"]}}
        link = links / f"{name}.db"  # Datasette names a database after its file; SQLite
        link.symlink_to(layout.db)   # follows the link to the real file and its WAL
        paths.append(str(link))
    meta["title"] = f"portal-archive: {len(sites)} portals"
    meta["description"] = ("One database per archived portal; `_memory` attaches them all "
                           "for queries across portals (see its canned queries).")
    meta["databases"]["_memory"] = {"queries": cross_portal_queries(list(sites))}
    return [*paths, "--crossdb", *_write_common(workdir, meta)]


CROSSDB_LIMIT = 10  # SQLite attaches at most 10 databases to one connection


def cross_portal_queries(names: list[str]) -> dict:
    def union(select: str) -> str:
        return "\nUNION ALL\n".join(select.format(db=f"[{n}]", name=n.replace("'", "''"))
                                     for n in names)

    return {
        "articles_per_portal": {
            "title": "Articles per portal",
            "description": "How many articles each portal's archive holds, and the span of their dates.",
            "sql": union("SELECT '{name}' AS portal, count(*) AS articles, min(published_at) AS first,"
                         " max(published_at) AS last FROM {db}.articles"),
        },
        "latest_across_portals": {
            "title": "Latest articles across portals",
            "sql": "SELECT * FROM (\n" + union(
                "SELECT '{name}' AS portal, published_at, title, url FROM {db}.articles") +
                "\n) ORDER BY published_at DESC LIMIT 100",
        },
        "titles_across_portals": {
            "title": "Titles containing a text, across portals",
            "description": "Case-sensitive substring of the title as stored (NFC); for accent-aware "
                           "full-text search use each portal's own search.",
            "sql": "SELECT * FROM (\n" + union(
                "SELECT '{name}' AS portal, published_at, title, url FROM {db}.articles"
                " WHERE instr(title, :text) > 0") + "\n) ORDER BY published_at DESC LIMIT 200",
        },
    }


def datasette_command(layout: ArchiveLayout | dict[str, ArchiveLayout], workdir: Path, *,
                      port: int = 8001, host: str = "127.0.0.1") -> list[str]:
    args = prepare_sites(layout, workdir) if isinstance(layout, dict) else prepare(layout, workdir)
    return [sys.executable, "-m", "datasette", "serve", *args, "--host", host, "--port", str(port)]


def serve(layout: ArchiveLayout | dict[str, ArchiveLayout], *, port: int = 8001,
          host: str = "127.0.0.1", announce=None) -> int:
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
