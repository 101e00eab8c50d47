"""``--day D``: the replica adds, edits, renames and deletes posts over simulated days."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from clirun import invoke_cli

from replica.content import Corpus
from replica.site import Site
from replica.timeline import day_counts
from replica.truth import iter_truth

BASE = "http://127.0.0.1:8000"
H = {"Host": "127.0.0.1:8000"}
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
DAYS = 4


@pytest.fixture(scope="module")
def sites():
    return Site(Corpus(300, 1)), Site(Corpus(300, 1, day=DAYS), lastmod=True)


def get(site, path, headers=None):
    status, hdrs, body = site.handle("GET", path, {**H, **(headers or {})})
    return status, dict(hdrs), body


def by_kind(corpus, kind):
    return [e for e in corpus.events if e["kind"] == kind]


def test_deterministic_and_cumulative():
    a, b = Corpus(300, 1, day=DAYS), Corpus(300, 1, day=DAYS)
    assert a.events == b.events
    earlier = Corpus(300, 1, day=2).events
    assert a.events[:len(earlier)] == earlier
    assert Corpus(300, 1, day=0).events == []
    assert list(iter_truth(40, 2, day=0)) == list(iter_truth(40, 2))
    counts = day_counts(300)
    for kind in ("add", "edit", "rename", "delete"):
        assert len(by_kind(a, kind)) == DAYS * counts[kind]


def test_truth_follows_the_day(sites):
    day0 = {t["wp_post_id"]: t for t in iter_truth(300, 1)}
    later = {t["wp_post_id"]: t for t in iter_truth(300, 1, day=DAYS)}
    corpus = sites[1].corpus
    adds = {e["wp_post_id"] for e in by_kind(corpus, "add")}
    gone = {e["wp_post_id"] for e in by_kind(corpus, "delete")}
    edited = {e["wp_post_id"] for e in by_kind(corpus, "edit")} - gone
    renamed = {e["wp_post_id"] for e in by_kind(corpus, "rename")} - gone
    assert set(later) == (set(day0) | adds) - gone
    assert min(adds) > max(day0)
    for pid in edited - adds:
        assert later[pid]["body_text"] != day0[pid]["body_text"]
        assert later[pid]["published_at"] == day0[pid]["published_at"]
    for pid in renamed - adds:
        assert later[pid]["url"] != day0[pid]["url"] and later[pid]["slug"] != day0[pid]["slug"]
    unchanged = set(day0) - edited - renamed - gone
    assert all(later[p] == day0[p] for p in unchanged)


def test_new_posts_on_home_feed_and_sitemap(sites):
    _, site = sites
    newest = site.corpus.meta(site.corpus.n - 1)
    assert f"/{newest.slug}.html".encode() in get(site, "/")[2]
    assert f"/{newest.slug}.html".encode() in get(site, "/feed/")[2]
    urls = [u.find("s:loc", NS).text for u in
            ET.fromstring(get(site, "/wp-sitemap-posts-post-1.xml")[2]).findall("s:url", NS)]
    assert urls[-1] == f"{BASE}/{newest.slug}.html"
    assert len(urls) == len(site.corpus.live)


def test_edit_changes_validators_and_lastmod(sites):
    old, new = sites
    corpus = new.corpus
    gone = {e["wp_post_id"] for e in by_kind(corpus, "delete")}
    renamed = {e["wp_post_id"] for e in by_kind(corpus, "rename")}
    added = {e["wp_post_id"] for e in by_kind(corpus, "add")}
    ev = next(e for e in by_kind(corpus, "edit")
              if e["wp_post_id"] not in gone | renamed | added)
    i = corpus.index_of_id(ev["wp_post_id"])
    m = corpus.meta(i)
    s0, h0, _ = get(old, f"/{m.slug}.html")
    s1, h1, _ = get(new, f"/{m.slug}.html")
    assert s0 == s1 == 200 and h0["ETag"] != h1["ETag"]
    assert parsedate_to_datetime(h1["Last-Modified"]) == m.modified
    assert m.modified > m.published
    assert get(new, f"/{m.slug}.html", {"If-None-Match": h0["ETag"]})[0] == 200
    assert get(new, f"/{m.slug}.html", {"If-Modified-Since": h0["Last-Modified"]})[0] == 200
    assert get(new, f"/{m.slug}.html", {"If-None-Match": h1["ETag"]})[0] == 304
    sm = ET.fromstring(get(new, "/wp-sitemap-posts-post-1.xml")[2])
    lastmods = {u.find("s:loc", NS).text: u.find("s:lastmod", NS).text for u in sm.findall("s:url", NS)}
    assert lastmods[f"{BASE}/{m.slug}.html"] == m.modified.isoformat()


def test_unchanged_posts_keep_validators(sites):
    old, new = sites
    changed = {e["wp_post_id"] for e in new.corpus.events}
    same = total = 0
    for i in range(0, 300, 7):
        m = old.corpus.meta(i)
        if m.id in changed:
            continue
        h0, h1 = get(old, f"/{m.slug}.html")[1], get(new, f"/{m.slug}.html")[1]
        assert h0["Last-Modified"] == h1["Last-Modified"]
        total += 1
        same += h0["ETag"] == h1["ETag"]
    assert same >= 0.9 * total


def test_rename_redirects_and_delete_answers_404_or_410(sites):
    _, site = sites
    gone = {e["wp_post_id"] for e in by_kind(site.corpus, "delete")}
    for ev in by_kind(site.corpus, "rename"):
        if ev["wp_post_id"] in gone:
            continue
        i = site.corpus.index_of_id(ev["wp_post_id"])
        current = f"/{site.corpus.meta(i).slug}.html"
        status, h, _ = get(site, ev["old_url"])
        assert status == 301 and h["Location"] == BASE + current
        assert get(site, ev["old_url"] + "/amp")[1]["Location"] == BASE + current + "/amp"
        assert get(site, current)[0] == 200
    statuses = set()
    for ev in by_kind(site.corpus, "delete"):
        status, _, body = get(site, ev["url"])
        assert status == ev["status"] in (404, 410) and b"error404" in body
        assert get(site, f"/?p={ev['wp_post_id']}")[0] == 404
        statuses.add(status)
    assert statuses == {404, 410}


def test_cli_day_and_events():
    truth = invoke_cli("replica", "truth", "--posts", "60", "--day", "2", check=True).stdout.splitlines()
    assert [json.loads(x) for x in truth] == list(iter_truth(60, 1, day=2))
    events = invoke_cli("replica", "events", "--posts", "60", "--day", "2", check=True).stdout.splitlines()
    assert [json.loads(x) for x in events] == Corpus(60, 1, day=2).events
