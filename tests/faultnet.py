"""Loopback servers for the fault, politeness and security tests.

Sites are served on port 80 of a random ``127.x.y.z`` address, so their URLs
carry no port, as the real portal's do (and several sites can stand for
different hosts: one "on site", one "off site"). Binding port 80 needs root
(or a user+network namespace, see ``conftest.require_root``); without it the
tests that need it fail, saying how to run them.
"""

from __future__ import annotations

import json
import random
import socket
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from clirun import run_cli
from conftest import require_root

from crawler.replica_process import ReplicaProcess

# the replica and these sites are ours and on loopback: no politeness needed,
# short timeouts so hangs cost seconds, and short pauses for 429/503
FAST = ("DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=False", "CONCURRENT_REQUESTS=16",
        "CONCURRENT_REQUESTS_PER_DOMAIN=16", "DOWNLOAD_TIMEOUT=4", "PORTAL_RETRY_AFTER_MAX=2")


def free_loopback_ip() -> str:
    """A 127.x.y.z address whose port 80 is free (fails the test without root)."""
    require_root("binding port 80 on a loopback address")
    rng = random.SystemRandom()
    for _ in range(50):
        ip = f"127.{rng.randint(1, 250)}.{rng.randint(1, 250)}.{rng.randint(2, 250)}"
        s = socket.socket()
        try:
            s.bind((ip, 80))
        except OSError:
            continue
        finally:
            s.close()
        return ip
    pytest.fail("no free loopback address with port 80 among 50 tried")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002
        pass

    def do_GET(self):
        site: ScriptedSite = self.server.site
        site.record(self)
        route = site.routes.get(self.path)
        if route is None:
            self._send(404, [("Content-Type", "text/html")], b"<html><body>404</body></html>")
        elif callable(route):
            route(self, site.hits(self.path))
        else:
            self._send(*route)

    def _send(self, status: int, headers, body: bytes) -> None:
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        if not any(k.lower() == "content-length" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class ScriptedSite:
    """``routes``: path → ``(status, headers, body)`` or ``fn(handler, hit_number)``.

    ``requests`` logs ``(monotonic time, path, Host header)`` of every request.
    """

    def __init__(self, routes: dict | None = None, ip: str | None = None, port: int = 80):
        """``port=0``: any free port (with ``ip="127.0.0.1"``: no root needed)."""
        self.routes = dict(routes or {})
        self.ip = ip or free_loopback_ip()
        self.requests: list[tuple[float, str, str]] = []
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((self.ip, port), _Handler)
        self.port = self.server.server_address[1]
        self.server.daemon_threads = True
        self.server.site = self
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{self.ip}/" if self.port == 80 else f"http://{self.ip}:{self.port}/"

    def record(self, handler) -> None:
        with self._lock:
            self.requests.append((time.monotonic(), handler.path, handler.headers.get("Host", "")))

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for _, p, _ in self.requests if p == path)

    def paths(self) -> list[str]:
        with self._lock:
            return [p for _, p, _ in self.requests]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def send(handler, status: int, headers, body: bytes) -> None:
    handler._send(status, headers, body)


def html_page(title: str, links=(), body: str = "") -> bytes:
    items = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{title}</title>'
            f"</head><body><h1>{title}</h1>{body}<ul>{items}</ul></body></html>").encode()


def replica(posts: int, faults: str, seed: int = 1) -> ReplicaProcess:
    """The replica CLI with ``--faults`` on port 80 of a free loopback address."""
    ip = free_loopback_ip()
    return ReplicaProcess(posts, seed, extra_args=("--faults", faults, "--host", ip, "--port", "80"))


def crawl(archive: Path, start_url: str, *settings: str, timeout: float = 600):
    args = ["crawl", "--archive", str(archive), "--start-url", start_url]
    for s in (*FAST, *settings):
        args += ["-s", s]
    return run_cli(*args, check=False, timeout=timeout)


def open_db(archive: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(f"file:{Path(archive) / 'archive.sqlite'}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    return conn


def crawl_log(archive: Path) -> str:
    return "\n".join(p.read_text(errors="replace") for p in sorted((Path(archive) / "logs").glob("*.log")))


def crawl_stats(archive: Path) -> dict:
    with open_db(archive) as conn:
        row = conn.execute("SELECT stats_json FROM crawls ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0] or "{}") if row else {}


def jsonl(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]
