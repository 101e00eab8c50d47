"""Bounded bodies with small limits: oversize bodies cut and marked, bombs refused, good gzip kept.

Covers what the replica's 50 MB page and 1 GiB bomb do not: a declared
``Content-Length`` above ``DOWNLOAD_MAXSIZE`` (Scrapy alone would refuse it
and keep nothing), a chunked body of unknown length, a bomb inside a bomb
(``Content-Encoding: gzip, gzip``) and a large but honest gzip page.
"""

from __future__ import annotations

import gzip

import pytest
from faultnet import ScriptedSite, crawl, crawl_log, html_page, open_db

from archive.warc import read_record

pytestmark = pytest.mark.slow

MiB = 1024 * 1024
LIMIT = 1 * MiB
HTML = [("Content-Type", "text/html; charset=UTF-8")]
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
PAGES = ["/khai-bao-lon.html", "/khong-do-dai.html", "/bom-long-bom.html", "/gzip-lon-hop-le.html"]


def _chunked(handler, hit):
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=UTF-8")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    piece = b"<p>" + "Nội dung rất dài. ".encode() * 3000 + b"</p>\n"
    try:
        for _ in range(3 * MiB // len(piece) + 1):
            handler.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        handler.wfile.write(b"0\r\n\r\n")
    except OSError:
        pass  # the crawler hung up at its limit


def _routes() -> dict:
    big = html_page("lớn", body="<p>" + "x" * (5 * MiB) + "</p>")
    nested = gzip.compress(gzip.compress(b" " * (256 * MiB), 9), 9)
    honest = html_page("gzip", body="<p>" + "Hải Phòng. " * 100_000 + "</p>")
    return {
        "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow:\n"),
        "/feed/": (200, [("Content-Type", "application/rss+xml")], RSS),
        "/": (200, HTML, html_page("Trang chủ", PAGES)),
        PAGES[0]: (200, HTML, big),
        PAGES[1]: _chunked,
        PAGES[2]: (200, [*HTML, ("Content-Encoding", "gzip, gzip")], nested),
        PAGES[3]: (200, [*HTML, ("Content-Encoding", "gzip")], gzip.compress(honest)),
    }


@pytest.fixture(scope="module")
def bodies(tmp_path_factory):
    archive = tmp_path_factory.mktemp("bodies") / "archive"
    with ScriptedSite(_routes()) as site:
        proc = crawl(archive, site.url, f"PORTAL_MAX_BODY_SIZE={LIMIT}",
                     f"DOWNLOAD_MAXSIZE={2 * MiB}", f"PORTAL_MAX_DECOMPRESSED_SIZE={4 * MiB}",
                     f"DOWNLOAD_WARNSIZE={MiB}")
    return archive, proc


def _capture(archive, path):
    with open_db(archive) as db:
        return db.execute("SELECT * FROM captures WHERE url LIKE ?", ("%" + path,)).fetchone()


def _errors(archive) -> dict:
    with open_db(archive) as db:
        return {r["url"].rsplit("/", 1)[1]: r["kind"] for r in db.execute("SELECT url, kind FROM errors")}


def test_no_crash_and_exit_3(bodies):
    archive, proc = bodies
    assert proc.returncode == 3, proc.stdout + proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr + crawl_log(archive)


@pytest.mark.parametrize("path", PAGES[:2], ids=["declared-above-maxsize", "chunked"])
def test_oversize_is_cut_at_the_limit_and_marked(bodies, path):
    archive, _ = bodies
    row = _capture(archive, path)
    assert row is not None, f"{path} was not archived at all"
    assert row["truncated"] == "length"
    assert LIMIT < row["payload_length"] <= LIMIT + 256 * 1024
    rec = read_record(archive / "warc" / row["warc_file"], row["warc_offset"])
    assert rec.warc_header("WARC-Truncated") == "length"
    assert _errors(archive)[path[1:]] == "truncated"


def test_nested_bomb_is_refused(bodies):
    archive, _ = bodies
    row = _capture(archive, PAGES[2])
    assert row is not None and row["truncated"] is None and row["payload_length"] < MiB
    assert _errors(archive)[PAGES[2][1:]] == "decompression-bomb"


def test_honest_large_gzip_page_passes(bodies):
    archive, _ = bodies
    row = _capture(archive, PAGES[3])
    assert row is not None and row["status"] == 200 and row["truncated"] is None
    assert PAGES[3][1:] not in _errors(archive)  # 1.3 MB inflated: under both limits
    assert set(_errors(archive)) == {p[1:] for p in PAGES[:3]}
