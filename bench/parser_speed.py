"""How fast is archive.parser.parse_article, and how does it compare with trafilatura?

    .venv/bin/python bench/parser_speed.py [PAGE.html ...] [--repeat N]

Defaults to the hand-made pages in tests/pages/. Prints milliseconds per page for
parse_article and (if installed) trafilatura.extract, and the speed ratio.
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
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn(data)
    return (time.perf_counter() - t0) / repeat * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pages", nargs="*", type=pathlib.Path)
    ap.add_argument("--repeat", type=int, default=50)
    args = ap.parse_args()
    pages = args.pages or sorted(PAGES.glob("*.html"))
    try:
        import trafilatura
    except ImportError:  # pragma: no cover
        trafilatura = None
    total_ours = total_traf = 0.0
    print(f"{'page':40} {'KB':>6} {'parser ms':>10} {'trafilatura ms':>15}")
    for p in pages:
        data = p.read_bytes()
        url = "https://thanhphohaiphong.gov.vn/" + p.stem + ".html"
        ours = per_call_ms(lambda d: parse_article(d, url), data, args.repeat)
        traf = per_call_ms(lambda d: trafilatura.extract(d, url=url, with_metadata=True),
                           data, max(1, args.repeat // 5)) if trafilatura else float("nan")
        total_ours += ours
        total_traf += traf
        print(f"{p.name:40} {len(data) / 1024:6.1f} {ours:10.2f} {traf:15.2f}")
    if trafilatura and total_ours:
        print(f"total: parser {total_ours:.1f} ms, trafilatura {total_traf:.1f} ms, "
              f"ratio {total_traf / total_ours:.1f}x")


if __name__ == "__main__":
    main()
