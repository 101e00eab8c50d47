"""kill -9 a real crawl, then the next crawl recovers the archive and verify finds it sound."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.layout import ArchiveLayout

pytestmark = pytest.mark.slow
CLI = str(Path(sys.executable).with_name("portal-archive"))
FAST = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "CONCURRENT_REQUESTS=16",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "PORTAL_WARC_MAX_SIZE=300000"]
POSTS = 200


def captures(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_killed_crawl_is_recovered(tmp_path):
    from crawler.replica_process import ReplicaProcess
    from replica import DEFAULT_SEED

    layout = ArchiveLayout(tmp_path / "a")
    with ReplicaProcess(posts=POSTS, seed=DEFAULT_SEED) as replica:
        cmd = [CLI, "crawl", "--archive", str(layout.root), "--start-url", replica.url, *FAST]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            if captures(layout.db) >= 150 and list(layout.warc_dir.glob("*.open")):
                break
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert list(layout.warc_dir.glob("*.warc.gz.open"))

        res = subprocess.run([CLI, "verify", "--archive", str(layout.root)], capture_output=True, text=True)
        assert res.returncode == 1 and "left open by a killed crawl" in res.stdout

        res = subprocess.run(cmd, capture_output=True, text=True)
        assert res.returncode == 0, res.stdout + res.stderr[-2000:]

    assert not list(layout.warc_dir.glob("*.open"))
    res = subprocess.run([CLI, "verify", "--archive", str(layout.root)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    conn = sqlite3.connect(layout.db)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == POSTS
    conn.close()
    # the recovered archive's rows are what its WARC files give: reindex and import agree
    from reindex_compare import assert_rebuild_and_import_match

    assert_rebuild_and_import_match(layout.root, tmp_path)
