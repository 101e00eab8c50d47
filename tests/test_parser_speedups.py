"""The parser's fast paths give exactly what the plain code gives."""

from __future__ import annotations

import random

import pytest

from archive.parser.normtext import normalize as fast_normalize
from archive.text import normalize

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
