"""Run one crawl in this process: settings in, exit code out.

Twisted's reactor cannot restart inside a process, so one process runs one
crawl; tests run whole crawls through the CLI as a subprocess.
"""

from __future__ import annotations

import json
import logging
import signal
import sqlite3
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import urlsplit

from archive import __version__
from archive.crawl import parse_health
from archive.crawl.preflight import check_archive
from archive.crawl.session import record_exit_code
from archive.errors import ArchiveError, from_sqlite_error
from archive.layout import ArchiveLayout
from archive.lock import CrawlLock
from archive.status import article_changes

# The README's exit-code table documents each of these.
EXIT_OK, EXIT_FATAL, EXIT_USAGE, EXIT_SOME_FAILED = 0, 1, 2, 3
EXIT_PARSE_DRIFT = 4  # finished, but the articles parsed far worse than in recent crawls
EXIT_UNREACHABLE = 69  # EX_UNAVAILABLE: not one successful answer from the portal
# 75 (EX_TEMPFAIL, another crawl holds the archive): archive.errors.ArchiveLocked.exit_code
EXIT_SIGNALLED = 130   # stopped by SIGINT (a person): cleanly closed, resumed by the next run
# SIGTERM (systemd stopping the unit, a shutdown) is a clean stop too, and exits EXIT_OK


def validate_start_url(url: str) -> str:
    """An absolute http(s) URL with a host, or ``ValueError`` saying what is wrong."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http:// or https:// URL with a host "
                         "(e.g. https://thanhphohaiphong.gov.vn/)")
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ValueError(f"{url!r} has a bad port ({exc})") from None
    return url.strip()


def contact_warning(settings) -> str | None:
    """The user agent names ``PORTAL_CONTACT_URL`` so that a site's admins can reach who
    crawls them; crawling a real site (not loopback) with the shipped placeholder deserves
    a warning."""
    from archive.ports import is_loopback

    from . import settings as defaults

    host = urlsplit(settings.get("PORTAL_START_URL") or "").hostname or ""
    if settings.get("PORTAL_CONTACT_URL") != defaults.PORTAL_CONTACT_URL or is_loopback(host):
        return None
    return (f"the user agent's contact is the placeholder {defaults.PORTAL_CONTACT_URL} — "
            f"tell {host}'s admins who you are: -s PORTAL_CONTACT_URL=https://your.institution/contact")


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
        settings.set("PORTAL_START_URL", validate_start_url(start_url), priority="cmdline")
    for name, value in (overrides or {}).items():
        settings.set(name, value, priority="cmdline")
    validate_start_url(settings.get("PORTAL_START_URL"))
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
    stopped_by: int | None = None  # the signal that stopped it (SIGTERM, SIGINT)
    changes: dict | None = None    # articles new, changed, unchanged (same or 304), gone

    def line(self) -> str:
        """The crawl's end line."""
        ch = self.changes or {}
        counts = "".join(f"{ch.get(k, 0)} {k}, " for k in ("new", "changed", "unchanged", "gone"))
        return (f"crawl {self.crawl_id} {self.status}: {self.captures} fetches, {counts}"
                f"{self.errors} errors; {self.articles} articles in the archive")


def _crawler_process(settings):
    """Scrapy's ``CrawlerProcess``, remembering which signal stopped it (SIGTERM from
    systemd is a normal stop; SIGINT is a person's Ctrl-C)."""
    from scrapy.crawler import CrawlerProcess

    class _Process(CrawlerProcess):
        stop_signal: int | None = None

        def _signal_shutdown(self, signum, frame):
            if self.stop_signal is None:
                self.stop_signal = signum
            super()._signal_shutdown(signum, frame)

    return _Process(settings)


_EARLY: list[int] = []  # SIGTERM/SIGINT received before Scrapy's handlers were installed


def hold_signals() -> None:
    """From now until Scrapy installs its own handlers, SIGTERM and SIGINT are noted,
    not fatal: a stop asked for while the crawl starts up (imports, the archive opening)
    still closes the crawl cleanly. ``crawl`` calls this first thing."""
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, _frame: _EARLY.append(signum))


def run_crawl(settings) -> CrawlResult:
    """Run the ``portal`` spider with these settings; block until it ends.

    Holds the archive's crawl lock for the whole run: a second crawl of the
    same archive raises ``ArchiveLocked`` (exit code 75). Before the engine
    starts, the archive is opened and checked (``check_archive``); the storage
    session opens when the crawler is built: any failure there raises one
    ``ArchiveError`` within seconds, and nothing is crawled.
    """
    from .archive_extension import ArchiveExtension

    # a full disk must not turn every log line into a traceback on stderr
    logging.raiseExceptions = False
    layout = ArchiveLayout(settings.get("PORTAL_ARCHIVE_DIR")).create()
    with CrawlLock(layout):
        check_archive(layout, min_free=settings.getint("PORTAL_MIN_FREE_SPACE"))
        process = _crawler_process(settings)
        crawler = process.create_crawler("portal")
        hold_signals()
        started = process.crawl(crawler)
        failure = []
        started.addErrback(failure.append)
        if failure:  # the crawler could not be built (the archive did not open, a bad setting)
            opened = ArchiveExtension.of(crawler)
            if opened is not None:  # its storage process must not outlive this: close it
                opened.session.close("failed", {"finish_reason": "start-failed"})
            for sig in (signal.SIGTERM, signal.SIGINT):  # no reactor will act on a held signal
                signal.signal(sig, signal.SIG_DFL if sig == signal.SIGTERM else signal.default_int_handler)
            exc = failure[0].value
            if isinstance(exc, ArchiveError):
                raise exc
            raise ArchiveError(f"the crawl could not start ({type(exc).__name__}: {exc}) — see "
                               f"the crawl log in {layout.logs_dir}") from exc
        ext = ArchiveExtension.of(crawler)
        if _EARLY and ext is not None:  # stopped before it began: close, nothing fetched
            ext.session.close("interrupted", {"finish_reason": "shutdown"})
            stop_signal = _EARLY[0]
        else:
            from twisted.internet import reactor

            # a signal between here and Scrapy's own handlers: pass it on once they exist
            reactor.callWhenRunning(lambda: _EARLY and process._signal_shutdown(_EARLY[0], None))
            process.start()
            stop_signal = process.stop_signal
        crawl_id = ext.session.crawl_id if ext is not None else None
        result = _result(layout, crawl_id, stop_signal)
        result.message = _failure_message(ext) or result.message
        if result.crawl_id is not None:
            try:
                record_exit_code(layout, result.crawl_id, result.exit_code)
            except sqlite3.Error as exc:  # disk full: the exit code still tells
                logging.getLogger(__name__).error("cannot record the exit code: %s", exc)
        return result


def _failure_message(ext) -> str | None:
    fatal = getattr(getattr(ext, "session", None), "fatal", None)
    if fatal:
        fix = "free space or fix the archive directory, then run again" if "storage failed" in fatal \
            else "run again"
        return f"{fatal} — {fix}: the next crawl resumes where this one stopped"
    return None


def _result(layout: ArchiveLayout, crawl_id: int | None, stop_signal: int | None = None) -> CrawlResult:
    """The result of crawl ``crawl_id`` — the one this run created, never an older one."""
    if crawl_id is None:
        return CrawlResult(None, "failed", EXIT_FATAL, 0, 0, 0)
    conn = sqlite3.connect(f"file:{layout.db}?mode=ro", uri=True, timeout=30)
    try:
        row = conn.execute("SELECT status, stats_json FROM crawls WHERE id=?", (crawl_id,)).fetchone()
        if row is None:
            return CrawlResult(crawl_id, "failed", EXIT_FATAL, 0, 0, 0)
        status, stats_json = row
        stats = json.loads(stats_json or "{}")
        reason = stats.get("finish_reason")
        captures = conn.execute("SELECT count(*) FROM captures WHERE crawl_id=?", (crawl_id,)).fetchone()[0]
        answered = conn.execute(  # any answer of the portal but a 5xx, robots.txt aside
            "SELECT count(*) FROM captures WHERE crawl_id=? AND status BETWEEN 200 AND 499"
            " AND url NOT LIKE '%/robots.txt'", (crawl_id,)).fetchone()[0]
        errors = conn.execute(  # broken links of the site are recorded, but are not our failures
            "SELECT count(*) FROM errors WHERE crawl_id=? AND kind != 'broken-link'",
            (crawl_id,)).fetchone()[0]
        articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        new, changed = article_changes(conn, crawl_id)
        drift = parse_health.drift_of(conn, crawl_id)
    except sqlite3.Error as exc:
        raise from_sqlite_error(exc, layout.db) from exc
    finally:
        conn.close()
    code = EXIT_OK
    if status not in ("finished", "interrupted"):
        code = EXIT_FATAL
    elif reason == "shutdown":
        code = EXIT_OK if stop_signal == signal.SIGTERM else EXIT_SIGNALLED
    elif not answered and (errors or not captures):
        code = EXIT_UNREACHABLE
    elif errors:
        code = EXIT_SOME_FAILED
    elif drift:
        code = EXIT_PARSE_DRIFT
    stored = int(stats.get("archive/articles", 0) or 0)
    changes = {"new": new, "changed": changed,
               "unchanged": max(0, stored - new - changed) + int(stats.get("archive/touched", 0) or 0),
               "gone": int(stats.get("archive/gone", 0) or 0)}
    from .middlewares.disk_guard import REASON as DISK_FULL  # (runner runs a crawl: Scrapy is loaded)

    message = None
    if reason == DISK_FULL:  # the disk guard stopped it: say so (the status word is just "failed")
        message = (f"{DISK_FULL}: the archive's disk has less free space than PORTAL_MIN_FREE_SPACE "
                   "— free space, then run again: the next crawl resumes where this one stopped")
    return CrawlResult(crawl_id, status, code, captures, articles, errors, message=message,
                       changes=changes, drift=parse_health.drift_message(drift) if drift else None,
                       stopped_by=stop_signal if reason == "shutdown" else None)
