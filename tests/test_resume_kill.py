"""Resume: a 500-post crawl killed with SIGKILL at random moments, resumed each
time, ends equal to the ground truth with sound WARCs and no duplicate rows."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from clirun import run_cli
from reindex_compare import assert_rebuild_and_import_match
from test_incremental_kit import (
    FAST,
    DayReplica,
    connect,
    crawl,
    free_port,
    live_mismatches,
    truth,
)

from archive.layout import ArchiveLayout
from archive.status import lock_holder
from archive.warc.members import walk_members

pytestmark = pytest.mark.slow

POSTS, SEED, KILLS, RNG_SEED = 500, 11, 12, 20261128


def start_crawl(root: Path, url: str, log: Path) -> subprocess.Popen:
    out = open(log, "ab")
    # paced (about 25 s for the whole site) so that every kill lands mid-crawl
    return subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive", str(root),
                             "--start-url", url, *FAST, "-s", "DOWNLOAD_DELAY=0.02"],
                            stdout=out, stderr=out,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))


def wait_unlocked(root: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while lock_holder(ArchiveLayout(root)) is not None:
        assert time.monotonic() < deadline, "the killed crawl's lock was never released"
        time.sleep(0.05)


def crawl_rows(root: Path) -> int:
    try:
        conn = connect(root)
        try:
            return conn.execute("SELECT count(*) FROM crawls").fetchone()[0]
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - no database yet, or its schema is being created
        return 0


def warc_report(root: Path) -> dict:
    files = sorted((root / "warc").glob("*.warc.gz"))
    warcio = Path(sys.executable).with_name("warcio")
    bad = []
    members = 0
    for f in files:
        proc = subprocess.run([str(warcio), "check", str(f)], capture_output=True, text=True)
        if proc.returncode != 0:
            bad.append((f.name, proc.stdout[-300:] + proc.stderr[-300:]))
        members += len(list(walk_members(f)))
    return {"files": len(files), "members": members, "bad": bad,
            "open": [p.name for p in (root / "warc").glob("*.open")]}


def test_sigkill_at_random_moments_then_resume(tmp_path):
    root = tmp_path / "archive"
    log = tmp_path / "crawls.log"
    rng = random.Random(RNG_SEED)
    moments = [round(rng.uniform(0.2, 3.0), 2) for _ in range(KILLS)]
    killed, progress = 0, []
    with DayReplica(free_port(), POSTS, SEED, 0) as replica:
        for moment in moments:
            before = crawl_rows(root)
            proc = start_crawl(root, replica.url, log)
            while crawl_rows(root) == before and proc.poll() is None:
                time.sleep(0.02)  # the moment counts from the crawl's start (its crawls row)
            try:
                proc.wait(timeout=moment)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                killed += 1
            proc.wait()
            wait_unlocked(root)
            conn = connect(root)
            progress.append(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
            conn.close()
        final = crawl(root, replica.url)
        want = truth(POSTS, SEED, 0, replica.url)
    conn = connect(root)
    articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    dup_ids = conn.execute("SELECT count(*) - count(DISTINCT wp_post_id) FROM articles").fetchone()[0]
    dup_urls = conn.execute("SELECT count(*) - count(DISTINCT url) FROM articles").fetchone()[0]
    statuses = [r[0] for r in conn.execute("SELECT status FROM crawls ORDER BY id")]
    mismatches = live_mismatches(conn, want)
    warcs = warc_report(root)
    verify = run_cli("verify", "--archive", str(root), check=False)
    print(f"\nkill-and-resume: {POSTS} posts, kill moments {moments} s, {killed} SIGKILLs, "
          f"{len(statuses)} crawls {statuses}; articles after each kill {progress}; "
          f"final: {articles} articles, {dup_ids} duplicate "
          f"post ids, {dup_urls} duplicate URLs, {len(mismatches)} mismatches with the truth; "
          f"WARC: {warcs['files']} files, {warcs['members']} gzip members, {len(warcs['bad'])} "
          f"failing warcio check, {len(warcs['open'])} .open; verify exit {verify.returncode}")
    assert killed >= 10
    assert final.returncode == 0 and statuses[-1] == "finished"
    assert articles == POSTS and dup_ids == 0 and dup_urls == 0
    assert mismatches == [], mismatches[:5]
    assert warcs["bad"] == [] and warcs["open"] == []
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
    assert statuses[:-1] == ["killed"] * (len(statuses) - 1)  # no run finished before the last
    # the killed crawls' rows are what their WARC files give: reindex and import agree
    assert_rebuild_and_import_match(root, tmp_path)


def test_records_lost_after_a_kill_are_fetched_again(tmp_path):
    """A power cut loses the end of the open WARC although its rows were committed:
    recovery forgets those rows and re-queues their URLs, the next run fetches them."""
    root = tmp_path / "archive"
    posts = 150
    with DayReplica(free_port(), posts, SEED, 0) as replica:
        proc = start_crawl(root, replica.url, tmp_path / "crawl.log")
        conn = None
        while proc.poll() is None:  # wait until a good share of the posts is stored
            time.sleep(0.1)
            try:
                conn = connect(root)
                if conn.execute("SELECT count(*) FROM articles").fetchone()[0] >= posts // 3:
                    break
            except Exception:  # noqa: BLE001 - database not created yet
                pass
            finally:
                if conn is not None:
                    conn.close()
                    conn = None
        assert proc.poll() is None, "the crawl ended too soon"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wait_unlocked(root)
        time.sleep(0.5)  # the storage process ends with its parent
        opened = list((root / "warc").glob("*.open"))
        assert len(opened) == 1
        size = opened[0].stat().st_size
        with open(opened[0], "r+b") as f:
            f.truncate(size // 2)  # the page cache never reached the disk
        final = crawl(root, replica.url)
        want = truth(posts, SEED, 0, replica.url)
    assert final.returncode == 0
    log = "\n".join(p.read_text() for p in (root / "logs").glob("crawl-*.log"))
    assert "recovered an interrupted crawl" in log
    conn = connect(root)
    assert live_mismatches(conn, want) == []
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == posts
    report = warc_report(root)
    assert report["bad"] == [] and report["open"] == []
    verify = run_cli("verify", "--archive", str(root), check=False)
    assert verify.returncode == 0, verify.stdout[-2000:] + verify.stderr[-2000:]
