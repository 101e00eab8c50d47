"""One article from a post's pages and REST JSON (``archive.warc.assemble``), on replica pages."""

from __future__ import annotations

import json

import pytest

from archive.parser.core import read_page
from archive.warc.assemble import PostParts, load_rest, rest_post_id, with_embed
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
