"""The search query language, and the plan that runs a query on the two full-text indexes.

A query is words AND-ed; ``"a phrase"``; ``word*`` (a prefix); ``OR`` between two
terms (either is enough); ``NOT term`` (leave out posts that have it); and column
filters ``title:``, ``lead:``, ``body:`` (lead and body text), ``author:``,
``source:`` before a word, a phrase or a group in parentheses:
``title:(cong an)`` means both words in the title (in raw FTS5, ``title: cong an``
applies to ``cong`` only). Anything else is taken literally, never as FTS5 syntax.

Accents (``mode``):

- ``auto`` (default): a term typed with marks (tone marks, ``ă â ê ô ơ ư``, ``đ``)
  matches those letters only, in the exact index (``articles_fts_exact``); a term
  typed without marks matches every accented reading, in the folded index
  (``articles_fts``); a phrase mixing both is expanded, word by word, into the
  readings the archive holds (``"Đà nang"`` → ``"đà nẵng" OR "đà nang" OR …``);
- ``exact``: every term in the exact index (``ha noi`` finds only unaccented text);
- ``fold``: every term in the folded index (``Đà Nẵng`` also finds ``đã nâng``).

Case, the Unicode normalisation form and old/new tone-mark placement never
matter (``archive.text.exact_key``). Posts in which the query's letters appear as
typed rank above posts that match only once folded.
"""

from __future__ import annotations

import itertools
import re
import sqlite3
from dataclasses import dataclass, field

from archive.research.search_filters import BadSearchQuery
from archive.text import exact_key, fold, has_marks

MODES = ("auto", "exact", "fold")
FOLD_INDEX = "articles_fts"
EXACT_INDEX = "articles_fts_exact"
# column filter names → index columns
COLUMNS = {
    "title": ("title",), "lead": ("lead",), "body": ("lead", "body_text"),
    "author": ("author",), "source": ("source",),
    "document": ("document",),  # the text of documents the articles link to (search_documents)
}
DOCUMENT = ("document",)
MAX_READINGS = 256  # phrases a mixed phrase may expand into


@dataclass
class Term:
    text: str  # as typed (one word, or the words of a phrase)
    prefix: bool = False
    columns: tuple[str, ...] | None = None
    negated: bool = False

    def words(self, key) -> list[str]:
        return re.findall(r"\w+", key(self.text).replace("_", " "))

    def marked(self) -> bool:
        return has_marks(self.text)


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
        if not term.words(fold):
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


def _fts_phrase(words: list[str], prefix: bool, columns) -> str:
    phrase = '"' + " ".join(words) + '"' + ("*" if prefix else "")
    if columns:
        return "{" + " ".join(columns) + "} : " + phrase
    return phrase


def _or(parts: list[str]) -> str:
    parts = list(dict.fromkeys(parts))
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


class Vocabulary:
    """The readings of a folded word: the terms of an exact index that fold to it (for
    phrases mixing marked and unmarked words), cached per connection until the archive
    changes (``PRAGMA data_version`` for other connections' writes, ``total_changes`` for
    its own).

    An ASCII word (every word typed without marks in Vietnamese) is looked up by walking
    the index's sorted terms with seeks (``_walk``): only the prefixes that can still fold
    to the word are visited, a few dozen terms. Reading the whole vocabulary instead
    costs reading every doclist (fts5vocab counts each term's rows): 3 s at 100 000
    articles, for the first such query of every connection. Other words (whose folding
    may compose characters across a prefix's end) read the whole vocabulary, once."""

    # (connection, index) → (the connection, its version, readings by folded word); the
    # connection is held so that its id is not reused while cached (at most CACHED of them)
    _cache: dict[tuple[int, str], tuple[sqlite3.Connection, tuple[int, int],
                                        dict[str | None, list[str]]]] = {}
    CACHED = 16

    @classmethod
    def readings(cls, conn: sqlite3.Connection, folded: str, index: str = EXACT_INDEX) -> list[str]:
        version = (conn.execute("PRAGMA data_version").fetchone()[0], conn.total_changes)
        key = (id(conn), index)
        cached = cls._cache.get(key)
        in_temp = conn.execute("SELECT 1 FROM temp.sqlite_master WHERE name = ?",
                               (index,)).fetchone() is not None
        # 'instance': a seek reads one entry; 'row' counts a term's rows (for the whole list)
        seek, rows = f"temp.{index}_instances", f"temp.{index}_vocab"
        if cached is None or cached[1] != version or in_temp:  # temp tables: built per query
            for table, kind in ((seek, "instance"), (rows, "row")):
                conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING "
                             f"fts5vocab({'temp' if in_temp else 'main'}, {index}, '{kind}')")
            # creating the temp tables counts as changes of this connection
            cached = (conn, (version[0], conn.total_changes), {})
            cls._cache.pop(key, None)
            while len(cls._cache) >= cls.CACHED:
                del cls._cache[next(iter(cls._cache))]
            cls._cache[key] = cached
        found = cached[2]
        if folded not in found and None not in found:  # None: the whole vocabulary is read
            if folded.isascii():
                found[folded] = _walk(conn, seek, folded)
            else:
                found.clear()
                for (term,) in conn.execute(f"SELECT term FROM {rows}"):
                    found.setdefault(fold(term), []).append(term)
                found[None] = []
        return found.get(folded, [])


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


def _walk(conn: sqlite3.Connection, vocab: str, word: str) -> list[str]:
    """The terms of ``vocab`` (an fts5vocab ``instance`` table) that fold to the ASCII
    ``word``, in term order, found by seeks: from each prefix whose fold can still begin
    ``word``, one seek per distinct next character; the terms under a prefix that cannot
    are skipped whole. (For an ASCII result folding is character by character — NFC never
    composes into ASCII — so a term's fold begins with the fold of each of its prefixes.)

    fts5vocab answers ``term >= ?`` and ``term <= ?`` from the index without reading the
    terms it passes (``>`` and ``<`` would read every entry of the bound's term), so a
    seek past a term is ``>= term || NUL`` (terms hold no control characters), and the
    end of a prefix's terms is ``<= _after(prefix)``, that string itself left out."""
    out: list[str] = []

    def first(lo: str, hi: str | None) -> str | None:
        sql = f"SELECT term FROM {vocab} WHERE term >= ?"
        row = conn.execute(sql + " AND term <= ? LIMIT 1" if hi else sql + " LIMIT 1",
                           (lo, hi) if hi else (lo,)).fetchone()
        return row[0] if row and row[0] != hi else None

    def visit(prefix: str) -> None:
        hi = _after(prefix) if prefix else None
        lo = prefix
        while (t := first(lo, hi)) is not None:
            if t == prefix:  # the prefix is a term itself
                if fold(t) == word:
                    out.append(t)
                lo = prefix + "\x00"
                continue
            longer = t[:len(prefix) + 1]
            if word.startswith(fold(longer)):
                visit(longer)
            nxt = _after(longer)
            if nxt is None:
                break
            lo = nxt

    visit("")
    return out


def term_expr(conn: sqlite3.Connection | None, term: Term, index: str, mode: str,
              exact_index: str = EXACT_INDEX) -> str:
    """The FTS5 expression of one term for ``index`` (folded or exact)."""
    if index != exact_index:
        return _fts_phrase(term.words(fold), term.prefix, term.columns)
    words = term.words(exact_key)
    if mode == "exact" or all(has_marks(w) for w in words):
        return _fts_phrase(words, term.prefix, term.columns)
    # a phrase mixing marked and unmarked words: every reading the archive holds
    options = []
    for i, w in enumerate(words):
        if has_marks(w) or (term.prefix and i == len(words) - 1):
            options.append([w])
        else:
            readings = Vocabulary.readings(conn, w, exact_index) if conn else []
            options.append(list(dict.fromkeys([w, *readings])))
    n = 1
    for o in options:
        n *= len(o)
    if n > MAX_READINGS:
        raise BadSearchQuery(f"the phrase {term.text!r} has {n} readings in this archive — "
                             "type its words with their marks, or use --fold")
    return _or([_fts_phrase(list(c), term.prefix, term.columns) for c in itertools.product(*options)])


def term_index(term: Term, mode: str, indexes: tuple[str, str] = (FOLD_INDEX, EXACT_INDEX)) -> str:
    if mode == "exact" or (mode == "auto" and term.marked()):
        return indexes[1]
    return indexes[0]


@dataclass
class Plan:
    """How to run a query: the index whose bm25 ranks it, its MATCH expression, extra
    `` AND …`` conditions on ``<index>.rowid`` (terms answered by the other index),
    and the expression of the query as typed (exact letters) for the first rank tier."""

    index: str
    match: str
    conditions: str = ""
    params: dict = field(default_factory=dict)
    literal: str | None = None
    exact_index: str = EXACT_INDEX
    negated: bool = False  # the query has terms to leave out

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
         indexes: tuple[str, str] = (FOLD_INDEX, EXACT_INDEX), *,
         columns: tuple[str, ...] | None = None, prefix: str = "pa_c") -> Plan | None:
    """The plan of ``query`` (None when it has no words to look for) on a pair of indexes
    (folded, exact) with the same columns: the articles' by default. ``document:`` terms
    are planned on the documents' indexes (``search_documents``) without a column.

    ``columns``: the columns of every word to look for that names none (``("title",)``:
    the query's words in the title; terms to leave out keep every column); ``prefix``:
    of the names of its SQL parameters (to run two plans in one statement)."""
    if mode not in MODES:
        raise BadSearchQuery(f"unknown search mode {mode!r} — use one of {', '.join(MODES)}")
    q = parse(query)
    if columns:
        for t in (t for c in q.clauses for t in c):
            t.columns = t.columns or columns
    for t in [t for c in q.clauses for t in c] + q.negated:
        if t.columns == DOCUMENT:
            if indexes == (FOLD_INDEX, EXACT_INDEX):
                raise BadSearchQuery("document: terms search the documents — use search_documents")
            t.columns = None
    if not q.clauses:
        if q.negated:
            raise BadSearchQuery(f"{query!r} only says what to leave out — add a word to look for")
        return None
    fold_ix, exact_ix = indexes

    def ix_of(t: Term) -> str:
        return term_index(t, mode, indexes)

    def expr(t: Term, ix: str) -> str:
        return term_expr(conn, t, ix, mode, exact_ix)

    positive = [t for c in q.clauses for t in c]
    index = exact_ix if all(ix_of(t) == exact_ix for t in positive) else fold_ix
    p = Plan(index=index, match="", exact_index=exact_ix, negated=bool(q.negated))
    rowid = p.rowid()

    def sub(other: str, expr: str, negate: bool = False) -> str:
        name = f"{prefix}{len(p.params)}"
        p.params[name] = expr
        return (f"+{rowid} {'NOT ' if negate else ''}IN "
                f"(SELECT rowid FROM {other} WHERE {other} MATCH :{name})")

    ands, conds = [], []
    for clause in q.clauses:
        # the primary index always gets the whole clause: a term of the other index is
        # narrowed by a condition (folded text holds every exact match)
        ands.append(_or([expr(t, index) for t in clause]))
        if any(ix_of(t) != index for t in clause):
            by_index: dict[str, list[str]] = {}
            for t in clause:
                by_index.setdefault(ix_of(t), []).append(expr(t, ix_of(t)))
            conds.append("(" + " OR ".join(sub(ix, _or(exprs)) for ix, exprs in by_index.items()) + ")")
    match = " AND ".join(ands)
    for t in q.negated:
        ix = ix_of(t)
        if ix == index:
            match = f"({match}) NOT {expr(t, ix)}"
        else:
            conds.append(sub(ix, expr(t, ix), negate=True))
    p.match = match
    p.conditions = "".join(f" AND {c}" for c in conds)
    if any(ix_of(t) == fold_ix for t in positive):
        # posts with the letters as typed rank first
        lit = " AND ".join(_or([_fts_phrase(t.words(exact_key), t.prefix, t.columns) for t in c])
                           for c in q.clauses)
        p.literal = lit
    return p


def highlight_terms(query: str, mode: str = "auto") -> list[tuple[str, str, bool]]:
    """``(key, word, is_prefix)`` for every word of the positive terms: ``key`` is ``"exact"``
    when the word is to be found with its letters (``archive.text.exact_key``), ``"fold"``
    when folded (``archive.text.fold``)."""
    out = []
    for clause in parse(query).clauses:
        for t in clause:
            exact = term_index(t, mode) == EXACT_INDEX
            words = t.words(exact_key if exact else fold)
            for i, w in enumerate(words):
                last = t.prefix and i == len(words) - 1
                if exact and (mode == "exact" or has_marks(w)):
                    out.append(("exact", w, last))
                else:
                    out.append(("fold", fold(w), last))
    return out
