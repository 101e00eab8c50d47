"""Search latency: median and p95 of 100 queries on a 20 000- and a 100 000-article archive.

Articles are the replica's generated posts (``replica.truth.iter_truth``:
realistic Vietnamese titles, leads and bodies, categories, bulk-import dates)
written through the real ``Store``, so the full-text triggers index them as a
crawl would. Databases are kept under ``--workdir`` and reused (opened for writing
once, so they get the current migrations).

Besides the headline (100 unfiltered queries, the issue's target: median <= 20 ms at
100 000), it prints the same queries with each filter, 100 narrow queries (three
words of a post's title, what a researcher looking for one story types), the
median by how many posts a query matches (bm25 costs about 1 µs per match: the
replica's small vocabulary makes half of the unfiltered queries match more than a
third of all posts), and the load average around each figure.

    .venv/bin/python bench/search_latency.py                 # 20 000 and 100 000
    .venv/bin/python bench/search_latency.py --sizes 20000 --workdir /tmp/bench-search
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from archive.db import open_db
from archive.db.store import Store
from archive.parser.model import Article, Term
from archive.research.search import fts_query, search
from archive.text import fold
from replica.truth import iter_truth
from replica.words import PLACES, TAGS, TOPICS

FIELDS = ("wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at",
          "published_raw", "date_is_bulk_import", "event_date", "author", "source", "original_url")


def build(path: Path, n: int, seed: int = 1) -> float:
    """Fill a fresh database with ``n`` articles; return the seconds it took."""
    started = time.perf_counter()
    conn = open_db(path)
    store = Store(conn)
    with store.transaction():
        for i, t in enumerate(iter_truth(n, seed, "https://thanhphohaiphong.gov.vn")):
            art = Article(**{f: t[f] for f in FIELDS}, body_html="",
                          categories=[Term(c["slug"], c["name"]) for c in t["categories"]],
                          tags=[Term(c["slug"], c["name"]) for c in t["tags"]])
            store.save_article(art, None, "2026-11-28T00:00:00Z")
            if i % 10000 == 9999:
                print(f"  {i + 1} articles", flush=True)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return time.perf_counter() - started


def queries(k: int = 100, seed: int = 7) -> list[str]:
    """A mix researchers type: places, topics, tags; with and without diacritics; phrases."""
    rnd = random.Random(seed)
    pool = [*PLACES, *TOPICS, *TAGS]
    out = []
    for i in range(k):
        words = rnd.choice(pool).replace(",", "").split()
        start = rnd.randrange(len(words))
        q = " ".join(words[start:start + rnd.choice((1, 2, 2, 3))])
        kind = i % 4
        if kind == 1:
            q = fold(q)  # typed without diacritics
        elif kind == 2:
            q = f'"{q}"'  # phrase
        elif kind == 3:
            q = q.upper()
        out.append(q)
    return out


def title_queries(conn, k: int = 100, seed: int = 11) -> tuple[list[str], list[str]]:
    """From random posts' titles: three consecutive words, and the whole title quoted."""
    rnd = random.Random(seed)
    n = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
    words3, whole = [], []
    while len(words3) < k:
        row = conn.execute("SELECT title FROM articles WHERE id = ?", (rnd.randint(1, n),)).fetchone()
        words = (row["title"] or "").split() if row else []
        if len(words) >= 3:
            i = rnd.randrange(len(words) - 2)
            words3.append(" ".join(words[i:i + 3]))
            whole.append('"' + row["title"].replace('"', " ") + '"')
    return words3, whole


FILTERS = {
    "--since <year>": {"since": "2024"},
    "--since/--until <month>": {"since": "2022-05", "until": "2022-05"},
    "--category": {"category": "do-thi"},
    "--author": {"author": "h.a."},
}


def _timed(conn, qs, limit, **filters) -> list[float]:
    times = []
    for q in qs:
        t0 = time.perf_counter()
        search(conn, q, limit=limit, **filters)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _stats(times: list[float]) -> str:
    t = sorted(times)
    return (f"median {statistics.median(t):6.1f} ms, p95 {t[max(0, int(len(t) * 0.95) - 1)]:6.1f} ms,"
            f" max {t[-1]:6.1f} ms")


def _matches(conn, q: str) -> int:
    m = fts_query(q)
    return conn.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
                        (m,)).fetchone()[0] if m else 0


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def measure(path: Path, qs: list[str], limit: int = 20) -> dict:
    conn = open_db(path, readonly=True)
    for q in qs[:10]:  # warm the page cache
        search(conn, q, limit=limit)
    load_before = _load()
    times = _timed(conn, qs, limit)
    hits = [len(search(conn, q, limit=limit)) for q in qs]
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    matches = [_matches(conn, q) for q in qs]
    extra = {name: _stats(_timed(conn, qs, limit, **f)) for name, f in FILTERS.items()}
    # where an unfiltered search's time goes: finding the matches vs ranking them
    steps = {
        "find the matches": "SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?",
        "+ bm25 top 20": "SELECT rowid, bm25(articles_fts, 10.0, 4.0, 1.0) AS s FROM articles_fts"
                         " WHERE articles_fts MATCH ? ORDER BY s LIMIT 20",
    }
    for name, sql in steps.items():
        t = []
        for q in qs:
            if fts_query(q):
                t0 = time.perf_counter()
                conn.execute(sql, (fts_query(q),)).fetchall()
                t.append((time.perf_counter() - t0) * 1000)
        extra[f"SQL only: {name}"] = _stats(t)
    words3, whole = title_queries(conn, len(qs))
    for name, tq in (("3 words of a title", words3), ('"a whole title"', whole)):
        share = statistics.median(_matches(conn, q) for q in tq) / max(1, total)
        extra[name] = _stats(_timed(conn, tq, limit)) + f"  (median query matches {share:.1%})"
    buckets = {}
    for t, m in zip(times, matches):
        share = m / max(1, total)
        key = ("< 1 %" if share < 0.01 else "1-10 %" if share < 0.1 else "10-50 %"
               if share < 0.5 else ">= 50 %")
        buckets.setdefault(key, []).append(t)
    conn.close()
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1],
            "max_ms": times[-1], "mean_hits": statistics.mean(hits),
            "zero_hit_queries": sum(1 for h in hits if h == 0),
            "median_share": statistics.median(matches) / max(1, total),
            "load": f"{load_before} -> {_load()}", "extra": extra,
            "buckets": {k: (len(v), statistics.median(v)) for k, v in buckets.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="20000,100000")
    ap.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "portal-archive-bench-search"))
    ap.add_argument("--queries", type=int, default=100)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    qs = queries(args.queries)
    print(f"{len(qs)} queries, e.g. {qs[:4]}")
    for n in (int(s) for s in args.sizes.split(",")):
        db = work / f"articles-{n}.sqlite"
        if db.exists():
            conn = open_db(db, readonly=True)
            have = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
            conn.close()
            if have != n:
                db.unlink()
        if not db.exists():
            print(f"building {n} articles in {db} …", flush=True)
            secs = build(db, n)
            print(f"  built in {secs:.0f} s ({db.stat().st_size / 1e6:.0f} MB)")
        else:
            open_db(db).close()  # migrate
        r = measure(db, qs)
        print(f"{n:>7} articles: median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
              f"max {r['max_ms']:.1f} ms; mean hits {r['mean_hits']:.1f} "
              f"(limit 20), {r['zero_hit_queries']} queries without hits  [{r['load']}]")
        print(f"         the median query matches {r['median_share']:.0%} of the posts; median by share matched: "
              + ", ".join(f"{k}: {m:.1f} ms ({c} q)" for k, (c, m) in sorted(r["buckets"].items())))
        for name, line in r["extra"].items():
            print(f"         {name:<28} {line}")


if __name__ == "__main__":
    main()
