"""The drift alarm end to end: `replica --theme-change-day D` moves the portal from its
classic theme to a magazine theme (modelled on tagDiv's Newspaper) on day D, with the
REST API refused and no JSON-LD, so nothing machine-readable masks what the markup lost:
the source lines leave the content for the theme's own "Source" box, and categories and
tags lose their ``rel``. The archivist's loop, through `portal-archive` subprocesses:

- nightly incremental crawls (what cron runs; the first one reads every post) of days
  0..D-1 exit 0 and say nothing of drift;
- the crawl of day D exits 4 and names the field (source); `status` names it too;
- the archivist writes `<archive>/parser-profile.toml` (no Python edited) and runs
  `reindex`: the rows equal the truth of day D, and the day-D crawl's parse health no
  longer shows drift;
- a later crawl reads the same profile: exit 0, rows still equal to the truth.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from clirun import run_cli
from fidelity_crawl import FAST
from reindex_compare import assert_rebuild_and_import_match

from archive.crawl.parse_health import MIN_JUDGED
from crawler.replica_process import ReplicaProcess
from replica.fidelity import compare
from replica.style import SiteStyle
from replica.truth import iter_truth

pytestmark = pytest.mark.slow

POSTS, SEED, CHANGE = 60, 5, 2
SETUP = ("--rest", "403", "--seo", "og")
# nightly incremental crawls that re-check every post (conditional GETs: an unchanged page
# costs a 304, a page the new theme changed is a 200). With the default 90-day rotation a
# 60-post replica adds 2 posts a night, too few to judge (MIN_JUDGED); the real portal adds
# tens, which the rule judges on the night of the change
NIGHTLY = ("-s", "PORTAL_REVISIT_PERIOD_DAYS=1")     # no REST API, no JSON-LD: the markup is all there is
PROFILE = """\
# the magazine theme (tagDiv Newspaper): what it prints where
[selectors]
source = [".td-post-source-via .td-post-small-box a"]
categories = ["ul.td-category a"]
tags = ["ul.td-tags a"]
"""


def _crawl(archive, day: int, port: int = 0):
    args = ("--variety", "--day", str(day), "--theme-change-day", str(CHANGE), *SETUP)
    with ReplicaProcess(POSTS, SEED, extra_args=args, port=port) as replica:
        proc = run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, *NIGHTLY, *FAST,
                       check=False)
        return proc, replica.url.rstrip("/")


def _truth(base: str, day: int) -> list[dict]:
    style = SiteStyle(rest="403", seo="og", theme_change_day=CHANGE)
    return list(iter_truth(POSTS, SEED, base, day=day, variety=True, style=style))


def _low(truth, db) -> dict:
    conn = sqlite3.connect(db)
    try:
        shares, diffs = compare(truth, conn)
    finally:
        conn.close()
    low = {f: (e, t) for f, (e, t) in shares.items() if e < 0.99 * t}
    return {"low": low, "examples": [d for d in diffs if d[1] in low][:3]}


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    archive = tmp_path_factory.mktemp("theme-change") / "a"
    runs = []
    port = 0
    for day in range(CHANGE + 1):
        proc, base = _crawl(archive, day, port)
        port = int(base.rsplit(":", 1)[1])      # the same address every night (one site)
        runs.append((day, proc, base))
    return archive, runs


def test_no_alarm_before_the_change_and_exit_4_naming_the_field_on_day_d(nights):
    archive, runs = nights
    for day, proc, _ in runs[:-1]:
        assert proc.returncode == 0, (day, proc.returncode, proc.stderr[-1500:])
        assert "drift" not in (proc.stdout + proc.stderr).lower(), day
    day, proc, _ = runs[-1]
    assert proc.returncode == 4, (proc.returncode, proc.stderr[-1500:])
    warning = [line for line in proc.stderr.splitlines() if "parse drift" in line]
    assert len(warning) == 1 and "source" in warning[0], proc.stderr[-1500:]
    assert "parser-profile.toml" in warning[0] and "reindex" in warning[0]
    status = run_cli("status", "--archive", str(archive)).stdout
    assert any("parse drift" in line and "source" in line for line in status.splitlines()), status
    # every night judged (at least MIN_JUDGED articles parsed; the incremental ones fewer
    # than the first crawl's), and the day-D crawl holds the new markup
    conn = sqlite3.connect(archive / "archive.sqlite")
    judged = dict(conn.execute("SELECT crawl_id, max(articles) FROM parse_health GROUP BY crawl_id"))
    conn.close()
    assert len(judged) == CHANGE + 1 and min(judged.values()) >= MIN_JUDGED, judged
    print("articles parsed per night:", judged)


def test_rebuild_and_import_of_the_nights_give_their_rows(nights, tmp_path):
    """Across the theme change (a theme the parser does not fully know): reindex and
    import give the rows the crawls wrote (tests/reindex_compare.py). Before the
    profile test below, which changes the archive."""
    counts = assert_rebuild_and_import_match(nights[0], tmp_path)
    assert counts["articles"] >= POSTS * 0.9


def test_profile_then_reindex_gives_the_truth_and_the_next_crawl_keeps_it(nights):
    archive, runs = nights
    base = runs[-1][2]
    truth = _truth(base, CHANGE)
    before = _low(truth, archive / "archive.sqlite")["low"]
    assert {"source", "categories", "tags"} <= set(before), before     # what the theme change cost
    (archive / "parser-profile.toml").write_text(PROFILE, encoding="utf-8")
    run_cli("reindex", "--archive", str(archive))
    assert _low(truth, archive / "archive.sqlite") == {"low": {}, "examples": []}
    status = run_cli("status", "--archive", str(archive)).stdout
    assert "parse drift" not in status
    assert "parser profile: " + str(archive / "parser-profile.toml") + " (source, categories, tags)" in status
    # verify --deep parses the pages again with the same profile, multi-page posts assembled
    # from all their pages as the rebuild does: every row is proven
    conn = sqlite3.connect(archive / "archive.sqlite")
    assert conn.execute("SELECT count(*) FROM articles WHERE pages > 1").fetchone()[0] > 0
    conn.close()
    proc = run_cli("verify", "--archive", str(archive), "--deep", check=False)
    assert proc.returncode == 0 and proc.stdout.splitlines()[-1].endswith(": sound"), proc.stdout[-2000:]
    assert len(proc.stdout.splitlines()) == 1, proc.stdout[-2000:]
    # the next night's crawl reads the same profile: no alarm, rows still the truth
    proc, base2 = _crawl(archive, CHANGE + 1, int(base.rsplit(":", 1)[1]))
    assert proc.returncode == 0, (proc.returncode, proc.stderr[-1500:])
    assert base2 == base
    conn = sqlite3.connect(archive / "archive.sqlite")
    stats = json.loads(conn.execute("SELECT stats_json FROM crawls ORDER BY id DESC LIMIT 1").fetchone()[0])
    conn.close()
    assert stats["parser/profile"] == "sha256:" + hashlib.sha256(PROFILE.encode()).hexdigest()
    assert _low(_truth(base, CHANGE + 1), archive / "archive.sqlite") == {"low": {}, "examples": []}


def test_a_broken_profile_stops_the_crawl_before_any_fetch(tmp_path):
    bad = tmp_path / "a"
    bad.mkdir()
    (bad / "parser-profile.toml").write_text("[selectors]\nsource = ['div[']\n", encoding="utf-8")
    proc = run_cli("crawl", "--archive", str(bad), "--start-url", "http://127.0.0.1:9/", check=False)
    assert proc.returncode == 1, proc.stderr
    line = proc.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: {bad / 'parser-profile.toml'}: source: 'div[' is not a CSS selector"), line
    assert not list((bad / "warc").glob("*.warc.gz*"))
