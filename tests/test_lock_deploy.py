"""The scheduling files in deploy/ work as written: the crontab command crawls
(quietly, exit 0) and a concurrent second one exits 75; the systemd service and
timer pass ``systemd-analyze verify`` and agree with the crontab line."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_incremental_kit import FAST, DayReplica, connect, free_port, last_crawl

from archive.layout import ArchiveLayout
from archive.lock import CrawlLock

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
VENV_CLI = "/opt/portal-archive/.venv/bin/portal-archive"
ARCHIVE = "/var/lib/portal-archive/archive"


def cron_command() -> str:
    lines = [ln for ln in (DEPLOY / "crontab.example").read_text().splitlines()
             if ln.strip() and not ln.lstrip().startswith("#")
             and not re.match(r"[A-Z_]+=", ln)]  # MAILTO=…
    assert len(lines) == 1
    fields = lines[0].split(None, 5)
    assert len(fields) == 6 and fields[:5] == ["30", "2", "*", "*", "*"]
    return fields[5]


def unit_value(name: str, key: str) -> str:
    for line in (DEPLOY / name).read_text().splitlines():
        if line.startswith(f"{key}="):
            return line.split("=", 1)[1]
    raise AssertionError(f"{key} not in {name}")


def test_service_runs_the_crontab_command_and_accepts_3_and_75():
    assert unit_value("portal-archive-crawl.service", "ExecStart") == cron_command()
    assert set(unit_value("portal-archive-crawl.service", "SuccessExitStatus").split()) == {"3", "75"}
    assert unit_value("portal-archive-crawl.timer", "Unit") == "portal-archive-crawl.service"
    assert unit_value("portal-archive-crawl.service", "KillSignal") == "SIGTERM"
    # a failed night starts the reporting unit, with the failed unit as its instance
    assert unit_value("portal-archive-crawl.service", "OnFailure") == "portal-archive-failure@%n.service"
    assert (DEPLOY / "portal-archive-failure@.service").is_file()
    assert "MAILTO=" in (DEPLOY / "crontab.example").read_text()


@pytest.mark.slow  # runs systemd-analyze
def test_systemd_units_verify(tmp_path):
    assert shutil.which("systemd-analyze"), "systemd-analyze is missing: run .ci/install-system-packages"
    cli = Path(sys.executable).with_name("portal-archive")
    names = {"portal-archive-crawl.service": "portal-archive-crawl.service",
             "portal-archive-crawl.timer": "portal-archive-crawl.timer",
             # a template is verified as the instance OnFailure= starts
             "portal-archive-failure@.service": "portal-archive-failure@portal-archive-crawl.service.service"}
    for name, target in names.items():
        text = (DEPLOY / name).read_text().replace(VENV_CLI, str(cli))
        (tmp_path / target).write_text(text)
    proc = subprocess.run(["systemd-analyze", "verify", *(str(tmp_path / t) for t in names.values())],
                          capture_output=True, text=True)
    problems = [ln for ln in (proc.stdout + proc.stderr).splitlines()
                if "portal-archive-crawl" in ln]
    assert proc.returncode == 0 and not problems, proc.stdout + proc.stderr


@pytest.mark.slow
def test_crontab_command_as_written(tmp_path):
    """The cron line with this machine's paths (and the replica as the start URL)."""
    root = tmp_path / "archive"
    cli = Path(sys.executable).with_name("portal-archive")
    command = cron_command().replace(VENV_CLI, str(cli)).replace(ARCHIVE, str(root))
    with DayReplica(free_port(), 40, 9, 0) as replica:
        argv = shlex.split(command) + ["--start-url", replica.url, *FAST]
        proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0 and proc.stdout == "" and proc.stderr == "", proc.stderr[-2000:]
        assert last_crawl(connect(root))["status"] == "finished"
        # the next night while this one still runs: one line, exit 75, nothing touched
        with CrawlLock(ArchiveLayout(root)):
            proc = subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        assert proc.returncode == 75 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert sorted(p.name for p in (root / "logs").glob("crawl-*.json")) == ["crawl-00001.json"]
    assert list((root / "logs").glob("crawl-*.log"))
