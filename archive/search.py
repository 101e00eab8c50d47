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

from .db import register_functions
from .errors import ArchiveError
from .search_snippet import highlight, query_terms, snippet
from .text import fold

# marks that cannot occur in stored text, for callers that style matches themselves (the CLI table)
MARK_START = "\x02"
MARK_END = "\x03"

_TERM = re.compile(r'"([^"]*)"?|(\S+)')
_WORD = re.compile(r"\w+")


class BadSearchQuery(ArchiveError):
    pass


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


def _date_bound(value: str | None, name: str) -> str | None:
    if value is None:
        return None
    v = str(value).strip()
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", v):
        raise BadSearchQuery(f"--{name} {value!r} is not a date — use YYYY, YYYY-MM or YYYY-MM-DD")
    return v


def filter_sql(*, since=None, until=None, category=None, author=None,
               alias: str = "a") -> tuple[str, dict]:
    """`` AND …`` SQL and its named parameters for the common article filters.

    ``since``/``until`` compare ``published_at`` by prefix (``2018``,
    ``2018-08``, ``2018-08-15``), both inclusive; ``category`` matches a
    category slug or (folded) name; ``author`` the (folded) author line.
    Values are always bound, never put into the SQL text.
    """
    since = _date_bound(since, "since")
    until = _date_bound(until, "until")
    sql, params = "", {}
    if since:
        sql += f" AND {alias}.published_at >= :f_since"
        params["f_since"] = since
    if until:
        sql += f" AND substr({alias}.published_at, 1, :f_until_len) <= :f_until"
        params.update(f_until=until, f_until_len=len(until))
    if category:
        sql += (
            " AND EXISTS (SELECT 1 FROM article_categories ac"
            " JOIN categories c ON c.id = ac.category_id"
            f" WHERE ac.article_id = {alias}.id"
            " AND (c.slug = :f_category OR pa_fold(c.name) = :f_category_folded))"
        )
        params.update(f_category=category, f_category_folded=fold(category))
    if author:
        sql += f" AND pa_fold({alias}.author) = :f_author"
        params["f_author"] = fold(author)
    return sql, params


# A filtered search whose query matches more posts than this builds the ids passing the
# date and category filters from their indexes first (``_filter_id_sets``) and ranks only
# matches among them, instead of reading each match's article row to test the filters.
FILTER_FIRST_MIN_MATCHES = 500


# the distinct author lines, one index seek each (migration 5's articles_author)
_AUTHORS_SQL = """WITH RECURSIVE d(author) AS (
    SELECT min(author) FROM articles
    UNION ALL
    SELECT (SELECT min(author) FROM articles WHERE author > d.author) FROM d
    WHERE d.author IS NOT NULL)
SELECT author FROM d WHERE author IS NOT NULL AND pa_fold(author) = :f_author"""


def _has_author_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index'"
                        " AND name = 'articles_author'").fetchone() is not None


def _filter_id_sets(*, since=None, until=None, category=None,
                    author=None) -> tuple[list[str], dict]:
    """Subqueries giving the ids of articles that pass the date, category and author filters.

    Same rules as ``filter_sql`` (tested to give the same hits), but each set is read
    from an index alone (``articles_published_at``, ``article_categories_category``,
    ``articles_author``), never from the article rows. ``published_at < until +
    U+10FFFF`` only lets the index bound the range; the ``substr`` test still decides.
    Pass ``author`` only when the author index exists.
    """
    since = _date_bound(since, "since")
    until = _date_bound(until, "until")
    subs, params = [], {}
    dates = []
    if since:
        dates.append("published_at >= :f_since")
        params["f_since"] = since
    if until:
        dates.append("published_at < :f_until_hi"
                     " AND substr(published_at, 1, :f_until_len) <= :f_until")
        params.update(f_until=until, f_until_len=len(until), f_until_hi=until + "\U0010ffff")
    if dates:
        subs.append("SELECT id FROM articles WHERE " + " AND ".join(dates))
    if category:
        subs.append(
            "SELECT ac.article_id FROM article_categories ac WHERE ac.category_id IN ("
            "SELECT c.id FROM categories c"
            " WHERE c.slug = :f_category OR pa_fold(c.name) = :f_category_folded)"
        )
        params.update(f_category=category, f_category_folded=fold(category))
    if author:
        subs.append(f"SELECT id FROM articles WHERE author IN ({_AUTHORS_SQL})")
        params["f_author"] = fold(author)
    return subs, params


def _matches_more_than(conn: sqlite3.Connection, match: str, n: int) -> bool:
    """Whether the query matches more than ``n`` posts (reads at most n + 1 of them)."""
    return conn.execute(
        "SELECT count(*) FROM (SELECT 1 FROM articles_fts WHERE articles_fts MATCH ? LIMIT ?)",
        (match, n + 1),
    ).fetchone()[0] > n


# Rank with bm25 only (article rows only when a filter needs them); snippets are made in
# Python for the rows kept (archive.search_snippet), which is far cheaper than FTS5's.
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
    params = {"match": match, "limit": max(1, int(limit))}
    author_index = bool(author) and _has_author_index(conn)
    if ((since or until or category or author_index)
            and _matches_more_than(conn, match, FILTER_FIRST_MIN_MATCHES)):
        subs, fparams = _filter_id_sets(since=since, until=until, category=category,
                                        author=author if author_index else None)
        # unary + keeps the sets out of FTS5's plan: it scans the matches once and each
        # set is built once, instead of one FTS5 query per id
        filters = "".join(f" AND +articles_fts.rowid IN ({sub})" for sub in subs)
        row_filters = bool(author) and not author_index
        if row_filters:
            fsql, aparams = filter_sql(author=author)
            filters += fsql
            fparams.update(aparams)
    else:
        filters, fparams = filter_sql(since=since, until=until, category=category, author=author)
        row_filters = bool(filters)
    join = "JOIN articles a ON a.id = articles_fts.rowid" if row_filters else ""
    params.update(fparams)
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
    _date_bound(since, "since")
    _date_bound(until, "until")
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
