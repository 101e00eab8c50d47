"""Run one crawl in this process: settings in, exit code out.

Twisted's reactor cannot restart inside a process, so one process runs one
crawl; tests run whole crawls through the CLI as a subprocess.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone

from archive import __version__
from archive.crawl import parse_health
from archive.crawl.session import record_exit_code
from archive.layout import ArchiveLayout
from archive.lock import CrawlLock

EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_SOME_FAILED, EXIT_LOCKED = 0, 1, 2, 3, 75
EXIT_PARSE_DRIFT = 4  # finished, but the articles parsed far worse than in recent crawls
EXIT_SIGNALLED = 130  # stopped by SIGINT/SIGTERM: cleanly closed, resumed by the next run


def parse_overrides(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs → dict (as ``scrapy crawl -s`` does)."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise ValueError(f"invalid setting {pair!r}: use -s NAME=VALUE")
        out[name.strip()] = value
    return out


def build_settings(archive_dir: str | None = None, start_url: str | None = None,
                   overrides: dict | None = None):
    """Project settings, then CLI options, then ``-s`` overrides (checked first:
    ``crawler.settings_check.SettingError``, exit code 2, on a bad one)."""
    from scrapy.settings import Settings

    from crawler.settings_check import validate_overrides

    overrides = validate_overrides(dict(overrides or {}))
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    if archive_dir:
        settings.set("PORTAL_ARCHIVE_DIR", archive_dir, priority="cmdline")
    if start_url:
        settings.set("PORTAL_START_URL", start_url, priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    if "USER_AGENT" not in (overrides or {}):
        contact = settings.get("PORTAL_CONTACT_URL")
        settings.set("USER_AGENT", f"portal-archive/{__version__} (+{contact}; archival crawler)",
                     priority="cmdline")
    if sys.stderr.isatty() and "PORTAL_PROGRESS" not in (overrides or {}):
        settings.set("PORTAL_PROGRESS", True, priority="cmdline")
    layout = ArchiveLayout(settings.get("PORTAL_ARCHIVE_DIR"))
    settings.set("PORTAL_ARCHIVE_DIR", str(layout.root), priority="cmdline")
    if not settings.get("LOG_FILE") and not (overrides or {}).get("LOG_FILE"):
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        settings.set("LOG_FILE", str(layout.logs_dir / f"crawl-{stamp}.log"), priority="cmdline")
    return settings


@dataclass
class CrawlResult:
    crawl_id: int | None
    status: str
    exit_code: int
    captures: int
    articles: int
    errors: int
    message: str | None = None  # why a failed crawl failed, with what to do
    drift: str | None = None    # the parse-drift warning (archive.crawl.parse_health), if any


def run_crawl(settings) -> CrawlResult:
    """Run the ``portal`` spider with these settings; block until it ends.

    Holds the archive's crawl lock for the whole run: a second crawl of the
    same archive raises ``ArchiveLocked`` (exit code 75).
    """
    from scrapy.crawler import CrawlerProcess

    # a full disk must not turn every log line into a traceback on stderr
    logging.raiseExceptions = False
    layout = ArchiveLayout(settings.get("PORTAL_ARCHIVE_DIR")).create()
    with CrawlLock(layout):
        process = CrawlerProcess(settings)
        crawler = process.create_crawler("portal")
        process.crawl(crawler)
        process.start()
        result = _result(layout)
        result.message = _failure_message(crawler)
        if result.crawl_id is not None:
            try:
                record_exit_code(layout, result.crawl_id, result.exit_code)
            except sqlite3.Error as exc:  # disk full: the exit code still tells
                logging.getLogger(__name__).error("cannot record the exit code: %s", exc)
        return result


def _failure_message(crawler) -> str | None:
    from .archive_extension import ArchiveExtension

    for ext in getattr(crawler.extensions, "middlewares", ()):
        if isinstance(ext, ArchiveExtension):
            fatal = getattr(ext.session, "fatal", None)
            if fatal:
                return (f"{fatal} — free space or fix the archive directory, then run again: "
                        "the next crawl resumes where this one stopped")
    return None


def _result(layout: ArchiveLayout) -> CrawlResult:
    conn = sqlite3.connect(layout.db)
    try:
        row = conn.execute("SELECT id, status FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
        if row is None:
            return CrawlResult(None, "failed", EXIT_FATAL, 0, 0, 0)
        crawl_id, status = row
        reason = (json.loads(conn.execute("SELECT stats_json FROM crawls WHERE id=?",
                                          (crawl_id,)).fetchone()[0] or "{}")
                  .get("finish_reason"))
        captures = conn.execute("SELECT count(*) FROM captures WHERE crawl_id=?", (crawl_id,)).fetchone()[0]
        errors = conn.execute(  # broken links of the site are recorded, but are not our failures
            "SELECT count(*) FROM errors WHERE crawl_id=? AND kind != 'broken-link'",
            (crawl_id,)).fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        drift = parse_health.drift_of(conn, crawl_id)
    finally:
        conn.close()
    code = EXIT_OK
    if status not in ("finished", "interrupted"):
        code = EXIT_FATAL
    elif reason == "shutdown":
        code = EXIT_SIGNALLED
    elif errors:
        code = EXIT_SOME_FAILED
    elif drift:
        code = EXIT_PARSE_DRIFT
    return CrawlResult(crawl_id, status, code, captures, articles, errors,
                       drift=parse_health.drift_message(drift) if drift else None)
