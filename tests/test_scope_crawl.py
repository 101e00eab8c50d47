"""What a crawl fetches (issue 14.1, 14.7): only the portal's origins; every skip on record; noarchive flagged.

A portal stand-in and a second server on the same loopback address but on
another port ("a service on the portal's machine"). The portal links,
redirects and lists in its sitemap URLs on that other port and on hostile
spellings (user info, other loopback names, trailing dot, upper case); the
second server must receive no request at all. robots.txt disallows a linked
page, one link is longer than ``URLLENGTH_LIMIT``, two pages say
``noarchive``. Also: no listening socket in the crawl's processes (Scrapy
2.19's RemoteControl off), checked against a run with it switched on.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import pytest
from faultnet import FAST, ScriptedSite, crawl, open_db, send

pytestmark = pytest.mark.slow

HTML = "text/html; charset=UTF-8"
LONG = "/dai-" + "a" * 2100 + ".html"


def Site(routes=None):
    """A scripted loopback server on a free port of 127.0.0.1 (``faultnet.ScriptedSite``)."""
    return ScriptedSite(routes, ip="127.0.0.1", port=0)


def slow(handler, _hit):
    time.sleep(2.0)  # keeps the crawl alive while its sockets are sampled
    send(handler, 200, [("Content-Type", HTML)], page("Chậm"))


def page(title: str, links=(), head: str = "") -> bytes:
    items = "".join(f'<li><a href="{h}">{h}</a></li>' for h in links)
    return (f'<!DOCTYPE html><html lang="vi"><head><meta charset="UTF-8"><title>{title}</title>{head}'
            f"</head><body><h1>{title}</h1><ul>{items}</ul></body></html>").encode()


def portal_routes(port: int, other: int) -> dict:
    here, there = f"http://127.0.0.1:{port}", f"http://127.0.0.1:{other}"
    links = [
        "/bai-1.html", "/noarchive-meta.html", "/noarchive-header.html", "/private/bi-mat.html",
        LONG, "/ra-cong-khac.html", "/slow.html",
        f"{there}/secret-admin.html",                      # other port, plain
        f"HTTP://127.0.0.1:{other}/upper.html",            # other port, upper-case scheme
        f"http://127.0.0.1.:{other}/dot.html",             # other port, trailing dot
        f"{here}@127.0.0.1:{other}/userinfo.html",         # the host is the other port's
        f"http://localhost:{port}/localhost.html",         # another loopback name
        f"http://[::1]:{port}/v6.html",
        f"//127.0.0.1:{other}/relative.html",              # protocol-relative
    ]
    sitemap = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
               f"<url><loc>{here}/bai-1.html</loc></url>"
               f"<url><loc>{there}/sitemap-post.html</loc></url></urlset>").encode()
    return {
        "/robots.txt": (200, [("Content-Type", "text/plain")],
                        f"User-agent: *\nDisallow: /private/\nSitemap: {here}/sitemap.xml\n".encode()),
        "/sitemap.xml": (200, [("Content-Type", "application/xml")], sitemap),
        "/feed/": (200, [("Content-Type", "application/rss+xml")],
                   b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'),
        "/": (200, [("Content-Type", HTML)], page("Trang chủ", links)),
        "/bai-1.html": (200, [("Content-Type", HTML)], page("Bài một")),
        "/slow.html": slow,
        "/noarchive-meta.html": (200, [("Content-Type", HTML)],
                                 page("Không lưu", head='<meta name="robots" content="noindex, noarchive">')),
        "/noarchive-header.html": (200, [("Content-Type", HTML), ("X-Robots-Tag", "noarchive")],
                                   page("Không lưu 2")),
        "/ra-cong-khac.html": (302, [("Location", f"{there}/redirected.html")], b""),
        "/private/bi-mat.html": (200, [("Content-Type", HTML)], page("Bí mật")),
    }


def listening_inodes() -> set[str]:
    inodes = set()
    for name in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/net/{name}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def process_tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
    return out


def sockets_of(pids: list[int]) -> set[str]:
    found = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                found.add(target[8:-1])
    return found


def crawl_watching_sockets(archive: Path, start_url: str, *settings: str) -> tuple[int, set[str]]:
    """Run a crawl; return its exit code and the listening sockets its processes held."""
    args = [sys.executable, "-m", "crawler", "crawl", "--archive", str(archive), "--start-url", start_url]
    for s in (*FAST, *settings):
        args += ["-s", s]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen: set[str] = set()
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            seen |= sockets_of(process_tree(proc.pid)) & listening_inodes()
        except OSError:
            pass
        time.sleep(0.05)
    return proc.wait(timeout=60), seen


@pytest.fixture(scope="module")
def scoped(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scope")
    with Site() as other:
        with Site() as portal:
            portal.routes.update(portal_routes(portal.port, other.port))
            code, listening = crawl_watching_sockets(tmp / "archive", portal.url)
            honour = crawl(tmp / "honour", portal.url, "PORTAL_HONOUR_NOARCHIVE=True")
            yield {"archive": tmp / "archive", "code": code, "listening": listening,
                   "portal": portal, "other": other, "honour": tmp / "honour",
                   "honour_proc": honour}


def test_other_port_gets_no_request(scoped):
    assert scoped["other"].paths() == []
    assert scoped["code"] in (0, 3)
    with closing(open_db(scoped["archive"])) as db:
        ports = {r[0].split("/")[2] for r in db.execute("SELECT url FROM captures")}
    assert ports == {f"127.0.0.1:{scoped['portal'].port}"}


def test_every_skip_is_recorded(scoped):
    port, other = scoped["portal"].port, scoped["other"].port
    home = f"http://127.0.0.1:{port}/"
    with closing(open_db(scoped["archive"])) as db:
        rows = {(r["url"], r["reason"]): r["referrer"]
                for r in db.execute("SELECT url, reason, referrer FROM skips")}
        redirect_errors = {r[0] for r in db.execute(
            "SELECT url FROM errors WHERE kind='offsite-redirect'")}
    expected = {
        (f"http://127.0.0.1:{other}/secret-admin.html", "other-port"): home,
        (f"http://127.0.0.1:{other}/upper.html", "other-port"): home,
        (f"http://127.0.0.1:{other}/relative.html", "other-port"): home,
        (f"http://localhost:{port}/localhost.html", "off-site"): home,
        (f"http://[::1]:{port}/v6.html", "off-site"): home,
        (f"http://127.0.0.1:{port}/private/bi-mat.html", "robots"): home,
        (f"http://127.0.0.1:{other}/sitemap-post.html", "other-port"): f"http://127.0.0.1:{port}/sitemap.xml",
    }
    for key, referrer in expected.items():
        assert key in rows, (key, sorted(rows))
        assert rows[key] == referrer, key
    reasons = {reason for (_url, reason) in rows}
    assert {"too-long", "bad-url"} <= reasons, sorted(rows)
    too_long = [u for (u, r) in rows if r == "too-long"]
    assert too_long and all(len(u) > 2083 for u in too_long)
    # the trailing-dot spelling of the other port is the other port too
    assert any(r == "other-port" and "dot.html" in u for (u, r) in rows)
    assert any(r == "bad-url" and "userinfo.html" in u for (u, r) in rows)
    # a redirect to the other port is refused before it is followed, with an errors row
    assert redirect_errors == {f"http://127.0.0.1:{port}/ra-cong-khac.html"}


def test_noarchive_pages_are_archived_and_flagged(scoped):
    port = scoped["portal"].port
    with closing(open_db(scoped["archive"])) as db:
        flagged = {r[0] for r in db.execute("SELECT url FROM captures WHERE noarchive=1")}
        stats = json.loads(db.execute("SELECT stats_json FROM crawls").fetchone()[0])
    assert flagged == {f"http://127.0.0.1:{port}/noarchive-meta.html",
                       f"http://127.0.0.1:{port}/noarchive-header.html"}
    assert stats["archive/noarchive"] == 2
    assert stats["archive/skips"] >= 8


def test_status_shows_skips(scoped):
    from archive.status import archive_status, format_status

    text = format_status(archive_status(scoped["archive"]))
    assert "skipped" in text and "other-port" in text and "noarchive" in text


def test_honour_noarchive_skips_them(scoped):
    proc = scoped["honour_proc"]
    assert proc.returncode in (0, 3), proc.stderr[-2000:]
    port = scoped["portal"].port
    with closing(open_db(scoped["honour"])) as db:
        urls = {r[0] for r in db.execute("SELECT url FROM captures")}
        skipped = {r[0] for r in db.execute("SELECT url FROM skips WHERE reason='noarchive'")}
    pages = {f"http://127.0.0.1:{port}/noarchive-meta.html", f"http://127.0.0.1:{port}/noarchive-header.html"}
    assert not pages & urls
    assert skipped == pages
    warcs = b"".join(p.read_bytes() for p in (scoped["honour"] / "warc").glob("*.warc.gz"))
    records = gzip.decompress(warcs)
    for url in pages:
        assert f"WARC-Target-URI: {url}\r\n".encode() not in records
    assert f"WARC-Target-URI: http://127.0.0.1:{port}/bai-1.html\r\n".encode() in records


def test_no_listening_socket(scoped):
    assert scoped["listening"] == set()


def test_the_socket_probe_sees_remote_control(tmp_path):
    """Control: with RemoteControl switched back on, the same probe finds its socket."""
    with Site() as portal:
        portal.routes.update({"/": (200, [("Content-Type", HTML)], page("Trang chủ", ["/slow.html"])),
                              "/slow.html": slow})
        code, listening = crawl_watching_sockets(
            tmp_path / "a", portal.url, "REMOTE_CONTROL_ENABLED=True",
            "EXTENSIONS=" + json.dumps({"crawler.archive_extension.ArchiveExtension": 100}))
    assert code in (0, 3)
    assert listening, "RemoteControl on, yet no listening socket seen: the probe is blind"
