"""Parse health and the drift alarm on a real SQLite archive: per-crawl coverage stored
by the Store, drift against recent crawls, the crawl's exit code 4 and ``status``."""

from __future__ import annotations

import pytest

from archive.crawl import parse_health as H
from archive.db import open_db, utcnow
from archive.db.store import Store
from archive.layout import ArchiveLayout
from archive.parser import Article, Image
from archive.status import archive_status, format_status
from crawler.runner import EXIT_OK, EXIT_PARSE_DRIFT, EXIT_SOME_FAILED, _result


def _article(i: int, *, good: bool, version: int = 0) -> Article:
    a = Article(url=f"https://x.vn/p{i}.html", wp_post_id=i, title=f"Bài {i}",
                body_text=("Nội dung bài viết. " * (20 if good else 2)) + str(version))
    if good:
        a.author, a.source, a.event_date = "Minh Anh", "Báo Hải Phòng", "2024-01-02"
        a.images = [Image(f"https://x.vn/{i}.jpg")]
        a.sources["title"] = "theme"
    else:
        a.sources["title"] = "metadata"
    return a


def _crawl(store: Store, n: int, *, good: bool, version: int, errors: int = 0) -> int:
    crawl_id = store.start_crawl("https://x.vn/", {})
    for i in range(n):
        cap = store.add_capture(crawl_id, url=f"https://x.vn/p{i}.html", status=200,
                                content_type="text/html", fetched_at=utcnow())
        store.save_article(_article(i, good=good, version=version), cap)
    for k in range(errors):
        store.add_error(crawl_id, f"https://x.vn/bad{k}", "http-500", "server error")
    store.finish_crawl(crawl_id, "finished", {})
    return crawl_id


@pytest.fixture
def archive(tmp_path):
    layout = ArchiveLayout(tmp_path).create()
    conn = open_db(layout.db)
    yield layout, conn, Store(conn)
    conn.close()


def test_tally_and_metrics():
    t = H.Tally()
    for i in range(3):
        t.add(_article(i, good=True))
    t.add(_article(9, good=False))
    m = t.metrics()
    assert m["author"] == m["source"] == m["event_date"] == m["images"] == m["title_theme"] == 0.75
    assert m[H.MEDIAN_BODY] == len(_article(0, good=True).body_text)
    assert H.Tally().metrics() == {}


def test_find_drift_thresholds():
    base = {"author": 0.9, "source": 0.5, H.MEDIAN_BODY: 1000.0}
    assert H.find_drift({"author": 0.71, "source": 0.3, H.MEDIAN_BODY: 800.0}, 50, base) == []  # 19/20 points, 80 %
    drift = H.find_drift({"author": 0.69, "source": 0.5, H.MEDIAN_BODY: 790.0}, 50, base)
    assert [d.metric for d in drift] == ["author", H.MEDIAN_BODY]
    assert H.find_drift({"author": 0.0}, H.MIN_JUDGED - 1, base) == []          # too few to judge
    assert [d.metric for d in H.find_drift({"author": 0.0, H.MEDIAN_BODY: 10.0}, H.MIN_JUDGED, base)] \
        == ["author"]                                                   # the median needs more
    assert H.find_drift({"author": 0.0}, 50, {}) == []                          # no history yet
    assert "author 69% of articles (recent crawls 90%)" in H.drift_message(drift)


def test_binomial_cdf_against_known_values():
    assert H.binomial_cdf(0, 20, 0.37) == pytest.approx(0.63 ** 20)
    assert H.binomial_cdf(2, 12, 0.42) == pytest.approx(0.0641984, abs=1e-6)
    assert H.binomial_cdf(5, 10, 0.5) == pytest.approx(638 / 1024)
    assert H.binomial_cdf(-1, 10, 0.5) == 0.0 and H.binomial_cdf(10, 10, 0.5) == 1.0
    assert H.binomial_cdf(0, 10, 0.0) == 1.0 and H.binomial_cdf(3, 10, 1.0) == 0.0
    assert H.binomial_cdf(40, 1000, 0.05) < 0.1             # large n stays finite and exact enough


@pytest.mark.parametrize(("share", "n", "base", "drifts"), [
    (2 / 12, 12, 0.42, False),    # the resumed 12-post crawl: sources on 2 of 12 against 42 % (p = 0.06)
    (3 / 12, 12, 0.42, False),    # …or 3 of 12: not even 20 points below
    (0.21, 12, 0.42, False),      # 21 % as the crawl reported it
    (0 / 20, 20, 0.37, True),     # a night of 20 posts, no source left (p = 0.0001): the theme changed
    (0 / 12, 12, 0.42, False),    # none of 12 against 42 %: p = 0.0014, just short of ALPHA (next night)
    (0 / 10, 10, 0.9, True),      # author gone from all 10 of a quiet night
    (0 / 9, 9, 0.9, False),       # under MIN_JUDGED: never judged
    (5 / 10, 10, 0.9, False),     # 40 points down on 10 articles, p = 0.0016: not yet sure
    (4 / 10, 10, 0.9, True),      # …50 points down, p = 0.00015
    (0.21, 60, 0.42, True),       # the same 21 % on a full crawl of 60 is significant
    (0.23, 500, 0.42, False),     # significant, but not 20 points: a shift, not drift
])
def test_share_drift_needs_20_points_and_significance(share, n, base, drifts):
    assert H.share_drifts(share, n, base) is drifts


def test_each_crawl_stores_its_coverage(archive):
    layout, conn, store = archive
    cid = _crawl(store, 60, good=True, version=0)
    rows = {r[0]: (r[1], r[2]) for r in conn.execute(
        "SELECT metric, value, articles FROM parse_health WHERE crawl_id=?", (cid,))}
    assert set(rows) == set(H.METRICS)
    assert rows["author"] == (1.0, 60) and rows["title_theme"] == (1.0, 60)


def test_drift_on_the_day_the_theme_changes_and_not_before(archive):
    layout, conn, store = archive
    ids = [_crawl(store, 60, good=True, version=day) for day in range(3)]
    for cid in ids:
        assert H.drift_of(conn, cid) == []
    assert _result(layout, ids[-1]).exit_code == EXIT_OK
    changed = _crawl(store, 60, good=False, version=3)            # the theme changed today
    drift = H.drift_of(conn, changed)
    assert {d.metric for d in drift} == {"author", "source", "event_date", "images", "title_theme",
                                         H.MEDIAN_BODY}
    result = _result(layout, changed)
    assert result.crawl_id == changed and result.exit_code == EXIT_PARSE_DRIFT
    assert result.drift.startswith("parse drift: author 0% of articles (recent crawls 100%)")
    assert "portal-archive reindex" in result.drift
    # status names it (read-only, as while a crawl runs)
    st = archive_status(layout.root)
    assert [k.id for k in st.crawls if k.parse_drift] == [changed]
    assert f"warning: crawl {changed}: parse drift: author 0%" in format_status(st)
    # failed pages take precedence over the warning
    failing = _crawl(store, 60, good=False, version=4, errors=1)
    assert _result(layout, failing).exit_code == EXIT_SOME_FAILED


def test_small_crawls_neither_alarm_nor_set_the_baseline(archive):
    layout, conn, store = archive
    _crawl(store, 60, good=True, version=0)
    small = _crawl(store, 3, good=False, version=1)              # a quiet day: three new posts
    assert H.drift_of(conn, small) == []
    night = _crawl(store, H.BASELINE_ARTICLES - 1, good=True, version=2)   # too few to set it
    later = _crawl(store, 60, good=True, version=3)
    assert H.baseline(conn, later)["author"] == 1.0              # the small crawl is not in it
    got = {r[0] for r in conn.execute("SELECT crawl_id FROM parse_health WHERE crawl_id < ? AND articles >= ?",
                                      (later, H.BASELINE_ARTICLES))}
    assert night not in got and small not in got


def test_an_incremental_night_of_20_posts_is_judged(archive):
    layout, conn, store = archive
    _crawl(store, 60, good=True, version=0)                      # the first crawl: every post
    quiet = _crawl(store, 20, good=True, version=1)              # nights of 20 new posts
    assert H.drift_of(conn, quiet) == []
    changed = _crawl(store, 20, good=False, version=2)           # the theme changed tonight
    drift = H.drift_of(conn, changed)
    assert {d.metric for d in drift} == {"author", "source", "event_date", "images", "title_theme"}
    assert _result(layout, changed).exit_code == EXIT_PARSE_DRIFT
