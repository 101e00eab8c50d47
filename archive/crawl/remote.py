"""The archive session in a child process: storage off the crawler's core.

The crawling process (Scrapy's engine) only hands over what it fetched; a
storage process writes the WARC records (compression), the database rows and
the frontier, on the machine's other core. ``RemoteSession`` has the
interface of ``ArchiveSession`` that the crawler uses.

The protocol is typed: each message is a frozen dataclass below, and the
storage process handles it through one dispatch table (``HANDLERS``). Opening
and closing are request/reply: ``open`` waits for ``Opened`` or ``Fatal``,
``close`` sends ``Close`` and waits for ``Closed``.

The crawler's side never blocks its event loop (the Twisted reactor): a message
that does not fit the bounded queue waits in a local backlog, flushed by
``pump()`` (the extension calls it every 0.1 s and pauses the engine while the
backlog is long); closing is asynchronous (``close_async`` returns a Deferred
polled on the reactor); and the child's liveness is checked (``is_alive``) at
every poll, so a dead storage process stops the crawl with one line instead of
a wait.

Capture keys: the crawler learns a capture's row id only in the storage
process, so ``record`` returns a *capture key* (a sequence number) that a
later ``SaveArticle`` names; the storage process maps it to the ``captures``
row. A key it cannot map (forgotten after ``KEYS_KEPT`` newer captures, or its
record failed to store) gives an article row without a capture: such keys are
counted (``archive/dropped_capture_keys`` in the crawl's stats) and logged.

Order and safety: messages are handled in the order sent. The worker groups
what is waiting into one database transaction, and marks frontier URLs done
only after that transaction commits — so a kill at any moment leaves no URL
marked done whose rows are missing. A storage failure (disk full, read-only
file system) is reported back as ``Fatal``; the crawler stops.
"""

from __future__ import annotations

import collections
import json
import logging
import multiprocessing as mp
import os
import queue
import signal
import sqlite3
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout

log = logging.getLogger(__name__)

BATCH = 200            # messages per database transaction at most
KEYS_KEPT = 50_000     # capture keys remembered for articles not yet saved
POLL = 0.1             # seconds between looks at the storage process's replies
CLOSE_SILENCE = 600.0  # a storage process silent this long while closing is given up


# -- messages: crawler → storage ----------------------------------------------------
@dataclass(frozen=True)
class Record:
    """Write one exchange (WARC record + ``captures`` row) under ``capture_key``."""
    capture_key: int
    exchange: Any  # archive.warc.exchange.Exchange


@dataclass(frozen=True)
class SaveArticle:
    article: Any  # archive.parser.model.Article
    capture_key: int | None


@dataclass(frozen=True)
class FrontierAdd:
    url: str
    kind: str
    priority: int = 0
    meta: dict | None = None


@dataclass(frozen=True)
class _About:
    url: str


class FrontierDone(_About):
    """Mark ``url`` done in the frontier, once the batch holding its rows commits."""


class Touch(_About):
    """``url`` answered 304 Not Modified."""


class Gone(_About):
    """``url`` answered 404/410: the post is gone."""


@dataclass(frozen=True)
class Error:
    url: str | None
    kind: str
    message: str


@dataclass(frozen=True)
class Skip:
    """A URL the crawl decided not to fetch (robots.txt, off-site, noarchive …)."""
    url: str
    reason: str
    referrer: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class Close:
    """Request: finish the crawl row and close everything; answered by ``Closed``."""
    status: str
    stats: dict = field(default_factory=dict)
    exit_code: int | None = None


# -- messages: storage → crawler ----------------------------------------------------
@dataclass(frozen=True)
class Opened:
    crawl_id: int


@dataclass(frozen=True)
class Fatal:
    message: str


@dataclass(frozen=True)
class Closed:
    counts: dict
    failed: str | None
    dropped_keys: int = 0


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


class _Storage:
    """The storage process's state: the session, the capture keys, the URLs to mark done."""

    def __init__(self, session):
        self.session = session
        self.keys: OrderedDict[int, int] = OrderedDict()
        self.dropped_keys = 0
        self.done_urls: list[str] = []

    def record(self, msg: Record) -> None:
        self.keys[msg.capture_key] = self.session.record(msg.exchange)
        if len(self.keys) > KEYS_KEPT:
            self.keys.popitem(last=False)

    def save_article(self, msg: SaveArticle) -> None:
        capture_id = None
        if msg.capture_key is not None:
            capture_id = self.keys.pop(msg.capture_key, None)
            if capture_id is None:
                self.dropped_keys += 1
                log.warning("capture key %s of %s is unknown (forgotten or its record failed): "
                            "the article row has no capture", msg.capture_key,
                            getattr(msg.article, "url", "?"))
        self.session.save_article(msg.article, capture_id)

    def frontier_add(self, msg: FrontierAdd) -> None:
        self.session.frontier.add(msg.url, msg.kind, msg.priority, msg.meta)

    def frontier_done(self, msg: FrontierDone) -> None:
        self.done_urls.append(msg.url)

    def touch(self, msg: Touch) -> None:
        self.session.touch(msg.url)

    def gone(self, msg: Gone) -> None:
        self.session.mark_gone(msg.url)

    def error(self, msg: Error) -> None:
        self.session.error(msg.url, msg.kind, msg.message)

    def skip(self, msg: Skip) -> None:
        self.session.skip(msg.url, msg.reason, msg.referrer, msg.detail)


HANDLERS: dict[type, Callable[[_Storage, Any], None]] = {
    Record: _Storage.record,
    SaveArticle: _Storage.save_article,
    FrontierAdd: _Storage.frontier_add,
    FrontierDone: _Storage.frontier_done,
    Touch: _Storage.touch,
    Gone: _Storage.gone,
    Error: _Storage.error,
    Skip: _Storage.skip,
}


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
        outbox.put(Fatal(str(exc)))
        return
    outbox.put(Opened(session.crawl_id))
    storage = _Storage(session)
    failed: str | None = None
    while True:
        try:
            first = inbox.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the crawler died: stop, as a kill would
                os._exit(1)
            continue
        batch = [first]
        while len(batch) < BATCH and not isinstance(batch[-1], Close):
            try:
                batch.append(inbox.get_nowait())
            except queue.Empty:
                break
        close = batch.pop() if isinstance(batch[-1], Close) else None
        if failed is None:
            try:
                with session.store.transaction():
                    for msg in batch:
                        _guarded(storage, msg)
                session.frontier.done_many(storage.done_urls)
            except Exception as exc:  # noqa: BLE001 - disk full, I/O error: stop the crawl
                failed = f"storage failed: {exc}"
                io_error = isinstance(exc, (OSError, sqlite3.OperationalError))
                log.error("%s — the crawl stops; what was written stays sound", failed,
                          exc_info=not io_error)
                outbox.put(Fatal(failed))
            storage.done_urls.clear()
        if close is not None:
            if storage.dropped_keys:
                session.counts["dropped_capture_keys"] = storage.dropped_keys
                log.warning("%d articles were stored without their capture (unknown capture keys)",
                            storage.dropped_keys)
            try:
                session.close("failed" if failed else close.status, close.stats, close.exit_code)
            except ArchiveError as exc:  # already logged step by step
                failed = failed or str(exc)
            finally:
                outbox.put(Closed(dict(session.counts), failed, storage.dropped_keys))
            return


def _guarded(storage: _Storage, msg) -> None:
    """Handle one message in a savepoint: a bad item becomes an error row;
    an I/O failure (disk full, read-only) propagates and stops the crawl."""
    conn = storage.session.conn
    conn.execute("SAVEPOINT item")
    try:
        HANDLERS[type(msg)](storage, msg)
    except (OSError, sqlite3.OperationalError):
        raise
    except Exception as exc:  # noqa: BLE001 - one bad item must not stop the crawl
        conn.execute("ROLLBACK TO item")
        conn.execute("RELEASE item")
        url = getattr(getattr(msg, "article", None), "url", None) or getattr(msg, "url", None)
        log.error("could not store %s: %r", type(msg).__name__, exc, exc_info=True)
        storage.session.error(url, "storage", f"{type(exc).__name__}: {exc}")
        return
    conn.execute("RELEASE item")


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
        self._session._send(FrontierAdd(url, kind, priority, meta))

    def done(self, url: str) -> None:
        self._session._send(FrontierDone(url))

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
        self.dropped_keys = 0
        self.conn: sqlite3.Connection | None = None
        self.frontier: FrontierClient | None = None
        self._next_key = 0
        self._proc = None
        self._backlog: collections.deque = collections.deque()
        self._closed: Closed | None = None
        self.fatal: str | None = None

    # -- request/reply: open ------------------------------------------------------
    def open(self) -> "RemoteSession":
        """Start the storage process and wait for ``Opened`` (before the reactor runs)."""
        ctx = mp.get_context("spawn")
        self._inbox = ctx.Queue(maxsize=self.queue_size)
        self._outbox = ctx.Queue()
        self._proc = ctx.Process(target=_worker, name="portal-archive-storage", daemon=True,
                                 args=(str(self.layout.root), self.options, self._inbox,
                                       self._outbox, self.log_file, os.getpid()))
        self._proc.start()
        deadline = time.monotonic() + self.start_timeout
        reply = None
        while reply is None:
            try:
                reply = self._outbox.get(timeout=POLL)
            except queue.Empty:
                if not self._proc.is_alive():
                    code = self._proc.exitcode
                    self._proc = None
                    raise ArchiveError(f"the storage process ended at start (exit code {code}) — "
                                       f"see the crawl log in {self.layout.logs_dir}") from None
                if time.monotonic() > deadline:
                    self._stop_child()
                    raise ArchiveError("the storage process did not open the archive in "
                                       f"{self.start_timeout:.0f} s — see the crawl log in "
                                       f"{self.layout.logs_dir}") from None
        if isinstance(reply, Fatal):
            self._stop_child()
            raise ArchiveError(reply.message)
        self.crawl_id = reply.crawl_id
        self.conn = sqlite3.connect(f"file:{self.layout.db}?mode=ro", uri=True,
                                    check_same_thread=False)
        self.frontier = FrontierClient(self, self.layout.state_dir / "frontier.sqlite")
        return self

    # -- sending without blocking ------------------------------------------------
    def _send(self, msg) -> None:
        if self.fatal is None:
            self._backlog.append(msg)
            if len(self._backlog) == 1:
                self._flush()

    def _flush(self) -> None:
        while self._backlog:
            try:
                self._inbox.put_nowait(self._backlog[0])
            except queue.Full:
                return
            self._backlog.popleft()

    def backlog(self) -> int:
        """Messages waiting for room in the queue (the crawler slows down past a bound)."""
        return len(self._backlog)

    def pump(self) -> str | None:
        """Flush what waits, read the replies, check the child lives; the fatal
        message if storage failed (or died), else ``None``. Never blocks."""
        if self.fatal is None:
            self._flush()
        self._read_replies()
        if self.fatal is None and self._proc is not None and not self._proc.is_alive():
            self._read_replies()  # its last words, if any
            self.fatal = self.fatal or (
                f"the storage process died (exit code {self._proc.exitcode}) — see the crawl "
                f"log in {self.layout.logs_dir}")
        return self.fatal

    def _read_replies(self) -> None:
        while True:
            try:
                msg = self._outbox.get_nowait()
            except queue.Empty:
                return
            if isinstance(msg, Fatal):
                self.fatal = self.fatal or msg.message
            elif isinstance(msg, Closed):
                self._closed = msg

    # -- the ArchiveSession interface --------------------------------------------
    def record(self, exchange) -> int:
        """Send the exchange; return its capture key (not a row id: see the module doc)."""
        self._next_key += 1
        self._send(Record(self._next_key, exchange))
        return self._next_key

    def save_article(self, article, capture_key: int | None) -> None:
        self._send(SaveArticle(article, capture_key))

    def touch(self, url: str) -> None:
        self._send(Touch(url))

    def mark_gone(self, url: str) -> None:
        self._send(Gone(url))

    def error(self, url, kind: str, message: str) -> None:
        self._send(Error(url, kind, message))

    def skip(self, url: str, reason: str, referrer: str | None = None,
             detail: str | None = None) -> None:
        self._send(Skip(url, reason, referrer, detail))

    # -- request/reply: close -----------------------------------------------------
    def close_async(self, status: str, stats: dict | None = None, exit_code: int | None = None):
        """Send ``Close`` and return a Deferred that fires once the storage process
        answered ``Closed`` (or died, or stayed silent ``CLOSE_SILENCE`` s): polled on
        the reactor, never blocking it."""
        from twisted.internet import defer, task

        if self._proc is None:
            return defer.succeed(None)
        self._closed = None
        self._backlog.append(Close(status, stats or {}, exit_code))  # even after a fatal
        done = defer.Deferred()
        last = {"sent": len(self._backlog), "at": time.monotonic()}

        def poll():
            self._flush()
            self._read_replies()
            if len(self._backlog) != last["sent"]:
                last.update(sent=len(self._backlog), at=time.monotonic())
            alive = self._proc.is_alive()
            silent = time.monotonic() - last["at"] > CLOSE_SILENCE
            if self._closed is None and alive and not silent:
                return
            loop.stop()
            if self._closed is None:
                self.fatal = self.fatal or (
                    "the storage process did not finish closing the archive" if alive else
                    f"the storage process died while closing (exit code {self._proc.exitcode})")
                log.error("%s — the next crawl recovers what it left", self.fatal)
            self._finish_close()
            done.callback(None)

        loop = task.LoopingCall(poll)
        loop.start(POLL, now=True)
        return done

    def close(self, status: str, stats: dict | None = None, exit_code: int | None = None) -> None:
        """Blocking close, for callers without a reactor."""
        if self._proc is None:
            return
        self._closed = None
        self._backlog.append(Close(status, stats or {}, exit_code))
        last_at = time.monotonic()
        while self._closed is None and self._proc.is_alive():
            before = len(self._backlog)
            self._flush()
            if len(self._backlog) != before:
                last_at = time.monotonic()
            self._read_replies()
            if time.monotonic() - last_at > CLOSE_SILENCE:
                break
            time.sleep(POLL / 2)
        self._read_replies()
        if self._closed is None:
            self.fatal = self.fatal or "the storage process did not finish closing the archive"
            log.error("%s", self.fatal)
        self._finish_close()

    def _finish_close(self) -> None:
        closed = self._closed
        if closed is not None:
            self.counts, self.dropped_keys = closed.counts, closed.dropped_keys
            self.fatal = self.fatal or closed.failed
        self._stop_child()
        for c in (self.frontier, self.conn):
            if c is not None:
                c.close()
        self.frontier = self.conn = None

    def _stop_child(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        proc.join(5)
        if proc.is_alive():
            proc.terminate()
            proc.join(5)
