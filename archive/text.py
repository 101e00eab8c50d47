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
    """
    if not s:
        return ""
    if not unicodedata.is_normalized("NFC", s):
        s = unicodedata.normalize("NFC", s)
    if _ZERO_WIDTH.search(s):
        s = _ZERO_WIDTH.sub("", s)
    # str.split() splits on exactly the characters _SPACES matches (str.isspace), faster
    return " ".join(s.split())


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


def slugify(s: str) -> str:
    """WordPress-style slug of a Vietnamese title (đ → d, no diacritics)."""
    s = fold(s).replace("/", "-")
    s = re.sub(r"[^a-z0-9\s-]", "", s)
    s = re.sub(r"[\s-]+", "-", s).strip("-")
    return s
