"""Text patterns of the portal and its sister sites: date lines, author initials,
source lines, sidebar boilerplate. Each function takes one normalised line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archive.parser.dates import local_datetime

_UP = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_LO = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

_WEEKDAY = r"(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+Nhật|CN)"
_TIME = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*(?P<ampm>AM|PM|SA|CH))?"
_DMY = r"(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})\s*[/\-.]\s*(?P<y>\d{4})"
_LABEL = r"(?:(?:Print|In bài|In|Thời gian|Ngày đăng|Đăng ngày|Ngày|Cập nhật|Posted on|Đăng lúc)\s*:?\s*)?"
_SEP = r"\s*(?:[,|\-–]\s*)?(?:lúc\s+)?"

_DATE_LINE = re.compile(
    rf"^{_LABEL}(?P<raw>(?:{_WEEKDAY}\s*,?\s*)?(?:ngày\s+)?{_DMY}(?:{_SEP}{_TIME})?)"
    r"(?:\s*\(?GMT\s*\+\s*7\)?)?(?:\s*Gốc)?\s*$", re.IGNORECASE)
_DATE_LINE_TIME_FIRST = re.compile(
    rf"^{_LABEL}(?P<raw>{_TIME}{_SEP}(?:{_WEEKDAY}\s*,?\s*)?(?:ngày\s+)?{_DMY})(?:\s*Gốc)?\s*$",
    re.IGNORECASE)
_DATELINE_PLACE = re.compile(
    rf"^(?P<raw>(?:[{_UP}][\w ]{{1,30}},\s*)?ngày\s+(?P<d>\d{{1,2}})\s+tháng\s+(?P<m>\d{{1,2}})"
    r"\s+năm\s+(?P<y>\d{4}))\.?$", re.IGNORECASE)


@dataclass
class DateLine:
    raw: str                  # as displayed, without Print / Gốc / labels
    when: datetime | None     # None for an impossible date (31/02, 25:61): still the displayed line
    has_time: bool


def date_line(line: str) -> DateLine | None:
    """``Print Thứ Bảy, 26/01/2019 23:25 Gốc`` → DateLine; None for other lines."""
    if len(line) > 80:
        return None
    m = _DATE_LINE.match(line) or _DATE_LINE_TIME_FIRST.match(line)
    if not m:
        return None
    d, mo, y = int(m.group("d")), int(m.group("m")), int(m.group("y"))
    hh = int(m.group("H")) if m.group("H") else 0
    mi = int(m.group("M")) if m.group("M") else 0
    ampm = (m.group("ampm") or "").upper()
    if ampm in ("PM", "CH") and hh < 12:
        hh += 12
    elif ampm in ("AM", "SA") and hh == 12:
        hh = 0
    when = local_datetime(y, mo, d, hh, mi)
    if when is None and not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2100):
        return None           # not a date at all (a number like 45/99/1234)
    return DateLine(raw=m.group("raw").strip(), when=when, has_time=m.group("H") is not None)


def place_date_line(line: str) -> DateLine | None:
    """``Hải Phòng, ngày 24 tháng 01 năm 2020`` (a dateline without time)."""
    if len(line) > 80:
        return None
    m = _DATELINE_PLACE.match(line)
    if not m:
        return None
    when = local_datetime(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return DateLine(raw=m.group("raw"), when=when, has_time=False) if when else None


# ---- author initials --------------------------------------------------------------

_INITIALS = rf"(?:(?:[{_UP}]\.\s?){{1,5}}[{_UP}]?\.?|[{_UP}]{{2,4}}|(?:[{_UP}]\.\s?){{1,3}}[{_UP}][{_LO}]+)"
_AUTHOR = re.compile(
    rf"^(?:{_INITIALS})(?:\s*(?:[-–,/&]|và)\s*(?:{_INITIALS}))*"
    r"(?:\s*\([A-ZĐ]{2,10}\))?$")
_NAME_AGENCY = re.compile(
    rf"^[{_UP}][{_LO}]+(?:\s[{_UP}][{_LO}]+){{0,3}}\s\((?:[{_UP}]{{2,10}}|[{_UP}][{_LO}]+(?:\s[{_UP}][{_LO}]+){{0,3}})\)$")


# capitals that close a line without being anyone's initials
_ABBREVIATIONS = {"UBND", "HĐND", "TTXVN", "TTXV", "VOV", "VTV", "VNA", "TP", "TW", "BHXH", "CAND",
                  "QĐND", "GTVT", "TTTT", "KCN", "THPT", "THCS", "CNTT", "ATGT", "PCCC", "ĐBQH"}


def author_line(line: str) -> str | None:
    """The line itself when it is an author signature of initials, else None.

    High precision on purpose: ``T.H.``, ``KO``, ``N.T.M``, ``T.H - P.V``,
    ``Minh Anh (TTXVN)``; never an ordinary sentence or heading.
    """
    s = line.strip()
    if not s or len(s) > 40 or s.rstrip(".") in _ABBREVIATIONS:
        return None
    if _AUTHOR.match(s) or _NAME_AGENCY.match(s):
        return s
    return None


# ---- source line ------------------------------------------------------------------

_SOURCE = re.compile(r"^\(?\s*Nguồn(?:\s+tin)?\s*[.:]\s*(?P<src>[^\s].{0,150}?)\s*\)?$", re.IGNORECASE)


def source_line(line: str) -> str | None:
    """``Nguồn. ANHP`` / ``Nguồn: Báo Hải Phòng`` → the source; else None."""
    m = _SOURCE.match(line.strip())
    return m.group("src").strip() if m else None


# ---- boilerplate ------------------------------------------------------------------

# a block equal to one of these starts the sidebar / related list: nothing after it
# belongs to the article
_STOP_EXACT = {
    "tin khác", "tiện ích thông tin", "nguồn tin", "qr code", "chúng tôi trên mạng xã hội",
    "qr code fanpage", "tin liên quan", "bài viết liên quan", "tin cùng chuyên mục",
    "các tin khác", "tin đã đưa", "related posts", "related", "share this:", "chia sẻ:",
    "bình luận", "leave a reply", "để lại một bình luận", "trả lời", "chia sẻ",
    "bài viết khác", "xem thêm", "có thể bạn quan tâm", "tags:", "từ khóa:",
}
_STOP_PREFIX = ("qr code:", "mã qr code truy cập", "qr code fanpage")
# single UI lines that are never text
_DROP_EXACT = {"print", "in", "in bài", "in bài viết", "gốc", "email", "facebook",
               "twitter", "zalo", "lưu", "tweet", "like", "share", "gửi"}


def is_stop(line: str) -> bool:
    low = line.strip().lower()
    return low in _STOP_EXACT or low.startswith(_STOP_PREFIX)


def is_ui_line(line: str) -> bool:
    return line.strip().lower() in _DROP_EXACT
