"""Vietnamese full-text search: folding, sync with writes, ranking, filters, hostile queries, CLI."""

from __future__ import annotations

import csv
import io
import json
import sqlite3

import pytest
from click.testing import CliRunner

from archive.db import open_db
from archive.db.store import Store
from archive.parser.model import Article
from archive.research.search import fts_query, rebuild_index, search

try:
    from .researcher_archive import ARTICLES, BASE, build_archive
except ImportError:
    from researcher_archive import ARTICLES, BASE, build_archive


@pytest.fixture()
def layout(tmp_path):
    return build_archive(tmp_path / "arch")


@pytest.fixture()
def conn(layout):
    c = open_db(layout.db)
    yield c
    c.close()


def ids(hits):
    return {h.article_id for h in hits}


def wp(conn, *pids):
    return {conn.execute("SELECT id FROM articles WHERE wp_post_id=?", (p,)).fetchone()[0]
            for p in pids}


@pytest.mark.parametrize("query", ["hai phong", "Hải Phòng", "HẢI PHÒNG", "hải phòng", "HAI PHONG"])
def test_hai_phong_in_every_spelling(conn, query):
    assert ids(search(conn, query)) == wp(conn, 101, 102, 106, 109)


@pytest.mark.parametrize("query,expected", [
    ("da nang", {102}), ("Đà Nẵng", {102}), ("thu duc", {106}), ("Thủ Đức", {106}),
    ("duong", {101, 105, 109}), ("đường", {101, 105, 109}), ("ĐƯỜNG", {101, 105, 109}),
    ("thuy nguyen", {104}),
])
def test_folded_words(conn, query, expected):
    assert ids(search(conn, query)) == wp(conn, *expected)


@pytest.mark.parametrize("a,b", [("hoà", "hòa"), ("Uỷ ban", "Ủy ban"), ("hoà mạng", "hòa mạng"), ("Thuỵ", "Thụy")])
def test_old_and_new_tone_marks_match_each_other(conn, a, b):
    assert ids(search(conn, a)) == ids(search(conn, b))
    assert ids(search(conn, a))


def test_nfd_query_matches(conn):
    import unicodedata
    assert ids(search(conn, unicodedata.normalize("NFD", "Hải Phòng"))) == wp(conn, 101, 102, 106, 109)


def test_snippet_and_title_show_original_diacritics(conn):
    hit = next(h for h in search(conn, "duong ven bien") if h.article_id in wp(conn, 101))
    assert "[đường]" in hit.title_highlighted
    assert "[ven] [biển]" in hit.title_highlighted
    assert "[đường]" in hit.snippet.lower() or "[Đường]" in hit.snippet
    assert hit.url == BASE + "hai-phong-khanh-thanh-tuyen-duong-ven-bien.html"
    assert hit.published_at == "2023-03-15T09:30:00+07:00"
    assert hit.categories == ["kinh-te"]


def test_title_match_ranks_first(conn):
    hits = search(conn, "thu duc")
    assert hits[0].title.startswith("Đoàn công tác thành phố Thủ Đức")
    hits = search(conn, "du lich")
    assert hits[0].article_id in wp(conn, 102)


def test_phrase_prefix_and_or(conn):
    assert ids(search(conn, '"uy ban nhan dan"')) == wp(conn, 103, 105)
    assert ids(search(conn, '"nhan uy"')) == set()
    assert ids(search(conn, "chuyen*")) == wp(conn, 104)
    assert ids(search(conn, '"thu duc" OR "da nang"')) == wp(conn, 102, 106)
    assert ids(search(conn, "lon OR thuy")) == wp(conn, 104, 110)


@pytest.mark.parametrize("query", [
    "'); DROP TABLE articles; --", '"', '""', "*", "NEAR(a b)", "a AND", "OR", "(", ")",
    "title:hai", "-hai", "^hai", "hai + phong", "col:*", "%_%", "\x00", "", "   ", "NOT",
])
def test_hostile_queries_never_error_or_harm(conn, query):
    n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    search(conn, query)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == n


def test_sql_injection_finds_nothing(conn):
    assert search(conn, "'); DROP TABLE articles; --") == []
    # every word a quoted term of the index (its fold, U+E000, any reading: ``*``)
    assert fts_query("'); DROP TABLE articles; --") == \
        '"drop\ue000"* AND "table\ue000"* AND "articles\ue000"*'


def test_filters(conn):
    assert ids(search(conn, "hai phong", since="2023")) == wp(conn, 101, 106, 109)
    assert ids(search(conn, "hai phong", until="2022-07")) == wp(conn, 102)
    assert ids(search(conn, "hai phong", since="2023-03-15", until="2023-03-15")) == wp(conn, 101)
    assert ids(search(conn, "hai phong", category="chinh-tri")) == wp(conn, 106, 109)
    assert ids(search(conn, "hai phong", category="Chính trị")) == wp(conn, 106, 109)
    assert ids(search(conn, "hai phong", author="ko")) == wp(conn, 102)
    assert len(search(conn, "thanh pho", limit=2)) == 2


def test_bad_date_filter_is_a_clear_error(conn):
    from archive.errors import ArchiveError
    with pytest.raises(ArchiveError, match="YYYY-MM-DD"):
        search(conn, "hai", since="yesterday'; --")


def test_index_follows_insert_update_delete_and_replace(conn):
    store = Store(conn)
    art = Article(url=BASE + "moi.html", wp_post_id=999, title="Cầu Lạch Huyện",
                  body_text="Xe chạy trên đường dẫn.")
    aid = store.save_article(art, None, "2026-11-28T00:00:00Z")
    assert aid in ids(search(conn, "lach huyen"))
    store.save_article(Article(**{**art.__dict__, "title": "Cảng Nam Đình Vũ"}), None)
    assert aid not in ids(search(conn, "lach huyen"))
    assert aid in ids(search(conn, "dinh vu"))
    conn.execute("INSERT OR REPLACE INTO articles(id, url, title, first_seen_at, last_seen_at)"
                 " VALUES (?, ?, 'Sân bay Cát Bi', 'x', 'x')", (aid, art.url))
    assert aid not in ids(search(conn, "dinh vu"))
    assert aid in ids(search(conn, "cat bi"))
    conn.execute("DELETE FROM articles WHERE id=?", (aid,))
    assert search(conn, "cat bi") == []
    # the index and the content agree (FTS5's own check, on folded text)
    assert conn.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == \
        conn.execute("SELECT count(*) FROM articles").fetchone()[0]


def test_second_version_of_an_article_is_searched(conn):
    hits = search(conn, "bach dang")
    assert ids(hits) == wp(conn, 101)
    assert hits[0].title.endswith("(cập nhật)")


def test_rebuild_index(conn):
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')")
    assert search(conn, "hai phong") == []
    assert rebuild_index(conn) == len(ARTICLES)
    assert ids(search(conn, "duong")) == wp(conn, 101, 105, 109)


def test_readonly_and_plain_connections_search(layout):
    ro = open_db(layout.db, readonly=True)
    assert len(search(ro, "hai phong")) == 4
    plain = sqlite3.connect(layout.db)
    plain.row_factory = sqlite3.Row
    assert len(search(plain, "hai phong", category="Chính trị")) == 2


def test_migration_indexes_existing_rows(tmp_path):
    """An archive made before migration 2 gets its articles indexed when migrated."""
    from archive.db import migrations
    from archive.db.m001_initial import INITIAL_SCHEMA
    path = tmp_path / "old.sqlite"
    c = sqlite3.connect(path)
    migrations.run_script(c, INITIAL_SCHEMA)
    c.execute("CREATE TABLE migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
              " applied_at TEXT NOT NULL)")
    c.execute("INSERT INTO migrations VALUES (1, 'initial schema', 'x')")
    c.execute("INSERT INTO articles(url, title, first_seen_at, last_seen_at)"
              " VALUES ('u', 'Đường Lạch Tray', 'x', 'x')")
    c.commit()
    c.close()
    conn = open_db(path)
    assert [h.title for h in search(conn, "duong lach tray")] == ["Đường Lạch Tray"]


def run_cli(*args, catch=False):
    from crawler.cli import main
    return CliRunner().invoke(main, list(args), catch_exceptions=catch)


def test_cli_json(layout):
    r = run_cli("search", "hai phong", "--archive", str(layout.root), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    assert len(data) == 4
    assert {"url", "title", "published_at", "snippet", "score"} <= set(data[0])
    assert any("[Hải] [Phòng]" in d["snippet"] or "[Hải] [Phòng]" in d["title_highlighted"]
               for d in data)


def test_cli_csv_and_filters(layout):
    r = run_cli("search", "Hải Phòng", "--archive", str(layout.root), "--format", "csv",
                "--since", "2023", "--category", "chinh-tri", "--limit", "5")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.output)))
    assert [row["title"] for row in rows] == ["CÔNG AN HẢI PHÒNG TRIỂN KHAI CAO ĐIỂM",
                                              "Đoàn công tác thành phố Thủ Đức thăm Hải Phòng"] \
        or {row["title"] for row in rows} == {"CÔNG AN HẢI PHÒNG TRIỂN KHAI CAO ĐIỂM",
                                              "Đoàn công tác thành phố Thủ Đức thăm Hải Phòng"}


def test_cli_table(layout):
    r = run_cli("search", "da nang", "--archive", str(layout.root))
    assert r.exit_code == 0, r.output
    assert "Đà Nẵng" in r.output
    assert "2022-07-02" in r.output


def test_cli_errors(tmp_path, layout):
    r = run_cli("search", "x", "--archive", str(tmp_path / "none"), catch=True)
    assert r.exit_code == 1 and "error:" in r.output
    r = run_cli("search", "x", "--archive", str(layout.root), "--since", "nope", catch=True)
    assert r.exit_code == 2 and "YYYY" in r.output


def test_search_while_a_cursor_is_open(conn):
    """Callers iterate over rows and search for each (no re-registration of functions midway)."""
    for row in conn.execute("SELECT id, title FROM articles WHERE title IS NOT NULL"):
        assert row["id"] in ids(search(conn, row["title"], category=None, limit=50))
