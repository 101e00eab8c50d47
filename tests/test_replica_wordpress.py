"""The replica as a model of WordPress diversity: block theme, REST API, SEO plugin
shapes, accounts, multi-page and password-protected posts, editorial variety
(through ``Site.handle``, no sockets)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from replica.accounts import BY_ID
from replica.content import Corpus
from replica.render import page_count
from replica.site import Site
from replica.style import SiteStyle
from replica.truth import iter_protected, iter_truth

BASE = "http://127.0.0.1:8000"
H = {"Host": "127.0.0.1:8000"}
POSTS = 200


@pytest.fixture(scope="module")
def corpus():
    return Corpus(POSTS, 3, variety=True)


def get(site, path):
    status, hdrs, body = site.handle("GET", path, H)
    return status, hdrs, body


def path_of(m) -> str:
    return f"/{m.slug}.html"


def test_block_theme_has_no_article_and_id_only_in_body_class_and_links(corpus):
    site = Site(corpus, style=SiteStyle(theme="block"))
    m = next(corpus.meta(i) for i in range(POSTS) if not corpus.meta(i).protected and corpus.meta(i).tags)
    html = get(site, path_of(m))[2].decode()
    assert "<article" not in html and "entry-title" not in html
    for cls in ("wp-block-post-title", "wp-block-post-date", "wp-block-post-terms",
                "wp-block-post-author-name", "wp-block-post-content"):
        assert cls in html
    assert f"postid-{m.id}" in html and f"?p={m.id}'" in html
    assert f"post-{m.id}\"" not in html
    # categories as the block editor's post-terms links them: rel="tag", told apart by the wrapper
    assert re.search(r'taxonomy-category wp-block-post-terms"><a href="[^"]+/category/[^"]+" rel="tag">', html)
    assert f">{m.published:%d/%m/%Y}</time>" in html
    assert f'/author/{BY_ID[m.author_id].slug}/"' in html


def test_rest_api_posts_paging_embed_and_terms(corpus):
    site = Site(corpus)
    status, hdrs, body = get(site, "/wp-json/wp/v2/posts?per_page=7&page=2")
    h = dict(hdrs)
    assert status == 200 and h["Content-Type"].startswith("application/json")
    assert h["X-WP-Total"] == str(POSTS) and h["X-WP-TotalPages"] == str(-(-POSTS // 7))
    assert 'rel="next"' in h["Link"] and 'rel="prev"' in h["Link"]
    items = json.loads(body)
    assert len(items) == 7 and items[0]["date"] > items[-1]["date"]   # newest first
    assert b"\\u" in body and b"\\/" in body                           # PHP json_encode escapes
    assert get(site, "/wp-json/wp/v2/posts?per_page=101")[0] == 400
    assert get(site, "/wp-json/wp/v2/posts?page=999")[0] == 400
    m = corpus.meta(50)
    one = json.loads(get(site, f"/wp-json/wp/v2/posts/{m.id}?_embed")[2])
    assert one["id"] == m.id and one["slug"] == m.slug and one["date_gmt"] < one["date"]
    assert one["_embedded"]["author"][0]["name"] == BY_ID[m.author_id].name
    cats = {t["id"]: t["slug"] for t in one["_embedded"]["wp:term"][0]}
    assert [cats[c] for c in one["categories"]] == [s for s, _ in m.categories]
    all_cats = json.loads(get(site, "/wp-json/wp/v2/categories?per_page=100")[2])
    assert {c["slug"] for c in all_cats} >= {s for s, _ in m.categories}
    assert json.loads(get(site, "/wp-json/wp/v2/users")[2])[1]["name"] == "Ban Biên tập"
    assert json.loads(get(site, f"/?rest_route=/wp/v2/posts/{m.id}")[2])["id"] == m.id
    assert get(site, "/wp-json/wp/v2/posts/1")[0] == 404
    assert json.loads(get(site, "/wp-json/wp/v2/tags")[2])


@pytest.mark.parametrize("mode,status,ctype", [("401", 401, "application/json"), ("403", 403, "application/json"),
                                               ("404", 404, "text/html")])
def test_rest_switched_off(corpus, mode, status, ctype):
    site = Site(corpus, style=SiteStyle(rest=mode))
    m = corpus.meta(10)
    for path in (f"/wp-json/wp/v2/posts/{m.id}", "/wp-json/wp/v2/posts", "/wp-json/wp/v2/users"):
        st, hdrs, _ = get(site, path)
        assert st == status and dict(hdrs)["Content-Type"].startswith(ctype)
    # the page still advertises the API, as such sites do
    assert f"/wp-json/wp/v2/posts/{m.id}".encode() in get(site, path_of(m))[2]


@pytest.mark.parametrize("seo", ["yoast", "rankmath", "newsarticle"])
def test_jsonld_shapes(corpus, seo):
    site = Site(corpus, style=SiteStyle(seo=seo))
    m = corpus.meta(60)
    html = get(site, path_of(m))[2].decode()
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html).group(1))
    name = BY_ID[m.author_id].name
    if seo == "newsarticle":
        assert data["@type"] == "NewsArticle" and data["author"][0]["name"] == name
        assert data["datePublished"].endswith("Z")
    else:
        graph = data["@graph"]
        art = next(n for n in graph if n["@type"] in ("Article", "NewsArticle"))
        ref = art["author"]["@id"]
        person = next(n for n in graph if n.get("@id") == ref and n["@type"] == "Person")
        assert person["name"] == name and art["datePublished"] == m.published.isoformat()
    assert 'property="article:modified_time"' in html
    none = get(Site(corpus, style=SiteStyle(seo="none")), path_of(m))[2].decode()
    assert "og:title" not in none and "ld+json" not in none


def test_multipage_posts(corpus):
    site = Site(corpus)
    multi = [corpus.post(i) for i in range(POSTS) if corpus.meta(i).pages > 1]
    assert multi
    for post in multi:
        m = post.meta
        n = page_count(post)
        first = get(site, path_of(m))[2].decode()
        assert 'class="post-nav-links"' in first and 'aria-current="page">1<' in first
        for k in range(2, n + 1):
            for path in (f"{path_of(m)}/{k}/", f"{path_of(m)}?page={k}"):
                status, _, body = get(site, path)
                page = body.decode()
                assert status == 200 and f'aria-current="page">{k}<' in page
                assert f'rel="canonical" href="{BASE}{path_of(m)}/{k}/"' in page
        assert get(site, f"{path_of(m)}/{n + 1}/")[0] == 404
    single = next(corpus.meta(i) for i in range(POSTS) if corpus.meta(i).pages == 1)
    assert get(site, f"{path_of(single)}/2/")[0] == 404


def test_password_protected_posts(corpus):
    site = Site(corpus)
    protected = list(iter_protected(POSTS, 3, BASE, variety=True))
    assert protected
    truth_ids = {t["wp_post_id"] for t in iter_truth(POSTS, 3, BASE, variety=True)}
    sitemap = get(site, "/wp-sitemap-posts-post-1.xml")[2].decode()
    for p in protected:
        html = get(site, p["url"][len(BASE):])[2].decode()
        assert "post-password-required" in html and 'class="post-password-form"' in html
        assert p["wp_post_id"] not in truth_ids and p["url"] not in sitemap
        rest = json.loads(get(site, f"/wp-json/wp/v2/posts/{p['wp_post_id']}")[2])
        assert rest["content"] == {"rendered": "", "protected": True}


def test_author_pages(corpus):
    site = Site(corpus)
    status, _, body = get(site, "/author/banbientap/")
    assert status == 200 and b"author-banbientap" in body
    assert get(site, "/author/khong-co/")[0] == 404


def test_variety_rates_and_truth(corpus):
    truth = list(iter_truth(POSTS, 3, BASE, variety=True))
    n = len(truth)
    authors = [t["author"] for t in truth]
    assert sum(a is None for a in authors) < 0.2 * n
    title_case = [a for a in authors if a and re.fullmatch(r"(?:[A-ZÀ-Ỹ][a-zà-ỹ]+ ?){2,4}", a)]
    assert len(title_case) > 0.3 * n                      # the most common form on the portal
    assert any(a and a.isupper() and " " in a for a in authors)
    assert sum(t["source"] is not None for t in truth) > 0.2 * n
    events = [t for t in truth if t["event_date"]]
    assert len(events) > 0.6 * n
    assert all(t["event_date"] <= t["published_at"][:10] for t in events)
    leads = " ".join(t["lead"] for t in truth)
    for form in ("Sáng ", "Chiều ", "Ngày ", "hằng năm", "Vừa qua", "Thương binh - Liệt sĩ (27/7/1947-"):
        assert form in leads, form
    edited = [t for t in truth if t["modified_at"] != t["published_at"]]
    assert edited and all(t["modified_at"].endswith("Z") for t in truth)
    assert Counter(t["wp_author"] for t in truth).most_common(1)[0][0] == "Ban Biên tập"
    assert any(t["pages"] > 1 for t in truth)
    # a post without a byline falls back to its account unless that is a desk account
    corpus = Corpus(POSTS, 3, variety=True)
    for t in truth:
        m = corpus.meta(corpus.index_of_id(t["wp_post_id"]))
        if corpus.post(m.index).author is None:
            acc = BY_ID[m.author_id]
            assert t["author"] == (None if acc.generic else acc.name)


def test_truth_depends_on_the_setup():
    classic = next(iter_truth(30, 3, variety=True))
    block = next(iter_truth(30, 3, variety=True, style=SiteStyle(theme="block", rest="403", seo="none")))
    assert classic["published_raw"].startswith("Thứ") and re.fullmatch(r"\d\d/\d\d/\d{4}", block["published_raw"])
    assert block["original_url"] is None and block["modified_at"] is None
    assert block["wp_author"] == classic["wp_author"]


def test_theme_change_day():
    style = SiteStyle(theme_change_day=3)          # to the magazine theme unless said otherwise
    for day, theme in ((0, "classic"), (2, "classic"), (3, "magazine"), (5, "magazine")):
        corpus = Corpus(40, 1, day=day)
        html = get(Site(corpus, style=style), path_of(corpus.meta(5)))[2].decode()
        assert ("td-post-content" in html) == (theme == "magazine"), day
    corpus = Corpus(40, 1, day=3)
    html = get(Site(corpus, style=SiteStyle(theme_change_day=3, theme_after="block")), path_of(corpus.meta(5)))[2]
    assert b"wp-block-post-title" in html


def test_cli_truth_takes_the_setup():
    from click.testing import CliRunner

    from crawler.cli.cmd_replica import replica
    result = CliRunner().invoke(replica, ["truth", "--posts", "20", "--seed", "3", "--variety", "--theme", "block",
                                          "--rest", "403", "--seo", "none"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert rows == list(iter_truth(20, 3, variety=True, style=SiteStyle(theme="block", rest="403", seo="none")))
    bad = CliRunner().invoke(replica, ["truth", "--theme", "fancy"])
    assert bad.exit_code == 2
