"""Accent-aware search: marks typed mean those letters, no marks mean every reading;
modes, column filters, NOT, prefixes, ranking, strict dates and the CLI's ``--``."""

from __future__ import annotations

import json
import unicodedata

import pytest

from archive.datearg import BadDate, parse_date_arg
from archive.db import open_db
from archive.db.store import Store
from archive.parser.model import Article
from archive.research.search import search, search_ids
from archive.research.search_query import parse
from archive.text import exact_key, fold


def run_cli(*args, catch=True):
    from click.testing import CliRunner

    from crawler.cli import main
    return CliRunner().invoke(main, list(args), catch_exceptions=catch)

BASE = "https://thanhphohaiphong.gov.vn/"
POSTS = {
    1: ("Đoàn công tác đến Đà Nẵng", "Hai thành phố ký kết hợp tác.", "Đà Nẵng và Hải Phòng."),
    2: ("Thành phố đã nâng cao chất lượng", "Ngành y tế đã nâng cấp.", "Kết quả đa dạng."),
    3: ("Mã số thuế điện tử", "Người dân tra cứu mã QR.", "Không có ma túy."),
    4: ("Chống ma túy học đường", "Đẩy mạnh phòng chống ma túy.", "Đà phát triển tiếp tục."),
    5: ("Hội nghị về hoà giải", "Công tác hòa giải ở cơ sở.", "Huyện Thuỵ Nguyên, Uỷ ban xã."),
    6: ("Ha noi khong dau", "Van ban go khong dau: da nang, ma so.", "Cong an phuong."),
    7: ("Công an thành phố", "Công an huyện tuần tra.", "An ninh trật tự ổn định."),
    8: ("Tin an ninh", "Lực lượng công an.", "Thành phố cong an toàn."),
}
AUTHORS = {3: "Đ.T.", 7: "T.H."}
SOURCES = {7: "Báo Hải Phòng", 4: "ANHP"}


@pytest.fixture(scope="module")
def conn(tmp_path_factory):
    c = open_db(tmp_path_factory.mktemp("acc") / "archive.sqlite")
    store = Store(c)
    for pid, (title, lead, body) in POSTS.items():
        store.save_article(Article(url=f"{BASE}p{pid}.html", wp_post_id=pid, title=title, lead=lead,
                                   body_text=body, author=AUTHORS.get(pid), source=SOURCES.get(pid),
                                   published_at=f"202{pid % 5}-0{pid}-1{pid}T08:00:00+07:00"),
                           None, "2026-11-28T00:00:00Z")
    yield c
    c.close()


def pids(conn, hits):
    ids = [h.article_id if hasattr(h, "article_id") else h for h in hits]
    return {conn.execute("SELECT wp_post_id FROM articles WHERE id=?", (i,)).fetchone()[0] for i in ids}


def q(conn, query, **kw):
    return pids(conn, search(conn, query, limit=100, **kw))


@pytest.mark.parametrize("query,expected", [
    ("Đà Nẵng", {1}), ('"Đà Nẵng"', {1}), ("đà nẵng", {1}), ("ĐÀ NẴNG", {1}),
    ("đã", {2}), ("đa", {2}), ("Đà", {1, 4}), ("da", {1, 2, 4, 6}),
    ("mã", {3}), ("ma", {3, 4, 6}), ("ma túy", {3, 4}), ("mã số", {3}), ("ma so", {3, 6}),
    ("nâng", {2}), ("nang", {1, 2, 6}), ("đã nâng", {2}), ('"da nang"', {1, 2, 6}),
    ("hoà", {5}), ("hòa", {5}), ("Thụy", {5}), ("Thuỵ", {5}), ("ủy ban", {5}), ("UỶ BAN", {5}),
])
def test_marks_mean_those_letters_no_marks_mean_every_reading(conn, query, expected):
    assert q(conn, query) == expected


def test_nfd_and_case_are_ignored(conn):
    assert q(conn, unicodedata.normalize("NFD", "Đà Nẵng")) == {1}
    assert q(conn, unicodedata.normalize("NFD", "HOÀ")) == {5}


def test_modes(conn):
    assert q(conn, "Đà Nẵng", mode="fold") == {1, 2, 6}
    assert q(conn, "da nang", mode="exact") == {6}
    assert q(conn, "ha noi", mode="exact") == {6}
    assert q(conn, "Ha Noi", mode="exact") == {6}
    assert q(conn, "hoà", mode="exact") == {5}  # tone placement still ignored


def test_mixed_query_word_by_word(conn):
    assert q(conn, "Đà nang") == {1}        # Đà exact, nang folded
    assert q(conn, '"Đà nang"') == {1}      # a mixed phrase: readings of nang after Đà
    assert q(conn, '"đã nang"') == {2}
    assert q(conn, "đa dang") == {2}


def test_exact_letters_rank_first(conn):
    hits = search(conn, "da nang", limit=10)
    assert pids(conn, hits[:1]) == {6}
    assert hits[0].exact_letters and not any(h.exact_letters for h in hits[1:])
    hits = search(conn, "Đà Nẵng", mode="fold", limit=10)
    assert pids(conn, hits[:1]) == {1} and hits[0].exact_letters


def test_or_not_prefix(conn):
    assert q(conn, "mã OR Đà") == {1, 3, 4}
    assert q(conn, "ma NOT mã") == {4, 6}
    assert q(conn, "ma NOT túy") == {6}
    assert q(conn, "da NOT Đà") == {2, 6}
    assert q(conn, "nâ*") == {2}
    assert q(conn, "na*") >= {1, 2, 6}
    assert q(conn, "Đà OR phong") == {1, 4, 7}


def test_column_filters(conn):
    assert q(conn, "title:(cong an)") == {7}
    assert q(conn, "title:(công an)") == {7}
    assert q(conn, 'title:"cong an"') == {7}
    assert q(conn, "title:an cong") == {7, 8}  # the filter applies to the next term only
    assert q(conn, "body:(cong an)") == {6, 7, 8}
    assert q(conn, "author:t.h.") == {7}
    assert q(conn, "author:Đ.T.") == {3}
    assert q(conn, "source:anhp") == {4}
    assert q(conn, "source:(Hải Phòng)") == {7}
    assert q(conn, "lead:tra") == {3, 7}


def test_only_not_is_an_error(conn):
    from archive.errors import ArchiveError
    with pytest.raises(ArchiveError, match="leave out"):
        search(conn, "NOT ma")


def test_search_ids_is_the_ranking_of_search(conn):
    for query in ("da nang", "Đà", "ma", "thanh pho", "title:(cong an)", "ma NOT mã"):
        assert search_ids(conn, query) == [h.article_id for h in search(conn, query, limit=100)]
        assert search_ids(conn, query, limit=2, offset=1) == search_ids(conn, query)[1:3]


def test_highlight_marks_exact_words_only(conn):
    (hit,) = search(conn, "Đà Nẵng")
    assert "[Đà] [Nẵng]" in hit.title_highlighted
    hits = {h.article_id: h for h in search(conn, "đã", limit=10)}
    assert all("[đa]" not in h.snippet for h in hits.values())


def test_exact_key():
    for a, b in [("hoà", "hòa"), ("Thuỵ", "Thụy"), ("uỷ", "ủy"), ("HOÈ", "hòe"), ("thuở", "thuở")]:
        assert exact_key(a) == exact_key(b)
    for a, b in [("đã", "đà"), ("mã", "ma"), ("đa", "da"), ("người", "ngươi")]:
        assert exact_key(a) != exact_key(b)
    text = "Hội nghị về công tác hoà giải ở Thuỵ Nguyên"
    assert len(exact_key(text)) == len(text) and fold(exact_key(text)) == fold(text)


def test_parse_reads_odd_input_literally():
    assert [t.text for c in parse("10:30 http://x.vn title:") .clauses for t in c] == ["10:30", "http://x.vn"]
    assert [t.columns for c in parse("title:(a b) c").clauses for t in c] == [("title",), ("title",), None]


@pytest.mark.parametrize("value", ["2024-13-45", "2024-02-30", "2023-02-29", "2024-2-3", "24",
                                   "yesterday", "2024-00", "0000", "2024-01-01T00:00"])
def test_dates_must_be_real(value):
    with pytest.raises(BadDate, match="YYYY"):
        parse_date_arg(value)


@pytest.mark.parametrize("value", ["2024", "2024-02", "2024-02-29", " 2019-01-26 "])
def test_real_dates_pass(value):
    assert parse_date_arg(value) == value.strip()


@pytest.fixture(scope="module")
def archive_dir(conn, tmp_path_factory):
    import shutil

    from archive.layout import ArchiveLayout
    root = tmp_path_factory.mktemp("cli") / "arch"
    layout = ArchiveLayout(root).create()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    shutil.copy(path, layout.db)
    return root


@pytest.mark.parametrize("cmd", ["search", "export"])
@pytest.mark.parametrize("opt,value", [("--since", "2024-13-45"), ("--until", "2024-02-30")])
def test_cli_rejects_impossible_dates_as_usage_errors(archive_dir, tmp_path, cmd, opt, value):
    args = ["search", "ma"] if cmd == "search" else ["export", "--format", "csv", "-o", str(tmp_path / "x.csv")]
    r = run_cli(*args, opt, value, "--archive", str(archive_dir), catch=True)
    assert r.exit_code == 2 and "not a real date" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "x.csv").exists()


def test_cli_modes_and_double_dash(archive_dir):
    def got(*args):
        r = run_cli("search", "--format", "json", "--archive", str(archive_dir), *args)
        assert r.exit_code == 0, r.output
        return {h["url"] for h in json.loads(r.output)}
    assert got("Đà Nẵng") == {f"{BASE}p1.html"}
    assert got("--fold", "Đà Nẵng") == {f"{BASE}p{i}.html" for i in (1, 2, 6)}
    assert got("--exact", "da nang") == {f"{BASE}p6.html"}
    assert got("--", "-ma") == got("ma")
    r = run_cli("search", "-ma", "--archive", str(archive_dir), catch=True)
    assert r.exit_code == 2


@pytest.fixture(scope="module")
def docs_conn(conn):
    rows = [(1, BASE + "files/ke-hoach.pdf", "Kế hoạch", "Kế hoạch phát triển du lịch Đà Nẵng và Hải Phòng."),
            (2, BASE + "files/bao-cao.pdf", "Báo cáo", "Báo cáo: thành phố đã nâng cao chất lượng dịch vụ."),
            (3, BASE + "files/anh.docx", "Ảnh", None)]
    conn.executemany("INSERT INTO documents(article_id, url, link_text, text) SELECT id, ?, ?, ?"
                     " FROM articles WHERE wp_post_id = ?", [(u, lt, t, pid) for pid, u, lt, t in rows])
    yield conn
    conn.execute("DELETE FROM documents")


def test_document_filter_searches_document_text(docs_conn):
    conn = docs_conn
    hits = search(conn, "document:(Đà Nẵng)")
    assert [(pids(conn, [h]), h.in_document) for h in hits] == [({1}, BASE + "files/ke-hoach.pdf")]
    assert "[Đà] [Nẵng]" in hits[0].snippet
    assert q(conn, 'document:"da nang"') == {1, 2}
    assert q(conn, "document:(đã nâng)") == {2}
    assert q(conn, "document:(da nang)") == {1, 2}
    assert q(conn, "document:(da nang)", mode="exact") == set()
    assert q(conn, "document:(Hải Phòng) NOT document:(Đà)") == set()
    assert pids(conn, search_ids(conn, "document:(da nang)")) == {1, 2}
    assert all(h.in_document is None for h in search(conn, "Đà Nẵng"))


def test_document_filter_cannot_mix_with_article_terms(docs_conn):
    from archive.errors import ArchiveError
    with pytest.raises(ArchiveError, match="mixes document:"):
        search(docs_conn, "title:(cong an) document:(ke hoach)")


def test_document_and_version_searches_run_inside_a_statement(docs_conn, tmp_path):
    """Datasette calls the search from inside a SELECT (pa_search_ids): the temporary
    indexes must be reusable there, query after query."""
    import sqlite3

    from archive.research.datasette_plugin import prepare_connection
    path = docs_conn.execute("PRAGMA database_list").fetchone()[2]
    docs_conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    ro = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    prepare_connection(ro)
    for _ in range(3):
        for query, want in (("document:(da nang)", {1, 2}), ("Đà Nẵng", {1})):
            got = ro.execute("SELECT a.wp_post_id FROM articles a WHERE a.id IN"
                             " (SELECT value FROM json_each(pa_search_ids(?)))", (query,)).fetchall()
            assert {r[0] for r in got} == want
    ro.close()


@pytest.mark.parametrize("opt", ["--captured-since", "--since"])
def test_wacz_capture_date_is_strict_and_renamed(archive_dir, tmp_path, opt):
    r = run_cli("wacz", "-o", str(tmp_path / "x.wacz"), opt, "2024-02-30", "--archive", str(archive_dir))
    assert r.exit_code == 2 and "not a real date" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "x.wacz").exists()
    if opt == "--since":
        assert "--captured-since" in r.output  # the old name says what it filters now
