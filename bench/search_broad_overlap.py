"""Broad queries: how much the broad rule's top 20 shares with the full-bm25 top 20.

For every query of ``search_latency.mix`` that is broad on the benchmark database (more
than ``BROAD_MATCHES`` matches), the top 20 by the default ranking (the broad rule) and
by ``rank="bm25"`` (every match scored) are compared: the share of posts in both. Also
the time of each ranking (one run each, after a warm-up).

    .venv/bin/python bench/search_broad_overlap.py     # needs bench/out/search/articles-100000.sqlite
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

from archive.db import open_db
from archive.research.search import BROAD_MATCHES, search_ids, search_summary

sys.path.insert(0, str(Path(__file__).parent))
from search_latency import mix  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", default=str(Path(__file__).parent / "out" / "search"
                                        / "articles-100000.sqlite"))
    args = ap.parse_args()
    conn = open_db(Path(args.db), readonly=True)
    items = mix(conn)
    for _, q, f in items[:20]:
        search_ids(conn, q, limit=20, **f)
    print("load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))
    by_kind: dict[str, list[tuple[float, float, float, float]]] = {}
    for kind, q, f in items:
        if search_summary(conn, q, **f)[1] is None:
            continue
        t0 = time.perf_counter()
        rule = search_ids(conn, q, limit=20, **f)
        t1 = time.perf_counter()
        bm25 = search_ids(conn, q, limit=20, rank="bm25", **f)
        t2 = time.perf_counter()
        share = len(set(rule) & set(bm25)) / max(1, len(bm25))
        by_kind.setdefault(kind, []).append((share, (t1 - t0) * 1000, (t2 - t1) * 1000))
    every = [x for v in by_kind.values() for x in v]
    print(f"broad queries (> {BROAD_MATCHES:,} matches): {len(every)} of {len(items)}")
    for kind, v in [*by_kind.items(), ("all broad", every)]:
        shares = [x[0] for x in v]
        print(f"  {kind:<11} n={len(v):3}  top-20 overlap median {statistics.median(shares):4.0%}"
              f" mean {statistics.mean(shares):4.0%} min {min(shares):4.0%}"
              f"   ms: rule median {statistics.median(x[1] for x in v):6.1f},"
              f" bm25 median {statistics.median(x[2] for x in v):6.1f}")
    print("load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
