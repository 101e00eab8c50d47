"""Rules of the test suite itself, checked on its sources."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOURCES = [p for d in ("tests", "replica", "crawler", "archive", "bench") for p in (REPO / d).rglob("*.py")]
HERE = Path(__file__).name


def _grep(pattern: str) -> list[str]:
    rx = re.compile(pattern)
    return [f"{p.relative_to(REPO)}:{n}" for p in SOURCES if p.name != HERE
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if rx.search(line)]


def test_servers_poll_for_shutdown_often():
    """serve_forever's default 0.5 s poll costs half a second per fixture teardown."""
    calls = _grep(r"serve_forever(?!\w)")
    slow = [c for c in calls if "poll_interval" not in _line(c)]
    assert calls and not slow, slow


def test_no_test_installs_system_packages():
    """System packages come from .ci/install-system-packages only."""
    manager = "ap" + "t"  # spelt in two parts so that this guard does not find itself
    assert not _grep(rf"""["']{manager}(-get)?["']"""), "a test runs the package manager"


def test_root_only_cases_never_skip_silently():
    assert not _grep(r"pytest\.skip\(.*(root|mount|port 80)"), "use conftest.require_root (fails loudly)"


def _line(where: str) -> str:
    path, n = where.rsplit(":", 1)
    lines = (REPO / path).read_text(encoding="utf-8").splitlines()
    return " ".join(lines[int(n) - 1:int(n) + 1])


def test_no_test_skips_or_expects_a_failure_loosely():
    """Skips hide a check (conftest also turns any skip into a failure); an xfail is strict."""
    skip = "sk" + "ip"  # spelt in parts so that this guard does not find itself
    assert not _grep(rf"pytest\.{skip}\(|pytest\.import{skip}|mark\.{skip}(if)?\b"), "a test skips"
    loose = [c for c in _grep(r"mark\.xfail\b") if "strict=True" not in _line(c)]
    assert not loose, f"non-strict xfail: {loose}"


QUICK_CORE = {  # what the quick subset (-m "not slow") must keep checking, and where
    "the parser against the replica's truth": "test_parser_replica.py",
    "schema migrations of an old archive": "test_upgrade.py",
    "search": "test_search.py",
    "crawl's command-line errors": "test_crawl_options.py",
    "settings validation": "test_settings.py",
}


def test_the_quick_subset_keeps_its_core_checks():
    """Speeding the quick subset up must not hollow it out: each of these modules
    keeps tests without the slow mark."""
    import ast

    for what, name in QUICK_CORE.items():
        tree = ast.parse((REPO / "tests" / name).read_text(encoding="utf-8"))
        assert "pytestmark" not in {t.id for n in tree.body if isinstance(n, ast.Assign)
                                    for t in n.targets if isinstance(t, ast.Name)}, name
        quick = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")
                 and "slow" not in " ".join(ast.unparse(d) for d in n.decorator_list)]
        assert quick, f"{name} ({what}) has no quick test"
