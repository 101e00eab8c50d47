"""Host aliases (issues 14.1, 13.6): a site that moved is not archived again as new.

Crawl a 40-post replica, restart it on another port (the site "moved"), and
crawl with ``--alias OLD=NEW``: no new article, no new version, no error, and
the crawl stays incremental. The archive remembers the alias: a later crawl
without ``--alias`` behaves the same. A copy of the archive crawled without
the alias shows what happened before (every post changed: new versions).
"""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

import pytest
from clirun import run_cli
from faultnet import FAST, crawl, crawl_stats, open_db
from reindex_compare import assert_same

from crawler.replica_process import ReplicaProcess

pytestmark = pytest.mark.slow
POSTS = 40


def counts(archive):
    with closing(open_db(archive)) as db:
        one = lambda q: db.execute(q).fetchone()[0]  # noqa: E731
        return {"articles": one("SELECT count(*) FROM articles"),
                "versions": one("SELECT count(*) FROM article_versions"),
                "article_urls": one("SELECT count(*) FROM article_urls"),
                "errors": one("SELECT count(*) FROM errors WHERE crawl_id=(SELECT max(id) FROM crawls)"),
                "fetches": one("SELECT count(*) FROM captures WHERE crawl_id=(SELECT max(id) FROM crawls)")}


def crawl_with_alias(archive, start_url, alias):
    args = ["crawl", "--archive", str(archive), "--start-url", start_url, "--alias", alias]
    for setting in FAST:
        args += ["-s", setting]
    return run_cli(*args, check=False)


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("alias")
    archive, plain = tmp / "archive", tmp / "plain"
    with ReplicaProcess(POSTS, 3) as old:
        first = crawl(archive, old.url)
        old_origin = old.url.rstrip("/")
    assert first.returncode == 0, first.stderr[-2000:]
    out = {"before": counts(archive), "old": old_origin}
    shutil.copytree(archive, plain)
    with ReplicaProcess(POSTS, 3) as new:
        out["new"] = new_origin = new.url.rstrip("/")
        assert new_origin != old_origin
        out["alias"] = crawl_with_alias(archive, new.url, f"{old_origin}={new_origin}")
        out["alias_counts"] = counts(archive)
        out["alias_stats"] = crawl_stats(archive)
        out["again"] = crawl(archive, new.url)           # no --alias: the archive remembers it
        out["again_counts"] = counts(archive)
        out["plain"] = crawl(plain, new.url)             # before: the same move without an alias
        out["plain_counts"] = counts(plain)
    out["archive"] = archive
    return out


def test_alias_crawl_adds_nothing_new(moved):
    assert moved["alias"].returncode == 0, moved["alias"].stderr[-2000:]
    before, after = moved["before"], moved["alias_counts"]
    assert before["articles"] == POSTS
    assert after["articles"] == before["articles"]        # 0 new posts
    assert after["versions"] == before["versions"]        # 0 new versions
    assert after["article_urls"] == before["article_urls"]
    assert after["errors"] == 0
    stats = moved["alias_stats"]
    assert stats["incremental/enabled"] is True
    assert stats["incremental/known_urls"] >= POSTS
    assert after["fetches"] < before["fetches"] / 2       # incremental, not a full re-fetch


def test_rows_keep_the_first_origin(moved):
    with closing(open_db(moved["archive"])) as db:
        article_hosts = {r[0].split("/")[2] for r in db.execute("SELECT url FROM articles")}
        image_hosts = {r[0].split("/")[2] for r in db.execute("SELECT url FROM images")}
        fetched = {r[0].split("/")[2] for r in db.execute(
            "SELECT url FROM captures WHERE crawl_id=2")}
        origins = dict(db.execute("SELECT origin, canonical FROM origins").fetchall())
    old_host, new_host = moved["old"].split("/")[2], moved["new"].split("/")[2]
    assert article_hosts == {old_host} and image_hosts <= {old_host}
    assert fetched == {new_host}                          # what was fetched stays what was asked
    assert origins == {moved["old"]: moved["old"], moved["new"]: moved["old"]}


def test_the_alias_is_remembered(moved):
    assert moved["again"].returncode == 0, moved["again"].stderr[-2000:]
    again = moved["again_counts"]
    assert again["articles"] == moved["before"]["articles"]
    assert again["versions"] == moved["before"]["versions"]
    assert again["errors"] == 0


def test_without_alias_the_move_looked_like_new_content(moved):
    """The 'before' column of the report: every post's images moved, so each got a new version."""
    plain = moved["plain_counts"]
    assert plain["versions"] > moved["before"]["versions"]
    assert plain["fetches"] > moved["alias_counts"]["fetches"]


def test_reindex_gives_the_same_rows(moved, tmp_path):
    """The rebuild reads the aliases from each crawl's warcinfo: same URLs, versions, origins."""
    rebuilt = tmp_path / "rebuilt.sqlite"
    run_cli("reindex", "--archive", str(moved["archive"]), "--db", str(rebuilt), "-q")
    with closing(open_db(moved["archive"])) as built, \
            closing(sqlite3.connect(f"file:{rebuilt}?mode=ro", uri=True)) as again:
        counts = assert_same(built, again)
    assert counts["origins"] == 2 and counts["articles"] == POSTS
