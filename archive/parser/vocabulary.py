"""The editorial conventions the parser reads, as data: words, line forms and named thresholds.

Everything here is what newsrooms *write* (bylines, source lines, date lines,
related-news headings, sidebar lines, desk accounts); what themes *mark up*
(class names) lives in ``theme.py``. The patterns in ``textpatterns.py`` and
``dates.py`` are built from these tuples, so a new form is one entry here.
Strings are NFC and lower case unless said otherwise; the parser compares
lower-cased, normalised text. ``check()`` runs at import and fails loudly when
an entry breaks an assumption another module makes (see ``INDEX_HINT_CHARS``).

Sources of the forms: the 42 real article pages counted in the project's notes
on the portal (docs/parser.md, "Editorial conventions"), and common Vietnamese
newsroom practice.
"""

from __future__ import annotations

import re
import unicodedata

# ---- named thresholds ------------------------------------------------------------

DATE_LINE_MAX_CHARS = 80        # a displayed date line is short
HEAD_DATE_BLOCKS = 4            # the date line is among the body's first blocks
HEADER_TEXT_MAX_CHARS = 100     # an element holding a header date line
BYLINE_MAX_CHARS = 60           # a byline (with prefix and photo credit) is short
BYLINE_MAX_WORDS = 5            # a name is 2–5 syllables in title or upper case
SOURCE_MAX_CHARS = 150          # the credited outlet of a source line
HEAD_BYLINE_BLOCKS = 2          # a prefixed byline may open the body, under the title
TAIL_LINES = 4                  # byline / source / teaser lines looked at at the body's end
RELATED_HEAD_MAX_CHARS = 40     # a "Tin khác" heading is short
LEAD_MIN_CHARS = 20             # a theme lead element shorter than this is a label
CAPTION_MAX_CHARS = 300         # an italic / centred line under an image is its caption
LISTING_DATE_LINES = 3          # this many date lines on a page without post signals: a listing
TEASER_MIN_CHARS = 30           # a related-news teaser: a linked line ending in "…"

# ---- related news and sidebar ----------------------------------------------------

# a block equal to one of these (optionally followed by ":") heads the related-news list
RELATED_HEADINGS = (
    "tin khác", "các tin khác", "tin liên quan", "bài viết liên quan", "tin cùng chuyên mục",
    "related posts", "bài viết khác", "tin bài liên quan", "bài liên quan", "tin đã đưa",
)
# the link to the original article at the end of the portal's date line
ORIGINAL_LINK_WORDS = ("gốc",)
# a block equal to one of these starts the sidebar / related list: nothing after it is the article
SIDEBAR_STOP_LINES = RELATED_HEADINGS + (
    "tiện ích thông tin", "nguồn tin", "qr code", "chúng tôi trên mạng xã hội", "qr code fanpage",
    "related", "share this:", "chia sẻ:", "bình luận", "leave a reply", "để lại một bình luận",
    "trả lời", "chia sẻ", "tags:", "từ khóa:", "từ khoá:", "thẻ:", "ý kiến bạn đọc",
    "xem thêm", "có thể bạn quan tâm", "đọc thêm",
    "gửi bình luận", "bài viết cùng chuyên mục",
)
SIDEBAR_STOP_PREFIXES = ("qr code:", "mã qr code truy cập", "qr code fanpage")
# single interface lines that are never text (print / share buttons)
UI_LINES = ("print", "in", "in bài", "in bài viết", "gốc", "email", "facebook", "twitter", "zalo",
            "lưu", "tweet", "like", "share", "gửi", "chia sẻ facebook", "bản in")
# end markers of Vietnamese press text: kept in the body, skipped when looking for the byline
END_MARKERS = ("./.", "-/-", "./", "- hết -", "-hết-", "(hết)", "hết")

# ---- bylines ---------------------------------------------------------------------

# prefixes before the credited name(s), longest first when matched (the ":" is optional)
BYLINE_PREFIXES = (
    "bài và ảnh", "bài, ảnh", "bài - ảnh", "bài – ảnh", "bài/ảnh", "bài ảnh",
    "tin và ảnh", "tin, ảnh", "tin - ảnh", "tin – ảnh", "tin/ảnh", "tin ảnh",
    "nội dung và ảnh", "bài viết", "nhóm phóng viên", "nhóm pv", "phóng viên", "tác giả",
    "người viết", "thực hiện", "biên tập", "bài", "tin",
)
# a photo credit after the name: "Minh Anh. Ảnh: Hoàng Dũng" keeps "Minh Anh"
PHOTO_CREDIT_WORDS = ("ảnh", "ảnh minh họa", "ảnh minh hoạ", "video", "đồ họa", "đồ hoạ", "clip")
# short capitals that close a line without being anyone's initials
ABBREVIATIONS = (
    "UBND", "HĐND", "TTXVN", "TTXV", "VOV", "VTV", "VNA", "TP", "TW", "BHXH", "CAND", "QĐND",
    "GTVT", "TTTT", "KCN", "THPT", "THCS", "CNTT", "ATGT", "PCCC", "ĐBQH", "MTTQ", "UBMTTQ",
    "BCH", "BTV", "HĐQT", "KT-XH", "KTXH", "COVID", "ASEAN", "WTO", "GDP", "FDI", "ODA", "PPP",
)
# title-case lines that are not names: a short last line made of these words is text
NOT_NAME_WORDS = (
    "thành", "phố", "hải", "phòng", "việt", "nam", "ủy", "uỷ", "ban", "nhân", "dân", "sở", "hội",
    "đảng", "bộ", "tỉnh", "huyện", "quận", "xã", "phường", "trung", "ương", "chính", "phủ",
    "quốc", "tài", "liệu", "đính", "kèm", "xem", "tại", "đây", "thông", "báo", "kết", "luận",
    "chúc", "mừng", "trân", "trọng", "cảm", "ơn", "lưu", "ý", "ghi", "chú", "phụ", "lục",
)
# place names that look like a title-case name: a byline line holding one is text
NOT_NAME_PHRASES = (
    "hải phòng", "hà nội", "việt nam", "thành phố", "đà nẵng", "hồ chí minh", "quảng ninh",
    "thái bình", "hải dương", "cát bà", "cát hải", "đồ sơn", "kiến an", "thủy nguyên", "thuỷ nguyên",
    "an dương", "an lão", "vĩnh bảo", "tiên lãng", "kiến thụy", "kiến thuỵ", "lê chân",
    "ngô quyền", "hồng bàng", "hải an", "dương kinh", "bạch long vĩ", "trung ương", "chính phủ",
)
# family names: an upper-case line of two words is a name only when it starts with one
# ("MINH ANH" alone could be a shouted sub-head; "NGUYỄN VĂN HÙNG" is a name)
SURNAMES = (
    "nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ",
    "hồ", "ngô", "dương", "lý", "đinh", "đào", "đoàn", "lương", "trịnh", "mai", "trương", "lưu",
    "vương", "cao", "tạ", "hà", "chu", "tô", "phùng", "quách", "lâm", "kiều", "thái", "văn",
    "nghiêm", "triệu", "la", "tăng", "khúc", "đồng", "lã", "từ", "mạc", "hứa", "tống", "vi",
)
# labels a theme prints before the posting account's name ("by admin", "Đăng bởi: Minh Anh")
ACCOUNT_PREFIXES = ("tác giả", "người viết", "người đăng", "đăng bởi", "được đăng bởi", "viết bởi",
                    "bởi", "posted by", "written by", "by", "author")
# WordPress accounts that are a desk, not a person: never the article's author
DESK_ACCOUNTS = (
    "ban biên tập", "bbt", "admin", "administrator", "quản trị", "quản trị viên", "quantri",
    "biên tập viên", "btv", "editor", "webmaster", "web master", "root", "user", "author",
    "cổng thông tin", "cổng tin tức", "cổng ttđt", "văn phòng", "tòa soạn", "toà soạn",
    "ban biên tập cổng", "wordpress", "wp", "site admin", "super admin",
)
DESK_ACCOUNT_PREFIXES = ("ban biên tập", "quản trị", "admin", "cổng thông tin", "cổng tin tức",
                         "cổng ttđt", "bbt ")

# ---- source lines ----------------------------------------------------------------

# "Nguồn. ANHP", "(Nguồn: Báo Hải Phòng)", "Nguồn tin: X" (AMP), "Theo X"
SOURCE_KEYWORDS = ("nguồn tin", "nguồn", "source")
SOURCE_THEO = "theo"
# a bare "<outlet> dd/mm/yyyy" line names its outlet with one of these first words,
# or is an outlet's abbreviation (capitals, 2–8 letters)
OUTLET_WORDS = ("báo", "tạp chí", "cổng", "trang", "đài", "thông tấn", "tttđt", "cổng ttđt",
                "tuổi trẻ", "thanh niên", "nhân dân", "lao động", "vnexpress", "dân trí",
                "vietnamnet", "tiền phong", "an ninh", "quân đội", "chính phủ", "sở", "ban",
                "ủy ban", "uỷ ban", "trung tâm", "bộ", "website", "vtv", "vov", "ttxvn", "anhp")

# ---- dates -----------------------------------------------------------------------

# labels before a displayed publication date ("Print", "Thời gian:", "Ngày đăng:")
DATE_LABELS = ("print", "in bài", "in", "thời gian", "ngày đăng", "đăng ngày", "ngày xuất bản",
               "xuất bản", "ngày", "posted on", "published", "đăng lúc", "đăng", "cập nhật")
# labels of a "last updated" line: shown text, never the publication date, never modified_at
# (a bare "Cập nhật:" is how many Vietnamese CMSs show the publication time: a date label)
UPDATED_LABELS = ("cập nhật lần cuối", "cập nhật mới nhất", "last updated", "last modified",
                  "updated on", "updated", "modified", "sửa đổi lần cuối", "chỉnh sửa lần cuối",
                  "sửa lần cuối", "lần cập nhật cuối", "cập nhật gần nhất")
# words that introduce the day of the event in a lead ("Sáng 29/12", "chiều nay (7/6)")
EVENT_DAY_WORDS = ("rạng sáng", "sáng sớm", "sáng", "trưa", "chiều tối", "chiều", "tối", "đêm",
                   "ngày", "hôm", "từ ngày", "trong ngày", "vào ngày", "hôm nay", "sáng nay",
                   "chiều nay", "tối nay", "trưa nay", "đêm nay", "hôm qua", "sáng qua", "chiều qua",
                   "tối qua", "đêm qua", "trưa qua")
WEEKDAYS = ("thứ hai", "thứ ba", "thứ tư", "thứ năm", "thứ sáu", "thứ bảy", "chủ nhật",
            "thứ 2", "thứ 3", "thứ 4", "thứ 5", "thứ 6", "thứ 7")
# a date followed by one of these recurs every year: it is not the event
RECURRING_WORDS = ("hằng năm", "hàng năm", "hằng tháng", "hàng tháng", "mỗi năm", "năm nào")
RECURRING_WINDOW = 16           # characters after a date looked at for RECURRING_WORDS

# ---- site names ------------------------------------------------------------------

# site-name suffixes of <title> known before any page says so (case as written)
KNOWN_SITE_NAMES = ("Cổng tin tức Thành phố Hải Phòng",)


# ---- derived values and invariant checks ---------------------------------------

def _with_colons(words) -> frozenset[str]:
    return frozenset(w for h in words for w in (h, h + ":", h + " :"))


# short texts the one-pass index (dom.Index) keeps, lower-cased and stripped
INDEX_TEXT_KEYS = _with_colons(RELATED_HEADINGS) | frozenset(ORIGINAL_LINK_WORDS)
INDEX_TEXT_MAX_CHARS = RELATED_HEAD_MAX_CHARS


def alternation(words) -> str:
    """A regex alternation of ``words``, longest first, a space matching any whitespace."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


def hint_chars(keys) -> frozenset[str]:
    """A few characters at least one of which every key holds (both cases): the index
    tests texts for them before lower-casing, a cheap pre-filter that can miss no key."""
    remaining = [k for k in keys]
    chosen: list[str] = []
    while remaining:
        counts: dict[str, int] = {}
        for k in remaining:
            for ch in set(k):
                if ch.isalpha():
                    counts[ch] = counts.get(ch, 0) + 1
        if not counts:
            raise ValueError(f"index keys without a letter: {remaining}")
        best = max(sorted(counts), key=counts.__getitem__)
        chosen.append(best)
        remaining = [k for k in remaining if best not in k]
    out = set()
    for ch in chosen:
        out |= {ch, ch.upper()}
    return frozenset(out)


INDEX_HINT_CHARS = hint_chars(INDEX_TEXT_KEYS)


def check() -> None:
    """Assumptions other modules make about this vocabulary; raises on a broken entry."""
    for name, words in (("RELATED_HEADINGS", RELATED_HEADINGS), ("SIDEBAR_STOP_LINES", SIDEBAR_STOP_LINES),
                        ("UI_LINES", UI_LINES), ("BYLINE_PREFIXES", BYLINE_PREFIXES),
                        ("DESK_ACCOUNTS", DESK_ACCOUNTS), ("DATE_LABELS", DATE_LABELS),
                        ("UPDATED_LABELS", UPDATED_LABELS), ("EVENT_DAY_WORDS", EVENT_DAY_WORDS),
                        ("RECURRING_WORDS", RECURRING_WORDS), ("OUTLET_WORDS", OUTLET_WORDS),
                        ("SURNAMES", SURNAMES), ("NOT_NAME_WORDS", NOT_NAME_WORDS),
                        ("NOT_NAME_PHRASES", NOT_NAME_PHRASES), ("ACCOUNT_PREFIXES", ACCOUNT_PREFIXES)):
        for w in words:
            if w != w.lower() or w != w.strip() or not w:
                raise ValueError(f"vocabulary.{name}: {w!r} must be lower case, stripped, non-empty")
            if not unicodedata.is_normalized("NFC", w):
                raise ValueError(f"vocabulary.{name}: {w!r} is not NFC")
    for k in INDEX_TEXT_KEYS:
        if len(k) >= INDEX_TEXT_MAX_CHARS:
            raise ValueError(f"index key {k!r} is longer than INDEX_TEXT_MAX_CHARS")
        if INDEX_HINT_CHARS.isdisjoint(k):
            raise ValueError(f"index key {k!r} holds none of INDEX_HINT_CHARS")
    for a in ABBREVIATIONS:
        if a != a.upper():
            raise ValueError(f"vocabulary.ABBREVIATIONS: {a!r} must be upper case")


check()
