"""``--faults bad``: the replica's bad pages, fetched over loopback HTTP."""

from __future__ import annotations

import gzip
import html as htmllib
import http.client
import re
import unicodedata
import xml.etree.ElementTree as ET
import zlib

import pytest

from archive.text import normalize
from replica.badpages import BAD_PAGES, HUGE_BYTES, ODD_LINKS, bad_truth
from replica.content import Corpus
from replica.faults import Faults
from replica.server import start_server
from replica.site import Site

CORPUS = Corpus(120, 1)
KIND = {k: p for p, k, _ in BAD_PAGES}


@pytest.fixture(scope="module")
def port():
    srv, thread = start_server(Site(CORPUS, faults=Faults.parse("bad", 1)))
    yield srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def truth(port):
    return {r["kind"]: r for r in bad_truth(CORPUS, f"http://127.0.0.1:{port}")}


def fetch(port, path, headers=None, method="GET"):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


def title_of(text: str) -> str:
    return normalize(htmllib.unescape(re.search(r"<title>(.*?) &#8211; ", text, re.S).group(1)))


def test_bad_pages_only_when_switched_on():
    site = Site(CORPUS)
    for path, _, _ in BAD_PAGES:
        assert site.handle("GET", path, {})[0] == 404


def test_discoverable_from_home_and_pages_sitemap(port):
    _, _, home = fetch(port, "/")
    for path, _, _ in BAD_PAGES:
        assert f'href="http://127.0.0.1:{port}{path}"'.encode() in home
    index = fetch(port, "/wp-sitemap.xml")[2]
    assert b"/wp-sitemap-posts-page-1.xml" in index
    locs = [e.text for e in ET.fromstring(fetch(port, "/wp-sitemap-posts-page-1.xml")[2]).iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert len(locs) == len(BAD_PAGES)


def test_truncated(port):
    status, headers, body = fetch(port, KIND["truncated"])
    assert status == 200 and b"<html" in body and b"</html>" not in body


def test_wrong_charset(port, truth):
    status, headers, body = fetch(port, KIND["wrong-charset"])
    assert "ISO-8859-1" in headers["Content-Type"] and b'<meta charset="ISO-8859-1">' in body
    assert title_of(body.decode("utf-8")) == truth["wrong-charset"]["truth"]["title"]


def test_windows_1258(port, truth):
    status, headers, body = fetch(port, KIND["cp1258"])
    assert "windows-1258" in headers["Content-Type"]
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    text = unicodedata.normalize("NFC", body.decode("cp1258"))
    t = truth["cp1258"]["truth"]
    assert title_of(text) == t["title"]
    assert normalize(htmllib.unescape(re.sub(r"<[^>]+>", " ", text))).count(t["lead"]) == 1


def test_nfd_only(port, truth):
    body = fetch(port, KIND["nfd"])[2].decode()
    assert unicodedata.normalize("NFD", body) == body != unicodedata.normalize("NFC", body)
    assert title_of(body) == truth["nfd"]["truth"]["title"]


def test_empty_body(port):
    status, headers, body = fetch(port, KIND["empty"])
    assert status == 200 and body == b"" and headers["Content-Length"] == "0"


@pytest.mark.parametrize("kind,needle", [
    ("no-date", None), ("impossible-date", "31/02/2019 25:61"), ("future-date", "20/05/2031 08:30")])
def test_dates(port, truth, kind, needle):
    body = fetch(port, KIND[kind])[2].decode()
    assert "article:published_time" not in body
    if needle is None:
        assert 'class="entry-date' not in body and truth[kind]["truth"]["published_at"] is None
    else:
        assert needle in body
    assert f"postid-{truth[kind]['truth']['wp_post_id']}" in body


def test_fifty_megabytes(port):
    status, headers, _ = fetch(port, KIND["huge"], method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) >= HUGE_BYTES
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", KIND["huge"])
    resp = conn.getresponse()
    total, last = 0, b""
    while chunk := resp.read(1 << 20):
        total, last = total + len(chunk), chunk
    conn.close()
    assert total == int(headers["Content-Length"]) and last.rstrip().endswith(b"</html>")


def test_gzip_bomb(port):
    status, headers, body = fetch(port, KIND["gzip-bomb"])
    assert headers["Content-Encoding"] == "gzip" and len(body) < 2_000_000
    d = zlib.decompressobj(31)
    out = d.decompress(body, 16 << 20)            # bounded: stop at 16 MiB
    assert len(out) == 16 << 20 and d.unconsumed_tail  # far more is still packed in
    head = gzip.GzipFile(fileobj=__import__("io").BytesIO(body)).read(40)
    assert head.startswith(b"<!DOCTYPE html>")


def test_redirects(port):
    status, headers, _ = fetch(port, KIND["redirect-loop"])
    assert status == 302
    b = headers["Location"].split(str(port), 1)[1]
    status, headers, _ = fetch(port, b)
    assert status == 302 and headers["Location"].endswith(KIND["redirect-loop"])
    status, headers, _ = fetch(port, KIND["redirect-offsite"])
    assert status == 301 and headers["Location"].startswith("http://offsite.invalid/")


def test_odd_links_and_odd_urls(port, truth):
    body = fetch(port, KIND["odd-links"])[2].decode()
    for href in ODD_LINKS:
        assert f'href="{href.replace("&", "&amp;")}"' in body or \
            f'href="http://127.0.0.1:{port}{href}"' in body.replace("&amp;", "&")
    assert truth["odd-links"]["truth"]["body_text"].count("Liên kết thử nghiệm") == len(ODD_LINKS)
    for path in ("/wp-content/../category/chinh-tri/", "/%63ategory/%6Binh-te/",
                 "/category/chinh-tri/%2E%2E/do-thi/", "/./category/./kinh-te/"):
        assert fetch(port, path)[0] == 200, path
    assert fetch(port, "/../../../../etc/passwd")[0] == 404
    assert fetch(port, "/%E1%BA%A3nh-%zz.html")[0] == 404


def test_crawler_traps_never_end(port):
    path = KIND["trap-calendar"]
    for _ in range(40):
        status, _, body = fetch(port, path)
        assert status == 200
        path = re.findall(rb'href="http://127\.0\.0\.1:\d+(/lich/[^"]+)"', body)[0].decode()  # previous month
    assert path.startswith("/lich/2023/")
    path = KIND["trap-pagination"]
    for _n in range(3, 40):
        body = fetch(port, path)[2]
        path = re.findall(rb'href="http://127\.0\.0\.1:\d+(/tim-kiem/page/\d+/)"', body)[0].decode()
    assert path == "/tim-kiem/page/39/"
