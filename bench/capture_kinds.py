"""Complete capture: captures and archived bytes by kind, per post, and what they cost in time.

One replica process on loopback, politeness off (the demo's settings). Crawls a
fresh archive twice: with the defaults (documents and page requisites on), and
with ``PORTAL_FETCH_DOCUMENTS=False PORTAL_FETCH_REQUISITES=False`` for the
cost of them. Each capture of the default crawl is given one kind:

- ``article``: an HTML page parsed into an article;
- ``listing``: home, category, tag, author and date listings (``crawler.urlpolicy``);
- ``document``: a capture a ``documents`` row names;
- ``image``: an upload in ``/wp-content/uploads/`` that is no document (content images,
  thumbnails, every ``srcset`` size, site icons);
- ``theme``: the other page requisites (CSS, JS, fonts, background images);
- ``other``: robots.txt, sitemaps, the feed, redirects, 404s.

Bytes are WARC bytes (each record's gzip member, ``captures.warc_length``).
Then ``portal-archive qa`` over ``--sample`` pages, live against replay.

    .venv/bin/python bench/capture_kinds.py [--posts 300] [--sample 20]
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

KINDS = ("article", "listing", "document", "image", "theme", "other")


def kinds(archive: Path) -> dict[str, dict]:
    from crawler.urlpolicy import LISTING, UrlPolicy

    policy = UrlPolicy()
    conn = sqlite3.connect(archive / "archive.sqlite")
    articles = {r[0] for r in conn.execute("SELECT capture_id FROM article_versions")} | \
        {r[0] for r in conn.execute("SELECT capture_id FROM articles")}
    documents = {r[0] for r in conn.execute("SELECT capture_id FROM documents WHERE capture_id IS NOT NULL")}
    out = {k: {"captures": 0, "bytes": 0} for k in KINDS}
    for cid, url, status, ctype, length in conn.execute(
            "SELECT id, url, status, content_type, warc_length FROM captures"):
        path = url.split("://", 1)[-1].split("/", 1)[-1].split("?", 1)[0]
        if cid in articles:
            kind = "article"
        elif cid in documents:
            kind = "document"
        elif status == 200 and (ctype or "").startswith("text/html") and policy.classify(url) == LISTING:
            kind = "listing"
        elif status == 200 and path.startswith("wp-content/uploads/"):
            kind = "image"
        elif status == 200 and path.startswith(("wp-content/", "wp-includes/")):
            kind = "theme"
        else:
            kind = "other"
        out[kind]["captures"] += 1
        out[kind]["bytes"] += length or 0
    conn.close()
    return out


def crawl(replica_url: str, archive: Path, log: Path, settings: dict | None = None):
    shutil.rmtree(archive, ignore_errors=True)
    return measured(crawl_cmd(archive, replica_url, settings=settings), log=log)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--sample", type=int, default=20)
    args = ap.parse_args()
    from crawler.replica_process import ReplicaProcess

    work = OUT / "capture-kinds"
    work.mkdir(parents=True, exist_ok=True)
    full, bare = work / "archive", work / "archive-bare"
    with ReplicaProcess(posts=args.posts, seed=args.seed) as replica:
        run = crawl(replica.url, full, work / "crawl.log")
        base_run = crawl(replica.url, bare, work / "crawl-bare.log",
                         {"PORTAL_FETCH_DOCUMENTS": "False", "PORTAL_FETCH_REQUISITES": "False"})
        qa = subprocess.run([*CLI, "qa", "--archive", str(full), "--sample", str(args.sample), "--json"],
                            capture_output=True, text=True)
    by_kind = kinds(full)
    rows = [{"kind": k, "captures": v["captures"], "per_post": round(v["captures"] / args.posts, 2),
             "bytes": v["bytes"], "bytes_per_post": round(v["bytes"] / args.posts)}
            for k, v in by_kind.items()]
    total = {"kind": "total", "captures": sum(r["captures"] for r in rows),
             "bytes": sum(r["bytes"] for r in rows)}
    total["per_post"] = round(total["captures"] / args.posts, 2)
    total["bytes_per_post"] = round(total["bytes"] / args.posts)
    rows.append(total)
    bare_kinds = kinds(bare)
    cost = {"wall_s_with": round(run.wall_s, 1), "wall_s_without": round(base_run.wall_s, 1),
            "cpu_s_with": round(run.cpu_s, 1), "cpu_s_without": round(base_run.cpu_s, 1),
            "captures_without": sum(v["captures"] for v in bare_kinds.values()),
            "bytes_without": sum(v["bytes"] for v in bare_kinds.values())}
    report = json.loads(qa.stdout) if qa.stdout.strip().startswith("{") else {"error": qa.stderr[-500:]}
    save("capture_kinds", {"posts": args.posts, "rows": rows, "cost": cost, "qa": report.get("summary", report),
                           "qa_exit_code": qa.returncode})
    md = table(rows, [("kind", "kind"), ("captures", "captures"), ("per_post", "per post"),
                      ("bytes", "WARC bytes"), ("bytes_per_post", "WARC bytes per post")])
    md += (f"\n\nwithout documents and requisites: {cost['captures_without']} captures, "
           f"{cost['bytes_without']} WARC bytes; crawl wall time {cost['wall_s_without']} s → "
           f"{cost['wall_s_with']} s, CPU {cost['cpu_s_without']} s → {cost['cpu_s_with']} s")
    if "median_pixel_diff" in report.get("summary", {}):
        s = report["summary"]
        md += (f"\n\nqa over {s['pages']} pages (exit {qa.returncode}): {s['failed']} failed, "
               f"{s['missing_resources']} missing resources, median pixel difference "
               f"{s['median_pixel_diff']} %, max {s['max_pixel_diff']} %")
    print(write_md("capture_kinds", f"Capture by kind, {args.posts}-post replica\n\n{md}").read_text())


if __name__ == "__main__":
    main()
