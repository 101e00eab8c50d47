"""Helpers for the recurring-crawl tests (no tests here).

A replica that plays simulated days on one fixed loopback port (post URLs
include the port, so every day's replica must use the same one), crawls
through the real CLI, and comparisons of the database with ``replica truth``.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

from clirun import run_cli

from archive.errors import ArchiveError
from crawler.replica_process import ReplicaProcess

FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "-s", "CONCURRENT_REQUESTS=16")
FIELDS = ("url", "slug", "title", "lead", "body_text", "published_at", "author", "source")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DayReplica(ReplicaProcess):
    """``portal-archive replica --port PORT --day D`` in a child process."""

    def __init__(self, port: int, posts: int, seed: int, day: int, *extra: str):
        super().__init__(posts, seed, port=port, extra_args=("--day", str(day), *extra))
        self.url = f"http://127.0.0.1:{port}/"

    def start(self) -> DayReplica:
        wanted, problem = self.url, None
        for _attempt in range(50):  # the previous day's server may still hold the port
            try:
                super().start()
            except ArchiveError as exc:
                problem = exc
                time.sleep(0.2)
                continue
            assert self.url == wanted, self.url
            return self
        raise AssertionError(f"replica did not start: {problem}")


def crawl(root: Path, url: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run_cli("crawl", "--archive", str(root), "--start-url", url, *FAST, *args, check=check)


def truth(posts: int, seed: int, day: int, base_url: str) -> dict[int, dict]:
    proc = run_cli("replica", "truth", "--posts", str(posts), "--seed", str(seed),
                   "--day", str(day), "--base-url", base_url.rstrip("/"))
    rows = (json.loads(line) for line in proc.stdout.splitlines() if line.strip())
    return {row["wp_post_id"]: row for row in rows}


def events(posts: int, seed: int, day: int) -> list[dict]:
    proc = run_cli("replica", "events", "--day", str(day), "--posts", str(posts), "--seed", str(seed))
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def connect(root: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def live_mismatches(conn: sqlite3.Connection, want: dict[int, dict]) -> list:
    """Differences between live articles (``gone_at`` NULL) and the truth's posts."""
    rows = {r["wp_post_id"]: r for r in conn.execute(
        "SELECT * FROM articles WHERE gone_at IS NULL AND wp_post_id < 900000000")}
    out = []
    for pid in sorted(set(want) - set(rows)):
        out.append((pid, "missing"))
    for pid in sorted(set(rows) - set(want)):
        out.append((pid, "extra (should be gone)"))
    for pid in sorted(set(want) & set(rows)):
        for f in FIELDS:
            if f in want[pid] and want[pid][f] != rows[pid][f]:
                out.append((pid, f, want[pid][f], rows[pid][f]))
        cats = [r[0] for r in conn.execute(
            "SELECT c.slug FROM article_categories ac JOIN categories c ON c.id=ac.category_id "
            "WHERE ac.article_id=? ORDER BY ac.position", (rows[pid]["id"],))]
        wanted = [c["slug"] for c in want[pid].get("categories", [])]
        if wanted != cats:
            out.append((pid, "categories", wanted, cats))
    return out


def last_crawl(conn: sqlite3.Connection) -> sqlite3.Row:
    return conn.execute("SELECT * FROM crawls ORDER BY id DESC LIMIT 1").fetchone()


def article_fetches(conn: sqlite3.Connection, crawl_id: int, article_paths: set[str]) -> set[str]:
    """Paths of known article pages requested by crawl ``crawl_id`` (any status)."""
    return {urlsplit(r[0]).path for r in conn.execute(
        "SELECT url FROM captures WHERE crawl_id=?", (crawl_id,))} & article_paths


def crawl_requests(conn: sqlite3.Connection, crawl_id: int) -> dict[str, int]:
    """Requests of one crawl by kind of URL (from its ``captures`` rows)."""
    out: dict[str, int] = {}
    for (url,) in conn.execute("SELECT url FROM captures WHERE crawl_id=?", (crawl_id,)):
        path = urlsplit(url).path
        kind = ("image" if path.startswith("/wp-content/") else
                "sitemap" if "sitemap" in path or path == "/robots.txt" else
                "feed" if path.startswith("/feed") else
                "post" if path.endswith(".html") else "listing")
        out[kind] = out.get(kind, 0) + 1
    out["total"] = sum(out.values())
    return out
