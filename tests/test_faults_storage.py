"""Storage faults: a disk filling up mid-crawl, a read-only archive directory.

Real file systems: a small tmpfs for the full disk, a read-only bind mount for
the read-only archive (both need root or a user+mount namespace; they fail
without, saying how to run them: ``conftest.require_root``).
"""

from __future__ import annotations

import json
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from clirun import run_cli
from conftest import require_root
from faultnet import crawl, crawl_log, open_db, replica

pytestmark = pytest.mark.slow


def _run(*cmd: str) -> bool:
    return subprocess.run(cmd, capture_output=True).returncode == 0


@contextmanager
def tmpfs(path: Path, size: str):
    require_root("mounting a small tmpfs")
    path.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)):
        pytest.fail("cannot mount a tmpfs here, although running as root")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


@contextmanager
def read_only(path: Path):
    require_root("a read-only bind mount")
    if not (_run("mount", "--bind", str(path), str(path))
            and _run("mount", "-o", "remount,ro,bind", str(path))):
        _run("umount", str(path))
        pytest.fail("cannot make a read-only bind mount here, although running as root")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


def test_disk_full_ends_the_crawl_cleanly_and_the_archive_verifies(tmp_path):
    with tmpfs(tmp_path / "small", "12m") as fs:
        archive = fs / "archive"
        with replica(600, "") as site:
            proc = crawl(archive, site.url, "PORTAL_MIN_FREE_SPACE=9000000")
        log = crawl_log(archive)
        assert proc.returncode == 1, proc.stdout + proc.stderr[-2000:]
        assert "disk-full" in proc.stdout + proc.stderr
        assert "Traceback" not in proc.stderr and "Traceback" not in log
        with open_db(archive) as db:
            status, stats = db.execute("SELECT status, stats_json FROM crawls").fetchone()
            error = db.execute("SELECT kind, message FROM errors").fetchone()
            articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
        assert status == "failed" and json.loads(stats)["finish_reason"] == "disk-full"
        assert error["kind"] == "disk-full" and "PORTAL_MIN_FREE_SPACE" in error["message"]
        assert 0 < articles < 600
        assert not list((archive / "warc").glob("*.open"))  # every WARC closed
        if run_cli("verify", "--help", check=False).returncode == 0:
            check = run_cli("verify", "--archive", str(archive), check=False)
            assert check.returncode == 0, check.stdout + check.stderr


def test_read_only_archive_gives_one_clear_line(tmp_path):
    root = tmp_path / "ro"
    (root / "existing").mkdir(parents=True)
    with read_only(root):
        for target in (root / "existing", root / "new"):
            proc = run_cli("crawl", "--archive", str(target), "--start-url", "http://127.0.0.1:9/",
                           check=False)
            assert proc.returncode == 1, proc.stdout + proc.stderr
            lines = [x for x in proc.stderr.splitlines() if x.strip()]
            assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
            assert "Read-only" in lines[0] or "read-only" in lines[0]
            assert "Traceback" not in proc.stderr


def test_disk_full_without_the_guard_still_ends_cleanly(tmp_path):
    with tmpfs(tmp_path / "tiny", "3m") as fs:
        archive = fs / "archive"
        with replica(300, "") as site:
            proc = crawl(archive, site.url, "PORTAL_MIN_FREE_SPACE=0")
        assert proc.returncode == 1
        assert "Traceback" not in proc.stderr + crawl_log(archive)
        check = run_cli("verify", "--archive", str(archive), check=False)
        left_open = list((archive / "warc").glob("*.open"))
        if not left_open:
            assert check.returncode == 0, check.stdout + check.stderr
            return
        # where the disk filled inside a WARC write, the file could not be closed: verify names
        # that file (left open, its cut tail) and nothing else; the next crawl recovers it
        defects = [ln for ln in check.stdout.splitlines()
                   if ln.strip() and not ln.startswith(("note:", " ")) and "checked in" not in ln]
        assert check.returncode == 1 and defects, check.stdout
        assert all(left_open[0].name in ln for ln in defects), check.stdout
        assert any("left open by a killed crawl" in ln for ln in defects), check.stdout
