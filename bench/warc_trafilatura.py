"""The researcher's way of extracting articles: ``trafilatura.extract`` on every HTML page of a WARC.

Reads the WARC files with warcio (as a user of wget's WARC would), takes every
``response`` record with status 200 and an HTML content type, decodes it, and
runs ``trafilatura.extract(html, url=…, with_metadata=True, output_format="json")``.

    .venv/bin/python bench/warc_trafilatura.py FILE.warc.gz [...] [--json out.json] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import trafilatura
from warcio.archiveiterator import ArchiveIterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def html_records(paths):
    """(url, html bytes) of every 200 text/html response record."""
    for path in paths:
        with open(path, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type != "response" or rec.http_headers is None:
                    continue
                if rec.http_headers.get_statuscode() != "200":
                    continue
                if "html" not in (rec.http_headers.get_header("Content-Type") or ""):
                    continue
                yield rec.rec_headers.get_header("WARC-Target-URI"), rec.content_stream().read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warcs", nargs="+", type=Path)
    ap.add_argument("--json", type=Path, help="write counts and timings here")
    ap.add_argument("--limit", type=int, default=0, help="stop after N pages (0: all)")
    args = ap.parse_args()
    from crawler.urlpolicy import POST, UrlPolicy

    policy = UrlPolicy()
    t0 = time.perf_counter()
    pages = extracted = posts = 0
    for url, html in html_records(args.warcs):
        pages += 1
        if trafilatura.extract(html, url=url, with_metadata=True, output_format="json"):
            extracted += 1
            if policy.classify(url) == POST:
                posts += 1
        if args.limit and pages >= args.limit:
            break
    secs = time.perf_counter() - t0
    out = {"pages": pages, "extracted": extracted, "post_pages_extracted": posts, "seconds": round(secs, 3),
           "pages_per_s": round(pages / secs, 2) if secs else None}
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    print(f"trafilatura: {extracted}/{pages} HTML pages extracted ({posts} posts) in {secs:.1f} s")


if __name__ == "__main__":
    main()
