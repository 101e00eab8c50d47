"""Run every benchmark at its default size and gather the tables in bench/out/results.md.

    .venv/bin/python bench/run_all.py              # ~10 minutes on 2 cores
    .venv/bin/python bench/run_all.py --large      # adds 20 000/100 000-post memory crawls and
                                                   # the 100 000-article search (an hour or more)
    .venv/bin/python bench/run_all.py --only crawl,reparse

Each step is its own script (see docs/benchmarks.md) writing bench/out/<name>.json
and .md; steps owned by scripts that only print (search_latency, warc_write)
have their output kept in bench/out/<name>.txt.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import BENCH, OUT, PYTHON, ROOT, machine, revision  # noqa: E402


def steps(large: bool) -> list[tuple[str, list[str], str]]:
    """(name, command, output file)"""
    s = [
        ("crawl", [str(BENCH / "crawl_throughput.py"), "--posts", "2000",
                   "--only", "full,proposed,bare,wget,traf"], "crawl_throughput.md"),
        ("reparse", [str(BENCH / "reparse.py"), "--archive", str(OUT / "crawl" / "full-0"),
                     "--traf-limit", "400"], "reparse.md"),
        ("incremental", [str(BENCH / "incremental_rerun.py"), "--posts", "1000"], "incremental.md"),
        ("memory", [str(BENCH / "memory.py"), "--sizes", "1000,4000"], "memory.md"),
        ("search", [str(BENCH / "search_latency.py"), "--sizes", "20000"], "search_latency.txt"),
        ("warc", [str(BENCH / "warc_write.py")], "warc_write.txt"),
        ("warc-real", [str(BENCH / "warc_levels.py"), "--archive", str(OUT / "crawl" / "full-0")], "warc_levels.md"),
    ]
    if shutil.which("py-spy") or Path(PYTHON).with_name("py-spy").exists():
        s.append(("profile", [str(BENCH / "profile_crawl.py"), "--posts", "2000"], "profile_crawl.md"))
    if large:
        s += [
            ("memory-large", [str(BENCH / "memory.py"), "--sizes", "20000,100000", "--max-duration", "1800",
                              "--every", "5", "--name", "memory-large"], "memory-large.md"),
            ("search-large", [str(BENCH / "search_latency.py"), "--sizes", "100000"], "search_latency-large.txt"),
        ]
    return s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--large", action="store_true")
    ap.add_argument("--only", default="", help="comma list of step names")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    only = set(filter(None, args.only.split(",")))
    m = machine()
    parts = [f"# Benchmark results ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"revision {revision()})",
             f"{m['nproc']} × {m['cpu']}, {m['memory']}, Python {m['python']}, SQLite {m['sqlite']}, {m['wget']}; "
             + ", ".join(f"{k} {v}" for k, v in m["packages"].items())]
    for name, cmd, out in steps(args.large):
        if only and name not in only:
            continue
        print(f"== {name}: {' '.join(cmd)}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.run([PYTHON, *cmd], cwd=ROOT, capture_output=True, text=True)
        secs = time.perf_counter() - t0
        print(proc.stdout[-3000:], proc.stderr[-2000:] if proc.returncode else "", sep="", flush=True)
        if out.endswith(".txt"):
            (OUT / out).write_text(proc.stdout)
        body = (OUT / out).read_text() if (OUT / out).exists() else proc.stdout
        status = "" if proc.returncode == 0 else f" — FAILED (exit {proc.returncode})"
        shown = " ".join(c.replace(str(ROOT) + "/", "") for c in cmd)
        parts.append(f"## {name} ({secs:.0f} s){status}\n\n`.venv/bin/python {shown}`\n\n"
                     + (f"```\n{body.strip()}\n```" if out.endswith(".txt") else body.strip()))
    (OUT / "results.md").write_text("\n\n".join(parts) + "\n")
    print(f"wrote {OUT / 'results.md'}")


if __name__ == "__main__":
    main()
