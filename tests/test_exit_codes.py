"""The crawl's exit codes, produced by real crawls through the CLI, against what the
shipped systemd unit counts as success (``SuccessExitStatus=``): a clean crawl,
pages that failed, a lock held by another crawl and a SIGTERM from ``systemctl
stop`` are success; an unreachable portal and an archive that cannot be opened
fail the unit (and so start its ``OnFailure=`` unit), night after night."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from test_incremental_kit import FAST, DayReplica, crawl, free_port
from test_lock_deploy import unit_value

from archive.layout import ArchiveLayout
from archive.lock import CrawlLock

pytestmark = pytest.mark.slow

UNIT = "portal-archive-crawl.service"


def unit_succeeds(code: int) -> bool:
    """systemd: 0, or a code listed in SuccessExitStatus=."""
    return code == 0 or str(code) in unit_value(UNIT, "SuccessExitStatus").split()


@pytest.fixture(scope="module")
def codes(tmp_path_factory) -> dict[str, int]:
    tmp = tmp_path_factory.mktemp("codes")
    out: dict[str, int] = {}
    with DayReplica(free_port(), 40, 4, 0) as site:
        out["clean"] = crawl(tmp / "clean", site.url, check=False).returncode
        with CrawlLock(ArchiveLayout(tmp / "clean")):
            out["another crawl runs"] = crawl(tmp / "clean", site.url, check=False).returncode
        holder = sqlite3.connect(tmp / "clean" / "archive.sqlite", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        out["database locked"] = crawl(tmp / "clean", site.url, check=False).returncode
        holder.execute("ROLLBACK")
        holder.close()
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive",
                                 str(tmp / "term"), "--start-url", site.url, *FAST,
                                 "-s", "DOWNLOAD_DELAY=0.05", "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                env=dict(os.environ, PYTHONUNBUFFERED="1"))
        while proc.poll() is None and not list((tmp / "term" / "warc").glob("*.open")):
            time.sleep(0.05)
        time.sleep(0.3)
        proc.send_signal(signal.SIGTERM)  # what `systemctl stop` sends (KillMode=mixed)
        out["SIGTERM"] = proc.wait(timeout=120)
    with DayReplica(free_port(), 40, 4, 0, "--faults", "500=0.3") as faulty:
        out["some pages failed"] = crawl(tmp / "faulty", faulty.url, "-s", "RETRY_TIMES=0",
                                         "-s", "PORTAL_RETRY_AFTER_TIMES=0", check=False).returncode
    out["portal unreachable"] = crawl(tmp / "down", f"http://127.0.0.1:{free_port()}/",
                                      check=False).returncode
    return out


def test_real_exit_codes(codes):
    assert codes == {"clean": 0, "another crawl runs": 75, "database locked": 1, "SIGTERM": 0,
                     "some pages failed": 3, "portal unreachable": 69}


@pytest.mark.parametrize("case, success", [
    ("clean", True), ("another crawl runs", True), ("SIGTERM", True), ("some pages failed", True),
    ("portal unreachable", False), ("database locked", False)])
def test_the_unit_judges_each_real_exit_code(codes, case, success):
    assert unit_succeeds(codes[case]) is success, (case, codes[case])
