"""End to end through `portal-archive crawl`: a varied WordPress site (multi-page and
password-protected posts, REST API on or refused) is archived whole, parts are
merged into one article, and `reindex` rebuilds the same rows."""

from __future__ import annotations

import json

import pytest
from clirun import run_cli
from reindex_compare import assert_rebuild_and_import_match

from archive.db import open_db
from crawler.replica_process import ReplicaProcess
from replica.style import SiteStyle
from replica.truth import iter_protected, iter_truth

pytestmark = pytest.mark.slow

POSTS, SEED = 50, 5
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8")


def crawl(tmp_path_factory, name: str, style: SiteStyle):
    archive = tmp_path_factory.mktemp(name) / "a"
    args = ("--variety", "--theme", style.theme, "--rest", style.rest, "--seo", style.seo)
    with ReplicaProcess(POSTS, SEED, extra_args=args) as replica:
        proc = run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *FAST)
        base = replica.url.rstrip("/")
    stats = json.loads(sorted((archive / "logs").glob("crawl-*.json"))[-1].read_text())
    return archive, base, proc, stats.get("stats", stats)


@pytest.fixture(scope="module")
def rest_on(tmp_path_factory):
    return crawl(tmp_path_factory, "rest-on", SiteStyle(seo="mixed"))


@pytest.fixture(scope="module")
def rest_refused(tmp_path_factory):
    return crawl(tmp_path_factory, "rest-403", SiteStyle(theme="block", rest="403", seo="none"))


def test_parts_are_archived_and_merged(rest_on):
    archive, base, proc, stats = rest_on
    conn = open_db(archive / "archive.sqlite", readonly=True)
    truth = {t["wp_post_id"]: t for t in iter_truth(POSTS, SEED, base, variety=True, style=SiteStyle(seo="mixed"))}
    captured = {r[0] for r in conn.execute("SELECT url FROM captures WHERE status=200")}
    rows = {r["wp_post_id"]: r for r in conn.execute("SELECT * FROM articles")}
    assert set(rows) == set(truth)                      # no password post among the articles
    multi = [t for t in truth.values() if t["pages"] > 1]
    assert multi
    for t in truth.values():
        row = rows[t["wp_post_id"]]
        assert row["pages"] == t["pages"]
        # the REST JSON is part of what the site published: in the WARC, and applied
        assert f"{base}/wp-json/wp/v2/posts/{t['wp_post_id']}?_embed=" in captured
        assert (row["modified_at"], row["wp_author"]) == (t["modified_at"], t["wp_author"])
        assert json.loads(row["extract_sources"]).get("modified_at") == "rest"
    for t in multi:
        later = [u for u in captured if u.startswith(t["url"]) and u != t["url"] and "/amp" not in u]
        assert len(later) == t["pages"] - 1, t["url"]
        assert rows[t["wp_post_id"]]["body_text"].count("\n\n") > 0
    protected = list(iter_protected(POSTS, SEED, base, variety=True))
    assert protected and stats["articles/password_protected"] == len(protected)
    assert {p["url"] for p in protected} <= captured     # their capture is kept
    assert stats["articles/multipage"] == len(multi)


def test_reindex_and_import_give_the_same_rows(rest_on, tmp_path):
    assert_rebuild_and_import_match(rest_on[0], tmp_path)


def test_refused_api_leaves_no_error_rows(rest_refused, tmp_path):
    archive, base, proc, stats = rest_refused
    assert proc.returncode == 0
    conn = open_db(archive / "archive.sqlite", readonly=True)
    assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
    refused = conn.execute("SELECT count(*) FROM captures WHERE status=403 AND url LIKE '%/wp-json/%'").fetchone()[0]
    assert refused == stats["rest/unavailable/403"] >= POSTS * 0.9
    style = SiteStyle(theme="block", rest="403", seo="none")
    truth = {t["wp_post_id"]: t for t in iter_truth(POSTS, SEED, base, variety=True, style=style)}
    rows = {r["wp_post_id"]: r for r in conn.execute("SELECT wp_post_id, pages, modified_at FROM articles")}
    assert set(rows) == set(truth)
    assert all(rows[k]["pages"] == t["pages"] and rows[k]["modified_at"] is None for k, t in truth.items())
    assert_rebuild_and_import_match(archive, tmp_path)
