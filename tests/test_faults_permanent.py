"""Permanent faults: each failing post becomes one ``errors`` row with its URL, kind and reason.

The replica fails the chosen share of URLs on every attempt (``fails=1000``).
Which URLs fail, and how, is a pure function of the fault seed
(``replica.faults.Faults.kind_for``), so the test knows the answer for each
post; it picks a fault seed under which the discovery URLs (home, sitemaps,
feed) work, so every post is at least discovered.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from clirun import run_cli
from faultnet import crawl, crawl_log, jsonl, open_db, replica
from reindex_compare import assert_rebuild_and_import_match

from replica.faults import Faults

pytestmark = pytest.mark.slow

POSTS = 40
RATES = "500=0.08,reset=0.06,hang=0.05,429=0.06,503=0.06,drip=0.04"
DISCOVERY = ("/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/feed/")
EXPECTED_KINDS = {
    "500": {"http-500"},
    "429": {"http-429"},
    "503": {"http-503"},
    "reset": {"connection", "dataloss", "ResponseDataLossError", "ResponseFailed"},
    "hang": {"timeout", "DownloadTimeoutError", "TimeoutError"},
}


def _fault_seed() -> int:
    for seed in range(1, 500):
        faults = Faults.parse(RATES, seed)
        if all(faults.kind_for(p) is None for p in DISCOVERY):
            return seed
    raise AssertionError("no fault seed leaves discovery intact")


@pytest.fixture(scope="module")
def permanent(tmp_path_factory):
    seed = _fault_seed()
    spec = f"{RATES},fails=1000,seed={seed},hang_s=6,drip_s=1,retry_after=0"
    archive = tmp_path_factory.mktemp("permanent") / "archive"
    with replica(POSTS, spec) as site:
        base = site.url.rstrip("/").replace(":80", "")
        proc = crawl(archive, site.url, "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1",
                     "PORTAL_RETRY_AFTER_TIMES=2", "PORTAL_RETRY_AFTER_BASE=0.05",
                     "PORTAL_RETRY_AFTER_MAX=0.2")
    truth = jsonl(run_cli("replica", "truth", "--posts", str(POSTS), "--base-url", base).stdout)
    return {"archive": archive, "proc": proc, "truth": truth, "faults": Faults.parse(spec, seed)}


def test_exit_code_3_and_no_traceback(permanent):
    proc = permanent["proc"]
    assert proc.returncode == 3, proc.stdout + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr + crawl_log(permanent["archive"])


def test_each_failing_post_has_one_error_row_and_no_article(permanent):
    faults: Faults = permanent["faults"]
    with open_db(permanent["archive"]) as db:
        errors: dict[str, list] = {}
        for row in db.execute("SELECT url, kind, message FROM errors"):
            errors.setdefault(row["url"], []).append(row)
        articles = {r[0] for r in db.execute("SELECT wp_post_id FROM articles")}
    failing = 0
    for t in permanent["truth"]:
        kind = faults.kind_for(urlsplit(t["url"]).path)
        if kind in EXPECTED_KINDS:
            failing += 1
            rows = errors.get(t["url"], [])
            assert len(rows) == 1, (t["url"], kind, [dict(r) for r in rows])
            assert rows[0]["kind"] in EXPECTED_KINDS[kind], (kind, dict(rows[0]))
            assert rows[0]["message"]
            assert t["wp_post_id"] not in articles
        else:  # healthy or a slow drip: archived
            assert t["wp_post_id"] in articles, (t["url"], kind)
            assert t["url"] not in errors, (t["url"], [dict(r) for r in errors[t["url"]]])
    assert failing >= 5, "the fault shares should hit several posts"


def test_rebuild_and_import_give_the_crawls_rows(permanent, tmp_path):
    """Parts (REST JSON, later pages) that failed on every attempt: the crawl stores the
    post when it gives up, the rebuild at the end of the crawl's files — the same rows
    (archive.warc.assemble.settles; tests/reindex_compare.py)."""
    counts = assert_rebuild_and_import_match(permanent["archive"], tmp_path)
    assert counts["articles"] >= POSTS // 2 and counts["captures"] > POSTS
