"""Incremental crawl: requests and wall time of an unchanged rerun against the first crawl.

One replica process (unchanged between the runs) on loopback, politeness off:
crawl 1 into a fresh archive, then crawl 2 into the same archive — the
crawler's default, incremental mode — and, for reference, crawl 3 with
``--full`` if the command has it. Requests, responses by status (304 = a
conditional request that saved the body), new captures, bytes received and
wall/CPU time per crawl, from each crawl's ``crawls.stats_json`` and
``captures`` rows.

    .venv/bin/python bench/incremental_rerun.py [--posts 1000] [--no-full]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import CLI, OUT, crawl_cmd, measured, save, table, write_md


def crawl_row(archive: Path, crawl_id: int) -> dict:
    conn = sqlite3.connect(archive / "archive.sqlite")
    try:
        stats_json, status = conn.execute("SELECT stats_json, status FROM crawls WHERE id=?", (crawl_id,)).fetchone()
        captures = conn.execute("SELECT count(*) FROM captures WHERE crawl_id=?", (crawl_id,)).fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    finally:
        conn.close()
    st = json.loads(stats_json or "{}")
    by_status = {k.rsplit("/", 1)[1]: v for k, v in st.items()
                 if k.startswith("downloader/response_status_count/")}
    return {"crawl_id": crawl_id, "status": status, "requests": st.get("downloader/request_count", 0),
            "responses": st.get("downloader/response_count", 0), "responses_by_status": by_status,
            "not_modified_304": by_status.get("304", 0), "captures": captures,
            "bytes_received": st.get("downloader/response_bytes", 0), "articles_in_db": articles,
            "scrapy_elapsed_s": st.get("elapsed_time_seconds")}


def last_crawl_id(archive: Path) -> int:
    conn = sqlite3.connect(archive / "archive.sqlite")
    try:
        return conn.execute("SELECT max(id) FROM crawls").fetchone()[0]
    finally:
        conn.close()


def has_full_flag() -> bool:
    out = subprocess.run([*CLI, "crawl", "--help"], capture_output=True, text=True).stdout
    return "--full" in out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-full", action="store_true", help="skip the third, --full crawl")
    args = ap.parse_args()
    from crawler.replica_process import ReplicaProcess

    work = OUT / "incremental"
    archive = work / f"archive-{args.posts}"
    shutil.rmtree(archive, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    plan = [("first crawl (empty archive)", []), ("unchanged rerun (default mode)", [])]
    if not args.no_full and has_full_flag():
        plan.append(("rerun with --full", ["--full"]))
    rows = []
    with ReplicaProcess(posts=args.posts, seed=args.seed) as replica:
        for i, (label, extra) in enumerate(plan):
            cmd = crawl_cmd(archive, replica.url, *extra)
            run = measured(cmd, log=work / f"crawl-{i + 1}.log")
            row = {"crawl": label, "command": " ".join(cmd[2:]), **crawl_row(archive, last_crawl_id(archive)),
                   "wall_s": run.wall_s, "cpu_s": run.cpu_s, "peak_rss_mb": run.maxrss_mb,
                   "exit_code": run.returncode}
            rows.append(row)
            print(f"  {label}: {row['requests']} requests, {row['not_modified_304']} × 304, "
                  f"{run.wall_s:.1f} s", flush=True)
    first, rerun = rows[0], rows[1]
    summary = {
        "requests_ratio": round(rerun["requests"] / first["requests"], 3) if first["requests"] else None,
        "wall_ratio": round(rerun["wall_s"] / first["wall_s"], 3),
        "bytes_ratio": round(rerun["bytes_received"] / first["bytes_received"], 3)
        if first["bytes_received"] else None,
    }
    save("incremental", {"posts": args.posts, "rows": rows, **summary})
    md = table(rows, [("crawl", "crawl"), ("requests", "requests"), ("not_modified_304", "304s"),
                      ("captures", "new captures"), ("bytes_received", "bytes received"),
                      ("wall_s", "wall s"), ("cpu_s", "CPU s"), ("articles_in_db", "articles in DB")])
    md += (f"\n\nunchanged rerun ÷ first crawl: requests {summary['requests_ratio']}, "
           f"bytes {summary['bytes_ratio']}, wall time {summary['wall_ratio']}")
    print(write_md("incremental", f"Incremental crawl, {args.posts}-post replica\n\n{md}").read_text())


if __name__ == "__main__":
    main()
