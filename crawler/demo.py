"""The offline demo: replica on loopback, a crawl with politeness off, a summary."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from archive.errors import PortInUse
from archive.layout import ArchiveLayout
from archive.ports import check_free, is_loopback

from .replica_process import ReplicaProcess
from .runner import CrawlResult, build_settings, run_crawl

DEMO_SETTINGS = {
    # the replica is ours and on loopback: no need to be polite to it
    "DOWNLOAD_DELAY": "0",
    "DOWNLOAD_DELAY_JITTER": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


@dataclass
class DemoSummary:
    result: CrawlResult
    archive: ArchiveLayout
    seconds: float
    posts: int
    warc_files: int
    warc_bytes: int

    def lines(self) -> list[str]:
        pps = self.result.captures / self.seconds if self.seconds else 0.0
        per_post = self.warc_bytes / self.posts if self.posts else 0
        return [
            f"posts archived:  {self.posts}",
            f"fetches:         {self.result.captures} in {self.seconds:.1f} s ({pps:.0f} pages/s)",
            f"errors:          {self.result.errors}",
            f"WARC files:      {self.warc_files} ({self.warc_bytes / 1e6:.1f} MB, "
            f"{per_post / 1000:.1f} kB per post) in {self.archive.warc_dir}",
            f"database:        {self.archive.db}",
            "try:             sqlite3 {} \"SELECT published_at, title FROM articles "
            "ORDER BY published_at DESC LIMIT 5\"".format(self.archive.db),
        ]


def remembered_port(layout: ArchiveLayout) -> int | None:
    """The replica's port of this archive's first demo run: its first crawl's start URL
    (the archive's primary origin). The next run serves the replica there again, so the
    crawl is incremental: same URLs, nothing refused, no post re-archived as changed."""
    if not layout.db.exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{layout.db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT start_url FROM crawls WHERE start_url IS NOT NULL "
                               "ORDER BY id LIMIT 1").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None  # the crawl's own start-up check will say what is wrong
    parts = urlsplit(row[0]) if row else None
    if parts is None or not parts.hostname or not is_loopback(parts.hostname):
        return None
    return parts.port


def run_demo(archive_dir: str, posts: int, seed: int, overrides: dict | None = None) -> DemoSummary:
    layout = ArchiveLayout(archive_dir)
    started = time.monotonic()
    port = remembered_port(layout)
    moved_from = None
    if port is not None:
        try:
            check_free("127.0.0.1", port)
        except PortInUse:  # taken by another program now: serve elsewhere, same URLs by alias
            moved_from, port = f"http://127.0.0.1:{port}", None
    with ReplicaProcess(posts=posts, seed=seed, port=port or 0) as replica:
        extra = dict(DEMO_SETTINGS)
        if moved_from:
            extra["PORTAL_ALIASES"] = f"{moved_from}={replica.url.rstrip('/')}"
        settings = build_settings(str(layout.root), replica.url, {**extra, **(overrides or {})})
        result = run_crawl(settings)
    seconds = time.monotonic() - started
    files = layout.warc_files()
    conn = sqlite3.connect(layout.db)
    try:
        n_posts = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()
    return DemoSummary(result, layout, seconds, n_posts, len(files),
                       sum(f.stat().st_size for f in files))
