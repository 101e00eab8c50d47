"""``portal-archive import``: WARC files of other tools taken into the archive.

The foreign WARCs are made by GNU wget (``tests/wget.py``) mirroring the same
replica our crawler crawls, so the imported articles must equal our crawl's,
field by field (same host, so URLs are compared too).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from clirun import invoke_cli, run_cli
from reindex_compare import assert_same
from wget import wget_mirror

from archive.errors import ArchiveError, ArchiveLocked
from archive.integrity.importer import import_warcs
from archive.integrity.reindex import reindex_archive
from archive.integrity.verify import verify_archive
from archive.layout import ArchiveLayout
from archive.lock import CrawlLock
from archive.warc import Exchange, WarcWriter, read_record
from crawler.replica_process import ReplicaProcess

ARTICLE_FIELDS = ("url", "slug", "title", "lead", "body_text", "body_html", "published_at",
                  "published_raw", "date_is_bulk_import", "event_date", "author", "source",
                  "original_url", "content_digest", "extract_sources", "gone_at")
REST_FIELDS = {"published_at", "modified_at", "categories", "tags", "wp_author", "author"}
STORED_NAME = re.compile(r"^import-\d{17}-[A-Za-z0-9._-]+-[0-9a-f]{12}\.warc\.gz$")


def ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def articles(db: Path) -> dict[int, dict]:
    """Every article by post id, with its terms, images (url, caption, captured?) and links."""
    conn = ro(db)
    out = {}
    for a in conn.execute("SELECT * FROM articles"):
        aid = a["id"]
        row = {f: a[f] for f in ARTICLE_FIELDS}
        # both fetch the posts' REST JSON, wget without ?_embed (no account, no term names):
        # which layer gave the fields REST can give may differ, their values compared here do not
        row["extract_sources"] = json.dumps({k: v for k, v in json.loads(row["extract_sources"]).items()
                                             if k not in REST_FIELDS}, sort_keys=True)
        row["categories"] = [tuple(r) for r in conn.execute(
            "SELECT c.slug, c.name, c.url FROM article_categories j JOIN categories c ON c.id = j.category_id"
            " WHERE j.article_id=? ORDER BY j.position", (aid,))]
        row["tags"] = [tuple(r) for r in conn.execute(
            "SELECT t.slug, t.name, t.url FROM article_tags j JOIN tags t ON t.id = j.tag_id"
            " WHERE j.article_id=? ORDER BY j.position", (aid,))]
        row["images"] = [tuple(r) for r in conn.execute(
            "SELECT url, caption, capture_id IS NOT NULL FROM images WHERE article_id=? ORDER BY position",
            (aid,))]
        row["links"] = [tuple(r) for r in conn.execute(
            "SELECT url, kind FROM links WHERE article_id=? ORDER BY position", (aid,))]
        out[a["wp_post_id"]] = row
    conn.close()
    return out


def tree(root: Path) -> dict[str, str]:
    """Every file of an archive with its SHA-256 (to show nothing changed)."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.name.endswith(("-shm", ".lock"))}


def assert_captures_point_into_the_copies(root: Path) -> None:
    conn = ro(root / "archive.sqlite")
    rows = conn.execute("SELECT warc_file, warc_offset, record_id, url FROM captures").fetchall()
    assert rows
    for warc_file, offset, record_id, url in rows:
        rec = read_record(root / "warc" / warc_file, offset)
        assert rec.record_id == record_id and url in rec.target_uri


# -- wget mirrors of a replica, and our own crawl of it -------------------------------

@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> SimpleNamespace:
    work = tmp_path_factory.mktemp("import-sources")
    with ReplicaProcess(posts=40, seed=1) as replica:
        ours = work / "ours"
        run_cli("crawl", "--archive", str(ours), "--start-url", replica.url, "-s", "DOWNLOAD_DELAY=0",
                "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=True")
        gz = wget_mirror(replica.url, work, "mirror")
        plain = wget_mirror(replica.url, work, "plain", compress=False)
    whole = work / "whole-file.warc.gz"  # one gzip stream over every record
    whole.write_bytes(gzip.compress(plain.read_bytes()))
    return SimpleNamespace(ours=ours, gz=gz, plain=plain, whole=whole, work=work, url=replica.url)


@pytest.mark.slow
def test_imported_wget_warc_gives_the_articles_of_our_own_crawl(sources, tmp_path):
    root = tmp_path / "archive"
    proc = run_cli("import", str(sources.gz), "--archive", str(root), "--origin", sources.url)
    assert "imported 1 WARC file(s)" in proc.stdout
    (stored,) = (root / "warc").glob("*.warc.gz")
    assert STORED_NAME.match(stored.name)
    assert stored.read_bytes() == sources.gz.read_bytes()  # per-record gzip: a byte-for-byte copy
    ours, theirs = articles(sources.ours / "archive.sqlite"), articles(root / "archive.sqlite")
    assert len(ours) == 40 and sorted(theirs) == sorted(ours)
    for post_id, row in ours.items():
        assert theirs[post_id] == row, f"post {post_id} differs"
    assert_captures_point_into_the_copies(root)
    crawl = ro(root / "archive.sqlite").execute("SELECT * FROM crawls").fetchone()
    assert crawl["status"] == "imported" and "Wget" in crawl["settings_json"]
    report = verify_archive(ArchiveLayout(root))
    assert report.sound, report.defects[:5]
    # the database can be rebuilt from warc/ alone, import crawl row included
    counts = assert_same(ro(root / "archive.sqlite"), ro(_reindexed(root, tmp_path)))
    assert counts["articles"] == 40


def _reindexed(root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "reindexed.sqlite"
    reindex_archive(root, out)
    return out


@pytest.mark.slow
def test_uncompressed_and_whole_file_gzip_warcs_are_recompressed_per_record(sources, tmp_path):
    root = tmp_path / "archive"
    report = import_warcs(root, [sources.plain], origins=[sources.url])
    (done,) = report.files
    assert done.recompressed and done.original_kept_as
    kept = root / done.original_kept_as
    assert kept.read_bytes() == sources.plain.read_bytes()
    assert articles(root / "archive.sqlite") == articles(sources.ours / "archive.sqlite")
    assert_captures_point_into_the_copies(root)
    assert verify_archive(ArchiveLayout(root)).sound
    # a whole-file gzip of the same records: another SHA-256, but the same records
    before = tree(root)
    with pytest.raises(ArchiveError, match="is a copy of an archived file"):
        import_warcs(root, [sources.whole], origins=[sources.url])
    assert tree(root) == before
    other = tmp_path / "other"
    report = import_warcs(other, [sources.whole], origins=[sources.url])
    assert report.files[0].recompressed
    assert articles(other / "archive.sqlite") == articles(sources.ours / "archive.sqlite")
    assert_captures_point_into_the_copies(other)
    assert verify_archive(ArchiveLayout(other)).sound


@pytest.mark.slow
def test_importing_the_same_file_twice_is_refused(sources, tmp_path):
    root = tmp_path / "archive"
    import_warcs(root, [sources.gz], origins=[sources.url])
    before = tree(root)
    with pytest.raises(ArchiveError, match="already in the archive"):
        import_warcs(root, [sources.gz], origins=[sources.url])
    renamed = tmp_path / "copy with another name.warc.gz"
    shutil.copy(sources.gz, renamed)
    proc = run_cli("import", str(renamed), "--archive", str(root), check=False)
    assert proc.returncode == 1 and "already in the archive" in proc.stderr
    assert tree(root) == before
    other = tmp_path / "other"
    with pytest.raises(ArchiveError, match="the same file as"):
        import_warcs(other, [sources.plain, sources.gz, sources.plain], origins=[sources.url])
    assert not list((other / "warc").glob("*.warc.gz"))


# -- bad input: nothing already archived changes -------------------------------------

SMALL = "http://127.0.0.1:9"  # the origin of small_warc's pages


def small_warc(path: Path, n: int = 3) -> Path:
    """A real WARC of ``n`` small HTML responses, written by our writer."""
    with WarcWriter(path.parent, prefix="small", warcinfo={"software": "test"}) as w:
        for i in range(n):
            body = f"<html><body><p>Trang {i} của Hải Phòng</p></body></html>".encode()
            w.write_exchange(Exchange(url=f"http://127.0.0.1:9/trang-{i}.html", status=200, body=body,
                                      response_headers=[("Content-Type", "text/html; charset=UTF-8")]))
    (made,) = path.parent.glob("small-*.warc.gz")
    made.rename(path)
    return path


@pytest.fixture
def archived(tmp_path) -> Path:
    root = tmp_path / "archive"
    src = tmp_path / "src"
    src.mkdir()
    import_warcs(root, [small_warc(src / "first.warc.gz")], origins=[SMALL])
    return root


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.warc.gz", "no such file"),
    (lambda d: _write(d / "empty.warc.gz", b""), "is empty"),
    (lambda d: _write(d / "notes.warc", b"hello, not a WARC\n"), "is not a WARC file"),
    (lambda d: _write(d / "bad.warc.gz", gzip.compress(b"<html>no warc</html>")), "not a readable WARC"),
    (lambda d: _cut(small_warc(d / "whole.warc.gz"), d / "cut.warc.gz", -30), "cut short"),
    (lambda d: _cut(_plain(small_warc(d / "w2.warc.gz"), d / "p.warc"), d / "cut.warc", -100), "cut short"),
    (lambda d: d, "is not a file"),
])
def test_bad_input_is_refused_and_nothing_changes(archived, tmp_path, make, message):
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    good = small_warc(tmp_path / "good.warc.gz", n=2)
    bad = make(bad_dir)
    before = tree(archived)
    with pytest.raises(ArchiveError) as info:
        import_warcs(archived, [good, bad], origins=[SMALL])  # the good file is not imported either
    assert message in str(info.value) and str(bad) in str(info.value) and " — " in str(info.value)
    assert tree(archived) == before
    proc = invoke_cli("import", str(good), str(bad), "--archive", str(archived))
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and message in proc.stderr
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert tree(archived) == before


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _cut(src: Path, dest: Path, by: int) -> Path:
    dest.write_bytes(src.read_bytes()[:by])
    return dest


def _plain(src: Path, dest: Path) -> Path:
    dest.write_bytes(gzip.decompress(src.read_bytes()))
    return dest


def test_stored_names_are_sanitised(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    weird = src / "..; rm -rf ~ $(x) ĐÀ NẴNG ..warc.gz"
    small_warc(weird)
    root = tmp_path / "archive"
    report = import_warcs(root, [weird], origins=[SMALL])
    name = report.files[0].stored_as
    assert STORED_NAME.match(name) and (root / "warc" / name).is_file()
    assert [p.name for p in (root / "warc").iterdir() if p.is_file()] == [name]


def test_an_import_killed_midway_leaves_nothing_in_the_way(tmp_path):
    src = small_warc(tmp_path / "again.warc.gz")
    root = tmp_path / "archive"
    first = import_warcs(tmp_path / "probe", [src], origins=[SMALL]).files[0].stored_as
    (root / "warc").mkdir(parents=True)
    (root / "warc" / f"{first}.part").write_bytes(b"half a copy")  # as a killed import leaves it
    report = import_warcs(root, [src], origins=[SMALL])
    assert report.files[0].stored_as == first
    assert sorted(p.name for p in (root / "warc").iterdir()) == [first]


def test_import_waits_for_a_running_crawl(archived, tmp_path):
    before = tree(archived)
    with CrawlLock(ArchiveLayout(archived)):
        with pytest.raises(ArchiveLocked):
            import_warcs(archived, [small_warc(tmp_path / "later.warc.gz")], origins=[SMALL])
    assert tree(archived) == before


@pytest.mark.slow
def test_import_into_a_crawled_archive_then_reindex(sources, tmp_path):
    """wget's captures are newer than our crawl's: same posts, so no new version;
    and the mixed archive rebuilds to the same database."""
    root = tmp_path / "archive"
    shutil.copytree(sources.ours, root)
    before = articles(root / "archive.sqlite")
    import_warcs(root, [sources.gz], origins=[sources.url])
    assert articles(root / "archive.sqlite") == before
    conn = ro(root / "archive.sqlite")
    assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 40
    assert conn.execute("SELECT count(DISTINCT crawl_id) FROM captures").fetchone()[0] == 2
    assert verify_archive(ArchiveLayout(root)).sound
    assert_same(conn, ro(_reindexed(root, tmp_path)))


def test_an_older_snapshot_does_not_overwrite_newer_articles(tmp_path):
    from datetime import datetime, timezone

    from session_crawl import BASE, T0, crawl, post_html

    root = tmp_path / "archive"
    crawl(root, [(1, 2)], T0)  # the archive saw version 2 on T0
    old = tmp_path / "old"
    with WarcWriter(old, prefix="old", warcinfo={"software": "other-tool/1"}) as w:
        w.write_exchange(Exchange(url=f"{BASE}/bai-1.html", status=200, body=post_html(1, 1),
                                  fetched_at=datetime(2025, 1, 1, tzinfo=timezone.utc),
                                  response_headers=[("Content-Type", "text/html; charset=UTF-8")]))
    (warc,) = old.glob("*.warc.gz")
    report = import_warcs(root, [warc])
    assert report.files[0].counts.captures == 1 and report.files[0].counts.articles == 0
    conn = ro(root / "archive.sqlite")
    assert [tuple(r) for r in conn.execute("SELECT title FROM articles")] == [("Bài 1 bản 2",)]
    # a rebuild applies the same rule: the same rows
    assert_same(conn, ro(_reindexed(root, tmp_path)))


def warcio_file(path: Path) -> Path:
    """A WARC/1.0 made by warcio (as pywb and many Python tools make them): a post
    sent chunked and gzip-encoded, a Heritrix-style DNS record, and a revisit that
    names its original only by target URI and date (no WARC-Refers-To)."""
    from io import BytesIO

    from session_crawl import BASE, post_html
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    encoded = gzip.compress(post_html(7, 1))
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(encoded[i:i + 500]), encoded[i:i + 500])
                       for i in range(0, len(encoded), 500)) + b"0\r\n\r\n"
    url = f"{BASE}/bai-7.html"
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        w.write_record(w.create_warcinfo_record(path.name, {"software": "warcio-test"}))
        w.write_record(w.create_warc_record("dns:127.0.0.1", "resource", payload=BytesIO(b"127.0.0.1\n"),
                                            warc_content_type="text/dns"))
        headers = [("Content-Type", "text/html; charset=UTF-8"), ("Content-Encoding", "gzip"),
                   ("Transfer-Encoding", "chunked")]
        rec = w.create_warc_record(url, "response", payload=BytesIO(chunked), length=len(chunked),
                                   http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
        rec.rec_headers.replace_header("WARC-Date", "2026-01-02T03:04:05Z")
        w.write_record(rec)
        digest = rec.rec_headers.get_header("WARC-Payload-Digest")
        rev = w.create_revisit_record(url, digest, url, "2026-01-02T03:04:05Z",
                                      http_headers=StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1"))
        rev.rec_headers.replace_header("WARC-Date", "2026-02-03T04:05:06Z")
        w.write_record(rev)
    return path


def test_warcio_made_warc_chunked_gzip_and_a_revisit_without_refers_to(tmp_path):
    from session_crawl import BASE

    root = tmp_path / "archive"
    src = warcio_file(tmp_path / "made-by-warcio.warc.gz")
    report = import_warcs(root, [src], origins=[BASE])
    counts = report.files[0].counts
    assert counts.captures == 2 and counts.revisits == 1 and not counts.problems
    conn = ro(root / "archive.sqlite")
    art = conn.execute("SELECT * FROM articles").fetchone()
    assert art["wp_post_id"] == 7 and art["title"] == "Bài 7 bản 1"
    assert "đường phố Hải Phòng" in art["body_text"]
    assert (art["first_seen_at"], art["last_seen_at"]) == ("2026-01-02T03:04:05Z", "2026-02-03T04:05:06Z")
    orig, rev = conn.execute("SELECT * FROM captures ORDER BY id").fetchall()
    assert rev["record_type"] == "revisit" and rev["refers_to_capture_id"] == orig["id"]
    assert orig["payload_length"] == rev["payload_length"]  # de-chunked, still gzip-encoded
    assert verify_archive(ArchiveLayout(root)).sound
    assert_same(conn, ro(_reindexed(root, tmp_path)))
