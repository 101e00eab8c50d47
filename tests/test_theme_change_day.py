"""`replica --theme-change-day D`: the portal moves from its classic theme to a block
theme on day D. Nightly `--full` crawls of days 0..D through `portal-archive crawl`:
parse health is measured every night, the crawl on day D archives the new markup,
and since the parser reads the block theme no field's coverage drops, so there is no
drift alarm (exit 0, not 4) before or on day D; `reindex` then gives the rows of the
new theme's truth."""

from __future__ import annotations

import json
import sqlite3

import pytest
from clirun import run_cli
from fidelity_crawl import FAST

from crawler.replica_process import ReplicaProcess
from replica.fidelity import compare
from replica.style import SiteStyle
from replica.truth import iter_truth

pytestmark = pytest.mark.slow

POSTS, SEED, CHANGE = 60, 5, 2


@pytest.fixture(scope="module")
def nights(tmp_path_factory):
    archive = tmp_path_factory.mktemp("theme-change") / "a"
    out = []
    for day in range(CHANGE + 1):
        args = ("--variety", "--day", str(day), "--theme-change-day", str(CHANGE))
        with ReplicaProcess(POSTS, SEED, extra_args=args) as replica:
            proc = run_cli("crawl", "--archive", str(archive), "--start-url", replica.url, "--full",
                           *FAST, check=False)
            base = replica.url.rstrip("/")
        out.append((day, proc, base))
    return archive, out


def test_parse_health_every_night_and_no_false_alarm(nights):
    archive, runs = nights
    for day, proc, _ in runs:
        assert proc.returncode == 0, (day, proc.returncode, proc.stderr[-1500:])
        assert "drift" not in (proc.stdout + proc.stderr).lower(), day
    conn = sqlite3.connect(archive / "archive.sqlite")
    per_crawl = dict(conn.execute("SELECT crawl_id, count(*) FROM parse_health GROUP BY crawl_id"))
    assert len(per_crawl) == CHANGE + 1 and all(n >= 5 for n in per_crawl.values())
    # every night fetched the post pages again (--full): the day-D crawl holds the new markup
    for (crawl_id,) in conn.execute("SELECT id FROM crawls"):
        pages = conn.execute("SELECT count(*) FROM captures WHERE crawl_id=? AND url LIKE '%.html'"
                             " AND status=200", (crawl_id,)).fetchone()[0]
        assert pages >= POSTS * 0.9, crawl_id


def test_reindex_after_the_change_equals_the_new_truth(nights, tmp_path):
    archive, runs = nights
    base = runs[-1][2]
    run_cli("reindex", "--archive", str(archive), "--db", str(tmp_path / "re.sqlite"))
    truth = list(iter_truth(POSTS, SEED, base, day=CHANGE, variety=True,
                            style=SiteStyle(theme_change_day=CHANGE)))
    shares, diffs = compare(truth, sqlite3.connect(tmp_path / "re.sqlite"))
    low = {f: (e, t) for f, (e, t) in shares.items() if e < 0.99 * t}
    assert not low, (low, [d for d in diffs if d[1] in low][:3])
    # and the crawl-built rows too: a row whose versioned content did not change still takes
    # the new theme's date line (published_raw is outside content_digest)
    shares, diffs = compare(truth, sqlite3.connect(archive / "archive.sqlite"))
    low = {f: (e, t) for f, (e, t) in shares.items() if e < 0.99 * t}
    assert not low, (low, [d for d in diffs if d[1] in low][:3])
    assert all(len(t["published_raw"]) == 10 for t in truth)      # the block theme's date display
    assert json.dumps(truth, ensure_ascii=False)
