"""The search query language, and how a query is written for the full-text index.

A query is words AND-ed; ``"a phrase"``; ``word*`` (a prefix); ``OR`` between two
terms (either is enough); ``NOT term`` (leave out posts that have it); and column
filters ``title:``, ``lead:``, ``body:`` (lead and body text), ``author:``,
``source:`` before a word, a phrase or a group in parentheses:
``title:(cong an)`` means both words in the title (in raw FTS5, ``title: cong an``
applies to ``cong`` only). Anything else is taken literally, never as FTS5 syntax.

The index (migration 12, ``articles_fts``) holds each word as one term with both of its
keys, ``fold`` U+E000 ``exact key`` (``archive.text.index_term``). Accents (``mode``),
word by word, also inside a phrase:

- ``auto`` (default): a word typed with marks (tone marks, ``ă â ê ô ơ ư``, ``đ``)
  matches those letters only (its exact term); a word typed without marks matches
  every accented reading (the prefix ``fold`` U+E000: every term of that fold), so
  ``"Đà nang"`` is ``"da\ue000đà" + "nang\ue000"*``;
- ``exact``: every word by its letters (``ha noi`` finds only unaccented text);
- ``fold``: every word by its fold (``Đà Nẵng`` also finds ``đã nâng``).

A prefix typed without marks (``nga*``, or any prefix with ``fold``) is the FTS5 prefix
of its fold; one typed with marks (``Nẵ*``, or any prefix with ``exact``) is the
index's terms whose exact key starts with it, read from the index's vocabulary
(``prefix_terms``; at most ``MAX_PREFIX_TERMS``).

Case, the Unicode normalisation form and old/new tone-mark placement never
matter (``archive.text.exact_key``). Posts in which the query's letters appear as
typed rank above posts that match only once folded (``Plan.literal``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, field

from archive.research.search_filters import BadSearchQuery
from archive.text import (
    INDEX_SEP,
    exact_key,
    fold,
    fold_key,
    fold_term,
    has_marks,
    index_term,
    term_exact,
    words,
)

MODES = ("auto", "exact", "fold")
INDEX = "articles_fts"
# column filter names → index columns
COLUMNS = {
    "title": ("title",), "lead": ("lead",), "body": ("lead", "body_text"),
    "author": ("author",), "source": ("source",),
    "document": ("document",),  # the text of documents the articles link to (search_documents)
}
DOCUMENT = ("document",)
# words a prefix typed with marks may stand for (each is an OR-ed term of the query)
MAX_PREFIX_TERMS = 1000
NOTHING = '"' + INDEX_SEP * 2 + '"'  # a term no index holds: matches no post


@dataclass
class Term:
    text: str  # as typed (one word, or the words of a phrase)
    prefix: bool = False
    columns: tuple[str, ...] | None = None
    negated: bool = False

    def words(self) -> list[str]:
        """Its words as the index splits them, in ``exact_key`` form."""
        return words(exact_key(self.text))


@dataclass
class Query:
    clauses: list[list[Term]] = field(default_factory=list)  # AND of ORs
    negated: list[Term] = field(default_factory=list)


_TOKEN = re.compile(r'\s*(?:(?P<col>[A-Za-z_]+):(?=\S)|(?P<colsp>[A-Za-z_]+):(?:\s+|$)|'
                    r'(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"?(?P<pstar>\*?)|'
                    r'(?P<word>[^\s()"]+))')


def parse(query: str) -> Query:
    """The user's query as clauses of terms; never raises on odd input (it is read literally)."""
    q = Query()
    pending_or = pending_not = False
    columns: tuple[str, ...] | None = None
    group: tuple[str, ...] | None = None  # columns of an open ``col:( … )`` group
    pos, text = 0, query or ""
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        kind = next(k for k in ("col", "colsp", "open", "close", "phrase", "word")
                    if m.group(k) is not None)
        if kind in ("col", "colsp"):
            name = m.group(kind).lower()
            if name in COLUMNS:
                columns = COLUMNS[name]
                continue
            if kind == "colsp":
                word, star = m.group(kind), False
            else:  # e.g. ``10:30`` or ``http:``: a literal word
                rest = re.match(r"[^\s()\"]*", text[pos:]).group(0)
                pos += len(rest)
                word, star = m.group(kind) + ":" + rest, False
        elif kind == "open":
            if columns is not None:
                group, columns = columns, None
            continue
        elif kind == "close":
            group = None
            continue
        elif kind == "phrase":
            word, star = m.group("phrase"), bool(m.group("pstar"))
        else:
            word = m.group("word")
            if word == "OR":
                pending_or = bool(q.clauses)
                continue
            if word == "NOT":
                pending_not = True
                continue
            star = word.endswith("*")
        term = Term(word, prefix=star, columns=columns or group)
        columns = None
        if not term.words():
            continue
        if pending_not:
            term.negated = True
            q.negated.append(term)
        elif pending_or and q.clauses:
            q.clauses[-1].append(term)
        else:
            q.clauses.append([term])
        pending_or = pending_not = False
    return q


def word_is_exact(word: str, mode: str) -> bool:
    """Whether a query word is found by its letters (else by its fold)."""
    return mode == "exact" or (mode == "auto" and has_marks(word))


def _or(parts: list[str]) -> str:
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _after(prefix: str) -> str | None:
    """The least string above every string that starts with ``prefix`` (None: there is none)."""
    while prefix:
        n = ord(prefix[-1]) + 1
        if 0xD800 <= n <= 0xDFFF:  # surrogates are no characters (and cannot be bound)
            n = 0xE000
        if n <= 0x10FFFF:
            return prefix[:-1] + chr(n)
        prefix = prefix[:-1]
    return None


def prefix_terms(conn: sqlite3.Connection, index: str, start: str) -> list[str] | None:
    """The index's terms for the words whose exact key starts with ``start`` (an exact
    key), in term order; None when there are more than ``MAX_PREFIX_TERMS``.

    They are among the terms that start with ``start``'s fold: those are listed from an
    fts5vocab ``instance`` table by seeks — it answers ``term >= ?`` and ``term <= ?``
    from the index without reading the terms it passes (``>`` and ``<`` would read
    every entry of the bound's term), so a seek past a term is ``>= term || NUL``
    (terms hold no control characters) and the end is ``<= _after(fold)``, that string
    itself left out."""
    schema = "temp" if conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?",
                                    (index,)).fetchone() else "main"
    vocab = f"temp.{index}_instances"
    conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {vocab} USING "
                 f"fts5vocab({schema}, {index}, 'instance')")
    lo = fold_key(start)
    hi = _after(lo)
    sql = f"SELECT term FROM {vocab} WHERE term >= ?" + (" AND term <= ?" if hi else "") + " LIMIT 1"
    out: list[str] = []
    while True:
        row = conn.execute(sql, (lo, hi) if hi else (lo,)).fetchone()
        if row is None or row[0] == hi:
            return out
        term = row[0]
        if term_exact(term).startswith(start):
            out.append(term)
            if len(out) > MAX_PREFIX_TERMS:
                return None
        lo = term + "\x00"


def _alternatives(conn, index: str, word: str, exact: bool, prefix: bool, typed: str) -> list[str]:
    """The FTS5 strings one word of the query may be (OR-ed)."""
    if not exact:
        return ['"' + (fold_key(word) if prefix else fold_term(word)) + '"*']
    if not prefix:
        return ['"' + index_term(word) + '"']
    if conn is None:
        raise ValueError("a prefix found by its letters is read from the index: pass a connection")
    terms = prefix_terms(conn, index, word)
    if terms is None:
        raise BadSearchQuery(f"{typed!r}: more than {MAX_PREFIX_TERMS} words of this archive "
                             f"start with {word!r} — type more letters, or leave its marks out")
    return ['"' + t + '"' for t in terms] or [NOTHING]


def term_expr(conn: sqlite3.Connection | None, term: Term, mode: str, index: str = INDEX) -> str:
    """The FTS5 expression of one term: its words, each by its letters or by its fold
    (``word_is_exact``), as one phrase; with its columns."""
    ws = term.words()
    head = [_alternatives(conn, index, w, word_is_exact(w, mode), False, term.text)[0]
            for w in ws[:-1]]
    last = _alternatives(conn, index, ws[-1], word_is_exact(ws[-1], mode), term.prefix, term.text)
    expr = _or([" + ".join([*head, alt]) for alt in last])
    if term.columns:
        return "{" + " ".join(term.columns) + "} : " + (expr if expr.startswith("(") else f"({expr})")
    return expr


@dataclass
class Plan:
    """How to run a query on one index: its MATCH expression, and the expression of the
    query as typed (every word by its letters, the same terms left out) that marks the
    first rank tier, when some word is found by its fold."""

    index: str
    match: str
    literal: str | None = None

    def rowid(self) -> str:
        return f"{self.index}.rowid"


def is_document_query(query: str) -> bool:
    """Whether ``query`` searches documents (its terms carry ``document:``)."""
    q = parse(query)
    terms = [t for c in q.clauses for t in c] + q.negated
    docs = [t.columns == DOCUMENT for t in terms]
    if any(docs) and not all(docs):
        raise BadSearchQuery(f"{query!r} mixes document: with other terms — put document: before "
                             "every term, e.g. document:(kế hoạch) or document:\"kế hoạch\"")
    return bool(docs) and all(docs)


def plan(conn: sqlite3.Connection | None, query: str, mode: str = "auto",
         index: str = INDEX, *, columns: tuple[str, ...] | None = None) -> Plan | None:
    """The plan of ``query`` (None when it has no words to look for) on an index written
    like the articles' one: the articles' by default. ``document:`` terms are planned on
    the documents' index (``search_documents``) without a column. ``conn`` may be None
    only for ``mode="fold"`` (nothing is read from the index then).

    ``columns``: the columns of every word to look for that names none (``("title",)``:
    the query's words in the title; terms to leave out keep every column)."""
    if mode not in MODES:
        raise BadSearchQuery(f"unknown search mode {mode!r} — use one of {', '.join(MODES)}")
    q = parse(query)
    if columns:
        for t in (t for c in q.clauses for t in c):
            t.columns = t.columns or columns
    for t in [t for c in q.clauses for t in c] + q.negated:
        if t.columns == DOCUMENT:
            if index == INDEX:
                raise BadSearchQuery("document: terms search the documents — use search_documents")
            t.columns = None
    if not q.clauses:
        if q.negated:
            raise BadSearchQuery(f"{query!r} only says what to leave out — add a word to look for")
        return None
    leave_out = "".join(f" NOT {term_expr(conn, t, mode, index)}" for t in q.negated)

    def written(word_mode: str) -> str:
        look_for = " AND ".join(_or([term_expr(conn, t, word_mode, index) for t in c])
                                for c in q.clauses)
        return f"({look_for}){leave_out}" if leave_out else look_for

    p = Plan(index=index, match=written(mode))
    positive = [t for c in q.clauses for t in c]
    if conn is not None and any(not word_is_exact(w, mode) for t in positive for w in t.words()):
        # posts with the letters as typed rank first (no tier when a prefix typed without
        # marks stands for too many words by its letters); what the query leaves out is
        # left out of them too, so they are always among its matches
        try:
            p.literal = written("exact")
        except BadSearchQuery:
            p.literal = None
    return p


def highlight_terms(query: str, mode: str = "auto") -> list[tuple[str, str, bool]]:
    """``(key, word, is_prefix)`` for every word of the positive terms: ``key`` is ``"exact"``
    when the word is to be found with its letters (``archive.text.exact_key``), ``"fold"``
    when folded (``archive.text.fold``)."""
    out = []
    for clause in parse(query).clauses:
        for t in clause:
            ws = t.words()
            for i, w in enumerate(ws):
                last = t.prefix and i == len(ws) - 1
                if word_is_exact(w, mode):
                    out.append(("exact", w, last))
                else:
                    out.append(("fold", fold(w), last))
    return out
