"""Full-text index size per article (dbstat): the index before issue 15, migration 10's two
indexes, and migration 12's one index.

The first ``--n`` articles of the search benchmark's database are copied into a scratch
database and indexed the way a crawl indexes them (one insert at a time, one
transaction, triggers calling the archive's SQL functions), into:

- ``fold3``: migration 2's folded index (title, lead, body_text) — the index before issue 15;
- ``fold5`` + ``exact5``: migration 10's pair (with author and source): the folded text
  (``pa_fold``, ``remove_diacritics 2``) and the exact text (``pa_exact``);
- ``one5``: migration 12's index, each word one term with both keys (``pa_index``,
  ``remove_diacritics 0``) — what the archive has now.

Then every index is merged into one segment (FTS5 ``'optimize'``) and measured again.

    .venv/bin/python bench/search_index_size.py --n 20000
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

from archive.db import register_functions
from archive.db.m012_search_one_index import COLUMNS, FUNCTION, TOKENIZE

SRC = Path(__file__).parent / "out" / "search" / "articles-100000.sqlite"

# name → (columns, SQL function, tokenizer)
INDEXES = {
    "fold3": (COLUMNS[:3], "pa_fold", "unicode61 remove_diacritics 2"),
    "fold5": (COLUMNS, "pa_fold", "unicode61 remove_diacritics 2"),
    "exact5": (COLUMNS, "pa_exact", "unicode61 remove_diacritics 0"),
    "one5": (COLUMNS, FUNCTION, TOKENIZE),
}


def _index(conn, name: str, columns, fn: str, tokenize: str) -> None:
    cols = ", ".join(columns)
    conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='', tokenize='{tokenize}')")
    vals = ", ".join(f"{fn}(new.{c})" for c in columns)
    conn.execute(f"CREATE TRIGGER {name}_i AFTER INSERT ON art BEGIN "
                 f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {vals}); END")


def _sizes(conn, n: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for table, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        for name in INDEXES:
            if table.startswith(name + "_"):
                out[name] = out.get(name, 0) + size / n
    return out


def _report(tag: str, s: dict[str, float]) -> None:
    pair = s["fold5"] + s["exact5"]
    print(f"{tag}: " + ", ".join(f"{k} {v:,.0f}" for k, v in s.items()) + " bytes/article")
    print(f"   migration 10's pair {pair:,.0f}: {pair / s['fold3']:.3f} x migration 2's index, "
          f"{pair / s['fold5']:.3f} x its folded one")
    print(f"   migration 12's index {s['one5']:,.0f}: {s['one5'] / s['fold3']:.3f} x migration 2's "
          f"index, {s['one5'] / s['fold5']:.3f} x migration 10's folded one")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--src", default=str(SRC))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "ix.sqlite")
        register_functions(conn)
        conn.execute("ATTACH ? AS src", (f"file:{args.src}?mode=ro",))
        conn.execute(f"CREATE TABLE art(id INTEGER PRIMARY KEY, {', '.join(COLUMNS)})")
        for name, (columns, fn, tokenize) in INDEXES.items():
            _index(conn, name, columns, fn, tokenize)
        started = time.perf_counter()
        rows = conn.execute(f"SELECT id, {', '.join(COLUMNS)} FROM src.articles WHERE id <= ?"
                            " ORDER BY id", (args.n,)).fetchall()
        with conn:
            for row in rows:
                conn.execute("INSERT INTO art VALUES (?,?,?,?,?,?)", row)
        n = len(rows)
        print(f"{n} articles indexed in {time.perf_counter() - started:.0f} s")
        _report("as a crawl leaves them", _sizes(conn, n))
        with conn:
            for name in INDEXES:
                conn.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")
        conn.execute("VACUUM")
        _report("after 'optimize'", _sizes(conn, n))
        conn.close()


if __name__ == "__main__":
    main()
