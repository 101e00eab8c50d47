"""Scale figures for docs/scaling.md: CPU per page, disk per post, and polite crawls side by side.

1. One whole crawl of a replica with politeness off: CPU seconds per fetched
   page (crawl process + its storage process), WARC and SQLite bytes per post.
2. K crawls at the project's default politeness (DOWNLOAD_DELAY 1 s ± 50 %,
   one request at a time per portal, AutoThrottle), each into its own archive,
   all at once for T seconds (``--max-duration``): pages per second per
   portal, CPU and peak RSS per crawl. These say how many portals one node
   holds; docs/scaling.md extrapolates from them and says so.

    python bench/scaling.py [--posts 300] [--parallel 8] [--seconds 60]
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import CLI, crawl_cmd, measured, save

from crawler.replica_process import ReplicaProcess


def sizes(archive: Path) -> tuple[int, int, int, int]:
    conn = sqlite3.connect(archive / "archive.sqlite")
    fetches = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    posts = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    conn.close()
    warc = sum(p.stat().st_size for p in (archive / "warc").glob("*.warc.gz"))
    db = sum(p.stat().st_size for p in archive.glob("archive.sqlite*"))
    return fetches, posts, warc, db


def whole_crawl(url: str, work: Path) -> dict:
    archive = work / "whole"
    run = measured(crawl_cmd(archive, url), log=work / "whole.log")
    fetches, posts, warc, db = sizes(archive)
    return {"cpu_s": round(run.cpu_s, 2), "wall_s": round(run.wall_s, 1), "fetches": fetches,
            "posts": posts, "cpu_ms_per_page": round(1000 * run.cpu_s / fetches, 2),
            "warc_bytes_per_post": round(warc / posts), "sqlite_bytes_per_post": round(db / posts),
            "peak_rss_mb": round(run.maxrss_mb, 1), "load_before": run.load_before}


def polite_side_by_side(url: str, work: Path, parallel: int, seconds: int) -> dict:
    runs: list = [None] * parallel

    def one(i: int) -> None:
        archive = work / f"polite-{i}"
        runs[i] = (archive, measured([*CLI, "crawl", "--archive", str(archive), "--start-url", url,
                                      "--max-duration", str(seconds)], log=work / f"polite-{i}.log"))

    threads = [threading.Thread(target=one, args=(i,)) for i in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    per = []
    for archive, run in runs:
        fetches, posts, _warc, _db = sizes(archive)
        per.append({"fetches": fetches, "posts": posts, "wall_s": round(run.wall_s, 1),
                    "cpu_s": round(run.cpu_s, 2), "peak_rss_mb": round(run.maxrss_mb, 1)})
    total_fetches = sum(p["fetches"] for p in per)
    return {
        "parallel": parallel, "seconds": seconds, "crawls": per,
        "pages_per_s_per_portal": round(total_fetches / parallel / seconds, 2),
        "cpu_s_per_crawl": round(sum(p["cpu_s"] for p in per) / parallel, 2),
        "cpu_share_of_a_core_per_crawl": round(sum(p["cpu_s"] for p in per) / parallel / seconds, 3),
        "peak_rss_mb_per_crawl": round(max(p["peak_rss_mb"] for p in per), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--parallel", type=int, default=8)
    ap.add_argument("--seconds", type=int, default=60)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="scaling-") as tmp, ReplicaProcess(args.posts, 1) as replica:
        work = Path(tmp)
        result = {"posts": args.posts, "whole": whole_crawl(replica.url, work),
                  "polite": polite_side_by_side(replica.url, work, args.parallel, args.seconds)}
    path = save("scaling", result)
    import json
    print(json.dumps(result, indent=1))
    print(f"saved {path}")


if __name__ == "__main__":
    main()
