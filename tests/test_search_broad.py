"""Broad queries (more than ``BROAD_MATCHES`` matches) are ranked by a documented rule that
does not score every match: letters as typed first, then the words in the title, newest
archived first. Other queries keep their bm25 ranking exactly; the CLI and Datasette's
``pa_search_ids`` give the same rows either way."""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from archive.db import open_db
from archive.research.search import (
    BROAD_MATCHES,
    BROAD_RULE,
    search,
    search_ids,
    search_summary,
)

N = 1_000  # posts of the quick tests' archive
AT = 120  # … whose queries are broad above this many matches (``broad=AT``)
# a small vocabulary, so that common words match most posts: confusable readings of
# the same folded syllables, and rare words for queries that are not broad
COMMON = ["thành", "phố", "hải", "phòng", "công", "tác", "năm", "nam", "đã", "đà", "đa",
          "nâng", "nẵng", "kết", "quả", "thanh", "pho", "cong", "tac", "da"]
RARE = ["qua", "kiểm", "tra", "hội", "nghị", "hoà", "giải"]


def _text(rnd: random.Random, n: int, rare: float) -> str:
    return " ".join(rnd.choice(RARE) if rnd.random() < rare else rnd.choice(COMMON)
                    for _ in range(n))


def _archive(root, n: int):
    """An archive of ``n`` generated posts, written with SQL so the full-text triggers index
    them as a crawl would."""
    conn = open_db(root / "archive.sqlite")
    rnd = random.Random(15)
    rows = [(i, f"https://thanhphohaiphong.gov.vn/p{i}.html", _text(rnd, 6, 0.01),
             _text(rnd, 8, 0.01), _text(rnd, 20, 0.01),
             f"{2015 + i % 10}-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+07:00",
             "2026-11-28T00:00:00Z", "2026-11-28T00:00:00Z") for i in range(1, n + 1)]
    with conn:
        conn.executemany("INSERT INTO articles (wp_post_id, url, title, lead, body_text,"
                         " published_at, first_seen_at, last_seen_at) VALUES (?,?,?,?,?,?,?,?)",
                         rows)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return conn


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    conn = _archive(tmp_path_factory.mktemp("broad"), N)
    yield conn
    conn.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Just over the real threshold: what the CLI and Datasette see."""
    root = tmp_path_factory.mktemp("broad-big")
    conn = _archive(root, BROAD_MATCHES + 2_000)
    yield root, conn
    conn.close()


def _count(conn, query, **kw) -> int:
    return len(search_ids(conn, query, rank="bm25", **kw))


# (query, the same words in the title, whether some word is typed without marks)
BROAD = [
    ("thành phố", "title:(thành phố)", False),
    ("thanh pho", "title:(thanh pho)", True),
    ("năm", "title:năm", False),
    ("nam", "title:nam", True),
    ("Đà nang", "title:(Đà nang)", True),
    ("công*", "title:công*", False),
    ("ph*", "title:ph*", True),
    ("title:thành", "title:thành", False),
    ("cong OR da", "title:cong OR title:da", True),
    ("hai phong NOT nẵng", "title:(hai phong) NOT nẵng", True),
]


def _model(conn, query, title_query, unmarked, **kw) -> list[int]:
    """The broad rule, from sets each found by the bm25 path."""
    every = search_ids(conn, query, rank="bm25", **kw)
    title = set(search_ids(conn, title_query, rank="bm25", **kw))
    if not unmarked:
        group = {i: 0 if i in title else 1 for i in every}
    else:
        positive = query.split(" NOT ")[0]
        literal = set(search_ids(conn, positive, mode="exact", rank="bm25", **kw))
        literal_title = set(search_ids(conn, title_query.split(" NOT ")[0], mode="exact",
                                       rank="bm25", **kw))
        group = {i: (0 if i in literal_title else 1) if i in literal else
                 (2 if i in title else 3) for i in every}
    return sorted(every, key=lambda i: (group[i], -i))


@pytest.mark.parametrize("query,title_query,unmarked", BROAD)
def test_broad_queries_follow_the_documented_rule(small, query, title_query, unmarked):
    conn = small
    assert _count(conn, query) > AT
    got = search_ids(conn, query, broad=AT)
    assert got == _model(conn, query, title_query, unmarked)
    assert got != search_ids(conn, query, rank="bm25")
    # pages of it are slices of it, across the groups' borders
    for offset in (0, 7, 150, len(got) - 5):
        assert search_ids(conn, query, limit=20, offset=offset, broad=AT) == \
               got[offset:offset + 20]
    hits = search(conn, query, limit=30, broad=AT)
    assert [h.article_id for h in hits] == got[:30]
    assert all(h.score == 0.0 for h in hits)
    assert search_summary(conn, query, broad=AT) == (len(got), BROAD_RULE)


def test_broad_queries_with_filters(small):
    kw = {"since": "2019", "until": "2021-06"}
    got = search_ids(small, "thanh pho", broad=AT, **kw)
    assert got == _model(small, "thanh pho", "title:(thanh pho)", True, **kw)
    assert search_summary(small, "thanh pho", broad=AT, **kw) == (len(got), BROAD_RULE)


def test_rank_bm25_ranks_every_match(small):
    scored = search(small, "thành phố", rank="bm25", limit=50, broad=AT)
    assert [h.score for h in scored] == sorted(h.score for h in scored) and scored[0].score < 0
    assert set(search_ids(small, "thành phố", rank="bm25", broad=AT)) == \
           set(search_ids(small, "thành phố", broad=AT))
    assert search_summary(small, "thành phố", rank="bm25", broad=AT)[1] is None


def test_queries_that_are_not_broad_keep_bm25_exactly(small):
    conn = small
    for query in ("kiểm tra", "kiem", "hoà giải", "hội", "qua NOT quả", "nghi OR giai",
                  "title:kiểm", "thành phố hội", "tra NOT kiểm"):
        n = _count(conn, query)
        assert 0 < n <= AT, query
        auto = search(conn, query, limit=100, broad=AT)
        bm25 = search(conn, query, limit=100, rank="bm25")
        assert [(h.article_id, h.score, h.exact_letters) for h in auto] == \
               [(h.article_id, h.score, h.exact_letters) for h in bm25], query
        assert search_summary(conn, query, broad=AT) == (n, None)
    # the threshold itself: a query is broad above it, not at it
    n = _count(conn, "kiểm")
    assert search_ids(conn, "kiểm", broad=n) == search_ids(conn, "kiểm", rank="bm25")
    assert search_ids(conn, "kiểm", broad=n - 1) != search_ids(conn, "kiểm", rank="bm25")


BIG_QUERIES = ("ph*", "cong OR da", "nam OR năm")


@pytest.mark.slow
def test_datasette_function_gives_the_same_rows(big):
    from archive.research.datasette_plugin import prepare_connection
    root, _ = big
    ro = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    ro.row_factory = sqlite3.Row
    prepare_connection(ro)
    for query in BIG_QUERIES:
        assert _count(ro, query) > BROAD_MATCHES
        want = search_ids(ro, query)
        pages = []
        for offset in range(0, 200, 50):
            pages += json.loads(ro.execute("SELECT pa_search_ids(?, '', 50, ?)",
                                           (query, offset)).fetchone()[0])
        assert pages == want[:200]
        every = ro.execute("SELECT count(*) FROM articles WHERE id IN"
                           " (SELECT value FROM json_each(pa_search_ids(?)))", (query,)).fetchone()
        assert every[0] == len(want)
    ro.close()


@pytest.mark.slow
def test_cli_says_how_a_broad_query_is_ranked(big):
    from click.testing import CliRunner

    from crawler.cli import main
    root, conn = big
    r = CliRunner().invoke(main, ["search", "--archive", str(root), "--format", "json",
                                  "--limit", "5", "ph*"])
    assert r.exit_code == 0, r.output
    assert [h["article_id"] for h in json.loads(r.stdout)] == search_ids(conn, "ph*")[:5]
    total = len(search_ids(conn, "ph*"))
    assert f"{total:,} matches; broad query" in r.stderr and BROAD_RULE in r.stderr
    r = CliRunner().invoke(main, ["search", "--archive", str(root), "--limit", "5", "ph*"])
    assert r.exit_code == 0 and f"{total:,} matches; broad query" in r.stdout
    r = CliRunner().invoke(main, ["search", "--archive", str(root), "--format", "json", "--rank",
                                  "--limit", "5", "ph*"])
    assert r.exit_code == 0 and "broad query" not in r.output
    assert [h["article_id"] for h in json.loads(r.stdout)] == \
           search_ids(conn, "ph*", rank="bm25")[:5]
