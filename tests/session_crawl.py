"""Small archives written by the real ``ArchiveSession`` (no Scrapy): posts, their
images, 304s and 404s, crawl after crawl — for the reindex, verify and import tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive.crawl.session import ArchiveSession, SessionOptions
from archive.parser import parse_article
from archive.warc import Exchange

BASE = "http://127.0.0.1:8765"
T0 = datetime(2026, 11, 1, 8, 0, 0, tzinfo=UTC)


def post_html(i: int, version: int) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">'
            f'<link rel="canonical" href="{BASE}/bai-{i}.html"><link rel="shortlink" href="{BASE}/?p={i}">'
            f'<title>Bài {i} bản {version} – Hải Phòng</title></head>'
            f'<body class="single single-post postid-{i}"><article id="post-{i}" class="post-{i} post">'
            f'<h1 class="entry-title">Bài {i} bản {version}</h1><div class="entry-content">'
            f'<p>Sapo của bài {i}.</p><p>Nội dung bản {version} của bài {i}, đường phố Hải Phòng.</p>'
            f'<p><img src="{BASE}/wp-content/uploads/anh-{i}.jpg"></p><p>T.H.</p></div></article>'
            f'</body></html>').encode()


def exchange(url: str, body: bytes, when: datetime, status: int = 200,
             ctype: str = "text/html; charset=UTF-8") -> Exchange:
    return Exchange(url=url, status=status, body=body, fetched_at=when,
                    response_headers=[("Content-Type", ctype), ("Content-Length", str(len(body)))],
                    request_headers=[("Host", "127.0.0.1:8765")])


def crawl(root: Path, pages: list[tuple[int, int]], when: datetime, extra=()) -> None:
    """One crawl through the real ArchiveSession: each (post, version) page, its image, extras."""
    session = ArchiveSession(root, SessionOptions(start_url=BASE + "/", settings={"RUN": when.isoformat()}))
    session.open()
    try:
        t = when
        for i, version in pages:
            t += timedelta(seconds=2)
            url = f"{BASE}/bai-{i}.html"
            cid = session.record(exchange(url, post_html(i, version), t))
            article = parse_article(post_html(i, version), url, encoding="UTF-8")
            session.save_article(article, cid)
            session.record(exchange(f"{BASE}/wp-content/uploads/anh-{i}.jpg", b"\xff\xd8jpeg" + bytes([i]),
                                    t + timedelta(seconds=1), ctype="image/jpeg"))
        for url, status in extra:  # recording a 304 touches the post, a 404 marks it gone
            t += timedelta(seconds=2)
            session.record(exchange(url, b"" if status == 304 else b"not here", t, status=status))
    finally:
        session.close("finished")
