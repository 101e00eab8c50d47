"""The fault table of docs/faults.md, measured: crawl the faulty replica, count what happened.

Two crawls of the replica on port 80 of a loopback address (URLs without a
port, as the portal's; needs root), with the fault test suite's settings:

1. transient: every fault mode at the shares below (each faulty URL fails
   once) plus every bad page (``bad``);
2. permanent: the same modes failing forever (``fails=1000``) on a small site.

For each fault mode: targets hit by it (which targets fail is a pure function
of the fault seed, ``replica.faults.Faults.kind_for``), posts among them,
posts archived in the end, ``errors`` rows for those targets, tracebacks in
the crawl log. For each bad page: whether it became an article, its errors
rows. Prints a Markdown table; ``--json FILE`` also saves the numbers.

    .venv/bin/python bench/fault_table.py [--posts 300] [--json bench/out/faults.json]
"""

from __future__ import annotations

import argparse
import json
import random
import socket
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.replica_process import ReplicaProcess  # noqa: E402
from replica.faults import Faults  # noqa: E402

TRANSIENT = "500=0.05,reset=0.02,hang=0.01,drip=0.02,429=0.03,503=0.01,bad,hang_s=8"
PERMANENT = "500=0.08,reset=0.06,hang=0.05,429=0.06,503=0.06,drip=0.04,fails=1000,hang_s=6,drip_s=1,retry_after=0"
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS=16",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16", "DOWNLOAD_TIMEOUT=4", "PORTAL_RETRY_AFTER_MAX=2"]
PERMANENT_EXTRA = ["DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1", "PORTAL_RETRY_AFTER_TIMES=2",
                   "PORTAL_RETRY_AFTER_BASE=0.05", "PORTAL_RETRY_AFTER_MAX=0.2"]
MODES = ("500", "reset", "hang", "drip", "429", "503")
LABEL = {"500": "HTTP 500", "reset": "connection reset mid-body", "hang": "hang past the timeout",
         "drip": "slow drip", "429": "429 + Retry-After", "503": "503 maintenance + Retry-After"}


def loopback_ip() -> str:
    for _ in range(50):
        ip = f"127.{random.randint(1, 250)}.{random.randint(1, 250)}.{random.randint(2, 250)}"
        with socket.socket() as s:
            try:
                s.bind((ip, 80))
            except OSError:
                continue
        return ip
    raise SystemExit("no loopback address with a free port 80 (run as root)")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True, text=True,
                          cwd=ROOT)


def run(posts: int, spec: str, extra: list[str], workdir: Path) -> dict:
    archive = workdir / "archive"
    ip = loopback_ip()
    with ReplicaProcess(posts, 1, extra_args=("--faults", spec, "--host", ip, "--port", "80")) as r:
        args = ["crawl", "--archive", str(archive), "--start-url", r.url]
        for s in FAST + extra:
            args += ["-s", s]
        proc = cli(*args)
    base = f"http://{ip}"
    truth = [json.loads(x) for x in cli("replica", "truth", "--posts", str(posts),
                                        "--base-url", base).stdout.splitlines()]
    bad = [json.loads(x) for x in cli("replica", "bad-pages", "--posts", str(posts),
                                      "--base-url", base).stdout.splitlines()] if "bad" in spec else []
    db = sqlite3.connect(archive / "archive.sqlite")
    captured = {r[0] for r in db.execute("SELECT DISTINCT url FROM captures")}
    errors: dict[str, list[str]] = {}
    for url, kind in db.execute("SELECT url, kind FROM errors"):
        errors.setdefault(url, []).append(kind)
    articles = {r[0] for r in db.execute("SELECT wp_post_id FROM articles")}
    logs = "".join(p.read_text(errors="replace") for p in (archive / "logs").glob("*.log"))
    crashes = logs.count("Traceback") + proc.stderr.count("Traceback")
    faults = Faults.parse(spec, 1)
    post_urls = {t["url"]: t["wp_post_id"] for t in truth}

    def target(url: str) -> str:
        p = urlsplit(url)
        return p.path + (f"?{p.query}" if p.query else "")

    bad_urls = {b["url"] for b in bad} | {b["url"].replace("-a.html", "-b.html") for b in bad}
    requested = (captured | set(errors)) - bad_urls  # bad pages are counted on their own rows
    modes = {}
    for mode in MODES:
        hit = [u for u in requested if faults.kind_for(target(u)) == mode]
        posts_hit = [u for u in hit if u in post_urls]
        modes[mode] = {
            "injected": len(hit),
            "posts_hit": len(posts_hit),
            "posts_archived": sum(post_urls[u] in articles for u in posts_hit),
            "error_rows": sum(len(errors.get(u, [])) for u in hit),
        }
    bad_rows = []
    for page in bad:
        url = page["url"]
        loop_b = url.replace("-a.html", "-b.html")
        kinds = errors.get(url, []) + (errors.get(loop_b, []) if loop_b != url else [])
        prefix = f"{base}/{urlsplit(url).path.split('/')[1]}/"
        bad_rows.append({
            "kind": page["kind"], "url": url[len(base):], "expect": page["expect"],
            "article": bool(page["truth"]) and page["truth"]["wp_post_id"] in articles,
            "errors": kinds,
            "requests": (sum(1 for u in captured if u.startswith(prefix))
                         if page["expect"] == "trap" else int(url in captured)),
        })
    return {
        "spec": spec, "posts": posts, "exit_code": proc.returncode, "crashes": crashes,
        "posts_archived": sum(pid in articles for pid in post_urls.values()),
        "error_rows": sum(len(v) for v in errors.values()), "modes": modes, "bad": bad_rows,
    }


def table(transient: dict, permanent: dict) -> str:
    out = ["| fault or bad input | injected | posts hit | posts archived in the end | "
           "`errors` rows | crashes |", "|---|---|---|---|---|---|"]
    for name, res in (("transient", transient), ("permanent", permanent)):
        for mode in MODES:
            m = res["modes"][mode]
            out.append(f"| {LABEL[mode]} ({name}) | {m['injected']} URLs | {m['posts_hit']} | "
                       f"{m['posts_archived']} / {m['posts_hit']} | {m['error_rows']} | "
                       f"{res['crashes']} |")
    for b in transient["bad"]:
        result = "article" if b["article"] else "no article"
        extra = f" ({b['requests']} requests)" if b["expect"] == "trap" else ""
        out.append(f"| bad page: {b['kind']} `{b['url']}` | 1 | {'1' if b['expect'] == 'article' else '0'}"
                   f" | {result}{extra} | {len(b['errors'])} {' '.join(sorted(set(b['errors'])))} | "
                   f"{transient['crashes']} |")
    out.append("")
    for name, res in (("transient", transient), ("permanent", permanent)):
        out.append(f"- {name} crawl (`--faults {res['spec']}`, {res['posts']} posts): exit code "
                   f"{res['exit_code']}, {res['posts_archived']} / {res['posts']} posts archived, "
                   f"{res['error_rows']} `errors` rows, {res['crashes']} tracebacks.")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--posts", type=int, default=300)
    ap.add_argument("--permanent-posts", type=int, default=40)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        transient = run(args.posts, TRANSIENT, [], Path(tmp) / "t")
        seed = next(s for s in range(1, 500) if all(
            Faults.parse(PERMANENT, s).kind_for(p) is None
            for p in ("/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/feed/")))
        permanent = run(args.permanent_posts, f"{PERMANENT},seed={seed}", PERMANENT_EXTRA,
                        Path(tmp) / "p")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"transient": transient, "permanent": permanent}, indent=1))
    print(table(transient, permanent))


if __name__ == "__main__":
    main()
