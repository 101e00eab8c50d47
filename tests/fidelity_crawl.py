"""Crawl a replica set-up through `portal-archive crawl` and compare every articles
column with the truth (shared by tests/test_fidelity_matrix.py and
bench/fidelity_matrix.py)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from clirun import run_cli

from crawler.replica_process import ReplicaProcess
from replica.fidelity import compare, extra_articles, matrix_style, style_args
from replica.truth import iter_truth

# loopback replica: no politeness; the files of a page (images, documents, requisites) do not
# change any articles column (image URLs come from the page), so they are not fetched here
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
        "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8", "-s", "PORTAL_FETCH_REQUISITES=False",
        "-s", "PORTAL_FETCH_IMAGES=False", "-s", "PORTAL_FETCH_DOCUMENTS=False")


def crawl_setup(workdir: Path, theme: str, rest: str, seo: str, *, posts: int, seed: int) -> dict:
    """One crawl of a ``--variety`` replica set up as asked: ``{"shares": {field: (equal, total)},
    "diffs": [...], "extra": [post ids stored but not in the truth], "exit": code}``."""
    archive = workdir / f"{theme}-{rest}-{seo}"
    with ReplicaProcess(posts, seed, extra_args=("--variety", *style_args(theme, rest, seo))) as replica:
        proc = run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *FAST, check=False)
        base = replica.url.rstrip("/")
    truth = list(iter_truth(posts, seed, base, variety=True, style=matrix_style(theme, rest, seo)))
    conn = sqlite3.connect(archive / "archive.sqlite")
    shares, diffs = compare(truth, conn)
    extra = extra_articles(truth, conn)
    conn.close()
    return {"shares": shares, "diffs": diffs, "extra": extra, "exit": proc.returncode,
            "stderr": proc.stderr[-2000:]}


def table(results: dict) -> str:
    """Markdown: one row per field, one column per set-up, % of posts equal to the truth."""
    setups = list(results)
    fields = list(next(iter(results.values()))["shares"])
    head = "| field | " + " | ".join(f"{t}, REST {'on' if r == 'on' else r}, {'JSON-LD' if s != 'none' else 'no SEO'}"
                                      for t, r, s in setups) + " |"
    out = [head, "|---|" + "---|" * len(setups)]
    for f in fields:
        cells = []
        for key in setups:
            eq, total = results[key]["shares"][f]
            cells.append(f"{100 * eq / total:.1f}" if total else "–")
        out.append(f"| `{f}` | " + " | ".join(cells) + " |")
    return "\n".join(out)


def dump(results: dict, path: Path) -> None:
    path.write_text(json.dumps({"/".join(k): {**v, "diffs": v["diffs"][:20]} for k, v in results.items()},
                               ensure_ascii=False, indent=1, default=str))
