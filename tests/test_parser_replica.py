"""The parser against the replica's ground truth: every post of a 300-post replica,
rendered in-process, parsed, and compared field by field with ``replica.truth``."""

from __future__ import annotations

import gzip

import pytest

from archive.parser import parse_article
from replica import DEFAULT_BASE_URL, DEFAULT_SEED
from replica.content import Corpus
from replica.site import Site
from replica.style import SiteStyle
from replica.truth import iter_truth

HTML_ONLY = SiteStyle(rest="404")   # parse_article sees the page alone: the truth without the REST API

POSTS = 300
BASE = DEFAULT_BASE_URL.rstrip("/")


@pytest.fixture(scope="module")
def site():
    return Site(Corpus(POSTS, DEFAULT_SEED))


def fetch(site, path: str, gz: bool = False) -> tuple[int, bytes]:
    status, headers, body = site.handle("GET", path, {"Accept-Encoding": "gzip"} if gz else {})
    if dict(headers).get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return status, body


@pytest.fixture(scope="module")
def parsed(site):
    out = []
    for truth in iter_truth(POSTS, DEFAULT_SEED, style=HTML_ONLY):
        status, body = fetch(site, truth["url"][len(BASE):])
        assert status == 200
        out.append((truth, parse_article(body, truth["url"])))
    return out


def test_every_post_is_parsed(parsed):
    missing = [t["url"] for t, a in parsed if a is None]
    assert missing == []


# every articles column the parser reads from a page alone (pages: merge_pages, after the fetches)
FIELDS = ["wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at", "published_raw",
          "date_is_bulk_import", "event_date", "author", "source", "original_url", "categories", "tags",
          "images", "modified_at", "wp_author"]


@pytest.mark.parametrize("field", FIELDS)
def test_field_equals_truth(parsed, field):
    wrong = [(t["url"], t[field], a.to_truth()[field]) for t, a in parsed if a.to_truth()[field] != t[field]]
    assert wrong == [], f"{len(wrong)} posts differ on {field}; first: {wrong[:1]}"


def test_truth_covers_every_shape(parsed):
    # the comparison above is only as good as the variety of the replica's posts
    truths = [t for t, _ in parsed]
    assert any(t["date_is_bulk_import"] for t in truths) and any(t["event_date"] for t in truths)
    assert any(t["author"] is None for t in truths) and any(t["author"] for t in truths)
    assert any(t["source"] for t in truths) and any(t["original_url"] for t in truths)
    assert any(t["tags"] for t in truths) and any(len(t["images"]) > 1 for t in truths)


def test_body_html_and_links_hold_no_boilerplate(parsed):
    for truth, a in parsed:
        for junk in ("Tiện ích thông tin", "QR CODE", "Chia sẻ:", "Tin khác", "<script", "sharedaddy"):
            assert junk not in a.body_html, (truth["url"], junk)
        kinds = {l.kind for l in a.links}
        assert "related" in kinds
        assert ("original" in kinds) == (truth["original_url"] is not None)
        assert all(l.url.startswith(("http://", "https://")) for l in a.links)


def test_gzip_transfer_gives_the_same_article(site, parsed):
    truth, first = parsed[0]
    _, body = fetch(site, truth["url"][len(BASE):], gz=True)
    assert parse_article(body, truth["url"]).to_truth() == first.to_truth()


def test_other_replica_pages_are_not_posts(site, parsed):
    truth = parsed[5][0]
    cat = truth["categories"][0]["slug"]
    paths = ["/", "/page/2/", f"/category/{cat}/", truth["url"][len(BASE):] + "/amp", "/no-such-post.html",
             "/feed/", "/wp-sitemap.xml", "/wp-sitemap-posts-post-1.xml", "/robots.txt"]
    for path in paths:
        _, body = fetch(site, path)
        assert parse_article(body, BASE + path) is None, path


def test_replica_bad_pages():
    """The replica's broken pages (``--faults bad``): article ones equal their truth,
    every other one parses to an article or None without raising."""
    import re

    from replica import badpages

    corpus = Corpus(POSTS, DEFAULT_SEED)
    checked = 0
    for row in badpages.bad_truth(corpus, BASE):
        if row["kind"] in ("huge", "gzip-bomb"):       # size limits are the crawler's business
            continue
        status, headers, body = badpages.route(corpus, BASE, row["url"][len(BASE):])
        m = re.search(r"charset=([\w.:-]+)", dict(headers).get("Content-Type", ""))
        article = parse_article(body, row["url"], encoding=m.group(1) if m else None)
        if row["expect"] == "article":
            assert article is not None, row["kind"]
            got = article.to_truth()
            wrong = {k: (v, got[k]) for k, v in row["truth"].items() if k in FIELDS and got[k] != v}
            assert wrong == {}, row["kind"]
            checked += 1
        elif row["kind"] in ("empty", "redirect-loop", "redirect-offsite") or row["kind"].startswith("trap"):
            assert article is None, row["kind"]
    assert checked >= 6


def test_later_day_of_the_timeline():
    """Day 5: posts added, edited, renamed (the slug changes, the id stays)."""
    day, posts = 5, 120  # 120 posts by day 5: 10 added, 5 edited, 5 renamed, 5 deleted
    site = Site(Corpus(posts, DEFAULT_SEED, day=day))
    wrong, n = [], 0
    for truth in iter_truth(posts, DEFAULT_SEED, day=day, style=HTML_ONLY):
        status, body = fetch(site, truth["url"][len(BASE):])
        if status != 200:
            continue
        n += 1
        got = parse_article(body, truth["url"]).to_truth()
        wrong += [(truth["url"], k) for k in FIELDS if got[k] != truth[k]]
    assert n >= posts and wrong == []
