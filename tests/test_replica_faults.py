"""``--faults``: seeded transient faults of the replica, at the HTTP level."""

from __future__ import annotations

import http.client
import socket

import pytest

from replica.content import Corpus
from replica.faults import Faults, FaultSpecError
from replica.server import start_server
from replica.site import Site

CORPUS = Corpus(200, 1)
PATHS = [f"/{CORPUS.meta(i).slug}.html" for i in range(len(CORPUS))]


@pytest.fixture
def serve():
    servers = []

    def start(spec: str):
        srv, thread = start_server(Site(CORPUS, faults=Faults.parse(spec, 1)))
        servers.append((srv, thread))
        return srv.server_address[1]
    yield start
    for srv, _thread in servers:
        srv.shutdown()
        srv.server_close()


def fetch(port: int, path: str, timeout: float = 10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def faulty(spec: str, kind: str) -> str:
    f = Faults.parse(spec, 1)
    return next(p for p in PATHS if f.kind_for(p) == kind)


def test_spec_parsing_and_shares():
    f = Faults.parse("500=0.1,reset=0.05,429=0.05,bad,seed=9,fails=2,hang_s=1.5,retry_after=7")
    assert f.rates == {"500": 0.1, "reset": 0.05, "429": 0.05} and f.bad and f.seed == 9
    assert (f.fails, f.hang_s, f.retry_after) == (2, 1.5, 7)
    assert not Faults.parse("").active
    for bad in ("foo=1", "500=2", "500=x", "500=0.6,503=0.6", "fails=x"):
        with pytest.raises(FaultSpecError):
            Faults.parse(bad)
    kinds = [Faults.parse("500=0.2,503=0.1", 3).kind_for(f"/p{i}") for i in range(4000)]
    assert 0.15 < kinds.count("500") / 4000 < 0.25 and 0.06 < kinds.count("503") / 4000 < 0.14
    again = [Faults.parse("500=0.2,503=0.1", 3).kind_for(f"/p{i}") for i in range(4000)]
    assert kinds == again
    assert Faults.parse("500=1").kind_for("/robots.txt") is None


@pytest.mark.parametrize("kind,status", [("500", 500), ("429", 429), ("503", 503)])
def test_http_faults_then_retry_succeeds(serve, kind, status):
    spec = f"{kind}=0.3,retry_after=4"
    port = serve(spec)
    path = faulty(spec, kind)
    got, headers, _ = fetch(port, path)
    assert got == status
    if status in (429, 503):
        assert headers["Retry-After"] == "4"
    assert fetch(port, path)[0] == 200
    assert fetch(port, path)[0] == 200


def test_fails_counts_attempts(serve):
    port = serve("500=0.5,fails=3")
    path = faulty("500=0.5", "500")
    assert [fetch(port, path)[0] for _ in range(4)] == [500, 500, 500, 200]


def test_reset_mid_body(serve):
    port = serve("reset=0.3")
    path = faulty("reset=0.3", "reset")
    with pytest.raises((http.client.IncompleteRead, ConnectionError)):
        fetch(port, path)
    status, _, body = fetch(port, path)
    assert status == 200 and body.rstrip().endswith(b"</html>")


def test_hang_past_timeout(serve):
    port = serve("hang=0.3,hang_s=20")
    path = faulty("hang=0.3", "hang")
    with pytest.raises((socket.timeout, TimeoutError, http.client.IncompleteRead, ConnectionError)):
        fetch(port, path, timeout=0.25)  # the server stays silent for 20 s
    status, _, body = fetch(port, path)
    assert status == 200 and body.rstrip().endswith(b"</html>")


def test_slow_drip_delivers_whole_body(serve):
    port = serve("drip=0.3,drip_s=0.2")
    path = faulty("drip=0.3", "drip")
    status, headers, body = fetch(port, path)
    assert status == 200 and len(body) == int(headers["Content-Length"])
    assert body == Site(CORPUS).handle("GET", path, {"Host": f"127.0.0.1:{port}"})[2]


def test_no_faults_without_spec(serve):
    port = serve("")
    assert all(fetch(port, p)[0] == 200 for p in PATHS[:40])
