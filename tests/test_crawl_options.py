"""Crawl options: polite defaults, `-s` overrides, `scrapy crawl portal`, AMP switch, user agent."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import invoke_cli, run_cli

from archive.warc.read import iter_records
from crawler.replica_process import ReplicaProcess

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")
REPO = Path(__file__).resolve().parent.parent


def test_polite_defaults_for_the_real_portal(tmp_path):
    from crawler.runner import build_settings

    s = build_settings(str(tmp_path / "a"))
    assert s.get("PORTAL_START_URL") == "https://thanhphohaiphong.gov.vn/"
    assert s.getbool("ROBOTSTXT_OBEY") is True
    assert s.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 1
    assert s.getfloat("DOWNLOAD_DELAY") >= 1.0
    assert s.getbool("AUTOTHROTTLE_ENABLED") is True
    ua = s.get("USER_AGENT")
    assert ua.startswith("portal-archive/") and s.get("PORTAL_CONTACT_URL") in ua
    assert "br" not in s.getdict("DEFAULT_REQUEST_HEADERS")["Accept-Encoding"]
    assert s.getbool("PORTAL_FETCH_AMP") is False


def test_overrides_win(tmp_path):
    from crawler.runner import build_settings, parse_overrides

    s = build_settings(str(tmp_path / "a"), "http://127.0.0.1:9/",
                       parse_overrides(["DOWNLOAD_DELAY=0", "PORTAL_CONTACT_URL=https://example.org/c"]))
    assert s.getfloat("DOWNLOAD_DELAY") == 0
    assert "https://example.org/c" in s.get("USER_AGENT")
    assert s.get("PORTAL_START_URL") == "http://127.0.0.1:9/"
    with pytest.raises(ValueError):
        parse_overrides(["NOEQUALS"])


def test_bad_setting_is_a_usage_error(tmp_path):
    proc = invoke_cli("crawl", "--archive", str(tmp_path / "a"), "-s", "NOEQUALS")
    assert proc.returncode == 2
    assert "NAME=VALUE" in proc.stderr


@pytest.mark.parametrize("args", [("--start-url", "notaurl"), ("--start-url", "ftp://x.example/"),
                                  ("--start-url", "http://"), ("-s", "DOWNLOAD_DELAY"),
                                  ("--max-pages", "0")])
def test_crawl_usage_errors_leave_nothing_behind(tmp_path, args):
    """One ``error:`` line, exit 2, and no archive directory for `status` to stumble on."""
    root = tmp_path / "archive"
    proc = invoke_cli("crawl", "--archive", str(root), *args)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr[-3000:]
    assert proc.returncode == 2 and len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert not root.exists()


@pytest.mark.slow
def test_scrapy_crawl_portal_works_too(tmp_path):
    archive = tmp_path / "a"
    with ReplicaProcess(posts=15, seed=3) as replica:
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "portal", "-a", f"start_url={replica.url}",
             "-s", f"PORTAL_ARCHIVE_DIR={archive}", "-s", f"LOG_FILE={tmp_path / 'log.txt'}", *FAST],
            cwd=REPO, capture_output=True, text=True, timeout=300,
            env=dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    conn = sqlite3.connect(archive / "archive.sqlite")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 15


@pytest.mark.slow
def test_amp_switch_and_user_agent(tmp_path):
    archive = tmp_path / "a"
    with ReplicaProcess(posts=12, seed=4) as replica:
        run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *FAST,
                "-s", "PORTAL_FETCH_AMP=True", "-s", "PORTAL_CONTACT_URL=https://archive.example/contact")
    conn = sqlite3.connect(archive / "archive.sqlite")
    amp = conn.execute("SELECT count(*) FROM captures WHERE url LIKE '%/amp'").fetchone()[0]
    assert amp == 12
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 12  # AMP copies are not articles
    settings = json.loads(conn.execute("SELECT settings_json FROM crawls").fetchone()[0])
    assert settings["PORTAL_FETCH_AMP"] in (True, "True")
    warc = next((archive / "warc").glob("*.warc.gz"))
    kinds = {}
    for rec in iter_records(warc):
        kinds.setdefault(rec.rec_type, rec)
    info = kinds["warcinfo"].raw_payload.decode("utf-8")
    assert "PORTAL_FETCH_AMP" in info and "normalis" in info.lower()
    ua = kinds["request"].http_header("User-Agent")
    assert ua.startswith("portal-archive/") and "https://archive.example/contact" in ua


@pytest.mark.slow
def test_a_small_scheduler_window_still_archives_every_post(tmp_path):
    archive = tmp_path / "a"
    with ReplicaProcess(posts=60, seed=5) as replica:
        run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *FAST,
                "-s", "PORTAL_SCHEDULER_WINDOW=1")  # one at a time: posts are always held back
    conn = sqlite3.connect(archive / "archive.sqlite")
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 60
    assert conn.execute("SELECT count(*) FROM images WHERE capture_id IS NULL").fetchone()[0] == 0
    stats = json.loads(conn.execute("SELECT stats_json FROM crawls").fetchone()[0])
    assert stats["scheduler/window_backlog_max"] > 0  # posts were held back, then fed
