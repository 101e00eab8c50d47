"""42 article pages shaped like the real portal's, with their truth (author, source, event date).

Built from the conventions counted on 42 real article pages of the portal
(docs/parser.md, "Editorial conventions"): the byline forms at their counts
(11 title-case names, one 4-word name, 5 initials, one upper-case name, one
``Tin và ảnh:`` prefix, one ``Name. Ảnh: Name``, one ``X.Y.Z – <source> ngày
dd/mm/yyyy``; the rest without a byline), event dates in the lead at their
counts (``Sáng D/M,`` 8, ``Sáng D-M,`` 3, ``Ngày D-M`` 2, lower case mid-sentence
5, a range 1, a full date 2, written out 2; 4 anniversary spans, one recurring
date, leads saying only ``vừa qua``), source lines in their places, captions
without ``Ảnh:``, related-news teasers ending in ``…`` with and without a
``Tin khác`` header, and the QR/Fanpage sidebar. The markup is the portal's
classic WordPress theme, with the byline set in the ways editors set it.
``pages()`` yields ``(url, html bytes, truth dict)``.
"""

from __future__ import annotations

import html
from datetime import date, datetime, timedelta

BASE = "https://thanhphohaiphong.gov.vn"
WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")

# (lead, event date) — 22 leads naming the event's day, 20 that do not
LEADS = [
    ("Sáng 11/1, Sở Thông tin và Truyền thông tổ chức Hội nghị tổng kết công tác năm 2018.", (1, 11)),
    ("Chiều 7/6, UBND thành phố họp bàn phương án phòng, chống thiên tai năm 2019.", (6, 7)),
    ("Sáng 22/8, Ban Chỉ đạo thành phố kiểm tra công tác chuẩn bị năm học mới.", (8, 22)),
    ("Chiều 29/12, Hội đồng nhân dân thành phố bế mạc kỳ họp thứ 12.", (12, 29)),
    ("Sáng 01/8, Bộ Chỉ huy Quân sự thành phố khai mạc diễn tập khu vực phòng thủ.", (8, 1)),
    ("Chiều 15/3, Sở Y tế triển khai chiến dịch tiêm chủng mở rộng.", (3, 15)),
    ("Sáng 5/9, hơn 400 nghìn học sinh thành phố dự lễ khai giảng năm học mới.", (9, 5)),
    ("Chiều 20/10, Hội Liên hiệp Phụ nữ thành phố tổ chức gặp mặt kỷ niệm 90 năm thành lập.", (10, 20)),
    ("Sáng 22-8, lãnh đạo thành phố làm việc với Ban Quản lý Khu kinh tế.", (8, 22)),
    ("Sáng 7-7, Công an thành phố ra quân bảo đảm trật tự an toàn giao thông.", (7, 7)),
    ("Sáng 3-6, quận Đồ Sơn ra quân làm sạch bãi biển hưởng ứng Ngày Môi trường thế giới.", (6, 3)),
    ("Ngày 2-7, Sở Giáo dục và Đào tạo tổ chức kỳ thi tuyển sinh vào lớp 10.", (7, 2)),
    ("Ngày 14/2, thành phố tổ chức lễ ra quân giao, nhận quân năm 2020.", (2, 14)),
    ("Thực hiện kế hoạch năm 2019, chiều 18/4, Sở Tài chính tổ chức hội nghị tập huấn.", (4, 18)),
    ("Theo chương trình công tác, sáng 9/5, đoàn công tác làm việc tại huyện Thủy Nguyên.", (5, 9)),
    ("Hội nghị diễn ra ngày 12/11 tại Trung tâm Hội nghị thành phố với 300 đại biểu.", (11, 12)),
    ("Nhằm đánh giá kết quả công tác, tối 3/6, Nhà hát thành phố tổ chức chương trình nghệ thuật.", (6, 3)),
    ("Đoàn công tác đã đến thăm, tặng quà các gia đình chính sách chiều 25/7.", (7, 25)),
    ("Từ ngày 3/6 đến ngày 5/6, thành phố tổ chức Lễ hội Hoa Phượng Đỏ.", (6, 3)),
    ("Sáng 11/01/2019, Sở Thông tin và Truyền thông tổ chức hội nghị triển khai nhiệm vụ.", "2019-01-11"),
    ("Ngày 24/8/2018, UBND thành phố ban hành kế hoạch cải cách hành chính.", "2018-08-24"),
    ("Ngày 5 tháng 8 năm 2020, Thành ủy tổ chức hội nghị sơ kết 6 tháng.", "2020-08-05"),
] + [
    ("Năm 2019 vừa qua, ngành thông tin và truyền thông đạt nhiều kết quả nổi bật.", None),
    ("Các đơn vị vừa qua đã triển khai đồng bộ nhiều giải pháp cải cách hành chính.", None),
    ("Thành phố tiếp tục đẩy mạnh chuyển đổi số trong các cơ quan nhà nước.", None),
    ("Công tác phòng, chống dịch bệnh được triển khai quyết liệt trên địa bàn thành phố.", None),
    ("Ngày 18/11 hằng năm là Ngày hội Đại đoàn kết toàn dân tộc ở khu dân cư.", None),
    ("Trong những năm qua, thành phố luôn quan tâm chăm lo đời sống người có công.", None),
    ("Hạ tầng giao thông của thành phố ngày càng được đầu tư đồng bộ, hiện đại.", None),
    ("Nhiều mô hình hay, cách làm sáng tạo đã được nhân rộng trong thời gian qua.", None),
    ("Kỷ niệm 65 năm Ngày giải phóng Hải Phòng (13/5/1955-13/5/2020) là dịp ôn lại truyền thống.", None),
    ("Ngành du lịch thành phố chủ động xây dựng kịch bản phục hồi sau dịch.", None),
    ("Tuần qua, các lực lượng chức năng đã kiểm tra nhiều cơ sở kinh doanh.", None),
    ("Công tác tuyển sinh đầu cấp năm nay có nhiều điểm mới.", None),
    ("Thành phố hoàn thành sớm kế hoạch hạ ngầm cáp viễn thông các tuyến phố chính.", None),
    ("Chương trình xây dựng nông thôn mới đạt nhiều kết quả quan trọng.", None),
    ("Nhân dịp kỷ niệm 75 năm Ngày Thương binh – Liệt sỹ (27/7/1947-27/7/2022), các địa phương tổ chức nhiều hoạt động.", None),
    ("Hoạt động xuất khẩu của doanh nghiệp thành phố tăng trưởng khá.", None),
    ("Dự án cầu Hoàng Văn Thụ đã hoàn thành, đưa vào sử dụng.", None),
    ("Công tác cải cách thủ tục hành chính tiếp tục được đẩy mạnh.", None),
    ("Thành phố tập trung giải ngân vốn đầu tư công.", None),
    ("Việc đảm bảo an ninh trật tự dịp Tết được triển khai từ sớm.", None),
]
# two of the anniversary spans come before the event date in the same lead
LEADS[17] = ("Nhân kỷ niệm 75 năm Ngày Thương binh – Liệt sỹ (27/7/1947-27/7/2022), đoàn công tác "
             "đã đến thăm, tặng quà các gia đình chính sách chiều 25/7.", (7, 25))
LEADS[12] = ("Kỷ niệm 90 năm Ngày thành lập Đảng (3/2/1930-3/2/2020), ngày 14/2, thành phố tổ chức "
             "lễ ra quân giao, nhận quân năm 2020.", (2, 14))

# (how the byline is typed, the author it credits, the source it names)
BYLINES = [
    ('<p style="text-align: right;"><strong>Minh Anh</strong></p>', "Minh Anh", None),
    ('<p style="text-align: right;"><strong>Hoàng Dũng</strong></p>', "Hoàng Dũng", None),
    ('<p class="has-text-align-right"><strong>Thu Hà</strong></p>', "Thu Hà", None),
    ('<p style="text-align: right;"><b>Văn Hải</b></p>', "Văn Hải", None),
    ('<p style="text-align: right;"><em><strong>Quang Huy</strong></em></p>', "Quang Huy", None),
    ("<p>Nguyễn Hương</p>", "Nguyễn Hương", None),
    ('<p style="text-align: right;">Phạm Hải Nam</p>', "Phạm Hải Nam", None),
    ("<p><strong>Lê Minh Trang</strong></p>", "Lê Minh Trang", None),
    ('<p style="text-align: right;"><strong>Hoàng Dũng – Thu Hà</strong></p>', "Hoàng Dũng – Thu Hà", None),
    ('<p style="text-align: right;">Đức Thắng</p>', "Đức Thắng", None),
    ('<p style="text-align: right;"><strong>Bảo Ngọc</strong></p>', "Bảo Ngọc", None),
    ('<p style="text-align: right;"><strong>Trần Thị Thu Hương</strong></p>', "Trần Thị Thu Hương", None),
    ('<p style="text-align: right;"><strong>V.H.N</strong></p>', "V.H.N", None),
    ('<p style="text-align: right;"><strong>LHT</strong></p>', "LHT", None),
    ("<p><strong>KO</strong></p>", "KO", None),
    ('<p style="text-align: right;">PV</p>', "PV", None),
    ('<p style="text-align: right;"><strong>T.H.</strong></p>', "T.H.", None),
    ('<p style="text-align: right;"><strong>NGUYỄN VĂN HÙNG</strong></p>', "NGUYỄN VĂN HÙNG", None),
    ('<p style="text-align: right;"><strong>Tin và ảnh: Minh Thu</strong></p>', "Minh Thu", None),
    ('<p style="text-align: right;">Hoàng Phong. Ảnh: Thanh Tùng</p>', "Hoàng Phong", None),
    ("<p>X.T.H – Báo Hải Phòng ngày 12/5/2020</p>", "X.T.H", "Báo Hải Phòng"),
] + [(None, None, None)] * 21

# (how the source is typed, the source it names), in the places sources appear
SOURCES = [
    ("<p>Nguồn. ANHP</p>", "ANHP"), ("<p><em>(Nguồn: Báo Hải Phòng)</em></p>", "Báo Hải Phòng"),
    ("<p>Báo Hải Phòng 14/02/2020</p>", "Báo Hải Phòng"), ("<p>Theo Cổng TTĐT thành phố</p>", "Cổng TTĐT thành phố"),
    ("<p>Nguồn: Sở Y tế</p>", "Sở Y tế"), ("<p>(Nguồn: TTXVN)</p>", "TTXVN"),
]

PARAGRAPHS = [
    "Tới dự hội nghị có đại diện lãnh đạo các sở, ngành, quận, huyện và các cơ quan báo chí của thành phố.",
    "Phát biểu tại hội nghị, đồng chí Giám đốc Sở nêu bật những kết quả nổi bật đạt được trong năm qua.",
    "Bước sang năm mới, toàn ngành phấn đấu hoàn thành xuất sắc nhiệm vụ được giao.",
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết, sát với thực tiễn của địa phương.",
]
CAPTIONS = ["Quang cảnh hội nghị", "Các đại biểu dự lễ khai mạc", "Lãnh đạo thành phố trao tặng bằng khen",
            "Lực lượng chức năng kiểm tra thực tế tại cơ sở"]


def _published(event, k: int) -> datetime:
    """The displayed time: the event's day or the next, in 2019–2020; a fixed day otherwise."""
    if isinstance(event, tuple):
        month, day = event
        year = 2020 if k % 2 else 2019
        when = date(year, month, day) + timedelta(days=k % 2)
    elif isinstance(event, str):
        when = date.fromisoformat(event) + timedelta(days=1 + k % 3)
        if k == 19:
            when = date(2019, 1, 26)          # a bulk-imported post (26/01/2019)
    else:
        when = date(2019, 3, 1) + timedelta(days=11 * k)
    if k == 0:
        when = date(2019, 1, 26)              # the other bulk-imported post
    return datetime(when.year, when.month, when.day, 16 + k % 7, (7 * k) % 60)


def _image(k: int, n: int) -> str:
    src = f"{BASE}/wp-content/uploads/2020/0{1 + n % 9}/anh-{k}-{n}.jpg"
    cap = CAPTIONS[(k + n) % len(CAPTIONS)]
    style = (k + n) % 3
    if style == 0:
        return (f'<div class="wp-caption aligncenter" style="width: 675px"><img src="{src}" alt="" '
                f'width="665" height="443"><p class="wp-caption-text">{cap}</p></div>')
    if style == 1:
        return f'<figure class="wp-block-image"><img src="{src}" alt=""><figcaption>{cap}</figcaption></figure>'
    return (f'<p style="text-align: center;"><img src="{src}" alt="" width="665" height="443"></p>\n'
            f'<p style="text-align: center;"><em>{cap}</em></p>')


def _teasers(k: int) -> str:
    items = "".join(
        f'<p><a href="{BASE}/tin-lien-quan-{k}-{j}.html">Thành phố triển khai nhiều giải pháp '
        f'phát triển kinh tế – xã hội trong tình hình mới, bảo đảm an sinh {j}…</a></p>' for j in range(2))
    return items if k % 2 else f"<h3>Tin khác</h3>{items}"


def page(k: int) -> tuple[str, bytes, dict]:
    lead, event = LEADS[k]
    byline_html, author, by_source = BYLINES[k]
    source_html, source = SOURCES[k % len(SOURCES)] if k % 5 in (1, 3) and not by_source else (None, by_source)
    pub = _published(event, k)
    if isinstance(event, tuple):
        year = pub.year if (event[0], event[1]) <= (pub.month, pub.day) else pub.year - 1
        event_date = date(year, event[0], event[1]).isoformat()
    else:
        event_date = event
    slug = f"bai-viet-cong-thong-tin-so-{k}"
    url = f"{BASE}/{slug}.html"
    title = f"Bài viết số {k} của Cổng tin tức thành phố"
    shown = f"{WEEKDAYS[pub.weekday()]}, {pub:%d/%m/%Y %H:%M}"
    date_line = ""
    if k % 3 != 2:         # most pages print the date line; 2020 posts end it with Gốc
        goc = f' <a href="https://baohaiphong.com.vn/goc-{k}.html">Gốc</a>' if pub.year == 2020 else ""
        date_line = f'<p class="print-date"><a href="#print">Print</a> {shown}{goc}</p>'
    body = [f"<p><strong>{html.escape(lead, quote=False)}</strong></p>" if k % 4 == 0
            else f"<p>{html.escape(lead, quote=False)}</p>"]
    for n, text in enumerate(PARAGRAPHS[: 2 + k % 3]):
        body.append(f"<p>{text}</p>")
        if n < k % 3:
            body.append(_image(k, n))
        if k % 7 == 3 and n == 0:
            body.append("<p><strong>NHIỀU KẾT QUẢ NỔI BẬT</strong></p>")
            body.append("<p>– Hoàn thành 100% chỉ tiêu được giao;</p><p>– Không để xảy ra sự cố.</p>")
        if k % 9 == 4 and n == 0:
            body.append("<p>&nbsp;</p>")
    if k % 11 == 5:
        body.append('<p>Tài liệu đính kèm tải <a href="/wp-content/uploads/2020/05/tl.pdf">tại đây</a></p>')
    if k % 10 == 7:
        body[-1] = body[-1].replace("</p>", "./.</p>")
    tail = []
    if source_html and k % 2:
        tail.append(source_html)           # the source line before the byline …
    if byline_html:
        tail.append(byline_html)
    if source_html and not k % 2:
        tail.append(source_html)           # … or after it
    page_html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="UTF-8">
<title>{title} – Cổng tin tức Thành phố Hải Phòng</title>
<link rel="canonical" href="{url}">
<link rel="shortlink" href="{BASE}/?p={5000 + k}">
<meta property="og:type" content="article">
<meta property="article:published_time" content="{pub:%Y-%m-%dT%H:%M:00}+07:00">
</head>
<body class="post-template-default single single-post postid-{5000 + k} single-format-standard">
<div id="main"><article id="post-{5000 + k}" class="post-{5000 + k} post type-post status-publish hentry category-chinh-tri">
<h1 class="entry-title">{title}</h1>
{date_line}
<div class="entry-content">
{chr(10).join(body)}
{chr(10).join(tail)}
{_teasers(k)}
</div></article>
<div class="sidebar"><h3>Tiện ích thông tin</h3><h3>Nguồn tin</h3><h3>QR Code</h3>
<p>QR CODE: {title}</p><h3>Chúng tôi trên Mạng Xã hội</h3><h3>QR Code Fanpage</h3>
<p>Mã QR Code truy cập vào Fanpage Cổng tin tức Thành phố Hải Phòng</p></div></div>
</body></html>"""
    truth = {"author": author, "source": source, "event_date": event_date,
             "leaks": [x for x in (author, source, "Tin khác", "…", "QR", "Nguồn") if x]}
    return url, page_html.encode("utf-8"), truth


def pages():
    for k in range(len(LEADS)):
        yield page(k)


def score(parse) -> dict[str, int]:
    """How many of the 42 pages ``parse(html, url)`` gets right: author, source, event date,
    no byline/source/teaser/sidebar text in body_text."""
    out = {"pages": 0, "author": 0, "source": 0, "event_date": 0, "no_leak": 0}
    for url, data, truth in pages():
        out["pages"] += 1
        a = parse(data, url)
        if a is None:
            continue
        out["author"] += a.author == truth["author"]
        out["source"] += a.source == truth["source"]
        out["event_date"] += a.event_date == truth["event_date"]
        out["no_leak"] += not any(x in a.body_text for x in truth["leaks"])
    return out
