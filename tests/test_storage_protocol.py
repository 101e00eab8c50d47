"""The typed protocol between the crawler and its storage process
(``archive.crawl.remote``): one dataclass per message, one dispatch table; a
capture key the storage process cannot map is counted, not silently lost; the
crawler's side never blocks on a full queue; a dead storage process stops the
crawl with one line, within seconds."""

from __future__ import annotations

import dataclasses
import inspect
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from archive.crawl import remote
from archive.crawl.remote import (
    HANDLERS,
    Error,
    RemoteSession,
    SaveArticle,
    Skip,
    _guarded,
    _Storage,
)
from archive.crawl.session import ArchiveSession, SessionOptions
from archive.parser.model import Article


def crawler_messages() -> set[type]:
    """Every message the crawler sends: the frozen dataclasses of the module but the replies."""
    replies = {remote.Opened, remote.Fatal, remote.Closed, remote.Close}
    return {c for _, c in inspect.getmembers(remote, inspect.isclass)
            if dataclasses.is_dataclass(c) and c.__module__ == remote.__name__
            and not c.__name__.startswith("_")} - replies


def test_every_message_is_a_frozen_dataclass_with_a_handler():
    messages = crawler_messages()
    assert {m.__name__ for m in messages} >= {"Record", "SaveArticle", "FrontierAdd", "FrontierDone",
                                              "Touch", "Gone", "Error", "Skip"}
    assert set(HANDLERS) == messages
    for m in messages | {remote.Close, remote.Opened, remote.Fatal, remote.Closed}:
        assert m.__dataclass_params__.frozen, m


def test_an_unknown_capture_key_is_counted_and_the_article_kept(tmp_path):
    session = ArchiveSession(tmp_path / "archive", SessionOptions(start_url="http://127.0.0.1:9/"))
    session.open()
    storage = _Storage(session)
    with session.store.transaction():
        _guarded(storage, SaveArticle(Article(url="http://127.0.0.1:9/bai-1.html", wp_post_id=1,
                                              title="Bài một"), capture_key=12345))
        _guarded(storage, Error("http://127.0.0.1:9/x", "http-500", "boom"))
        _guarded(storage, Skip("http://127.0.0.1:9/y", "robots.txt"))
    assert storage.dropped_keys == 1
    row = session.conn.execute("SELECT title, capture_id FROM articles").fetchone()
    assert tuple(row) == ("Bài một", None)
    session.close("finished", {})


@pytest.mark.slow
def test_sending_never_blocks_and_close_replies(tmp_path):
    """A queue of 2 and 3000 messages: every send returns at once (a backlog), the
    backlog drains, and close answers with the counts."""
    session = RemoteSession(tmp_path / "archive", SessionOptions(start_url="http://127.0.0.1:9/"),
                            queue_size=2).open()
    started = time.monotonic()
    for i in range(3000):
        session.error(f"http://127.0.0.1:9/p{i}", "http-500", "boom")
    assert time.monotonic() - started < 2.0
    assert session.backlog() > 0
    while session.backlog():
        assert session.pump() is None
        time.sleep(0.01)
    session.close("finished", {})
    assert session.fatal is None and session.counts["errors"] == 3000
    conn = sqlite3.connect(tmp_path / "archive" / "archive.sqlite")
    assert conn.execute("SELECT count(*) FROM errors").fetchone()[0] == 3000
    conn.close()


@pytest.mark.slow
def test_a_dead_storage_process_stops_the_crawl_with_one_line(tmp_path):
    from test_incremental_kit import FAST, DayReplica, free_port

    root = tmp_path / "archive"
    with DayReplica(free_port(), 60, 2, 0) as site:
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive", str(root),
                                 "--start-url", site.url, *FAST, "-s", "DOWNLOAD_DELAY=0.1",
                                 "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        pid = None
        deadline = time.monotonic() + 60
        while pid is None and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                conn = sqlite3.connect(f"file:{root / 'archive.sqlite'}?mode=ro", uri=True)
                row = conn.execute("SELECT pid FROM crawls WHERE status='running'").fetchone()
                conn.close()
                pid = row[0] if row else None
            except sqlite3.Error:
                pass
        assert pid is not None and proc.poll() is None
        os.kill(pid, signal.SIGKILL)  # the storage process (its pid is in the crawls row)
        killed = time.monotonic()
        out, err = proc.communicate(timeout=60)
    assert time.monotonic() - killed < 10
    assert proc.returncode == 1, err[-2000:]
    assert "Traceback" not in err
    errors = [ln for ln in err.splitlines() if ln.startswith("error: ")]
    assert len(errors) == 1 and "storage process died" in errors[0], err
