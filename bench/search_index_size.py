"""Full-text index size per article (dbstat): the folded index alone vs the two indexes of
migration 10, and what storage-level changes would save.

The first ``--n`` articles of the search benchmark's database are copied into a scratch
database and indexed the way a crawl indexes them (one insert at a time, one
transaction, triggers calling ``pa_fold``/``pa_exact``), into:

- ``fold3``: migration 2's folded index (title, lead, body_text) — the index before issue 15;
- ``fold5`` + ``exact5``: migration 10's pair (with author and source);
- ``merged``: both in one FTS5 table of ten columns (one doclist per term for the words
  both spell alike, one docsize row), which would rank the same (bm25's length ratio and
  idf are unchanged) but needs one tokenizer (``remove_diacritics 0``).

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

COLUMNS = ("title", "lead", "body_text", "author", "source")
SRC = Path(__file__).parent / "out" / "search" / "articles-100000.sqlite"


def _index(conn, name: str, columns: list[tuple[str, str, str]], diacritics: int) -> None:
    """``columns``: (FTS5 column, function, article column)."""
    cols = ", ".join(c for c, _, _ in columns)
    conn.execute(f"CREATE VIRTUAL TABLE {name} USING fts5({cols}, content='', "
                 f"tokenize='unicode61 remove_diacritics {diacritics}')")
    vals = ", ".join(f"{fn}(new.{src})" for _, fn, src in columns)
    conn.execute(f"CREATE TRIGGER {name}_i AFTER INSERT ON art BEGIN "
                 f"INSERT INTO {name}(rowid, {cols}) VALUES (new.id, {vals}); END")


def _sizes(conn, n: int, names) -> dict[str, float]:
    out: dict[str, float] = {}
    for table, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        for name in names:
            if table.startswith(name + "_"):
                out[name] = out.get(name, 0) + size / n
    return out


def _report(tag: str, s: dict[str, float]) -> None:
    pair = s["fold5"] + s["exact5"]
    print(f"{tag}: " + ", ".join(f"{k} {v:,.0f}" for k, v in s.items()) + " bytes/article")
    print(f"   pair / fold5 {pair / s['fold5']:.3f}, pair / fold3 {pair / s['fold3']:.3f}, "
          f"merged / fold3 {s['merged'] / s['fold3']:.3f}")


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
        _index(conn, "fold3", [(c, "pa_fold", c) for c in COLUMNS[:3]], 2)
        _index(conn, "fold5", [(c, "pa_fold", c) for c in COLUMNS], 2)
        _index(conn, "exact5", [(c, "pa_exact", c) for c in COLUMNS], 0)
        _index(conn, "merged", [(f"f_{c}", "pa_fold", c) for c in COLUMNS]
               + [(f"e_{c}", "pa_exact", c) for c in COLUMNS], 0)
        started = time.perf_counter()
        rows = conn.execute(f"SELECT id, {', '.join(COLUMNS)} FROM src.articles WHERE id <= ?"
                            " ORDER BY id", (args.n,)).fetchall()
        with conn:
            for row in rows:
                conn.execute("INSERT INTO art VALUES (?,?,?,?,?,?)", row)
        n = len(rows)
        print(f"{n} articles indexed in {time.perf_counter() - started:.0f} s")
        names = ("fold3", "fold5", "exact5", "merged")
        _report("as a crawl leaves them", _sizes(conn, n, names))
        with conn:
            for name in names:
                conn.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")
        conn.execute("VACUUM")
        _report("after 'optimize'", _sizes(conn, n, names))
        conn.close()


if __name__ == "__main__":
    main()
