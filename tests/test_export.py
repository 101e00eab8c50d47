"""Export to CSV, JSON Lines and Parquet: every article, terms, date trust, filters, streaming."""

from __future__ import annotations

import csv
import json
import sys

import pytest
from click.testing import CliRunner

from archive.db import open_db
from archive.errors import ArchiveError
from archive.research.export import COLUMNS, export, iter_articles

try:
    from .researcher_archive import ARTICLES, build_archive
except ImportError:
    from researcher_archive import ARTICLES, build_archive


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("exp") / "arch")


@pytest.fixture()
def conn(layout):
    c = open_db(layout.db, readonly=True)
    yield c
    c.close()


def sql_rows(conn, where="1=1", params=()):
    return conn.execute(f"SELECT * FROM articles WHERE {where} ORDER BY published_at, id",
                        params).fetchall()


def check_against_sql(conn, rows):
    db = {r["id"]: r for r in sql_rows(conn)}
    for row in rows:
        ref = db[int(row["id"])]
        for col in ("url", "title", "lead", "body_text", "published_at", "published_raw",
                    "event_date", "author"):
            assert (row[col] or None) == ref[col], col
        assert int(row["date_is_bulk_import"]) == ref["date_is_bulk_import"]
        cats = [r[0] for r in conn.execute(
            "SELECT c.slug FROM article_categories ac JOIN categories c ON c.id=ac.category_id"
            " WHERE ac.article_id=? ORDER BY ac.position", (ref["id"],))]
        got = row["categories"].split("|") if isinstance(row["categories"], str) else row["categories"]
        assert [c for c in got if c] == cats


def test_jsonl(conn, tmp_path):
    out = tmp_path / "a.jsonl"
    assert export(conn, "jsonl", out) == len(ARTICLES)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert list(rows[0]) == list(COLUMNS)
    check_against_sql(conn, rows)
    by_slug = {r["slug"]: r for r in rows}
    bulk = by_slug["thanh-pho-hoa-nhap-cung-xu-the-chuyen-doi-so"]
    assert bulk["date_trust"] == "bulk-import" and bulk["event_date"] == "2018-08"
    assert bulk["categories"] == ["kinh-te", "chinh-tri"]
    assert bulk["category_names"] == ["Kinh tế", "Chính trị"]
    assert by_slug["tong-ket-mua-thi-2020"]["date_trust"] == "machine-only"
    assert by_slug["bai-viet-khong-ngay"]["date_trust"] == "unknown"
    assert by_slug["thoi-tiet-mua-lon"]["date_trust"] == "displayed"
    assert by_slug["hai-phong-khanh-thanh-tuyen-duong-ven-bien"]["tags"] == ["giao-thong"]
    assert "Hải Phòng" in out.read_text(encoding="utf-8")  # not \u-escaped


def test_csv(conn, tmp_path):
    out = tmp_path / "a.csv"
    assert export(conn, "csv", out) == len(ARTICLES)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(ARTICLES)
    check_against_sql(conn, rows)
    multi = next(r for r in rows if r["wp_post_id"] == "104")
    assert multi["categories"] == "kinh-te|chinh-tri"
    # multi-paragraph body survives the CSV round trip
    assert "\n\n" in next(r for r in rows if r["wp_post_id"] == "101")["body_text"]


def test_parquet(conn, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "a.parquet"
    assert export(conn, "parquet", out, include_html=True) == len(ARTICLES)
    table = pq.read_table(out)
    assert table.num_rows == len(ARTICLES)
    assert table.column_names == list(COLUMNS) + ["body_html"]
    rows = table.to_pylist()
    check_against_sql(conn, rows)
    import pyarrow as pa
    assert pa.types.is_list(table.schema.field("categories").type)
    assert pa.types.is_int64(table.schema.field("wp_post_id").type)


def test_filters(conn, tmp_path):
    rows = list(iter_articles(conn, since="2023", category="chinh-tri"))
    ref = conn.execute(
        "SELECT count(*) FROM articles a WHERE published_at >= '2023' AND EXISTS (SELECT 1 FROM"
        " article_categories ac JOIN categories c ON c.id=ac.category_id WHERE"
        " ac.article_id=a.id AND c.slug='chinh-tri')").fetchone()[0]
    assert len(rows) == ref == 2
    rows = list(iter_articles(conn, until="2019-01"))
    assert {r["wp_post_id"] for r in rows} == {103, 104}
    assert list(iter_articles(conn, category="no-such")) == []


def test_parquet_empty_result(conn, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "e.parquet"
    assert export(conn, "parquet", out, category="no-such") == 0
    assert pq.read_table(out).num_rows == 0


def test_missing_pyarrow_is_a_clear_error(conn, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    out = tmp_path / "x.parquet"
    with pytest.raises(ArchiveError, match=r"pip install 'portal-archive\[parquet\]'"):
        export(conn, "parquet", out)
    assert not out.exists()


def test_unwritable_output(conn, tmp_path):
    with pytest.raises(ArchiveError, match="writable"):
        export(conn, "jsonl", tmp_path / "no" / "such" / "dir" / "a.jsonl")


def test_streaming_does_not_load_the_table(conn):
    """iter_articles is a generator over a cursor: the first row arrives before the rest are read."""
    it = iter_articles(conn)
    first = next(it)
    assert first["id"]
    assert sum(1 for _ in it) == len(ARTICLES) - 1


def test_cli(layout, tmp_path):
    from crawler.cli import main
    out = tmp_path / "cli.jsonl"
    r = CliRunner().invoke(main, ["export", "--format", "jsonl", "-o", str(out), "--since", "2024",
                                  "--archive", str(layout.root)])
    assert r.exit_code == 0, r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 2
    r = CliRunner().invoke(main, ["export", "--format", "xml", "-o", str(out),
                                  "--archive", str(layout.root)])
    assert r.exit_code == 2
