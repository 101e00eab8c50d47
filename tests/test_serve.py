"""`portal-archive serve`: a real Datasette on loopback, its metadata, canned queries and search."""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.parse
import urllib.request

import pytest

from archive.db import open_db
from archive.research.datasette_meta import (
    QUERIES,
    TABLES,
    build_metadata,
    table_columns,
)
from archive.research.datasette_serve import datasette_command
from archive.research.export import DATE_TRUST_SQL

try:
    from .researcher_archive import build_archive
except ImportError:
    from researcher_archive import build_archive


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("serve") / "arch")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(layout, tmp_path_factory):
    port = free_port()
    work = tmp_path_factory.mktemp("ds")
    cmd = datasette_command(layout, work, port=port)
    assert "-i" not in cmd  # never immutable: a crawl may write the archive at any time
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        if proc.poll() is not None:
            pytest.fail("datasette exited: " + proc.stdout.read().decode(errors="replace"))
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1).read()
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("datasette did not start")
    yield base
    proc.terminate()
    proc.wait(timeout=10)


def get(base, path, **params):
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


def canned(base, name, **params):
    return get(base, f"/archive/{name}.json", _shape="array", **params)


@pytest.fixture()
def conn(layout):
    c = open_db(layout.db, readonly=True)
    yield c
    c.close()


def test_every_table_and_column_is_described(conn):
    for table, cols in table_columns(conn).items():
        assert table in TABLES, f"add a description of table {table} to archive/research/datasette_meta.py"
        described = TABLES[table][1]
        missing = [c for c in cols if c not in described]
        assert not missing, f"describe {table}.{missing} in archive/research/datasette_meta.py"


@pytest.mark.slow
def test_metadata_served(server):
    meta = get(server, "/-/metadata.json")
    assert meta["title"].startswith("Cổng tin tức")
    assert meta["license"] and meta["source_url"] == "https://thanhphohaiphong.gov.vn/"
    assert set(meta["databases"]["archive"]["queries"]) == set(QUERIES)
    assert meta["databases"]["archive"]["tables"]["articles"]["columns"]["event_date"]


@pytest.mark.slow
def test_articles_per_month(server, conn):
    got = canned(server, "articles_per_month")
    ref = conn.execute("SELECT substr(published_at,1,7), count(*), sum(date_is_bulk_import) FROM"
                       " articles WHERE published_at IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()
    assert [(r["month"], r["articles"], r["bulk_import"]) for r in got] == [tuple(r) for r in ref]
    assert {"month": "2019-01", "articles": 2, "with_displayed_date": 0, "bulk_import": 2} in got


@pytest.mark.slow
def test_articles_per_category(server, conn):
    got = {r["slug"]: r["articles"] for r in canned(server, "articles_per_category")}
    ref = dict(conn.execute("SELECT c.slug, count(*) FROM article_categories ac JOIN categories c"
                            " ON c.id = ac.category_id GROUP BY c.slug").fetchall())
    assert got == ref
    assert got["chinh-tri"] == 5


@pytest.mark.slow
def test_bulk_import_posts(server, conn):
    got = canned(server, "bulk_import_posts")
    assert [(r["id"], r["event_date"]) for r in got] == [tuple(r) for r in conn.execute(
        "SELECT id, event_date FROM articles WHERE date_is_bulk_import=1 ORDER BY event_date")]
    assert [r["event_date"] for r in got] == ["2018-08", "2019-01-11"]


@pytest.mark.slow
def test_date_trust(server, conn):
    got = {r["date_trust"]: r["articles"] for r in canned(server, "date_trust")}
    ref = dict(conn.execute(f"SELECT {DATE_TRUST_SQL.format(a='a')}, count(*) FROM articles a"
                            " GROUP BY 1").fetchall())
    assert got == ref == {"displayed": 6, "bulk-import": 2, "machine-only": 1, "unknown": 1}


@pytest.mark.slow
@pytest.mark.parametrize("q,expected", [
    ("hai phong", 4), ("HẢI PHÒNG", 4), ("duong", 3), ("đường", 3), ("hoà", 2), ("hòa", 2),
    ("'); DROP TABLE articles; --", 0), ('"', 0), ("", 0), ("NEAR(", 0),
])
def test_search(server, q, expected):
    got = canned(server, "search", q=q)
    assert len(got) == expected
    if expected:
        assert all("[" in r["snippet"] for r in got)


@pytest.mark.slow
def test_search_snippet_has_diacritics(server):
    got = canned(server, "search", q="da nang")
    assert len(got) == 1 and "[Đà] [Nẵng]" in got[0]["snippet"]


@pytest.mark.slow
def test_table_is_served_readonly(server, conn):
    rows = get(server, "/archive/articles.json", _shape="array", _size="max")
    assert len(rows) == conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    req = urllib.request.Request(server + "/archive.json?sql=" + urllib.parse.quote(
        "DELETE FROM articles"))
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(req, timeout=10)
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(rows)


def test_undescribed_table_gets_a_placeholder():
    meta = build_metadata("archive", {"new_table": ["a"], "articles": ["id", "new_col"]})
    tables = meta["databases"]["archive"]["tables"]
    assert tables["new_table"]["columns"]["a"].startswith("(not described")
    assert tables["articles"]["columns"]["new_col"].startswith("(not described")


@pytest.mark.slow
def test_table_search_box_uses_the_index(server):
    rows = get(server, "/archive/articles.json", _shape="array", _search="hai phong")
    assert len(rows) == 4
    rows = get(server, "/archive/articles.json", _shape="array", _search="Hải Phòng")
    assert len(rows) == 4


@pytest.mark.slow
def test_cli_serve_stops_datasette_on_sigterm(layout):
    import sys
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--archive", str(layout.root),
                             "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                assert canned(base, "date_trust")
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("serve did not start")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    for _ in range(100):  # Datasette itself is gone, not orphaned
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=1)
            time.sleep(0.1)
        except OSError:
            break
    else:
        pytest.fail("Datasette still answers after serve was stopped")


def test_live_archive_is_served_read_only_never_immutable(tmp_path):
    """A crawl's un-checkpointed WAL stays as it is: serve neither opens the file immutable
    nor checkpoints it, whether a crawl writes at that moment or not."""
    from archive.research.datasette_serve import prepare
    arch = build_archive(tmp_path / "live")
    writer = open_db(arch.db)
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("UPDATE crawls SET status = 'running' WHERE id = 1")
    wal = arch.db.with_name(arch.db.name + "-wal")
    before = wal.read_bytes()
    assert before
    for _ in range(2):
        args = prepare(arch, tmp_path)
        assert "-i" not in args and "--immutable" not in args and str(arch.db) in args
        assert args[args.index("sql_time_limit_ms") + 1] == "5000"
        assert args[args.index("max_returned_rows") + 1] == "1000"
        assert wal.read_bytes() == before
    writer.close()
