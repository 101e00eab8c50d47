"""100 000 posts serve with flat memory: nothing is cached per request."""

from __future__ import annotations

import gc
import http.client
import tracemalloc

import pytest

from replica.content import Corpus
from replica.server import start_server
from replica.site import Site


@pytest.mark.slow
def test_memory_flat_while_serving_100k_posts():
    corpus = Corpus(100_000, 1)
    srv, thread = start_server(Site(corpus))
    conn = http.client.HTTPConnection("127.0.0.1", srv.server_address[1], timeout=30)

    def fetch_batch(start: int) -> None:
        for i in range(start, 100_000, 1999):
            conn.request("GET", f"/{corpus.meta(i).slug}.html", headers={"Accept-Encoding": "gzip"})
            assert conn.getresponse().read()
        for n in (start % 50 + 1,):
            conn.request("GET", f"/wp-sitemap-posts-post-{n}.xml")
            assert conn.getresponse().read()
        conn.request("GET", "/category/chinh-tri/page/300/")
        assert conn.getresponse().read()

    try:
        tracemalloc.start()
        fetch_batch(0)                       # warm up (imports, thread pools)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        for k in range(1, 4):
            fetch_batch(k)
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        # ~160 requests; a per-request cache of pages would add tens of MB
        assert after - before < 2_000_000, (before, after)
    finally:
        conn.close()
        srv.shutdown()
        srv.server_close()
        thread.join(5)
