"""Vietnamese-safe text normalisation (storage) and folding (search only)."""

from __future__ import annotations

import re
import unicodedata

# every Unicode space separator, nbsp, zero-width and BOM characters
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def normalize(s: str | None) -> str:
    """NFC, zero-width removed, every run of whitespace to one space, stripped.

    Never removes a diacritic: ``normalize(nfd_text)`` equals the NFC text.
    Fast on clean text (the parser calls it for every text node):
    ``str.isprintable`` is False for every whitespace character but the ASCII
    space and for every zero-width character, so a printable string without a
    double space only needs its edge spaces stripped
    (``tests/test_parser_speedups.py`` checks it against the plain rules).
    """
    if not s:
        return ""
    if not s.isascii():
        if not unicodedata.is_normalized("NFC", s):
            s = unicodedata.normalize("NFC", s)
        if not s.isprintable():
            if _ZERO_WIDTH.search(s):
                s = _ZERO_WIDTH.sub("", s)
            # str.split() splits on exactly the characters _SPACES matches (str.isspace)
            return " ".join(s.split())
    elif not s.isprintable():
        return " ".join(s.split())
    if "  " in s:
        return " ".join(s.split())
    return s.strip(" ")


def normalize_or_none(s: str | None) -> str | None:
    n = normalize(s)
    return n or None


def fold(s: str | None) -> str:
    """Search key: lower case, diacritics removed, đ/Đ → d.

    ``fold("Hải Phòng") == fold("HAI PHONG") == "hai phong"``; old and new
    tone-mark placement (hoà/hòa, Uỷ/Ủy) fold to the same string.
    """
    if not s:
        return ""
    s = unicodedata.normalize("NFD", s.replace("đ", "d").replace("Đ", "D"))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return normalize(s).lower()


class _FoldTable(dict):
    """``fold`` of one character, computed once per character (for ``str.translate``)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = ch if ch.isspace() else fold(ch)
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()
_NOT_SLUG = re.compile(r"[^a-z0-9\s-]")
_DASHES = re.compile(r"[\s-]+")


def slugify(s: str) -> str:
    """WordPress-style slug of a Vietnamese title (đ → d, no diacritics).

    Folds character by character through a table (fold is character-local),
    which equals folding the whole string (``tests/test_parser_title.py``).
    """
    s = s.translate(_FOLD_TABLE).lower().replace("/", "-")
    return _DASHES.sub("-", _NOT_SLUG.sub("", s)).strip("-")
