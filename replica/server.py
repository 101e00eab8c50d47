"""The replica on a real loopback HTTP/1.1 server (stdlib ``ThreadingHTTPServer``)."""

from __future__ import annotations

import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .site import Site

CHUNK = 8192
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # headers and body go out in separate writes: without TCP_NODELAY, Nagle's
    # algorithm and the client's delayed ACK stall every response ~40 ms
    # (nginx sets tcp_nodelay on keep-alive connections too)
    disable_nagle_algorithm = True
    server_version = "nginx"
    sys_version = ""

    def version_string(self) -> str:
        return "nginx"

    def log_message(self, format, *args):  # noqa: A002 - quiet; the crawler logs
        pass

    def do_GET(self):
        self._serve("GET")

    def do_HEAD(self):
        self._serve("HEAD")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self._serve("POST")

    def _serve(self, method: str) -> None:
        site: Site = self.server.site
        headers = {k: v for k, v in self.headers.items()}
        status, hdrs, body, action = site.respond(method, self.path, headers)
        stream = not isinstance(body, bytes)
        chunked = (method == "GET" and status in (200, 404) and body and not stream and action is None
                   and not any(k in ("ETag", "Content-Encoding") for k, _ in hdrs))
        self.send_response(status)
        for name, value in hdrs:
            if chunked and name == "Content-Length":
                continue
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if action in ("reset", "hang"):
            self.wfile.flush()
            if action == "hang":
                self.server.stopping.wait(site.faults.hang_s)
            else:
                data = body if not stream else next(body.make())
                self.wfile.write(data[:len(data) // 2])
            self._abort()
            return
        if method == "HEAD" or status == 304:
            return
        pieces = body.make() if stream else (body[i:i + CHUNK] for i in range(0, len(body), CHUNK))
        if action == "drip":
            self._drip(b"".join(pieces), site.faults.drip_s)
        elif chunked:
            for piece in pieces:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            for piece in pieces:
                self.wfile.write(piece)

    def _drip(self, data: bytes, seconds: float) -> None:
        steps = max(1, min(len(data) // 64, 50))
        size = -(-len(data) // steps)
        for i in range(0, len(data), size):
            self.wfile.write(data[i:i + size])
            self.wfile.flush()
            if self.server.stopping.wait(seconds / steps):
                break

    def _abort(self) -> None:
        """Close the connection with a TCP reset (SO_LINGER 0)."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        except OSError:
            pass


class ReplicaServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, site: Site):
        self.site = site
        self.stopping = threading.Event()   # ends hanging and dripping responses at shutdown
        super().__init__(address, _Handler)

    def shutdown(self) -> None:
        self.stopping.set()
        super().shutdown()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def check_loopback(host: str) -> None:
    if host not in LOOPBACK and not host.startswith("127."):
        raise ValueError(f"the replica serves on loopback only, not {host!r}; use 127.0.0.1")


POLL = 0.05  # seconds between the shutdown checks of the serving loop


def start_server(site: Site, host: str = "127.0.0.1", port: int = 0):
    """Serve ``site`` from a background thread; returns ``(server, thread)``.

    Stop with ``server.shutdown(); server.server_close()``.
    """
    check_loopback(host)
    server = ReplicaServer((host, port), site)
    # a short poll: shutdown() (every test fixture's teardown) returns in 50 ms, not 0.5 s
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL},
                              name="replica-server", daemon=True)
    thread.start()
    return server, thread


def serve(site: Site, host: str = "127.0.0.1", port: int = 0, ready=None) -> None:
    """Serve until interrupted; ``ready(base_url)`` is called once listening."""
    check_loopback(host)
    server = ReplicaServer((host, port), site)
    try:
        if ready:
            ready(server.base_url)
        server.serve_forever(poll_interval=POLL)
    finally:
        server.server_close()
