"""``portal-archive crawl --plan`` through the CLI on a real loopback replica (40 posts).

The replica is served in this process so that every request path it answers is
recorded: the plan must fetch robots.txt and sitemaps only, never a post. Then a
real crawl's fetch count is compared with the plan's estimate.

Tolerance (stated in docs/scaling.md): the estimate is within 20 % of the real
crawl's captures — a first crawl from the documented default per post, and the
next crawls from the archive's own history.
"""

from __future__ import annotations

import json
import math
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from clirun import run_cli
from test_incremental_kit import FAST, free_port

from replica.content import Corpus
from replica.server import start_server
from replica.site import Site

pytestmark = pytest.mark.slow

POSTS, SEED = 40, 1
TOLERANCE = 0.20
NO_WARNING = ("-s", "PORTAL_CONTACT_URL=https://archive.example/contact")


class RecordingSite(Site):
    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.paths: list[str] = []

    def respond(self, method, target, headers=None):
        self.paths.append(target)
        return super().respond(method, target, headers)


@pytest.fixture(scope="module")
def corpus():
    return Corpus(POSTS, SEED)


@pytest.fixture(scope="module")
def replica(corpus):
    site = RecordingSite(corpus)
    server, _thread = start_server(site)
    yield site, server.base_url + "/"
    server.shutdown()
    server.server_close()


def cli(*args: str, timeout: float = 120) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = run_cli(*args, check=False, timeout=timeout, stdin=subprocess.DEVNULL)
    return proc, time.monotonic() - started


def plan(root: Path, url: str, *args: str) -> dict:
    proc, _secs = cli("crawl", "--plan", "--json", "--archive", str(root), "--start-url", url,
                      *NO_WARNING, *args)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    return json.loads(proc.stdout)


def snapshot(root: Path) -> dict:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))} if root.exists() else {}


def published_paths(corpus) -> set[str]:
    return {f"/{corpus.meta(i).slug}.html" for i in corpus.live if not corpus.meta(i).protected}


def test_plan_of_a_first_crawl_fetches_no_post_and_creates_nothing(replica, corpus, tmp_path):
    site, url = replica
    root = tmp_path / "archive"
    site.paths.clear()
    got = plan(root, url, "-s", "DOWNLOAD_DELAY=0.1")
    assert got["posts_found"] == len(published_paths(corpus))
    assert got["archived"] == 0 and got["would"]["new"] == got["posts_found"]
    assert not got["incremental"]
    assert not root.exists()                        # no archive, log or lock made
    paths = {urlsplit(p).path for p in site.paths}
    assert paths, "nothing was asked"
    assert not paths & published_paths(corpus), paths
    assert all(p == "/robots.txt" or p.endswith(".xml") for p in paths), paths


def test_duration_scales_with_the_delay_and_windows_round_up(replica, tmp_path):
    _site, url = replica
    root = tmp_path / "archive"
    slow = ("-s", "AUTOTHROTTLE_ENABLED=False")
    short = plan(root, url, *slow, "-s", "DOWNLOAD_DELAY=0.1", "--max-duration", "7")
    long = plan(root, url, *slow, "-s", "DOWNLOAD_DELAY=0.4", "--max-duration", "7")
    assert short["fetches"] == long["fetches"] > short["posts_found"]
    assert long["duration"] == pytest.approx(4 * short["duration"], rel=0.01)
    assert long["duration"] == pytest.approx(long["fetches"] * 0.4, rel=0.01)
    for got in (short, long):
        assert got["window"] == 7 and got["window_given"]
        assert got["windows"] == math.ceil(got["duration"] / 7)
    assert long["windows"] > short["windows"] > 1


def test_plan_reads_the_robots_crawl_delay(corpus, tmp_path):
    site = Site(corpus, crawl_delay=0.3)
    server, _thread = start_server(site)
    try:
        got = plan(tmp_path / "archive", server.base_url + "/", "-s", "DOWNLOAD_DELAY=0",
                   "-s", "AUTOTHROTTLE_ENABLED=False")
    finally:
        server.shutdown()
        server.server_close()
    assert got["politeness"]["crawl_delay"] == 0.3
    # the crawl's slot delay keeps the randomised delay's lower bound at the Crawl-delay
    assert got["seconds_per_fetch"] == pytest.approx(0.3 / (1 - 0.5))


class NoSitemaps(RecordingSite):
    """A WordPress site with its sitemaps switched off (every ``.xml`` answers 404)."""

    def respond(self, method, target, headers=None):
        if urlsplit(target).path.endswith(".xml"):
            self.paths.append(target)
            return (*self._not_found(self.default_base), None)
        return super().respond(method, target, headers)


def test_without_sitemaps_the_listings_give_the_count(corpus, tmp_path):
    site = NoSitemaps(corpus)
    server, _thread = start_server(site)
    try:
        got = plan(tmp_path / "archive", server.base_url + "/", "-s", "DOWNLOAD_DELAY=0")
    finally:
        server.shutdown()
        server.server_close()
    assert got["source"] == "listings"
    assert got["posts_found"] == len(published_paths(corpus))
    paths = {urlsplit(p).path for p in site.paths}
    assert not paths & published_paths(corpus), paths
    listing_pages = {p for p in paths if p != "/robots.txt" and not p.endswith(".xml")}
    assert len(listing_pages) == 2, listing_pages     # the start page and its last page


def test_human_report(replica, tmp_path):
    _site, url = replica
    proc, _secs = cli("crawl", "--plan", "--archive", str(tmp_path / "a"), "--start-url", url, *NO_WARNING,
                      "-s", "DOWNLOAD_DELAY=0.05")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for word in (f"{POSTS} posts found", "already archived: 0", "fetches estimated:", "duration: about",
                 "windows: 1 of 6 h 0 min"):
        assert word in out, out
    assert proc.stderr == ""


def test_plan_of_an_unreachable_portal(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/"
    proc, secs = cli("crawl", "--plan", "--archive", str(tmp_path / "a"), "--start-url", url, *NO_WARNING)
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 69, proc.stderr
    assert len(lines) == 1 and lines[0].startswith("error: ") and url in lines[0], lines
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert secs < 10
    assert not (tmp_path / "a").exists()


def test_json_needs_plan(tmp_path):
    proc, _secs = cli("crawl", "--json", "--archive", str(tmp_path / "a"))
    assert proc.returncode == 2 and proc.stderr.startswith("error: --json goes with --plan")


def captures(root: Path, crawl_id: int) -> int:
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM captures WHERE crawl_id=?", (crawl_id,)).fetchone()[0]
    finally:
        conn.close()


def test_real_crawls_fetch_what_the_plan_estimated(replica, tmp_path):
    site, url = replica
    root = tmp_path / "archive"
    first = plan(root, url, *FAST)
    crawl = cli("crawl", "--archive", str(root), "--start-url", url, *FAST, timeout=300)[0]
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    real = captures(root, 1)
    assert abs(first["fetches"] - real) <= TOLERANCE * real, (first["fetches"], real)

    before = snapshot(root)
    site.paths.clear()
    nxt = plan(root, url, *FAST)                    # the archive's history now
    full = plan(root, url, *FAST, "--full")
    assert snapshot(root) == before                 # read, never written (no -wal, no -shm)
    assert not {urlsplit(p).path for p in site.paths} & published_paths(site.corpus)
    assert nxt["incremental"] and nxt["archived"] == POSTS and nxt["would"]["known"] == POSTS
    assert nxt["per_post_source"] == "this archive's crawl 1"
    assert full["full"] and not full["incremental"]
    assert abs(full["fetches"] - real) <= TOLERANCE * real, (full["fetches"], real)

    again = cli("crawl", "--archive", str(root), "--start-url", url, *FAST, timeout=300)[0]
    assert again.returncode == 0, again.stderr[-2000:]
    real2 = captures(root, 2)
    assert abs(nxt["fetches"] - real2) <= TOLERANCE * real2, (nxt["fetches"], real2)
