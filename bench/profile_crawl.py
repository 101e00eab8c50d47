"""Where the crawling process spends its CPU: py-spy over a full-pipeline crawl, samples by component.

Starts a replica, runs ``python -m crawler crawl`` under ``py-spy record``
(raw collapsed stacks, no idle samples), then assigns every sample of the
crawl process to the first component found walking its stack from the leaf
up: WARC compression, other WARC writing, the Scrapy→Exchange conversion,
SQLite (store/session/dedup), the persistent frontier, the article parser,
the spider's discovery (link extraction, URL policy, sitemaps, feed),
start-up imports, or — everything else — Scrapy/Twisted/asyncio itself.

    .venv/bin/python bench/profile_crawl.py [--posts 2000] [--rate 100]
    .venv/bin/python bench/profile_crawl.py --stacks bench/out/profile_crawl-stacks.txt   # re-read a profile

Needs py-spy (``pip install py-spy``; ptrace allowed, as in a container run as root).
"""

from __future__ import annotations

import argparse
import shutil
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench._common import OUT, crawl_cmd, measured, save, table, write_md

# (component, substrings of a frame "function (file:line)"), tried leaf → root, first hit wins
COMPONENTS = [
    ("start-up (imports)", ("<frozen importlib._bootstrap",)),
    ("WARC close hooks (CDXJ index, fixity manifest)", ("archive/warc/cdxj.py", "archive/integrity/fixity.py")),
    ("WARC gzip compression", ("gzip_member (archive/warc/", "zlib")),
    ("WARC writing, other", ("archive/warc/",)),
    ("Scrapy → Exchange (crawler/capture.py)", ("crawler/capture.py",)),
    ("frontier (state/frontier.sqlite)", ("archive/crawl/frontier.py", "FrontierClient.is_done")),
    ("SQLite store: captures, articles, FTS, commits", ("archive/db/store.py", "archive/crawl/session.py", "archive/db",
                                                        "archive/warc/dedup.py", "archive/crawl/revisit.py",
                                                        "archive/warc/rows.py", "sqlite3")),
    ("article parser (archive.parser)", ("archive/parser/", "archive/text.py")),
    ("hand-over between the processes (multiprocessing queue, pickling)", ("multiprocessing/", "pickle",
                                                                            "archive/crawl/remote.py")),
    ("spider discovery (links, URL policy, sitemaps, feed)", ("crawler/spiders/", "crawler/urlpolicy.py",
                                                              "scrapy/linkextractors", "scrapy/utils/sitemap",
                                                              "parsel/", "w3lib/", "crawler/middlewares/")),
]
OTHER = "Scrapy + Twisted + asyncio (engine, downloader, HTTP, middlewares, signals)"


def classify(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, needles in COMPONENTS:
            if any(n in frame for n in needles):
                return name
    return OTHER


def _process_label(frame: str) -> str:
    """py-spy --subprocesses starts each stack with ``process PID:"command line"``."""
    if "(multiprocessing/process.py" in frame or "spawn_main" in frame:
        return "storage process (child)"
    return "crawling process (Scrapy)"


def summarize(stacks: Path, top: int = 25) -> dict:
    """Samples by component, plus the hottest functions (self and inclusive)."""
    by_proc: Counter = Counter()
    by_comp: Counter = Counter()
    self_: Counter = Counter()
    incl: Counter = Counter()
    total = idle_threads = 0
    for line in stacks.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        if not stack or not n.isdigit():
            continue
        n = int(n)
        frames = [f for f in stack.split(";") if f]
        proc = "crawling process (Scrapy)"
        if frames and frames[0].startswith("process "):
            proc = _process_label(stack)
            frames = frames[1:]
        if not frames:
            continue
        if frames[0].startswith("Thread._bootstrap") and frames[-1].startswith(("Condition.wait", "Queue.get")):
            idle_threads += n  # a Twisted thread-pool worker waiting for work
            continue
        total += n
        by_proc[proc] += n
        by_comp[(proc, classify(frames))] += n
        self_[frames[-1]] += n
        for f in set(frames):
            incl[f] += n
    pct = (lambda n: round(100 * n / total, 1)) if total else (lambda n: 0.0)
    return {
        "samples": total, "idle_thread_samples_dropped": idle_threads,
        "processes": [{"process": p, "samples": n, "percent": pct(n)} for p, n in by_proc.most_common()],
        "components": [{"process": p, "component": c, "samples": n, "percent": pct(n)}
                       for (p, c), n in by_comp.most_common()],
        "top_self": [{"function": f, "percent": pct(n)} for f, n in self_.most_common(top)],
        "top_inclusive": [{"function": f, "percent": pct(n)} for f, n in incl.most_common(top * 3)
                          if "(archive/" in f or "(crawler/" in f][:top],
    }


def record(posts: int, seed: int, rate: int, work: Path, name: str, extra: dict) -> tuple[Path, dict]:
    from crawler.replica_process import ReplicaProcess

    pyspy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(pyspy).exists():
        raise SystemExit("py-spy is not installed — `.venv/bin/pip install py-spy`")
    work.mkdir(parents=True, exist_ok=True)
    stacks = OUT / f"{name}-stacks.txt"
    archive = work / "profile-archive"
    shutil.rmtree(archive, ignore_errors=True)
    with ReplicaProcess(posts=posts, seed=seed) as replica:
        cmd = [pyspy, "record", "--format", "raw", "--rate", str(rate), "--subprocesses", "--output", str(stacks), "--",
               *crawl_cmd(archive, replica.url, settings=extra)]
        run = measured(cmd, log=work / f"{name}.log")
    return stacks, {"command": " ".join(cmd), "run": run.to_dict()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=int, default=100, help="py-spy samples per second")
    ap.add_argument("--stacks", type=Path, help="summarise this raw py-spy profile instead of recording one")
    ap.add_argument("--name", default="profile_crawl", help="output name under bench/out/")
    ap.add_argument("-s", "--set", dest="overrides", action="append", default=[], metavar="NAME=VALUE",
                    help="extra crawl settings, e.g. -s CONCURRENT_ITEMS=1")
    args = ap.parse_args()
    meta = {}
    stacks = args.stacks
    if stacks is None:
        extra = dict(p.split("=", 1) for p in args.overrides)
        stacks, meta = record(args.posts, args.seed, args.rate, OUT / "profile", args.name, extra)
    summary = summarize(stacks)
    save(args.name, {"posts": args.posts, "stacks": str(stacks), **meta, **summary})
    md = (f"CPU samples by process and component ({summary['samples']} samples, "
          f"{args.rate} per second per process)\n\n"
          + table(summary["processes"], [("process", "process"), ("samples", "samples"), ("percent", "% of samples")])
          + "\n\n"
          + table(summary["components"], [("process", "process"), ("component", "component"),
                                          ("samples", "samples"), ("percent", "% of samples")])
          + "\n\nHottest functions of archive/ and crawler/ (inclusive)\n\n"
          + table(summary["top_inclusive"][:15], [("function", "function"), ("percent", "%")])
          + "\n\nHottest functions (self)\n\n"
          + table(summary["top_self"][:15], [("function", "function"), ("percent", "%")]))
    print(write_md(args.name, md).read_text())


if __name__ == "__main__":
    main()
