"""Write speed of WARC records: our WarcWriter (level 6, 1 and 9) against warcio's WARCWriter (level 9).

Usage: .venv/bin/python bench/warc_write.py [--records N] [--size BYTES]
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.warc import Exchange, WarcWriter


def html_body(rng: random.Random, size: int) -> bytes:
    words = ["Hải", "Phòng", "thành", "phố", "người", "dân", "đường", "phát", "triển", "kinh", "tế",
             "<p>", "</p>", "<div class=\"entry\">", "</div>", "năm", "2019", "Ủy", "ban"]
    out = []
    n = 0
    while n < size:
        w = rng.choice(words)
        out.append(w)
        n += len(w.encode()) + 1
    return " ".join(out).encode()[:size]


def bench_ours(bodies, level, tmp) -> float:
    t = time.perf_counter()
    with WarcWriter(tmp / f"ours{level}", warcinfo={}, compress_level=level) as w:
        for i, b in enumerate(bodies):
            w.write_exchange(Exchange(url=f"http://127.0.0.1/{i}.html", status=200,
                                      response_headers=[("Content-Type", "text/html")], body=b))
    return time.perf_counter() - t


def bench_warcio(bodies, tmp) -> float:
    t = time.perf_counter()
    with open(tmp / "warcio.warc.gz", "wb") as f:
        w = WARCWriter(f, gzip=True, warc_version="1.1")
        for i, b in enumerate(bodies):
            url = f"http://127.0.0.1/{i}.html"
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Length", str(len(b)))],
                                  protocol="HTTP/1.1")
            resp = w.create_warc_record(url, "response", payload=io.BytesIO(b), length=len(b), http_headers=hh)
            rq = StatusAndHeaders(f"/{i}.html HTTP/1.1", [("Host", "127.0.0.1")], protocol="GET",
                                  is_http_request=False)
            req = w.create_warc_record(url, "request", http_headers=rq)
            w.write_request_response_pair(req, resp)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1000)
    ap.add_argument("--size", type=int, default=50_000)
    a = ap.parse_args()
    rng = random.Random(1)
    bodies = [html_body(rng, a.size) for _ in range(a.records)]
    mb = sum(map(len, bodies)) / 1e6
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        rows = [("warcio WARCWriter (level 9)", bench_warcio(bodies, tmp), tmp.glob("warcio*"))]
        for level in (6, 1, 9):
            rows.append((f"WarcWriter level {level}", bench_ours(bodies, level, tmp), (tmp / f"ours{level}").glob("*")))
        print(f"{a.records} response+request pairs, {a.size} B HTML bodies ({mb:.1f} MB)")
        for name, secs, files in rows:
            size = sum(p.stat().st_size for p in files)
            print(f"{name:30s} {a.records / secs:8.0f} records/s {mb / secs:7.1f} MB/s  file {size / 1e6:6.1f} MB")


if __name__ == "__main__":
    main()
