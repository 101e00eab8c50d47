"""Many portals on two Scrapyd nodes, end to end, with real Scrapyd daemons on loopback.

Three replica portals (different seeds and set-ups: the classic theme, the block theme
with Yoast's JSON-LD, the classic theme with its REST API refused and Rank Math) are
three sites of one portals.toml;
two Scrapyd daemons (each with its own eggs, logs and queue directories) are
two nodes. The project is deployed, every site scheduled, one site scheduled
again while it runs (refused by the archive lock, visibly), and the archives
are compared with each replica's ground truth.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from clirun import run_cli

from crawler.replica_process import ReplicaProcess

pytestmark = pytest.mark.slow

SITES = {  # name: (seed, node index, site set-up shared by the replica and its truth, extra replica args)
    # a few of alpha's pages trickle in over 40 s: alpha is certainly still running when scheduled again
    "alpha": (11, 0, (), ("--faults", "drip=0.05,drip_s=40")),
    "beta": (12, 0, ("--theme", "block", "--seo", "yoast"), ()),
    "gamma": (13, 1, ("--theme", "classic", "--rest", "403", "--seo", "rankmath"), ()),
}
POSTS = 40


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ScrapydNode:
    def __init__(self, root: Path):
        self.root = root
        self.port = free_port()
        root.mkdir(parents=True)
        (root / "scrapyd.conf").write_text(
            "[scrapyd]\nbind_address = 127.0.0.1\n"
            f"http_port = {self.port}\neggs_dir = {root}/eggs\nlogs_dir = {root}/logs\n"
            f"dbs_dir = {root}/dbs\nitems_dir =\njobs_dir =\nmax_proc = 4\npoll_interval = 0.2\n"
            "runner = crawler.scrapyd_runner\n")
        exe = Path(sys.executable).with_name("scrapyd")
        assert exe.exists(), "scrapyd is not installed: it is in the test extras (pip install -e '.[test]')"
        self.log = open(root / "daemon.log", "wb")  # noqa: SIM115 (open while the daemon runs)
        self.proc = subprocess.Popen([str(exe)], cwd=root, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/daemonstatus.json", timeout=2) as r:
                    if json.load(r)["status"] == "ok":
                        break
            except OSError:
                pass
            assert self.proc.poll() is None, (root / "daemon.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "scrapyd did not answer within 60 s"
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fleet")
    replicas = {name: ReplicaProcess(POSTS, seed, extra_args=(*setup, *extra)).start()
                for name, (seed, _node, setup, extra) in SITES.items()}
    nodes = [ScrapydNode(tmp / "node1"), ScrapydNode(tmp / "node2")]
    lines = ["[defaults]", "delay = 0", "concurrency = 8",
             "settings = { AUTOTHROTTLE_ENABLED = false, DOWNLOAD_DELAY_JITTER = 0 }", ""]
    for name, (_seed, node, _setup, _extra) in SITES.items():
        lines += [f"[sites.{name}]", f'start_url = "{replicas[name].url}"',
                  f'archive = "{tmp / ("archive-" + name)}"', f'node = "{nodes[node].url}"', ""]
    config = tmp / "portals.toml"
    config.write_text("\n".join(lines))
    try:
        yield {"tmp": tmp, "config": str(config), "replicas": replicas, "nodes": nodes}
    finally:
        for n in nodes:
            n.stop()
        for r in replicas.values():
            r.stop()


def jobs(config) -> list[dict]:
    return json.loads(run_cli("scrapyd", "jobs", "--format", "json", "--config", config, timeout=60).stdout)


def wait_for(config, predicate, timeout=300):
    deadline = time.monotonic() + timeout
    while True:
        rows = jobs(config)
        if predicate(rows):
            return rows
        assert time.monotonic() < deadline, f"jobs never got there: {rows}"
        time.sleep(0.5)


@pytest.fixture(scope="module")
def scheduled(fleet):
    cfg = fleet["config"]
    deployed = run_cli("scrapyd", "deploy", "--config", cfg, timeout=120).stdout.splitlines()
    assert len(deployed) == 2 and all("1 spider(s)" in line for line in deployed), deployed
    t0 = time.monotonic()
    first = run_cli("scrapyd", "schedule", "--site", "alpha", "--config", cfg, timeout=60)
    rest = run_cli("scrapyd", "schedule", "--site", "beta", "--site", "gamma", "--config", cfg, timeout=60)
    scheduled_at = {"alpha": t0, "beta": time.monotonic(), "gamma": time.monotonic()}
    lock = fleet["tmp"] / "archive-alpha" / "state" / "crawl.lock"
    deadline = time.monotonic() + 120
    while not (lock.exists() and lock.read_text().strip()):  # alpha's crawl holds its archive
        assert time.monotonic() < deadline, "alpha's crawl never took its archive's lock"
        time.sleep(0.2)
    again = run_cli("scrapyd", "schedule", "--site", "alpha", "--config", cfg, timeout=60)
    rows = wait_for(cfg, lambda rows: len(rows) == 4 and all(r["state"] == "finished" for r in rows))
    finished_at = time.monotonic()
    return {"rows": rows, "schedule_out": first.stdout + rest.stdout + again.stdout,
            "elapsed": {s: finished_at - t for s, t in scheduled_at.items()}}


def test_every_site_is_archived_equal_to_its_truth(fleet, scheduled):
    import sqlite3

    from test_crawl_e2e import db_article

    for name, (seed, _node, setup, _extra) in SITES.items():
        url = fleet["replicas"][name].url
        truth = [json.loads(line) for line in run_cli(
            "replica", "truth", "--posts", str(POSTS), "--seed", str(seed), "--base-url", url, *setup,
            timeout=120).stdout.splitlines() if line.strip()]
        conn = sqlite3.connect(fleet["tmp"] / f"archive-{name}" / "archive.sqlite")
        conn.row_factory = sqlite3.Row
        rows = {r["wp_post_id"]: r for r in conn.execute("SELECT * FROM articles")}
        assert len(rows) == POSTS, name
        bad = [(name, t["wp_post_id"], k) for t in truth
               for k, v in t.items() if k in (got := db_article(conn, rows[t["wp_post_id"]])) and got[k] != v]
        assert not bad, bad[:5]
        settings = json.loads(conn.execute("SELECT settings_json FROM crawls ORDER BY id LIMIT 1")
                              .fetchone()[0])
        assert settings["PORTAL_SITE"] == name  # the crawl row names the site it ran for


def test_rescheduling_a_running_site_is_refused_visibly(scheduled):
    alpha = [r for r in scheduled["rows"] if r["site"] == "alpha"]
    assert len(alpha) == 2
    outcomes = sorted(r["outcome"]["status"] for r in alpha)
    assert outcomes == ["finished", "refused"], alpha
    refused = next(r for r in alpha if r["outcome"]["status"] == "refused")
    assert refused["outcome"]["exit_code"] == 75
    assert "is being crawled by pid" in refused["summary"]


def test_jobs_reports_every_outcome(fleet, scheduled):
    rows = scheduled["rows"]
    assert sorted(r["site"] for r in rows) == ["alpha", "alpha", "beta", "gamma"]
    for r in rows:
        assert r["outcome"] is not None, r
        if r["outcome"]["status"] != "refused":
            assert r["outcome"]["exit_code"] == 0 and r["outcome"]["articles"] == POSTS, r
    table = run_cli("scrapyd", "jobs", "--config", fleet["config"], timeout=60).stdout
    assert table.count("finished (exit 0)") == 3 and table.count("refused (exit 75)") == 1, table
    gamma_node = fleet["nodes"][1].url
    assert any(line.startswith(gamma_node) and "gamma" in line for line in table.splitlines())
    from datetime import datetime

    timeline = []
    for r in sorted(rows, key=lambda r: r["start_time"]):
        start, end = (datetime.fromisoformat(r[k]) for k in ("start_time", "end_time"))
        timeline.append(f"{r['site']} {r['job']}: ran {(end - start).total_seconds():.1f} s "
                        f"on {r['node']} → {r['summary']}")
    print("\n".join(["timeline (Scrapyd start → end per job):", *timeline]))


def test_node_down_is_one_line(fleet, tmp_path):
    port = free_port()
    cfg = tmp_path / "p.toml"
    cfg.write_text(f'[sites.x]\nstart_url = "http://127.0.0.1:9/"\narchive = "a"\n'
                   f'node = "http://127.0.0.1:{port}"\n')
    proc = run_cli("scrapyd", "schedule", "--all", "--config", str(cfg), check=False, timeout=60)
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith(f"error: Scrapyd node http://127.0.0.1:{port} is unreachable")
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_jobs_failed_lists_only_the_refusal(fleet, scheduled):
    out = run_cli("scrapyd", "jobs", "--failed", "--config", fleet["config"], timeout=60).stdout
    lines = out.strip().splitlines()
    assert len(lines) == 1 and "alpha" in lines[0] and "refused (exit 75)" in lines[0], out


def test_export_all_is_one_table_with_a_portal_column(fleet, scheduled, tmp_path):
    out = tmp_path / "all.jsonl"
    run_cli("export", "--all", "--config", fleet["config"], "--format", "jsonl", "-o", str(out),
            timeout=120)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == POSTS * len(SITES)
    assert {r["portal"] for r in rows} == set(SITES)
    assert list(rows[0])[0] == "portal"
    only = tmp_path / "beta.csv"
    run_cli("export", "--site", "beta", "--config", fleet["config"], "--format", "csv", "-o", str(only),
            timeout=120)
    assert only.read_text(encoding="utf-8-sig").splitlines()[0].startswith("portal,id,")
    # no archive of the config may be written into (its warc/ here)
    inside = fleet["tmp"] / "archive-gamma" / "warc" / "x.csv"
    proc = run_cli("export", "--all", "--config", fleet["config"], "--format", "csv", "-o", str(inside),
                   check=False, timeout=120)
    assert proc.returncode != 0 and not inside.exists() and "Traceback" not in proc.stderr


def test_search_all_merges_every_portal(fleet, scheduled):
    out = run_cli("search", "--all", "--config", fleet["config"], "--format", "json", "--limit", "60",
                  "--", "Hải Phòng", timeout=120).stdout
    hits = json.loads(out)
    assert {h["portal"] for h in hits} == set(SITES), [h["portal"] for h in hits]
    one = json.loads(run_cli("search", "--site", "beta", "--config", fleet["config"], "--format", "json",
                             "--limit", "60", "--", "Hải Phòng", timeout=120).stdout)
    beta = [h["url"] for h in hits if h["portal"] == "beta"]
    assert beta and set(beta) <= {h["url"] for h in one}
    # the merged order is the single-archive order: letters as typed first, then bm25
    keys = [(not h["exact_letters"], h["score"]) for h in hits]
    assert keys == sorted(keys)


def test_serve_all_answers_a_cross_portal_query(fleet, scheduled):
    import sqlite3

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "serve", "--all", "--config", fleet["config"],
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_memory/articles_per_portal.json?_shape=array",
                                            timeout=5) as r:
                    rows = json.load(r)
                break
            except OSError:
                assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
                assert time.monotonic() < deadline, "serve --all did not answer within 60 s"
                time.sleep(0.3)
        want = {}
        for name in SITES:
            conn = sqlite3.connect(fleet["tmp"] / f"archive-{name}" / "archive.sqlite")
            want[name] = conn.execute("SELECT count(*), min(published_at), max(published_at) "
                                      "FROM articles").fetchone()
            conn.close()
        assert {r["portal"]: (r["articles"], r["first"], r["last"]) for r in rows} == want
        # each portal is its own database too, named after its site
        with urllib.request.urlopen(f"{base}/gamma/articles.json?_shape=array&_size=1", timeout=10) as r:
            assert len(json.load(r)) == 1
        title = rows and json.load(urllib.request.urlopen(
            f"{base}/beta/articles.json?_shape=array&_size=1", timeout=10))[0]["title"]
        q = urllib.parse.urlencode({"text": title, "_shape": "array"})
        with urllib.request.urlopen(f"{base}/_memory/titles_across_portals.json?{q}", timeout=10) as r:
            found = json.load(r)
        assert any(f["portal"] == "beta" and f["title"] == title for f in found)
    finally:
        proc.terminate()
        proc.wait(timeout=20)
