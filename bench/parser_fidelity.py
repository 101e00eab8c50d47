"""How often does the parser get each articles column right?

    .venv/bin/python bench/parser_fidelity.py [--posts N] [--seed S] [--themes classic,block,magazine]

Two measures, both in-process (no crawl): (1) the 42 portal-shaped pages of
``tests/portal42.py`` (author, source, event date, nothing leaking into
body_text); (2) N replica posts for every site set-up — theme (classic, block)
× SEO plugin (none, og, yoast, rankmath, newsarticle) × REST API (on: the post's
``/wp-json/wp/v2/posts/<id>?_embed`` applied with ``archive.parser.rest.apply_rest``;
off: HTML alone) × editorial variety (off, on) — compared column by column with
``replica.truth``; multi-page posts merged with ``merge_pages``, password-protected
ones must be recognised. Prints the share of posts whose column equals the truth
(only columns below 100 % are named). The ``magazine`` theme (tagDiv Newspaper, the
drift alarm's scenario) is measured without and with the shipped site profile
``deploy/parser-profile.toml.example``.
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import pathlib
import sys

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from archive.parser import parse_article
from archive.parser.core import read_page
from archive.parser.multipage import merge_pages
from archive.parser.rest import apply_rest
from replica import DEFAULT_BASE_URL
from replica.content import Corpus
from replica.site import Site
from replica.style import SiteStyle
from replica.truth import iter_protected, iter_truth

BASE = DEFAULT_BASE_URL.rstrip("/")


def _get(site: Site, url: str) -> bytes:
    status, headers, body = site.handle("GET", url[len(BASE):], {})
    if dict(headers).get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return body


def replica_row(posts: int, seed: int, theme: str, seo: str, rest: bool, variety: bool,
                profile=None) -> tuple[int, dict]:
    style = SiteStyle(theme=theme, seo=seo, rest="on" if rest else "403")
    site = Site(Corpus(posts, seed, variety=variety), style=style)
    wrong: collections.Counter = collections.Counter()
    n = 0
    for truth in iter_truth(posts, seed, style=style, variety=variety):
        n += 1
        a = read_page(_get(site, truth["url"]), truth["url"], profile=profile).article
        if a is None:
            wrong["(not parsed)"] += 1
            continue
        if a.page_urls:
            a = merge_pages([a] + [read_page(_get(site, u), u, profile=profile).article for u in a.page_urls[1:]])
        if rest and a.rest_url:
            a = apply_rest(a, json.loads(_get(site, a.rest_url + "?_embed")))
        got = a.to_truth()
        for key, value in truth.items():
            if got.get(key) != value:
                wrong[key] += 1
    for p in iter_protected(posts, seed, variety=variety):
        n += 1
        if not read_page(_get(site, p["url"]), p["url"]).password_protected:
            wrong["(protected post not recognised)"] += 1
    return n, wrong


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--themes", default="classic,block,magazine")
    args = ap.parse_args()
    from archive.parser.profile import load_profile
    example = load_profile(HERE.parent / "deploy" / "parser-profile.toml.example")
    import portal42
    s = portal42.score(parse_article)
    print(f"portal42: {s['pages']} pages — author {s['author']}, source {s['source']}, "
          f"event_date {s['event_date']}, no leak into body_text {s['no_leak']}")
    print(f"replica, {args.posts} posts, seed {args.seed}: posts right per column")
    for theme in args.themes.split(","):
        profiles = (None, example) if theme == "magazine" else (None,)
        for seo in ("none", "og", "yoast", "rankmath", "newsarticle"):
            for rest in (False, True):
                for variety in (False, True):
                    for profile in profiles:
                        n, wrong = replica_row(args.posts, args.seed, theme, seo, rest, variety, profile)
                        worst = ", ".join(f"{k} {100 * (n - v) / n:.1f} %" for k, v in wrong.most_common())
                        label = "" if theme != "magazine" else (" profile" if profile else " bare   ")
                        print(f"  {theme:8} seo={seo:11} rest={'on ' if rest else 'off'} "
                              f"variety={'on ' if variety else 'off'}{label} {n:4} posts: "
                              f"{worst or 'every column 100 %'}")


if __name__ == "__main__":
    main()
