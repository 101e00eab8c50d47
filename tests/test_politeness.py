"""Politeness on the wire: robots.txt ``Crawl-delay`` and ``Retry-After`` (429/503) honoured.

Small scripted sites on loopback log the arrival time of every request. The
only time checks are lower bounds the crawler's own waits guarantee (a gap
can only be *longer* than the delay on a slow machine, never shorter).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from faultnet import (
    ScriptedSite,
    crawl,
    crawl_log,
    crawl_stats,
    html_page,
    open_db,
    send,
)

pytestmark = pytest.mark.slow

HTML = [("Content-Type", "text/html; charset=UTF-8")]
PAGES = [f"/trang-{i}.html" for i in range(1, 6)]
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def _site(robots: str, extra: dict | None = None) -> ScriptedSite:
    routes = {"/robots.txt": (200, [("Content-Type", "text/plain")], robots.encode()),
              "/": (200, HTML, html_page("Trang chủ", PAGES)),
              "/feed/": (200, [("Content-Type", "application/rss+xml")], RSS)}
    for path in PAGES:
        routes[path] = (200, HTML, html_page(path, body="<p>Nội dung.</p>"))
    routes.update(extra or {})
    return ScriptedSite(routes)


# AutoThrottle aiming at 16 parallel requests would shrink the delay to ~0 on loopback
AUTOTHROTTLE = ("AUTOTHROTTLE_ENABLED=True", "AUTOTHROTTLE_START_DELAY=0",
                "AUTOTHROTTLE_TARGET_CONCURRENCY=16")


@pytest.mark.parametrize("throttle", [(), AUTOTHROTTLE], ids=["plain", "autothrottle"])
def test_crawl_delay_from_robots_spaces_every_request(tmp_path, throttle):
    archive = tmp_path / "archive"
    with _site("User-agent: *\nCrawl-delay: 1\nDisallow: /wp-admin/\n") as site:
        proc = crawl(archive, site.url, "DOWNLOAD_DELAY_JITTER=0", "CONCURRENT_REQUESTS_PER_DOMAIN=4",
                     *throttle)
        times = [t for t, path, _ in site.requests]
        paths = site.paths()
    assert proc.returncode in (0, 3), proc.stderr[-2000:]
    assert set(PAGES) <= set(paths)
    gaps = [b - a for a, b in zip(times[1:], times[2:])]  # after the robots.txt fetch
    assert len(gaps) >= 6
    assert min(gaps) >= 0.9, gaps  # Crawl-delay 1 s; DOWNLOAD_DELAY was 0
    assert crawl_stats(archive).get("politeness/crawl_delay") == 1.0
    assert "Crawl-delay 1.00 s honoured" in crawl_log(archive)


def test_retry_after_pauses_the_host_then_retries(tmp_path):
    when = format_datetime(datetime.now(timezone.utc) + timedelta(seconds=60), usegmt=True)

    def throttled(handler, hit):  # 429 once, with Retry-After in seconds
        if hit == 1:
            send(handler, 429, [*HTML, ("Retry-After", "2")], b"<html>429 Too Many Requests</html>")
        else:
            send(handler, 200, HTML, html_page("trang 2"))

    def maintenance(handler, hit):  # 503 once, with Retry-After as an HTTP date (capped)
        if hit == 1:
            send(handler, 503, [*HTML, ("Retry-After", when)], b"<html>Briefly unavailable</html>")
        else:
            send(handler, 200, HTML, html_page("trang 4"))

    archive = tmp_path / "archive"
    with _site("User-agent: *\nDisallow:\n", {PAGES[1]: throttled, PAGES[3]: maintenance}) as site:
        proc = crawl(archive, site.url, "CONCURRENT_REQUESTS_PER_DOMAIN=1",
                     "PORTAL_RETRY_AFTER_MAX=3")
        log = list(site.requests)
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    for path, pause in ((PAGES[1], 2.0), (PAGES[3], 3.0)):
        hits = [t for t, p, _ in log if p == path]
        assert len(hits) == 2, (path, hits)
        # nothing at all reached the host while it was paused
        quiet = [p for t, p, _ in log if hits[0] + 0.3 < t < hits[0] + pause - 0.3]
        assert quiet == [], (path, quiet)
        assert hits[1] - hits[0] >= pause - 0.3
    with open_db(archive) as db:
        rows = db.execute("SELECT url, status FROM captures WHERE status IN (429, 503)").fetchall()
        assert {r["status"] for r in rows} == {429, 503}  # the throttled answers are archived too
        assert db.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
    stats = crawl_stats(archive)
    assert stats["politeness/throttled/429"] == 1 and stats["politeness/throttled/503"] == 1
    assert stats["politeness/max_pause"] == 3.0  # the 60 s HTTP date was capped


def test_endless_503_ends_as_one_error_row_after_capped_retries(tmp_path):
    def down(handler, hit):
        send(handler, 503, [*HTML, ("Retry-After", "86400")], b"<html>maintenance</html>")

    archive = tmp_path / "archive"
    with _site("User-agent: *\nDisallow:\n", {PAGES[0]: down}) as site:
        proc = crawl(archive, site.url, "PORTAL_RETRY_AFTER_MAX=0.3", "PORTAL_RETRY_AFTER_TIMES=3")
        hits = site.hits(PAGES[0])
    assert proc.returncode == 3, proc.stdout + proc.stderr[-2000:]
    assert hits == 4  # one try + PORTAL_RETRY_AFTER_TIMES, and RetryMiddleware did not start over
    with open_db(archive) as db:
        rows = db.execute("SELECT url, kind, message FROM errors").fetchall()
        assert [(r["url"].rsplit("/", 1)[1], r["kind"]) for r in rows] == [(PAGES[0][1:], "http-503")]
        assert db.execute("SELECT count(*) FROM captures WHERE status = 503").fetchone()[0] == 4
    assert "Traceback" not in crawl_log(archive)
