"""The README's demo command run again on the same archive is an incremental crawl:
the replica comes back on the port the archive remembers (its first crawl's start
URL), so nothing is refused, nothing re-archived as changed: 0 errors, 0 new
versions. If another program holds that port, the replica moves and the old
origin is given as an alias: still the same URLs."""

from __future__ import annotations

import shutil
import socket
import sqlite3
from urllib.parse import urlsplit

import pytest
from clirun import run_cli

pytestmark = pytest.mark.slow


def counts(root) -> dict:
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        last = conn.execute("SELECT status, exit_code FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        return {"articles": conn.execute("SELECT count(*) FROM articles").fetchone()[0],
                "versions": conn.execute("SELECT count(*) FROM article_versions").fetchone()[0],
                "origins": conn.execute(
                    "SELECT count(DISTINCT substr(url, 1, instr(substr(url, 8), '/') + 7))"
                                        " FROM articles").fetchone()[0],
                "last": tuple(last)}
    finally:
        conn.close()


def first_port(root) -> int:
    conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
    try:
        return urlsplit(conn.execute("SELECT start_url FROM crawls ORDER BY id LIMIT 1").fetchone()[0]).port
    finally:
        conn.close()


def rerun(root) -> None:
    before = counts(root)
    proc = run_cli("demo", "--archive", str(root), check=False)  # the README's command
    assert proc.returncode == 0, proc.stdout + proc.stderr[-2000:]
    assert "errors:          0" in proc.stdout, proc.stdout
    after = counts(root)
    assert after["last"] == ("finished", 0)
    assert (after["articles"], after["versions"], after["origins"]) == \
        (before["articles"], before["versions"], 1), (before, after)


def test_the_demo_twice_is_incremental(demo_archive, tmp_path):
    root = tmp_path / "archive"
    shutil.copytree(demo_archive, root)
    port = first_port(root)
    rerun(root)
    assert first_port(root) == port
    with socket.socket() as busy:  # another program took the port since
        busy.bind(("127.0.0.1", port))
        busy.listen()
        rerun(root)
