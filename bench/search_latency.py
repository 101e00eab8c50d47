"""Search latency: median and p95 of 100 queries on a 20 000- and a 100 000-article archive.

Articles are the replica's generated posts (``replica.truth.iter_truth``:
realistic Vietnamese titles, leads and bodies, categories, bulk-import dates)
written through the real ``Store``, so the full-text triggers index them as a
crawl would. Databases are kept under ``--workdir`` and reused.

    .venv/bin/python bench/search_latency.py                 # 20 000 and 100 000
    .venv/bin/python bench/search_latency.py --sizes 20000 --workdir /tmp/bench-search
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

from archive.db import open_db
from archive.parser.model import Article, Term
from archive.search import search
from archive.store import Store
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


def measure(path: Path, qs: list[str], limit: int = 20) -> dict:
    conn = open_db(path, readonly=True)
    for q in qs[:10]:  # warm the page cache
        search(conn, q, limit=limit)
    times, hits = [], []
    for q in qs:
        t0 = time.perf_counter()
        res = search(conn, q, limit=limit)
        times.append((time.perf_counter() - t0) * 1000)
        hits.append(len(res))
    conn.close()
    times.sort()
    return {"median_ms": statistics.median(times), "p95_ms": times[int(len(times) * 0.95) - 1],
            "max_ms": times[-1], "mean_hits": statistics.mean(hits),
            "zero_hit_queries": sum(1 for h in hits if h == 0)}


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
        r = measure(db, qs)
        print(f"{n:>7} articles: median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
              f"max {r['max_ms']:.1f} ms; mean hits {r['mean_hits']:.1f} "
              f"(limit 20), {r['zero_hit_queries']} queries without hits")


if __name__ == "__main__":
    main()
