"""The parser's fast paths give exactly what the plain code gives."""

from __future__ import annotations

import random
import re
import unicodedata

import pytest

from archive.text import normalize as fast_normalize

_ZW = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def normalize(s):
    """The plain rules the fast path must give: NFC, zero-width out, whitespace runs to one space."""
    if not s:
        return ""
    return " ".join(_ZW.sub("", unicodedata.normalize("NFC", s)).split())

_PIECES = list("aZ .,:/Đồếơư\t\n\r\xa0\u1680\u2000\u2001\u2002\u200a\u200b\u200c\u200d\u2060\ufeff"
               "\u0301\u0300\u0323\u3000\u202f\u205f\x1c\x1f\x85\u2028\u2029") + \
    ["e\u0301", "  ", "Hải Phòng", "o\u031b\u0301", "\u00ad", "\u180e"]


@pytest.mark.parametrize("s", [None, "", " ", "\n", "Print", " Trang chủ ", "a  b", "a\u200bb",
                               "Ho\u0300a", "x\xa0y", "\u2000", "\ufeffGốc", "QR CODE: Tiêu đề"])
def test_normalize_examples(s):
    assert fast_normalize(s) == normalize(s)


def test_normalize_random_strings():
    rnd = random.Random(7)
    for _ in range(50_000):
        s = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 14)))
        assert fast_normalize(s) == normalize(s), repr(s)


def test_no_printable_whitespace_or_zero_width():
    """The fast path's premise: isprintable() is False for every whitespace character
    but the ASCII space and for the zero-width characters normalize removes."""
    bad = [hex(c) for c in range(0x110000) if chr(c).isspace() and chr(c) != " " and chr(c).isprintable()]
    assert bad == []
    assert not any(c.isprintable() for c in "\u200b\u200c\u200d\u2060\ufeff")


def test_image_url_prechecks_agree_with_the_regexes():
    from archive.parser.blocks import _PLACEHOLDER, _SIZED, _placeholder, _sized

    urls = ["data:image/gif;base64,R0lGOD", "DATA:x", "https://x.vn/wp-content/uploads/2019/01/a-300x200.jpg",
            "https://x.vn/a-300X200.JPG?ver=1", "https://x.vn/a.jpg", "https://x.vn/lazy_load.png",
            "https://x.vn/LazyLoad/x.jpg", "https://x.vn/PlaceHolder.svg", "https://x.vn/blank.GIF",
            "https://x.vn/spacer.gif", "https://x.vn/grey.gif", "https://x.vn/ảnh-1024x768.webp",
            "https://x.vn/a-١٢x٣٤.png", "https://x.vn/ſpacer.gif", "https://x.vn/bla\u212ak.png", ""]
    rnd = random.Random(3)
    pieces = ["-", "x", "X", "300", "٣", ".jpg", ".PNG", "?", "#", "/", "lazy", "load", "_", "blank", ".gif",
              "data:", "place", "holder", "spacer", "grey", "ả", "ſ", "\u212a"]
    urls += ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 8))) for _ in range(20_000)]
    for u in urls:
        assert _placeholder(u) == bool(_PLACEHOLDER.search(u)), u
        assert _sized(u) == bool(_SIZED.search(u)), u


def test_title_site_names_may_be_given_lazily():
    from archive.parser.title import choose_title

    cands = [(None, "theme", False), ("Tiêu đề – Cổng tin", "wp-core", True)]
    assert choose_title(cands, "khac", lambda: ["Cổng tin"]) == choose_title(cands, "khac", ["Cổng tin"])
    assert choose_title(cands, "tieu-de", lambda: 1 / 0) == ("Tiêu đề", "wp-core")


def test_find_body_is_the_body_child():
    from lxml import etree

    from archive.parser.dom import build_tree, find_body

    root = build_tree("<html><head><title>x</title></head><body class='a'><p>y</p></body></html>")
    assert find_body(root) is root.find("body")
    assert find_body(etree.fromstring("<svg><g/></svg>")) is None
