"""Snippets and highlights of search hits, on the original (diacritic) text.

Done in Python on the few hits shown rather than with FTS5 ``snippet()``:
FTS5 would re-run the query for every row (about 1 ms a row on a large
archive), this takes microseconds. Folding here keeps every character in
place (one character in, one out), so token positions in the folded text are
positions in the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from archive.text import exact_key, fold


@lru_cache(maxsize=1)
def _table() -> dict[int, str]:
    table = {}
    for cp in list(range(0x41, 0x5B)) + list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        folded = fold(ch)
        if len(folded) == 1 and folded != ch:
            table[cp] = folded
    return table


def fold_in_place(text: str) -> str:
    """Like ``archive.text.fold`` for matching, but the same length as ``text``."""
    out = text.translate(_table())
    lowered = out.lower()
    return lowered if len(lowered) == len(out) else out


@dataclass(frozen=True)
class Terms:
    """What to mark: words and prefixes to find in the folded text, and in the exact text
    (``archive.text.exact_key``: letters kept, case and tone placement ignored)."""

    fold_words: frozenset[str] = frozenset()
    fold_prefixes: tuple[str, ...] = ()
    exact_words: frozenset[str] = frozenset()
    exact_prefixes: tuple[str, ...] = ()

    @classmethod
    def of(cls, words) -> "Terms":
        """From ``(key, word, is_prefix)`` triples (``search_query.highlight_terms``),
        ``key`` being ``"fold"`` or ``"exact"``."""
        acc: dict[tuple[str, bool], list[str]] = {}
        for key, word, prefix in words:
            acc.setdefault((key, prefix), []).append(word)
        return cls(frozenset(acc.get(("fold", False), ())), tuple(acc.get(("fold", True), ())),
                   frozenset(acc.get(("exact", False), ())), tuple(acc.get(("exact", True), ())))


_WORDCH = r"[^\W_]"


@lru_cache(maxsize=128)
def _pattern(words: frozenset[str], prefixes: tuple[str, ...]) -> re.Pattern | None:
    alts = [re.escape(w) for w in sorted(words, key=len, reverse=True)]
    alts += [re.escape(p) + _WORDCH + "*" for p in prefixes]
    if not alts:
        return None
    return re.compile(rf"(?<!{_WORDCH})(?:{'|'.join(alts)})(?!{_WORDCH})")


def _hits(text: str, terms: Terms) -> list[tuple[int, int]]:
    """Spans of ``text`` matching the terms. Exact words are first found by their folded
    form in the folded text (fast), then each candidate word is checked with
    ``exact_key`` on its own (the key of a whole body costs a millisecond)."""
    spans: list[tuple[int, int]] = []
    folded = None
    pat = _pattern(terms.fold_words, terms.fold_prefixes)
    if pat is not None:
        folded = fold_in_place(text)
        spans += [m.span() for m in pat.finditer(folded)]
    if terms.exact_words or terms.exact_prefixes:
        folded = folded if folded is not None else fold_in_place(text)
        pat = _pattern(frozenset(fold(w) for w in terms.exact_words),
                       tuple(fold(p) for p in terms.exact_prefixes))
        for m in pat.finditer(folded):
            key = exact_key(text[m.start():m.end()])
            if key in terms.exact_words or (terms.exact_prefixes
                                            and key.startswith(terms.exact_prefixes)):
                spans.append(m.span())
    spans.sort()
    out: list[tuple[int, int]] = []
    for s, e in spans:  # overlapping marks merge
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _mark(text: str, hits, start: int, end: int, marks: tuple[str, str]) -> str:
    out, pos = [], start
    for s, e in hits:
        if s < start or e > end:
            continue
        out.append(text[pos:s])
        out.append(marks[0] + text[s:e] + marks[1])
        pos = e
    out.append(text[pos:end])
    return "".join(out)


def highlight(text: str | None, terms: Terms, marks: tuple[str, str]) -> str:
    """The whole ``text`` with every matching word between ``marks``."""
    if not text:
        return ""
    return _mark(text, _hits(text, terms), 0, len(text), marks)


def _word_start(text: str, i: int) -> int:
    """Move ``i`` back to the start of the word it is in."""
    while i > 0 and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i


def snippet(text: str | None, terms: Terms, marks: tuple[str, str], size: int = 24,
            ellipsis: str = "…") -> tuple[str, int]:
    """About ``size`` words of ``text`` around the most matches, marked; and the match count."""
    if not text:
        return "", 0
    width = size * 6  # characters: a Vietnamese syllable and its space average 5-6
    hits = _hits(text, terms)
    if hits:
        # the window of `width` characters that holds the most matches (two pointers)
        best, best_i, j = 0, 0, 0
        for i, (s, _) in enumerate(hits):
            while j < len(hits) and hits[j][1] <= s + width:
                j += 1
            if j - i > best:
                best, best_i = j - i, i
        first, last = hits[best_i][0], hits[best_i + best - 1][1]
        center = (first + last) // 2
        start = max(0, min(center - width // 2, first))
        end = min(len(text), max(start + width, last))
    else:
        best, start, end = 0, 0, min(len(text), width)
    start = _word_start(text, start)
    end = _word_end(text, end)
    body = _mark(text, hits, start, end, marks).strip()
    if start > 0:
        body = ellipsis + body
    if end < len(text.rstrip()):
        body += ellipsis
    return body.replace("\n\n", " ¶ ").replace("\n", " "), best


def best_snippet(terms: Terms, body: str | None, lead: str | None, marks: tuple[str, str],
                 size: int = 24) -> tuple[str, int]:
    """The snippet of a hit: from the body when it holds a match, else from the lead
    (the lead's opening when neither does)."""
    snip, n = snippet(body, terms, marks, size)
    if not n:
        lead_snip, n_lead = snippet(lead, terms, marks, size)
        if n_lead or lead_snip:
            return lead_snip, n_lead
    return snip, n
