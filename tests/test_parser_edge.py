"""Pages that are not posts, broken input, encodings, and text-pattern precision."""

from __future__ import annotations

import random
import unicodedata

import pytest
from parser_pages import PORTAL, page, parse

from archive.parser import parse_article
from archive.parser.decode import decode_html
from archive.parser.textpatterns import author_line, is_stop, source_line


@pytest.mark.parametrize("name", [
    "amp.html", "amp_bolt.html", "listing_category.html", "listing_no_classes.html",
    "not_found.html", "attachment.html", "home.html",
])
def test_not_a_single_post(name):
    assert parse(name) is None


@pytest.mark.parametrize("data", [
    b"", b"   \n\t ", b"\x00\x00", b"<html></html>", b"<!-- only a comment -->",
    b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>x</title>'
    b"<item><title>Tin</title><link>https://x/a.html</link></item></channel></rss>",
    b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    b"<url><loc>https://x/a.html</loc></url></urlset>",
    b"User-agent: *\nDisallow: /wp-admin/\n",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
])
def test_nothing_to_parse_gives_none(data):
    assert parse_article(data, PORTAL + "/x.html") is None


def test_garbage_never_raises():
    rng = random.Random(20260128)
    real = [page(n) for n in ("portal_article.html", "portal_2021_goc_source.html",
                              "block_theme_tt24.html", "yoast_jsonld.html")]
    for i in range(400):
        kind = i % 4
        if kind == 0:
            data = bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
        elif kind == 1:      # a real page cut anywhere
            src = rng.choice(real)
            data = src[: rng.randrange(len(src))]
        elif kind == 2:      # a real page with random bytes overwritten
            data = bytearray(rng.choice(real))
            for _ in range(rng.randrange(1, 60)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            data = bytes(data)
        else:                # tag soup
            bits = ["<p>", "</p>", "<div class='entry-content'>", "</div>", "<a href='", "'>", "<img src=",
                    "Thứ Bảy, 26/01/2019 23:25", "T.H.", "Nguồn. ", "<script>", "&#", "\u00a0", "Tin khác",
                    "<html amp>", "<body class='single-post postid-", "7'>", "<br>", "<table><tr><td>", "ư\u0301"]
            data = "".join(rng.choice(bits) for _ in range(rng.randrange(1, 80))).encode("utf-8")
        result = parse_article(data, rng.choice([PORTAL + "/x.html", "", "not a url", "http://[::1"]),
                               encoding=rng.choice([None, "utf-8", "latin-1", "bogus-charset"]))
        assert result is None or isinstance(result.body_text, str)


def test_deep_nesting_does_not_crash():
    html = (b"<html><body class='single single-post postid-3'><div class='entry-content'>"
            + b"<div>" * 5000 + b"<p>Deep text paragraph.</p>" + b"</div>" * 5000 + b"</div></body></html>")
    a = parse_article(html, PORTAL + "/x.html")
    assert a is None or a.wp_post_id == 3


def test_nfd_page_gives_the_same_nfc_article():
    url = PORTAL + "/hai-phong-hoan-thanh-ha-ngam-cap-vien-thong-tuyen-lach-tray.html"
    nfd, nfc = parse("nfd_text.html", url), parse("portal_2021_goc_source.html", url)
    assert page("nfd_text.html") != page("portal_2021_goc_source.html")
    assert nfd.to_truth() == nfc.to_truth()
    assert nfd.body_html == nfc.body_html
    for value in (nfd.title, nfd.lead, nfd.body_text, nfd.body_html):
        assert unicodedata.is_normalized("NFC", value)


def test_windows_1258_page():
    a = parse("cp1258_page.html", PORTAL + "/duong-lach-tray-duoc-mo-rong.html")
    assert a.title == "Đường Lạch Tray được mở rộng"
    assert a.lead == "Ủy ban nhân dân thành phố quyết định mở rộng đường Lạch Tray đoạn từ ngã tư Thành Đội đến cầu Rào."
    assert "người dân hoà đồng ủng hộ" in a.body_text
    assert a.published_raw == "Chủ nhật, 24/05/2020 08:05"
    assert a.published_at == "2020-05-24T08:05:00+07:00"
    assert a.author == "Đ.T.H"
    assert unicodedata.is_normalized("NFC", a.body_text)


def test_windows_1258_without_declaration_is_guessed():
    data = page("cp1258_page.html").replace(b"charset=windows-1258", b"")
    assert parse_article(data, PORTAL + "/x.html").title == "Đường Lạch Tray được mở rộng"


def test_declared_encodings():
    text = "<meta charset='windows-1258'><p>Hải Phòng hoà đồng</p>"
    legacy = text.encode("cp1258", "ignore").replace(b"windows-1258", b"windows-1258")
    assert decode_html("Hải Phòng".encode("utf-16"), None) == "Hải Phòng"      # BOM
    assert decode_html("Hải Phòng".encode(), "no-such-codec") == "Hải Phòng"
    # a single-byte label on bytes that are valid UTF-8: the label is wrong
    assert "Hải Phòng" in decode_html("<meta charset='iso-8859-1'><p>Hải Phòng</p>".encode(), "ISO-8859-1")
    assert "Hải Phòng" in decode_html("<p>Hải Phòng</p>".encode(), "windows-1252")
    # the transport encoding wins over the meta tag
    assert decode_html(legacy, "windows-1258") == decode_html(legacy, None)
    assert decode_html("<meta charset='utf-8'>café".encode("cp1252"), "windows-1252").endswith("café")
    assert decode_html(b"caf\xe9", None) == "caf\xe9".encode("latin-1").decode("cp1252")


def test_truncated_page():
    a = parse("truncated.html", PORTAL + "/?p=1234")
    assert a.wp_post_id == 1234 and a.title.startswith("Hội nghị tổng kết công tác năm 2018")
    assert a.published_at == "2019-01-26T23:25:00+07:00"
    assert a.body_text.endswith("Năm 2018 vừa qua, vai trò và v")    # cut mid-character: no U+FFFD
    assert "\ufffd" not in a.body_text
    assert a.author is None and a.links == []


def test_missing_author():
    a = parse("missing_author.html")
    assert a.author is None
    assert a.body_text.endswith("KẾT THÚC")          # an all-caps closing word is not initials
    assert a.published_at == "2019-09-06T09:36:00+07:00" and a.sources["published_at"] == "wp-core"
    assert a.published_raw == "Thứ Sáu, 06/09/2019 09:36"


def test_no_lead():
    a = parse("no_lead.html")
    assert a.lead is None
    assert a.body_text.split("\n\n") == ["Khối quận", "Quận Hồng Bàng", "Quận Ngô Quyền", "Khối huyện",
                                         "Huyện Thủy Nguyên"]
    assert a.author == "N.T.M"
    assert a.title == "Danh sách các đơn vị đạt chuẩn năm 2022"
    assert a.published_raw == "Thứ Năm, 10/11/2023 16:21"


def test_text_only_page_of_a_sister_site():
    html = """<html><head><meta charset="utf-8"><title>Điểm báo ngày 11/5 - Cổng TTĐT Hải Phòng</title></head>
    <body><div id="content"><h1>Điểm báo ngày 11/5</h1><div class="time">Thời gian: 11/05/2022 12:15</div>
    <div class="noidung"><p>Báo Hải Phòng đưa tin về tiến độ các dự án trọng điểm của thành phố trong năm 2022,
    với nhiều công trình giao thông lớn được khởi công và hoàn thành.</p>
    <p>Báo An ninh Hải Phòng phản ánh công tác bảo đảm trật tự an toàn giao thông.</p></div></div></body></html>"""
    a = parse_article(html.encode(), "https://haiphong.gov.vn/Diem-bao/Diem-bao-ngay-11-5-91682.html")
    assert a is not None and a.wp_post_id is None
    assert a.title == "Điểm báo ngày 11/5"
    assert a.published_raw == "11/05/2022 12:15" and a.published_at == "2022-05-11T12:15:00+07:00"
    assert a.sources["published_at"] == "text"
    assert a.lead.startswith("Báo Hải Phòng đưa tin")


def test_entity_encoded_text():
    html = ("<html><body class='single-post postid-8'><div class='entry-content'>"
            "<p>Th&agrave;nh ph&#7889; H&#7843;i Ph&ograve;ng &amp; c&aacute;c t&#7881;nh</p>"
            "<p>&nbsp;</p><p>&#160;</p><p>  Hai  kho&#7843;ng   tr&#7855;ng  </p></div></body></html>").encode("ascii")
    a = parse_article(html, PORTAL + "/x.html")
    assert a.lead == "Thành phố Hải Phòng & các tỉnh"
    assert a.body_text == "Hai khoảng trắng"


@pytest.mark.parametrize("line", ["T.H.", "KO", "N.T.M", "T.H", "Đ.T.H", "T.H - P.V", "H.N.", "Minh Anh (TTXVN)",
                                  "THM"])
def test_author_initials(line):
    assert author_line(line) == line


@pytest.mark.parametrize("line", [
    "KẾT THÚC", "Hội nghị kết thúc.", "UBND", "Hải Phòng", "Xem thêm", "TP. Hải Phòng",
    "Bước sang năm 2019, toàn thể cán bộ.", "Nguồn. ANHP", "(Ảnh minh họa)", "1.2.3.", "A",
    "Theo Báo Hải Phòng", "Tin, ảnh: Văn Hải",
])
def test_not_author(line):
    assert author_line(line) is None


@pytest.mark.parametrize("line, src", [
    ("Nguồn. ANHP", "ANHP"), ("Nguồn: Báo Hải Phòng", "Báo Hải Phòng"), ("(Nguồn: TTXVN)", "TTXVN"),
    ("Nguồn tin: Sở Y tế", "Sở Y tế"), ("Nguồn tin", None), ("Nguồn nước sạch đã về xã", None),
])
def test_source_line(line, src):
    assert source_line(line) == src


@pytest.mark.parametrize("line", ["Tin khác", "TIN KHÁC", "Tiện ích thông tin", "Nguồn tin", "QR Code",
                                  "QR CODE: Hội nghị", "Chúng tôi trên Mạng Xã hội", "QR Code Fanpage",
                                  "Mã QR Code truy cập vào Fanpage Cổng tin tức Thành phố Hải Phòng"])
def test_sidebar_lines_stop_the_body(line):
    assert is_stop(line)


def test_relative_urls_without_a_fetched_url_use_the_canonical():
    a = parse("portal_2021_goc_source.html", "")
    assert a.url == PORTAL + "/hai-phong-hoan-thanh-ha-ngam-cap-vien-thong-tuyen-lach-tray.html"
    assert a.links[0].url == PORTAL + "/ke-hoach-ha-ngam-2021.html"


def test_text_only_listing_is_not_a_post():
    item = ("<div class='item'><h3><a href='/a{n}.html'>Tin số {n}</a></h3><div class='date'>Thứ Hai, 0{n}/11/2021 "
            "17:15</div><p>Tóm tắt tin số {n}: các sở, ngành triển khai nhiệm vụ trọng tâm của thành phố trong "
            "tháng, bảo đảm tiến độ và chất lượng công việc.</p></div>")
    html = "<html><body><h1>Tin tức</h1>" + "".join(item.format(n=n) for n in range(1, 6)) + "</body></html>"
    assert parse_article(html.encode(), "https://haiphong.gov.vn/tin-tuc/") is None


def test_icon_before_goc_and_tin_khac_labels():
    html = """<html><body class="single single-post postid-5"><article id="post-5" class="post-5 post type-post">
    <div class="meta"><a href="#" class="print"><i class="fa fa-print"></i> Print</a> Thứ Hai, 01/11/2021 17:15
    <a class="goc" href="https://baohaiphong.vn/x.html"><i class="fa fa-link"></i> Gốc</a></div>
    <div class="entry-content"><p>Nội dung đủ dài của bài viết về hoạt động của thành phố trong tuần qua.</p></div>
    </article><div class="box"><h3><i class="fa fa-list"></i> Tin khác</h3><ul><li><a href="/y.html">Y</a></li></ul></div>
    </body></html>"""
    a = parse_article(html.encode(), PORTAL + "/x.html")
    assert a.original_url == "https://baohaiphong.vn/x.html"
    assert a.published_raw == "Thứ Hai, 01/11/2021 17:15"
    assert [(l.url, l.kind) for l in a.links] == [(PORTAL + "/y.html", "related"),
                                                  ("https://baohaiphong.vn/x.html", "original")]
