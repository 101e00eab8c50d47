"""One crawl's hold on an archive: the WARC writer, the database and the crawl row.

Scrapy-free: the crawler's extension drives it, and so can any other fetcher.
Each fetch becomes a WARC record first and a ``captures`` row second, so a row
never points at bytes that were not written.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sqlite3
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

from archive import __version__
from archive.crawl.frontier import Frontier
from archive.crawl.noarchive import exchange_noarchive
from archive.db import open_db, utcnow
from archive.db.store import Store
from archive.errors import ArchiveError, ArchiveLocked
from archive.integrity import fixity
from archive.integrity.recover import recover_archive
from archive.layout import ArchiveLayout
from archive.origins import BadOrigin, Scope, parse_aliases, stored_aliases
from archive.parser.model import Article
from archive.warc import capture_rows, cdxj
from archive.warc.capture_rows import CaptureFacts, Parsed
from archive.warc.dedup import DigestIndex
from archive.warc.exchange import Exchange, RecordRef
from archive.warc.records import payload_digest
from archive.warc.writer import DEFAULT_COMPRESS_LEVEL, DEFAULT_MAX_SIZE, DEFAULT_PREFIX

log = logging.getLogger(__name__)


@dataclass
class SessionOptions:
    warc_max_size: int = DEFAULT_MAX_SIZE
    warc_prefix: str = DEFAULT_PREFIX
    compress_level: int = DEFAULT_COMPRESS_LEVEL
    settings: dict = field(default_factory=dict)  # recorded in warcinfo and the crawls row
    start_url: str | None = None
    aliases: tuple[str, ...] = ()  # OLD=NEW origins of the same site (archive.origins)


class ArchiveSession:
    def __init__(self, root: str | Path, options: SessionOptions | None = None):
        self.layout = ArchiveLayout(root)
        self.options = options or SessionOptions()
        self.conn = None
        self.store: Store | None = None
        self.writer = None
        self.frontier: Frontier | None = None
        self.crawl_id: int | None = None
        self.scope: Scope | None = None
        self.counts = {"captures": 0, "articles": 0, "errors": 0, "revisits": 0,
                       "skips": 0, "noarchive": 0}

    # -- life cycle -----------------------------------------------------------
    def open(self) -> "ArchiveSession":
        from archive.warc.writer import WarcWriter

        self.layout.create()
        self.conn = open_db(self.layout.db)
        self.store = Store(self.conn)
        self.digests = DigestIndex(self.conn)
        self._wait_for_killed_writers()
        lost = self._recover()
        self.frontier = Frontier(self.layout)
        if lost:  # their rows went with the cut: fetch them again
            self.frontier.requeue(lost)
        # we hold the crawl lock: a crawl still marked running was killed
        killed = [r[0] for r in self.conn.execute("SELECT id FROM crawls WHERE status='running'")]
        self.conn.execute("UPDATE crawls SET status='killed' WHERE status='running'")
        self.crawl_id = self.store.start_crawl(self.options.start_url, self.options.settings)
        self._remember_origins()
        for crawl_id in killed:
            self._store_waiting(crawl_id)
        warcinfo = {
            "software": f"portal-archive/{__version__}",
            "hostname": socket.gethostname(),
            "crawl-id": str(self.crawl_id),
            "start-url": self.options.start_url or "",
            "settings": json.dumps(self.options.settings, sort_keys=True, default=str,
                                   ensure_ascii=False),
        }
        self.writer = WarcWriter(
            self.layout.warc_dir,
            prefix=self.options.warc_prefix,
            max_size=self.options.warc_max_size,
            warcinfo=warcinfo,
            compress_level=self.options.compress_level,
            on_close=self._on_warc_closed,
        )
        return self

    def _remember_origins(self) -> None:
        """The site's origins and aliases, remembered for later crawls (table ``origins``)."""
        if not self.options.start_url:
            return
        try:
            scope = Scope.build(self.options.start_url, parse_aliases(self.options.aliases),
                                stored_aliases(self.conn))
        except BadOrigin as exc:
            raise ArchiveError(f"cannot use the start URL or an alias: {exc} — "
                               "check --start-url and --alias") from exc
        self.store.remember_origins(scope.remembered(), self.crawl_id)
        self.scope = scope  # rows store the site's URLs on its primary origin

    def _wait_for_killed_writers(self, timeout: float = 30.0) -> None:
        """A crawl killed with SIGKILL releases the lock at once, but its storage
        process (``crawls.pid``) may still be writing for a moment: let it end
        before the WARC files it had open are recovered."""
        rows = self.conn.execute("SELECT pid FROM crawls WHERE status='running' AND pid IS NOT NULL "
                                 "AND pid != ?", (os.getpid(),)).fetchall()
        deadline = time.monotonic() + timeout
        for (pid,) in rows:
            while _alive(pid):
                if time.monotonic() > deadline:
                    raise ArchiveLocked(
                        f"the storage process (pid {pid}) of a killed crawl is still writing — "
                        "wait for it to end (or stop it) and run again", pid=pid)
                time.sleep(0.05)

    def _recover(self) -> list[str]:
        """Cut back WARCs a killed crawl left open, and forget rows past the cut;
        return the URLs whose captures were forgotten."""
        report = recover_archive(self.layout, self.conn)
        if report:
            log.warning("recovered an interrupted crawl: %s", report)
        return report.urls_lost

    def _on_warc_closed(self, path: Path) -> None:
        """A WARC file closed: add it to the fixity manifest and index it (CDXJ)."""
        for hook in (fixity.on_warc_closed, cdxj.on_warc_closed):
            try:
                hook(self.layout, Path(path))
            except Exception as exc:  # noqa: BLE001 - `verify`/`reindex` can redo both later
                log.error("after closing %s: %s failed: %s", path, hook.__module__, exc)

    def close(self, status: str, stats: dict | None = None, exit_code: int | None = None) -> None:
        """Close the WARC file, the frontier, the crawl row and the database.

        Every step is tried even when an earlier one fails (a full disk): the
        WARC file is closed first, so what was written stays whole; the first
        failure is raised at the end as one ``ArchiveError``.
        """
        merged = dict(stats or {})
        merged.update({f"archive/{k}": v for k, v in self.counts.items()})
        problems: list[str] = []
        for step in (self._close_writer,
                     lambda: self._store_waiting(self.crawl_id) if status != "finished" else None,
                     lambda: self._close_frontier(status),
                     lambda: self._finish(status, merged, exit_code), self._close_conn):
            try:
                step()
            except (OSError, sqlite3.Error, ArchiveError) as exc:
                problems.append(str(exc))
                log.error("closing the archive: %s", exc)
        if problems:
            raise ArchiveError(f"the archive was closed with errors ({problems[0]}) — "
                               "run `portal-archive verify`; the next crawl recovers the rest")

    def _store_waiting(self, crawl_id: int | None) -> None:
        """A crawl that stopped before its end (killed, stopped, out of time or budget)
        leaves the posts that waited for their parts unstored (the spider held them):
        store them from that crawl's captures, as a rebuild from the WARC files does
        (``RowBuilder.store_waiting``); a killed crawl's records written after its last
        row get their rows too. Their pages stay in the frontier: the next crawl
        fetches them again, whole."""
        if crawl_id is None or self.frontier is None or self.store is None:
            return
        from archive.parser.page_parse import PageParser
        from archive.parser.profile import load_archive_profile
        from archive.warc.rows import RowBuilder

        killed = crawl_id != self.crawl_id
        self.frontier.flush()
        queued = {url for url, *_ in self.frontier.queued()}
        if not queued and not killed:
            return
        builder = RowBuilder(self.store, self.layout.warc_dir,
                             PageParser(1, load_archive_profile(self.layout.root)))
        builder.scope = getattr(self, "scope", None)
        with self.store.transaction():
            # a killed crawl may also have written records after its last row
            stored = builder.store_waiting(crawl_id, queued, tail=killed)
        if stored:
            log.info("stored %d posts that crawl %d left waiting for their parts", stored, crawl_id)
            if crawl_id == self.crawl_id:
                self.counts["articles"] += stored

    def _close_writer(self) -> None:
        writer, self.writer = self.writer, None
        if writer is not None:
            writer.close()

    def _close_frontier(self, status: str) -> None:
        frontier, self.frontier = self.frontier, None
        if frontier is not None:
            if status == "finished":
                frontier.clear()  # nothing to resume
            frontier.close()

    def _finish(self, status: str, stats: dict, exit_code: int | None) -> None:
        if self.store is not None and self.crawl_id is not None:
            self.store.finish_crawl(self.crawl_id, status, stats, exit_code)
            self._write_stats_file(status, stats)

    def _close_conn(self) -> None:
        conn, self.conn = self.conn, None
        if conn is not None:
            conn.close()

    def _write_stats_file(self, status: str, stats: dict) -> None:
        write_stats_file(self.layout, self.crawl_id, status, stats)

    # -- recording ------------------------------------------------------------
    def record(self, exchange: Exchange) -> int:
        """Write the exchange to WARC, then its captures row; return the row id.

        A 200 response whose payload is already archived becomes a ``revisit``
        record. The digest row is added only after the record is written, so a
        crash can at worst duplicate a payload, never point at a missing one.
        """
        if self.writer is None or self.store is None:
            raise ArchiveError("archive session is not open — call open() first")
        headers = {name.lower(): (value.decode("latin-1") if isinstance(value, bytes) else value)
                   for name, value in exchange.response_headers}
        digest = payload_digest(exchange.body)
        noarchive = exchange_noarchive(exchange.response_headers, exchange.body)
        hit = None
        if exchange.status == 200 and not exchange.truncated and exchange.body:
            hit = self.digests.lookup(digest)
        if hit is not None:
            ref: RecordRef = self.writer.write_revisit(exchange, hit)
            self.counts["revisits"] += 1
        else:
            ref = self.writer.write_exchange(exchange)
        fetched_at = exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        capture_id = self.store.add_capture(
            self.crawl_id, url=exchange.url, status=exchange.status,
            content_type=headers.get("content-type"), fetched_at=fetched_at, ref=ref,
            method=exchange.method, payload_length=len(exchange.body),
            record_type="revisit" if hit is not None else "response",
            refers_to_capture_id=hit.capture_id if hit is not None else None,
            truncated=exchange.truncated, etag=headers.get("etag"),
            last_modified=headers.get("last-modified"), noarchive=noarchive,
        )
        if noarchive:
            self.counts["noarchive"] += 1
        if hit is None and exchange.status == 200 and not exchange.truncated and exchange.body:
            self.digests.remember(digest, ref, capture_id)
        self.counts["captures"] += 1
        facts = CaptureFacts(exchange.url, exchange.status, fetched_at, self.crawl_id, capture_id)
        problem = capture_rows.apply_document(
            self.store, facts, headers.get("content-type"), headers.get("content-encoding"),
            headers.get("content-disposition"), lambda: exchange.body,
            getattr(ref, "payload_digest", None) or digest, exchange.truncated)
        if problem:
            self.error(exchange.url, "document-text", problem)
        key = self.scope.canonical(exchange.url) if self.scope is not None else exchange.url
        done = capture_rows.apply_status(self.store, replace(facts, url=key))
        if done:  # 304 → touched, 404/410 of a post → gone
            self.counts[done] = self.counts.get(done, 0) + 1
        return capture_id

    def save_parsed(self, parsed: Parsed, capture_id: int | None, url: str | None = None) -> None:
        """The parser's outcome for the page of capture ``capture_id`` (from
        ``capture_rows.parse_capture``), stored by the capture→rows rules with
        the capture's own time — as a rebuild from the WARC would store it."""
        row = None
        if capture_id is not None:
            row = self.conn.execute("SELECT url, fetched_at FROM captures WHERE id=?",
                                    (capture_id,)).fetchone()
        if row is None:  # no capture row (a dropped key): stored all the same, stamped now
            capture_id = None
            row = (url or getattr(parsed.article, "url", None) or "", utcnow())
        done = capture_rows.apply_parsed(self.store, CaptureFacts(
            row[0], 200, row[1], self.crawl_id, capture_id), parsed)
        if done == "article":
            self.counts["articles"] += 1
        elif done == "problem":
            self.counts["errors"] += 1

    def save_article(self, article: Article, capture_id: int | None) -> None:
        self.save_parsed(Parsed(article), capture_id)

    def error(self, url: str | None, kind: str, message: str) -> None:
        self.store.add_error(self.crawl_id, url, kind, message)
        self.counts["errors"] += 1

    def skip(self, url: str, reason: str, referrer: str | None = None,
             detail: str | None = None) -> None:
        """A URL this crawl decided not to fetch (robots.txt, too long, off-site …)."""
        self.store.add_skip(self.crawl_id, url, reason, referrer, detail)
        self.counts["skips"] += 1


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs (a zombie does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def write_stats_file(layout: ArchiveLayout, crawl_id: int, status: str, stats: dict,
                     exit_code: int | None = None) -> None:
    """``<archive>/logs/crawl-NNNNN.json``: the crawl's status, exit code and Scrapy stats."""
    path = layout.logs_dir / f"crawl-{crawl_id:05d}.json"
    try:
        path.write_text(json.dumps({"crawl_id": crawl_id, "status": status, "exit_code": exit_code,
                                    "stats": stats}, indent=1, sort_keys=True, default=str,
                                   ensure_ascii=False))
    except OSError as exc:  # the crawls row holds the same numbers
        log.error("cannot write %s: %s", path, exc)


def record_exit_code(layout: ArchiveLayout, crawl_id: int, exit_code: int) -> None:
    """Once the crawl process knows its exit code: into the crawls row and the stats file."""
    conn = sqlite3.connect(layout.db, timeout=30)
    try:
        with conn:
            conn.execute("UPDATE crawls SET exit_code=? WHERE id=?", (exit_code, crawl_id))
        row = conn.execute("SELECT status, stats_json FROM crawls WHERE id=?", (crawl_id,)).fetchone()
    finally:
        conn.close()
    if row is not None:
        write_stats_file(layout, crawl_id, row[0], json.loads(row[1] or "{}"), exit_code)
