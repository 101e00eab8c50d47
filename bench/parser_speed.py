"""How fast is archive.parser.parse_article, and how does it compare with trafilatura?

    .venv/bin/python bench/parser_speed.py [PAGE.html ...] [--replica N] [--archive DIR]
                                          [--repeat N] [--traf-format txt|json] [--quiet]

Pages: the files given, else the hand-made pages in tests/pages/; plus N posts of
the offline replica rendered in-process with ``--replica N``; plus every HTML
response record (status 200) of ``DIR/warc/*.warc.gz`` with ``--archive DIR``.
Both parsers run on the same pages in the same process, timed in CPU time
(``time.process_time``, best of five rounds for ours, of three for trafilatura):
on a shared, loaded machine only the side-by-side ratio means much. Prints
CPU milliseconds per page and the ratio per page group and over all pages.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import re
import time

from archive.parser import parse_article

HERE = pathlib.Path(__file__).resolve().parent
PAGES = HERE.parent / "tests" / "pages"


def per_call_ms(fn, repeat: int, rounds: int) -> float:
    fn()  # warm-up
    best = float("inf")
    for _ in range(rounds):
        t0 = time.process_time()
        for _ in range(repeat):
            fn()
        best = min(best, (time.process_time() - t0) / repeat * 1000)
    return best


def replica_pages(n: int) -> list[tuple[str, str, bytes, str | None]]:
    from replica import DEFAULT_BASE_URL, DEFAULT_SEED
    from replica.content import Corpus
    from replica.site import Site
    site = Site(Corpus(n, DEFAULT_SEED))
    out = []
    for i in range(n):
        path = f"/{site.corpus.meta(i).slug}.html"
        out.append(("replica", DEFAULT_BASE_URL + path, site.handle("GET", path, {})[2], None))
    return out


def archive_pages(archive: pathlib.Path) -> list[tuple[str, str, bytes, str | None]]:
    from archive.warc.read import iter_records
    out = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        for rec in iter_records(path):
            if rec.rec_type != "response" or rec.http_status != 200 or "html" not in (rec.content_type or ""):
                continue
            m = re.search(r"charset=[\"']?([\w.:-]+)", rec.content_type or "", re.I)
            out.append(("warc", rec.target_uri, rec.payload(), m.group(1) if m else None))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=pathlib.Path)
    ap.add_argument("--replica", type=int, default=0, metavar="N", help="also N replica posts")
    ap.add_argument("--archive", type=pathlib.Path, help="also the HTML pages of this archive's WARC files")
    ap.add_argument("--repeat", type=int, default=20, help="calls per timing round of our parser")
    ap.add_argument("--traf-format", default="txt", choices=("txt", "json"),
                    help="trafilatura output format (bench/reparse.py uses json)")
    ap.add_argument("--quiet", action="store_true", help="totals only, no line per page")
    args = ap.parse_args()
    pages = [("page", "https://thanhphohaiphong.gov.vn/" + p.name, p.read_bytes(), None)
             for p in (args.pages or sorted(PAGES.glob("*.html")))]
    if args.replica:
        pages += replica_pages(args.replica)
    if args.archive:
        pages += archive_pages(args.archive)
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        trafilatura = None
    totals: dict[str, list[float]] = {}
    if not args.quiet:
        print(f"{'page':50} {'KB':>6} {'parser ms':>10} {'trafilatura ms':>15}")
    for group, url, data, enc in pages:
        ours = per_call_ms(lambda data=data, url=url, enc=enc: parse_article(data, url, encoding=enc),
                           args.repeat, 5)
        traf = per_call_ms(lambda data=data, url=url: trafilatura.extract(data, url=url, with_metadata=True,
                                                       output_format=args.traf_format),
                           max(1, args.repeat // 10), 3) if trafilatura else float("nan")
        t = totals.setdefault(group, [0, 0.0, 0.0])
        t[0] += 1
        t[1] += ours
        t[2] += traf
        if not args.quiet:
            print(f"{url[-50:]:50} {len(data) / 1024:6.1f} {ours:10.3f} {traf:15.2f}")
    print(f"load average {os.getloadavg()[0]:.1f}; CPU ms per page, trafilatura output {args.traf_format}")
    n = sum(t[0] for t in totals.values())
    ours = sum(t[1] for t in totals.values())
    traf = sum(t[2] for t in totals.values())
    for group, (k, o, tr) in list(totals.items()) + [("all", (n, ours, traf))]:
        print(f"{group:8} {k:5} pages: parser {o / k:.3f} ms, trafilatura {tr / k:.2f} ms, ratio {tr / o:.1f}x")


if __name__ == "__main__":
    main()
