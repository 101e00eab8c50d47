"""Crawl the replica, replay through pywb: article and image bytes identical to what the replica serves."""

from __future__ import annotations

import gzip
import re
import sqlite3
import subprocess
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archive.layout import ArchiveLayout
from archive.research.replay import free_port, replay_url, start_replay, stop_replay

pytestmark = pytest.mark.slow
CLI = str(Path(sys.executable).with_name("portal-archive"))


def get(url: str, host: str | None = None, accept: str = "identity") -> tuple[int, bytes]:
    headers = {"Accept-Encoding": accept}
    if host:
        headers["Host"] = host
    with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as r:
        data = r.read()
        if r.headers.get("Content-Encoding") == "gzip":
            data = gzip.decompress(data)
        return r.status, data


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    root = tmp_path_factory.mktemp("crawl") / "a"
    res = subprocess.run([CLI, "demo", "--archive", str(root), "--posts", "30"], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    return ArchiveLayout(root)


def test_crawl_replays_identically(crawled):
    from crawler.replica_process import ReplicaProcess
    from replica import DEFAULT_SEED

    conn = sqlite3.connect(crawled.db)
    art_url, ts, img_url = conn.execute(
        "SELECT c.url, c.fetched_at, i.url FROM articles a JOIN captures c ON c.id = a.capture_id"
        " JOIN images i ON i.article_id = a.id JOIN captures ic ON ic.id = i.capture_id"
        " WHERE c.status = 200 AND ic.status = 200 ORDER BY a.id LIMIT 1").fetchone()
    conn.close()
    ts = re.sub(r"\D", "", ts)[:14]
    orig_host = urlsplit(art_url).netloc
    port = free_port()
    proc = start_replay(crawled, port)
    try:
        with ReplicaProcess(posts=30, seed=DEFAULT_SEED) as replica:
            live = replica.url.rstrip("/")
            for url in (art_url, img_url):
                status, replayed = get(replay_url(port, url, ts, mode="id_"))
                assert status == 200
                parts = urlsplit(url)
                path = parts.path + (f"?{parts.query}" if parts.query else "")
                status, served = get(live + path, host=orig_host)
                assert replayed == served, url
        # the page replays with its images, rewritten into the archive
        status, page = get(replay_url(port, art_url, ts, mode="mp_"))
        page = page.decode("utf-8")
        img_path = urlsplit(img_url).path
        prefix = re.escape(f"http://127.0.0.1:{port}/portal/")
        m = re.search(r'src="(' + prefix + r'\d+im_/[^"\s]*' + re.escape(img_path) + r')"', page)
        assert m, "image not rewritten into the archive"
        status, img = get(m.group(1))
        _, stored = get(replay_url(port, img_url, ts, mode="id_"))
        assert status == 200 and img == stored
    finally:
        stop_replay(proc)


def test_crawl_verifies_sound(crawled):
    res = subprocess.run([CLI, "verify", "--archive", str(crawled.root)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert sorted(p.name for p in crawled.index_dir.glob("*.cdxj")) == sorted(
        p.name + ".cdxj" for p in crawled.warc_files())


def test_crawl_packs_as_valid_wacz(crawled, tmp_path):
    out = tmp_path / "crawl.wacz"
    res = subprocess.run([CLI, "wacz", "-o", str(out), "--archive", str(crawled.root)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "30 pages" in res.stdout and "warning" not in res.stderr
    val = subprocess.run([str(Path(sys.executable).with_name("wacz")), "validate", "-f", str(out)],
                         capture_output=True, text=True)
    assert val.returncode == 0, val.stdout
