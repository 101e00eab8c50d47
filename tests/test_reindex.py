"""``portal-archive reindex``: the database rebuilt from the WARC files alone.

Which columns are compared, and why some are not: ``tests/reindex_compare.py``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from clirun import invoke_cli, run_cli
from reindex_compare import assert_same
from session_crawl import BASE, T0, crawl

from archive.db import open_db
from archive.errors import ArchiveLocked, NotAnArchive
from archive.integrity.reindex import reindex_archive
from archive.layout import ArchiveLayout
from archive.lock import CrawlLock


def ro(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


# -- the 300-post demo crawl ------------------------------------------------------

@pytest.mark.slow
def test_reindex_of_demo_crawl_equals_the_crawl_built_database(demo_archive, tmp_path):
    rebuilt = tmp_path / "rebuilt.sqlite"
    proc = run_cli("reindex", "--archive", str(demo_archive), "--db", str(rebuilt), "--jobs", "2")
    assert "300 articles" in proc.stdout
    built, new = ro(demo_archive / "archive.sqlite"), ro(rebuilt)
    counts = assert_same(built, new)
    assert counts["articles"] == 300 and counts["images"] > 0 and counts["links"] > 0
    assert counts["categories"] > 0 and counts["captures"] > 300
    # every image the crawl linked to a capture is linked again (compared by record id above)
    assert new.execute("SELECT count(*) FROM images WHERE capture_id IS NULL").fetchone()[0] == \
        built.execute("SELECT count(*) FROM images WHERE capture_id IS NULL").fetchone()[0]
    # seen-at times come from WARC-Date: the capture's own time, never after the crawl's clock
    for first, last, fetched in new.execute(
            "SELECT a.first_seen_at, a.last_seen_at, c.fetched_at FROM articles a "
            "JOIN captures c ON c.id = a.capture_id"):
        assert first == fetched and last >= first
    crawl = new.execute("SELECT * FROM crawls").fetchone()
    assert crawl["status"] == "reindexed" and crawl["started_at"] <= crawl["ended_at"]
    # the rebuild measures the same parse health as the crawl did (the drift alarm's history)
    health = lambda c: sorted(tuple(r) for r in c.execute(  # noqa: E731
        "SELECT crawl_id, metric, value, articles FROM parse_health"))
    assert health(new) == health(built) and len(health(new)) == 6
    # the live archive was not touched
    assert not list(demo_archive.glob("archive.sqlite.bak-*"))


# -- a small archive written by the real session, over three crawls -------------------

@pytest.fixture
def three_crawls(tmp_path) -> Path:
    root = tmp_path / "archive"
    crawl(root, [(1, 1), (2, 1)], T0)
    crawl(root, [(1, 1), (3, 1)], T0 + timedelta(days=1), extra=[(f"{BASE}/missing.html", 404)])
    crawl(root, [(1, 2), (2, 1)], T0 + timedelta(days=2))  # post 1 edited; post 2 unchanged → revisit
    return root


@pytest.mark.parametrize("jobs", [1, pytest.param(2, marks=pytest.mark.slow)])  # 2: worker processes parse
def test_reindex_over_three_crawls_keeps_ids_versions_and_revisits(three_crawls, tmp_path, jobs):
    rebuilt = tmp_path / "rebuilt.sqlite"
    report = reindex_archive(three_crawls, rebuilt, jobs=jobs)
    assert report.files == 3 and report.crawls == 3 and report.articles == 3
    built, new = ro(three_crawls / "archive.sqlite"), ro(rebuilt)
    counts = assert_same(built, new)
    assert counts["crawls"] == 3
    revisits = new.execute("SELECT count(*) FROM captures WHERE record_type='revisit'"
                           " AND refers_to_capture_id IS NOT NULL").fetchone()[0]
    assert revisits >= 3  # post 1 v1, post 2 and the images came back unchanged
    assert [tuple(r) for r in new.execute(
        "SELECT v.version, v.title FROM article_versions v JOIN articles a ON a.id = v.article_id "
        "WHERE a.wp_post_id = 1 ORDER BY version")] == [(1, "Bài 1 bản 1"), (2, "Bài 1 bản 2")]
    post1 = new.execute("SELECT * FROM articles WHERE wp_post_id=1").fetchone()
    assert post1["title"] == "Bài 1 bản 2"  # the newest capture wins
    assert post1["first_seen_at"] == (T0 + timedelta(seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert post1["last_seen_at"] == (T0 + timedelta(days=2, seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    post2 = new.execute("SELECT * FROM articles WHERE wp_post_id=2").fetchone()
    assert post2["last_seen_at"] == (T0 + timedelta(days=2, seconds=4)).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_reindex_after_304s_and_a_deleted_post(three_crawls, tmp_path):
    crawl(three_crawls, [], T0 + timedelta(days=3),
          extra=[(f"{BASE}/bai-2.html", 304), (f"{BASE}/bai-3.html", 404)])
    rebuilt = tmp_path / "rebuilt.sqlite"
    reindex_archive(three_crawls, rebuilt)
    assert_same(ro(three_crawls / "archive.sqlite"), ro(rebuilt))
    new = ro(rebuilt)
    assert new.execute("SELECT gone_at FROM articles WHERE wp_post_id=3").fetchone()[0] == \
        (T0 + timedelta(days=3, seconds=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert new.execute("SELECT last_seen_at FROM articles WHERE wp_post_id=2").fetchone()[0] == \
        (T0 + timedelta(days=3, seconds=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert new.execute("SELECT count(*) FROM articles WHERE gone_at IS NOT NULL").fetchone()[0] == 1


def test_reindex_replaces_the_live_database_and_keeps_the_old_one(three_crawls):
    layout = ArchiveLayout(three_crawls)
    conn = open_db(layout.db)
    conn.execute("DELETE FROM links")
    conn.execute("UPDATE articles SET title='hỏng'")
    conn.close()
    old_bytes = layout.db.read_bytes()
    report = reindex_archive(layout)
    assert report.backup is not None and report.backup.read_bytes() == old_bytes
    new = ro(layout.db)
    assert new.execute("SELECT count(*) FROM articles WHERE title='hỏng'").fetchone()[0] == 0
    assert new.execute("SELECT count(*) FROM links").fetchone()[0] == 0  # the test posts have no links
    assert new.execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    assert not list(three_crawls.glob("*.tmp*")) and not Path(f"{layout.db}-wal").exists()


def test_reindex_of_a_garbage_database(three_crawls):
    layout = ArchiveLayout(three_crawls)
    for side in ("-wal", "-shm"):
        Path(f"{layout.db}{side}").unlink(missing_ok=True)
    layout.db.write_bytes(b"this is not a database" * 100)
    invoke_cli("reindex", "--archive", str(three_crawls), check=True)
    assert ro(layout.db).execute("SELECT count(*) FROM articles").fetchone()[0] == 3
    backups = list(three_crawls.glob("archive.sqlite.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes().startswith(b"this is not")


def test_a_failed_reindex_leaves_the_old_database_untouched(three_crawls):
    layout = ArchiveLayout(three_crawls)
    before = layout.db.read_bytes()

    def boom(path, counts):
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        reindex_archive(layout, on_file=boom)
    assert layout.db.read_bytes() == before
    assert not list(three_crawls.glob("*.tmp*")) and not list(three_crawls.glob("*.bak-*"))


def test_reindex_waits_for_no_crawl(three_crawls):
    layout = ArchiveLayout(three_crawls)
    before = layout.db.read_bytes()
    with CrawlLock(layout):
        with pytest.raises(ArchiveLocked):
            reindex_archive(layout)
        proc = invoke_cli("reindex", "--archive", str(three_crawls))
        assert proc.returncode == 75 and "being crawled" in proc.stderr
    assert layout.db.read_bytes() == before


def test_reindex_needs_warc_files(tmp_path):
    with pytest.raises(NotAnArchive, match="no WARC files"):
        reindex_archive(tmp_path)
    proc = invoke_cli("reindex", "--archive", str(tmp_path / "nowhere"))
    assert proc.returncode == 1 and proc.stderr.startswith("error: no archive at")


def test_reindex_skips_open_files_and_reports_damage(three_crawls, tmp_path):
    layout = ArchiveLayout(three_crawls)
    last = sorted(layout.warc_files())[-1]
    data = last.read_bytes()
    shutil.copy(last, Path(f"{last}.open"))  # as if a crawl had been killed
    last.write_bytes(data[: len(data) - 40])  # cut inside the last record
    report = reindex_archive(layout, tmp_path / "r.sqlite")
    assert any(".open" in n for n in report.notes)
    assert report.counts.captures > 0
    print(report.counts.problems)
    assert any(last.name in p for p in report.counts.problems)
    errors = ro(tmp_path / "r.sqlite").execute("SELECT kind, message FROM errors").fetchall()
    assert [e[0] for e in errors] == ["reindex"] and last.name in errors[0][1]
    os.remove(f"{last}.open")


def test_a_record_cut_at_the_end_is_left_out(three_crawls, tmp_path):
    layout = ArchiveLayout(three_crawls)
    conn = ro(layout.db)
    name, offset, length, url = conn.execute(
        "SELECT warc_file, warc_offset, warc_length, url FROM captures ORDER BY id DESC LIMIT 1").fetchone()
    total = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    path = layout.warc_dir / name
    path.write_bytes(path.read_bytes()[: offset + length // 2])  # cut inside the last response
    report = reindex_archive(layout, tmp_path / "r.sqlite")
    assert any(f"{name}@{offset}" in p and "truncated" in p for p in report.counts.problems)
    assert report.counts.skipped == 1
    new = ro(tmp_path / "r.sqlite")
    assert new.execute("SELECT count(*) FROM captures").fetchone()[0] == total - 1 == report.counts.captures
    assert new.execute("SELECT count(*) FROM captures WHERE url=? AND warc_offset=?",
                       (url, offset)).fetchone()[0] == 0


@pytest.mark.slow
def test_reindex_of_two_real_crawls_with_rotated_files(tmp_path):
    """Two crawls of the same replica (the second incremental: 304s and revisits),
    WARC files rotated every ~200 kB: the rebuild equals what the crawls wrote."""
    from crawler.replica_process import ReplicaProcess

    root = tmp_path / "archive"
    settings = ["-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
                "-s", "PORTAL_WARC_MAX_SIZE=200000"]
    with ReplicaProcess(posts=40, seed=3) as replica:
        run_cli("crawl", "--archive", str(root), "--start-url", replica.url, *settings)
        run_cli("crawl", "--archive", str(root), "--start-url", replica.url, *settings)
    layout = ArchiveLayout(root)
    assert len(layout.warc_files()) > 2
    rebuilt = tmp_path / "rebuilt.sqlite"
    report = reindex_archive(layout, rebuilt)
    assert report.crawls == 2 and not report.counts.problems
    counts = assert_same(ro(layout.db), ro(rebuilt))
    assert counts["articles"] == 40 and counts["crawls"] == 2


def test_reindex_and_verify_read_the_archives_parser_profile(three_crawls):
    # the archivist's repair after a drift alarm: a site profile in the archive, then reindex
    # (docs/parser.md, "When the drift alarm fires"); the end-to-end loop: test_theme_change_day.py
    from archive.integrity.verify import verify_archive

    (three_crawls / "parser-profile.toml").write_text(
        '[selectors]\nsource = [".entry-content p:nth-of-type(2)"]\n', encoding="utf-8")
    reindex_archive(three_crawls)
    rows = dict(ro(three_crawls / "archive.sqlite").execute(
        "SELECT wp_post_id, source FROM articles WHERE json_extract(extract_sources, '$.source') = 'profile'"))
    assert rows == {1: "Nội dung bản 2 của bài 1, đường phố Hải Phòng.",
                    2: "Nội dung bản 1 của bài 2, đường phố Hải Phòng.",
                    3: "Nội dung bản 1 của bài 3, đường phố Hải Phòng."}
    # verify re-parses with the same profile (without it, every row would differ in source)
    report = verify_archive(ArchiveLayout(three_crawls), deep=True)
    assert not [d for d in report.defects if "differs" in d], report.defects
