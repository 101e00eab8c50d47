"""Watching and bounding a crawl: ``-s PORTAL_MAX_PAGES=N`` fetches exactly N pages
(``--max-pages`` is an article budget); off a
terminal the log gets one ``progress:`` line per ``PORTAL_PROGRESS_INTERVAL`` with a
total, a rate and an ETA; a crawl of a non-loopback site with the placeholder
contact URL warns."""

from __future__ import annotations

import sqlite3

import pytest
from test_incremental_kit import DayReplica, crawl, free_port

from crawler.progress import figures

pytestmark = pytest.mark.slow


def test_figures_total_rate_eta():
    stats = {"downloader/response_count": 90, "downloader/exception_count": 10,
             "downloader/request_count": 104, "scheduler/enqueued": 150, "scheduler/dequeued": 104,
             "item_scraped_count": 40, "log_count/ERROR": 2}
    f = figures(stats, waiting=250, elapsed=50.0)
    assert (f.done, f.total) == (100, 100 + 46 + 250 + 4)
    assert f.rate == 2.0 and f.eta == pytest.approx(150.0)
    assert f.line().startswith("progress: 100/400 fetches (25 %), 2.0 pages/s, ETA 0:02:30")


@pytest.fixture(scope="module")
def site():
    with DayReplica(free_port(), 40, 6, 0) as replica:
        yield replica


@pytest.mark.parametrize("n", [1, 3, 10])
def test_max_pages_is_exact(tmp_path, site, n):
    root = tmp_path / "archive"
    proc = crawl(root, site.url, "-s", f"PORTAL_MAX_PAGES={n}", check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    conn = sqlite3.connect(root / "archive.sqlite")
    fetched = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    status = conn.execute("SELECT status FROM crawls").fetchone()[0]
    conn.close()
    assert (fetched, status) == (n, "interrupted")


def test_progress_lines_in_the_log_off_a_terminal(tmp_path, site):
    root = tmp_path / "archive"
    proc = crawl(root, site.url, "-s", "PORTAL_PROGRESS_INTERVAL=0.2", "-s", "DOWNLOAD_DELAY=0.02",
                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1")
    assert proc.stdout == "" and proc.stderr == ""  # cron stays quiet
    log = next((root / "logs").glob("crawl-*.log")).read_text()
    lines = [ln for ln in log.splitlines() if "progress: " in ln]
    assert len(lines) >= 3, log[-3000:]
    assert "pages/s, ETA " in lines[-1] and "/" in lines[-1].split("progress: ")[1]


def test_placeholder_contact_warns_off_loopback(tmp_path):
    proc = crawl(tmp_path / "archive", "http://no-such-host.invalid/", check=False)
    assert proc.returncode == 69
    assert "PORTAL_CONTACT_URL" in proc.stderr, proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert [ln.split(":")[0] for ln in lines] == ["warning", "error"], proc.stderr
