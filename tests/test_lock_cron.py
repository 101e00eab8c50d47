"""Cron safety: one crawl per archive (exit 75 naming the holder), a stale lock
taken over, ``--max-pages``/``--max-duration`` stop cleanly and the next run
resumes, exit 3 when pages failed, quiet when not on a terminal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental_kit import (
    DayReplica,
    connect,
    crawl,
    free_port,
    last_crawl,
    live_mismatches,
    truth,
)

from archive.layout import ArchiveLayout
from archive.lock import CrawlLock
from archive.warc.members import walk_members
from replica.faults import Faults

pytestmark = pytest.mark.slow

POSTS, SEED = 120, 5


def warcs_sound(root: Path) -> None:
    assert not list((root / "warc").glob("*.open")), "a WARC was left open"
    warcio = Path(sys.executable).with_name("warcio")
    for f in sorted((root / "warc").glob("*.warc.gz")):
        proc = subprocess.run([str(warcio), "check", str(f)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert list(walk_members(f))


@pytest.fixture(scope="module")
def site():
    with DayReplica(free_port(), POSTS, SEED, 0) as replica:
        yield replica


def test_second_crawl_on_a_locked_archive_exits_75_naming_the_holder(tmp_path, site):
    root = tmp_path / "archive"
    with CrawlLock(ArchiveLayout(root).create()):
        proc = crawl(root, site.url, check=False)
    assert proc.returncode == 75, proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pid {os.getpid()}" in lines[0], proc.stderr
    assert not (root / "archive.sqlite").exists() or not connect(root).execute(
        "SELECT count(*) FROM crawls").fetchone()[0]


def test_a_stale_lock_of_a_dead_process_is_taken_over(tmp_path, site):
    root = tmp_path / "archive"
    layout = ArchiveLayout(root).create()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    (layout.state_dir / "crawl.lock").write_text(dead)  # left behind, nobody holds the flock
    proc = crawl(root, site.url)
    assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == ""
    assert last_crawl(connect(root))["status"] == "finished"


def _stop_then_resume(root: Path, site, *limit: str) -> None:
    proc = crawl(root, site.url, *limit, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    conn = connect(root)
    first = last_crawl(conn)
    assert first["status"] == "interrupted" and first["exit_code"] == 0
    stats = json.loads((root / "logs" / f"crawl-{first['id']:05d}.json").read_text())
    assert stats["status"] == "interrupted" and stats["exit_code"] == 0
    stopped_with = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert stopped_with < POSTS
    warcs_sound(root)
    frontier = root / "state" / "frontier.sqlite"
    assert frontier.exists()
    with sqlite3.connect(frontier) as fconn:
        queued = fconn.execute("SELECT count(*) FROM frontier WHERE state='queued'").fetchone()[0]
    # the start URLs at least: the archive opens before the engine starts (ArchiveExtension.
    # from_crawler), so the --max-duration clock no longer runs while a loaded machine starts
    # the storage process, and even a loaded machine queues before it stops
    assert queued > 0

    proc = crawl(root, site.url)
    assert proc.returncode == 0, proc.stderr[-2000:]
    conn = connect(root)
    second = last_crawl(conn)
    assert second["status"] == "finished"
    stats = json.loads((root / "logs" / f"crawl-{second['id']:05d}.json").read_text())["stats"]
    assert stats.get("frontier/resumed", 0) == queued, "the second run resumed every queued URL"
    assert live_mismatches(conn, truth(POSTS, SEED, 0, site.url)) == []
    assert conn.execute("SELECT count(*) - count(DISTINCT wp_post_id) FROM articles").fetchone()[0] == 0
    warcs_sound(root)


def test_max_pages_stops_cleanly_and_the_next_run_completes(tmp_path, site):
    _stop_then_resume(tmp_path / "archive", site, "--max-pages", "60")


def test_max_duration_stops_cleanly_and_the_next_run_completes(tmp_path, site):
    _stop_then_resume(tmp_path / "archive", site, "--max-duration", "2",
                      "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1", "-s", "CONCURRENT_REQUESTS=1",
                      "-s", "DOWNLOAD_DELAY=0.05")


def _fault_seed(rates: str) -> int:
    discovery = ("/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/feed/", "/robots.txt")
    for seed in range(1, 500):
        if all(Faults.parse(rates, seed).kind_for(p) is None for p in discovery):
            return seed
    raise AssertionError("no fault seed leaves discovery intact")


def test_exit_3_when_some_pages_failed_with_one_line(tmp_path):
    rates = "500=0.05"
    spec = f"{rates},fails=1000,seed={_fault_seed(rates)}"
    root = tmp_path / "archive"
    with DayReplica(free_port(), 40, SEED, 0, "--faults", spec) as replica:
        proc = crawl(root, replica.url, "-s", "RETRY_TIMES=0", check=False)
    assert proc.returncode == 3, proc.stderr[-2000:]
    assert proc.stdout == "" and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    conn = connect(root)
    row = last_crawl(conn)
    assert row["status"] == "finished" and row["exit_code"] == 3
    assert conn.execute("SELECT count(*) FROM errors WHERE crawl_id=? AND kind='http-500'",
                        (row["id"],)).fetchone()[0] > 0
