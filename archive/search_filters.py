"""The ``--since``/``--until``/``--category``/``--author`` filters of search and export.

Two ways to apply a filter to a query's matches, with the same result:

* per row (``filter_sql``): test each match's article row. Cheap when a query
  matches few posts, but a few µs per match (the row is read — past the long
  ``body_html`` on a real archive — and a category or author folded);
* as a set of ids (``filter_id_set``) built from an index alone
  (``articles_published_at``, ``article_categories_category``, migration 5's
  ``articles_author``) and checked per match in a fraction of a µs; building it
  costs under a µs per id.

``plan_filters`` picks, per filter, whichever should read fewer rows: a set when
it is small (``SMALL_SET``) or holds at most ``SET_PER_MATCH`` ids per match of
the query, both counted with early-stopping probes.
"""

from __future__ import annotations

import re
import sqlite3

from .errors import ArchiveError
from .text import fold

SET_PER_MATCH = 4  # a set of ids costs about a quarter of a per-row test per id
MATCH_PROBE = 50_000  # matches counted at most (a probe reads at most this many)
SMALL_SET = 2_000  # a set this small is always built (about a millisecond)


class BadSearchQuery(ArchiveError):
    pass


def date_bound(value: str | None, name: str) -> str | None:
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
    since = date_bound(since, "since")
    until = date_bound(until, "until")
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


# the distinct author lines, one index seek each (a skip scan of articles_author)
AUTHORS_SQL = """WITH RECURSIVE d(author) AS (
    SELECT min(author) FROM articles
    UNION ALL
    SELECT (SELECT min(author) FROM articles WHERE author > d.author) FROM d
    WHERE d.author IS NOT NULL)
SELECT author FROM d WHERE author IS NOT NULL AND pa_fold(author) = :f_author"""


def has_author_index(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'index'"
                        " AND name = 'articles_author'").fetchone() is not None


def filter_id_set(*, since=None, until=None, category=None, author=None) -> tuple[str, dict]:
    """A subquery giving the ids of the articles that pass the given filters (one of
    dates, category or author), read from an index alone; same rules as ``filter_sql``.

    ``published_at < until + U+10FFFF`` only lets the index bound the range; the
    ``substr`` test still decides. ``author`` needs the author index.
    """
    since = date_bound(since, "since")
    until = date_bound(until, "until")
    if category:
        return ("SELECT ac.article_id FROM article_categories ac WHERE ac.category_id IN ("
                "SELECT c.id FROM categories c"
                " WHERE c.slug = :f_category OR pa_fold(c.name) = :f_category_folded)",
                {"f_category": category, "f_category_folded": fold(category)})
    if author:
        return (f"SELECT id FROM articles WHERE author IN ({AUTHORS_SQL})",
                {"f_author": fold(author)})
    dates, params = [], {}
    if since:
        dates.append("published_at >= :f_since")
        params["f_since"] = since
    if until:
        dates.append("published_at < :f_until_hi"
                     " AND substr(published_at, 1, :f_until_len) <= :f_until")
        params.update(f_until=until, f_until_len=len(until), f_until_hi=until + "\U0010ffff")
    return "SELECT id FROM articles WHERE " + " AND ".join(dates), params


def _count_upto(conn: sqlite3.Connection, sql: str, params: dict, cap: int) -> int:
    """Rows of ``sql``, counting at most ``cap + 1`` of them."""
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap) + 1})", params).fetchone()[0]


def plan_filters(conn: sqlite3.Connection, match: str, *, since=None, until=None,
                 category=None, author=None) -> tuple[list[str], str, dict]:
    """How to apply the filters to the matches of the FTS5 expression ``match``:
    subqueries of id sets, ``filter_sql`` for the rest (alias ``a``), and parameters."""
    date_bound(since, "since")
    date_bound(until, "until")
    groups = [g for g in ({"since": since, "until": until} if since or until else None,
                          {"category": category} if category else None,
                          {"author": author} if author else None) if g]
    sets, rows, params = [], "", {}
    matches = None
    for g in groups:
        if "author" not in g or has_author_index(conn):
            sub, p = filter_id_set(**g)
            use_set = _count_upto(conn, sub, p, SMALL_SET) <= SMALL_SET
            if not use_set:
                if matches is None:  # counted only when needed: a sparse phrase is read whole
                    matches = _count_upto(
                        conn, "SELECT 1 FROM articles_fts WHERE articles_fts MATCH :m",
                        {"m": match}, MATCH_PROBE)
                cap = SET_PER_MATCH * matches
                use_set = _count_upto(conn, sub, p, cap) <= cap
            if use_set:
                sets.append(sub)
                params.update(p)
                continue
        sql, p = filter_sql(**g)
        rows += sql
        params.update(p)
    return sets, rows, params
