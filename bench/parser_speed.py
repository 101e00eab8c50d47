"""How fast is archive.parser.parse_article, and how does it compare with trafilatura?

    .venv/bin/python bench/parser_speed.py [PAGE.html ...] [--replica N] [--repeat N]

Pages: the files given, else the hand-made pages in tests/pages/, plus N posts of
the offline replica with ``--replica N``. Prints CPU milliseconds per page (best of
five rounds) for parse_article and for trafilatura.extract (if installed) and the
speed ratio over all pages.
"""

from __future__ import annotations

import argparse
import pathlib
import time

from archive.parser import parse_article

HERE = pathlib.Path(__file__).resolve().parent
PAGES = HERE.parent / "tests" / "pages"


def per_call_ms(fn, data: bytes, repeat: int) -> float:
    fn(data)  # warm-up
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        for _ in range(repeat):
            fn(data)
        best = min(best, (time.process_time() - t0) / repeat * 1000)
    return best


def replica_pages(n: int) -> list[tuple[str, bytes]]:
    from replica import DEFAULT_SEED
    from replica.content import Corpus
    from replica.site import Site
    site = Site(Corpus(n, DEFAULT_SEED))
    out = []
    for i in range(n):
        path = f"/{site.corpus.meta(i).slug}.html"
        out.append((f"replica{path[:32]}", site.handle("GET", path, {})[2]))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=pathlib.Path)
    ap.add_argument("--replica", type=int, default=0, metavar="N", help="also N replica posts")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    pages = [(p.name, p.read_bytes()) for p in (args.pages or sorted(PAGES.glob("*.html")))]
    if args.replica:
        pages += replica_pages(args.replica)
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        trafilatura = None
    total_ours = total_traf = 0.0
    print(f"{'page':42} {'KB':>6} {'parser ms':>10} {'trafilatura ms':>15}")
    for name, data in pages:
        url = "https://thanhphohaiphong.gov.vn/" + name.replace("/", "-")
        ours = per_call_ms(lambda d: parse_article(d, url), data, args.repeat)
        traf = per_call_ms(lambda d: trafilatura.extract(d, url=url, with_metadata=True),
                           data, max(1, args.repeat // 5)) if trafilatura else float("nan")
        total_ours += ours
        total_traf += traf
        print(f"{name:42} {len(data) / 1024:6.1f} {ours:10.2f} {traf:15.2f}")
    if trafilatura and total_ours:
        print(f"total over {len(pages)} pages: parser {total_ours:.1f} ms, trafilatura {total_traf:.1f} ms,"
              f" ratio {total_traf / total_ours:.1f}x")


if __name__ == "__main__":
    main()
