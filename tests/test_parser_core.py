"""parse_article on portal-like pages, field by field (the seed article and a 2021 post)."""

from __future__ import annotations

import unicodedata

from parser_pages import PORTAL, parse

from archive.parser import ARTICLE_COLUMNS, Image, Link, Term

SEED_TITLE = ("Hội nghị tổng kết công tác năm 2018, triển khai nhiệm vụ năm 2019 ngành thông tin "
              "và truyền thông thành phố Hải Phòng")
SEED_SLUG = ("hoi-nghi-tong-ket-cong-tac-nam-2018-trien-khai-nhiem-vu-nam-2019-nganh-thong-tin-"
             "va-truyen-thong-thanh-pho-hai-phong")


def seed():
    return parse("portal_article.html", PORTAL + "/?p=1234")


def test_seed_identity_from_wordpress_core():
    a = seed()
    assert a.wp_post_id == 1234
    assert a.url == f"{PORTAL}/{SEED_SLUG}.html"          # canonical, not the fetched /?p=
    assert a.slug == SEED_SLUG
    assert a.sources["wp_post_id"] == a.sources["url"] == "wp-core"


def test_seed_title_from_title_tag_without_site_name():
    a = seed()
    assert a.title == SEED_TITLE
    assert a.sources["title"] == "wp-core"


def test_seed_dates_and_bulk_import():
    a = seed()
    assert a.published_raw == "Thứ Bảy, 26/01/2019 23:25"
    assert a.published_at == "2019-01-26T23:25:00+07:00"
    assert a.date_is_bulk_import == 1
    assert a.event_date == "2019-01-11"                    # "sáng 11/01/2019" in the lead
    assert a.sources["published_raw"] == "text"


def test_seed_lead_body_author():
    a = seed()
    assert a.lead.startswith("Nhằm đánh giá kết quả thực hiện công tác năm 2018")
    assert a.lead.endswith("quyết tâm hoàn thành xuất sắc nhiệm vụ năm 2019.")
    blocks = a.body_text.split("\n\n")
    assert blocks[0].startswith("Tới dự Hội nghị tổng kết công tác của ngành")
    assert blocks[1] == "Quang cảnh Hội nghị tổng kết công tác năm 2018"   # image caption line
    assert blocks[-1].startswith("Bước sang năm 2019")
    assert len(blocks) == 5
    assert a.author == "T.H."
    assert a.source is None and a.original_url is None


def test_seed_boilerplate_is_not_text():
    a = seed()
    for junk in ("Print", "Tiện ích thông tin", "Nguồn tin", "QR CODE", "Chúng tôi trên Mạng Xã hội",
                 "QR Code Fanpage", "Mã QR Code", "Tin khác", "Facebook", "Zalo", "T.H.",
                 "Thứ Bảy, 26/01/2019", "Trang chủ", "Cổng tin tức"):
        assert junk not in a.body_text, junk
        assert junk not in a.body_html, junk
    assert "  " not in a.body_text and "\u00a0" not in a.body_text
    assert "\n\n\n" not in a.body_text


def test_seed_hoi_thao_quote_spacing_kept():
    # the page's own text quirk (space after the opening quote) is kept as is
    assert "Hội thảo “ An toàn thông tin cho thành phố thông minh”" in seed().body_text


def test_seed_terms_images_links():
    a = seed()
    assert a.categories == [
        Term("chinh-tri", "Chính trị", f"{PORTAL}/category/chinh-tri/"),
        Term("thong-tin-truyen-thong", "Thông tin – Truyền thông", f"{PORTAL}/category/thong-tin-truyen-thong/"),
    ]
    assert a.tags == []
    assert a.images == [Image(f"{PORTAL}/wp-content/uploads/2019/01/hoi-nghi-tong-ket-stt.jpg",
                              "Quang cảnh Hội nghị tổng kết công tác năm 2018")]
    assert a.links == [Link(f"{PORTAL}/dieu-16-luat-an-ninh-mang-so-24-2018-qh14.html", "related"),
                       Link(f"{PORTAL}/hai-phong-day-manh-chuyen-doi-so.html", "related")]


def test_seed_body_html_is_clean():
    h = seed().body_html
    assert h.startswith("<p>Tới dự Hội nghị")
    assert '<figure><img src="https://thanhphohaiphong.gov.vn/wp-content/uploads/2019/01/hoi-nghi-tong-ket-stt.jpg"' in h
    assert "<figcaption><em>Quang cảnh Hội nghị tổng kết công tác năm 2018</em></figcaption></figure>" in h
    for bad in ("<script", "<style", "style=", "class=", "<div", "<span", "javascript:", "&nbsp;"):
        assert bad not in h, bad


def test_rows_and_truth_shape():
    a = seed()
    row = a.to_row()
    assert tuple(row) == ARTICLE_COLUMNS
    truth = a.to_truth()
    assert "body_html" not in truth
    assert truth["images"][0]["caption"].startswith("Quang cảnh")
    assert truth["categories"][0] == {"slug": "chinh-tri", "name": "Chính trị"}


def post2021():
    return parse("portal_2021_goc_source.html", PORTAL + "/hai-phong-hoan-thanh-ha-ngam-cap-vien-thong-tuyen-lach-tray.html")


def test_2021_goc_link_source_and_initials():
    a = post2021()
    assert a.original_url == "https://baohaiphong.com.vn/ha-ngam-cap-lach-tray-123.html"
    assert a.published_raw == "Thứ Hai, 01/11/2021 17:15"       # no "Print", no "Gốc"
    assert a.published_at == "2021-11-01T17:15:00+07:00"
    assert a.date_is_bulk_import == 0 and a.event_date == "2021-10-30"     # "Ngày 30/10," in the lead
    assert a.author == "KO"
    assert a.source == "ANHP"
    assert "Nguồn" not in a.body_text and "KO" not in a.body_text.split("\n\n")


def test_2021_body_blocks_headings_lists_captions():
    a = post2021()
    assert a.lead == ("Ngày 30/10, Sở Thông tin và Truyền thông phối hợp với các doanh nghiệp viễn thông "
                      "hoàn thành hạ ngầm cáp trên tuyến đường Lạch Tray, góp phần chỉnh trang đô thị.")
    blocks = a.body_text.split("\n\n")
    assert blocks[1] == "Phối hợp chặt chẽ"
    assert "Công nhân thi công hạ ngầm cáp trên đường Lạch Tray" in blocks
    assert blocks[-2:] == ["– Tiếp tục rà soát các tuyến phố còn cáp treo;",
                           "– Hoàn thiện cơ chế phối hợp giữa các doanh nghiệp."]
    assert "Chia sẻ" not in a.body_text


def test_2021_entities_and_mixed_tone_marks_kept():
    a = post2021()
    # wptexturize entities decoded, old/new tone placement left exactly as the page has them
    assert "“không để đứt liên lạc”…" in a.body_text
    assert "Uỷ ban" in a.body_text and "Ủy ban" in a.body_text
    assert "thoả thuận" in a.body_text and "hoà mạng" in a.body_text
    assert unicodedata.is_normalized("NFC", a.body_text)


def test_2021_terms_images_links():
    a = post2021()
    assert [(t.slug, t.name) for t in a.categories] == [("kinh-te", "Kinh tế"), ("ha-tang", "Hạ tầng")]
    assert [(t.slug, t.name) for t in a.tags] == [("ha-ngam", "hạ ngầm"), ("vien-thong", "viễn thông")]
    assert a.images == [Image(
        "https://i1.wp.com/thanhphohaiphong.gov.vn/wp-content/uploads/2021/11/ha-ngam-lach-tray.jpg?fit=665%2C443&ssl=1",
        "Công nhân thi công hạ ngầm cáp trên đường Lạch Tray")]
    assert a.links == [
        Link(f"{PORTAL}/ke-hoach-ha-ngam-2021.html", "body"),
        Link(f"{PORTAL}/khoi-cong-tuyen-cap-quang-moi.html", "related"),
        Link(f"{PORTAL}/chuyen-doi-so-nam-2021.html", "related"),
        Link("https://baohaiphong.com.vn/ha-ngam-cap-lach-tray-123.html", "original"),
    ]


def test_2021_sources_record_layers():
    s = post2021().sources
    assert s["wp_post_id"] == "wp-core" and s["categories"] == "wp-core" and s["tags"] == "wp-core"
    assert s["author"] == s["source"] == s["published_raw"] == "text"
    assert s["body_text"] == "theme" and s["original_url"] == "theme"
    assert set(s.values()) <= {"wp-core", "metadata", "theme", "text"}
