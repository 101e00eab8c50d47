"""Done-when table of issue 11: for each replica set-up (theme × REST API on/refused ×
JSON-LD on/no SEO plugin), one real crawl through `portal-archive crawl` of a
``--variety`` replica, and the share of posts whose articles column equals the truth.

    .venv/bin/python bench/fidelity_matrix.py [--posts 80] [--seed 5]

Prints a markdown table (field × set-up, % equal); docs/replica.md records it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fidelity_crawl import crawl_setup, dump, table

from replica.fidelity import MATRIX


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=80)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--json", type=Path, help="also write the results (with first differences) here")
    args = ap.parse_args()
    results = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        for setup in MATRIX:
            results[setup] = crawl_setup(Path(tmp), *setup, posts=args.posts, seed=args.seed)
            r = results[setup]
            worst = min(((100 * e / t, f) for f, (e, t) in r["shares"].items() if t), default=(100, "-"))
            print(f"{'/'.join(setup)}: exit {r['exit']}, lowest {worst[1]} {worst[0]:.1f} %, "
                  f"extra articles {r['extra']}", file=sys.stderr)
    print(f"{args.posts} posts (seed {args.seed}, --variety), {len(MATRIX)} crawls in "
          f"{time.perf_counter() - started:.0f} s\n")
    print(table(results))
    if args.json:
        dump(results, args.json)


if __name__ == "__main__":
    main()
