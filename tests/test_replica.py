"""The replica's content, routing and documents, through ``Site.handle`` (no sockets)."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
import xml.etree.ElementTree as ET

import pytest

from archive.text import normalize, slugify
from replica.content import Corpus
from replica.site import Site
from replica.truth import iter_truth

BASE = "http://127.0.0.1:8000"
H = {"Host": "127.0.0.1:8000"}
NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture(scope="module")
def corpus():
    return Corpus(300, 1)


@pytest.fixture(scope="module")
def site(corpus):
    return Site(corpus)


def get(site, path, headers=None):
    status, hdrs, body = site.handle("GET", path, {**H, **(headers or {})})
    return status, dict(hdrs), body


def test_same_seed_same_bytes_other_seed_other_content():
    a, b = Site(Corpus(120, 7)), Site(Corpus(120, 7))
    for i in (0, 5, 60, 119):
        path = f"/{a.corpus.meta(i).slug}.html"
        assert a.handle("GET", path, H) == b.handle("GET", path, H)
    assert list(iter_truth(50, 7)) == list(iter_truth(50, 7))
    assert Corpus(50, 8).meta(10).title != Corpus(50, 7).meta(10).title


def test_ids_increase_with_gaps_and_dates_follow(corpus):
    ids = list(corpus.ids)
    assert ids == sorted(set(ids))
    assert any(b - a > 1 for a, b in zip(ids, ids[1:]))
    dates = [corpus.meta(i).published for i in range(len(corpus))]
    assert dates == sorted(dates)
    assert dates[0].year == 2019 and dates[-1].year == 2026


def test_slugs_unique_and_from_title(corpus):
    slugs = [corpus.meta(i).slug for i in range(len(corpus))]
    assert len(set(slugs)) == len(slugs)
    for i in range(len(corpus)):
        m = corpus.meta(i)
        assert m.slug == slugify(m.title)
        assert corpus.index_of_slug(m.slug) == i and corpus.index_of_id(m.id) == i


def test_bulk_import_posts(corpus):
    truth = list(iter_truth(300, 1))
    bulk = [t for t in truth if t["date_is_bulk_import"]]
    assert 15 <= len(bulk) <= 35
    for t in bulk:
        assert t["published_raw"].startswith("Thứ Bảy, 26/01/2019 ")
        assert "19:00" <= t["published_raw"][-5:] <= "23:59"
        assert t["event_date"] and t["event_date"] < "2019-01-26"
        y, m = t["event_date"][:4], int(t["event_date"][5:7])
        assert (f"{m}/{y}" in t["lead"]) or (f"{m} năm {y}" in t["lead"]) or \
            (f"{int(t['event_date'][8:]):02d}/{m:02d}/{y}" in t["lead"])
    # every post whose lead names the event's day has an event_date, not only bulk imports
    later = [t for t in truth if not t["date_is_bulk_import"]]
    assert any(t["event_date"] for t in later) and any(t["event_date"] is None for t in later)
    assert all(t["event_date"] <= t["published_at"][:10] for t in later if t["event_date"])


def test_post_page_core_signals(site, corpus):
    m = corpus.meta(42)
    status, h, body = get(site, f"/{m.slug}.html")
    html = unicodedata.normalize("NFC", body.decode())
    url = f"{BASE}/{m.slug}.html"
    assert status == 200 and h["Content-Type"].startswith("text/html")
    assert f'<link rel="canonical" href="{url}"' in html
    assert f"href='{BASE}/?p={m.id}'" in html
    assert f'{BASE}/wp-json/wp/v2/posts/{m.id}"' in html
    assert f"postid-{m.id}" in html and f'<article id="post-{m.id}"' in html
    assert '<meta name="generator" content="WordPress' in html
    for slug, _ in m.categories:
        assert f"category-{slug}" in html
        assert f'href="{BASE}/category/{slug}/" rel="category tag"' in html
    assert f'datetime="{m.published.isoformat()}"' in html
    assert html.index("Print") < html.index("Tiện ích thông tin") < html.index("QR CODE: ") \
        < html.index("Chúng tôi trên Mạng Xã hội") < html.index("Tin khác")


def _text(html: str) -> str:
    import html as h
    return normalize(h.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_truth_agrees_with_pages(site):
    for t in iter_truth(300, 1, BASE):
        status, _, body = get(site, t["url"][len(BASE):])
        html = unicodedata.normalize("NFC", body.decode())
        assert status == 200
        assert f"postid-{t['wp_post_id']}" in html
        assert normalize(re.search(r"<title>(.*?) &#8211; ", html).group(1)) == t["title"]
        assert f">{t['published_raw']}</time>" in html
        content = html[html.index('<div class="entry-content">'):html.index('<div class="sharedaddy')]
        text = _text(content)
        assert text.startswith(t["lead"])
        for block in t["body_text"].split("\n\n") if t["body_text"] else []:
            assert block in text
        if t["author"]:
            assert f"<strong>{t['author']}</strong></p>" in content
        if t["source"]:
            assert re.search(r"Nguồn[.:] " + re.escape(t["source"]) + "</em>", content)
        else:
            assert "Nguồn." not in content and "Nguồn:" not in content
        if t["original_url"]:
            assert f'href="{t["original_url"]}" target="_blank" rel="nofollow noopener">Gốc</a>' in html
        else:
            assert ">Gốc</a>" not in html
        for img in t["images"]:
            assert img["url"] in content
            if img["caption"]:
                assert img["caption"] in text
        assert [c["slug"] for c in t["categories"]] == re.findall(
            r'/category/([^/]+)/" rel="category tag"', html)
        assert [c["slug"] for c in t["tags"]] == re.findall(r'/tag/([^/]+)/" rel="tag"', html)


def test_quirks_present(site, corpus):
    pages = [get(site, f"/{corpus.meta(i).slug}.html")[2].decode() for i in range(len(corpus))]
    nfd = [p for p in pages if unicodedata.normalize("NFC", p) != p]
    assert 3 <= len(nfd) <= 60
    joined = "".join(pages)
    for quirk in ("<p>&nbsp;</p>", "  ", " ,", "&#8230;", "…", "“", "<p>– ", "<p>&#8211; ",
                  "Uỷ", "Ủy", "Thuỵ", "<figure class=\"wp-block-image", "wp-caption-text",
                  "srcset=", "data-src=", "Nguồn. ", "Nguồn: ", ">Gốc</a>", "<h2>", "<h3>", "<ul><li>"):
        assert quirk in joined, quirk


def test_routes(site, corpus):
    m = corpus.meta(10)
    status, h, _ = get(site, f"/?p={m.id}")
    assert status == 301 and h["Location"] == f"{BASE}/{m.slug}.html"
    assert get(site, "/?p=999999999")[0] == 404
    status, h, body = get(site, "/no-such-post.html")
    assert status == 404 and b"error404" in body
    for path in ("/wp-admin/", "/category/nope/", "/2019/01/", "/wp-content/uploads/2019/01/x.jpg"):
        assert get(site, path)[0] == 404, path
    status, _, body = get(site, f"/{m.slug}.html/amp")
    assert status == 200 and b"<html amp" in body and f'<link rel="canonical" href="{BASE}/{m.slug}.html">'.encode() in body
    assert m.categories[0][1].encode() in body
    assert site.handle("POST", "/", H)[0] == 405
    status, h, body = site.handle("HEAD", f"/{m.slug}.html", H)
    assert status == 200 and body == b"" and int(dict(h)["Content-Length"]) > 1000


def test_listings(site, corpus):
    status, _, body = get(site, "/")
    html = body.decode()
    newest = corpus.meta(len(corpus) - 1)
    assert status == 200 and f"/{newest.slug}.html" in html and html.count('<article id="post-') == 10
    idx = corpus.terms["category"]["chinh-tri"]
    pages = -(-len(idx) // 10)
    status, _, body = get(site, "/category/chinh-tri/")
    ids = [int(x) for x in re.findall(r'<article id="post-(\d+)"', body.decode())]
    assert ids == sorted(ids, reverse=True) and ids[0] == corpus.meta(idx[-1]).id
    assert "/category/chinh-tri/page/2/".encode() in body
    assert get(site, f"/category/chinh-tri/page/{pages}/")[0] == 200
    assert get(site, f"/category/chinh-tri/page/{pages + 1}/")[0] == 404
    assert get(site, "/category/chinh-tri/page/1/")[0] == 301
    assert get(site, "/category/chinh-tri")[0] == 301
    tag = next(iter(corpus.terms["tag"]))
    assert get(site, f"/tag/{tag}/")[0] == 200
    seen = set()
    for n in range(1, pages + 1):
        b = get(site, "/category/chinh-tri/" + (f"page/{n}/" if n > 1 else ""))[2].decode()
        seen.update(re.findall(r'<article id="post-(\d+)"', b))
    assert len(seen) == len(idx)


def test_feed_and_robots(site, corpus):
    status, h, body = get(site, "/feed/")
    assert status == 200 and "rss" in h["Content-Type"]
    items = ET.fromstring(body).findall("./channel/item")
    assert len(items) == 10
    assert items[0].find("link").text == f"{BASE}/{corpus.meta(len(corpus) - 1).slug}.html"
    status, _, body = get(site, "/robots.txt")
    assert body.decode() == ("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n\n"
                             f"Sitemap: {BASE}/wp-sitemap.xml\n")


def test_crawl_delay_in_robots(corpus):
    body = Site(corpus, crawl_delay=2).handle("GET", "/robots.txt", H)[2].decode()
    assert "Allow: /wp-admin/admin-ajax.php\nCrawl-delay: 2\n\nSitemap: " in body


def test_sitemaps_page_at_2000():
    corpus = Corpus(2100, 3)  # a full page of 2 000 and a partial one
    for lastmod in (False, True):
        site = Site(corpus, lastmod=lastmod)
        root = ET.fromstring(get(site, "/wp-sitemap.xml")[2])
        locs = [e.text for e in root.findall("s:sitemap/s:loc", NS)]
        assert locs[:2] == [f"{BASE}/wp-sitemap-posts-post-{n}.xml" for n in (1, 2)]
        assert f"{BASE}/wp-sitemap-posts-post-3.xml" not in locs
        assert f"{BASE}/wp-sitemap-taxonomies-category-1.xml" in locs
        urls = []
        for n, size in ((1, 2000), (2, 100)):
            status, h, body = get(site, f"/wp-sitemap-posts-post-{n}.xml")
            part = ET.fromstring(body).findall("s:url", NS)
            assert status == 200 and len(part) == size and "Last-Modified" in h and "ETag" in h
            assert all((u.find("s:lastmod", NS) is not None) == lastmod for u in part)
            urls += [u.find("s:loc", NS).text for u in part]
        assert urls == [f"{BASE}/{corpus.meta(i).slug}.html" for i in range(2100)]
        assert get(site, "/wp-sitemap-posts-post-3.xml")[0] == 404
        cats = ET.fromstring(get(site, "/wp-sitemap-taxonomies-category-1.xml")[2])
        assert f"{BASE}/category/chinh-tri/" in [e.text for e in cats.findall("s:url/s:loc", NS)]


def test_images_are_distinct_jpegs(site):
    truth = [t for t in iter_truth(300, 1, BASE) if t["images"]]
    seen = set()
    for t in truth[:30]:
        for img in t["images"]:
            status, h, body = get(site, img["url"][len(BASE):])
            assert status == 200 and h["Content-Type"] == "image/jpeg"
            assert body[:2] == b"\xff\xd8" and body[-2:] == b"\xff\xd9" and "ETag" in h
            seen.add(body)
    assert len(seen) > 20


def test_gzip_and_validators(site, corpus):
    path = f"/{corpus.meta(3).slug}.html"
    plain = get(site, path)
    zipped = get(site, path, {"Accept-Encoding": "gzip, deflate"})
    assert zipped[1]["Content-Encoding"] == "gzip" and gzip.decompress(zipped[2]) == plain[2]
    assert get(site, path, {"Accept-Encoding": "gzip;q=0"})[1].get("Content-Encoding") is None
    etag, lm = plain[1]["ETag"], plain[1]["Last-Modified"]
    assert get(site, path, {"If-None-Match": etag})[0] == 304
    assert get(site, path, {"If-None-Match": zipped[1]["ETag"]})[0] == 304
    assert get(site, path, {"If-None-Match": '"other"'})[0] == 200
    assert get(site, path, {"If-Modified-Since": lm})[0] == 304
    assert get(site, path, {"If-Modified-Since": "Mon, 01 Jan 2018 00:00:00 GMT"})[0] == 200


def test_truth_json_serialisable_and_columns():
    row = next(iter_truth(5, 1))
    assert set(row) == {"wp_post_id", "url", "slug", "title", "lead", "body_text", "published_at",
                        "published_raw", "date_is_bulk_import", "event_date", "author", "source",
                        "original_url", "modified_at", "wp_author", "pages", "categories", "tags",
                        "images"}
    json.dumps(row, ensure_ascii=False)
