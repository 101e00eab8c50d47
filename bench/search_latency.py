"""Search latency: median and p95 of a fixed mix of 200 queries on a 100 000-article archive.

Articles are the replica's generated posts (``replica.truth.iter_truth``:
realistic Vietnamese titles, leads and bodies, categories, bulk-import dates,
confusable words) written through the real ``Store``, so the full-text triggers
index them as a crawl would. Databases are kept under ``--workdir``
(``bench/out/search``) and reused (opened for writing once, so they get the
current migrations).

The mix (``mix``, fixed by its seeds): 40 broad (one or two common words, as
typed with marks), 30 unaccented, 30 accented, 30 quoted phrases, 40 narrow
(three words of a post's title) and 30 filtered (--since/--until/--category/
--author). The headline is the median and p95 over all 200 (target: median
<= 20 ms, p95 <= 60 ms); then each kind, the load average, and the size of the
full-text index per article.

    .venv/bin/python bench/search_latency.py                         # 100 000
    .venv/bin/python bench/search_latency.py --sizes 20000 --workdir /tmp/bench-search
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

from archive.db import open_db
from archive.db.store import Store
from archive.parser.model import Article, Term
from archive.research.search import search
from archive.research.search_query import INDEX
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


def _phrases(rnd: random.Random, k: int) -> list[str]:
    pool = [*PLACES, *TOPICS, *TAGS]
    out = []
    for _ in range(k):
        words = rnd.choice(pool).replace(",", "").split()
        start = rnd.randrange(len(words))
        out.append(" ".join(words[start:start + rnd.choice((1, 2, 2, 3))]))
    return out


BROAD = ("thành phố", "công tác", "năm", "hội nghị", "đồng chí", "kết quả", "nhiệm vụ",
         "triển khai", "đơn vị", "kế hoạch")


def mix(conn, seed: int = 7) -> list[tuple[str, str, dict]]:
    """The 200 (kind, query, filters) of the benchmark."""
    rnd = random.Random(seed)
    out: list[tuple[str, str, dict]] = []
    for i in range(40):
        out.append(("broad", BROAD[i % len(BROAD)] if i < 20 else rnd.choice(BROAD).split()[0], {}))
    out += [("unaccented", fold(q), {}) for q in _phrases(rnd, 30)]
    out += [("accented", q, {}) for q in _phrases(rnd, 30)]
    out += [("phrase", f'"{q}"', {}) for q in _phrases(rnd, 30)]
    words3, _ = title_queries(conn, 40, seed + 4)
    out += [("narrow", q, {}) for q in words3]
    filters = list(FILTERS.values())
    out += [("filtered", q, filters[i % len(filters)]) for i, q in enumerate(_phrases(rnd, 30))]
    return out


def queries(k: int = 100, seed: int = 7) -> list[str]:
    """Unfiltered queries without a database (a mix of the kinds above)."""
    rnd = random.Random(seed)
    return [fold(q) if i % 3 == 1 else f'"{q}"' if i % 3 == 2 else q
            for i, q in enumerate(_phrases(rnd, k))]


def _timed(conn, items, limit) -> list[float]:
    times = []
    for _, q, filters in items:
        t0 = time.perf_counter()
        search(conn, q, limit=limit, **filters)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def _stats(times: list[float]) -> str:
    t = sorted(times)
    return (f"median {statistics.median(t):6.1f} ms, p95 {_p95(t):6.1f} ms, max {t[-1]:6.1f} ms")


def _p95(t: list[float]) -> float:
    t = sorted(t)
    return t[max(0, int(len(t) * 0.95) - 1)]


def _load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def index_sizes(conn) -> dict[str, int]:
    """Bytes of the full-text index (its shadow tables), from dbstat."""
    sizes: dict[str, int] = {}
    for name, size in conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name"):
        if name.startswith(INDEX + "_"):
            sizes[INDEX] = sizes.get(INDEX, 0) + size
    return sizes


def measure(path: Path, limit: int = 20, rounds: int = 3) -> dict:
    conn = open_db(path, readonly=True)
    items = mix(conn)
    for item in items[:20]:  # warm the page cache
        search(conn, item[1], limit=limit, **item[2])
    load_before = _load()
    # each query's time is its best of ``rounds`` (the machine is shared: noise only adds)
    runs = [_timed(conn, items, limit) for _ in range(rounds)]
    times = [min(r[i] for r in runs) for i in range(len(items))]
    first = runs[0]
    by_kind: dict[str, list[float]] = {}
    for (kind, _, _), t in zip(items, times):
        by_kind.setdefault(kind, []).append(t)
    total = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    sizes = index_sizes(conn)
    conn.close()
    return {"n": total, "items": items, "median_ms": statistics.median(times), "p95_ms": _p95(times),
            "max_ms": max(times), "first_round": _stats(first),
            "load": f"{load_before} -> {_load()}",
            "kinds": {k: _stats(v) for k, v in by_kind.items()},
            "bytes_per_article": {k: v / max(1, total) for k, v in sizes.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="100000")
    ap.add_argument("--workdir", default=str(Path(__file__).parent / "out" / "search"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
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
        r = measure(db, rounds=args.rounds)
        print(f"{len(r['items'])} queries, e.g. {[q for _, q, _ in r['items'][::37]]}")
        print(f"{n:>7} articles: median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, "
              f"max {r['max_ms']:.1f} ms (best of {args.rounds} rounds)  [{r['load']}]")
        print(f"         first round alone: {r['first_round']}")
        for kind, line in r["kinds"].items():
            print(f"         {kind:<12} {line}")
        print("         index bytes per article: " + ", ".join(
            f"{k} {v:,.0f}" for k, v in sorted(r["bytes_per_article"].items())))


if __name__ == "__main__":
    main()
