"""docs/researchers.md: every ```sql block runs on a real archive; the Python examples run too."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from archive.research.export import DATE_TRUST_SQL

try:
    from .researcher_archive import build_archive
except ImportError:
    from researcher_archive import build_archive

DOC = Path(__file__).resolve().parents[1] / "docs" / "researchers.md"


def blocks(lang: str) -> list[str]:
    return re.findall(rf"^```{lang}\n(.*?)^```", DOC.read_text(encoding="utf-8"), re.M | re.S)


SQL = blocks("sql")


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("doc") / "arch")


@pytest.fixture(scope="module")
def plain(layout):
    """The way a researcher opens it: the sqlite3 module, read-only, no portal-archive functions."""
    conn = sqlite3.connect(f"file:{layout.db}?mode=ro", uri=True)
    yield conn
    conn.close()


def test_doc_has_sql_examples():
    assert len(SQL) >= 10


@pytest.mark.parametrize("sql", SQL, ids=[f"sql{i}" for i in range(len(SQL))])
def test_sql_block_runs(plain, sql):
    rows = plain.execute(sql).fetchall()
    assert rows, "every example should return something on the test archive"


def test_search_examples_find_the_right_posts(plain):
    (hai_phong,) = [s for s in SQL if "MATCH 'hai phong'" in s]
    assert len(plain.execute(hai_phong).fetchall()) == 4
    (duong,) = [s for s in SQL if "replace(replace(" in s]
    titles = [r[0] for r in plain.execute(duong)]
    assert titles and "đường ven biển" in titles[0]


def test_date_trust_example_is_the_one_the_code_uses(plain):
    (doc_sql,) = [s for s in SQL if "AS date_trust" in s]
    code = dict(plain.execute(f"SELECT {DATE_TRUST_SQL.format(a='a')} AS t, count(*) FROM articles a"
                              " GROUP BY t").fetchall())
    assert dict(plain.execute(doc_sql).fetchall()) == code


def test_every_date_column_is_explained():
    text = DOC.read_text(encoding="utf-8")
    for col in ("published_at", "published_raw", "date_is_bulk_import", "event_date",
                "first_seen_at", "last_seen_at", "gone_at", "date_trust"):
        assert f"`{col}`" in text, col


@pytest.mark.parametrize("code", blocks("python"), ids=lambda c: "pandas" if "pandas" in c else "lib")
def test_python_block_runs(layout, code, tmp_path, monkeypatch):
    if "pandas" in code:
        pytest.importorskip("pandas")
        pytest.importorskip("pyarrow")
        from archive.db import open_db
        from archive.research.export import export
        export(open_db(layout.db, readonly=True), "parquet", tmp_path / "articles.parquet")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive-data").symlink_to(layout.root)
    exec(compile(code, "researchers.md", "exec"), {})
