"""The replica on a real loopback HTTP/1.1 server: keep-alive, gzip, 304, chunked, HEAD."""

from __future__ import annotations

import gzip
import http.client
import socket

import pytest

from replica.content import Corpus
from replica.server import start_server
from replica.site import Site


@pytest.fixture(scope="module")
def server():
    corpus = Corpus(200, 1)
    srv, thread = start_server(Site(corpus))
    yield srv, corpus
    srv.shutdown()
    srv.server_close()
    thread.join(5)


def raw_request(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        chunks = []
        while True:
            data = s.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_keep_alive_and_absolute_urls_follow_host(server):
    srv, corpus = server
    port = srv.server_address[1]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    slug = corpus.meta(5).slug
    for _ in range(3):
        conn.request("GET", f"/{slug}.html")
        resp = conn.getresponse()
        body = resp.read()
        assert resp.status == 200 and resp.version == 11
        assert f'<link rel="canonical" href="http://127.0.0.1:{port}/{slug}.html"'.encode() in body
    sock = conn.sock
    conn.request("GET", "/robots.txt")
    resp = conn.getresponse()
    assert f"Sitemap: http://127.0.0.1:{port}/wp-sitemap.xml".encode() in resp.read()
    assert conn.sock is sock  # same connection reused
    conn.close()


def test_gzip_etag_304(server):
    srv, corpus = server
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=10)
    path = f"/{corpus.meta(7).slug}.html"
    conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.getheader("Content-Encoding") == "gzip"
    assert int(resp.getheader("Content-Length")) == len(body)
    assert b"postid-" in gzip.decompress(body)
    etag, lm = resp.getheader("ETag"), resp.getheader("Last-Modified")
    conn.request("GET", path, headers={"If-None-Match": etag})
    resp = conn.getresponse()
    assert resp.status == 304 and resp.read() == b"" and resp.getheader("ETag")
    conn.request("GET", path, headers={"If-Modified-Since": lm})
    resp = conn.getresponse()
    assert resp.status == 304 and resp.read() == b""
    conn.request("HEAD", path)
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read() == b"" and int(resp.getheader("Content-Length")) > 1000
    conn.request("GET", "/")  # connection still usable after HEAD and 304
    assert conn.getresponse().read()
    conn.close()


def test_listings_and_feed_are_chunked(server):
    srv, _ = server
    port = srv.server_address[1]
    for path in ("/", "/feed/", "/category/chinh-tri/"):
        raw = raw_request(port, f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                                f"Connection: close\r\n\r\n".encode())
        head, _, rest = raw.partition(b"\r\n\r\n")
        assert b"Transfer-Encoding: chunked" in head and b"Content-Length" not in head
        assert rest.endswith(b"0\r\n\r\n")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/feed/")
    resp = conn.getresponse()
    assert resp.status == 200 and resp.read().rstrip().endswith(b"</rss>")
    conn.request("GET", "/missing-page.html")
    resp = conn.getresponse()
    assert resp.status == 404 and b"error404" in resp.read()
    conn.close()


def test_redirect_and_image_over_http(server):
    srv, corpus = server
    port = srv.server_address[1]
    m = corpus.meta(0)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", f"/?p={m.id}")
    resp = conn.getresponse()
    resp.read()
    assert resp.status == 301 and resp.getheader("Location") == f"http://127.0.0.1:{port}/{m.slug}.html"
    i = next(i for i in range(len(corpus)) if corpus.meta(i).n_images)
    post = corpus.post(i)
    img = next(b[1] for b in post.blocks if b[0] == "img")
    conn.request("GET", img.path, headers={"Accept-Encoding": "gzip"})
    resp = conn.getresponse()
    body = resp.read()
    assert resp.status == 200 and body[:2] == b"\xff\xd8" and resp.getheader("Content-Encoding") is None
    conn.close()


def test_only_loopback():
    with pytest.raises(ValueError):
        start_server(Site(Corpus(5, 1)), host="0.0.0.0")


def test_without_validators_posts_have_no_etag_or_last_modified():
    corpus = Corpus(30, 1)
    site = Site(corpus, validators=False)
    status, headers, _ = site.handle("GET", f"/{corpus.meta(3).slug}.html", {"If-None-Match": "*"})
    names = {k for k, _ in headers}
    assert status == 200 and not names & {"ETag", "Last-Modified"}
    status, headers, _ = site.handle("GET", "/wp-sitemap-posts-post-1.xml", {})
    assert {"ETag", "Last-Modified"} <= {k for k, _ in headers}
