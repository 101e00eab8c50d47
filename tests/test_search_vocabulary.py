"""A prefix typed with marks (``Nẵ*``, or any prefix with ``--exact``) stands for the index's
terms whose exact letters start with it, found by seeks in the index's sorted terms
(``search_query.prefix_terms``), not by reading its whole vocabulary: they must be exactly
the terms a whole read finds, for every prefix, whatever odd letters the archive holds."""

from __future__ import annotations

import unicodedata

import pytest

from archive.db import open_db
from archive.research import search_query
from archive.research.search import search
from archive.research.search_query import INDEX, prefix_terms
from archive.text import INDEX_SEP, exact_key, index_text, term_exact, words

# confusable readings, prefixes of each other, letters other scripts fold, a mark after a
# space, decomposed text, old tone placement, numbers, Latin-1/Extended letters
TEXTS = [
    "Đà Nẵng đã nâng năng nang nàng nắng náng nangg nan na n",
    "công cổng cộng cong cóng congg co cô cơ cò có cỏ cọ con còn",
    "Hải Phòng hai hài hái hãi hại haỉ hoà hòa thuỷ thủy uỷ ủy",
    "Müller Ñandú ñandu nandu São Paulo Đồng İstanbul Kelvin \u212a ǅemal Æsir æsir ǆ",
    "a \u0301nang \u0300da " + unicodedata.normalize("NFD", "Đà nẵng ĐÃ nâng cóng"),
    "2019 20190 2019a ２０１９ ① ½ x² ﬁnal fi final",
    "đ d dd đđ Đdđ zz zzz \U0001F600 ~ ~nang 中文 한국어 한",
]


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = open_db(tmp_path_factory.mktemp("vocab") / "archive.sqlite")
    with c:
        c.executemany("INSERT INTO articles (url, title, body_text, first_seen_at, last_seen_at)"
                      " VALUES (?, ?, ?, '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                      [(f"https://portal.example/p{i}.html", t.split()[0], t)
                       for i, t in enumerate(TEXTS)])
    yield c
    c.close()


def _whole(conn) -> list[str]:
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.whole USING fts5vocab(main, {INDEX}, 'row')")
    return [term for (term,) in conn.execute("SELECT term FROM temp.whole")]


def test_the_index_holds_each_word_once_with_both_keys(conn):
    terms = _whole(conn)
    assert "da\ue000đà" in terms and "nang\ue000nẵng" in terms and "nang\ue000" in terms
    assert all(t.count(INDEX_SEP) == 1 for t in terms)
    # every word of the texts is a term, and each term's exact part is a word's exact key
    keys = {w for t in TEXTS for w in words(exact_key(t))}
    assert {term_exact(t) for t in terms} == keys
    assert index_text("Hoà THUỶ") == index_text("hòa thủy") == "hoa\ue000hoà thuy\ue000thuỷ"


def test_seeks_find_exactly_what_a_whole_read_finds(conn):
    terms = _whole(conn)
    starts = {term_exact(t)[:n] for t in terms for n in range(1, len(term_exact(t)) + 1)}
    starts |= {"nẵx", "đx", "xyz", "zzzz", "ha", "hả", "nă", "nâ", "cô", "cồ"}
    assert {"nẵ", "đ", "đà", "hả", "cộ", "ñ", "mü", "２０"} <= starts
    for s in sorted(starts):
        assert prefix_terms(conn, INDEX, s) == [t for t in terms if term_exact(t).startswith(s)], s
    # the letters as typed: ``nă`` is not ``nắ`` (another letter: ă with a tone mark)
    assert [term_exact(t) for t in prefix_terms(conn, INDEX, "nă")] == ["năng"]
    assert sorted(term_exact(t) for t in prefix_terms(conn, INDEX, "na")) == \
        ["na", "nan", "nandu", "nang", "nangg"]


def test_too_many_words_for_a_prefix_is_a_clear_error(conn, monkeypatch):
    monkeypatch.setattr(search_query, "MAX_PREFIX_TERMS", 2)
    assert prefix_terms(conn, INDEX, "na") is None
    with pytest.raises(search_query.BadSearchQuery, match="type more letters"):
        search(conn, "na*", mode="exact")
    # a prefix typed without marks needs no list: the prefix of its fold
    assert search(conn, "na*")


def test_marked_prefixes_and_mixed_phrases_find_the_right_posts(tmp_path):
    c = open_db(tmp_path / "archive.sqlite")
    ids = {}
    for n, text in enumerate(["Đà nang", "Đà nẵng", "Đà nâng", "đã nâng", "Đà Lạt nẵng"]):
        with c:
            c.execute("INSERT INTO articles (url, title, first_seen_at, last_seen_at) VALUES"
                      " (?, ?, '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                      (f"https://portal.example/{n}", text))
        ids[text] = c.execute("SELECT max(id) FROM articles").fetchone()[0]

    def found(q, **kw):
        return {t for t, i in ids.items() if i in {h.article_id for h in search(c, q, limit=10, **kw)}}

    assert found('"Đà nang"') == {"Đà nang", "Đà nẵng", "Đà nâng"}
    assert found('"Đà nẵ"*') == {"Đà nẵng"}
    assert found('"Đà nâ"*') == {"Đà nâng"}
    assert found('"da na"*') == {"Đà nang", "Đà nẵng", "Đà nâng", "đã nâng"}
    assert found('"da na"*', mode="exact") == set()
    assert found('"Đà na"*', mode="exact") == {"Đà nang"}
    assert found("nẵ*") == {"Đà nẵng", "Đà Lạt nẵng"}
    assert found('"Đà nẵng"') == {"Đà nẵng"}
    c.close()


def test_prefixes_as_researchers_md_tells_them(tmp_path):
    c = open_db(tmp_path / "archive.sqlite")
    titles = ["phòng họp", "phong trào", "phó chủ tịch", "ngày mai", "Nga", "ngắn gọn", "ngà voi"]
    with c:
        c.executemany("INSERT INTO articles (url, title, first_seen_at, last_seen_at) VALUES"
                      " (?, ?, '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                      [(f"https://portal.example/{i}", t) for i, t in enumerate(titles)])

    def found(q):
        return sorted(h.title for h in search(c, q))

    assert found("phò*") == ["phòng họp"]
    assert found("nga*") == ["Nga", "ngà voi", "ngày mai", "ngắn gọn"]
    assert found("ngà*") == ["ngà voi"]  # the tone of ``ngày`` sits on its last vowel once normalised
    assert found("ngày") == ["ngày mai"]
    c.close()
