"""``portal-archive status``: last crawls, counts, last errors, disk use, lock holder."""

from __future__ import annotations

import json
import os

import pytest
from clirun import run_cli
from test_incremental_kit import DayReplica, crawl, free_port

from archive.layout import ArchiveLayout
from archive.lock import CrawlLock
from archive.status import archive_status, format_status
from replica.faults import Faults

pytestmark = pytest.mark.slow

POSTS, SEED = 40, 2
RATES = "500=0.05"


def _fault_seed() -> int:
    discovery = ("/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/feed/", "/robots.txt")
    return next(s for s in range(1, 500)
                if all(Faults.parse(RATES, s).kind_for(p) is None for p in discovery))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two crawls of the same site: day 0 with permanent 500s on some URLs, then day 1."""
    root = tmp_path_factory.mktemp("status") / "archive"
    port = free_port()
    spec = f"{RATES},fails=1000,seed={_fault_seed()}"
    with DayReplica(port, POSTS, SEED, 0, "--faults", spec) as replica:
        assert crawl(root, replica.url, "-s", "RETRY_TIMES=0", check=False).returncode == 3
    with DayReplica(port, POSTS, SEED, 1, "--lastmod") as replica:
        crawl(root, replica.url)
    return root


def test_library_reports_crawls_counts_errors_and_disk(archive):
    st = archive_status(archive)
    assert st.running_pid is None
    assert [c.id for c in st.crawls] == [2, 1]
    day1, day0 = st.crawls
    assert (day0.status, day0.exit_code) == ("finished", 3) and day0.errors > 0
    assert (day1.status, day1.exit_code) == ("finished", 0)
    assert day0.new_articles > 0 and day0.fetched > POSTS
    # day 1: 2 new posts, 1 edit and 1 rename (new versions) — plus the day-0 failures retried
    assert day1.new_articles >= 2 and day1.changed_articles >= 2
    assert all(c.duration_s is not None and c.duration_s >= 0 for c in st.crawls)
    c = st.counts
    assert c["articles"] >= POSTS and c["articles_gone"] == 1 and c["crawls"] == 2
    assert c["article_versions"] >= c["articles"] + 2
    assert c["warc_files"] == 2 and c["warc_bytes"] > 0 and c["captures"] > POSTS
    assert st.errors and {e["kind"] for e in st.errors} == {"http-500"}
    assert st.disk["archive_bytes"] >= c["warc_bytes"] and st.disk["free_bytes"] > 0
    text = format_status(st)
    assert "crawl running now: no" in text and "last errors:" in text and "http-500" in text


def test_cli_text_and_json(archive):
    proc = run_cli("status", "--archive", str(archive))
    assert "last crawls:" in proc.stdout and proc.stderr == ""
    data = json.loads(run_cli("status", "--archive", str(archive), "--json").stdout)
    assert data["counts"]["crawls"] == 2 and data["crawls"][0]["exit_code"] == 0
    assert data["running_pid"] is None


def test_a_running_crawl_is_named_by_its_pid(archive):
    with CrawlLock(ArchiveLayout(archive)):
        assert archive_status(archive).running_pid == os.getpid()
        proc = run_cli("status", "--archive", str(archive))
        assert f"crawl running now: pid {os.getpid()}" in proc.stdout
    assert archive_status(archive).running_pid is None


def test_not_an_archive_is_one_error_line(tmp_path):
    proc = run_cli("status", "--archive", str(tmp_path / "nothing"), check=False)
    assert proc.returncode == 1 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "archive.sqlite" in proc.stderr
