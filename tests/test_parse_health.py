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
    assert H.find_drift({"author": 0.0}, H.MIN_ARTICLES - 1, base) == []        # too few to judge
    assert H.find_drift({"author": 0.0}, 50, {}) == []                          # no history yet
    assert "author 69% of articles (recent crawls 90%)" in H.drift_message(drift)


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
    later = _crawl(store, 60, good=True, version=2)
    assert H.baseline(conn, later)["author"] == 1.0              # the small crawl is not in it
