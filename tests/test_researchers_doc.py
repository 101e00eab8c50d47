"""docs/researchers.md: every example runs on a real archive (``tests/researcher_archive.py``)
and its row count is asserted: the ```sql blocks, the ```console commands, the Python."""

from __future__ import annotations

import json
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


# rows each ```sql block gives on the test archive, in the order of the page
SQL_ROWS = [4, 10, 4, 1, 1, 1, 7, 3, 2, 10, 3, 10, 3, 1, 1]


def test_doc_has_sql_examples():
    assert len(SQL) == len(SQL_ROWS), "a new SQL example needs its row count in SQL_ROWS"


@pytest.mark.parametrize("sql,rows", list(zip(SQL, SQL_ROWS)), ids=[f"sql{i}" for i in range(len(SQL))])
def test_sql_block_gives_its_rows(plain, sql, rows):
    assert len(plain.execute(sql).fetchall()) == rows


def test_column_filter_example_filters_every_word(plain):
    (sql,) = [s for s in SQL if 'title: ("cong~"* "an~"*)' in s]
    titles = [r[0] for r in plain.execute(sql)]
    assert titles == ["CÔNG AN HẢI PHÒNG TRIỂN KHAI CAO ĐIỂM"]
    (exact,) = [s for s in SQL if '"da~đà" + "nang~nẵng"' in s]
    assert [r[0] for r in plain.execute(exact)] == ["Đà Nẵng và Hải Phòng hợp tác phát triển du lịch"]


def commands() -> list[str]:
    """Every ``$ …`` line of the ```console blocks (continuations joined)."""
    out = []
    for block in blocks("console"):
        for cmd in re.findall(r"^\$ (.*?)(?<!\\)$", block.replace("\\\n", " "), re.M):
            out.append(" ".join(re.sub(r"\s+#.*$", "", cmd).split()))
    return out


# commands that start a server or a shell: run by tests/test_serve.py, or interactive
NOT_RUN = ("portal-archive serve", "sqlite3 ")
# (command, rows): search hits (JSON/CSV), or exported rows, of each command on the test archive
COMMAND_ROWS = {
    'portal-archive search "hai phong" --since 2023 --category chinh-tri': 2,
    'portal-archive search "Đà Nẵng" --format json --limit 50': 1,
    'portal-archive search "đường ven biển" --fold --format csv > hits.csv': 1,
    "portal-archive search '\"uy ban nhan dan\" OR ubnd' --format json": 3,
    "portal-archive search 'title:(cong an) NOT \"an toan\"' --format json": 1,
    "portal-archive search --format json -- -19": 0,
    "portal-archive export --format csv -o articles.csv": 10,
    "portal-archive export --format jsonl --since 2021 --category chinh-tri -o politics.jsonl": 3,
    "portal-archive export --format parquet -o articles.parquet": 10,
    "sqlite-utils tables archive-data/archive.sqlite --counts": None,
    'sqlite-utils query archive-data/archive.sqlite "SELECT title, published_at FROM articles '
    'WHERE date_is_bulk_import = 1" --csv': 2,
    "sqlite-utils query archive-data/archive.sqlite \"SELECT rowid FROM articles_fts WHERE "
    "articles_fts MATCH replace('\\\"hai~\\\"* \\\"phong~\\\"*', '~', char(57344))\" --csv": 4,
    "portal-archive report --archive archive-data -o report.html": None,
}


def test_every_command_has_its_row_count():
    run = [c for c in commands() if not c.startswith(NOT_RUN)]
    assert sorted(run) == sorted(COMMAND_ROWS)


@pytest.mark.slow
@pytest.mark.parametrize("cmd", list(COMMAND_ROWS), ids=lambda c: c[:40])
def test_console_command_gives_its_rows(layout, cmd, tmp_path, monkeypatch):
    import shlex
    import shutil
    import subprocess
    import sys
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive-data").symlink_to(layout.root)
    args = shlex.split(cmd)
    out_file = None
    if ">" in args:
        out_file = tmp_path / args[args.index(">") + 1]
        args = args[:args.index(">")]
    if args[0] == "portal-archive":
        argv = [sys.executable, "-m", "crawler", *args[1:]]
    else:
        argv = [shutil.which(args[0], path=str(Path(sys.executable).parent)) or args[0], *args[1:]]
    proc = subprocess.run(argv, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    if out_file:
        out_file.write_text(proc.stdout, encoding="utf-8")
    want = COMMAND_ROWS[cmd]
    if want is None:
        assert proc.stdout or list(tmp_path.glob("*.html"))
        return
    if args[0] == "portal-archive" and args[1] == "export":
        path = tmp_path / args[args.index("-o") + 1]
        if path.suffix == ".parquet":
            import pyarrow.parquet as pq
            got = pq.read_table(path).num_rows
        elif path.suffix == ".csv":
            import csv
            with open(path, encoding="utf-8-sig", newline="") as f:
                got = len(list(csv.DictReader(f)))
        else:
            got = len(path.read_text(encoding="utf-8").splitlines())
    elif "--format" in args and args[args.index("--format") + 1] == "json":
        got = len(json.loads(proc.stdout))
    elif "--csv" in args or "csv" in args:
        import csv
        import io
        got = len(list(csv.DictReader(io.StringIO(proc.stdout))))
    else:  # the table format: count with the same command in JSON
        got = len(json.loads(subprocess.run([*argv, "--format", "json"], capture_output=True,
                                            text=True, timeout=120, check=True).stdout))
    assert got == want, proc.stdout[-2000:]


def test_search_examples_find_the_right_posts(plain):
    (hai_phong,) = [s for s in SQL if '"hai~"* "phong~"*' in s and "LIMIT" in s]
    assert len(plain.execute(hai_phong).fetchall()) == 4
    (duong,) = [s for s in SQL if '"duong~"*' in s]
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
        from archive.db import open_db
        from archive.research.export import export
        export(open_db(layout.db, readonly=True), "parquet", tmp_path / "articles.parquet")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "archive-data").symlink_to(layout.root)
    exec(compile(code, "researchers.md", "exec"), {})
