"""Scope is scheme + host + port (issue 14.1), host aliases (14.1, 13.6), noarchive (14.7): the pure parts.

The crawls that prove the same end to end are in ``test_scope_crawl.py`` and
``test_aliases_crawl.py``.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from archive.crawl.noarchive import exchange_noarchive, is_noarchive
from archive.db import open_db
from archive.db.store import Store
from archive.origins import (
    BadOrigin,
    Origin,
    Scope,
    parse_aliases,
    parse_origin,
    split_origin,
    stored_aliases,
)
from archive.parser.model import Article, Image, Link, Term
from crawler.cli import main

PORTAL = "http://127.0.0.1:8000/"


@pytest.mark.parametrize("url, reason", [
    ("http://127.0.0.1:8000/a.html", None),
    ("HTTP://127.0.0.1:8000/a.html", None),                 # scheme case
    ("http://127.0.0.1.:8000/a.html", None),                # trailing dot: the same host
    ("http://127.0.0.1:8001/secret-admin.html", "other-port"),
    ("http://127.0.0.1/", "other-port"),                    # port 80 is another port here
    ("https://127.0.0.1:8000/", "other-port"),              # another scheme on the same port
    ("http://localhost:8000/", "off-site"),
    ("http://[::1]:8000/", "off-site"),
    ("http://127.1:8000/", "off-site"),                     # another spelling is another host
    ("http://2130706433:8000/", "off-site"),
    ("http://127.0.0.1:8000@evil.example/", "bad-url"),     # user info: the host is evil.example
    ("http://evil@127.0.0.1:8000/", "bad-url"),
    ("http://127.0.0.1%2e:8000/", "bad-url"),               # percent-encoded host
    ("http://127.0.0.1:99999/", "bad-url"),
    ("http://127.0.0.1:8000:8001/", "bad-url"),
    ("ftp://127.0.0.1:8000/", "bad-url"),
    ("javascript:alert(1)", "bad-url"),
    ("http://sub.127.0.0.1:8000/", "off-site"),
])
def test_loopback_scope(url, reason):
    assert Scope.build(PORTAL).why_not(url) == reason


@pytest.mark.parametrize("url, reason", [
    ("https://thanhphohaiphong.gov.vn/a.html", None),
    ("https://THANHPHOHAIPHONG.GOV.VN./a.html", None),
    ("https://thanhphohaiphong.gov.vn:443/a.html", None),   # the default port, written out
    ("http://thanhphohaiphong.gov.vn/a.html", None),        # http twin of an https site (port 80)
    ("http://thanhphohaiphong.gov.vn:80/a.html", None),
    ("https://thanhphohaiphong.gov.vn:8443/", "other-port"),
    ("http://thanhphohaiphong.gov.vn:8080/", "other-port"),
    ("https://www.thanhphohaiphong.gov.vn/", "off-site"),   # www. only as an alias
    ("https://mail.thanhphohaiphong.gov.vn/", "off-site"),
    ("https://thanhphohaiphong.gov.vn.evil.example/", "off-site"),
    ("https://thanhphohaiphong.gov.vn@evil.example/", "bad-url"),
])
def test_portal_scope(url, reason):
    assert Scope.build("https://thanhphohaiphong.gov.vn/").why_not(url) == reason


def test_idna_hosts_compare_in_ascii():
    scope = Scope.build("http://hải-phòng.vn/")
    assert scope.live.host.startswith("xn--")
    assert scope.on_site("http://HẢI-PHÒNG.vn/tin.html")
    assert scope.on_site(f"http://{scope.live.host}/tin.html")


def test_default_ports_and_netloc():
    assert split_origin("https://a.vn:443/x") == Origin("https", "a.vn", 443)
    assert str(Origin("https", "a.vn", 443)) == "https://a.vn"
    assert str(Origin("http", "::1", 8080)) == "http://[::1]:8080"
    with pytest.raises(BadOrigin):
        parse_origin("a.vn")
    with pytest.raises(BadOrigin):
        parse_origin("https://a.vn/path")


def test_alias_makes_one_site_with_the_archived_origin_primary():
    pairs = parse_aliases("http://127.0.0.1:8000=http://127.0.0.1:9000")
    assert str(Scope.build("http://127.0.0.1:9000/", pairs).primary) == "http://127.0.0.1:9000"  # new archive
    archived = {Origin("http", "127.0.0.1", 8000): Origin("http", "127.0.0.1", 8000)}
    scope = Scope.build("http://127.0.0.1:9000/", pairs, archived)
    assert str(scope.primary) == "http://127.0.0.1:8000"
    assert scope.on_site("http://127.0.0.1:8000/a") and scope.on_site("http://127.0.0.1:9000/a")
    assert scope.why_not("http://127.0.0.1:8001/a") == "other-port"
    assert scope.canonical("http://127.0.0.1:9000/a.html?p=1") == "http://127.0.0.1:8000/a.html?p=1"
    assert scope.live_url("http://127.0.0.1:8000/a.html") == "http://127.0.0.1:9000/a.html"
    assert scope.canonical("http://other.example/a") == "http://other.example/a"


def test_www_and_https_move():
    pairs = parse_aliases(["http://portal.vn=https://www.portal.vn"])
    archived = {Origin("http", "portal.vn", 80): Origin("http", "portal.vn", 80)}
    scope = Scope.build("https://www.portal.vn/", pairs, archived)
    assert str(scope.primary) == "http://portal.vn"
    assert scope.canonical("https://www.portal.vn/tin.html") == "http://portal.vn/tin.html"
    assert scope.on_site("http://www.portal.vn/tin.html")  # the http twin of the new origin
    assert scope.on_site("https://portal.vn/tin.html")    # the https twin of the old one


def test_remembered_primary_wins_over_pair_order():
    remembered = {Origin("http", "127.0.0.1", 9000): Origin("http", "127.0.0.1", 9000)}
    pairs = parse_aliases("http://127.0.0.1:8000=http://127.0.0.1:9000")
    assert str(Scope.build("http://127.0.0.1:9000/", pairs, remembered).primary) == \
        "http://127.0.0.1:9000"


def test_unrelated_remembered_sites_stay_apart():
    remembered = {Origin("http", "127.0.0.1", 8000): Origin("http", "127.0.0.1", 8000)}
    scope = Scope.build("http://127.0.0.1:9000/", [], remembered)
    assert str(scope.primary) == "http://127.0.0.1:9000"
    assert not scope.on_site("http://127.0.0.1:8000/")


@pytest.mark.parametrize("bad", ["nonsense", "http://a.vn", "http://a.vn=b.vn",
                                 "http://a.vn/x=http://b.vn", "http://a@b.vn=http://c.vn"])
def test_bad_aliases(bad):
    with pytest.raises(BadOrigin):
        parse_aliases(bad)


def test_rebase_article_moves_on_site_urls_only():
    scope = Scope.build("http://127.0.0.1:9000/", parse_aliases("http://127.0.0.1:8000=http://127.0.0.1:9000"),
                        {Origin("http", "127.0.0.1", 8000): Origin("http", "127.0.0.1", 8000)})
    a = Article(url="http://127.0.0.1:9000/bai.html", original_url="https://baohaiphong.vn/x",
                categories=[Term("c", "C", "http://127.0.0.1:9000/category/c/")],
                images=[Image("http://127.0.0.1:9000/wp-content/uploads/a.jpg", "cap")],
                links=[Link("http://127.0.0.1:9000/b.html", "related"),
                       Link("https://baohaiphong.vn/y", "body")])
    b = scope.rebase_article(a)
    assert b.url == "http://127.0.0.1:8000/bai.html"
    assert b.original_url == "https://baohaiphong.vn/x"
    assert b.categories[0].url == "http://127.0.0.1:8000/category/c/"
    assert b.images[0] == Image("http://127.0.0.1:8000/wp-content/uploads/a.jpg", "cap")
    assert [link.url for link in b.links] == ["http://127.0.0.1:8000/b.html", "https://baohaiphong.vn/y"]
    assert a.url == "http://127.0.0.1:9000/bai.html"  # the parser's object is not changed


def test_origins_table_round_trip(tmp_path):
    conn = open_db(tmp_path / "a.sqlite")
    store = Store(conn)
    store.start_crawl("http://127.0.0.1:8000/", {})  # crawled before the table existed
    assert {str(k) for k in stored_aliases(conn)} == {"http://127.0.0.1:8000"}
    crawl = store.start_crawl("http://127.0.0.1:9000/", {})
    scope = Scope.build("http://127.0.0.1:9000/", parse_aliases("http://127.0.0.1:8000=http://127.0.0.1:9000"),
                        stored_aliases(conn))
    store.remember_origins(scope.remembered(), crawl)
    got = stored_aliases(conn)
    assert {str(k): str(v) for k, v in got.items()} == {
        "http://127.0.0.1:8000": "http://127.0.0.1:8000", "http://127.0.0.1:9000": "http://127.0.0.1:8000"}
    later = Scope.build("http://127.0.0.1:9000/", [], got)  # no --alias any more: remembered
    assert str(later.primary) == "http://127.0.0.1:8000"
    store.add_skip(crawl, "http://127.0.0.1:8001/x", "other-port", "http://127.0.0.1:9000/")
    store.add_skip(crawl, "http://127.0.0.1:8001/x", "other-port", "http://127.0.0.1:9000/b")
    rows = conn.execute("SELECT url, reason, referrer FROM skips").fetchall()
    assert [tuple(r) for r in rows] == [("http://127.0.0.1:8001/x", "other-port", "http://127.0.0.1:9000/")]
    conn.close()


def test_cli_rejects_a_bad_alias(tmp_path):
    r = CliRunner().invoke(main, ["crawl", "--archive", str(tmp_path / "a"), "--start-url",
                                  "http://127.0.0.1:9/", "--alias", "127.0.0.1:8000"])
    assert r.exit_code == 2
    assert "--alias" in r.output and "Traceback" not in r.output
    assert not (tmp_path / "a").exists()


# -- noarchive --------------------------------------------------------------------------
HTML = [("Content-Type", "text/html; charset=UTF-8")]


@pytest.mark.parametrize("headers, body, expected", [
    (HTML, b"<html><head><title>x</title></head></html>", False),
    (HTML + [("X-Robots-Tag", "noarchive")], b"", True),
    (HTML + [("X-Robots-Tag", "noindex, NoArchive")], b"", True),
    (HTML + [("X-Robots-Tag", "googlebot: noarchive")], b"", False),      # another engine's rule
    (HTML + [("X-Robots-Tag", "portal-archive: noarchive")], b"", True),
    (HTML + [("X-Robots-Tag", "unavailable_after: 2030-01-01, noarchive")], b"", True),
    (HTML, b'<head><meta name="robots" content="noindex,noarchive"></head>', True),
    (HTML, b"<head><META NAME='ROBOTS' CONTENT='NOARCHIVE'></head>", True),
    (HTML, b'<head><meta content="noarchive" name="robots"/></head>', True),
    (HTML, b'<head><meta name="googlebot" content="noarchive"></head>', False),
    (HTML, b'<p>the word noarchive in the text</p>', False),
    ([("Content-Type", "image/jpeg")], b'<meta name="robots" content="noarchive">', False),
])
def test_noarchive(headers, body, expected):
    assert is_noarchive(headers, body) is expected


def test_noarchive_in_a_gzip_body():
    import gzip

    body = gzip.compress(b'<html><head><meta name="robots" content="noarchive"></head></html>')
    headers = [(b"Content-Type", b"text/html"), (b"Content-Encoding", b"gzip")]
    assert exchange_noarchive(headers, body) is True
    assert exchange_noarchive(headers, b"\x1f\x8bbroken") is False  # undecodable: headers only


def test_url_length_drops_are_recorded():
    """Scrapy's URLLENGTH_LIMIT, applied by the project's replacement middleware: a skips row."""
    from scrapy import Request, Spider
    from scrapy.http import HtmlResponse
    from scrapy.utils.test import get_crawler

    from crawler.middlewares.scope_guard import UrlLengthSkipMiddleware

    class Recording(Spider):
        name = "recording"

        def skip(self, *args):
            self.skipped.append(args)

    crawler = get_crawler(Recording, {"URLLENGTH_LIMIT": 60})
    crawler.spider = Recording.from_crawler(crawler)
    crawler.spider.skipped = []
    mw = UrlLengthSkipMiddleware.from_crawler(crawler)
    page = HtmlResponse("http://127.0.0.1:8000/trang.html", body=b"<html></html>")
    short, long = "http://127.0.0.1:8000/a.html", "http://127.0.0.1:8000/" + "b" * 80
    assert mw.get_processed_request(Request(short), page) is not None
    assert mw.get_processed_request(Request(long), page) is None
    assert crawler.spider.skipped == [(long, "too-long", page.url, "longer than URLLENGTH_LIMIT (60)")]


@pytest.mark.parametrize("start, url, reason", [
    ("https://thanhphohaiphong.gov.vn/", "https://fonts.example.com/a.woff2", None),
    ("https://thanhphohaiphong.gov.vn/", "https://thanhphohaiphong.gov.vn:8443/a.css", "other-port"),
    ("https://thanhphohaiphong.gov.vn/", "http://127.0.0.1:6800/a.js", "internal-address"),
    ("https://thanhphohaiphong.gov.vn/", "http://localhost/a.js", "internal-address"),
    ("https://thanhphohaiphong.gov.vn/", "http://[::1]:9000/a.js", "internal-address"),
    ("https://thanhphohaiphong.gov.vn/", "http://10.0.0.5/a.js", "internal-address"),
    ("https://thanhphohaiphong.gov.vn/", "http://169.254.169.254/latest/meta-data/", "internal-address"),
    ("https://thanhphohaiphong.gov.vn/", "http://cdn@evil.example/a.js", "bad-url"),
    ("http://127.0.0.1:8000/", "http://127.0.0.2/a.css", None),   # a loopback replica's own "CDN"
    ("http://127.0.0.1:8000/", "http://127.0.0.1:8001/a.css", "other-port"),
])
def test_offsite_embeds(start, url, reason):
    assert Scope.build(start).why_not_embed(url) == reason
