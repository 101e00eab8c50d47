"""Versions survive recovery: when a cut WARC loses the capture of an edit, the
article goes back to its newest surviving version (its history is kept), and
the URLs whose captures were lost are queued again in the frontier."""

from __future__ import annotations

from dataclasses import dataclass

from archive.crawl.frontier import Frontier
from archive.db import open_db
from archive.db.store import Store
from archive.integrity.recover import RecoveryReport, forget_past
from archive.layout import ArchiveLayout
from archive.parser.model import Article
from archive.research.search import fts_query

URL = "http://h/bai-viet.html"


@dataclass
class Ref:
    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str = "sha1:X"


def article(body: str, title: str = "Tiêu đề") -> Article:
    return Article(url=URL, slug="bai-viet", wp_post_id=42, title=title, lead="Mở đầu",
                   body_text=body, published_at="2026-11-01T08:00:00+07:00")


def capture(store: Store, offset: int, n: int) -> int:
    return store.add_capture(1, url=URL, status=200, content_type="text/html",
                             fetched_at="2026-11-28T00:00:00Z",
                             ref=Ref("portal-1.warc.gz", offset, 100, f"<urn:uuid:{n}>"))


def setup(tmp_path):
    conn = open_db(tmp_path / "archive.sqlite")
    store = Store(conn)
    store.start_crawl("http://h/", {})
    first = capture(store, 0, 1)
    store.save_article(article("Thân bài một."), first, "2026-11-28T00:00:01Z")
    second = capture(store, 100, 2)
    store.save_article(article("Thân bài hai, đã sửa.", "Tiêu đề mới"), second, "2026-11-28T00:00:02Z")
    return conn, store, first, second


def test_an_edit_lost_in_a_cut_goes_back_to_the_previous_version(tmp_path):
    conn, _store, first, _second = setup(tmp_path)
    report = RecoveryReport()
    forget_past(conn, "portal-1.warc.gz", 150, report)  # the second capture's record is cut
    row = conn.execute("SELECT * FROM articles WHERE wp_post_id=42").fetchone()
    assert row is not None, "the article and its first version must survive"
    assert (row["title"], row["body_text"], row["capture_id"]) == ("Tiêu đề", "Thân bài một.", first)
    versions = conn.execute("SELECT version, capture_id FROM article_versions WHERE article_id=?",
                            (row["id"],)).fetchall()
    assert [tuple(v) for v in versions] == [(1, first)]
    assert report.captures_removed == 1 and report.urls_lost == [URL]
    # the next fetch of the same edited page is a change again: a new version 2
    store = Store(conn)
    again = capture(store, 100, 3)
    store.save_article(article("Thân bài hai, đã sửa.", "Tiêu đề mới"), again)
    assert conn.execute("SELECT count(*) FROM article_versions WHERE article_id=?",
                        (row["id"],)).fetchone()[0] == 2
    hits = conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                        (fts_query("moi"),)).fetchone()[0]
    assert hits == 1  # the FTS index follows the article back and forth


def test_an_article_whose_only_capture_is_lost_goes_entirely(tmp_path):
    conn, *_ = setup(tmp_path)
    report = RecoveryReport()
    forget_past(conn, "portal-1.warc.gz", 50, report)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM article_urls").fetchone()[0] == 0
    assert report.articles_removed == 1 and report.urls_lost == [URL]


def test_lost_urls_are_queued_again_in_the_frontier(tmp_path):
    frontier = Frontier(ArchiveLayout(tmp_path))
    frontier.add(URL, "post", 10)
    frontier.done(URL)
    assert frontier.is_done(URL)
    frontier.requeue([URL, "http://h/never-seen.html"])
    assert not frontier.is_done(URL)
    assert {u for u, *_ in frontier.queued()} == {URL, "http://h/never-seen.html"}
    frontier.close()


def test_every_version_stores_each_field_the_content_digest_covers(tmp_path):
    """A version row holds exactly what content_digest covers: recomputing the
    digest from the row gives the stored digest (no field is left out)."""
    import json

    from archive.db.store import VERSIONED, VERSIONED_LISTS, digest_of
    from archive.parser.model import Image, Term

    conn = open_db(tmp_path / "archive.sqlite")
    store = Store(conn)
    store.start_crawl("http://h/", {})
    full = Article(url=URL, slug="bai-viet", wp_post_id=7, title="Tựa", lead="Sapo", body_text="Thân",
                   published_at="2026-11-01T08:00:00+07:00", author="T.H.", source="ANHP",
                   original_url="http://goc/1", categories=[Term("thoi-su", "Thời sự", None)],
                   tags=[Term("cang", "Cảng", None), Term("bien", "Biển", None)],
                   images=[Image("http://h/a.jpg", "Ảnh")])
    store.save_article(full, capture(store, 0, 1), "2026-11-28T00:00:01Z")
    only_author = Article(**{**full.__dict__, "author": "K.O."})   # an edit the old rows could not tell
    store.save_article(only_author, capture(store, 100, 2), "2026-11-28T00:00:02Z")
    rows = conn.execute(f"SELECT {', '.join(VERSIONED)}, content_digest FROM article_versions "
                        "ORDER BY version").fetchall()
    assert [r["author"] for r in rows] == ["T.H.", "K.O."]
    for r in rows:
        fields = {k: json.loads(r[k]) if k in VERSIONED_LISTS else r[k] for k in VERSIONED}
        assert digest_of(fields) == r["content_digest"]
    assert json.loads(rows[0]["tags"]) == ["cang", "bien"] and json.loads(rows[0]["images"]) == ["http://h/a.jpg"]


def test_a_lost_edit_restores_every_versioned_field(tmp_path):
    from archive.parser.model import Term

    conn = open_db(tmp_path / "archive.sqlite")
    store = Store(conn)
    store.start_crawl("http://h/", {})
    one = Article(url=URL, slug="bai-viet", wp_post_id=9, title="A", lead="L", body_text="B",
                  published_at="2026-11-01T08:00:00+07:00", author="T.H.", source="S1",
                  categories=[Term("a", "A", None)])
    first = capture(store, 0, 1)
    store.save_article(one, first, "2026-11-28T00:00:01Z")
    two = Article(**{**one.__dict__, "author": "K.O.", "source": "S2", "categories": [Term("b", "B", None)]})
    store.save_article(two, capture(store, 100, 2), "2026-11-28T00:00:02Z")
    forget_past(conn, "portal-1.warc.gz", 150, RecoveryReport())
    row = conn.execute("SELECT * FROM articles WHERE wp_post_id=9").fetchone()
    assert (row["author"], row["source"], row["capture_id"]) == ("T.H.", "S1", first)
    cats = [r[0] for r in conn.execute("SELECT c.slug FROM article_categories j JOIN categories c "
                                       "ON c.id = j.category_id WHERE j.article_id=?", (row["id"],))]
    assert cats == ["a"]
