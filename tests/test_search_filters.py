"""Filtered search: filters applied as id sets read from indexes give exactly the hits, order
and scores of testing each match's row (archive.research.search_filters picks one per filter)."""

from __future__ import annotations

import pytest

import archive.research.search_filters as search_filters
from archive.db import open_db
from archive.db.store import Store
from archive.parser.model import Article, Term
from archive.research.search import search
from archive.text import fold
from replica.truth import iter_truth

try:
    from .researcher_archive import build_archive
except ImportError:
    from researcher_archive import build_archive

FIELDS = ("wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at",
          "published_raw", "date_is_bulk_import", "event_date", "author", "source", "original_url")
POSTS = 600  # enough for sets and per-row tests both to matter; every search here builds snippets

QUERIES = ["thành phố", "hai phong", '"Tiên Lãng"', "huyen*", "an sinh OR du lich", "xuat"]
FILTERS = [
    {"since": "2023"}, {"until": "2021"}, {"since": "2021-03", "until": "2021-03"},
    {"since": "2019-01-26", "until": "2019-01-26"}, {"until": "2022-06-30"},
    {"category": "do-thi"}, {"category": "Chính trị"}, {"category": "CHINH TRI"},
    {"category": "no-such-category"}, {"author": "h.a."},
    {"category": "y-te-giao-duc", "since": "2024", "author": "Đ.T."},
    {"since": "2020", "until": "2025-02", "category": "quoc-phong-an-ninh"},
]


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    """600 replica posts written through the real Store (the triggers index them)."""
    c = open_db(tmp_path_factory.mktemp("filters") / "archive.sqlite")
    store = Store(c)
    with store.transaction():
        for t in iter_truth(POSTS, 3, "https://thanhphohaiphong.gov.vn"):
            store.save_article(
                Article(**{f: t[f] for f in FIELDS}, body_html="",
                        categories=[Term(x["slug"], x["name"]) for x in t["categories"]],
                        tags=[Term(x["slug"], x["name"]) for x in t["tags"]]),
                None, "2026-11-28T00:00:00Z")
    yield c
    c.close()


LIMIT = 120  # below most filtered hit counts, so the cut-off is checked too


@pytest.fixture(scope="module")
def unfiltered(conn):
    """Every hit of each query, best first (the reference the filters are checked against)."""
    return {q: search(conn, q, limit=100000, snippet_tokens=4) for q in QUERIES}


@pytest.fixture(scope="module")
def category_names(conn):
    names: dict[int, set[str]] = {}
    for r in conn.execute("SELECT ac.article_id, c.name FROM article_categories ac"
                          " JOIN categories c ON c.id = ac.category_id"):
        names.setdefault(r[0], set()).add(fold(r[1] or ""))
    return names


def _both_paths(conn, monkeypatch, query, limit=LIMIT, **filters):
    monkeypatch.setattr(search_filters, "SET_PER_MATCH", 10**9)  # every filter as an id set
    monkeypatch.setattr(search_filters, "SMALL_SET", 10**9)
    first = search(conn, query, limit=limit, **filters)
    monkeypatch.setattr(search_filters, "SET_PER_MATCH", 0)  # every filter tested per row
    monkeypatch.setattr(search_filters, "SMALL_SET", -1)
    per_row = search(conn, query, limit=limit, **filters)
    monkeypatch.undo()
    return first, per_row


def _passes(names, hit, since=None, until=None, category=None, author=None) -> bool:
    """The documented filter rules, in Python."""
    p = hit.published_at
    if since and not (p and p >= since):
        return False
    if until and not (p and p[:len(until)] <= until):
        return False
    if category:
        if category not in hit.categories and fold(category) not in names.get(hit.article_id, ()):
            return False
    if author and fold(hit.author or "") != fold(author):
        return False
    return True


@pytest.mark.parametrize("filters", FILTERS, ids=lambda f: ",".join(f"{k}={v}" for k, v in f.items()))
def test_index_first_filters_match_row_filters(conn, monkeypatch, unfiltered, category_names,
                                               filters):
    for query in QUERIES:
        first, per_row = _both_paths(conn, monkeypatch, query, **filters)
        assert [(h.article_id, h.score) for h in first] == \
            [(h.article_id, h.score) for h in per_row], (query, filters)
        expected = [h.article_id for h in unfiltered[query]
                    if _passes(category_names, h, **filters)][:LIMIT]
        assert [h.article_id for h in first] == expected, (query, filters)


def test_filters_narrow_a_broad_query(conn, monkeypatch):
    """The sets are large in this archive, so both paths and every filter are exercised."""
    first, _ = _both_paths(conn, monkeypatch, "thành phố", limit=100000, since="2023")
    assert 100 < len(first) < len(search(conn, "thành phố", limit=100000, snippet_tokens=4))
    assert all(h.published_at >= "2023" for h in first)
    top, _ = _both_paths(conn, monkeypatch, "thành phố", category="do-thi")
    assert top and all("do-thi" in h.categories for h in top)
    assert [h.article_id for h in search(conn, "thành phố", category="do-thi", limit=5)] == \
        [h.article_id for h in top[:5]]


def test_researcher_archive_filters_on_the_index_first_path(tmp_path, monkeypatch):
    c = open_db(build_archive(tmp_path / "arch").db)
    monkeypatch.setattr(search_filters, "SET_PER_MATCH", 10**9)

    def wp(*pids):
        return {c.execute("SELECT id FROM articles WHERE wp_post_id=?", (p,)).fetchone()[0]
                for p in pids}

    def ids(**kw):
        return {h.article_id for h in search(c, "hai phong", **kw)}

    assert ids(since="2023") == wp(101, 106, 109)
    assert ids(until="2022-07") == wp(102)
    assert ids(since="2023-03-15", until="2023-03-15") == wp(101)
    assert ids(category="chinh-tri") == wp(106, 109)
    assert ids(category="Chính trị") == wp(106, 109)
    assert ids(category="chinh-tri", author="t.h.") <= wp(106, 109)
    c.close()


def test_bad_dates_are_refused_before_any_query(conn):
    from archive.errors import ArchiveError
    for kw in ({"since": "2023'--"}, {"until": "x"}, {"since": "2023", "until": "20-01"}):
        with pytest.raises(ArchiveError, match="YYYY-MM-DD"):
            search(conn, "hai phong", category="do-thi", **kw)


def test_author_filter_with_and_without_the_author_index(conn, monkeypatch, tmp_path):
    """Migration 5's index gives the author ids; an archive without it tests each row."""
    assert search_filters.has_author_index(conn)
    authors = {r[0] for r in conn.execute("SELECT DISTINCT author FROM articles")} - {None}
    skip_scanned = {r[0] for r in conn.execute(
        search_filters.AUTHORS_SQL.replace("AND pa_fold(author) = :f_author", ""))}
    assert skip_scanned == authors and len(authors) > 3
    with_index = {a: _both_paths(conn, monkeypatch, "thành phố", author=a.lower())[0]
                  for a in sorted(authors)}
    assert all(with_index.values())
    c = open_db(build_archive(tmp_path / "arch").db)
    c.execute("DROP INDEX articles_author")
    assert not search_filters.has_author_index(c)
    first, per_row = _both_paths(c, monkeypatch, "hai phong", author="t.h.", since="2020")
    assert first and [h.article_id for h in first] == [h.article_id for h in per_row]
    c.close()
    for a, hits in with_index.items():
        assert all(fold(h.author) == fold(a) for h in hits)
        first, per_row = _both_paths(conn, monkeypatch, "thành phố", author=fold(a))
        assert [(h.article_id, h.score) for h in first] == [(h.article_id, h.score) for h in per_row]


def test_plan_reads_no_article_row_for_category_and_author(conn, monkeypatch):
    """Category and author are tested on the match's id; dates as an id set when the query
    is broad and by reading the row when it is narrow."""
    from archive.research.search import fts_query
    broad, narrow = fts_query("thành phố"), fts_query("qqzz")
    sets, tests, _, row = search_filters.plan_filters(conn, broad, since="2024",
                                                       category="do-thi", author="h.a.")
    assert len(sets) == 1 and "article_categories" in tests and "articles_author" in tests
    assert not row and " a." not in tests
    monkeypatch.setattr(search_filters, "SMALL_SET", 10)
    sets, tests, _, row = search_filters.plan_filters(conn, narrow, since="2019")
    assert sets == [] and "a.published_at" in tests and row  # counted: no match, no set
    sets, tests, _, row = search_filters.plan_filters(conn, broad, since="2019-05-04",
                                                       until="2019-05-04")
    assert len(sets) == 1 and tests == "" and not row
    assert search_filters.plan_filters(conn, broad) == ([], "", {}, False)


def test_phrases_are_not_counted_to_plan(conn, monkeypatch):
    """A phrase's matches are not counted: dates use a set only when it is small."""
    from archive.research.search import fts_query
    assert search_filters.estimate_matches(conn, fts_query('"thành phố"')) is None
    assert search_filters.estimate_matches(conn, fts_query("thành phố")) > POSTS // 2
    sets, tests, _, _ = search_filters.plan_filters(conn, fts_query('"thành phố"'), since="2026")
    assert len(sets) == 1 and tests == ""  # small: built whatever the query
    monkeypatch.setattr(search_filters, "SMALL_SET", 10)
    sets, tests, _, row = search_filters.plan_filters(conn, fts_query('"thành phố"'), since="2019")
    assert sets == [] and "published_at" in tests and row
    last = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    title = conn.execute("SELECT title FROM articles WHERE id = ?", (last,)).fetchone()[0]
    first, per_row = _both_paths(conn, monkeypatch, f'"{title}"', since="2019")
    assert last in [h.article_id for h in first] and \
        [h.article_id for h in first] == [h.article_id for h in per_row]
