"""SIGTERM and SIGINT stop a crawl cleanly: WARCs closed, crawl recorded as
``interrupted``, and the next run resumes and completes. SIGTERM (systemd
stopping the unit) exits 0, SIGINT (a person's Ctrl-C) 130."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from test_incremental_kit import (
    FAST,
    DayReplica,
    connect,
    crawl,
    free_port,
    last_crawl,
    live_mismatches,
    truth,
)
from test_lock_cron import warcs_sound

pytestmark = pytest.mark.slow

POSTS, SEED = 200, 7


@pytest.fixture(scope="module")
def site():
    with DayReplica(free_port(), POSTS, SEED, 0) as replica:
        yield replica


def stored(root) -> int:
    try:
        conn = connect(root)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except Exception:  # noqa: BLE001 - no database yet, or its schema is being created
        return 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_signal_stops_cleanly_and_the_next_run_resumes(tmp_path, site, signum):
    root = tmp_path / "archive"
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive", str(root),
                             "--start-url", site.url, *FAST, "-s", "DOWNLOAD_DELAY=0.02"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    while proc.poll() is None and stored(root) < 10:  # signal it in the middle of the posts
        time.sleep(0.05)
    assert proc.poll() is None, "the crawl ended before the signal"
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=120)
    code = 0 if signum == signal.SIGTERM else 130
    assert proc.returncode == code, err[-2000:]
    assert out == "" and len(err.strip().splitlines()) == 1 and "interrupted" in err, err[-2000:]
    assert ("stopped by SIGTERM" in err) == (signum == signal.SIGTERM), err
    conn = connect(root)
    row = last_crawl(conn)
    assert (row["status"], row["exit_code"]) == ("interrupted", code)
    stats = json.loads((root / "logs" / f"crawl-{row['id']:05d}.json").read_text())
    assert stats["status"] == "interrupted" and stats["exit_code"] == code
    assert 0 < conn.execute("SELECT count(*) FROM articles").fetchone()[0] < POSTS
    conn.close()
    warcs_sound(root)  # closed: no .open, every file passes warcio check

    resumed = crawl(root, site.url)
    assert resumed.returncode == 0
    conn = connect(root)
    assert last_crawl(conn)["status"] == "finished"
    assert live_mismatches(conn, truth(POSTS, SEED, 0, site.url)) == []
    assert conn.execute("SELECT count(*) - count(DISTINCT wp_post_id) FROM articles").fetchone()[0] == 0
    warcs_sound(root)
