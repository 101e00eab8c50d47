"""Page requisites: what the extractor finds in HTML and CSS, and the off-site switch in a real crawl."""

from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from clirun import run_cli

from archive.parser.requisites import css_requisites, html_requisites, is_stylesheet
from replica.assets import FONTS_CSS, STYLE_CSS

PAGE = b"""<!DOCTYPE html><html><head><base href="http://h/site/">
<link rel="stylesheet" href="a.css?ver=2"><link rel="alternate stylesheet" href="alt.css">
<link rel="preload" as="font" href="/f.woff2" crossorigin><link rel="preload" as="fetch" href="/api.json">
<link rel="shortcut icon" href="/favicon.ico"><link rel="canonical" href="/x.html"><link rel="dns-prefetch" href="//cdn">
<script src="j.js"></script><script>var x = "url(/no.png)";</script>
<style>@import "s.css"; .h { background: url( 'bg.png' ) }</style></head>
<body background="/old.gif"><div style="background-image:url(&quot;/i.jpg&quot;)"></div>
<img src="data:image/gif;base64,AA" data-src="/lazy.jpg" srcset="/a-300.jpg 300w, /a-768.jpg 768w">
<picture><source type="image/webp" srcset="/p.webp 1x, /p2.webp 2x"><img src="/p.jpg"></picture>
<video poster="/poster.jpg"><source src="/movie.mp4"></video><noscript><img src="/ns.jpg"></noscript>
<a href="/doc.pdf">a link is no requisite</a><iframe src="/frame.html"></iframe></body></html>"""


def test_html_requisites_in_page_order_once_each():
    got = html_requisites(PAGE, "http://h/site/page.html")
    assert got == [
        "http://h/site/a.css?ver=2", "http://h/site/alt.css", "http://h/f.woff2", "http://h/favicon.ico",
        "http://h/site/j.js", "http://h/site/s.css", "http://h/site/bg.png", "http://h/old.gif",
        "http://h/i.jpg", "http://h/lazy.jpg", "http://h/a-300.jpg", "http://h/a-768.jpg",
        "http://h/p.webp", "http://h/p2.webp", "http://h/p.jpg", "http://h/poster.jpg", "http://h/ns.jpg"]


def test_css_requisites_with_a_real_tokenizer():
    css = (b'@charset "utf-8"; @import url("x.css") screen; /* url(comment.png) */\n'
           b'@media (min-width: 600px) { .a { background: url(m.png) } }\n'
           b'.b::after { content: "url(not-a-url.png)"; background: image-set("c.png" 1x, url(d.png) 2x) }\n'
           b'@font-face { font-family: X; src: url(data:font/woff;base64,AAA), url(\'e.woff2\') format("woff2") }\n'
           b'.c { background: url(  "sp ace.png"  ) }')
    assert css_requisites(css, "http://h/t/s.css") == [
        "http://h/t/x.css", "http://h/t/m.png", "http://h/t/c.png", "http://h/t/d.png",
        "http://h/t/e.woff2", "http://h/t/sp ace.png"]
    assert css_requisites(STYLE_CSS, "http://h/wp-content/themes/haiphong/style.css?ver=1.4.2") == [
        "http://h/wp-content/themes/haiphong/css/fonts.css?ver=1.4.2",
        "http://h/wp-content/themes/haiphong/images/header-bg.png",
        "http://h/wp-content/themes/haiphong/images/attach.png"]
    assert css_requisites(FONTS_CSS, "http://h/wp-content/themes/haiphong/css/fonts.css") == [
        "http://h/wp-content/themes/haiphong/fonts/haiphong-digits.woff"]
    assert css_requisites(b"\xff\xfe garbage {{{ url(", "http://h/") == []
    assert html_requisites(b"", "http://h/") == [] and html_requisites(b"\x00\x01", "http://h/") == []


def test_stylesheet_by_type_or_path():
    assert is_stylesheet("http://h/a", "text/css; charset=utf-8")
    assert is_stylesheet("http://h/a.css?ver=1", None)
    assert is_stylesheet("http://h/a.css", "application/octet-stream")
    assert not is_stylesheet("http://h/a.css", "text/html")


class _Site(BaseHTTPRequestHandler):
    pages: dict = {}

    def do_GET(self):
        body, ctype = self.pages.get(self.path, (None, None))
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(host: str, pages: dict):
    handler = type("H", (_Site,), {"pages": pages})
    server = ThreadingHTTPServer((host, 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def two_hosts():
    """A site on 127.0.0.1 whose page uses a stylesheet on a font CDN at 127.0.0.2 (both loopback)."""
    cdn = _serve("127.0.0.2", {})
    cdn_base = f"http://127.0.0.2:{cdn.server_address[1]}"
    cdn.RequestHandlerClass.pages.update({
        "/css?family=Roboto": (f"@font-face {{ src: url({cdn_base}/roboto.woff2) }}".encode(), "text/css"),
        "/roboto.woff2": (b"wOF2 font bytes", "font/woff2"),
        "/elsewhere.html": (b"<html><body><a href='/deeper.html'>x</a></body></html>", "text/html"),
    })
    page = (f'<html><head><link rel="stylesheet" href="{cdn_base}/css?family=Roboto">'
            f'<link rel="stylesheet" href="/local.css"></head><body><a href="{cdn_base}/elsewhere.html">'
            f'off-site page</a><p>Trang chủ</p></body></html>').encode()
    site = _serve("127.0.0.1", {"/": (page, "text/html; charset=utf-8"),
                                "/local.css": (b"body{background:url(bg.png)}", "text/css"),
                                "/bg.png": (b"\x89PNG fake", "image/png")})
    yield f"http://127.0.0.1:{site.server_address[1]}/", cdn_base
    for server in (site, cdn):
        server.shutdown()
        server.server_close()


FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "ROBOTSTXT_OBEY=False")


@pytest.mark.slow
def test_offsite_requisites_are_opt_in_and_never_followed_further(two_hosts, tmp_path):
    start, cdn = two_hosts
    run_cli("crawl", "--archive", str(tmp_path / "off"), "--start-url", start, *FAST, check=False)
    conn = sqlite3.connect(tmp_path / "off" / "archive.sqlite")
    urls = {r[0] for r in conn.execute("SELECT url FROM captures")}
    assert start + "local.css" in urls and start + "bg.png" in urls
    assert not [u for u in urls if u.startswith(cdn)]

    run_cli("crawl", "--archive", str(tmp_path / "on"), "--start-url", start, *FAST,
            "-s", "PORTAL_FETCH_OFFSITE_REQUISITES=True", check=False)
    conn = sqlite3.connect(tmp_path / "on" / "archive.sqlite")
    urls = {r[0] for r in conn.execute("SELECT url FROM captures")}
    assert {cdn + "/css?family=Roboto", cdn + "/roboto.woff2"} <= urls
    assert not [u for u in urls if u.startswith(cdn) and u.endswith(".html")]  # pages: never
