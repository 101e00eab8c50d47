"""Full-text search over the archive's articles (Vietnamese, diacritics optional).

The index (``articles_fts``, migration 2) holds folded text; queries are
folded the same way (``archive.text.fold``), so ``hai phong``, ``Hải Phòng``
and ``HẢI PHÒNG`` find the same posts, ``duong`` finds ``đường`` and old and
new tone-mark placement (``hoà``/``hòa``) match each other.

Query language (everything else is taken literally, never as FTS5 syntax):
words are AND-ed; ``"several words"`` is a phrase; ``word*`` is a prefix;
an upper-case ``OR`` between two terms makes either one enough.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, field

from archive.db import register_functions
from archive.research.search_filters import (
    BadSearchQuery,
    date_bound,
    filter_sql,
    plan_filters,
)
from archive.research.snippet import highlight, query_terms, snippet
from archive.text import fold

# marks that cannot occur in stored text, for callers that style matches themselves (the CLI table)
MARK_START = "\x02"
MARK_END = "\x03"

_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


@dataclass
class Hit:
    article_id: int
    url: str
    title: str | None
    published_at: str | None
    published_raw: str | None
    date_is_bulk_import: int
    event_date: str | None
    author: str | None
    categories: list[str] = field(default_factory=list)
    score: float = 0.0
    snippet: str = ""
    title_highlighted: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def fts_query(query: str) -> str:
    """Turn a user's query into a safe FTS5 MATCH expression ('' if it has no words).

    Every term is folded and written as a double-quoted phrase of its words,
    so FTS5 operators and punctuation in the input (``'); DROP TABLE
    articles; --``, ``NEAR(``, ``*``, ``"``) are never read as syntax.
    """
    parts: list[str] = []
    pending_or = False
    for m in _TERM.finditer(query or ""):
        phrase, word = m.group(1), m.group(2)
        if word == "OR":
            pending_or = bool(parts)
            continue
        raw = phrase if phrase is not None else word
        tokens = _WORD.findall(fold(raw).replace("_", " "))
        if not tokens:
            continue
        term = '"' + " ".join(tokens) + '"'
        if phrase is None and word.endswith("*"):
            term += "*"
        if pending_or:
            parts[-1] = f"{parts[-1]} OR {term}"
        else:
            parts.append(term)
        pending_or = False
    return " AND ".join(f"({p})" if " OR " in p else p for p in parts)


__all__ = ["BadSearchQuery", "Hit", "MARK_END", "MARK_START", "filter_sql", "fts_query",
           "rebuild_index", "search"]

# Rank with bm25 only (article rows only when a filter needs them); snippets are made in
# Python for the rows kept (archive.research.snippet), which is far cheaper than FTS5's.
# bm25 costs about 1-2 µs a match (most of it FTS5 reading the row's token counts), so
# an unfiltered query matching half of 100 000 posts takes tens of milliseconds here.
_SEARCH_SQL = """
WITH top AS (
    SELECT articles_fts.rowid AS id, bm25(articles_fts, 10.0, 4.0, 1.0) AS score
    FROM articles_fts {join}
    WHERE articles_fts MATCH :match {filters}
    ORDER BY score, articles_fts.rowid DESC
    LIMIT :limit
)
SELECT a.id, a.url, a.title, a.lead, a.body_text, a.published_at, a.published_raw,
       a.date_is_bulk_import, a.event_date, a.author, top.score,
       (SELECT group_concat(slug, ' ') FROM (
            SELECT c.slug FROM article_categories ac JOIN categories c ON c.id = ac.category_id
            WHERE ac.article_id = a.id ORDER BY ac.position)) AS cats
FROM top CROSS JOIN articles a ON a.id = top.id
ORDER BY top.score, top.id DESC
"""


def _ranked_rows(conn, match, *, since, until, category, author, limit) -> list[sqlite3.Row]:
    sets, tests, params, row = plan_filters(conn, match, since=since, until=until,
                                            category=category, author=author)
    # unary + keeps the id sets out of FTS5's plan: it scans the matches once and each
    # set is built once, instead of running one FTS5 query per id
    filters = "".join(f" AND +articles_fts.rowid IN ({sub})" for sub in sets) + tests
    join = "JOIN articles a ON a.id = articles_fts.rowid" if row else ""
    params.update(match=match, limit=max(1, int(limit)))
    return conn.execute(_SEARCH_SQL.format(join=join, filters=filters), params).fetchall()


def search(conn: sqlite3.Connection, query: str, *, since: str | None = None,
           until: str | None = None, category: str | None = None,
           author: str | None = None, limit: int = 20,
           marks: tuple[str, str] = ("[", "]"), snippet_tokens: int = 24) -> list[Hit]:
    """Articles matching ``query``, best first (bm25; title weighs most).

    ``snippet`` is a passage of the lead or body (whichever holds a match) in
    the original, diacritic text, with the matched words between ``marks``.
    """
    match = fts_query(query)
    if not match:
        return []
    date_bound(since, "since")
    date_bound(until, "until")
    _ensure_functions(conn)
    try:
        rows = _ranked_rows(conn, match, since=since, until=until, category=category,
                            author=author, limit=limit)
    except sqlite3.OperationalError as exc:
        if "no such table: articles_fts" in str(exc):
            raise BadSearchQuery(
                "this archive has no full-text index — open it once for writing "
                "(any portal-archive command that writes, e.g. reindex) to migrate it"
            ) from exc
        raise BadSearchQuery(f"search failed for {query!r} ({exc}) — simplify the query") from exc
    words, prefixes = query_terms(match)
    size = max(4, min(64, int(snippet_tokens)))
    hits = []
    for r in rows:
        snip, n = snippet(r["body_text"], words, prefixes, marks, size)
        if not n:
            lead, n_lead = snippet(r["lead"], words, prefixes, marks, size)
            snip = lead if (n_lead or lead) else snip
        hits.append(Hit(
            article_id=r["id"], url=r["url"], title=r["title"],
            published_at=r["published_at"], published_raw=r["published_raw"],
            date_is_bulk_import=r["date_is_bulk_import"], event_date=r["event_date"],
            author=r["author"], categories=(r["cats"] or "").split(),
            score=float(f"{r['score']:.6g}"), snippet=snip,
            title_highlighted=highlight(r["title"], words, prefixes, marks),
        ))
    return hits


def _ensure_functions(conn: sqlite3.Connection) -> None:
    """pa_fold on a connection not made by ``open_db`` (redefining it on one with open
    cursors would fail, so only when missing)."""
    try:
        conn.execute("SELECT pa_fold('')").fetchone()
    except sqlite3.OperationalError:
        register_functions(conn)


def rebuild_index(conn: sqlite3.Connection) -> int:
    """Re-index every article from scratch (folded text); return how many.

    Use this, never FTS5's ``'rebuild'`` command (which would index the
    unfolded text of the content table).
    """
    conn.execute("INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')")
    conn.execute(
        "INSERT INTO articles_fts(rowid, title, lead, body_text) "
        "SELECT id, pa_fold(title), pa_fold(lead), pa_fold(body_text) FROM articles"
    )
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
