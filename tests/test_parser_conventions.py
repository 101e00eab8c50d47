"""Editorial conventions as data: bylines, source lines, event dates, desk accounts,
and the vocabulary's own invariant checks (archive/parser/vocabulary.py)."""

from __future__ import annotations

from datetime import date

import pytest

from archive.parser import vocabulary as V
from archive.parser.dates import event_date, infer_year
from archive.parser.textpatterns import (
    byline,
    date_line,
    is_desk_account,
    source_line,
    updated_line,
)


@pytest.mark.parametrize("line, author, source", [
    ("T.H.", "T.H.", None), ("KO", "KO", None), ("PV", "PV", None), ("LHT", "LHT", None),
    ("V.H.N", "V.H.N", None),
    ("Minh Anh", "Minh Anh", None),                         # title case, the portal's most common form
    ("Trần Thị Thu Hương", "Trần Thị Thu Hương", None),     # a 4-word full name
    ("NGUYỄN VĂN HÙNG", "NGUYỄN VĂN HÙNG", None),           # upper case
    ("Hoàng Dũng – Thu Hà", "Hoàng Dũng – Thu Hà", None),   # two names, a dash
    ("Thu Hà và Minh Anh", "Thu Hà và Minh Anh", None),
    ("Bài, ảnh: Văn Hải", "Văn Hải", None), ("Tin và ảnh: MINH ANH", "MINH ANH", None),
    ("Bài và ảnh: Quang Huy", "Quang Huy", None), ("Tin, ảnh: Văn Hải", "Văn Hải", None),
    ("Minh Anh. Ảnh: Hoàng Dũng", "Minh Anh", None),        # a photo credit after the name
    ("V.H.N – Báo Hải Phòng ngày 12/5/2020", "V.H.N", "Báo Hải Phòng"),
    ("Minh Anh (TTXVN)", "Minh Anh (TTXVN)", None),
])
def test_byline_forms(line, author, source):
    b = byline(line)
    assert b is not None and (b.author, b.source) == (author, source)


@pytest.mark.parametrize("line", [
    "Hải Phòng", "Việt Nam", "KẾT THÚC", "UBND", "Xem thêm", "Tin khác", "Hội nghị kết thúc.",
    "Bước sang năm 2019, toàn thể cán bộ.", "Theo Báo Hải Phòng", "Nguồn. ANHP",
    "Tài liệu đính kèm tải tại đây", "Chúc mừng!", "A", "1.2.3.", "(Ảnh minh họa)", "MINH ANH",
])
def test_not_a_byline(line):
    assert byline(line) is None


@pytest.mark.parametrize("line, src", [
    ("Nguồn. ANHP", "ANHP"), ("Nguồn: Báo Hải Phòng", "Báo Hải Phòng"), ("(Nguồn: TTXVN)", "TTXVN"),
    ("Nguồn tin: Sở Y tế", "Sở Y tế"), ("Theo Báo Hải Phòng", "Báo Hải Phòng"), ("Theo TTXVN", "TTXVN"),
    ("Báo Hải Phòng 12/5/2020", "Báo Hải Phòng"), ("ANHP, ngày 3/6/2021", "ANHP"),
    ("Theo kế hoạch, các đơn vị sẽ hoàn thành.", None), ("Hải Phòng, 12/5/2020", None),
    ("Thứ Bảy, 26/01/2019 23:25", None), ("Nguồn nước sạch đã về xã", None),
])
def test_source_forms(line, src):
    assert source_line(line) == src


def test_last_updated_line_is_not_a_date_line():
    for line in ("Cập nhật lần cuối: 08/09/2023 10:20", "Last updated: 08/09/2023", "Updated 10:20 08/09/2023"):
        assert updated_line(line) and date_line(line) is None
    assert not updated_line("Thứ Bảy, 26/01/2019 23:25")
    assert date_line("Cập nhật: 3/2/2020") is not None      # a bare "Cập nhật:" shows the publication time


def test_desk_accounts():
    for name in ("Ban Biên tập", "BAN BIÊN TẬP", "admin", "Quản trị", "Quản trị viên", "Cổng tin tức Thành phố Hải Phòng"):
        assert is_desk_account(name)
    for name in ("Minh Anh", "Trần Thị Lan", None, ""):
        assert not is_desk_account(name)


# ---- event dates ------------------------------------------------------------------

def test_infer_year_is_the_latest_not_after_the_shown_day():
    shown = date(2022, 7, 28)
    assert infer_year(27, 7, shown) == date(2022, 7, 27)
    assert infer_year(28, 7, shown) == date(2022, 7, 28)     # the same day counts
    assert infer_year(29, 7, shown) == date(2021, 7, 29)     # a day later: last year
    assert infer_year(29, 12, date(2023, 1, 2)) == date(2022, 12, 29)   # across the new year
    assert infer_year(29, 2, date(2023, 3, 1)) == date(2020, 2, 29)     # the last leap year
    assert infer_year(31, 4, shown) is None


SHOWN = date(2022, 7, 28)


@pytest.mark.parametrize("lead, want", [
    ("Sáng 27/7, UBND thành phố tổ chức lễ.", "2022-07-27"),
    ("Chiều 7-7, đoàn công tác làm việc.", "2022-07-07"),
    ("Ngày 2-7, hội nghị diễn ra.", "2022-07-02"), ("Tối 3/6, chương trình nghệ thuật.", "2022-06-03"),
    ("Sáng 01/8, lễ khai mạc.", "2021-08-01"),                      # leading zero; after the shown day
    ("Hội nghị diễn ra ngày 20/7 tại Nhà hát.", "2022-07-20"),      # lower case mid-sentence
    ("Đoàn đã đến thăm chiều 21/7 vừa qua.", "2022-07-21"),
    ("Sáng nay (28/7), Sở tổ chức hội nghị.", "2022-07-28"),         # "this morning, D/M"
    ("Từ ngày 3/6 đến ngày 5/6, lễ hội diễn ra.", "2022-06-03"),    # a range: its start
    ("Tối 3-5/6, lễ hội hoa phượng.", "2022-06-03"),
    ("Ngày 5 tháng 7 năm 2022, hội nghị.", "2022-07-05"), ("Ngày 5 tháng 7, hội nghị.", "2022-07-05"),
    ("sáng 11/01/2019, Sở tổ chức hội nghị", "2019-01-11"),
    ("Kỷ niệm 75 năm Ngày Thương binh – Liệt sỹ (27/7/1947-27/7/2022), chiều 25/7, đoàn thăm.", "2022-07-25"),
    ("Ngày 18/11 hằng năm là Ngày hội, sáng 20/7 các khu dân cư ra quân.", "2022-07-20"),
    ("Các đơn vị vừa qua tổ chức nhiều hoạt động.", None),
    ("Kế hoạch đến ngày 30/8/2022 hoàn thành.", None),             # after the shown day
    ("Quyết định số 12/5 của UBND.", None),                          # a bare D/M is not a date
])
def test_event_date_in_leads(lead, want):
    assert event_date(lead, SHOWN) == want


def test_vocabulary_invariants_hold_and_catch_a_broken_entry(monkeypatch):
    V.check()
    assert all(not V.INDEX_HINT_CHARS.isdisjoint(k) for k in V.INDEX_TEXT_KEYS)
    monkeypatch.setattr(V, "UI_LINES", V.UI_LINES + ("In Bài",))
    with pytest.raises(ValueError, match="lower case"):
        V.check()
    # a heading without any hint character gets one: the hints are derived, not assumed
    assert not V.hint_chars(["xyz", "tin khác"]).isdisjoint("xyz")


def test_parser_modules_import_no_private_names_of_each_other():
    import ast
    import pathlib

    import archive.parser
    found = []
    for path in pathlib.Path(archive.parser.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("archive"):
                found += [(path.name, node.module, a.name) for a in node.names if a.name.startswith("_")]
    assert found == []


# ---- theme variety around the byline ------------------------------------------------

def _page(body: str, head: str = "", meta: str = "") -> bytes:
    return (f"<html><head><link rel='shortlink' href='https://x.vn/?p=9'>{head}</head>"
            f"<body class='single single-post postid-9'><article class='post-9 type-post'>"
            f"<h1 class='entry-title'>Tiêu đề</h1>{meta}<div class='entry-content'>{body}</div>"
            f"</article></body></html>").encode()


def test_prefixed_byline_under_the_title_and_a_plain_author_field():
    from archive.parser import parse_article
    body = ("<p><em>Bài và ảnh: Quang Huy</em></p><p>Sáng 5/6, đoàn công tác làm việc tại huyện, "
            "kiểm tra tiến độ các công trình trọng điểm.</p><p>Nội dung tiếp theo của bài viết.</p>")
    meta = "<div class='entry-meta'><span class='post-author'>Tác giả: Nguyễn Lan</span></div>"
    a = parse_article(_page(body, meta=meta), "https://x.vn/a.html")
    assert a.author == "Quang Huy" and "Quang Huy" not in a.body_text and "Quang Huy" not in (a.lead or "")
    assert a.wp_author == "Nguyễn Lan"
    assert a.lead.startswith("Sáng 5/6")


def test_an_organisation_named_as_json_ld_author_is_no_account():
    import json

    from archive.parser import parse_article
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Tiêu đề",
          "author": {"@type": "Organization", "name": "Sở Thông tin và Truyền thông"}}
    head = f"<script type='application/ld+json'>{json.dumps(ld)}</script>"
    a = parse_article(_page("<p>Nội dung bài viết đủ dài để là một đoạn văn của bài.</p>", head=head),
                      "https://x.vn/a.html")
    assert a.wp_author is None and a.author is None


def test_yesterday_and_today_with_the_date_in_parentheses():
    shown = date(2023, 6, 8)
    assert event_date("Chiều qua (7/6), đoàn công tác đã làm việc.", shown) == "2023-06-07"
    assert event_date("Hôm nay (8/6), hội nghị khai mạc.", shown) == "2023-06-08"
