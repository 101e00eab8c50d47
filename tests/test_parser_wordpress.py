"""WordPress variety beyond the portal's theme: multi-page and password-protected posts,
the article contract's new columns (migration 6)."""

from __future__ import annotations

from parser_pages import page, parse

from archive.db import open_db
from archive.parser import ARTICLE_COLUMNS, Article, Image, Link
from archive.parser.core import read_page
from archive.parser.multipage import merge_pages, page_number

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


# ---- theme-independent sources first, then theme markup, then text -----------------

TT23 = "https://doson.example.vn/2023/06/04/ra-quan-lam-sach-bai-bien-do-son/"


def test_block_theme_twentytwentythree_post():
    """No <article>, the post id only in the body class and the shortlink; the post-author
    block names the account; a right-aligned bold byline of two names joined by a dash."""
    a = parse("tt23_block_post.html", TT23)
    assert a.wp_post_id == 2417 and a.title == "Thành phố ra quân làm sạch bãi biển Đồ Sơn"
    assert a.published_at == "2023-06-04T08:15:00+07:00"
    assert [t.slug for t in a.categories] == ["moi-truong"] and [t.slug for t in a.tags] == ["thanh-nien"]
    assert a.author == "Hoàng Dũng – Thu Hà" and a.sources["author"] == "text"
    assert a.wp_author == "Phạm Thu Hà" and a.sources["wp_author"] == "theme"
    # "Sáng 3/6" is the event; "5/6 hằng năm" recurs every year
    assert a.event_date == "2023-06-03"
    assert "Hoàng Dũng" not in a.body_text and "bởi" not in a.body_text
    assert a.images[0].caption == "Đoàn viên thu gom rác trên bãi tắm khu I"


def test_rank_math_graph_updated_line_prefix_byline_and_em_source():
    a = parse("rankmath_updated.html", "https://thuynguyen.example.vn/khanh-thanh-truong-mam-non-hoa-sen/")
    # the "last updated" line is neither the publication date nor modified_at's source
    assert a.published_at == "2023-09-05T16:40:00+07:00" and a.published_raw is None
    assert a.modified_at == "2023-09-08T03:20:00Z" and a.sources["modified_at"] == "metadata"
    assert "Cập nhật" not in a.body_text and "Cập nhật" not in (a.lead or "")
    assert a.author == "Văn Hải"                   # "Bài, ảnh:" stripped; <b> in a style-aligned <p>
    assert a.source == "Báo Hải Phòng"            # "(Nguồn: Báo Hải Phòng)" inside <em>
    assert a.wp_author == "Ban Biên tập"          # the Person the NewsArticle's author @id points at
    assert a.event_date == "2023-09-05"           # "Chiều 5-9"
    assert a.body_text == ("Các đại biểu cắt băng khánh thành\n\n"
                           "Trường có 12 phòng học, tổng vốn đầu tư 25 tỷ đồng từ ngân sách huyện.")


def test_single_newsarticle_author_list_span_teasers_and_source_after_byline():
    a = parse("newsarticle_author_list.html", "https://dulich.example.vn/hai-phong-don-doan-khach-quoc-te-dau-tien.html")
    assert a.wp_author == "Minh Anh, Quang Huy"
    assert a.author == "MINH ANH – QUANG HUY"      # <em><strong>, upper case, two names
    assert a.source == "Báo Hải Phòng"            # "Theo Báo Hải Phòng" after the byline
    assert a.modified_at == "2022-03-16T04:30:00Z"
    assert a.event_date == "2022-03-15"            # the anniversary span before it is skipped
    assert a.images[0].caption == "Đoàn khách tại cảng tàu khách quốc tế Hạ Long"   # centred italic
    for leak in ("…", "Cát Bà vào mùa", "Theo Báo", "MINH ANH"):
        assert leak not in a.body_text and leak not in a.body_html
    assert a.body_text.endswith("./.")             # the end marker is text
    related = [link.url for link in a.links if link.kind == "related"]
    assert related == ["https://dulich.example.vn/cat-ba-mua-le-hoi.html",
                       "https://dulich.example.vn/pho-co-tam-bac.html"]


def test_no_byline_falls_back_to_the_account_link_not_a_commenter():
    a = parse("classic_author_link.html", "https://yte.example.vn/trien-khai-tiem-chung-mo-rong/")
    assert a.wp_author == "Trần Thị Lan" and a.sources["wp_author"] == "theme"
    assert a.author == "Trần Thị Lan"
    assert a.modified_at == "2021-11-22T01:05:00Z" and a.sources["modified_at"] == "wp-core"
    assert a.published_at == "2021-11-20T15:00:00+07:00"    # <time class="updated"> is not it
    assert a.event_date is None                              # "Trong tuần vừa qua"


def test_desk_account_is_never_the_author():
    a = parse("yoast_jsonld.html", "https://news.example.vn/hoi-thao-chuyen-doi-so/")
    assert a.wp_author == "admin" and a.author is None
    assert a.modified_at == "2022-05-12T01:00:00Z"


# ---- the REST API's post JSON --------------------------------------------------------

def _rest_json():
    import json

    from parser_pages import PAGES
    return json.loads((PAGES / "rest_post_455_embed.json").read_text(encoding="utf-8"))


YTE = "https://yte.example.vn/trien-khai-tiem-chung-mo-rong/"


def test_rest_post_with_embed_applies_dates_terms_and_account():
    from archive.parser.rest import apply_rest
    html_only = parse("classic_author_link.html", YTE)
    a = apply_rest(html_only, _rest_json())
    assert a.published_at == "2021-11-20T15:00:00+07:00"      # date_gmt is UTC, shown in +07:00
    assert a.modified_at == "2021-11-23T02:30:00Z" and a.sources["modified_at"] == "rest"
    assert [(t.slug, t.name) for t in a.categories] == [("tin-tuc", "Tin tức"), ("y-te-giao-duc", "Y tế & Giáo dục")]
    assert [(t.slug, t.name) for t in a.tags] == [("tiêm-chủng", "tiêm chủng")]   # percent-decoded, NFC
    assert a.wp_author == "Trần Thị Lan" and a.sources["wp_author"] == "rest"
    assert a.author == "Trần Thị Lan"                          # no printed byline: the account
    assert html_only.modified_at == "2021-11-22T01:05:00Z"     # the input is left alone
    assert a.body_text == html_only.body_text and a.title == html_only.title


def test_rest_without_embed_uses_the_users_and_terms_given():
    from archive.parser.rest import apply_rest
    post = _rest_json()
    embedded = post.pop("_embedded")
    html_only = parse("classic_author_link.html", YTE)
    a = apply_rest(html_only, post)                            # no lookups: the HTML's terms stay
    assert a.categories == html_only.categories and a.wp_author == "Trần Thị Lan"
    assert a.sources["wp_author"] == "theme"
    user = dict(embedded["author"][0], name="Ban Biên tập")
    terms = {o["id"]: o for group in embedded["wp:term"] for o in group}
    b = apply_rest(html_only, post, users={7: user}, terms=terms)
    assert b.wp_author == "Ban Biên tập" and b.author is None  # a desk account is no author
    assert [t.slug for t in b.categories] == ["tin-tuc", "y-te-giao-duc"]


def test_rest_keeps_a_printed_byline_and_ignores_bad_or_foreign_json():
    from archive.parser.rest import apply_rest
    a = parse("tt23_block_post.html", TT23)
    post = dict(_rest_json(), id=2417)
    b = apply_rest(a, post)
    assert b.author == "Hoàng Dũng – Thu Hà" and b.wp_author == "Trần Thị Lan"
    assert apply_rest(a, dict(post, id=1)) is a                 # another post's JSON
    for junk in (None, [], "x", {"date_gmt": 5, "categories": "x", "_embedded": {"wp:term": "x"}}):
        assert apply_rest(a, junk).to_truth() == a.to_truth()
