"""`portal-archive report`: one self-contained HTML file; every chart present; numbers match SQL."""

from __future__ import annotations

import base64

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from archive.db import open_db
from archive.research.export import DATE_TRUST_SQL
from archive.research.report import build_report
from archive.research.report.data import collect

try:
    from .researcher_archive import build_archive
except ImportError:
    from researcher_archive import build_archive

CHARTS = ("months", "categories", "crawls", "statuses", "errors", "documents", "dates")


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("rep") / "arch")


@pytest.fixture(scope="module")
def conn(layout):
    c = open_db(layout.db, readonly=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def written(layout, tmp_path_factory):
    """The report as ``portal-archive report -o FILE`` writes it (the command calls
    write_report): rendered once for every test of this module (charts cost)."""
    from crawler.cli import main
    out = tmp_path_factory.mktemp("out") / "report.html"
    result = CliRunner().invoke(main, ["report", "--archive", str(layout.root), "-o", str(out)])
    return result, out


@pytest.fixture(scope="module")
def doc(written):
    result, out = written
    assert result.exit_code == 0, result.output
    return lxml_html.fromstring(out.read_text(encoding="utf-8"))


def table(doc, tid):
    t = doc.get_element_by_id(f"t-{tid}")
    return [[td.text_content() for td in tr.findall("td")] for tr in t.find("tbody").findall("tr")]


def q(conn, sql):
    return [tuple(str(v) for v in r) for r in conn.execute(sql).fetchall()]


def test_every_chart_is_an_embedded_png(doc):
    for cid in CHARTS:
        img = doc.get_element_by_id(f"c-{cid}")
        src = img.get("src")
        assert src.startswith("data:image/png;base64,"), cid
        assert base64.b64decode(src.split(",", 1)[1]).startswith(b"\x89PNG\r\n\x1a\n")


def test_self_contained(doc):
    assert not doc.xpath("//script[@src] | //link[@href] | //iframe")
    assert all(img.get("src").startswith("data:") for img in doc.iter("img"))


def test_months_match_sql(doc, conn):
    assert [tuple(r) for r in table(doc, "months")] == q(conn, """
        SELECT substr(published_at,1,7), sum(date_is_bulk_import=0), sum(date_is_bulk_import=1),
               count(*) FROM articles WHERE published_at IS NOT NULL GROUP BY 1 ORDER BY 1""")


def test_categories_match_sql(doc, conn):
    got = {r[0]: r[2] for r in table(doc, "categories")}
    ref = dict(q(conn, "SELECT c.slug, count(*) FROM article_categories ac JOIN categories c"
                       " ON c.id=ac.category_id GROUP BY 1"))
    assert got == ref
    assert any(r[1] == "Văn hóa - Xã hội" for r in table(doc, "categories"))


def test_crawls_match_sql(doc, conn):
    rows = table(doc, "crawls")
    assert [r[0] for r in rows] == [r[0] for r in q(conn, "SELECT id FROM crawls ORDER BY id")]
    pages = q(conn, "SELECT (SELECT count(*) FROM captures WHERE crawl_id=crawls.id),"
                    " (SELECT count(*) FROM errors WHERE crawl_id=crawls.id) FROM crawls ORDER BY id")
    assert [(r[3], r[6]) for r in rows] == pages
    # new/changed: first and later article versions parsed from each crawl's captures
    assert [(r[4], r[5]) for r in rows] == q(conn, """
        SELECT (SELECT count(*) FROM article_versions v JOIN captures c ON c.id = v.capture_id
                WHERE c.crawl_id = crawls.id AND v.version = 1),
               (SELECT count(*) FROM article_versions v JOIN captures c ON c.id = v.capture_id
                WHERE c.crawl_id = crawls.id AND v.version > 1) FROM crawls ORDER BY id""")
    assert [(r[4], r[5]) for r in rows] == [("10", "0"), ("0", "1"), ("0", "0")]
    assert rows[2][2] == "running"


def test_statuses_and_errors_match_sql(doc, conn):
    assert [tuple(r) for r in table(doc, "statuses")] == q(
        conn, "SELECT status, count(*) FROM captures GROUP BY status ORDER BY status")
    assert sorted(tuple(r) for r in table(doc, "errors")) == sorted(q(
        conn, "SELECT kind, count(*) FROM errors GROUP BY kind"))
    assert dict(table(doc, "errors"))["http-404"] == "2"


def test_date_trust_matches_sql(doc, conn):
    got = {r[0]: r[1] for r in table(doc, "dates")}
    ref = dict(q(conn, f"SELECT {DATE_TRUST_SQL.format(a='a')}, count(*) FROM articles a GROUP BY 1"))
    assert got == ref
    assert [tuple(r) for r in table(doc, "event-months")] == [("2018-08", "1"), ("2019-01", "1")]


def test_summary(doc, conn):
    got = dict(table(doc, "summary"))
    assert got["articles"] == str(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


def test_stats_fallback_without_versions_table(tmp_path):
    from archive.research.report.data import _stat, _stats
    assert _stat(_stats('{"new": "many", "archive/articles_new": 3}'), "new") == 3
    assert _stat(_stats('{"articles_changed": 2}'), "changed") == 2
    assert _stat(_stats("not json"), "new") is None
    assert _stat(_stats("[1]"), "changed") is None


def test_tolerates_odd_stats_and_empty_archive(tmp_path):
    conn = open_db(tmp_path / "a.sqlite")
    conn.execute("INSERT INTO crawls(started_at, status, stats_json) VALUES ('x', 'failed', 'not json')")
    conn.execute("INSERT INTO crawls(started_at, status, stats_json) VALUES ('y', 'failed', '[1]')")
    conn.execute("INSERT INTO crawls(started_at, status, stats_json)"
                 " VALUES ('z', 'finished', '{\"new\": \"many\", \"archive/articles_new\": 3}')")
    d = collect(conn)
    assert [c.pages for c in d.crawls] == [0, 0, 0]
    page = build_report(conn)
    assert page.count("data:image/png;base64,") == len(CHARTS)


def test_cli(written):
    r, out = written
    assert r.exit_code == 0, r.output
    assert f"wrote {out}" in r.stderr
    assert out.read_text(encoding="utf-8").count("data:image/png;base64,") == len(CHARTS)
