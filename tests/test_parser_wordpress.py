"""WordPress variety beyond the portal's theme: multi-page and password-protected posts,
the article contract's new columns (migration 6)."""

from __future__ import annotations

from archive.db import open_db
from archive.parser import ARTICLE_COLUMNS, Article, Image, Link
from archive.parser.core import read_page
from archive.parser.multipage import merge_pages, page_number
from parser_pages import page, parse

SITE = "https://example.gov.vn"


def test_page_number_of_every_url_shape_wp_link_pages_makes():
    assert page_number(SITE + "/a.html/2") == (SITE + "/a.html", 2)
    assert page_number(SITE + "/a.html/2/") == (SITE + "/a.html", 2)
    assert page_number(SITE + "/2023/05/a/3/") == (SITE + "/2023/05/a", 3)
    assert page_number(SITE + "/?p=5&page=3") == (SITE + "/?p=5", 3)
    assert page_number(SITE + "/a/page/2/") == (SITE + "/a", 2)
    assert page_number(SITE + "/a.html") == (SITE + "/a.html", 1)


def test_multipage_post_reports_every_page_and_which_one_it_is():
    a = parse("wp_multipage_p2.html", SITE + "/quy-hoach-cang-bien.html/2")
    assert a.wp_post_id == 812
    assert a.page == 2
    assert a.page_urls == [SITE + "/quy-hoach-cang-bien.html", SITE + "/quy-hoach-cang-bien.html/2",
                           SITE + "/quy-hoach-cang-bien.html/3"]
    assert "Trang:" not in a.body_text and "Trang:" not in a.body_html
    assert not any("quy-hoach-cang-bien.html" in link.url for link in a.links)
    assert a.rest_url == SITE + "/wp-json/wp/v2/posts/812"


def test_single_page_post_has_no_page_urls():
    a = parse("portal_article.html")
    assert a.page_urls == [] and a.page == 1 and a.pages == 1


def test_merge_pages_covers_every_page_in_order():
    p1 = Article(url=SITE + "/a.html", wp_post_id=1, title="T", lead="L", body_text="one",
                 body_html="<p>one</p>", images=[Image(SITE + "/1.jpg")],
                 links=[Link(SITE + "/x", "body"), Link(SITE + "/a.html/2", "body")],
                 page_urls=[SITE + "/a.html", SITE + "/a.html/2"], sources={"title": "theme"})
    p2 = Article(url=SITE + "/a.html/2", wp_post_id=1, title="T", body_text="two",
                 body_html="<p>two</p>", images=[Image(SITE + "/2.jpg", "cap")],
                 links=[Link(SITE + "/x", "body"), Link(SITE + "/y", "related")],
                 author="Minh Anh", sources={"author": "text"}, page=2)
    m = merge_pages([p1, p2])
    assert m.body_text == "one\n\ntwo" and m.body_html == "<p>one</p>\n<p>two</p>"
    assert [i.url for i in m.images] == [SITE + "/1.jpg", SITE + "/2.jpg"]
    assert m.links == [Link(SITE + "/x", "body"), Link(SITE + "/y", "related")]
    assert m.pages == 2 and m.url == SITE + "/a.html" and m.lead == "L"
    assert m.author == "Minh Anh" and m.sources["author"] == "text"
    assert p1.pages == 1 and p1.body_text == "one"      # the inputs are left alone


def test_password_protected_post_is_no_article_but_is_recognised():
    r = read_page(page("wp_password.html"), SITE + "/tai-lieu-noi-bo.html")
    assert r.article is None and r.password_protected
    ordinary = read_page(page("portal_article.html"), "https://thanhphohaiphong.gov.vn/?p=1")
    assert ordinary.article is not None and not ordinary.password_protected
    assert not read_page(page("home.html"), SITE + "/").password_protected


def test_new_columns_exist_and_round_trip(tmp_path):
    from archive.db.store import Store
    conn = open_db(tmp_path / "a.sqlite")
    cols = {r[1] for r in conn.execute("PRAGMA table_info(articles)")}
    assert {"modified_at", "wp_author", "pages"} <= cols
    assert set(ARTICLE_COLUMNS) <= cols
    a = Article(url=SITE + "/a.html", wp_post_id=3, title="T", modified_at="2024-01-02T03:04:05Z",
                wp_author="Nguyễn Văn A", pages=3)
    Store(conn).save_article(a, None)
    row = conn.execute("SELECT modified_at, wp_author, pages FROM articles").fetchone()
    assert tuple(row) == ("2024-01-02T03:04:05Z", "Nguyễn Văn A", 3)
    # unchanged content: the metadata outside the digest still follows the newest capture
    a.modified_at, a.wp_author = "2024-02-02T00:00:00Z", "Trần B"
    Store(conn).save_article(a, None)
    row = conn.execute("SELECT modified_at, wp_author FROM articles").fetchone()
    assert tuple(row) == ("2024-02-02T00:00:00Z", "Trần B")
    assert conn.execute("SELECT count(*) FROM article_versions").fetchone()[0] == 1
