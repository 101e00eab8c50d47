"""Build small real archives for the WARC/verify/recover/wacz/replay tests
(own writer + the real database; no crawler needed)."""

from __future__ import annotations

import gzip
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace

from archive.db import open_db
from archive.db.store import content_digest
from archive.integrity import fixity
from archive.layout import ArchiveLayout
from archive.warc import Exchange, WarcWriter, cdxj

BASE = "http://127.0.0.1:8765"
T0 = datetime(2026, 11, 28, 22, 0, 0, tzinfo=timezone.utc)


def post_html(i: int) -> bytes:
    return (f"<!DOCTYPE html><html><head><title>Bài viết số {i} – Hải Phòng</title></head>"
            f"<body><h1 class=\"entry-title\">Bài viết số {i}</h1><p>Đường phố Hải Phòng {i}.</p>"
            f"<img src=\"{BASE}/wp-content/uploads/2019/01/anh-{i}.jpg\"></body></html>").encode("utf-8")


def image_bytes(i: int) -> bytes:
    return b"\xff\xd8\xff\xe0" + random.Random(i).randbytes(3000) + b"\xff\xd9"


def hooks(layout: ArchiveLayout):
    def on_close(path):
        fixity.on_warc_closed(layout, path)
        cdxj.on_warc_closed(layout, path)
    return on_close


def post_exchange(i: int, when: datetime) -> Exchange:
    return Exchange(
        url=f"{BASE}/bai-viet-so-{i}.html", status=200,
        response_headers=[("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"),
                          ("Transfer-Encoding", "chunked")],
        body=gzip.compress(post_html(i), mtime=0),
        request_headers=[("Accept-Encoding", "gzip, deflate"), ("User-Agent", "portal-archive-test")],
        fetched_at=when, ip="127.0.0.1")


def image_exchange(i: int, when: datetime) -> Exchange:
    return Exchange(
        url=f"{BASE}/wp-content/uploads/2019/01/anh-{i}.jpg", status=200,
        response_headers=[("Content-Type", "image/jpeg")], body=image_bytes(i),
        request_headers=[("User-Agent", "portal-archive-test")], fetched_at=when, ip="127.0.0.1")


def add_capture(conn, ex: Exchange, ref, record_type="response") -> int:
    return conn.execute(
        "INSERT INTO captures(url, method, status, content_type, fetched_at, payload_digest,"
        " payload_length, warc_file, warc_offset, warc_length, record_id, record_type)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
        (ex.url, ex.method, ex.status, dict(ex.response_headers).get("Content-Type"),
         ex.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ"), ref.payload_digest, len(ex.body),
         ref.warc_file, ref.offset, ref.length, ref.record_id, record_type)).lastrowid


def add_article(conn, i: int, capture_id: int, when: datetime) -> int:
    """An article row as the store writes it: with its content digest and first version
    (the image row the caller adds is part of the digest)."""
    seen = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    title, published = f"Bài viết số {i}", f"2019-01-{(i % 28) + 1:02d}T10:00:00+07:00"
    digest = content_digest(SimpleNamespace(
        title=title, lead=None, body_text=None, published_at=published, author=None, source=None,
        original_url=None, categories=[], tags=[],
        images=[SimpleNamespace(url=f"{BASE}/wp-content/uploads/2019/01/anh-{i}.jpg")]))
    aid = conn.execute(
        "INSERT INTO articles(wp_post_id, url, slug, title, published_at, first_seen_at, last_seen_at,"
        " capture_id, content_digest) VALUES (?,?,?,?,?,?,?,?,?)",
        (1000 + i, f"{BASE}/bai-viet-so-{i}.html", f"bai-viet-so-{i}", title, published, seen, seen,
         capture_id, digest)).lastrowid
    conn.execute("INSERT INTO article_versions(article_id, version, title, content_digest, capture_id, seen_at)"
                 " VALUES (?,1,?,?,?,?)", (aid, title, digest, capture_id, seen))
    return aid


def build_archive(root: Path, posts: int = 4, *, max_size: int = 1_000_000_000,
                  close: bool = True, start: int = 0):
    """Write ``posts`` posts + one image each; rows in captures/articles/images.

    Returns ``(layout, conn, writer, items)``; ``items`` maps post number →
    dict(post_ref, image_ref, capture_id, image_capture_id, article_id, body, image).
    """
    layout = ArchiveLayout(root).create()
    conn = open_db(layout.db)
    writer = WarcWriter(layout.warc_dir, warcinfo={"test": "yes"}, max_size=max_size,
                        on_close=hooks(layout))
    items = {}
    for i in range(start, start + posts):
        when = T0 + timedelta(seconds=i)
        pex, iex = post_exchange(i, when), image_exchange(i, when)
        pref = writer.write_exchange(pex)
        pcap = add_capture(conn, pex, pref)
        iref = writer.write_exchange(iex)
        icap = add_capture(conn, iex, iref)
        aid = add_article(conn, i, pcap, when)
        conn.execute("INSERT INTO images(article_id, url, position, capture_id) VALUES (?,?,0,?)",
                     (aid, iex.url, icap))
        items[i] = dict(post_ref=pref, image_ref=iref, capture_id=pcap, image_capture_id=icap,
                        article_id=aid, body=pex.body, html=post_html(i), image=iex.body, url=pex.url,
                        image_url=iex.url)
    if close:
        writer.close()
    return layout, conn, writer, items
