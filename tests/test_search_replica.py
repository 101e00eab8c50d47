"""Researcher access on a crawled replica archive (the session's ``demo_archive``): search,
export, report, Datasette and the documented SQL, checked against the database itself."""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.research.datasette_serve import datasette_command
from archive.research.export import DATE_TRUST_SQL, export
from archive.research.report import build_report
from archive.research.search import search
from archive.text import exact_key, fold, has_marks

pytestmark = pytest.mark.slow

TOKEN = re.compile(r"[^\W_]+")
DOC = Path(__file__).resolve().parents[1] / "docs" / "researchers.md"


@pytest.fixture(scope="module")
def conn(demo_archive):
    c = open_db(ArchiveLayout(demo_archive).db, readonly=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def docs(conn):
    """Each article's words, folded and exact (title, lead, body, author, source)."""
    out = {}
    for r in conn.execute("SELECT id, title, lead, body_text, author, source FROM articles"):
        text = " ".join(filter(None, (r["title"], r["lead"], r["body_text"], r["author"], r["source"])))
        out[r["id"]] = (set(TOKEN.findall(fold(text))), set(TOKEN.findall(exact_key(text))))
    return out


def test_every_article_is_found_by_its_title_without_diacritics(conn):
    missed = []
    for r in conn.execute("SELECT id, title FROM articles WHERE title IS NOT NULL"):
        query = '"' + fold(r["title"]) + '"'
        if r["id"] not in {h.article_id for h in search(conn, query, limit=50)}:
            missed.append(r["title"])
    assert not missed, missed[:5]


@pytest.mark.parametrize("query", ["hai phong", "Hải Phòng", "duong", "đường ven biển", "thuy nguyen",
                                   "hoà giải", "hòa giải", "uy ban", "Ủy ban", "chuyen doi so",
                                   "CÔNG AN THÀNH PHỐ"])
def test_search_finds_exactly_the_articles_holding_every_word(conn, docs, query):
    words = TOKEN.findall(query)
    expected = {aid for aid, (folded, exact) in docs.items()
                if all(exact_key(w) in exact if has_marks(w) else fold(w) in folded for w in words)}
    got = [h.article_id for h in search(conn, query, limit=100000)]
    assert len(got) == len(set(got))
    assert set(got) == expected
    assert expected, "the replica should contain these words"


def test_snippets_keep_diacritics(conn):
    hits = search(conn, "duong ven bien", limit=5)
    assert hits and all("[" in (h.snippet + h.title_highlighted) for h in hits)
    assert any("[đường]" in (h.snippet + h.title_highlighted).lower() for h in hits)


def test_export_matches_sql(conn, tmp_path):
    n = export(conn, "jsonl", tmp_path / "a.jsonl")
    rows = [json.loads(x) for x in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()]
    assert n == len(rows) == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    ref = dict(conn.execute(f"SELECT {DATE_TRUST_SQL.format(a='a')}, count(*) FROM articles a"
                            " GROUP BY 1").fetchall())
    got: dict[str, int] = {}
    for r in rows:
        got[r["date_trust"]] = got.get(r["date_trust"], 0) + 1
    assert got == ref and ref.get("bulk-import")
    cats = conn.execute("SELECT count(*) FROM article_categories").fetchone()[0]
    assert sum(len(r["categories"]) for r in rows) == cats


def test_report_matches_sql(conn):
    from lxml import html
    doc = html.fromstring(build_report(conn))
    rows = [[td.text_content() for td in tr.findall("td")]
            for tr in doc.get_element_by_id("t-months").find("tbody").findall("tr")]
    ref = conn.execute("SELECT substr(published_at,1,7), count(*) FROM articles"
                       " WHERE published_at IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()
    assert [(r[0], int(r[3])) for r in rows] == [tuple(r) for r in ref]
    assert len(doc.xpath("//img[starts-with(@src, 'data:image/png;base64,')]")) == 7  # + documents by type


def test_documented_sql_runs(demo_archive):
    import sqlite3
    plain = sqlite3.connect(f"file:{ArchiveLayout(demo_archive).db}?mode=ro", uri=True)
    blocks = re.findall(r"^```sql\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)
    for sql in blocks:
        plain.execute(sql).fetchall()


def test_datasette_on_the_crawled_archive(demo_archive, conn, tmp_path):
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(datasette_command(ArchiveLayout(demo_archive), tmp_path, port=port),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/archive/"

    def get(name, **params):
        url = base + name + ".json?" + urllib.parse.urlencode({"_shape": "array", **params})
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.loads(r.read())

    try:
        for _ in range(300):
            try:
                get("date_trust")
                break
            except OSError:
                time.sleep(0.1)
        got = {r["slug"]: r["articles"] for r in get("articles_per_category")}
        ref = dict(conn.execute("SELECT c.slug, count(ac.article_id) FROM categories c LEFT JOIN"
                                " article_categories ac ON ac.category_id=c.id GROUP BY c.id"))
        assert got == ref
        bulk = get("bulk_import_posts")
        assert len(bulk) == conn.execute(
            "SELECT count(*) FROM articles WHERE date_is_bulk_import=1").fetchone()[0] > 0
        hits = get("search", q="hai phong")
        assert [h["id"] for h in hits] == [h.article_id for h in search(conn, "hai phong", limit=50)]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_index_is_rebuilt_by_reindex(demo_archive, conn, tmp_path):
    """`reindex` writes articles through the Store: the rebuilt database searches the same."""
    from archive.integrity.reindex import reindex_archive
    rebuilt_path = tmp_path / "rebuilt.sqlite"
    reindex_archive(demo_archive, rebuilt_path)
    rebuilt = open_db(rebuilt_path, readonly=True)
    for query in ("hai phong", "duong", "hoà giải", '"uy ban nhan dan"', "chuyen*"):
        before = {h.url for h in search(conn, query, limit=100000)}
        after = {h.url for h in search(rebuilt, query, limit=100000)}
        assert before == after and before, query
    assert rebuilt.execute("SELECT count(*) FROM articles_fts_docsize").fetchone()[0] == \
        rebuilt.execute("SELECT count(*) FROM articles").fetchone()[0]
