"""Hostile input: XML entity bombs and external entities in sitemaps and feeds, SQL in search text.

Sitemaps go through Scrapy's ``Sitemap`` (lxml with ``resolve_entities=False``)
and feeds through parsel's XML selector; neither may expand a billion-laughs
entity or fetch an external one. Query text reaches SQLite only as bound
parameters, so ``'); DROP TABLE articles; --`` finds nothing and breaks nothing.
"""

from __future__ import annotations

import re
import sqlite3

import pytest
from clirun import run_cli
from faultnet import ScriptedSite, crawl, crawl_log, open_db
from scrapy import Selector
from scrapy.utils.sitemap import Sitemap

HTML = [("Content-Type", "text/html; charset=UTF-8")]
XML = [("Content-Type", "application/xml; charset=UTF-8")]


def _doctype(root: str, offsite: str, *, bomb: bool) -> str:
    if bomb:  # billion laughs: 10^9 "lol"s if expanded
        ents = ['<!ENTITY lol0 "lol">']
        ents += [f'<!ENTITY lol{i} "{("&lol%d;" % (i - 1)) * 10}">' for i in range(1, 10)]
    else:  # external entities: a file and an off-site URL
        ents = [f'<!ENTITY xxe SYSTEM "http://{offsite}/xxe">', '<!ENTITY file SYSTEM "file:///etc/passwd">']
    return f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n' + "\n".join(ents) + "\n]>\n"


def evil_sitemap(host: str, offsite: str, *, bomb: bool) -> bytes:
    refs = ["&lol9;"] if bomb else ["&xxe;", "&file;"]
    locs = [f"http://{host}/{ref}x.html" for ref in refs] + [f"http://{host}/bai-hop-le.html"]
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (_doctype("urlset", offsite, bomb=bomb)
            + f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()


def evil_feed(host: str, offsite: str, *, bomb: bool) -> bytes:
    ref = "&lol9;" if bomb else "&file;"
    links = [f"http://{host}/{ref}", f"http://{host}/bai-tu-feed.html"]
    items = "".join(f"<item><title>{ref}</title><link>{link}</link></item>" for link in links)
    return (_doctype("rss", offsite, bomb=bomb)
            + f'<rss version="2.0"><channel><title>{ref}</title>{items}</channel></rss>').encode()


def _harmless(values) -> None:
    for v in values:
        assert "lollol" not in v and "root:" not in v and len(v) < 100, v[:200]


@pytest.mark.parametrize("bomb", [True, False], ids=["billion-laughs", "external-entity"])
def test_sitemap_parser_expands_no_entity(bomb):
    locs = [e.get("loc", "") for e in Sitemap(evil_sitemap("h.test", "127.0.0.1:9", bomb=bomb))]
    _harmless(locs)
    if not bomb:  # lxml gives up on the rest of a bomb file (safe); otherwise entries survive
        assert "http://h.test/bai-hop-le.html" in locs


@pytest.mark.parametrize("bomb", [True, False], ids=["billion-laughs", "external-entity"])
def test_feed_selector_expands_no_entity(bomb):
    sel = Selector(text=evil_feed("h.test", "127.0.0.1:9", bomb=bomb).decode(), type="xml")
    _harmless(sel.xpath("//text()").getall())
    if not bomb:
        assert "http://h.test/bai-tu-feed.html" in sel.xpath("//item/link/text()").getall()


@pytest.mark.slow
def test_crawl_of_hostile_sitemap_and_feed(tmp_path):
    archive = tmp_path / "archive"
    with ScriptedSite() as offsite:
        routes = {"/": (200, HTML, b"<html><body>trang chu</body></html>")}
        with ScriptedSite(routes) as portal:
            host = portal.ip
            portal.routes.update({
                "/robots.txt": (200, [("Content-Type", "text/plain")],
                                f"User-agent: *\nDisallow:\nSitemap: http://{host}/bomb.xml\n"
                                f"Sitemap: http://{host}/xxe.xml\n".encode()),
                "/bomb.xml": (200, XML, evil_sitemap(host, offsite.ip, bomb=True)),
                "/xxe.xml": (200, XML, evil_sitemap(host, offsite.ip, bomb=False)),
                "/feed/": (200, [("Content-Type", "application/rss+xml")],
                           evil_feed(host, offsite.ip, bomb=False)),
                "/bai-hop-le.html": (200, HTML, b"<html><body>ok</body></html>"),
                "/bai-tu-feed.html": (200, HTML, b"<html><body>ok</body></html>"),
            })
            proc = crawl(archive, portal.url)
            paths = portal.paths()
        assert offsite.requests == []
    assert proc.returncode in (0, 3), proc.stderr[-2000:]
    assert "Traceback" not in crawl_log(archive)
    assert {"/bomb.xml", "/xxe.xml", "/feed/", "/bai-hop-le.html", "/bai-tu-feed.html"} <= set(paths)
    _harmless(paths)
    # no file in the archive is named after a URL
    allowed = re.compile(r"^(archive\.sqlite(-wal|-shm)?|manifest-sha256\.txt|"
                         r"warc/[\w.-]+\.warc\.gz(\.open)?|indexes/[\w.-]+|logs/[\w.-]+|state/[\w.-]+)$")
    for f in archive.rglob("*"):
        if f.is_file():
            rel = f.relative_to(archive).as_posix()
            assert allowed.match(rel) and "evil" not in rel and "bai-" not in rel, rel


HOSTILE = ["'); DROP TABLE articles; --", "' OR 1=1 --", '"', "*", "NEAR(a b", "a OR", "^",
           "\\", "%", "_", "articles_fts MATCH 'x'", "hải AND"]


@pytest.mark.slow
@pytest.mark.parametrize("query", HOSTILE)
def test_search_text_is_only_ever_data(demo_archive, query):
    db_path = demo_archive / "archive.sqlite"

    def snapshot():
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            tables = conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall()
            return tables, conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()

    before = snapshot()
    proc = run_cli("search", "--archive", str(demo_archive), query, check=False)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1, 2), proc.stderr
    if proc.returncode:
        assert proc.stderr.strip().count("\n") <= 1, proc.stderr  # one clear line
    if "DROP" in query or "1=1" in query:
        assert proc.returncode == 0 and "no matches" in (proc.stdout + proc.stderr).lower(), proc.stdout
    assert snapshot() == before


@pytest.mark.slow
def test_search_and_export_filters_are_bound(demo_archive, tmp_path):
    proc = run_cli("search", "--archive", str(demo_archive), "--category", "' OR 1=1 --", "a",
                   check=False)
    assert proc.returncode == 0 and "no matches" in (proc.stdout + proc.stderr).lower()
    out = tmp_path / "x.jsonl"
    proc = run_cli("export", "--archive", str(demo_archive), "--format", "jsonl", "-o", str(out),
                   "--category", "x' OR '1'='1", check=False)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1)
    if out.exists():
        assert out.read_text().strip() == ""
    bad = run_cli("search", "--archive", str(demo_archive), "--since", "2019'; DROP TABLE articles; --",
                  "a", check=False)
    assert bad.returncode in (1, 2) and "Traceback" not in bad.stderr
    with open_db(demo_archive) as db:
        assert db.execute("SELECT count(*) FROM articles").fetchone()[0] > 0
