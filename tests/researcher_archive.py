"""A small but realistic archive for the researcher-access tests (search, export, serve, report, docs).

Built through the real writer (``archive.db.store.Store``) on a real SQLite file:
Vietnamese titles with diacritics, đ words, old and new tone-mark placement,
bulk-import posts with event dates, two crawls with stats, captures with
several status codes and errors of several kinds.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from archive.db import open_db
from archive.db.store import Store
from archive.layout import ArchiveLayout
from archive.parser.model import Article, Term

BASE = "https://thanhphohaiphong.gov.vn/"
CHINH_TRI = Term("chinh-tri", "Chính trị", BASE + "category/chinh-tri/")
KINH_TE = Term("kinh-te", "Kinh tế", BASE + "category/kinh-te/")
VHXH = Term("van-hoa-xa-hoi", "Văn hóa - Xã hội", BASE + "category/van-hoa-xa-hoi/")
GIAO_THONG = Term("giao-thong", "Giao thông", BASE + "tag/giao-thong/")
DU_LICH = Term("du-lich", "Du lịch", BASE + "tag/du-lich/")


def _a(pid, slug, title, lead, body, published_at, raw, cats, tags=(), *, bulk=0, event=None,
       author="T.H.", source=None):
    return Article(
        url=f"{BASE}{slug}.html", wp_post_id=pid, slug=slug, title=title, lead=lead,
        body_text=body, body_html="<p>" + body.replace("\n\n", "</p><p>") + "</p>",
        published_at=published_at, published_raw=raw, date_is_bulk_import=bulk,
        event_date=event, author=author, source=source, categories=list(cats), tags=list(tags),
    )


ARTICLES = [
    _a(101, "hai-phong-khanh-thanh-tuyen-duong-ven-bien",
       "Hải Phòng khánh thành tuyến đường ven biển",
       "Sáng 15/3/2023, UBND thành phố Hải Phòng tổ chức lễ khánh thành tuyến đường ven biển.",
       "Tuyến đường dài 20 km nối quận Đồ Sơn với huyện Tiên Lãng.\n\n"
       "Đây là công trình trọng điểm của thành phố.",
       "2023-03-15T09:30:00+07:00", "Thứ Tư, 15/03/2023 09:30", [KINH_TE], [GIAO_THONG]),
    _a(102, "da-nang-va-hai-phong-hop-tac-phat-trien-du-lich",
       "Đà Nẵng và Hải Phòng hợp tác phát triển du lịch",
       "Hai thành phố ký kết chương trình hợp tác giai đoạn 2022–2025.",
       "Đoàn công tác thành phố Đà Nẵng đã làm việc tại Hải Phòng.\n\n"
       "Hai bên thống nhất quảng bá du lịch biển.",
       "2022-07-02T14:00:00+07:00", "Thứ Bảy, 02/07/2022 14:00", [VHXH], [DU_LICH], author="KO"),
    _a(103, "hoi-nghi-tong-ket-cong-tac-nam-2018-cua-so-thong-tin-va-truyen-thong",
       "Hội nghị tổng kết công tác năm 2018 của Sở Thông tin và Truyền thông",
       "Sáng 11/01/2019, Sở Thông tin và Truyền thông tổ chức Hội nghị tổng kết.",
       "Đại diện Uỷ ban nhân dân thành phố dự hội nghị.\n\nNgành đã hoàn thành xuất sắc nhiệm vụ.",
       "2019-01-26T23:25:00+07:00", "Thứ Bảy, 26/01/2019 23:25", [CHINH_TRI],
       bulk=1, event="2019-01-11", source="ANHP"),
    _a(104, "thanh-pho-hoa-nhap-cung-xu-the-chuyen-doi-so",
       "Thành phố hoà nhập cùng xu thế chuyển đổi số",
       "Tháng 8/2018, thành phố khởi động chương trình chuyển đổi số.",
       "Các sở, ngành hoà mạng dữ liệu chung.\n\nThuỵ Nguyên là huyện đi đầu.",
       "2019-01-26T19:26:00+07:00", "Thứ Bảy, 26/01/2019 19:26", [KINH_TE, CHINH_TRI],
       bulk=1, event="2018-08"),
    _a(105, "uy-ban-nhan-dan-thanh-pho-hop-phien-thuong-ky",
       "Ủy ban nhân dân thành phố họp phiên thường kỳ",
       "Ủy ban nhân dân thành phố họp phiên thường kỳ tháng 10.",
       "Phiên họp bàn về hòa giải cơ sở và đường giao thông nông thôn.",
       "2021-11-01T17:15:00+07:00", "Thứ Hai, 01/11/2021 17:15", [CHINH_TRI]),
    _a(106, "doan-cong-tac-thanh-pho-thu-duc-tham-hai-phong",
       "Đoàn công tác thành phố Thủ Đức thăm Hải Phòng",
       "Đoàn công tác thành phố Thủ Đức do đồng chí Bí thư dẫn đầu.",
       "Hai địa phương chia sẻ kinh nghiệm quản lý đô thị.",
       "2023-11-10T16:21:00+07:00", "Thứ Sáu, 10/11/2023 16:21", [CHINH_TRI, KINH_TE]),
    _a(107, "tong-ket-mua-thi-2020", "Tổng kết mùa thi 2020",
       "Kỳ thi diễn ra an toàn.", "Toàn thành phố có 20 000 thí sinh.",
       "2020-05-05T08:00:00+07:00", None, [VHXH]),
    _a(None, "bai-viet-khong-ngay", "Bài viết không có ngày",
       None, "Nội dung không rõ thời gian đăng.", None, None, [VHXH], author=None),
    _a(109, "cong-an-hai-phong-trien-khai-cao-diem",
       "CÔNG AN HẢI PHÒNG TRIỂN KHAI CAO ĐIỂM",
       "Công an thành phố ra quân bảo đảm an ninh trật tự.",
       "Lực lượng công an tuần tra trên các tuyến ĐƯỜNG chính.",
       "2024-02-03T07:45:00+07:00", "Thứ Bảy, 03/02/2024 07:45", [CHINH_TRI]),
    _a(110, "thoi-tiet-mua-lon", "Thời tiết: mưa lớn kéo dài",
       "Mưa lớn kéo dài từ đêm qua.", "Người dân cần chủ động phòng tránh.",
       "2024-02-15T06:00:00+07:00", "Thứ Năm, 15/02/2024 06:00", [VHXH]),
]

CRAWL1_STATS = {"pages": 14, "new": 10, "changed": 0, "errors": 3}
CRAWL2_STATS = {"pages_fetched": 5, "articles_new": 0, "articles_changed": 1}  # other key names


_template: Path | None = None


def build_archive(root: Path) -> ArchiveLayout:
    """Create ``root`` as an archive directory holding the data above: built once
    per test process through the Store, then copied (the database is closed, so
    the copy is the whole archive; ~40 tests each get their own)."""
    global _template
    if _template is None:
        where = Path(tempfile.mkdtemp(prefix="researcher-archive-"))
        atexit.register(shutil.rmtree, where, ignore_errors=True)
        _build(where / "archive")
        _template = where / "archive"
    shutil.copytree(_template, root, dirs_exist_ok=True)
    return ArchiveLayout(root)


def _build(root: Path) -> ArchiveLayout:
    layout = ArchiveLayout(root).create()
    conn = open_db(layout.db)
    store = Store(conn)
    c1 = store.start_crawl(BASE, {"depth": 3})
    for i, art in enumerate(ARTICLES):
        cap = store.add_capture(c1, url=art.url, status=200, content_type="text/html",
                                fetched_at=f"2026-11-01T10:{i:02d}:00Z")
        store.save_article(art, cap, f"2026-11-01T10:{i:02d}:00Z")
    for url, status in ((BASE + "missing.html", 404), (BASE + "?p=101", 301),
                        (BASE + "broken.html", 500), (BASE + "gone.html", 404)):
        store.add_capture(c1, url=url, status=status, content_type="text/html",
                          fetched_at="2026-11-01T11:00:00Z")
    store.add_error(c1, BASE + "missing.html", "http-404", "Not Found")
    store.add_error(c1, BASE + "broken.html", "http-500", "Internal Server Error")
    store.add_error(c1, BASE + "slow.html", "timeout", "timed out after 30 s")
    store.finish_crawl(c1, "finished", CRAWL1_STATS, 0)

    c2 = store.start_crawl(BASE, {"depth": 3})
    changed = ARTICLES[0]
    changed = Article(**{**changed.__dict__, "title": changed.title + " (cập nhật)",
                         "body_text": changed.body_text + "\n\nCầu Bạch Đằng đã thông xe."})
    cap = store.add_capture(c2, url=changed.url, status=200, content_type="text/html",
                            fetched_at="2026-11-20T10:00:00Z")
    store.save_article(changed, cap, "2026-11-20T10:00:00Z")
    store.add_capture(c2, url=BASE + "gone.html", status=404, content_type="text/html",
                      fetched_at="2026-11-20T10:01:00Z")
    store.add_error(c2, BASE + "gone.html", "http-404", "Not Found")
    store.finish_crawl(c2, "finished", CRAWL2_STATS, 0)
    # the weather post was deleted from the portal (found 404 by crawl 2)
    conn.execute("UPDATE articles SET gone_at = '2026-11-20T10:02:00Z' WHERE wp_post_id = 110")
    # a crawl that died: no stats at all
    store.start_crawl(BASE, {})
    conn.close()
    return layout
