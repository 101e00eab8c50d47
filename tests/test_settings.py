"""Settings: declared once with their types (crawler/settings.py), read without
fallbacks, and ``-s NAME=VALUE`` checked before anything runs, on both routes
(``portal-archive crawl`` and ``scrapy crawl portal``)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import invoke_cli

from archive.layout import ArchiveLayout
from archive.lock import CrawlLock
from crawler.settings import BY_NAME, DECLARED
from crawler.settings_check import SettingError, validate_overrides

REPO = Path(__file__).resolve().parent.parent
CODE = [p for d in ("archive", "crawler", "replica") for p in (REPO / d).rglob("*.py")]
# environment variables, not Scrapy settings
ENVIRONMENT = {"PORTAL_ARCHIVE_PYWB_VENV", "PORTAL_ARCHIVE_CONFIG", "PORTAL_EGG_PATH",
               "PORTAL_ARCHIVE_CHROMIUM"}


def _sources():
    for path in CODE:
        yield path, path.read_text(encoding="utf-8")


def test_every_portal_setting_read_anywhere_is_declared():
    used = set()
    for path, text in _sources():
        if path.name == "settings.py" and path.parent.name == "crawler":
            continue
        used |= set(re.findall(r"""["'](PORTAL_[A-Z0-9_]+)["']""", text))
    undeclared = sorted(used - set(BY_NAME) - ENVIRONMENT)
    assert not undeclared, f"read but not declared in crawler/settings.py: {undeclared}"


def test_settings_are_read_without_fallbacks():
    """A fallback in a get call would be a second default, differing in time."""
    found = []
    for path, text in _sources():
        for m in re.finditer(r"""\.get(?:int|float|bool|list|dict)?\(\s*["']([A-Z][A-Z0-9_]+)["']\s*,""", text):
            if m.group(1) not in ENVIRONMENT and "environ" not in text[max(0, m.start() - 20):m.start()]:
                found.append(f"{path.relative_to(REPO)}: {m.group(0)}")
    assert not found, found


def test_every_declaration_is_typed_and_its_default_fits():
    for s in DECLARED:
        assert s.type in (bool, int, float, str, list, dict), s.name
        if s.default is None:
            assert s.nullable, s.name
            continue
        assert isinstance(s.default, s.type) or (s.type is float and isinstance(s.default, int)), s.name
        if s.min is not None:
            assert s.default >= s.min, s.name
        if s.max is not None:
            assert s.default <= s.max, s.name
    # the four switches that were read but never declared
    for name in ("PORTAL_TRAP_GUARD", "PORTAL_RETRY_AFTER_ENABLED", "PORTAL_CRAWL_DELAY_ENABLED",
                 "PORTAL_EMPTY_BODY_IS_ERROR"):
        assert BY_NAME[name].type is bool and BY_NAME[name].default is True


@pytest.mark.parametrize("name, value, words", [
    ("DOWNLOAD_DELAY", "abc", ["DOWNLOAD_DELAY", "not a number"]),
    ("PORTAL_FULL", "maybe", ["PORTAL_FULL", "True or False"]),
    ("PORTAL_TYPO", "1", ["unknown setting PORTAL_TYPO", "did you mean"]),
    ("CONCURRENT_REQUESTS", "-3", ["CONCURRENT_REQUESTS", "≥ 1"]),
    ("PORTAL_REVISIT_RECENT_DAYS", "-1", ["PORTAL_REVISIT_RECENT_DAYS", "≥ 0"]),
    ("PORTAL_WARC_COMPRESS_LEVEL", "12", ["PORTAL_WARC_COMPRESS_LEVEL", "≤ 9"]),
    ("DOWNLOAD_DELAY", "nan", ["DOWNLOAD_DELAY", "finite"]),
    ("DOWNLOD_DELAY", "0", ["unknown setting DOWNLOD_DELAY", "DOWNLOAD_DELAY"]),
    ("RETRY_TIMES", "2.5", ["RETRY_TIMES", "whole number"]),
    ("DEFAULT_REQUEST_HEADERS", "Accept", ["DEFAULT_REQUEST_HEADERS", "JSON object"]),
])
def test_bad_overrides_are_usage_errors_naming_the_setting(name, value, words):
    with pytest.raises(SettingError) as err:
        validate_overrides({name: value})
    assert err.value.exit_code == 2
    for word in words:
        assert word in str(err.value)
    assert "\n" not in str(err.value)


def test_good_overrides_get_their_types():
    got = validate_overrides({
        "PORTAL_FULL": "yes", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
        "PORTAL_RETRY_AFTER_MAX": "2", "LOG_LEVEL": "DEBUG", "CLOSESPIDER_TIMEOUT": "30",
        "DEPTH_LIMIT": "3",               # a Scrapy setting we do not declare: its default's type
        "AUTOTHROTTLE_ENABLED": "False", "DEFAULT_REQUEST_HEADERS": '{"Accept": "*/*"}',
    })
    assert got["PORTAL_FULL"] is True and got["AUTOTHROTTLE_ENABLED"] is False
    assert got["DOWNLOAD_DELAY"] == 0.0 and isinstance(got["DOWNLOAD_DELAY"], float)
    assert got["CONCURRENT_REQUESTS"] == 16 and got["DEPTH_LIMIT"] == 3
    assert got["DEFAULT_REQUEST_HEADERS"] == {"Accept": "*/*"} and got["LOG_LEVEL"] == "DEBUG"


def test_third_party_settings_pass_only_with_their_component():
    with pytest.raises(SettingError):
        validate_overrides({"MEMTRACE_OUT": "x"})
    got = validate_overrides({"EXTENSIONS": '{"bench.memtrace_ext.MemTrace": 500}', "MEMTRACE_OUT": "x"})
    assert got["MEMTRACE_OUT"] == "x"
    with pytest.raises(SettingError):  # a PORTAL_ name is ours: never third-party
        validate_overrides({"EXTENSIONS": "{}", "PORTAL_TYPO": "1"})


@pytest.mark.parametrize("pair", ["DOWNLOAD_DELAY=abc", "PORTAL_FULL=maybe", "PORTAL_TYPO=1",
                                  "CONCURRENT_REQUESTS=-3"])
def test_cli_rejects_a_bad_setting_with_one_line_and_exit_2(tmp_path, pair):
    archive = tmp_path / "a"
    proc = invoke_cli("crawl", "--archive", str(archive), "-s", pair)
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and pair.split("=")[0] in lines[0]
    assert "Traceback" not in proc.stderr and " — " in lines[0]
    assert not archive.exists()  # nothing was created before the check


def _scrapy(*args: str, cwd: Path = REPO):
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "portal", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, SCRAPY_SETTINGS_MODULE="crawler.settings"))


@pytest.mark.slow
def test_scrapy_crawl_checks_settings_the_same_way(tmp_path):
    proc = _scrapy("-s", f"PORTAL_ARCHIVE_DIR={tmp_path / 'a'}", "-s", "PORTAL_TYPO=1")
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert "unknown setting PORTAL_TYPO" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "a").exists()


@pytest.mark.slow
def test_scrapy_crawl_takes_the_crawl_lock(tmp_path):
    """Recovery of a killed crawl assumes the lock: scrapy crawl must not run beside a crawl."""
    root = tmp_path / "a"
    layout = ArchiveLayout(root).create()
    with CrawlLock(layout):  # this process stands for a running crawl
        proc = _scrapy("-a", "start_url=http://127.0.0.1:9/", "-s", f"PORTAL_ARCHIVE_DIR={root}")
    assert proc.returncode == 75, proc.stderr[-2000:]
    assert f"pid {os.getpid()}" in proc.stderr and "Traceback" not in proc.stderr
    assert not layout.db.exists()  # refused before opening anything
