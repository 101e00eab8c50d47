"""Title choice: site-name suffixes, the slug as arbiter, the fast slugify."""

from __future__ import annotations

import random
import re
import unicodedata

from archive.parser.title import choose_title, strip_site_name, variants
from archive.text import fold
from archive.text import slugify as fast_slugify


def slugify(s):
    """The plain rule the per-character table must give: fold the whole string."""
    s = fold(s).replace("/", "-")
    s = re.sub(r"[^a-z0-9\s-]", "", s)
    return re.sub(r"[\s-]+", "-", s).strip("-")


def test_fast_slugify_equals_archive_text_slugify():
    rng = random.Random(5)
    alpha = ("aăâbcdđeêghiklmnoôơpqrstuưvxyAĂÂĐÊÔƠƯ àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợù"
             "úủũụừứửữựỳýỷỹỵ0123456789/-–—.,:;“”…\u00a0\u200b\u0301\u0323ÀÁỲ'\"()%&αж中\u212a")
    for _ in range(20000):
        s = "".join(rng.choice(alpha) for _ in range(rng.randrange(0, 40)))
        s = unicodedata.normalize(rng.choice(["NFC", "NFD"]), s)
        assert fast_slugify(s) == slugify(s), s
    assert fast_slugify("Điều 16 Luật An ninh mạng số 24/2018/QH14") == "dieu-16-luat-an-ninh-mang-so-24-2018-qh14"


def test_variants_cut_suffixes_and_prefixes():
    assert variants("A – B – Site") == ["A – B – Site", "A – B", "A", "B – Site", "Site"]


def test_strip_site_name():
    assert strip_site_name("Tin A – Cổng tin tức Thành phố Hải Phòng", []) == "Tin A"   # known portal name
    assert strip_site_name("Báo B | Tin A", ["Báo B"]) == "Tin A"
    assert strip_site_name("Tin A - B - Báo C", ["Báo C"]) == "Tin A - B"
    assert strip_site_name("Tin A - B", []) == "Tin A"          # unknown site: the last segment goes
    assert strip_site_name("Tin không có hậu tố", []) == "Tin không có hậu tố"


def test_slug_decides():
    cands = [(None, "theme", False), ("Hội nghị A - B – Site", "wp-core", True)]
    assert choose_title(cands, "hoi-nghi-a-b", []) == ("Hội nghị A - B", "wp-core")
    assert choose_title(cands, "other-slug", []) == ("Hội nghị A - B", "wp-core")
    assert choose_title([("  Tiêu   đề\u00a0 ", "theme", False)], None, []) == ("Tiêu đề", "theme")
    assert choose_title([], "x", []) == (None, None)
