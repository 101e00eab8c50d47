"""Datasette plugin loaded by ``portal-archive serve``: the archive's own search, everywhere.

SQL functions (registered on every Datasette connection):

- ``pa_fold(text)``, ``pa_exact(text)``, ``pa_index(text)``: ``archive.text.fold`` /
  ``exact_key`` / ``index_text`` (``archive.db.register_functions``; the full-text
  index's triggers call ``pa_index``);
- ``pa_search_ids(query [, mode [, limit, offset]])``: a JSON array of the ids of
  the matching articles, best first (a broad query by ``BROAD_RULE``) —
  ``archive.research.search.search_ids``, the
  very code the CLI runs, so both give the same rows (``mode``: ``auto``, ``exact``
  or ``fold``; '' is ``auto``);
- ``pa_snippet(query, mode, body, lead, title)``: the CLI's snippet (matched words
  between ``[ ]``), or the title marked when only the title matches;
- ``pa_fts_query(query)``: the FTS5 expression of the query with every word folded
  (for hand-written SQL on ``articles_fts``, whose terms are written by ``pa_index``;
  ``'""'``, which matches nothing, when the query has no words).

The search box of the ``articles`` table runs the same search: ``?_search=`` (and
``&_search_mode=exact|fold``) becomes ``id IN pa_search_ids(…)``. Datasette's own
full-text search does not see the index (migration 12 declares its content table so
that it does not), so it never runs a user's words raw.
"""

from __future__ import annotations

from datasette import hookimpl
from datasette.filters import FilterArguments

from archive.db import register_functions
from archive.research.search import BadSearchQuery, fts_query, search_ids_json
from archive.research.search_query import highlight_terms
from archive.research.snippet import Terms, best_snippet, highlight

SEARCH_TABLE = "articles"


def pa_fts_query(query):
    return fts_query(query or "") or '""'


def pa_snippet(query, mode, body, lead, title):
    try:
        terms = Terms.of(highlight_terms(query or "", mode or "auto"))
    except BadSearchQuery:
        return ""
    snip, n = best_snippet(terms, body, lead, ("[", "]"))
    return snip if n else (highlight(title, terms, ("[", "]")) or snip)


@hookimpl
def prepare_connection(conn):
    register_functions(conn)
    conn.create_function("pa_fts_query", 1, pa_fts_query, deterministic=True)
    conn.create_function("pa_snippet", 5, pa_snippet, deterministic=True)

    def ids(query, mode=None, limit=None, offset=0):
        try:
            lim = int(limit) if limit not in (None, "") else None
            off = int(offset) if offset not in (None, "") else 0
            return search_ids_json(conn, query, mode or None, lim, off)
        except (BadSearchQuery, ValueError):
            return "[]"

    conn.create_function("pa_search_ids", 1, ids)
    conn.create_function("pa_search_ids", 2, ids)
    conn.create_function("pa_search_ids", 4, ids)


@hookimpl(trylast=True)  # last, so its extra context wins over Datasette's own search filter
def filters_from_request(request, database, table, datasette):
    if table != SEARCH_TABLE:
        return None
    q = request.args.get("_search", "")
    context = {"supports_search": True, "search": q}
    if not q.strip():
        return FilterArguments([], extra_context=context)
    mode = request.args.get("_search_mode", "")
    return FilterArguments(
        ["id IN (SELECT value FROM json_each(pa_search_ids(:pa_search, :pa_search_mode)))"],
        {"pa_search": q, "pa_search_mode": mode},
        [f'search matches "{q}"' + (f" ({mode})" if mode else "")],
        extra_context=context,
    )
