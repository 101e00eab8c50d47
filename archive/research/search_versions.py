"""``search --versions``: search every archived version of the articles, and show what changed.

``article_versions`` keeps one row per distinct content of a post (title, lead,
body). The query runs with the same rules as ``archive.research.search``
(``search_query.plan`` on an index written like the articles'): the versions of the
posts that have several are indexed in a temporary FTS5 table for the
query (a few per cent of the posts on a real archive); a post with one version
holds that content in ``articles``, whose index answers for it. Each hit says
which version matched, when it was first seen and, against the version before
it, a word diff: ``[-removed words-]`` and ``{+added words+}``.
"""

from __future__ import annotations

import difflib
import re
import sqlite3
from dataclasses import asdict, dataclass

from archive.research.search import _ensure_functions, _run, search_ids
from archive.research.search_filters import date_bound, filter_sql
from archive.research.search_query import highlight_terms, plan
from archive.research.search_temp import temp_index
from archive.research.snippet import Terms, best_snippet, highlight

INDEX = "pa_versions_fts"
COLUMNS = ("title", "lead", "body_text", "author", "source")
_WORDS = re.compile(r"\S+")


@dataclass
class VersionHit:
    article_id: int
    url: str
    version: int
    versions: int
    seen_at: str
    title: str | None
    title_highlighted: str
    snippet: str
    changes: str  # word diff against the previous version ('' for version 1)
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def word_diff(old: str, new: str, context: int = 4, max_chars: int = 600) -> str:
    """What changed from ``old`` to ``new``, word by word: ``[-removed-]`` and ``{+added+}``
    with ``context`` words around each change, ``…`` between distant changes."""
    a, b = _WORDS.findall(old or ""), _WORDS.findall(new or "")
    out: list[str] = []
    for group in difflib.SequenceMatcher(None, a, b, autojunk=False).get_grouped_opcodes(context):
        if out:
            out.append("…")
        for op, i1, i2, j1, j2 in group:
            if op == "equal":
                out.extend(a[i1:i2])
                continue
            if i2 > i1:
                out.append("[-" + " ".join(a[i1:i2]) + "-]")
            if j2 > j1:
                out.append("{+" + " ".join(b[j1:j2]) + "+}")
    text = " ".join(out)
    return text if len(text) <= max_chars else text[:max_chars].rsplit(" ", 1)[0] + " …"


def _content(r) -> str:
    return "\n".join(x for x in (r["title"], r["lead"], r["body_text"]) if x)


def _build_indexes(conn: sqlite3.Connection) -> None:
    temp_index(
        conn, INDEX, COLUMNS,
        "SELECT v.id AS rowid_, v.title AS title_, v.lead AS lead_, v.body_text AS body_text_, "
        "a.author AS author_, a.source AS source_ FROM article_versions v "
        "JOIN articles a ON a.id = v.article_id WHERE v.article_id IN "
        "(SELECT article_id FROM article_versions GROUP BY article_id HAVING count(*) > 1)")


def search_versions(conn: sqlite3.Connection, query: str, *, mode: str = "auto",
                    since: str | None = None, until: str | None = None,
                    category: str | None = None, author: str | None = None,
                    limit: int = 20, marks: tuple[str, str] = ("[", "]")) -> list[VersionHit]:
    """Versions matching ``query``, best first (bm25), with what changed in each."""
    date_bound(since, "since")
    date_bound(until, "until")
    _ensure_functions(conn)
    _build_indexes(conn)
    p = plan(conn, query, mode, INDEX)
    if p is None:
        return []
    filters, params = filter_sql(since=since, until=until, category=category, author=author)
    params.update(match=p.match, limit=max(1, int(limit)))
    rows = _run(conn, f"""
        SELECT v.id AS vid, bm25({p.index}, 10.0, 4.0, 1.0, 1.0, 1.0) AS score
        FROM {p.index} JOIN article_versions v ON v.id = {p.index}.rowid
        JOIN articles a ON a.id = v.article_id
        WHERE {p.index} MATCH :match {filters}
        ORDER BY score LIMIT :limit""", params, query)
    found = [(r["vid"], float(r["score"])) for r in rows]
    # posts with one version: their content is the article's, found by the articles' index
    single = search_ids(conn, query, mode=mode, since=since, until=until, category=category,
                        author=author, limit=limit)
    if single:
        marks_sql = ",".join("?" * len(single))
        ones = {r[0]: r[1] for r in conn.execute(
            f"SELECT article_id, min(id) FROM article_versions WHERE article_id IN ({marks_sql})"
            " GROUP BY article_id HAVING count(*) = 1", single)}
        found += [(ones[a], 0.0) for a in single if a in ones]
    terms = Terms.of(highlight_terms(query, mode))
    hits = []
    for vid, score in found[: max(1, int(limit))]:
        v = conn.execute(
            "SELECT v.*, a.url, (SELECT count(*) FROM article_versions x WHERE x.article_id ="
            " v.article_id) AS n FROM article_versions v JOIN articles a ON a.id = v.article_id"
            " WHERE v.id = ?", (vid,)).fetchone()
        prev = conn.execute(
            "SELECT title, lead, body_text FROM article_versions WHERE article_id = ? AND"
            " version < ? ORDER BY version DESC LIMIT 1", (v["article_id"], v["version"])).fetchone()
        hits.append(VersionHit(
            article_id=v["article_id"], url=v["url"], version=v["version"], versions=v["n"],
            seen_at=v["seen_at"], title=v["title"],
            title_highlighted=highlight(v["title"], terms, marks),
            snippet=best_snippet(terms, v["body_text"], v["lead"], marks)[0],
            changes=word_diff(_content(prev), _content(v)) if prev else "",
            score=float(f"{score:.6g}")))
    return hits
