"""Speed of ``reindex``: articles (and HTML pages) rebuilt per second from an archive's WARCs.

Usage: .venv/bin/python bench/reindex_speed.py [--archive DIR] [--posts N] [--runs R] [--jobs J]

Without --archive, a replica of N posts (default 300) is crawled first with
``portal-archive demo`` into a temporary directory. The archive is never
changed: the database is rebuilt into a temporary file (``--db``).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from archive.integrity.reindex import reindex_archive


def make_archive(tmp: Path, posts: int) -> Path:
    root = tmp / "archive"
    print(f"crawling a {posts}-post replica into {root} …", file=sys.stderr)
    subprocess.run([sys.executable, "-m", "crawler", "demo", "--archive", str(root), "--posts", str(posts)],
                   check=True, capture_output=True)
    return root


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--archive", type=Path, help="an existing archive (default: crawl a replica)")
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=1, help="processes parsing pages")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="reindex-bench-") as tmp:
        tmp = Path(tmp)
        root = args.archive or make_archive(tmp, args.posts)
        best = None
        for run in range(args.runs):
            report = reindex_archive(root, tmp / f"run{run}.sqlite", jobs=args.jobs)
            if best is None or report.seconds < best.seconds:
                best = report
        c = best.counts
        print(f"archive           {root}")
        print(f"WARC files        {best.files} ({c.records} records, {c.captures} captures)")
        print(f"articles          {best.articles} ({c.pages_parsed} HTML pages parsed)")
        print(f"best of {args.runs} runs   {best.seconds:.2f} s (--jobs {args.jobs})")
        print(f"articles/s        {best.articles / best.seconds:.0f}")
        print(f"HTML pages/s      {c.pages_parsed / best.seconds:.0f}")
        print(f"records/s         {c.records / best.seconds:.0f}")


if __name__ == "__main__":
    main()
