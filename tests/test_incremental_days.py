"""Nightly crawls of a replica that changes (adds, edits, renames, deletes) over
simulated days, through the real CLI, with sitemap ``lastmod`` (as SEO plugins
write it) and without (WordPress core sitemaps)."""

from __future__ import annotations

import json
from datetime import datetime
from urllib.parse import urlsplit

import pytest
from reindex_compare import assert_rebuild_and_import_match
from test_incremental_kit import (
    DayReplica,
    article_fetches,
    connect,
    crawl,
    crawl_requests,
    events,
    free_port,
    last_crawl,
    live_mismatches,
    truth,
)

from archive.crawl.revisit import RevisitPolicy, load_known

pytestmark = pytest.mark.slow

POSTS, SEED, DAYS = 150, 3, 3


def _record(root, day, proc, want, evs, label):
    conn = connect(root)
    try:
        row = last_crawl(conn)
        paths = {urlsplit(r[0]).path for r in conn.execute("SELECT url FROM article_urls")}
        ok = {urlsplit(r[0]).path for r in conn.execute(
            "SELECT url FROM captures WHERE crawl_id=? AND status=200", (row["id"],))} & paths
        return {
            "label": label, "day": day, "crawl": dict(row), "rc": proc.returncode,
            "stdout": proc.stdout, "stderr": proc.stderr,
            "mismatches": live_mismatches(conn, want), "events": evs,
            "requests": crawl_requests(conn, row["id"]),
            "article_requests": article_fetches(conn, row["id"], paths),
            "article_200": ok, "known_articles": len(paths),
        }
    finally:
        conn.close()


def _play(tmp_path_factory, lastmod: bool) -> list[dict]:
    root = tmp_path_factory.mktemp("days") / "archive"
    port = free_port()
    extra = ("--lastmod",) if lastmod else ()
    runs = []
    for day in range(DAYS + 1 if lastmod else DAYS):
        last = day == (DAYS if lastmod else DAYS - 1)
        with DayReplica(port, POSTS, SEED, day, *extra) as replica:
            proc = crawl(root, replica.url)
            want = truth(POSTS, SEED, day, replica.url)
            evs = [e for e in events(POSTS, SEED, day) if e["day"] == day] if day else []
            runs.append(_record(root, day, proc, want, evs, f"day {day}"))
            if last:
                proc = crawl(root, replica.url)
                runs.append(_record(root, day, proc, want, [], "unchanged rerun"))
                if lastmod:
                    # every old slug and gone post on its turn: the renamed posts' 301s
                    # lead to current URLs, which the sitemaps' lastmod says are unchanged
                    proc = crawl(root, replica.url, "-s", "PORTAL_REVISIT_PERIOD_DAYS=1")
                    runs.append(_record(root, day, proc, want, [], "period 1"))
                    proc = crawl(root, replica.url, "--full")
                    runs.append(_record(root, day, proc, want, [], "full"))
                else:
                    proc = crawl(root, replica.url, "-s", "PORTAL_REVISIT_PERIOD_DAYS=1")
                    runs.append(_record(root, day, proc, want, [], "period 1"))
    runs.append({"root": root})
    for run in runs[:-1]:
        print(f"{'lastmod' if lastmod else 'no lastmod'} {run['label']}: {run['requests']}, "
              f"article requests {len(run['article_requests'])}, article 200s {len(run['article_200'])}")
    return runs


@pytest.fixture(scope="module")
def with_lastmod(tmp_path_factory):
    return _play(tmp_path_factory, lastmod=True)


@pytest.fixture(scope="module")
def without_lastmod(tmp_path_factory):
    return _play(tmp_path_factory, lastmod=False)


def test_every_crawl_succeeds_quietly_with_its_row_and_stats_file(with_lastmod):
    root = with_lastmod[-1]["root"]
    for run in with_lastmod[:-1]:
        assert run["rc"] == 0, run["stderr"][-2000:]
        assert run["stdout"] == "" and run["stderr"] == "", "not on a terminal: nothing printed"
        crawl_row = run["crawl"]
        assert crawl_row["status"] == "finished" and crawl_row["exit_code"] == 0
        stats = json.loads((root / "logs" / f"crawl-{crawl_row['id']:05d}.json").read_text())
        assert stats["crawl_id"] == crawl_row["id"] and stats["status"] == "finished"
    assert not (root / "state" / "crawl.lock").read_text().strip()  # released, no holder named


def test_database_equals_the_truth_after_each_day(with_lastmod):
    for run in with_lastmod[:-1]:
        assert run["mismatches"] == [], (run["label"], run["mismatches"][:5])


def test_edits_renames_and_deletions_are_kept(with_lastmod):
    conn = connect(with_lastmod[-1]["root"])
    evs = [e for run in with_lastmod[:-1] for e in run["events"]]
    assert {e["kind"] for e in evs} == {"add", "edit", "rename", "delete"}
    for e in evs:
        row = conn.execute("SELECT * FROM articles WHERE wp_post_id=?", (e["wp_post_id"],)).fetchone()
        assert row is not None, e
        urls = {urlsplit(u).path for (u,) in conn.execute(
            "SELECT url FROM article_urls WHERE article_id=?", (row["id"],))}
        versions = conn.execute("SELECT count(*) FROM article_versions WHERE article_id=?",
                                (row["id"],)).fetchone()[0]
        if e["kind"] == "edit":
            assert versions >= 2, e
        elif e["kind"] == "rename":
            assert {e["url"], e["old_url"]} <= urls, e
            assert urlsplit(row["url"]).path == e["url"] or row["gone_at"]
            assert versions >= 2, e  # the new title is a new version
        elif e["kind"] == "delete":
            assert row["gone_at"] is not None, e
            assert row["title"] and row["body_text"]  # still in the database
    dupes = conn.execute("SELECT count(*) - count(DISTINCT wp_post_id) FROM articles").fetchone()[0]
    assert dupes == 0


def test_with_lastmod_a_night_fetches_exactly_the_changed_posts(with_lastmod):
    for run in with_lastmod[1:DAYS + 1]:
        evs = run["events"]
        changed = {e["url"] for e in evs if e["kind"] in ("add", "edit", "rename")}
        rechecked = {e["old_url"] for e in evs if e["kind"] == "rename"} | \
            {e["url"] for e in evs if e["kind"] == "delete"}
        assert run["article_200"] == changed, run["label"]
        assert run["article_requests"] == changed | rechecked, run["label"]


def test_unchanged_rerun_fetches_at_most_2_percent_of_article_pages(with_lastmod, without_lastmod):
    for runs in (with_lastmod, without_lastmod):
        run = next(r for r in runs if r.get("label") == "unchanged rerun")
        assert len(run["article_200"]) <= 0.02 * run["known_articles"], run["article_200"]


def test_with_lastmod_an_unchanged_rerun_asks_for_no_live_post(with_lastmod):
    """With lastmod no live post is asked for: only gone posts and old slugs on their
    rotation turn (every one of them in the "period 1" rerun). An old slug answers 301;
    where it leads is planned like any discovered URL (the sitemap's lastmod says it
    is unchanged), never fetched blindly. (This was a flake while it was followed as
    a plain redirect: it showed whenever a renamed post's old slug had its turn.)"""
    gone_or_old = {e.get("old_url") or e["url"] for r in with_lastmod[:-1] for e in r["events"]
                   if e["kind"] in ("rename", "delete")}
    for label in ("unchanged rerun", "period 1"):
        run = next(r for r in with_lastmod if r.get("label") == label)
        assert run["article_requests"] <= gone_or_old and run["article_200"] == set(), label
    run = next(r for r in with_lastmod if r.get("label") == "period 1")
    assert run["article_requests"] == gone_or_old
    unchanged = next(r for r in with_lastmod if r.get("label") == "unchanged rerun")
    assert len(unchanged["article_requests"]) <= 0.02 * unchanged["known_articles"]


def test_without_lastmod_a_rerun_asks_exactly_what_the_revisit_policy_says(without_lastmod):
    """Recent posts and today's rotation slice, as conditional GETs (304, no body)."""
    run = next(r for r in without_lastmod if r.get("label") == "unchanged rerun")
    conn = connect(without_lastmod[-1]["root"])
    today = datetime.fromisoformat(run["crawl"]["started_at"].replace("Z", "+00:00")).date()
    policy = RevisitPolicy(recent_days=3, period_days=90, today=today)
    known = load_known(conn)
    expected = {urlsplit(url).path for url, page in known.items()
                if page.is_article and page.current and not page.gone
                and policy.should_fetch(url, page)}
    # gone posts and old slugs (out of the sitemaps) on their rotation turn
    expected |= {urlsplit(url).path for url, page in known.items()
                 if page.is_article and (page.gone or not page.current) and policy.in_slice(url, page)}
    assert run["article_requests"] == expected
    statuses = {r[0] for r in conn.execute(
        "SELECT status FROM captures WHERE crawl_id=? AND url LIKE '%.html'", (run["crawl"]["id"],))}
    assert statuses <= {304, 301, 404, 410}
    slice_only = [p for p in load_known(conn).values() if p.is_article and p.current and not p.gone]
    turn = sum(policy.in_slice("", p) for p in slice_only)
    assert turn <= len(slice_only) // 90 + 1  # the rotation's share: 1/90 of the posts a night


def test_full_fetches_everything(with_lastmod):
    run = next(r for r in with_lastmod if r.get("label") == "full")
    live = POSTS + DAYS * 2 - DAYS  # 2 added and 1 deleted a day
    assert len(run["article_200"]) >= live
    assert run["requests"]["image"] > 0


def test_without_lastmod_new_renamed_and_deleted_posts_are_found(without_lastmod):
    conn = connect(without_lastmod[-1]["root"])
    for run in without_lastmod[1:DAYS]:
        assert run["rc"] == 0
        for e in run["events"]:
            if e["kind"] in ("add", "rename"):
                assert e["url"] in run["article_200"], (run["label"], e)
            if e["kind"] == "delete":
                assert conn.execute("SELECT gone_at FROM articles WHERE wp_post_id=?",
                                    (e["wp_post_id"],)).fetchone()[0], e
        # every live post is there; only the text of edits waits for its rotation turn
        missing = [m for m in run["mismatches"] if m[1] in ("missing", "extra (should be gone)")]
        assert missing == [], (run["label"], missing)


def test_without_lastmod_a_one_day_period_rechecks_every_post(without_lastmod):
    """The rotation is what catches edits when the site gives no lastmod: with a
    period of one day every post is re-checked (conditional GET) and edits land.
    (Pages whose 'Tin khác' list changed have a new ETag, so they come back 200.)"""
    run = next(r for r in without_lastmod if r.get("label") == "period 1")
    assert run["rc"] == 0 and run["mismatches"] == []
    assert len(run["article_requests"]) >= run["known_articles"] - 2 * DAYS  # live posts (+ old slugs)
    assert run["article_requests"] - run["article_200"]  # unchanged ones answered 304 (no body)


@pytest.mark.parametrize("scenario", ["with_lastmod", "without_lastmod"])
def test_rebuild_and_import_of_the_nights_give_their_rows(scenario, request, tmp_path):
    """Edits, renames, deletions (404 → gone), 304s over several nights: a
    reindex and an import of the WARC files give the crawls' rows, times included."""
    root = request.getfixturevalue(scenario)[-1]["root"]
    counts = assert_rebuild_and_import_match(root, tmp_path)
    assert counts["articles"] >= POSTS and counts["article_versions"] > counts["articles"]
