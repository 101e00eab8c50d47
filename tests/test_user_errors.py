"""Every command meets the mistakes and accidents of real use with one line: no
traceback, one ``error:`` line on stderr, the documented exit code, within 10 s.

Real inputs only: a database locked by another connection's ``BEGIN EXCLUSIVE``,
damaged database files, a schema from the future, a full tmpfs, a read-only bind
mount, ports held by a listening socket, an unused loopback port and a
``.invalid`` host name (no traffic beyond loopback)."""

from __future__ import annotations

import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from test_incremental_kit import FAST, DayReplica, crawl, free_port

pytestmark = pytest.mark.slow

EXIT_FATAL, EXIT_UNREACHABLE = 1, 69


def cli(*args: str, timeout: float = 60) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL,
                          env=dict(os.environ, PYTHONUNBUFFERED="1"))
    return proc, time.monotonic() - started


def one_line(proc, code: int, seconds: float, *, limit: float = 10.0, says: str = "") -> str:
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    assert proc.returncode == code, (proc.returncode, proc.stderr[-2000:])
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr[-2000:]
    assert seconds < limit, f"took {seconds:.1f} s"
    assert says.lower() in lines[0].lower(), lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def site():
    with DayReplica(free_port(), 40, 3, 0) as replica:
        yield replica


@pytest.fixture(scope="module")
def good(site, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("good") / "archive"
    crawl(root, site.url)
    return root


def copy(good: Path, tmp_path: Path, name: str = "archive") -> Path:
    dest = tmp_path / name
    shutil.copytree(good, dest)
    return dest


def damage_header(root: Path) -> None:
    with open(root / "archive.sqlite", "r+b") as f:
        f.write(b"this is not a database at all " * 4)


def damage_pages(root: Path) -> None:
    """Keep the 100-byte header, overwrite the schema and table pages."""
    db = root / "archive.sqlite"
    with open(db, "r+b") as f:
        f.seek(100)
        f.write(os.urandom(min(db.stat().st_size - 100, 200_000)))


def crawls(root: Path) -> int:
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM crawls").fetchone()[0]
    finally:
        conn.close()


def _sh(*cmd: str) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}: {proc.stderr} (root needed: run the suite as root)"


@contextmanager
def tmpfs(path: Path, size: str = "2m"):
    path.mkdir(parents=True, exist_ok=True)
    _sh("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path))
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


@contextmanager
def read_only(path: Path):
    _sh("mount", "--bind", str(path), str(path))
    try:
        _sh("mount", "-o", "remount,ro,bind", str(path))
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def fill(fs: Path) -> None:
    """Write until the file system is full (unbuffered: no flush can fail at close)."""
    with open(fs / "filler", "wb", buffering=0) as f:
        for size in (65536, 4096, 1):
            try:
                while True:
                    f.write(b"\0" * size)
            except OSError:
                pass


# -- crawl: the archive cannot be opened -------------------------------------------------
def test_crawl_with_a_database_locked_by_another_program(good, site, tmp_path):
    root = copy(good, tmp_path)
    before = crawls(root)
    holder = sqlite3.connect(root / "archive.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        proc, secs = cli("crawl", "--archive", str(root), "--start-url", site.url, *FAST)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    one_line(proc, EXIT_FATAL, secs, says="locked by another program")
    assert crawls(root) == before  # nothing started, no row of a crawl that never ran


@pytest.mark.parametrize("damage", [damage_header, damage_pages], ids=["header", "pages"])
def test_crawl_on_a_damaged_database(good, site, tmp_path, damage):
    root = copy(good, tmp_path)
    damage(root)
    proc, secs = cli("crawl", "--archive", str(root), "--start-url", site.url, *FAST)
    one_line(proc, EXIT_FATAL, secs, says="portal-archive reindex")


def test_crawl_on_a_schema_newer_than_the_tool(good, site, tmp_path):
    root = copy(good, tmp_path)
    conn = sqlite3.connect(root / "archive.sqlite")
    with conn:
        conn.execute("INSERT INTO migrations VALUES (9999, 'from the future', '2031-01-01')")
    conn.close()
    proc, secs = cli("crawl", "--archive", str(root), "--start-url", site.url, *FAST)
    one_line(proc, EXIT_FATAL, secs, says="upgrade portal-archive")


def test_crawl_on_a_full_disk(site, tmp_path):
    """Really full (the free-space floor off): the lock file cannot even take a pid."""
    with tmpfs(tmp_path / "small", "8m") as fs:
        floor_off = ("-s", "PORTAL_MIN_FREE_SPACE=0")
        proc, _ = cli("crawl", "--archive", str(fs / "archive"), "--start-url", site.url, *FAST,
                      *floor_off, "--max-pages", "3")
        assert proc.returncode == 0, proc.stderr[-2000:]
        fill(fs)
        proc, secs = cli("crawl", "--archive", str(fs / "archive"), "--start-url", site.url, *FAST,
                         *floor_off)
        one_line(proc, EXIT_FATAL, secs)
        assert "space" in proc.stderr or "full" in proc.stderr, proc.stderr


def test_crawl_below_the_free_space_floor(good, site, tmp_path):
    root = copy(good, tmp_path)
    proc, secs = cli("crawl", "--archive", str(root), "--start-url", site.url, *FAST,
                     "-s", f"PORTAL_MIN_FREE_SPACE={2**62}")
    one_line(proc, EXIT_FATAL, secs, says="PORTAL_MIN_FREE_SPACE")


def test_crawl_into_a_read_only_archive(good, site, tmp_path):
    root = copy(good, tmp_path)
    with read_only(root):
        proc, secs = cli("crawl", "--archive", str(root), "--start-url", site.url, *FAST)
    one_line(proc, EXIT_FATAL, secs, says="writable")


# -- crawl: unreachable portal (its usage errors: tests/test_crawl_options.py) -----------
def test_crawl_whose_engine_cannot_be_built_ends(tmp_path):
    """The storage session is open when the engine fails to build (a middleware that does
    not exist passes -s validation: a dict of component paths): the session is closed, SIGTERM
    and SIGINT are given back, and the crawl ends with one line. Without that (runner's
    ``if failure:`` branch) the process hung at exit, held by its storage child, SIGTERM
    ignored: this test then timed out after 60 s."""
    root = tmp_path / "archive"
    args = ("crawl", "--archive", str(root), "--start-url", "http://127.0.0.1:9/",
            "-s", 'DOWNLOADER_MIDDLEWARES={"no.such.Middleware": 1}')
    proc, secs = cli(*args)
    one_line(proc, 1, secs, says="could not start")
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        status, stats = conn.execute("SELECT status, stats_json FROM crawls").fetchone()
    finally:
        conn.close()
    assert status == "failed" and '"finish_reason": "start-failed"' in stats
    proc, secs = cli(*args)  # the lock and the session were let go: the same failure, not exit 75
    one_line(proc, 1, secs, says="could not start")


@pytest.mark.parametrize("where", ["refused", "invalid"])
def test_crawl_of_an_unreachable_portal(tmp_path, where):
    url = f"http://127.0.0.1:{free_port()}/" if where == "refused" else "http://no-such-host.invalid/"
    proc, secs = cli("crawl", "--archive", str(tmp_path / "archive"), "--start-url", url, *FAST,
                     "-s", "PORTAL_CONTACT_URL=https://archive.example/contact")  # no contact warning
    line = one_line(proc, EXIT_UNREACHABLE, secs, limit=30.0, says="could not be reached")
    assert url in line


# -- busy ports ---------------------------------------------------------------------------
@contextmanager
def listening():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


@pytest.mark.parametrize("command", ["replica", "serve", "replay"])
def test_busy_port(good, command):
    with listening() as port:
        args = ["--port", str(port)] + ([] if command == "replica" else ["--archive", str(good)])
        proc, secs = cli(command, *args)
    one_line(proc, EXIT_FATAL, secs, says=f"127.0.0.1:{port}")


# -- every reading command on a damaged database ----------------------------------------
READERS = [("status",), ("verify",), ("search", "hai phong"),
           ("export", "--format", "csv", "-o", "{out}/x.csv"), ("report", "-o", "{out}/r.html"),
           ("wacz", "-o", "{out}/x.wacz"), ("serve", "--port", "0")]


@pytest.mark.parametrize("damage", [damage_header, damage_pages], ids=["header", "pages"])
@pytest.mark.parametrize("command", READERS, ids=[c[0] for c in READERS])
def test_damaged_database_in_every_command(good, tmp_path, command, damage):
    root = copy(good, tmp_path)
    damage(root)
    args = [a.replace("{out}", str(tmp_path)) for a in command]
    proc, secs = cli(*args, "--archive", str(root))
    one_line(proc, EXIT_FATAL, secs, says="portal-archive reindex")


# -- outputs on a read-only or full file system -----------------------------------------
@pytest.mark.parametrize("command", [("export", "--format", "csv", "-o"), ("report", "-o"),
                                     ("wacz", "-o")], ids=["export", "report", "wacz"])
def test_output_on_read_only_and_full_file_systems(good, tmp_path, command):
    out = tmp_path / "out"
    out.mkdir()
    with read_only(out):
        proc, secs = cli(*command, str(out / "file"), "--archive", str(good))
    one_line(proc, EXIT_FATAL, secs)
    with tmpfs(tmp_path / "full", "1m") as fs:
        fill(fs)
        proc, secs = cli(*command, str(fs / "file"), "--archive", str(good))
    one_line(proc, EXIT_FATAL, secs)
