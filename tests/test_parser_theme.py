"""Other WordPress themes: block theme (twentytwentyfour), Yoast JSON-LD, core signals only,
a theme without the Print line."""

from __future__ import annotations

from parser_pages import parse

from archive.parser import Image, Link, parse_article

TT24 = "https://tin.example.vn/2020/09/02/khanh-thanh-cau-hoang-van-thu/"


def test_block_theme_title_date_terms():
    a = parse("block_theme_tt24.html", TT24)
    assert a.wp_post_id == 512
    assert a.url == TT24 and a.slug == "khanh-thanh-cau-hoang-van-thu"
    assert a.title == "Khánh thành cầu Hoàng Văn Thụ" and a.sources["title"] == "theme"
    assert a.published_at == "2020-09-02T10:00:00+07:00" and a.sources["published_at"] == "wp-core"
    assert a.published_raw == "02/09/2020"
    # block themes put rel="tag" on category links too
    assert [(t.slug, t.name) for t in a.categories] == [("giao-thong", "Giao thông")]
    assert [(t.slug, t.name) for t in a.tags] == [("cau", "cầu"), ("hai-phong", "Hải Phòng")]


def test_block_theme_body_and_images():
    a = parse("block_theme_tt24.html", TT24)
    assert a.lead.startswith("Sáng 2/9, thành phố tổ chức lễ khánh thành")
    assert a.body_text.split("\n\n") == [
        "Cầu Hoàng Văn Thụ nhìn từ trên cao", "Quy mô công trình", "Chiều dài: 1,5 km",
        "Tổng vốn: 2.000 tỷ đồng", "Cầu được khởi công từ tháng 8 năm 2018.", "Chúc mừng!"]
    assert a.images == [
        # lazy image: the original upload from data-lazy-srcset, not the svg placeholder
        Image("https://tin.example.vn/wp-content/uploads/2020/09/cau-hvt.jpg", "Cầu Hoàng Văn Thụ nhìn từ trên cao"),
        # relative src, srcset without the original: the largest candidate
        Image("https://tin.example.vn/wp-content/uploads/2020/09/le-khanh-thanh-768x512.jpg", None),
    ]                                    # the emoji image is not an article image
    assert "Bình luận" not in a.body_text and "Bài trước" not in a.body_text
    assert "<h2>Quy mô công trình</h2>" in a.body_html
    assert "<ul>\n<li>Chiều dài: 1,5 km</li>\n<li>Tổng vốn: 2.000 tỷ đồng</li>\n</ul>" in a.body_html
    assert a.author is None and a.event_date == "2020-09-02"      # "Sáng 2/9," in the lead


def test_yoast_jsonld_metadata_layer():
    url = "https://news.example.vn/hoi-thao-chuyen-doi-so/"
    a = parse("yoast_jsonld.html", url)
    assert a.wp_post_id == 1501
    assert a.title == "Hội thảo chuyển đổi số" and a.sources["title"] == "metadata"
    # JSON-LD / article:published_time are UTC: the same instant in +07:00
    assert a.published_at == "2022-05-11T12:15:00+07:00" and a.sources["published_at"] == "metadata"
    assert a.published_raw == "11/05/2022 12:15"        # "Thời gian: 11/05/2022 12:15"
    assert a.lead.startswith("Ngày 11/5, Sở Thông tin") and a.sources["lead"] == "theme"
    assert a.body_text.split("\n\n") == [
        "Hội thảo có sự tham gia của hơn 200 đại biểu đến từ các sở, ngành và doanh nghiệp.",
        "Toàn cảnh hội thảo", "Tài liệu hội thảo xem tại đây."]
    assert a.source == "Sở TT&TT Hải Phòng"
    assert a.author is None                           # the JSON-LD "admin" user is no initials line


def test_yoast_relative_urls_resolve_against_base_href():
    a = parse("yoast_jsonld.html", "https://news.example.vn/hoi-thao-chuyen-doi-so/")
    assert a.images == [Image("https://news.example.vn/wp-content/uploads/2022/05/hoi-thao.jpg", "Toàn cảnh hội thảo")]
    assert Link("https://news.example.vn/tai-lieu/hoi-thao.pdf", "body") in a.links
    assert Link("https://news.example.vn/bai-lien-quan-1/", "related") in a.links


def test_core_signals_only():
    a = parse("core_only.html", "https://capnuoc.example.vn/?p=77")
    assert a.wp_post_id == 77
    assert a.url == "https://capnuoc.example.vn/cap-nuoc-sach-cho-3-xa-dao/"   # relative canonical resolved
    assert a.title == "Cấp nước sạch cho 3 xã đảo"                               # <title> minus " | site"
    assert a.published_at == "2020-06-15T14:05:00+07:00"
    assert a.lead == "Công ty Cấp nước đã hoàn thành tuyến ống cấp nước sạch cho 3 xã đảo của huyện Cát Hải."
    assert a.body_text.split("\n\n") == [
        "Tuyến ống dài 12 km, tổng vốn đầu tư 80 tỷ đồng, phục vụ khoảng 9.000 hộ dân.",
        "Dự kiến khánh thành vào tháng 7 năm 2020."]
    assert a.author == "P.V"
    assert [(t.slug, t.name) for t in a.categories] == [("tin-tuc", "Tin tức")]
    assert a.images == [Image("https://capnuoc.example.vn/wp-content/uploads/2020/06/ong-nuoc.jpg", None)]
    assert a.sources["body_text"] == "text"           # no theme body container on this page


def test_theme_without_print_line_uses_machine_date():
    a = parse("no_print_line.html", "https://thethao.example.vn/?p=321")
    assert a.published_at == "2023-03-05T08:30:00+07:00"
    assert a.sources["published_at"] == "wp-core"
    assert a.published_raw is None                    # "05 Tháng Ba, 2023" is no date line
    assert a.author == "Minh Anh (TTXVN)"
    assert a.body_text == "Trận đấu tiếp theo diễn ra vào ngày 12/03/2023."
    assert "admin" not in a.body_text


def test_title_only_in_title_tag_strips_site_name():
    html = ("<html><head><title>Khai mạc hội chợ – Hải Phòng – Cổng tin tức Thành phố Hải Phòng</title>"
            "<link rel='shortlink' href='https://x.vn/?p=9'></head><body class='single single-post postid-9'>"
            "<div class='entry-content'><p>Sáng nay khai mạc hội chợ thương mại tại Hải Phòng với 300 gian hàng.</p>"
            "</div></body></html>").encode()
    a = parse_article(html, "https://x.vn/khai-mac-hoi-cho-hai-phong.html")
    assert a.title == "Khai mạc hội chợ – Hải Phòng"     # the slug decides where the suffix starts
    b = parse_article(html, "https://x.vn/?p=9")
    assert b.title == "Khai mạc hội chợ – Hải Phòng"


def test_og_site_name_suffix_removed():
    html = ("<html><head><title>Tin A | Báo B</title><meta property='og:type' content='article'>"
            "<meta property='og:site_name' content='Báo B'><meta property='og:title' content='Tin A | Báo B'>"
            "</head><body><article><div class='entry-content'><p>Nội dung bài viết đủ dài để là một đoạn văn.</p>"
            "</div></article></body></html>").encode()
    a = parse_article(html, "https://b.vn/?p=1")
    assert a.title == "Tin A" and a.sources["title"] == "metadata"
    assert a.wp_post_id is None


def test_elementor_single_template():
    html = """<html><head><meta charset="utf-8"><title>Lễ hội Hoa Phượng Đỏ 2023 – Du lịch Hải Phòng</title>
    <link rel="canonical" href="https://dulich.example.vn/le-hoi-hoa-phuong-do-2023/"></head>
    <body class="post-template-default single single-post postid-42 elementor-default elementor-template-full-width">
    <div data-elementor-type="single-post" class="elementor elementor-9 elementor-location-single post-42 post type-post status-publish hentry category-su-kien">
    <div class="elementor-widget elementor-widget-theme-post-title"><div class="elementor-widget-container">
    <h1 class="elementor-heading-title elementor-size-default">Lễ hội Hoa Phượng Đỏ 2023</h1></div></div>
    <div class="elementor-widget elementor-widget-post-info"><ul class="elementor-icon-list-items elementor-post-info">
    <li><span class="elementor-post-info__item--type-date"><time>Thứ Sáu, 12/05/2023 20:00</time></span></li>
    <li><a href="https://dulich.example.vn/category/su-kien/" rel="category tag">Sự kiện</a></li></ul></div>
    <div class="elementor-widget elementor-widget-theme-post-content"><div class="elementor-widget-container">
    <p>Tối 12/5, thành phố khai mạc Lễ hội Hoa Phượng Đỏ năm 2023 tại Quảng trường Nhà hát lớn.</p>
    <p>Lễ hội kéo dài đến hết ngày 14/5 với nhiều hoạt động văn hóa, thể thao.</p>
    <p style="text-align: right;"><strong>H.A.</strong></p>
    </div></div>
    <div class="elementor-widget elementor-widget-share-buttons"><a href="https://facebook.com/sharer">Chia sẻ Facebook</a></div>
    </div></body></html>"""
    a = parse_article(html.encode(), "https://dulich.example.vn/le-hoi-hoa-phuong-do-2023/")
    assert a.wp_post_id == 42
    assert a.title == "Lễ hội Hoa Phượng Đỏ 2023"
    assert a.published_raw == "Thứ Sáu, 12/05/2023 20:00" and a.published_at == "2023-05-12T20:00:00+07:00"
    assert a.lead == "Tối 12/5, thành phố khai mạc Lễ hội Hoa Phượng Đỏ năm 2023 tại Quảng trường Nhà hát lớn."
    assert a.body_text == "Lễ hội kéo dài đến hết ngày 14/5 với nhiều hoạt động văn hóa, thể thao."
    assert a.author == "H.A."
    assert [(t.slug, t.name) for t in a.categories] == [("su-kien", "Sự kiện")]


def test_title_heading_of_the_post_not_of_a_sidebar_list():
    html = """<html><head><title>Bài chính – Site</title></head>
    <body class="single single-post postid-7">
    <aside class="widget-area"><article class="post-1"><h2 class="entry-title"><a href="/khac.html">Bài khác</a></h2></article></aside>
    <main><article id="post-7" class="post-7 post type-post"><header><h1 class="entry-title">Bài chính</h1></header>
    <div class="entry-content"><p>Nội dung của bài chính, đủ dài để làm đoạn dẫn của bài viết.</p></div></article></main>
    </body></html>"""
    a = parse_article(html.encode(), "https://x.vn/?p=7")
    assert a.title == "Bài chính" and a.sources["title"] == "theme"


def test_related_posts_rendered_as_post_articles():
    related = "".join(f'<article id="post-{n}" class="post-{n} post type-post"><h3 class="entry-title">'
                      f'<a href="/r{n}.html">Tin {n}</a></h3></article>' for n in (11, 12, 13))
    html = f"""<html><head><link rel="shortlink" href="https://x.vn/?p=10"></head><body>
    <article id="post-10" class="post-10 post type-post"><h1 class="entry-title">Bài mười</h1>
    <div class="entry-content"><p>Nội dung của bài mười đủ dài để làm đoạn dẫn của bài viết.</p></div></article>
    <section class="more">{related}</section></body></html>"""
    a = parse_article(html.encode(), "https://x.vn/bai-muoi.html")
    assert a is not None and a.wp_post_id == 10 and a.title == "Bài mười"
    assert a.lead == "Nội dung của bài mười đủ dài để làm đoạn dẫn của bài viết."
    # the same markup without any post id of its own is a listing
    assert parse_article(html.replace('<link rel="shortlink" href="https://x.vn/?p=10">', "").encode(),
                         "https://x.vn/") is None
