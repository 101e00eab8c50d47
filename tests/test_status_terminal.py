"""On a terminal the crawl shows a progress line (rich) and its summary; off a
terminal it prints nothing on success (see test_lock_cron / test_incremental_days)."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time

import pytest
from test_incremental_kit import FAST, DayReplica, free_port

pytestmark = pytest.mark.slow


def test_progress_and_summary_on_a_terminal(tmp_path):
    with DayReplica(free_port(), 30, 4, 0) as replica:
        master, slave = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "crawler", "crawl", "--archive",
                                 str(tmp_path / "archive"), "--start-url", replica.url, *FAST],
                                stdin=slave, stdout=slave, stderr=slave, close_fds=True,
                                env=dict(os.environ, TERM="xterm", COLUMNS="120"))
        os.close(slave)
        chunks = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                data = os.read(master, 65536)
            except OSError:  # the child closed the terminal
                break
            if not data:
                break
            chunks.append(data)
        proc.wait(timeout=60)
        os.close(master)
    text = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, text[-2000:]
    assert "fetched" in text and "articles" in text  # the progress line
    assert "crawl 1 finished:" in text and "30 articles in the archive" in text  # the summary
    assert "Traceback" not in text
