"""Run the offline replica in a child process on a free loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from archive.errors import ArchiveError


class ReplicaProcess:
    """``with ReplicaProcess(posts=300, seed=1) as r: r.url`` → ``http://127.0.0.1:PORT/``
    (``port=0``: any free port)."""

    def __init__(self, posts: int, seed: int, *, port: int = 0, extra_args: tuple[str, ...] = (),
                 startup_timeout: float = 60.0):
        self.args = [sys.executable, "-m", "crawler", "replica", "--port", str(port),
                     "--posts", str(posts), "--seed", str(seed), *extra_args]
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.url: str | None = None

    def start(self) -> "ReplicaProcess":
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True)
        deadline = time.monotonic() + self.startup_timeout
        line = self.proc.stdout.readline()
        if not line.startswith("serving ") or time.monotonic() > deadline:
            err = self.proc.stderr.read() if self.proc.poll() is not None else ""
            self.stop()
            raise ArchiveError(f"the replica did not start ({line.strip() or err.strip()[-300:]}) "
                               "— run `portal-archive replica --port 0` to see why")
        self.url = line.split(None, 1)[1].strip()
        return self

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
