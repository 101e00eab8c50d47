"""Shared fixtures: one crawled replica archive for the whole session.

Whole crawls run as a subprocess of the real CLI (Twisted's reactor cannot
restart inside one process).
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest
from clirun import E2E_POSTS, run_cli


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory) -> Path:
    """A 300-post replica (default seed) crawled by ``portal-archive demo``."""
    root = tmp_path_factory.mktemp("demo") / "archive"
    proc = run_cli("demo", "--archive", str(root), "--posts", str(E2E_POSTS))
    (root / "demo-stdout.txt").write_text(proc.stdout)
    return root


@pytest.fixture(scope="session")
def demo_db(demo_archive) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{demo_archive / 'archive.sqlite'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def demo_base_url(demo_db) -> str:
    return demo_db.execute("SELECT start_url FROM crawls ORDER BY id LIMIT 1").fetchone()[0].rstrip("/")


USERNS_COMMAND = ("unshare --user --map-root-user --net --mount sh -c "
                  "'ip link set lo up && .venv/bin/python -m pytest -q ...'")


def require_root(what: str) -> None:
    """Fail (never skip) a test that needs root when the suite runs as another user:
    the message names the namespace command that gives a developer the same powers
    (port 80 on loopback, tmpfs and bind mounts) without being root."""
    if os.geteuid() != 0:
        pytest.fail(f"{what} needs root (or a user namespace): run the suite as root, or as "
                    f"yourself in user+network+mount namespaces: {USERNS_COMMAND}", pytrace=False)


# -- the quick subset starts no process -----------------------------------------------
# The project's rule: a test that runs a crawl or any other process is marked slow.
# Checked, not trusted: an audit hook sees every process this interpreter starts,
# and a test without the mark that starts one (in set-up, call or tear-down) fails.
_SPAWN_EVENTS = {"subprocess.Popen", "os.system", "os.posix_spawn", "os.spawn", "os.exec", "os.fork",
                 "os.forkpty"}
_spawns: list[str] | None = None


def _audit(event: str, args: tuple) -> None:
    if _spawns is not None and event in _SPAWN_EVENTS:
        what = args[1] if event == "subprocess.Popen" else args[:2]
        _spawns.append(f"{event}: {what!r}"[:300])


sys.addaudithook(_audit)


def _quick_phase(item):
    global _spawns
    if item.get_closest_marker("slow") is not None:
        return (yield)
    _spawns = []
    try:
        result = yield
    finally:
        spawned, _spawns = _spawns, None
    if spawned:
        pytest.fail("a test that starts a process is marked @pytest.mark.slow (tests/conftest.py); "
                    f"this one started: {spawned[0]}", pytrace=False)
    return result


pytest_runtest_setup = pytest.hookimpl(wrapper=True)(_quick_phase)
pytest_runtest_call = pytest.hookimpl(wrapper=True)(_quick_phase)
pytest_runtest_teardown = pytest.hookimpl(wrapper=True)(_quick_phase)


# -- no test skips ----------------------------------------------------------------------
# A skipped check is a check nobody sees fail: a missing tool or package is an error
# (system packages come from .ci/install-system-packages, Python ones from the test
# extras). Turned into a failure here whatever raised it; strict xfails still report.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = (f"{item.nodeid}: skipped ({reason}) — the suite never skips: install what it "
                           "needs (.ci/install-system-packages, pip install -e '.[test]') or fix the test")
    return report
