"""Sentences, titles and paragraphs in Vietnamese, with the portal's text quirks."""

from __future__ import annotations

import random

from . import words as W

SENTENCES = (
    "Năm {year}, {place} đã triển khai đồng bộ nhiều giải pháp về {topic}, đạt được những kết quả quan trọng.",
    "Phát biểu tại buổi làm việc, đồng chí {person}, {position} đánh giá cao sự nỗ lực của {place} trong {topic}.",
    "Đến nay, toàn thành phố có {n} đơn vị hoàn thành chỉ tiêu, đạt {pct}% kế hoạch năm.",
    "Bên cạnh những kết quả đạt được, {topic} vẫn còn một số hạn chế cần sớm khắc phục.",
    "Trong thời gian tới, {place} tiếp tục tập trung lãnh đạo, chỉ đạo quyết liệt, tạo chuyển biến rõ nét về {topic}.",
    "Theo báo cáo, tổng kinh phí thực hiện là {n} tỷ đồng, tăng {pct}% so với cùng kỳ.",
    "Các đại biểu đã thảo luận, đóng góp nhiều ý kiến tâm huyết, sát với thực tiễn của địa phương.",
    "Tới dự có các đồng chí: {person}, {position}; {person2} cùng đại diện lãnh đạo các sở, ngành liên quan.",
    "Hội nghị thống nhất xác định “{subhead}” là nhiệm vụ xuyên suốt của cả năm.",
    "Nhờ sự vào cuộc của cả hệ thống chính trị, {topic} có nhiều chuyển biến tích cực…",
    "Người dân có thể tra cứu thông tin qua mã QRtại bộ phận một cửa của {place}.",
    "Đồng chí {person} yêu cầu các đơn vị quán triệt nghiêm túc, bảo đảm tiến độ và chất lượng.",
    "Tổ công tác đã kiểm tra {n} hồ sơ, phát hiện và hướng dẫn khắc phục kịp thời các thiếu sót.",
    "Thành phố phấn đấu đến năm {year2} hoàn thành {pct}% mục tiêu đề ra về {topic}.",
)

# words that differ only by their marks (đã/đa/đà, mã/ma, Đà Nẵng/đã nâng): accent-aware
# search must tell them apart (tests/test_search_confusables.py)
CONFUSABLES = (
    "Đoàn công tác thành phố Đà Nẵng đến thăm và làm việc với {place}.",
    "Nhiều chỉ tiêu của {place} đã nâng lên so với cùng kỳ.",
    "Đây là đà tăng trưởng tốt để {place} bứt phá trong năm {year}.",
    "Các hoạt động của {place} ngày càng đa dạng, phong phú.",
    "Người dân quét mã số trên hồ sơ để tra cứu kết quả.",
    "Lực lượng chức năng triệt phá đường dây mua bán ma túy.",
    "Sản phẩm OCOP đã đa dạng về mẫu mã, bao bì.",
    "Đà Nẵng và Hải Phòng chia sẻ kinh nghiệm phát triển du lịch biển.",
)

DASH_ITEMS = (
    "Tiếp tục rà soát, hoàn thiện cơ chế, chính sách;",
    "Đẩy mạnh tuyên truyền, nâng cao nhận thức của người dân;",
    "Tăng cường kiểm tra, giám sát việc thực hiện;",
    "Bố trí đủ nguồn lực cho {topic};",
    "Kịp thời biểu dương, khen thưởng tập thể, cá nhân tiêu biểu;",
    "Phối hợp chặt chẽ với {place} trong quá trình triển khai.",
)


def person(rng: random.Random) -> str:
    return f"{rng.choice(W.FAMILY)} {rng.choice(W.MIDDLE)} {rng.choice(W.GIVEN)}"


def make_title(rng: random.Random, year: int) -> str:
    event, topic, place = rng.choice(W.EVENTS), rng.choice(W.TOPICS), rng.choice(W.PLACES)
    shape = rng.randrange(4)
    if shape == 0:
        title = f"{event} {topic} năm {year - 1}, triển khai nhiệm vụ năm {year} {place}"
    elif shape == 1:
        title = f"{event} {topic} {place} năm {year}"
    elif shape == 2:
        title = f"{place[0].upper()}{place[1:]}: {event.lower()} {topic}"
    else:
        title = f"{event} {topic} {place}"
    suffix = rng.choice(W.SUFFIXES)
    if suffix:
        title += f" {suffix}"
    if rng.random() < 0.3:
        title += f" ({rng.randrange(2, 40)} đơn vị tham gia)"
    return title


def _fill(rng: random.Random, template: str, year: int) -> str:
    return template.format(
        year=year, year2=year + rng.randrange(1, 6), place=rng.choice(W.PLACES),
        topic=rng.choice(W.TOPICS), person=person(rng), person2=person(rng),
        position=rng.choice(W.POSITIONS), n=rng.randrange(3, 950), pct=rng.randrange(51, 130),
        subhead=rng.choice(W.SUBHEADS).lower(),
    )


def quirk(rng: random.Random, text: str) -> str:
    """Add the portal's typing quirks; ``archive.text.normalize`` of the result is the truth."""
    r = rng.random()
    if r < 0.15:
        text = text.replace(", ", ",  ", 1)                # double space
    elif r < 0.25:
        text = text.replace(",", " ,", 1)                  # space before punctuation
    elif r < 0.35:
        pos = text.find(" ", len(text) // 2)
        if pos > 0:
            text = text[:pos] + "\u00a0" + text[pos + 1:]  # a non-breaking space inside
    if rng.random() < 0.08:
        text = text.rstrip(".") + "…  "                      # ellipsis + trailing spaces
    return text


def sentence(rng: random.Random, year: int) -> str:
    return _fill(rng, rng.choice(SENTENCES), year)


def paragraph(rng: random.Random, year: int) -> str:
    return quirk(rng, " ".join(sentence(rng, year) for _ in range(rng.randrange(1, 4))))


def confusable(rng: random.Random, year: int) -> str:
    return _fill(rng, rng.choice(CONFUSABLES), year)


def dash_items(rng: random.Random, year: int) -> list[str]:
    items = rng.sample(DASH_ITEMS, rng.randrange(2, 5))
    return ["– " + _fill(rng, t, year) for t in items]


def caption(rng: random.Random) -> str:
    return _fill(rng, rng.choice(W.CAPTIONS), 2020) + rng.choice((".", "", " (ảnh minh họa)", " (Ảnh: T.H.)"))


def lead(rng: random.Random, title: str, event_phrase: str | None, year: int) -> str:
    """The sapo; ``event_phrase`` (e.g. ``sáng 11/01/2019``) names when the event happened."""
    place = rng.choice(W.PLACES)
    when = f"{event_phrase}, " if event_phrase else ""
    core = title[0].lower() + title[1:]
    forms = (
        f"Nhằm đánh giá kết quả thực hiện nhiệm vụ, {when}{place} tổ chức {core}.",
        f"{when[:1].upper() + when[1:]}{place} đã {core}, với sự tham dự của đại diện các sở, ngành.",
        f"Thực hiện kế hoạch năm {year}, {when}{place} {core}; đây là hoạt động thiết thực nhằm nâng cao hiệu quả công tác.",
    )
    text = rng.choice(forms)
    return quirk(rng, text[0].upper() + text[1:])
