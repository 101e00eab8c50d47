"""Dates: machine timestamps, Vietnamese date text, the bulk-import rule, event dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=7))     # Asia/Ho_Chi_Minh, no DST
BULK_IMPORT_DAY = date(2019, 1, 26)       # the day old posts were bulk-imported

_ISO = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T\s](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2}|[+-]\d{2})?\s*$", re.IGNORECASE)


def parse_iso(s: str | None) -> datetime | None:
    """An ISO 8601 timestamp; naive times are taken as the portal's local time."""
    if not s:
        return None
    m = _ISO.match(s)
    if not m:
        return None
    y, mo, d, hh, mi, ss, tz = m.groups()
    try:
        if tz is None:
            tzinfo = LOCAL
        elif tz.upper() == "Z":
            tzinfo = timezone.utc
        else:
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
            tzinfo = timezone(sign * timedelta(hours=hours, minutes=minutes))
        return datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0),
                        tzinfo=tzinfo)
    except ValueError:
        return None


def local_datetime(y: int, mo: int, d: int, hh: int = 0, mi: int = 0) -> datetime | None:
    try:
        return datetime(y, mo, d, hh, mi, tzinfo=LOCAL)
    except ValueError:
        return None


def iso_local(dt: datetime) -> str:
    """``2019-01-26T23:25:00+07:00``: the instant in the portal's local time."""
    return dt.astimezone(LOCAL).isoformat(timespec="seconds")


def is_bulk_import(dt: datetime | None) -> int:
    return int(dt is not None and dt.astimezone(LOCAL).date() == BULK_IMPORT_DAY)


# ---- dates named in running text -------------------------------------------------

# (no look-behind: the character before a match is checked in Python, much faster)
_DMY = re.compile(r"(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(\d{4})(?![\d/])")
_NGAY_THANG_NAM = re.compile(
    r"(?:[Nn]gày|NGÀY)\s+(\d{1,2})\s+(?:[Tt]háng|THÁNG)\s+(\d{1,2})\s+(?:[Nn]ăm|NĂM)\s+(\d{4})(?!\d)")
_THANG_NAM = re.compile(
    r"(?:[Tt]háng|THÁNG)\s+(\d{1,2})\s*(?:/|-|[Nn]ăm|NĂM)\s*(\d{4})(?!\d)")


def _valid(y: int, m: int, d: int) -> bool:
    try:
        date(y, m, d)
    except ValueError:
        return False
    return 1900 <= y <= 2100


def dates_in_text(text: str) -> list[tuple[int, int, int | None]]:
    """(year, month, day or None) for every date named in ``text``, in text order."""
    found: list[tuple[int, int, tuple[int, int, int | None]]] = []
    day_spans = []
    for m in _NGAY_THANG_NAM.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        if _valid(y, mo, d):
            found.append((m.start(), m.end(), (y, mo, d)))
            day_spans.append((m.start(), m.end()))
    for m in _DMY.finditer(text):
        if m.start() and text[m.start() - 1] in "0123456789/.-":
            continue      # part of a longer number: 24/2018/QH14, 1.234.567
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if _valid(y, mo, d):
            found.append((m.start(), m.end(), (y, mo, d)))
            day_spans.append((m.start(), m.end()))
    for m in _THANG_NAM.finditer(text):
        if any(s <= m.start() < e for s, e in day_spans):
            continue   # "tháng 01 năm 2020" inside "ngày 24 tháng 01 năm 2020"
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2100:
            found.append((m.start(), m.end(), (y, mo, None)))
    found.sort()
    return [f[2] for f in found]


def event_date(text: str, published: datetime | None) -> str | None:
    """The earliest date named in ``text`` that lies before ``published``.

    ``YYYY-MM-DD`` for a day, ``YYYY-MM`` for a month (``tháng 8/2018``,
    ``tháng 8 năm 2018``). A month counts as before when it begins before the
    published day (``tháng 1/2019`` is before 26/01/2019).
    """
    if published is None:
        return None
    pub = published.astimezone(LOCAL).date()
    best: tuple[int, int, int] | None = None
    best_s = None
    for y, mo, d in dates_in_text(text):
        if d is None:
            if date(y, mo, 1) >= pub:
                continue
            key, s = (y, mo, 0), f"{y:04d}-{mo:02d}"
        else:
            if date(y, mo, d) >= pub:
                continue
            key, s = (y, mo, d), f"{y:04d}-{mo:02d}-{d:02d}"
        if best is None or key < best:
            best, best_s = key, s
    return best_s
