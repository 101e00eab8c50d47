"""WARC writing with the crawl's real exchanges: ``WarcWriter`` records/s at zlib level 1, 6 and 9.

``bench/warc_write.py`` measures synthetic 50 kB bodies; this one re-writes what a
crawl of the replica actually stored — every response record of an archive
(posts and listings still gzip-encoded as served, JPEG images, sitemaps),
each with its request — so the figure is the writer's share of a real crawl.

    .venv/bin/python bench/warc_levels.py --archive bench/out/crawl/full-0 [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import save, table, write_md  # noqa: E402


def exchanges(archive: Path) -> list:
    from archive.warc import Exchange
    from archive.warc.read import iter_records

    out = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        for rec in iter_records(path):
            if rec.rec_type == "response" and rec.http_status is not None:
                out.append(Exchange(url=rec.target_uri, status=rec.http_status,
                                    response_headers=[(k, v.encode("latin-1", "replace"))
                                                      for k, v in rec.http_headers],
                                    body=rec.raw_payload,
                                    request_headers=[("Host", b"127.0.0.1"), ("Accept-Encoding", b"gzip, deflate")]))
    return out


def write_all(exs, level: int, directory: Path) -> tuple[float, int]:
    from archive.warc import WarcWriter

    t0 = time.perf_counter()
    with WarcWriter(directory, warcinfo={"software": "bench"}, compress_level=level) as w:
        for ex in exs:
            w.write_exchange(ex)
    secs = time.perf_counter() - t0
    return secs, sum(p.stat().st_size for p in directory.iterdir())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--archive", type=Path, required=True)
    ap.add_argument("--repeat", type=int, default=3, help="passes per level (interleaved); the fastest counts")
    args = ap.parse_args()
    exs = exchanges(args.archive)
    if not exs:
        raise SystemExit(f"no response records in {args.archive}/warc")
    mb = sum(len(e.body) for e in exs) / 1e6
    best: dict[int, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory() as d:
        for i in range(args.repeat):
            for level in (1, 6, 9):
                sub = Path(d) / f"l{level}-{i}"
                secs, size = write_all(exs, level, sub)
                if level not in best or secs < best[level][0]:
                    best[level] = (secs, size)
    rows = [{"level": lv, "exchanges": len(exs), "records_per_s": len(exs) / s, "payload_mb_per_s": mb / s,
             "ms_per_exchange": s / len(exs) * 1000, "file_mb": size / 1e6} for lv, (s, size) in sorted(best.items())]
    save("warc_levels", {"archive": str(args.archive), "exchanges": len(exs), "payload_mb": round(mb, 2),
                         "rows": rows})
    md = (f"{len(exs)} response+request pairs from a crawl ({mb:.1f} MB of stored payload)\n\n"
          + table(rows, [("level", "zlib level"), ("records_per_s", "exchanges/s"),
                         ("ms_per_exchange", "ms per exchange"), ("payload_mb_per_s", "payload MB/s"),
                         ("file_mb", "WARC MB")]))
    print(write_md("warc_levels", md).read_text())


if __name__ == "__main__":
    main()
