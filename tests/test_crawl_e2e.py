"""End to end: crawl a 300-post replica through the CLI and check every outcome."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import E2E_POSTS, run_cli

from archive.parser import parse_article
from archive.warc.members import walk_members
from archive.warc.read import read_record

pytestmark = pytest.mark.slow

ARTICLE_FIELDS = ("wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at",
                  "published_raw", "date_is_bulk_import", "event_date", "author", "source",
                  "original_url")


def db_article(conn, row) -> dict:
    out = {f: row[f] for f in ARTICLE_FIELDS}
    out["categories"] = [dict(slug=r[0], name=r[1]) for r in conn.execute(
        "SELECT c.slug, c.name FROM article_categories ac JOIN categories c ON c.id=ac.category_id"
        " WHERE ac.article_id=? ORDER BY ac.position", (row["id"],))]
    out["tags"] = [dict(slug=r[0], name=r[1]) for r in conn.execute(
        "SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id=at.tag_id"
        " WHERE at.article_id=? ORDER BY at.position", (row["id"],))]
    out["images"] = [dict(url=r[0], caption=r[1]) for r in conn.execute(
        "SELECT url, caption FROM images WHERE article_id=? ORDER BY position", (row["id"],))]
    return out


def test_demo_summary(demo_archive):
    text = (demo_archive / "demo-stdout.txt").read_text()
    assert f"posts archived:  {E2E_POSTS}" in text
    assert "archive.sqlite" in text


def test_database_equals_truth(demo_db, demo_base_url):
    truth_proc = run_cli("replica", "truth", "--posts", str(E2E_POSTS), "--base-url", demo_base_url)
    truth = [json.loads(line) for line in truth_proc.stdout.splitlines() if line.strip()]
    assert len(truth) == E2E_POSTS
    rows = {r["wp_post_id"]: r for r in demo_db.execute("SELECT * FROM articles")}
    assert len(rows) == E2E_POSTS
    mismatches = []
    for want in truth:
        row = rows.get(want["wp_post_id"])
        assert row is not None, f"post {want['wp_post_id']} missing"
        got = db_article(demo_db, row)
        for key, value in want.items():
            if key in got and got[key] != value:
                mismatches.append((want["wp_post_id"], key, value, got[key]))
    assert not mismatches, f"{len(mismatches)} mismatches, first: {mismatches[:5]}"


def test_every_warc_is_valid(demo_archive):
    files = sorted((demo_archive / "warc").glob("*.warc.gz"))
    assert files, "no WARC files"
    assert not list((demo_archive / "warc").glob("*.open")), "a WARC was left open"
    warcio = Path(sys.executable).with_name("warcio")
    for f in files:
        proc = subprocess.run([str(warcio), "check", "-v", str(f)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        spans = list(walk_members(f))
        assert spans, f"{f} has no members"


def test_article_pointer_reparses_to_same_row(demo_archive, demo_db):
    q = ("SELECT a.*, c.warc_file, c.warc_offset, c.url AS capture_url FROM articles a "
         "JOIN captures c ON c.id = a.capture_id")
    rows = list(demo_db.execute(q))
    assert len(rows) == E2E_POSTS
    for row in rows:
        record = read_record(demo_archive / "warc" / row["warc_file"], row["warc_offset"])
        assert record.rec_type == "response"
        assert record.target_uri == row["capture_url"]
        article = parse_article(record.payload(), record.target_uri)
        assert article is not None
        fresh = article.to_row()
        for key in ARTICLE_FIELDS:
            assert fresh[key] == row[key], (row["url"], key)


def test_everything_fetched_is_archived(demo_db):
    kinds = {r[0] for r in demo_db.execute("SELECT url FROM captures")}
    assert any(u.endswith("/robots.txt") for u in kinds)
    assert any(u.endswith("/wp-sitemap.xml") for u in kinds)
    assert any("/wp-content/uploads/" in u for u in kinds)
    assert any("/category/" in u for u in kinds)
    assert any(u.endswith("/feed/") for u in kinds)
    # images of articles point at their capture
    missing = demo_db.execute(
        "SELECT count(*) FROM images WHERE capture_id IS NULL").fetchone()[0]
    assert missing == 0


def test_one_article_per_post_id(demo_db):
    dup = demo_db.execute(
        "SELECT wp_post_id, count(*) FROM articles GROUP BY wp_post_id HAVING count(*) > 1"
    ).fetchall()
    assert dup == []
