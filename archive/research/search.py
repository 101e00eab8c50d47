"""Full-text search over the archive's articles: accent-aware, Vietnamese.

One index (migration 12): ``articles_fts`` holds every word as one term with both its
fold and its exact letters. A word typed with marks matches those letters; one typed
without matches every accented reading; ``mode="exact"``/``"fold"`` force one
behaviour. The query language and how a query is written for the index:
``archive.research.search_query``. Everything else in a query is taken literally,
never as FTS5 syntax.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import asdict, dataclass, field

from archive.db import register_functions
from archive.research.search_documents import document_matches
from archive.research.search_filters import (
    BadSearchQuery,
    date_bound,
    filter_sql,
    plan_filters,
)
from archive.research.search_query import (
    INDEX,
    MODES,
    Plan,
    highlight_terms,
    is_document_query,
    plan,
)
from archive.research.snippet import Terms, best_snippet, highlight

# marks that cannot occur in stored text, for callers that style matches themselves (the CLI table)
MARK_START = "\x02"
MARK_END = "\x03"


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
    exact_letters: bool = True  # the query's letters appear as typed (not only once folded)
    in_document: str | None = None  # document: queries — the URL of the matching document
    portal: str | None = None   # the site's name, when several archives are searched (search --all)
    first_seen_at: str | None = None  # when the post was first archived (``articles.first_seen_at``)
    broad_group: int | None = None  # a broad query's hit: its group of ``BROAD_RULE`` (1-4)

    def to_dict(self) -> dict:
        return asdict(self)


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression of a query with every word in any reading (what
    ``mode="fold"`` runs on ``articles_fts``); '' if it has no words.

    Every word is written as a double-quoted index term (``"hai\ue000"*``), so FTS5
    operators and punctuation in the input (``'); DROP TABLE articles; --``, ``NEAR(``,
    ``*``, ``"``) are never read as syntax.
    """
    p = plan(None, query, "fold")
    return p.match if p else ""


__all__ = ["BROAD_MATCHES", "BROAD_RULE", "BadSearchQuery", "Hit", "MARK_END", "MARK_START",
           "MERGE_BROAD", "MERGE_BY_SCORE", "MODES", "RANKS", "filter_sql", "fts_query",
           "rebuild_index", "search", "search_ids", "search_portals", "search_summary"]

# Rank with bm25 only (article rows only when a filter needs them); snippets are made in
# Python for the rows kept (archive.research.snippet), which is far cheaper than FTS5's.
# bm25 costs about 1-2 µs a match (most of it FTS5 reading the row's token counts).
# ``tier`` is 1 for posts holding the query's letters as typed (they rank first).
_RANKED_SQL = """
SELECT {ix}.rowid AS id, bm25({ix}, 10.0, 4.0, 1.0, 1.0, 1.0) AS score, {tier} AS tier
FROM {ix} {join}
WHERE {ix} MATCH :match {filters}
ORDER BY tier DESC, score, {ix}.rowid DESC
LIMIT :limit OFFSET :offset
"""

# A query whose words match more articles than this (filters aside: they narrow the
# hits, not the work) is broad: bm25 over every match would take longer than a researcher
# should wait (about 1 µs a match), so broad queries are ranked by ``_BROAD_ARM``s instead
# (docs/researchers.md, "Broad queries"); ``rank="bm25"`` forces bm25.
BROAD_MATCHES = 10_000
RANKS = ("auto", "bm25")
BROAD_RULE = ("letters as typed first, then posts with the words in the title, then the "
              "others; most recently archived first within each group")

_ROWS_SQL = """
SELECT a.id, a.url, a.title, a.lead, a.body_text, a.published_at, a.published_raw,
       a.date_is_bulk_import, a.event_date, a.author, a.first_seen_at,
       (SELECT group_concat(slug, ' ') FROM (
            SELECT c.slug FROM article_categories ac JOIN categories c ON c.id = ac.category_id
            WHERE ac.article_id = a.id ORDER BY ac.position)) AS cats
FROM articles a WHERE a.id IN (SELECT value FROM json_each(:ids))
"""

_COUNT_SQL = """
SELECT count(*) FROM (SELECT 1 FROM {ix} {join} WHERE {ix} MATCH :match {filters} LIMIT :bound)
"""

# One group of a broad query's ranking, in index order (newest id first): FTS5 walks its
# doclists backwards and stops once the page is full, so no group visits every match
# unless it is smaller than the page. ``:seen``: the ids of the groups before it.
_BROAD_GROUP = """
SELECT {ix}.rowid FROM {ix} {join}
WHERE {ix} MATCH {match} {filters}
  AND +{ix}.rowid NOT IN (SELECT value FROM json_each(:seen))
ORDER BY {ix}.rowid DESC LIMIT :n
"""


@dataclass
class _Parts:
    """A planned query with its filters: what every statement of a search shares."""

    p: Plan
    join: str
    filters: str
    params: dict


def _parts(conn, p: Plan, *, since, until, category, author) -> _Parts:
    sets, tests, params, row = plan_filters(conn, p.match, since=since, until=until,
                                            category=category, author=author, index=p.index)
    # unary + keeps the id sets out of FTS5's plan: it scans the matches once and each
    # set is built once, instead of running one FTS5 query per id
    filters = "".join(f" AND +{p.rowid()} IN ({sub})" for sub in sets) + tests
    join = f"JOIN articles a ON a.id = {p.rowid()}" if row else ""
    params["match"] = p.match
    if p.literal:
        params["literal"] = p.literal
    return _Parts(p, join, filters, params)


def _literal_set(p: Plan) -> str:
    return f"(SELECT rowid FROM {p.index} WHERE {p.index} MATCH :literal)"


def _ranked_sql(parts: _Parts, *, limit, offset) -> tuple[str, dict]:
    p = parts.p
    tier = f"(+{p.rowid()} IN {_literal_set(p)})" if p.literal else "0"
    params = dict(parts.params, limit=-1 if limit is None else max(1, int(limit)),
                  offset=max(0, int(offset)))
    sql = _RANKED_SQL.format(ix=p.index, join=parts.join, tier=tier, filters=parts.filters)
    return sql, params


def _count(conn, p: Plan, bound: int | None, query: str) -> int:
    """Matches of the query's words (filters aside), at most ``bound``."""
    sql = _COUNT_SQL.format(ix=p.index, join="", filters="")
    params = dict(match=p.match, bound=-1 if bound is None else bound)
    return _run(conn, sql, params, query)[0][0]


def _is_broad(conn, p: Plan, threshold: int, query: str) -> bool:
    """Whether the query's words match more than ``threshold`` articles. The letters as
    typed are a subset of its matches: counting them first spares merging the doclists
    of every reading of its words typed without marks."""
    if p.literal:
        literal = Plan(index=p.index, match=p.literal)
        if _count(conn, literal, threshold + 1, query) > threshold:
            return True
    return _count(conn, p, threshold + 1, query) > threshold


def _broad_ids(conn, parts: _Parts, query: str, mode: str, *, limit, offset) -> list:
    """The page of a broad query in the order of ``BROAD_RULE``, as ``(id, tier, group)``.

    Groups: (1) the letters as typed in the title, (2) the letters as typed elsewhere,
    (3) the words (any reading) in the title, (4) the other matches; (1)-(2) only when some
    word was typed without marks (else every match has its letters as typed). A group
    is read only when the ones before it did not fill the page, so they were read whole: leaving out their ids is
    leaving out every post of an earlier group."""
    p = parts.p
    ix = p.index
    params = dict(parts.params)
    titled = plan(conn, query, mode, ix, columns=("title",))
    if titled is None or titled.match == p.match:  # every word already names its columns
        titled = None
    else:
        params["t_match"] = titled.match
    # (MATCH, tier, group): the group's number in BROAD_RULE's list (without groups 1-2
    # every match holds the letters as typed, so it is in 1 or 2)
    groups: list[tuple[str, int, int]] = []
    if p.literal:
        if titled is not None and titled.literal:
            params["t_literal"] = titled.literal
            groups.append((":t_literal", 1, 1))
        groups.append((":literal", 1, 2))
    tier, base = (0, 2) if p.literal else (1, 0)
    if titled is not None:
        groups.append((":t_match", tier, base + 1))
    groups.append((":match", tier, base + 2))
    want = None if limit is None else max(0, int(offset)) + max(1, int(limit))
    found: list[tuple[int, int, int]] = []
    for match, group_tier, number in groups:
        if want is not None and len(found) >= want:
            break
        sql = _BROAD_GROUP.format(ix=ix, match=match, filters=parts.filters, join=parts.join)
        rows = _run(conn, sql, dict(params, seen=json.dumps([f[0] for f in found]),
                                    n=-1 if want is None else want - len(found)), query)
        found += [(r[0], group_tier, number) for r in rows]
    start = max(0, int(offset))
    return found[start:] if limit is None else found[start:start + max(1, int(limit))]


def _ranked_ids(conn, query: str, mode: str, rank: str, *, since, until, category,
                author, limit, offset, broad: int | None = None) -> tuple[Plan | None, list]:
    """The query's plan (None: nothing can match) and the ``(id, score, tier, group)`` rows
    of the page, best first (``group``: of a broad query's rule, else None)."""
    p = _plan(conn, query, mode, since, until)
    if p is None:
        return None, []
    if rank not in RANKS:
        raise BadSearchQuery(f"unknown ranking {rank!r} — use one of {', '.join(RANKS)}")
    parts = _parts(conn, p, since=since, until=until, category=category, author=author)
    threshold = BROAD_MATCHES if broad is None else broad
    if rank == "auto" and _is_broad(conn, p, threshold, query):
        return p, [(i, 0.0, tier, group) for i, tier, group in _broad_ids(
            conn, parts, query, mode, limit=limit, offset=offset)]
    sql, params = _ranked_sql(parts, limit=limit, offset=offset)
    return p, [(r[0], r[1], r[2], None) for r in _run(conn, sql, params, query)]


def _run(conn, sql, params, query):
    try:
        return conn.execute(sql, params).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table: articles_fts" in str(exc) or "no such column" in str(exc):
            raise BadSearchQuery(
                "this archive's full-text index is missing or out of date — open it once for "
                "writing (any portal-archive command that writes, e.g. reindex) to migrate it"
            ) from exc
        raise BadSearchQuery(f"search failed for {query!r} ({exc}) — simplify the query") from exc


def _plan(conn, query, mode, since, until) -> Plan | None:
    date_bound(since, "since")
    date_bound(until, "until")
    _ensure_functions(conn)
    try:
        return plan(conn, query, mode)
    except sqlite3.OperationalError as exc:  # the vocabulary (prefix_terms) of an index too old
        raise BadSearchQuery(
            "this archive's full-text index is out of date — open it once for writing "
            "(any portal-archive command that writes, e.g. reindex) to migrate it") from exc


def search_ids(conn: sqlite3.Connection, query: str, *, mode: str = "auto",
               since: str | None = None, until: str | None = None,
               category: str | None = None, author: str | None = None,
               limit: int | None = None, offset: int = 0, rank: str = "auto",
               broad: int | None = None) -> list[int]:
    """Ids of the articles matching ``query``, best first, exactly as ``search`` ranks them
    (``limit=None``: all of them). Datasette's search runs this (``pa_search_ids``)."""
    if is_document_query(query):
        return [r[0] for r in document_matches(  # r[0]: article_id (any row factory)
            conn, query, mode=mode, since=since, until=until, category=category, author=author,
            limit=limit, offset=offset)]
    _, rows = _ranked_ids(conn, query, mode, rank, since=since, until=until, category=category,
                          author=author, limit=limit, offset=offset, broad=broad)
    return [r[0] for r in rows]


def search_summary(conn: sqlite3.Connection, query: str, *, mode: str = "auto",
                   since: str | None = None, until: str | None = None,
                   category: str | None = None, author: str | None = None,
                   rank: str = "auto", broad: int | None = None) -> tuple[int, str | None]:
    """How many articles ``search`` finds for ``query`` (filters included) and, when the
    query is broad and ranked without bm25, the rule it is ranked by (``BROAD_RULE``)."""
    if is_document_query(query):
        return len(search_ids(conn, query, mode=mode, since=since, until=until,
                              category=category, author=author)), None
    p = _plan(conn, query, mode, since, until)
    if p is None:
        return 0, None
    parts = _parts(conn, p, since=since, until=until, category=category, author=author)
    sql = _COUNT_SQL.format(ix=p.index, join=parts.join, filters=parts.filters)
    total = _run(conn, sql, dict(parts.params, bound=-1), query)[0][0]
    threshold = BROAD_MATCHES if broad is None else broad
    return total, (BROAD_RULE if rank == "auto" and _is_broad(conn, p, threshold, query) else None)


def search_ids_json(conn: sqlite3.Connection, query: str | None, mode: str | None = None,
                    limit: int | None = None, offset: int | None = 0) -> str:
    """``search_ids`` as a JSON array (the SQL function ``pa_search_ids``)."""
    return json.dumps(search_ids(conn, query or "", mode=mode or "auto", limit=limit,
                                 offset=offset or 0))


def search(conn: sqlite3.Connection, query: str, *, mode: str = "auto",
           since: str | None = None, until: str | None = None, category: str | None = None,
           author: str | None = None, limit: int = 20, offset: int = 0,
           marks: tuple[str, str] = ("[", "]"), snippet_tokens: int = 24,
           rank: str = "auto", broad: int | None = None) -> list[Hit]:
    """Articles matching ``query``, best first: posts holding the query's letters as typed,
    then the others; each group by bm25 (title weighs most). A broad query (more than
    ``broad`` matches, default ``BROAD_MATCHES``) is ranked by ``BROAD_RULE`` instead, its
    hits scored 0, unless ``rank="bm25"``.

    ``snippet`` is a passage of the lead or body (whichever holds a match) in
    the original, diacritic text, with the matched words between ``marks``. A ``document:``
    query finds the articles whose linked documents match (``in_document``: the document's
    URL; the snippet from its text).
    """
    if is_document_query(query):
        return _document_hits(conn, query, mode=mode, since=since, until=until,
                              category=category, author=author, limit=limit, offset=offset,
                              marks=marks, snippet_tokens=snippet_tokens)
    p, ranked = _ranked_ids(conn, query, mode, rank, since=since, until=until, category=category,
                            author=author, limit=limit, offset=offset, broad=broad)
    if p is None:
        return []
    found = {r["id"]: r for r in _run(conn, _ROWS_SQL, {"ids": json.dumps([x[0] for x in ranked])},
                                      query)}
    terms = Terms.of(highlight_terms(query, mode))
    size = max(4, min(64, int(snippet_tokens)))
    hits = []
    for rid, score, tier, group in ranked:
        r = found[rid]
        snip, _ = best_snippet(terms, r["body_text"], r["lead"], marks, size)
        hits.append(Hit(
            article_id=r["id"], url=r["url"], title=r["title"],
            published_at=r["published_at"], published_raw=r["published_raw"],
            date_is_bulk_import=r["date_is_bulk_import"], event_date=r["event_date"],
            author=r["author"], categories=(r["cats"] or "").split(),
            score=float(f"{score:.6g}"), snippet=snip,
            title_highlighted=highlight(r["title"], terms, marks),
            exact_letters=bool(tier) or p.literal is None,
            first_seen_at=r["first_seen_at"], broad_group=group,
        ))
    return hits


# How ``search_portals`` orders the merged hits (the CLI's summary line of ``search --all``)
MERGE_BY_SCORE = ("by relevance: letters as typed first, then bm25 score (each archive's "
                  "scores as computed in that archive)")
MERGE_BROAD = (f"as a broad query in every archive ({BROAD_RULE}); between archives, the "
               "earlier group first, then the post first archived most recently "
               "(first_seen_at), then the portal listed first")


def search_portals(sources: list[tuple[str, sqlite3.Connection]], query: str, *, limit: int = 20,
                   offset: int = 0, rank: str = "auto", broad: int | None = None,
                   **options) -> list[Hit]:
    """``search`` over several archives (``search --all``): each archive's best
    ``offset + limit`` hits merged, each hit naming its portal.

    When the query is broad in any of the archives (``rank="auto"``), every archive's hits
    are ranked by ``BROAD_RULE`` (scores are 0) and merged by ``MERGE_BROAD``: each
    archive's own order is kept, and of the archives' next hits the one in the earlier
    group comes first, then the newer ``first_seen_at`` (article ids of different archives
    are not comparable). Otherwise hits merge by ``MERGE_BY_SCORE`` (letters as typed
    first, then bm25)."""
    want = offset + limit
    lists: list[list[Hit]] = []
    for portal, conn in sources:
        hits = search(conn, query, limit=want, offset=0, rank=rank, broad=broad, **options)
        for hit in hits:
            hit.portal = portal
        lists.append(hits)
    if not any(h.broad_group is not None for hits in lists for h in hits):
        merged = sorted((h for hits in lists for h in hits),
                        key=lambda h: (not h.exact_letters, h.score))
        return merged[offset:offset + limit]
    for n, (portal, conn) in enumerate(sources):
        if lists[n] and lists[n][0].broad_group is None:  # not broad there: rank it the same way
            lists[n] = search(conn, query, limit=want, offset=0, rank=rank, broad=0, **options)
            for hit in lists[n]:
                hit.portal = portal
    return _merge_broad(lists, want)[offset:]


def _merge_broad(lists: list[list[Hit]], want: int) -> list[Hit]:
    """The first ``want`` hits of several archives' broad rankings, each list's order kept."""
    heads = [0] * len(lists)
    merged: list[Hit] = []

    def key(n: int) -> tuple:
        h = lists[n][heads[n]]
        # newest first_seen_at first (ISO 8601 UTC strings: negated characters), none last
        seen = h.first_seen_at
        return (h.broad_group or 0, seen is None, tuple(-ord(c) for c in seen or ""), n)

    while len(merged) < want:
        live = [n for n in range(len(lists)) if heads[n] < len(lists[n])]
        if not live:
            break
        n = min(live, key=key)
        merged.append(lists[n][heads[n]])
        heads[n] += 1
    return merged


def _document_hits(conn, query, *, marks, snippet_tokens, **kw) -> list[Hit]:
    terms = Terms.of(highlight_terms(query, kw["mode"]))
    hits = []
    for d in document_matches(conn, query, **kw):
        r = conn.execute("SELECT * FROM articles WHERE id = ?", (d["article_id"],)).fetchone()
        cats = [c[0] for c in conn.execute(
            "SELECT c.slug FROM article_categories ac JOIN categories c ON c.id = ac.category_id"
            " WHERE ac.article_id = ? ORDER BY ac.position", (r["id"],))]
        hits.append(Hit(
            article_id=r["id"], url=r["url"], title=r["title"], published_at=r["published_at"],
            published_raw=r["published_raw"], date_is_bulk_import=r["date_is_bulk_import"],
            event_date=r["event_date"], author=r["author"], categories=cats,
            score=float(f"{d['score']:.6g}"),
            snippet=best_snippet(terms, d["text"], None, marks, max(4, min(64, snippet_tokens)))[0],
            title_highlighted=r["title"] or "", in_document=d["url"],
            first_seen_at=r["first_seen_at"]))
    return hits


def _ensure_functions(conn: sqlite3.Connection) -> None:
    """pa_fold/pa_exact/pa_index on a connection not made by ``open_db`` (redefining them on one with
    open cursors would fail, so only when missing)."""
    try:
        conn.execute("SELECT pa_fold(''), pa_exact(''), pa_index('')").fetchone()
    except sqlite3.OperationalError:
        register_functions(conn)


def rebuild_index(conn: sqlite3.Connection) -> int:
    """Re-index every article from scratch; return how many.

    Use this, never FTS5's ``'rebuild'`` command (which would index the content
    table's raw text, not ``pa_index``'s terms).
    """
    from archive.db.m012_search_one_index import COLUMNS, FUNCTION
    cols = ", ".join(COLUMNS)
    conn.execute(f"INSERT INTO {INDEX}({INDEX}) VALUES ('delete-all')")
    conn.execute(f"INSERT INTO {INDEX}(rowid, {cols}) SELECT id, "
                 + ", ".join(f"{FUNCTION}({c})" for c in COLUMNS) + " FROM articles")
    return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
