"""Editorial variety of a real newsroom, at the rates counted on the portal.

Used when ``Corpus(..., variety=True)``. Rates come from 42 real article pages
of the portal (docs/replica.md "Editorial variety"): bylines in title case are
the most common, then initials; source lines sit in four places; the lead
names the event date, usually without a year. Every function returns the
HTML as the editor typed it *and* what a perfect parser extracts from it.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from . import words as W
from .accounts import BY_ID
from .templates import t

# ---- bylines -------------------------------------------------------------------
# (form, weight): the portal's counts on 21 visible bylines, plus the forms other
# Vietnamese newsrooms use (prefixes, dash-joined co-authors)
BYLINE_FORMS = (("title", 11), ("full4", 1), ("initials", 5), ("upper", 1), ("prefix", 1.5),
                ("photo", 1), ("initials_source_date", 1), ("dash", 1))
BYLINE_SHARE = 0.85
BYLINE_PREFIXES = ("Tin và ảnh: ", "Bài, ảnh: ", "Bài và ảnh: ", "Tin, ảnh: ")
# the paragraph the byline sits in: classic editor (style), block editor (class)
BYLINE_MARKUP = (
    ('<p style="text-align: right;"><strong>{}</strong></p>', 30),
    ('<p class="has-text-align-right"><strong>{}</strong></p>', 25),
    ('<p style="text-align:right"><b>{}</b></p>', 10),
    ('<p class="has-text-align-right"><em><strong>{}</strong></em></p>', 10),
    ('<p><strong>{}</strong></p>', 10),
    ('<p style="text-align: right;">{}</p>', 15),
)
NEWSPAPERS = ("Báo Hải Phòng", "Báo An ninh Hải Phòng", "Cổng TTĐT Chính phủ", "Báo Nhân Dân")

# ---- sources -------------------------------------------------------------------
SOURCE_SHARE = 0.3
SOURCE_FORMS = (("nguon", 45), ("paren", 20), ("theo", 15), ("bare", 10), ("before_byline", 10))

# ---- the event date in the lead -------------------------------------------------
# (form, weight): 28 visible leads of the portal
LEAD_DATE_FORMS = (("start", 8), ("start_hyphen", 3), ("start_ngay", 2), ("mid", 5),
                   ("range", 1), ("full", 2), ("written", 2), ("none", 4))
EVENT_LAG_DAYS = ((0, 60), (1, 35), (2, 5))    # event day before the displayed day
LEADING_ZERO_SHARE = 0.15
ANNIVERSARY_SHARE = 0.1                         # a span (27/7/1947-27/7/YYYY) before the event
RECURRING_SHARE = 0.05                          # "20/11 hằng năm": not the event
TEASER_SHARE = 0.15                             # related-news teasers ending with "…"

PARTS = ("Sáng", "Chiều", "Tối")


def _pick(rng: random.Random, table):
    return rng.choices([k for k, _ in table], [w for _, w in table])[0]


def person_name(rng: random.Random, words: int = 2) -> str:
    given = (rng.choice(W.MIDDLE), rng.choice(W.GIVEN))
    if words == 2:
        return " ".join(given)
    if words == 3:
        return f"{rng.choice(W.FAMILY)} {given[0]} {given[1]}"
    return f"{rng.choice(W.FAMILY)} {rng.choice(W.MIDDLE)} {given[0]} {given[1]}"


def _name_for(rng: random.Random, author_id: int) -> str:
    """A reporter's byline name: the account's own name most of the time."""
    acc = BY_ID[author_id]
    if not acc.generic and rng.random() < 0.6:
        parts = acc.name.split()
        return " ".join(parts[1:]) if rng.random() < 0.6 else acc.name
    return person_name(rng, rng.choice((2, 2, 3)))


def byline(rng: random.Random, author_id: int, published) -> tuple[str, str, str | None] | None:
    """``(inner text as typed, author as printed minus prefixes, source or None)``."""
    if rng.random() >= BYLINE_SHARE:
        return None
    form = _pick(rng, BYLINE_FORMS)
    name = _name_for(rng, author_id)
    if form == "title":
        return name, name, None
    if form == "full4":
        full = person_name(rng, 4)
        return full, full, None
    if form == "initials":
        text = rng.choice(W.AUTHORS + ("V.H.N", "LHT", "PV", "KO"))
        return text, text, None
    if form == "upper":
        return name.upper(), name.upper(), None
    if form == "prefix":
        return rng.choice(BYLINE_PREFIXES) + name, name, None
    if form == "photo":
        return f"{name}. Ảnh: {person_name(rng)}", name, None
    if form == "initials_source_date":
        ini, paper = rng.choice(("V.H.N", "T.H.", "N.T.M.")), rng.choice(NEWSPAPERS)
        d = published.date() - timedelta(days=rng.randrange(0, 3))
        return f"{ini} – {paper} ngày {d:%d/%m/%Y}", ini, paper
    second = person_name(rng)
    return f"{name} - {second}", f"{name} - {second}", None


def source_line(rng: random.Random, published) -> tuple[str, str, str]:
    """``(form, paragraph HTML, source)``."""
    form = _pick(rng, SOURCE_FORMS)
    if form == "bare":
        paper = rng.choice(NEWSPAPERS)
        d = published.date() - timedelta(days=rng.randrange(0, 3))
        return form, f'<p style="text-align: right;"><em>{t(paper)} {d:%d/%m/%Y}</em></p>', paper
    src = rng.choice(W.SOURCES + NEWSPAPERS)
    if form == "paren":
        return form, f"<p><em>(Nguồn: {t(src)})</em></p>", src
    if form == "theo":
        return form, f'<p style="text-align: right;"><em>Theo {t(src)}</em></p>', src
    sep = ". " if rng.random() < 0.75 else ": "
    return form, f'<p style="text-align: right;"><em>Nguồn{sep}{t(src)}</em></p>', src


def tail(rng: random.Random, author_id: int, published) -> tuple[str, str | None, str | None]:
    """The paragraphs that end the article (byline and source, either order)."""
    by = byline(rng, author_id, published)
    author = source = None
    parts: list[str] = []
    if by is not None:
        typed, author, source = by
        parts.append(_pick(rng, BYLINE_MARKUP).format(t(typed)))
    if source is None and rng.random() < SOURCE_SHARE:
        form, html, source = source_line(rng, published)
        parts.insert(0 if form in ("before_byline", "paren") else len(parts), html)
    return "".join(p + "\n" for p in parts), author, source


def _dm(rng: random.Random, d: date, sep: str = "/") -> str:
    day = f"{d.day:02d}" if d.day < 10 and rng.random() < LEADING_ZERO_SHARE else str(d.day)
    month = f"{d.month:02d}" if d.month < 10 and rng.random() < LEADING_ZERO_SHARE else str(d.month)
    return f"{day}{sep}{month}"


def lead(rng: random.Random, title: str, published) -> tuple[str, str | None]:
    """A lead naming the event (usually without a year) → ``(lead, event_date ISO or None)``."""
    lag = _pick(rng, EVENT_LAG_DAYS)
    ev = published.date() - timedelta(days=lag)
    place = rng.choice(W.PLACES)
    core = title[0].lower() + title[1:]
    form = _pick(rng, LEAD_DATE_FORMS)
    part = rng.choice(PARTS)
    event: str | None = ev.isoformat()
    if form == "start":
        text = f"{part} {_dm(rng, ev)}, {place} tổ chức {core}."
    elif form == "start_hyphen":
        text = f"{part} {_dm(rng, ev, '-')}, {place} đã {core}, với sự tham dự của đại diện các sở, ngành."
    elif form == "start_ngay":
        text = f"Ngày {_dm(rng, ev, rng.choice('/-'))}, {place} {core}."
    elif form == "mid":
        word = rng.choice(("ngày", "sáng", "chiều", "sáng ngày"))
        text = f"Nhằm đánh giá kết quả thực hiện nhiệm vụ, {word} {_dm(rng, ev)}, {place} tổ chức {core}."
    elif form == "range":
        start = ev - timedelta(days=rng.randrange(1, 3))
        event = start.isoformat()
        text = (f"Từ ngày {_dm(rng, start)} đến ngày {_dm(rng, ev)}, {place} tổ chức {core}"
                " cho cán bộ, công chức.")
    elif form == "full":
        text = f"{part} {ev.day}/{ev.month}/{ev.year}, {place} đã {core}."
    elif form == "written":
        text = f"Ngày {ev.day} tháng {ev.month} năm {ev.year}, {place} tổ chức {core}."
    else:
        event = None
        text = f"Vừa qua, {place} đã {core}, với sự tham dự của đại diện các sở, ngành."
        if rng.random() < RECURRING_SHARE * 4:
            text += " Đây là hoạt động thiết thực hướng tới ngày 20/11 hằng năm."
    if rng.random() < ANNIVERSARY_SHARE:
        y = published.year
        text = (f"Nhân kỷ niệm {y - 1947} năm Ngày Thương binh - Liệt sĩ (27/7/1947-27/7/{y}), "
                + text[0].lower() + text[1:])
    return text, event


def teasers(rng: random.Random, corpus, i: int) -> list[tuple[int | None, str]]:
    """Related-news teasers typed into the article after its end (never body text):
    ``(post index, text ending with …)``; ``(None, "Tin khác")`` is a header line."""
    if rng.random() >= TEASER_SHARE or corpus.base_n < 3:
        return []
    out: list[tuple[int | None, str]] = [(None, "Tin khác")] if rng.random() < 0.5 else []
    for _ in range(rng.randrange(1, 3)):
        j = rng.randrange(corpus.base_n - 1)
        j += j >= i
        out.append((j, " ".join(corpus.meta(j).title.split()[:9]) + "…"))
    return out
