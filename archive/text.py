"""Vietnamese-safe text normalisation (storage) and folding (search only)."""

from __future__ import annotations

import functools
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


# Vietnamese vowels (lower case, NFD base letters) and the five tone marks (combining)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_VOWEL_RUN = re.compile("(?:[aeiouy][\u0302\u0306\u031b]*[" + _TONES + "]?[\u0302\u0306\u031b]*){2,}")


def _move_tone(m: re.Match) -> str:
    run = m.group(0)
    tones = [ch for ch in run if ch in _TONES]
    if len(tones) != 1:
        return run
    return run.replace(tones[0], "") + tones[0]


def exact_key(s: str | None) -> str:
    """Search key that keeps every letter: NFC, lower case, tone mark in one place.

    Unlike ``fold`` it keeps diacritics and ``đ``; it only ignores case, the
    Unicode normalisation form and where the tone mark sits in a vowel group
    (old ``hoà``/``thuỷ``/``uỷ`` and new ``hòa``/``thủy``/``ủy`` placement):
    the one tone mark of a run of vowels moves to the run's last vowel. Two
    different words never share a key (a syllable has one tone), and the key
    has as many characters as the lower-cased NFC text, so positions in it are
    positions in the text. ``fold(exact_key(s)) == fold(s)``.
    """
    if not s:
        return ""
    low = unicodedata.normalize("NFC", s).lower()
    if low.isascii():
        return low
    nfd = unicodedata.normalize("NFD", low)
    if not any(t in nfd for t in _TONES):
        return low
    return unicodedata.normalize("NFC", _VOWEL_RUN.sub(_move_tone, nfd))


def has_marks(s: str) -> bool:
    """Whether ``s`` has a diacritic or ``đ`` (a word typed with marks)."""
    return fold(s) != unicodedata.normalize("NFC", s).lower()


# --- the full-text index's terms (migration 12) -----------------------------------------
# A word of the index is written as one FTS5 term that holds both of its search keys: its
# fold, INDEX_SEP, then its exact key when that differs (``Đà`` → ``da\ue000đà``,
# ``ma`` → ``ma\ue000``). So one index (tokenizer ``unicode61 remove_diacritics 0``, whose
# default token characters include the private-use INDEX_SEP) answers both kinds of word:
# the exact term for a word typed with marks, the prefix ``da\ue000*`` (every term whose
# fold is ``da``) for one typed without, each in its place in a phrase. Changing how terms
# are written needs a migration that rebuilds the index.
INDEX_SEP = "\ue000"
_WORD = re.compile(r"[^\W_]+")


def words(s: str | None) -> list[str]:
    """The words of ``s`` as the index splits them: runs of letters and digits."""
    return _WORD.findall(s) if s else []


def fold_key(word: str) -> str:
    """The first part of a word's index term: its fold, as one word."""
    return "".join(words(fold(word)))


def index_term(word: str) -> str:
    """The index's term for one word already in ``exact_key`` form."""
    folded = fold_key(word)
    return folded + INDEX_SEP + ("" if word == folded else word)


def fold_term(word: str) -> str:
    """The start of every index term whose word folds to ``fold(word)`` (for a prefix query)."""
    return fold_key(word) + INDEX_SEP


def term_exact(term: str) -> str:
    """The exact key of the word an index term was written for (``index_term`` reversed)."""
    folded, _, exact = term.partition(INDEX_SEP)
    return exact or folded


# a text's words are mostly the same few thousand syllables: each is written once
_cached_term = functools.lru_cache(maxsize=1 << 16)(index_term)


def index_text(s: str | None) -> str:
    """What the full-text index is fed for ``s`` (the SQL function ``pa_index``; called
    for every article written, so each word's term is cached)."""
    return " ".join(map(_cached_term, words(exact_key(s)))) if s else ""
