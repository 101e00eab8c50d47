"""Peak memory of full-pipeline crawls as the site grows: it should be flat in the number of posts.

For each size, a fresh replica of that many posts and a fresh archive; the
crawl runs as a child process with the demo's settings (politeness off) while
its RSS (its own, and with its child processes) is sampled every ``--every``
seconds; the peak of the largest single process is ``os.wait4``'s ``ru_maxrss``. The replica's own RSS is reported apart.

    .venv/bin/python bench/memory.py                          # 2 000 and 5 000 posts
    .venv/bin/python bench/memory.py --sizes 20000,100000     # the target sizes (long: ~80 pages/s)
    .venv/bin/python bench/memory.py --sizes 100000 --max-pages 30000 --name memory-100k-bounded
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import OUT, crawl_cmd, measured, revision, save, table, write_md

TARGET_MB = 300


def rss_at(samples: list, fraction: float) -> float | None:
    """RSS at this fraction of the crawl's duration (nearest sample)."""
    if not samples:
        return None
    end = samples[-1][0]
    return min(samples, key=lambda s: abs(s[0] - fraction * end))[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="2000,5000")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--every", type=float, default=2.0, help="RSS sampling interval, seconds")
    ap.add_argument("--keep", action="store_true", help="keep the archives under bench/out/memory/")
    ap.add_argument("--max-pages", type=int, default=0,
                    help="stop each crawl after N articles (crawl --max-pages): a bounded look at a big site")
    ap.add_argument("--max-duration", type=int, default=0,
                    help="stop each crawl cleanly after this many seconds (crawl --max-duration)")
    ap.add_argument("--name", default="memory", help="output name under bench/out/ (.json, .md)")
    args = ap.parse_args()
    import psutil

    from crawler.replica_process import ReplicaProcess

    work = OUT / "memory"
    work.mkdir(parents=True, exist_ok=True)
    rows = []
    for posts in (int(s) for s in args.sizes.split(",")):
        archive = work / f"archive-{posts}"
        shutil.rmtree(archive, ignore_errors=True)
        rev = revision()
        with ReplicaProcess(posts=posts, seed=args.seed, startup_timeout=600) as replica:
            cmd = crawl_cmd(archive, replica.url,
                            *(["--max-pages", str(args.max_pages)] if args.max_pages else []),
                            *(["--max-duration", str(args.max_duration)] if args.max_duration else []))
            run = measured(cmd, log=work / f"crawl-{posts}.log", rss_every=args.every)
            replica_rss = psutil.Process(replica.proc.pid).memory_info().rss / 2**20
        conn = sqlite3.connect(archive / "archive.sqlite")
        status, exit_code = conn.execute("SELECT status, exit_code FROM crawls ORDER BY id DESC").fetchone()
        errors = conn.execute("SELECT count(*) FROM errors").fetchone()[0]
        captures = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        db_mb = (archive / "archive.sqlite").stat().st_size / 1e6
        warc_mb = sum(p.stat().st_size for p in (archive / "warc").glob("*")) / 1e6
        row = {"posts": posts, "max_pages": args.max_pages or None, "fetches": captures, "articles": articles,
               "wall_s": run.wall_s,
               "cpu_s": run.cpu_s, "pages_per_s": captures / run.wall_s, "peak_rss_mb": run.maxrss_mb,
               "crawl_status": status, "crawl_exit_code": exit_code, "errors": errors,
               "revision": rev, "tree_peak_rss_mb": max((x[-1] for x in run.rss_samples), default=None),
               "rss_25": rss_at(run.rss_samples, 0.25), "rss_50": rss_at(run.rss_samples, 0.5),
               "rss_75": rss_at(run.rss_samples, 0.75), "replica_rss_mb": replica_rss,
               "db_mb": db_mb, "warc_mb": warc_mb, "command": " ".join(cmd[2:]),
               "rss_samples": run.rss_samples, "load_before": run.load_before}
        rows.append(row)
        print(f"  {posts} posts: {captures} fetches in {run.wall_s:.0f} s, peak RSS {run.maxrss_mb:.0f} MB",
              flush=True)
        shutil.copytree(archive / "logs", work / f"logs-{posts}", dirs_exist_ok=True)
        if not args.keep:
            shutil.rmtree(archive, ignore_errors=True)
    save(args.name, {"sizes": args.sizes, "target_mb": TARGET_MB, "rows": rows})
    md = table(rows, [("posts", "posts"), ("fetches", "fetches"), ("wall_s", "wall s"),
                      ("pages_per_s", "pages/s"), ("rss_25", "RSS at 25 % MB"), ("rss_50", "at 50 %"),
                      ("rss_75", "at 75 %"), ("peak_rss_mb", "peak RSS MB (largest process)"),
                      ("tree_peak_rss_mb", "peak RSS MB (crawler + children, sampled)"),
                      ("replica_rss_mb", "replica RSS MB"), ("db_mb", "DB MB"), ("warc_mb", "WARC MB")])
    print(write_md(args.name, f"Peak RSS of the crawling process (target ≤ {TARGET_MB} MB)\n\n{md}").read_text())


if __name__ == "__main__":
    main()
