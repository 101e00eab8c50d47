"""Import is a trust boundary: what a foreign WARC claims never becomes the portal's
articles unless it is on the portal's origins and plausibly dated; the portal's own
crawls win over imports, in reindex as in the crawl-built database."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from clirun import run_cli
from hostile_warcs import record, response
from reindex_compare import assert_same
from session_crawl import BASE, T0, crawl

PORTAL = "https://thanhphohaiphong.gov.vn"


def page(post_id: int, title: str, canonical: str) -> bytes:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><link rel="canonical" href="{canonical}">'
            f'<title>{title} – Hải Phòng</title></head>'
            f'<body class="single single-post postid-{post_id}"><article id="post-{post_id}" class="post">'
            f'<h1 class="entry-title">{title}</h1><div class="entry-content"><p>Sapo {post_id}.</p>'
            f'<p>Nội dung của bài {post_id}, đường phố Hải Phòng.</p><p>T.H.</p></div></article>'
            f'</body></html>').encode()


def warc(path: Path, *records: bytes) -> Path:
    info = record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", "<urn:uuid:info>"),
                   ("WARC-Date", "2024-05-01T10:00:00Z")], b"software: other-tool/1\r\n")
    path.write_bytes(info + b"".join(records))
    return path


def ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def reindexed(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "rebuilt.sqlite"
    run_cli("reindex", "--archive", str(root), "--db", str(out), "-q")
    return out


@pytest.mark.slow
def test_foreign_lookalike_other_port_canonical_and_future_records_never_become_articles(tmp_path):
    src = warc(
        tmp_path / "hostile.warc",
        response(f"{PORTAL}/bai-1.html", page(1, "Bài thật", f"{PORTAL}/bai-1.html"), "ok1"),
        response("http://evil.example/x.html", page(901, "Giả 1", "http://evil.example/x.html"), "e1"),
        response("https://thanhphohaiphong.gov.vn.evil.example/y.html",
                 page(902, "Giả 2", f"{PORTAL}/y.html"), "e2"),
        response(f"{PORTAL}:8443/secret.html", page(903, "Giả 3", f"{PORTAL}:8443/secret.html"), "e3"),
        # an evil.example page filed under the portal's post by its canonical link
        response("http://evil.example/canon.html", page(1, "Giả 4", f"{PORTAL}/bai-1.html"), "e4"),
        response(f"{PORTAL}/bai-2.html", page(2, "Giả 5", f"{PORTAL}/bai-2.html"), "e5",
                 date="2099-01-01T00:00:00Z"),
        # on-site, but its canonical link points away: it stays at the URL it was fetched from
        response(f"{PORTAL}/bai-3.html", page(3, "Bài ba", "http://evil.example/bai-3.html"), "ok3"),
    )
    root = tmp_path / "archive"
    proc = run_cli("import", str(src), "--archive", str(root), "--origin", PORTAL)
    assert "refused 1 future-date, 3 off-site, 1 other-port record(s)" in proc.stdout, proc.stdout
    assert "refused: http://evil.example/x.html (off-site" in proc.stderr
    conn = ro(root / "archive.sqlite")
    arts = {r["wp_post_id"]: dict(r) for r in conn.execute("SELECT * FROM articles")}
    assert sorted(arts) == [1, 3]
    assert arts[1]["title"] == "Bài thật" and arts[3]["url"] == f"{PORTAL}/bai-3.html"
    assert [r[0] for r in conn.execute("SELECT DISTINCT provenance FROM captures")] == ["import"]
    refused = {r["target_uri"]: r["reason"] for r in conn.execute("SELECT * FROM refused_records")}
    assert refused == {"http://evil.example/x.html": "off-site",
                       "https://thanhphohaiphong.gov.vn.evil.example/y.html": "off-site",
                       f"{PORTAL}:8443/secret.html": "other-port",
                       "http://evil.example/canon.html": "off-site",
                       f"{PORTAL}/bai-2.html": "future-date"}
    assert conn.execute("SELECT count(*) FROM captures").fetchone()[0] == 2
    (entry,) = [json.loads(x) for x in (root / "logs" / "imports.jsonl").read_text().splitlines()]
    assert entry["refused_count"] == {"future-date": 1, "off-site": 3, "other-port": 1}
    assert {r["target_uri"] for r in entry["refused"]} == set(refused)
    # the refused records are still in the stored copy: evidence is never dropped
    (stored,) = (root / "warc").glob("import-*.warc.gz")
    from archive.warc.read import iter_records
    assert len([r for r in iter_records(stored) if r.rec_type == "response"]) == 7
    assert run_cli("verify", "--archive", str(root), check=False).returncode == 0
    assert_same(conn, ro(reindexed(root, tmp_path)))


@pytest.mark.slow
def test_a_record_dated_after_its_own_file_is_refused(tmp_path):
    src = warc(tmp_path / "old.warc", response(f"{PORTAL}/bai-1.html", page(1, "Bài", f"{PORTAL}/bai-1.html"),
                                                "a1", date="2024-05-01T10:00:00Z"))
    os.utime(src, (1577836800, 1577836800))  # the file says it was last written in 2020
    root = tmp_path / "archive"
    proc = run_cli("import", str(src), "--archive", str(root), "--origin", PORTAL)
    assert "refused 1 future-date record(s)" in proc.stdout
    assert ro(root / "archive.sqlite").execute("SELECT count(*) FROM articles").fetchone()[0] == 0


@pytest.mark.slow
def test_the_portals_own_crawl_wins_over_imports_in_reindex_too(tmp_path):
    from session_crawl import post_html

    root = tmp_path / "archive"
    crawl(root, [(1, 1), (2, 1)], T0)
    forged = post_html(1, 1).replace("Bài 1 bản 1".encode(), "Bài 1 GIẢ".encode())
    src = warc(tmp_path / "forged.warc",
               response(f"{BASE}/bai-1.html", forged, "f1", date="2099-06-01T00:00:00Z"),
               # dated after the crawl and before now: plausible, but the crawl still wins
               response(f"{BASE}/bai-1.html", forged, "f2",
                        date=(T0 + timedelta(days=10)).strftime("%Y-%m-%dT%H:%M:%SZ")))
    proc = run_cli("import", str(src), "--archive", str(root))  # the crawl's start URL is the origin
    assert "refused 1 future-date record(s)" in proc.stdout
    conn = ro(root / "archive.sqlite")
    assert conn.execute("SELECT title FROM articles WHERE wp_post_id=1").fetchone()[0] == "Bài 1 bản 1"
    assert {tuple(r) for r in conn.execute(
        "SELECT provenance, count(*) FROM captures GROUP BY provenance")} == {("crawl", 4), ("import", 1)}
    assert_same(conn, ro(reindexed(root, tmp_path)))
    # a later crawl still moves the post on; the rebuild agrees
    crawl(root, [(1, 2)], T0 + timedelta(days=20))
    conn = ro(root / "archive.sqlite")
    assert conn.execute("SELECT title FROM articles WHERE wp_post_id=1").fetchone()[0] == "Bài 1 bản 2"
    assert_same(conn, ro(reindexed(root, tmp_path)))
    # and the rebuild does not depend on the import log being there
    shutil.move(root / "logs" / "imports.jsonl", tmp_path / "imports.jsonl")
    rebuilt = ro(reindexed(root, tmp_path))
    assert rebuilt.execute("SELECT title FROM articles WHERE wp_post_id=1").fetchone()[0] == "Bài 1 bản 2"
    assert rebuilt.execute("SELECT count(*) FROM refused_records").fetchone()[0] == 1


def test_an_import_logged_before_the_boundary_is_rebuilt_as_it_was_taken_in(tmp_path):
    """A line of logs/imports.jsonl without ``origins`` was written by a version that took
    every record in: reindex rebuilds that file the same way (and its captures stay imports)."""
    from archive.integrity.importer import import_warcs
    from archive.integrity.reindex import reindex_archive

    src = warc(tmp_path / "old.warc",
               response(f"{PORTAL}/bai-1.html", page(1, "Bài", f"{PORTAL}/bai-1.html"), "a1"),
               response("http://evil.example/x.html", page(9, "Khác", "http://evil.example/x.html"), "a2"))
    root = tmp_path / "archive"
    import_warcs(root, [src], origins=[PORTAL])
    log = root / "logs" / "imports.jsonl"
    entry = json.loads(log.read_text())
    for key in ("origins", "not_after", "refused", "refused_count"):
        entry.pop(key)
    log.write_text(json.dumps(entry) + "\n")
    reindex_archive(root, tmp_path / "r.sqlite")
    conn = ro(tmp_path / "r.sqlite")
    assert tuple(conn.execute("SELECT count(*), min(provenance) FROM captures").fetchone()) == (2, "import")
    assert conn.execute("SELECT count(*) FROM refused_records").fetchone()[0] == 0


@pytest.mark.slow
def test_an_imported_404_or_304_judges_only_what_imports_brought(tmp_path):
    """A crawl's post is never marked gone or touched by an imported 404/304 (a forged
    file cannot hide a post from the archive's own revisits); a post that only imports
    brought is, as the crawl's own 404/304 would — so an import of a crawl's files
    gives the crawl's rows (tests/reindex_compare.py) — but not by a 404 older than
    the post's last sighting."""
    from session_crawl import post_html

    root = tmp_path / "archive"
    crawl(root, [(1, 1)], T0)
    day = (T0 + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    later = (T0 + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    earlier = (T0 - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    src = warc(tmp_path / "other.warc",
               response(f"{BASE}/bai-1.html", b"gone", "g1", date=day, status="404 Not Found"),
               response(f"{BASE}/bai-2.html", post_html(2, 1), "p2", date=day),
               response(f"{BASE}/bai-3.html", post_html(3, 1), "p3", date=day),
               response(f"{BASE}/bai-2.html", b"", "n2", date=later, status="304 Not Modified"),
               response(f"{BASE}/bai-3.html", b"gone", "g3", date=later, status="410 Gone"),
               response(f"{BASE}/bai-2.html", b"gone", "o2", date=earlier, status="404 Not Found"))
    run_cli("import", str(src), "--archive", str(root))
    conn = ro(root / "archive.sqlite")
    rows = {r["wp_post_id"]: r for r in conn.execute("SELECT wp_post_id, last_seen_at, gone_at FROM articles")}
    assert rows[1]["gone_at"] is None                      # the crawl's post: not the import's to judge
    assert rows[1]["last_seen_at"] < day
    assert (rows[2]["last_seen_at"], rows[2]["gone_at"]) == (later, None)   # touched; the older 404 ignored
    assert rows[3]["gone_at"] == later
    assert_same(conn, ro(reindexed(root, tmp_path)))
