"""Off-site URLs are never requested: a second loopback host stands for "the rest of the web".

The portal stand-in links to it (absolute, protocol-relative) and redirects to
it (301, 302, and a chain that leaves on the second hop); the off-site server
logs every request it gets, and must get none. Also run with the redirect
guard switched off, to pin down what Scrapy 2.19 does alone.
"""

from __future__ import annotations

import json

import pytest
from faultnet import ScriptedSite, crawl, crawl_log, html_page, open_db

pytestmark = pytest.mark.slow

HTML = [("Content-Type", "text/html; charset=UTF-8")]
RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def _portal(off: str) -> dict:
    links = [f"http://{off}/bai-ngoai.html", f"//{off}/tuong-doi.html", "/ra-ngoai-301.html",
             "/ra-ngoai-302.html", "/chuoi-1.html", "javascript:alert(1)", "mailto:a@b.vn"]
    return {
        "/robots.txt": (200, [("Content-Type", "text/plain")], b"User-agent: *\nDisallow:\n"),
        "/feed/": (200, [("Content-Type", "application/rss+xml")], RSS),
        "/": (200, HTML, html_page("Trang chủ", links)),
        "/ra-ngoai-301.html": (301, [("Location", f"http://{off}/moved.html")], b""),
        "/ra-ngoai-302.html": (302, [("Location", f"//{off}/tmp.html")], b""),
        "/chuoi-1.html": (302, [("Location", "/chuoi-2.html")], b""),
        "/chuoi-2.html": (307, [("Location", f"http://{off}:80/chuoi-3.html")], b""),
    }


@pytest.mark.parametrize("guard", [True, False], ids=["guard", "scrapy-alone"])
def test_offsite_host_gets_no_request(tmp_path, guard):
    archive = tmp_path / "archive"
    settings = [] if guard else [  # replaces the whole dict: Scrapy's middlewares only
        "DOWNLOADER_MIDDLEWARES=" + json.dumps(
            {"crawler.middlewares.redirect_guard.RedirectGuardMiddleware": None})]
    with ScriptedSite() as offsite, ScriptedSite(_portal(offsite.ip)) as portal:
        proc = crawl(archive, portal.url, *settings)
        assert offsite.requests == [], offsite.requests
        assert "/chuoi-2.html" in portal.paths()
    assert proc.returncode in (0, 3), proc.stderr[-2000:]
    assert "Traceback" not in crawl_log(archive)
    with open_db(archive) as db:
        hosts = {r[0].split("/")[2] for r in db.execute("SELECT url FROM captures")}
        assert hosts == {portal.ip}
        errors = {(r["url"].rsplit("/", 1)[1], r["kind"])
                  for r in db.execute("SELECT url, kind FROM errors")}
    if guard:  # each refused redirect is on record, with the on-site URL that asked for it
        assert errors == {("ra-ngoai-301.html", "offsite-redirect"),
                          ("ra-ngoai-302.html", "offsite-redirect"),
                          ("chuoi-2.html", "offsite-redirect")}
        assert proc.returncode == 3
    else:  # Scrapy's OffsiteMiddleware drops the redirected request silently
        assert errors == set()
