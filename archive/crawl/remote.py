"""The archive session in a child process: storage off the crawler's core.

The crawling process (Scrapy's engine) only hands over what it fetched; a
storage process writes the WARC records (compression), the database rows and
the frontier, on the machine's other core. ``RemoteSession`` has the
interface of ``ArchiveSession`` that the crawler uses.

Order and safety: messages are handled in the order sent. The worker groups
what is waiting into one database transaction, and marks frontier URLs done
only after that transaction commits — so a kill at any moment leaves no URL
marked done whose rows are missing. A storage failure (disk full, read-only
file system) is reported back as a ``fatal`` message; the crawler stops.
"""

from __future__ import annotations

import json
import logging
import multiprocessing as mp
import os
import queue
import signal
import sqlite3
from collections import OrderedDict
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout

log = logging.getLogger(__name__)

BATCH = 200            # messages per database transaction at most
KEYS_KEPT = 50_000     # capture keys remembered for articles not yet saved


# -- the storage process ---------------------------------------------------------
def _die_with_parent(parent: int) -> None:
    """If the crawler is killed, this process dies at once too (Linux
    PR_SET_PDEATHSIG): it must not write on after the crawl lock is gone. What
    it left half-written is what the next crawl's recovery is for."""
    try:
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent-pid check below remains
        pass
    if os.getppid() != parent:
        os._exit(1)


def _worker(root: str, options, inbox, outbox, log_file: str | None, parent: int) -> None:
    _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the crawler decides when we stop
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    logging.raiseExceptions = False  # a full disk must not print tracebacks for log lines
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.INFO,
                            format="%(asctime)s [storage] %(levelname)s: %(message)s")
    from archive.crawl.session import ArchiveSession

    session = ArchiveSession(root, options)
    try:
        session.open()
    except Exception as exc:  # noqa: BLE001 - reported to the crawler as one line
        outbox.put(("fatal", str(exc)))
        return
    outbox.put(("opened", session.crawl_id))
    keys: OrderedDict[int, int] = OrderedDict()
    failed: str | None = None
    while True:
        try:
            first = inbox.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the crawler died: stop, as a kill would
                os._exit(1)
            continue
        batch = [first]
        while len(batch) < BATCH:
            try:
                batch.append(inbox.get_nowait())
            except queue.Empty:
                break
        done_urls: list[str] = []
        close_msg = None
        if failed is None:
            try:
                with session.store.transaction():
                    for msg in batch:
                        if msg[0] == "close":
                            close_msg = msg
                            break
                        _guarded(session, msg, keys, done_urls)
                session.frontier.done_many(done_urls)
            except Exception as exc:  # noqa: BLE001 - disk full, I/O error: stop the crawl
                failed = f"storage failed: {exc}"
                io_error = isinstance(exc, (OSError, sqlite3.OperationalError))
                log.error("%s — the crawl stops; what was written stays sound", failed,
                          exc_info=not io_error)
                outbox.put(("fatal", failed))
        if close_msg is None:
            close_msg = next((m for m in batch if m[0] == "close"), None)
        if close_msg is not None:
            _, status, stats, exit_code = close_msg
            try:
                session.close("failed" if failed else status, stats, exit_code)
            except ArchiveError as exc:  # already logged step by step
                failed = failed or str(exc)
            finally:
                outbox.put(("closed", dict(session.counts), failed))
            return


def _guarded(session, msg, keys: OrderedDict, done_urls: list[str]) -> None:
    """Handle one message in a savepoint: a bad item becomes an error row;
    an I/O failure (disk full, read-only) propagates and stops the crawl."""
    conn = session.conn
    conn.execute("SAVEPOINT item")
    try:
        _handle(session, msg, keys, done_urls)
    except (OSError, sqlite3.OperationalError):
        raise
    except Exception as exc:  # noqa: BLE001 - one bad item must not stop the crawl
        conn.execute("ROLLBACK TO item")
        conn.execute("RELEASE item")
        url = msg[3] if msg[0] == "parsed" else None
        log.error("could not store %s: %r", msg[0], exc, exc_info=True)
        session.error(url, "storage", f"{type(exc).__name__}: {exc}")
        return
    conn.execute("RELEASE item")


def _handle(session, msg, keys: OrderedDict, done_urls: list[str]) -> None:
    kind = msg[0]
    if kind == "record":
        _, key, exchange = msg
        keys[key] = session.record(exchange)
        if len(keys) > KEYS_KEPT:
            keys.popitem(last=False)
    elif kind == "parsed":
        _, parsed, key, url = msg
        session.save_parsed(parsed, keys.pop(key, None), url)
    elif kind == "frontier_add":
        session.frontier.add(*msg[1:])
    elif kind == "frontier_done":
        done_urls.append(msg[1])
    elif kind == "error":
        session.error(*msg[1:])
    elif kind == "skip":
        session.skip(*msg[1:])


# -- the crawler's side ------------------------------------------------------------
class FrontierClient:
    """The frontier as the spider sees it: writes go to the storage process."""

    def __init__(self, session: "RemoteSession", path: Path):
        self._session = session
        self._conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
        # only an earlier, interrupted crawl leaves done rows; without any (every crawl
        # that does not resume), is_done needs no lookup per followed URL
        self._resuming = self._conn.execute(
            "SELECT 1 FROM frontier WHERE state='done' LIMIT 1").fetchone() is not None

    def add(self, url: str, kind: str, priority: int = 0, meta: dict | None = None) -> None:
        self._session._send(("frontier_add", url, kind, priority, meta))

    def done(self, url: str) -> None:
        self._session._send(("frontier_done", url))

    def is_done(self, url: str) -> bool:
        """Done by an earlier (interrupted) crawl; this crawl's own URLs are
        filtered by Scrapy's duplicate filter."""
        if not self._resuming:
            return False
        row = self._conn.execute("SELECT state FROM frontier WHERE url=?", (url,)).fetchone()
        return row is not None and row[0] == "done"

    def queued(self) -> list[tuple[str, str, int, dict]]:
        rows = self._conn.execute(
            "SELECT url, kind, priority, meta FROM frontier WHERE state='queued' "
            "ORDER BY priority DESC, rowid").fetchall()
        return [(u, k, p, json.loads(m) if m else {}) for u, k, p, m in rows]

    def close(self) -> None:
        self._conn.close()


class RemoteSession:
    def __init__(self, root: str | Path, options, *, log_file: str | None = None,
                 queue_size: int = 2000, start_timeout: float = 300.0):
        self.layout = ArchiveLayout(root)
        self.options = options
        self.log_file = log_file
        self.queue_size = queue_size
        self.start_timeout = start_timeout
        self.crawl_id: int | None = None
        self.counts: dict = {}
        self.conn: sqlite3.Connection | None = None
        self.frontier: FrontierClient | None = None
        self._next_key = 0
        self._proc = None
        self.fatal: str | None = None

    def open(self) -> "RemoteSession":
        ctx = mp.get_context("spawn")
        self._inbox = ctx.Queue(maxsize=self.queue_size)
        self._outbox = ctx.Queue()
        self._proc = ctx.Process(target=_worker, name="portal-archive-storage", daemon=True,
                                 args=(str(self.layout.root), self.options, self._inbox,
                                       self._outbox, self.log_file, os.getpid()))
        self._proc.start()
        try:
            msg = self._outbox.get(timeout=self.start_timeout)
        except queue.Empty:
            self._proc.terminate()
            raise ArchiveError("the storage process did not start — see the crawl log in "
                               f"{self.layout.logs_dir}") from None
        if msg[0] == "fatal":
            self._proc.join(5)
            raise ArchiveError(msg[1])
        self.crawl_id = msg[1]
        self.conn = sqlite3.connect(f"file:{self.layout.db}?mode=ro", uri=True,
                                    check_same_thread=False)
        self.frontier = FrontierClient(self, self.layout.state_dir / "frontier.sqlite")
        return self

    def _send(self, msg) -> None:
        if self.fatal is None:
            self._inbox.put(msg)

    def poll_fatal(self) -> str | None:
        """A storage failure reported since the last call, if any."""
        while self.fatal is None:
            try:
                msg = self._outbox.get_nowait()
            except queue.Empty:
                break
            if msg[0] == "fatal":
                self.fatal = msg[1]
        return self.fatal

    # -- the ArchiveSession interface --------------------------------------------
    def record(self, exchange) -> int:
        self._next_key += 1
        self._send(("record", self._next_key, exchange))
        return self._next_key

    def save_parsed(self, parsed, capture_key, url: str | None = None) -> None:
        self._send(("parsed", parsed, capture_key, url))

    def save_article(self, article, capture_key) -> None:
        from archive.warc.capture_rows import Parsed

        self.save_parsed(Parsed(article), capture_key, getattr(article, "url", None))

    def error(self, url, kind: str, message: str) -> None:
        self._send(("error", url, kind, message))

    def skip(self, url: str, reason: str, referrer: str | None = None,
             detail: str | None = None) -> None:
        self._send(("skip", url, reason, referrer, detail))

    def close(self, status: str, stats: dict | None = None, exit_code: int | None = None) -> None:
        if self._proc is None:
            return
        self._inbox.put(("close", status, stats or {}, exit_code))
        while True:
            try:
                msg = self._outbox.get(timeout=600)
            except queue.Empty:
                log.error("the storage process did not finish in time")
                break
            if msg[0] == "fatal":
                self.fatal = msg[1]
            elif msg[0] == "closed":
                self.counts, failed = msg[1], msg[2]
                self.fatal = self.fatal or failed
                break
        self._proc.join(30)
        if self._proc.is_alive():
            self._proc.terminate()
        self._proc = None
        for c in (self.frontier, self.conn):
            if c is not None:
                c.close()
