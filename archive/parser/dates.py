"""Dates: machine timestamps, Vietnamese date text, the bulk-import rule, event dates."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

from archive.parser import vocabulary as V

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


def iso_utc(dt: datetime) -> str:
    """``2024-03-05T02:10:00Z``: the instant in UTC."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# "Sáng 29/12", "ngày 2-7", "chiều nay (7/6)", "thứ Sáu 3/6", "Ngày 5 tháng 8": a day without a year,
# always after a word that introduces it (a bare "12/5" is as often a number as a date)
_DAY_WORD = rf"(?:{V.alternation(V.EVENT_DAY_WORDS + V.WEEKDAYS)})"
# the day and month, found by their digits; the word before them is checked after (faster
# than trying the word alternation at every position)
_PARTIAL = re.compile(r"(?<!\d)(\d{1,2})(?:\s*[-–]\s*\d{1,2})?\s*[/\-.]\s*(\d{1,2})(?!\s*[/\-.]\s*\d)(?!\d)")
_PARTIAL_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})(?!\s*(?:năm|/|-)\s*\d)(?!\d)",
                            re.IGNORECASE)
_WORD_BEFORE = re.compile(rf"(?<!\w)(?:{_DAY_WORD})\s*,?\s*(?:nay\s*)?\(?\s*$", re.IGNORECASE)
_WORD_WINDOW = 24             # characters before the day looked at for its introducing word
_ANY_DATE = re.compile(r"\d\s*[/\-.–]\s*\d|tháng|\d\s+th", re.IGNORECASE)
_SPAN = re.compile(r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\s*[-–—]\s*"
                   r"\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}")
_RECURRING = re.compile(rf"\W{{0,3}}(?:{V.alternation(V.RECURRING_WORDS)})", re.IGNORECASE)


def infer_year(day: int, month: int, shown: date) -> date | None:
    """The latest ``day/month`` that is not after ``shown`` (the displayed publication day)."""
    for year in range(shown.year, shown.year - 9, -1):
        try:
            d = date(year, month, day)
        except ValueError:
            continue            # 29/2 outside a leap year, 31/4
        if d <= shown:
            return d
    return None


def event_dates(text: str, shown: date) -> list[tuple[int, str]]:
    """(position, ``YYYY-MM-DD`` or ``YYYY-MM``) of every candidate event date in ``text``:
    days and months not after ``shown``, a year inferred where the text gives none;
    anniversary spans and recurring (``hằng năm``) dates left out."""
    if not _ANY_DATE.search(text):
        return []
    spans = [(m.start(), m.end()) for m in _SPAN.finditer(text)]

    def skipped(start: int, end: int) -> bool:
        if any(s <= start < e for s, e in spans):
            return True
        return _RECURRING.match(text, end, end + V.RECURRING_WINDOW) is not None

    out: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in _NGAY_THANG_NAM.finditer(text):
        d, mo, y = int(m.group(1)), int(m.group(2)), int(m.group(3))
        taken.append((m.start(), m.end()))
        if _valid(y, mo, d) and not skipped(m.start(), m.end()) and date(y, mo, d) <= shown:
            out.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    for m in _DMY.finditer(text):
        if m.start() and text[m.start() - 1] in "0123456789/.-":
            continue
        d, mo, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        taken.append((m.start(), m.end()))
        if _valid(y, mo, d) and not skipped(m.start(), m.end()) and date(y, mo, d) <= shown:
            out.append((m.start(), f"{y:04d}-{mo:02d}-{d:02d}"))
    for rx in (_PARTIAL, _PARTIAL_WORDS):
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            d, mo = int(m.group(1)), int(m.group(2))
            if not (1 <= d <= 31 and 1 <= mo <= 12) or skipped(m.start(), m.end()):
                continue
            if not _WORD_BEFORE.search(text, max(0, m.start() - _WORD_WINDOW), m.start()):
                continue        # a bare "12/5" is as often a number as a date
            when = infer_year(d, mo, shown)
            if when is not None:
                out.append((m.start(), when.isoformat()))
                taken.append((m.start(), m.end()))
    for m in _THANG_NAM.finditer(text):
        if any(s <= m.start() < e for s, e in taken):
            continue
        mo, y = int(m.group(1)), int(m.group(2))
        if 1 <= mo <= 12 and 1900 <= y <= 2100 and date(y, mo, 1) <= shown \
                and not skipped(m.start(), m.end()):
            out.append((m.start(), f"{y:04d}-{mo:02d}"))
    out.sort()
    return out


def event_date(text: str, published: datetime | date | None, *, first: bool = True) -> str | None:
    """The event date ``text`` names, judged against the displayed publication time.

    ``first``: the first candidate in text order (a lead names the event's day
    first; an anniversary span or a recurring date before it is skipped). Else the
    earliest date strictly before the publication day (bulk-import posts, whose
    displayed date is the import: any earlier date the text names is closer).
    ``YYYY-MM-DD`` for a day, ``YYYY-MM`` for a month (``tháng 8/2018``).
    """
    if published is None or not text:
        return None
    shown = published.astimezone(LOCAL).date() if isinstance(published, datetime) else published
    found = event_dates(text, shown)
    if first:
        return found[0][1] if found else None
    before = [v for _, v in found if (v + "-01")[:10] < shown.isoformat()]
    return min(before) if before else None
