"""Text patterns of the portal and its sister sites: date lines, author initials,
source lines, sidebar boilerplate. Each function takes one normalised line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from archive.parser import vocabulary as V
from archive.parser.dates import local_datetime

_UP = "A-ZĐÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_LO = "a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"

_WEEKDAY = r"(?:Thứ\s+(?:Hai|Ba|Tư|Năm|Sáu|Bảy|[2-7])|Chủ\s+Nhật|CN)"
_TIME = r"(?P<H>\d{1,2})\s*[:hg]\s*(?P<M>\d{2})(?:\s*(?P<ampm>AM|PM|SA|CH))?"
_DMY = r"(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})\s*[/\-.]\s*(?P<y>\d{4})"


_LABEL = rf"(?:(?:{V.alternation(V.DATE_LABELS)})\s*:?\s*)?"
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
    if len(line) > V.DATE_LINE_MAX_CHARS:
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


_DMY_ = re.sub(r"\?P<\w+>", "", _DMY)      # the same forms without group names
_TIME_ = re.sub(r"\?P<\w+>", "", _TIME)
_UPDATED_LINE = re.compile(
    rf"^(?:{V.alternation(V.UPDATED_LABELS)})\s*:?\s*(?:{_WEEKDAY}\s*,?\s*)?(?:ngày\s+)?"
    rf"(?:{_DMY_}(?:{_SEP}{_TIME_})?|{_TIME_}{_SEP}(?:{_WEEKDAY}\s*,?\s*)?(?:ngày\s+)?{_DMY_})"
    r"(?:\s*\(?GMT\s*\+\s*7\)?)?\s*$", re.IGNORECASE)


_UPDATED_STARTS = tuple(sorted({w.split()[0] for w in V.UPDATED_LABELS}))


def updated_line(line: str) -> bool:
    """``Cập nhật lần cuối: 05/03/2024 09:10``: a "last updated" line (shown text, never
    the publication date, never ``modified_at``)."""
    if len(line) > V.DATE_LINE_MAX_CHARS + 20 or not line[:20].lower().startswith(_UPDATED_STARTS):
        return False
    return _UPDATED_LINE.match(line) is not None


def place_date_line(line: str) -> DateLine | None:
    """``Hải Phòng, ngày 24 tháng 01 năm 2020`` (a dateline without time)."""
    if len(line) > V.DATE_LINE_MAX_CHARS:
        return None
    m = _DATELINE_PLACE.match(line)
    if not m:
        return None
    when = local_datetime(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    return DateLine(raw=m.group("raw"), when=when, has_time=False) if when else None


# ---- bylines -----------------------------------------------------------------------

_INITIALS = rf"(?:(?:[{_UP}]\.\s?){{1,5}}[{_UP}]?\.?|[{_UP}]{{2,4}}|(?:[{_UP}]\.\s?){{1,3}}[{_UP}][{_LO}]+)"
_JOIN = r"\s*(?:[-–—,/&]|và)\s*"
_AUTHOR = re.compile(
    rf"^(?:{_INITIALS})(?:{_JOIN}(?:{_INITIALS}))*"
    r"(?:\s*\([A-ZĐ]{2,10}\))?$")
_NAME_AGENCY = re.compile(
    rf"^[{_UP}][{_LO}]+(?:\s[{_UP}][{_LO}]+){{0,3}}\s\((?:[{_UP}]{{2,10}}|[{_UP}][{_LO}]+(?:\s[{_UP}][{_LO}]+){{0,3}})\)$")
_ABBREVIATIONS = frozenset(V.ABBREVIATIONS)


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


_TITLE_WORD = re.compile(rf"^[{_UP}][{_LO}]+$")
_UPPER_WORD = re.compile(rf"^[{_UP}]{{2,}}$")
_NOT_NAME = frozenset(V.NOT_NAME_WORDS)
_SURNAMES = frozenset(V.SURNAMES)
_PREFIX = re.compile(rf"^(?:{V.alternation(V.BYLINE_PREFIXES)})\s*:\s*(?P<rest>\S.*)$", re.IGNORECASE)
_PHOTO = re.compile(
    rf"\s*(?:[.;,]\s*|\s[-–—]\s*|\s*\(\s*)(?:{V.alternation(V.PHOTO_CREDIT_WORDS)})\s*:\s*[^()]*\)?\s*$",
    re.IGNORECASE)
# separators between two credited names: "Hoàng Dũng – Thu Hà", "T.H - P.V", "A và B", "A, B", "A/B", "A & B"
_NAME_SPLIT = re.compile(r"\s*(?:\s[-–—]\s|[,/&]|\svà\s)\s*")


_PLACES = re.compile(rf"(?:^|\s)(?:{V.alternation(V.NOT_NAME_PHRASES)})(?:$|\s)", re.IGNORECASE)


def _one_name(s: str, prefixed: bool) -> bool:
    s = s.strip().rstrip(".").strip()
    if not s:
        return False
    if author_line(s):
        return True
    words = s.split()
    if not 1 <= len(words) <= V.BYLINE_MAX_WORDS:
        return False
    if len(words) == 1 and not prefixed:
        return False        # one title-case word: a heading or a place, not a byline
    if len(words) == 1 and words[0].rstrip(".") in _ABBREVIATIONS:
        return False
    title = all(_TITLE_WORD.match(w) for w in words)
    upper = not title and all(_UPPER_WORD.match(w) for w in words)
    if not (title or upper):
        return False
    if _PLACES.search(s):
        return False
    low = [w.lower() for w in words]
    if len(words) >= 2 and low[0] in _SURNAMES:
        return True                 # "Phạm Hải Nam": a family name first
    if not prefixed and sum(w in _NOT_NAME for w in low) * 2 > len(low):
        return False        # common words ("Thành Công"); set apart or prefixed, a pen name ("Thành Việt")
    # a shouted line ("KẾT THÚC") is a name only with a prefix or emphasis marking it
    return title or prefixed


def _names(s: str, prefixed: bool) -> bool:
    """True when ``s`` is one credited name or several joined with a dash, comma, "và"…"""
    if _one_name(s, prefixed) or author_line(s):
        return True
    parts = [p for p in _NAME_SPLIT.split(s) if p.strip()]
    return len(parts) > 1 and all(_one_name(p, True) for p in parts)


@dataclass
class Byline:
    author: str
    source: str | None = None
    prefixed: bool = False        # "Bài, ảnh: …": a prefix said it is a byline


def byline(line: str, marked: bool = False) -> Byline | None:
    """The credited name(s) of a byline line, as printed, else None.

    ``T.H.``, ``Minh Anh``, ``NGUYỄN VĂN HÙNG``, ``Hoàng Dũng – Thu Hà``,
    ``Bài, ảnh: Văn Hải`` → ``Văn Hải``, ``Minh Anh. Ảnh: Hoàng Dũng`` →
    ``Minh Anh``, ``V.H.N – Báo Hải Phòng ngày 12/5/2020`` → ``V.H.N`` with the
    source ``Báo Hải Phòng``. Never an ordinary sentence, heading or place name.
    ``marked``: the line is set apart by markup (right-aligned, all bold or italic),
    which lets an upper-case name without a family name count (``QUANG VINH``).
    """
    s = line.strip()
    if not s or len(s) > V.BYLINE_MAX_CHARS * 2:
        return None
    src = None
    m = _PREFIX.match(s)
    has_prefix = m is not None
    prefixed = has_prefix or marked
    if m:
        s = m.group("rest").strip()
    s = _PHOTO.sub("", s).strip()
    if not prefixed and len(s) > V.BYLINE_MAX_CHARS:
        # "X.Y.Z – <source> ngày dd/mm/yyyy": initials, then where it was first published
        parts = re.split(r"\s[-–—]\s", s, maxsplit=1)
        if len(parts) != 2:
            return None
    parts = re.split(r"\s[-–—]\s", s, maxsplit=1)
    if len(parts) == 2 and not _names(s, prefixed):
        out = outlet_line(parts[1])
        if out and _names(parts[0], prefixed):
            s, src = parts[0].strip(), out
    s = s.strip().rstrip(",;:").strip()
    if s.endswith(".") and not author_line(s):
        s = s[:-1].strip()
    if not s or len(s) > V.BYLINE_MAX_CHARS or not _names(s, prefixed):
        return None
    return Byline(s, src, has_prefix)


_ACCOUNT_PREFIX = re.compile(rf"^(?:{V.alternation(V.ACCOUNT_PREFIXES)})\s*:?\s+", re.IGNORECASE)


def account_name(text: str) -> str | None:
    """A theme's author field without its label: ``Tác giả: Minh Anh`` / ``by admin`` → the name."""
    s = _ACCOUNT_PREFIX.sub("", text.strip()).strip()
    return s if s and len(s) <= V.BYLINE_MAX_CHARS else None


# ---- source lines ---------------------------------------------------------------

_SOURCE = re.compile(rf"^\(?\s*(?:{V.alternation(V.SOURCE_KEYWORDS)})\s*[.:]\s*(?P<src>[^\s].{{0,{V.SOURCE_MAX_CHARS}}}?)"
                     r"\s*\)?\.?$", re.IGNORECASE)
_THEO = re.compile(rf"^\(?\s*{V.SOURCE_THEO}\s+(?P<src>[{_UP}0-9a-z][^,;:!?]{{1,80}}?)\s*\)?\.?$", re.IGNORECASE)
_OUTLET_DATE = re.compile(
    r"^\(?\s*(?P<src>[^\d()]{2,80}?)\s*(?:[,\-–—(]\s*)?(?:ngày\s+)?"
    r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\s*\)?\.?$", re.IGNORECASE)
_OUTLET_START = re.compile(rf"^(?:{V.alternation(V.OUTLET_WORDS)})(?:\s|$|\.)", re.IGNORECASE)
_OUTLET_ABBR = re.compile(rf"^[{_UP}]{{2,8}}$")
_OUTLET_DOMAIN = re.compile(r"^[\w-]+(?:\.[\w-]+)*\.(?:vn|com|net|org|gov)(?:\.vn)?$", re.IGNORECASE)


def _outlet(name: str) -> bool:
    name = name.strip()
    return bool(name) and (_OUTLET_START.match(name) is not None or _OUTLET_ABBR.match(name) is not None
                           or _OUTLET_DOMAIN.match(name) is not None)


def outlet_line(line: str) -> str | None:
    """``Báo Hải Phòng 12/5/2020`` / ``ANHP, ngày 3/6/2021`` / ``Báo Hải Phòng``: the outlet."""
    s = line.strip()
    m = _OUTLET_DATE.match(s)
    name = m.group("src") if m else s
    name = name.strip().rstrip(",-–—(").strip()
    if len(name) <= V.SOURCE_MAX_CHARS and _outlet(name) and len(name.split()) <= 8:
        return name
    return None


def source_line(line: str) -> str | None:
    """The outlet a source line credits, else None.

    ``Nguồn. ANHP``, ``Nguồn: Báo Hải Phòng``, ``(Nguồn: TTXVN)``, ``Nguồn tin: Sở Y tế``
    (AMP), ``Theo Báo Hải Phòng``, a bare ``Báo Hải Phòng 12/5/2020``.
    """
    s = line.strip()
    if len(s) > V.SOURCE_MAX_CHARS + 20:
        return None
    m = _SOURCE.match(s)
    if m:
        return m.group("src").strip()
    m = _THEO.match(s)
    if m:
        src = m.group("src").strip()
        if src[:1].isupper() and not any(ch.isdigit() for ch in src) and len(src.split()) <= 8:
            return src
        return None
    m = _OUTLET_DATE.match(s)
    if m:
        return outlet_line(s)
    return None


# ---- boilerplate ------------------------------------------------------------------

STOP_LINES = frozenset(V.SIDEBAR_STOP_LINES)
STOP_PREFIXES = V.SIDEBAR_STOP_PREFIXES
UI_LINE_SET = frozenset(V.UI_LINES)
_END_MARKERS = frozenset(V.END_MARKERS)


def is_stop(line: str) -> bool:
    low = line.strip().lower()
    return low in STOP_LINES or low.startswith(STOP_PREFIXES)


def is_end_marker(line: str) -> bool:
    return line.strip().lower() in _END_MARKERS


def is_desk_account(name: str | None) -> bool:
    """``Ban Biên tập``, ``admin``, ``Quản trị``…: an account that is a desk, not a person."""
    if not name:
        return False
    low = " ".join(name.lower().split())
    return low in _DESKS or low.startswith(V.DESK_ACCOUNT_PREFIXES)


_DESKS = frozenset(V.DESK_ACCOUNTS)
