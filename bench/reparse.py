"""Re-parse speed: articles/s of our parser over a crawled archive's WARCs vs ``trafilatura.extract``.

Reads every ``response`` record (status 200, HTML) of ``<archive>/warc/*.warc.gz``
with ``archive.warc.read.iter_records``, undoes the content encoding, and times
on the very same payloads:

  ours         ``archive.parser.parse_article(html, url)``
  trafilatura  ``trafilatura.extract(html, url=…, with_metadata=True, output_format="json")``
               (on the first ``--traf-limit`` pages: it is slow; its rate is per page)

plus the reading itself (WARC → decoded payloads), so "from WARC" rates include
it. If ``portal-archive reindex`` exists it is timed too, as a child process on
a copy of the archive.

    .venv/bin/python bench/reparse.py --archive bench/out/crawl/full-0 [--traf-limit 400]
    .venv/bin/python bench/reparse.py --posts 2000      # crawls the replica into bench/out/reparse first
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import CLI, OUT, crawl_cmd, measured, save, table, write_md

TARGET = 10.0


def load_pages(archive: Path) -> tuple[list[tuple[str, bytes, str | None]], float]:
    from archive.warc.read import iter_records

    t0 = time.perf_counter()
    pages = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        for rec in iter_records(path):
            if rec.rec_type != "response" or rec.http_status != 200:
                continue
            if "html" not in (rec.content_type or ""):
                continue
            m = re.search(r"charset=[\"']?([\w.:-]+)", rec.content_type or "", re.I)
            pages.append((rec.target_uri, rec.payload(), m.group(1) if m else None))
    return pages, time.perf_counter() - t0


def time_ours(pages) -> tuple[float, int]:
    from archive.parser import parse_article

    t0 = time.perf_counter()
    n = 0
    for url, html, enc in pages:
        if parse_article(html, url, encoding=enc) is not None:
            n += 1
    return time.perf_counter() - t0, n


def time_trafilatura(pages) -> tuple[float, int]:
    import trafilatura

    t0 = time.perf_counter()
    n = 0
    for url, html, _ in pages:
        if trafilatura.extract(html, url=url, with_metadata=True, output_format="json"):
            n += 1
    return time.perf_counter() - t0, n


def reindex_available() -> bool:
    r = subprocess.run([*CLI, "reindex", "--help"], capture_output=True, text=True)
    return r.returncode == 0


def crawl(posts: int, work: Path) -> Path:
    from crawler.replica_process import ReplicaProcess

    archive = work / f"archive-{posts}"
    if (archive / "archive.sqlite").exists():
        return archive
    with ReplicaProcess(posts=posts, seed=1) as replica:
        measured(crawl_cmd(archive, replica.url), log=work / "crawl.log")
    return archive


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, help="a crawled archive directory")
    ap.add_argument("--posts", type=int, default=2000, help="without --archive: crawl a replica this big")
    ap.add_argument("--traf-limit", type=int, default=400, help="pages given to trafilatura (0: all)")
    ap.add_argument("--repeat", type=int, default=3, help="passes of our parser; the fastest counts")
    args = ap.parse_args()
    work = OUT / "reparse"
    work.mkdir(parents=True, exist_ok=True)
    archive = args.archive or crawl(args.posts, work)
    pages, read_s = load_pages(archive)
    if not pages:
        raise SystemExit(f"no HTML response records in {archive}/warc — crawl first")
    ours_s, ours_n = min((time_ours(pages) for _ in range(args.repeat)), key=lambda r: r[0])
    # trafilatura is slow: an evenly spread sample, and our parser timed on the same sample too
    step = max(1, len(pages) // args.traf_limit) if args.traf_limit else 1
    sample = pages[::step][:args.traf_limit or None]
    traf_s, traf_n = time_trafilatura(sample)
    ours_sample_s, _ = min((time_ours(sample) for _ in range(args.repeat)), key=lambda r: r[0])
    ours_ms = ours_s / len(pages) * 1000
    traf_ms = traf_s / len(sample) * 1000
    ours_sample_ms = ours_sample_s / len(sample) * 1000
    read_ms = read_s / len(pages) * 1000
    rows = [
        {"what": "read WARC + undo gzip (archive.warc.read.iter_records)", "pages": len(pages),
         "ms_per_page": read_ms, "pages_per_s": 1000 / read_ms},
        {"what": "archive.parser.parse_article", "pages": len(pages), "articles": ours_n,
         "ms_per_page": ours_ms, "pages_per_s": 1000 / ours_ms},
        {"what": "archive.parser.parse_article, on the sample below", "pages": len(sample),
         "ms_per_page": ours_sample_ms, "pages_per_s": 1000 / ours_sample_ms},
        {"what": "trafilatura.extract, on an evenly spread sample", "pages": len(sample), "articles": traf_n,
         "ms_per_page": traf_ms, "pages_per_s": 1000 / traf_ms},
        {"what": "from WARC: read + parse_article", "pages": len(pages),
         "ms_per_page": read_ms + ours_ms, "pages_per_s": 1000 / (read_ms + ours_ms)},
        {"what": "from WARC: read + trafilatura.extract", "pages": len(pages),
         "ms_per_page": read_ms + traf_ms, "pages_per_s": 1000 / (read_ms + traf_ms)},
    ]
    result = {"archive": str(archive), "html_pages": len(pages), "articles": ours_n, "rows": rows,
              "ratio_parse_only": round(traf_ms / ours_sample_ms, 2),
              "ratio_from_warc": round((read_ms + traf_ms) / (read_ms + ours_sample_ms), 2), "target": TARGET}
    if reindex_available():
        copy = work / "reindex-copy"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(archive, copy)
        run = measured([*CLI, "reindex", "--archive", str(copy)], log=work / "reindex.log")
        conn = sqlite3.connect(copy / "archive.sqlite")
        n = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.close()
        result["reindex"] = {**run.to_dict(), "articles": n, "articles_per_s": round(n / run.wall_s, 1)}
        rows.append({"what": "portal-archive reindex (whole command, incl. start-up and DB writes)",
                     "pages": len(pages), "articles": n, "ms_per_page": run.wall_s / len(pages) * 1000,
                     "pages_per_s": len(pages) / run.wall_s})
        result["ratio_reindex"] = round(result["reindex"]["articles_per_s"] / (1000 / (read_ms + traf_ms)), 2)
    save("reparse", result)
    md = table(rows, [("what", "what"), ("pages", "HTML pages"), ("articles", "articles"),
                      ("ms_per_page", "ms/page"), ("pages_per_s", "pages/s")])
    md += (f"\n\ntrafilatura ÷ parse_article time per page, same sample: {result['ratio_parse_only']}× "
           f"(from WARC: {result['ratio_from_warc']}×"
           + (f"; reindex command: {result['ratio_reindex']}×" if "ratio_reindex" in result else "")
           + f"); target ≥ {TARGET}×")
    print(write_md("reparse", md).read_text())


if __name__ == "__main__":
    main()
