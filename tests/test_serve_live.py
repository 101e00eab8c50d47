"""`serve` left running while a `--full` crawl writes the archive: a real Datasette
(`portal-archive serve`), a real crawl (the CLI), every answer checked against
`sqlite3` read around it, and no error over hundreds of queries."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from test_incremental_kit import FAST, DayReplica, crawl, free_port

pytestmark = pytest.mark.slow

POSTS, SEED = 120, 5
QUERIES = {
    "captures": "select count(*) as n from captures",
    "articles": "select count(*) as n from articles",
    "versions": "select count(*) as n from article_versions",
}


def sql_count(db, table_sql: str) -> int:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(table_sql).fetchone()[0]
    finally:
        conn.close()


def ds_count(base: str, sql: str) -> int:
    url = f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"})
    with urllib.request.urlopen(url, timeout=20) as r:
        return json.loads(r.read())[0]["n"]


def ds_page(base: str) -> None:
    with urllib.request.urlopen(f"{base}/archive/articles.json?_size=20", timeout=20) as r:
        body = json.loads(r.read())
    assert body.get("ok", True) is not False, body


def test_serve_during_a_full_crawl(tmp_path):
    root = tmp_path / "archive"
    db = root / "archive.sqlite"
    with DayReplica(free_port(), POSTS, SEED, 0) as site:
        crawl(root, site.url)  # the archive a researcher already browses
        port = free_port()
        serve_log = tmp_path / "serve.log"  # a file: an unread pipe would fill and stall Datasette
        serve = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--archive", str(root),
                                  "--port", str(port)], stdout=serve_log.open("wb"),
                                 stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                try:
                    ds_count(base, QUERIES["articles"])
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                pytest.fail("serve did not start")
            full = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive", str(root),
                                     "--start-url", site.url, "--full", *FAST,
                                     "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
                                     "-s", "DOWNLOAD_DELAY=0.01"],
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env=dict(os.environ, PYTHONUNBUFFERED="1"))
            errors: list[str] = []
            during = total = grew = 0
            first = sql_count(db, QUERIES["captures"])
            while full.poll() is None or total < 200:
                running = full.poll() is None
                name = ("captures", "articles", "versions", "page")[total % 4]
                try:
                    if name == "page":
                        ds_page(base)
                    else:
                        before = sql_count(db, QUERIES[name])
                        seen = ds_count(base, QUERIES[name])
                        after = sql_count(db, QUERIES[name])
                        # rows only grow during a crawl: Datasette saw a committed state in between
                        if not before <= seen <= after:
                            errors.append(f"{name}: sqlite3 {before}..{after}, Datasette {seen}")
                except (urllib.error.URLError, OSError, KeyError, ValueError) as exc:
                    errors.append(f"{name}: {exc!r}")
                total += 1
                during += running
            out, err = full.communicate(timeout=300)
            assert full.returncode == 0, err[-2000:]
            grew = sql_count(db, QUERIES["captures"]) - first
            for name, sql in QUERIES.items():  # after the crawl: exactly what sqlite3 says
                assert ds_count(base, sql) == sql_count(db, sql), name
        finally:
            serve.terminate()
            serve.wait(timeout=20)
        log = serve_log.read_text(errors="replace")
    print(f"serve-live: {total} queries, {during} during the crawl, {len(errors)} errors")
    assert errors == [], errors[:10]
    assert during >= 100 and total >= 200, (during, total)
    assert grew > POSTS, grew  # the --full crawl really wrote while being queried
    assert "malformed" not in log and "Traceback" not in log, log[-2000:]
