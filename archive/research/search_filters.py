"""The ``--since``/``--until``/``--category``/``--author`` filters of search and export.

``filter_sql`` tests each article row (export scans them anyway). Search applies
the filters to a query's matches without reading their rows where it can
(``plan_filters``; same results):

* category and author: tested on the match's id with indexes
  (``article_categories``' key, migration 5's ``articles_author``), the category
  ids and author lines being looked up once (``id_filter_sql``);
* dates: ``published_at`` has no index by id, so either each match's row is read
  (a few µs: on a real archive it lies past the long ``body_html``), or the ids in
  the range are read from ``articles_published_at`` first (under a µs each) and
  each match is checked against them (a fraction of a µs). The set is built when
  it is small (``SMALL_SET``) or holds at most ``SET_PER_MATCH`` ids per match of
  the query, both counted with early-stopping probes — but not for a query with a
  phrase of several words: its matches are as dear to count as to search, and
  rows are read (as before this module).
"""

from __future__ import annotations

import re
import sqlite3

from archive.datearg import parse_date_arg
from archive.errors import ArchiveError
from archive.text import fold

SET_PER_MATCH = 4  # a set of ids costs about a quarter of a per-row test per id
MATCH_PROBE = 50_000  # matches counted at most (a probe reads at most this many)
SMALL_SET = 2_000  # a set this small is always built (about a millisecond)


class BadSearchQuery(ArchiveError):
    pass


def date_bound(value: str | None, name: str) -> str | None:
    """A real date (``archive.datearg``), compared with ``published_at`` by prefix."""
    return parse_date_arg(value, name)


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


def date_id_set(since=None, until=None) -> tuple[str, dict]:
    """A subquery giving the ids of the articles published in the range, read from the
    ``articles_published_at`` index alone; same rule as ``filter_sql``.

    ``published_at < until + U+10FFFF`` only lets the index bound the range; the
    ``substr`` test still decides.
    """
    since = date_bound(since, "since")
    until = date_bound(until, "until")
    dates, params = [], {}
    if since:
        dates.append("published_at >= :f_since")
        params["f_since"] = since
    if until:
        dates.append("published_at < :f_until_hi"
                     " AND substr(published_at, 1, :f_until_len) <= :f_until")
        params.update(f_until=until, f_until_len=len(until), f_until_hi=until + "\U0010ffff")
    return "SELECT id FROM articles WHERE " + " AND ".join(dates), params


def id_filter_sql(conn: sqlite3.Connection, *, category=None, author=None,
                  rowid: str = "articles_fts.rowid") -> tuple[str, str, dict]:
    """`` AND …`` tests of the category and author filters on an article id from indexes
    alone (category ids and author lines are looked up once per query), without reading
    the article row; same rules as ``filter_sql``. Returns (tests on the id, tests that
    still need the article row as ``a`` — the author on an archive without migration 5's
    index —, parameters)."""
    on_id, on_row, params = "", "", {}
    if category:
        on_id += (f" AND EXISTS (SELECT 1 FROM article_categories ac WHERE ac.article_id = {rowid}"
                  " AND ac.category_id IN (SELECT c.id FROM categories c"
                  " WHERE c.slug = :f_category OR pa_fold(c.name) = :f_category_folded))")
        params.update(f_category=category, f_category_folded=fold(category))
    if author and has_author_index(conn):
        on_id += (" AND EXISTS (SELECT 1 FROM articles x INDEXED BY articles_author"
                  f" WHERE x.author IN ({AUTHORS_SQL}) AND x.id = {rowid})")
        params["f_author"] = fold(author)
    elif author:
        on_row, p = filter_sql(author=author)
        params.update(p)
    return on_id, on_row, params


def _count_upto(conn: sqlite3.Connection, sql: str, params: dict, cap: int) -> int:
    """Rows of ``sql``, counting at most ``cap + 1`` of them."""
    return conn.execute(f"SELECT count(*) FROM ({sql} LIMIT {int(cap) + 1})", params).fetchone()[0]


_PHRASE = re.compile(r'"\*? \+ "')  # between two words of a phrase


def estimate_matches(conn: sqlite3.Connection, match: str, index: str = "articles_fts") -> int | None:
    """How many posts match (counted up to ``MATCH_PROBE``), or None for an expression
    with a phrase of several words (``"a" + "b"``, as ``search_query`` writes one): FTS5
    reads such a phrase's whole word lists to find its matches, so counting them could
    cost as much as the search itself."""
    if _PHRASE.search(match):
        return None
    return _count_upto(conn, f"SELECT 1 FROM {index} WHERE {index} MATCH :m",
                       {"m": match}, MATCH_PROBE)


def plan_filters(conn: sqlite3.Connection, match: str, *, since=None, until=None,
                 category=None, author=None,
                 index: str = "articles_fts") -> tuple[list[str], str, dict, bool]:
    """How to apply the filters to the matches of the FTS5 expression ``match``: id-set
    subqueries, `` AND …`` tests per match, parameters, and whether the tests need the
    article row joined as ``a``."""
    date_bound(since, "since")
    date_bound(until, "until")
    sets = []
    tests, on_row, params = id_filter_sql(conn, category=category, author=author,
                                          rowid=f"{index}.rowid")
    if since or until:
        sub, p = date_id_set(since, until)
        use_set = _count_upto(conn, sub, p, SMALL_SET) <= SMALL_SET
        matches = None if use_set else estimate_matches(conn, match, index)
        if matches is not None:
            cap = SET_PER_MATCH * matches
            use_set = _count_upto(conn, sub, p, cap) <= cap
        if use_set:
            sets.append(sub)
        else:
            sub, p = filter_sql(since=since, until=until)
            on_row += sub
        params.update(p)
    return sets, tests + on_row, params, bool(on_row)
