"""One article from a post's pages and REST JSON (``archive.warc.assemble``), on replica pages."""

from __future__ import annotations

import json

import pytest

from archive.parser.core import read_page
from archive.warc.assemble import PostParts, load_rest, rest_post_id, settles, with_embed
from replica.content import Corpus
from replica.site import Site
from replica.style import SiteStyle
from replica.truth import iter_truth

BASE = "http://127.0.0.1:8000"
POSTS, SEED = 120, 3


def get(site, url):
    status, _, body = site.handle("GET", url[len(BASE):], {"Host": "127.0.0.1:8000"})
    return status, body


def gather(site, truth_row, parts: PostParts):
    """What the crawl does for one post: page 1, then every part it asks for."""
    status, body = get(site, truth_row["url"])
    article = read_page(body, truth_row["url"]).article
    urls = parts.hold(article, 1, "2026-01-01T00:00:00Z")
    if not urls:
        return article, urls
    ready = []
    for url in urls:
        status, body = get(site, url)
        if rest_post_id(url) is not None:
            ready += parts.rest(url, status, body)
        else:
            ready += parts.page(read_page(body, url).article)
    assert len(ready) == 1 and not len(parts)
    return ready[0].article, urls


@pytest.mark.parametrize("style", [SiteStyle(), SiteStyle(theme="block", seo="none"), SiteStyle(rest="403")])
def test_pages_and_rest_complete_the_article(style):
    site = Site(Corpus(POSTS, SEED, variety=True), style=style)
    parts = PostParts()
    multi = 0
    for t in iter_truth(POSTS, SEED, BASE, variety=True, style=style):
        article, urls = gather(site, t, parts)
        assert article.pages == t["pages"]
        multi += t["pages"] > 1
        assert any("/wp-json/wp/v2/posts/" in u for u in urls)     # every page links its REST twin
        if style.rest == "on":
            assert article.modified_at == t["modified_at"] and article.wp_author == t["wp_author"]
        assert [x.slug for x in article.categories] == [c["slug"] for c in t["categories"]]
    assert multi


@pytest.mark.parametrize("body", [b"", b"<html>403</html>", b"[]", b'{"code":"rest_forbidden"}',
                                  b"\xff\xfe", json.dumps({"id": "7"}).encode(), b"{" * 10])
def test_bad_rest_bodies_are_ignored(body):
    assert load_rest(body) is None


def test_rest_urls():
    assert rest_post_id("http://x/wp-json/wp/v2/posts/12") == 12
    assert rest_post_id("http://x/wp-json/wp/v2/posts/12?_embed=") == 12
    assert rest_post_id("http://x/?rest_route=/wp/v2/posts/9") == 9
    assert rest_post_id("http://x/wp-json/wp/v2/pages/12") is None
    assert with_embed("http://x/wp-json/wp/v2/posts/12") == "http://x/wp-json/wp/v2/posts/12?_embed"


def test_parts_that_never_answer_are_drained():
    site = Site(Corpus(POSTS, SEED, variety=True))
    parts = PostParts()
    t = next(iter_truth(POSTS, SEED, BASE, variety=True))
    article = read_page(get(site, t["url"])[1], t["url"]).article
    urls = parts.hold(article, 3, "t")
    assert urls and parts.is_part(urls[-1])
    assert parts.hold(article, 3, "t") == []            # held once
    ready = parts.drain()
    assert [r.capture_id for r in ready] == [3] and ready[0].article.url == t["url"]
    assert not len(parts)
    assert PostParts(fetch_rest=False).hold(article, 1, "t") == article.page_urls[1:]


# ---- which answer of a part counts (archive.warc.assemble.settles) ---------------------

@pytest.fixture(scope="module")
def site():
    return Site(Corpus(POSTS, SEED, variety=True))


@pytest.mark.parametrize("status, final", [
    (200, True), (203, True), (401, True), (403, True), (404, True), (410, True), (400, True),
    (408, False), (429, False), (500, False), (502, False), (503, False), (504, False),
    (301, False), (302, False), (None, False)])
def test_which_answers_settle_a_part(status, final):
    assert settles(status) is final


def _held_post(site, parts):
    t = next(t for t in iter_truth(POSTS, SEED, BASE, variety=True) if t["wp_author"])
    article = read_page(get(site, t["url"])[1], t["url"]).article
    urls = parts.hold(article, 1, "2026-01-01T00:00:00Z")
    for url in urls[:-1]:                                   # the other pages first
        assert parts.page(read_page(get(site, url)[1], url).article) == []
    return t, urls[-1]


def test_a_transient_rest_answer_waits_for_the_retry(site):
    """The crawl retries a 5xx/429 and keeps the 200; the rebuild reads both from the
    WARC file, in that order: both take the 200."""
    parts = PostParts()
    t, rest_url = _held_post(site, parts)
    assert parts.rest(rest_url, 500, b"<html>error</html>") == []
    assert parts.rest(rest_url, 429, b"") == []
    assert parts.is_part(rest_url)
    status, body = get(site, rest_url)
    [ready] = parts.rest(rest_url, status, body)
    assert ready.article.wp_author == t["wp_author"] and ready.article.sources["wp_author"] == "rest"


def test_a_part_that_only_ever_failed_settles_without_it(site):
    for settle in ("failed", "drain", "404"):
        parts = PostParts()
        t, rest_url = _held_post(site, parts)
        assert parts.rest(rest_url, 503, b"") == []
        if settle == "failed":          # the crawl: retries exhausted
            [ready] = parts.failed(rest_url)
        elif settle == "drain":         # the rebuild: the end of the crawl's files
            [ready] = parts.drain()
        else:                           # a refusal a retry does not change
            [ready] = parts.rest(rest_url, 404, b"{}")
        assert ready.article.sources.get("wp_author") != "rest", settle
        assert not len(parts)


def test_the_rebuild_takes_the_rest_answer_after_a_transient_one(tmp_path, site):
    """WARC file as the crawl writes it: page 1, the REST URL's 503, its 200 (the
    retry) — RowBuilder stores the post with the REST author, as the crawl did."""
    from datetime import datetime, timedelta, timezone

    from archive.db import open_db
    from archive.db.store import Store
    from archive.warc import Exchange, WarcWriter
    from archive.warc.rows import RowBuilder

    t = next(t for t in iter_truth(POSTS, SEED, BASE, variety=True) if t["wp_author"] and t["pages"] == 1)
    page = get(site, t["url"])[1]
    rest_url = next(u for u in PostParts().hold(read_page(page, t["url"]).article, 1, "t")
                    if rest_post_id(u) is not None)
    when = datetime(2026, 11, 28, 22, 0, tzinfo=timezone.utc)
    answers = [(t["url"], 200, "text/html; charset=UTF-8", page),
               (rest_url, 503, "text/html", b"<html>busy</html>"),
               (rest_url, 200, "application/json; charset=UTF-8", get(site, rest_url)[1])]
    writer = WarcWriter(tmp_path / "warc", warcinfo={"test": "yes"})
    for n, (url, status, ctype, body) in enumerate(answers):
        writer.write_exchange(Exchange(url=url, status=status, response_headers=[("Content-Type", ctype)],
                                       body=body, fetched_at=when + timedelta(seconds=n)))
    writer.close()
    store = Store(open_db(tmp_path / "rebuilt.sqlite"))
    builder = RowBuilder(store, tmp_path / "warc")
    for path in sorted((tmp_path / "warc").glob("*.warc.gz")):
        builder.index_file(path, None)
    builder.finish()
    store.conn.commit()
    row = store.conn.execute("SELECT wp_author, extract_sources FROM articles").fetchone()
    assert row[0] == t["wp_author"] and json.loads(row[1])["wp_author"] == "rest"


@pytest.mark.parametrize("how", ["stopped", "killed"])
def test_a_crawl_that_stops_while_a_post_waits_stores_it_as_the_rebuild_does(tmp_path, how, site):
    """The spider holds page 1 until the REST JSON answers; a crawl stopped (SIGTERM, a
    time or page budget) or killed in between never stored the post. The session stores
    it from the crawl's captures — at close, or when the next crawl opens the archive —
    so the crawl-built rows equal a reindex of the WARC files (RowBuilder.store_waiting)."""
    import sqlite3
    from datetime import datetime, timedelta, timezone

    from reindex_compare import assert_same

    from archive.crawl.session import ArchiveSession, SessionOptions
    from archive.integrity.reindex import reindex_archive
    from archive.warc import Exchange

    base = "http://127.0.0.1:8765"
    t = next(t for t in iter_truth(POSTS, SEED, base, variety=True) if t["wp_author"] and t["pages"] == 1)

    def fetch(url):
        status, headers, body = site.handle("GET", url[len(base):], {"Host": "127.0.0.1:8765"})
        ctype = dict((k.lower(), v) for k, v in headers).get("content-type", "text/html")
        return Exchange(url=url, status=status, body=body, fetched_at=when,
                        response_headers=[("Content-Type", ctype)])

    root = tmp_path / "archive"
    when = datetime(2026, 11, 28, 22, 0, tzinfo=timezone.utc)
    session = ArchiveSession(root, SessionOptions(start_url=base + "/", settings={}))
    session.open()
    session.frontier.add(t["url"], "post")
    session.record(fetch(t["url"]))                       # page 1: held by the spider, not saved
    rest_url = next(u for u in PostParts().hold(read_page(fetch(t["url"]).body, t["url"]).article, 1, "t")
                    if rest_post_id(u) is not None)
    when += timedelta(seconds=1)
    session.record(fetch(rest_url))
    if how == "stopped":
        session.close("interrupted")
    else:                                                 # as SIGKILL leaves it: no close
        session.frontier.flush()
        session.writer.close()
        session.conn.close()
        again = ArchiveSession(root, SessionOptions(start_url=base + "/", settings={})).open()
        when += timedelta(seconds=1)
        again.record(fetch(base + "/"))                   # the next crawl: stores the post on opening
        again.close("finished")
    conn = sqlite3.connect(root / "archive.sqlite")
    row = conn.execute("SELECT wp_author, extract_sources FROM articles").fetchone()
    assert row is not None and row[0] == t["wp_author"] and json.loads(row[1])["wp_author"] == "rest"
    reindex_archive(root, tmp_path / "rebuilt.sqlite")
    assert_same(conn, sqlite3.connect(tmp_path / "rebuilt.sqlite"))
