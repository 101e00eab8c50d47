"""The readings of a word typed without marks inside a mixed phrase (``"Đà nang"``) are
looked up by seeks in the exact index's sorted terms, not by reading its whole
vocabulary: they must be exactly the terms a whole read finds, for every folded word,
whatever odd letters the archive holds."""

from __future__ import annotations

import unicodedata

import pytest

from archive.db import open_db
from archive.research.search import search
from archive.research.search_query import EXACT_INDEX, Vocabulary
from archive.text import fold

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


def _whole(conn) -> dict[str, list[str]]:
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.whole USING "
                 f"fts5vocab(main, {EXACT_INDEX}, 'row')")
    by: dict[str, list[str]] = {}
    for (term,) in conn.execute("SELECT term FROM temp.whole"):
        by.setdefault(fold(term), []).append(term)
    return by


def test_seeks_find_exactly_what_a_whole_read_finds(conn):
    whole = _whole(conn)
    words = {k for k in whole if k.isascii()} | {"nangx", "dx", "xyz", "", "zzzz", "~"}
    assert {"nang", "da", "cong", "hai", "muller", "istanbul", "k"} <= words
    for w in sorted(words):
        assert Vocabulary.readings(conn, w) == whole.get(w, []), w
    assert Vocabulary.readings(conn, "nang") == ["nang", "nàng", "náng", "nâng", "năng",
                                                 "nắng", "nẵng"]


def test_non_ascii_words_read_the_whole_vocabulary_once(conn):
    whole = _whole(conn)
    for w in sorted(k for k in whole if not k.isascii()):
        assert Vocabulary.readings(conn, w) == whole[w], w
    assert Vocabulary.readings(conn, "nang") == whole["nang"]  # after the whole read too


def test_a_new_version_of_the_archive_is_seen(tmp_path):
    c = open_db(tmp_path / "archive.sqlite")
    ids = {}
    for n, text in enumerate(["Đà nang", "Đà nẵng", "Đà nâng"]):
        with c:
            c.execute("INSERT INTO articles (url, title, first_seen_at, last_seen_at) VALUES"
                      " (?, ?, '2026-11-28T00:00:00Z', '2026-11-28T00:00:00Z')",
                      (f"https://portal.example/{n}", text))
        ids[text] = c.execute("SELECT max(id) FROM articles").fetchone()[0]
        found = {h.article_id for h in search(c, '"Đà nang"', limit=10)}
        assert found == set(ids.values())
    c.close()
