"""How closely an archive's rows match the replica's ground truth, field by field.

``compare(truth, conn)`` → ``{field: (equal, total)}`` over every truth post
(a post without a row counts as unequal on every field). Used by the ≥ 99 %
end-to-end test (``tests/test_fidelity_matrix.py``) and the table of
``bench/fidelity_matrix.py``.
"""

from __future__ import annotations

import sqlite3

from .style import SiteStyle

# the set-ups of the done-when matrix: theme × REST on/off × JSON-LD on/off
MATRIX = tuple((theme, rest, seo) for theme in ("classic", "block")
               for rest in ("on", "403") for seo in ("mixed", "none"))


def style_args(theme: str, rest: str, seo: str) -> list[str]:
    return ["--theme", theme, "--rest", rest, "--seo", seo]


def matrix_style(theme: str, rest: str, seo: str) -> SiteStyle:
    return SiteStyle(theme=theme, rest=rest, seo=seo)


def db_rows(conn: sqlite3.Connection) -> dict[int, dict]:
    """Every article row with its categories, tags and images, keyed by post id."""
    conn.row_factory = sqlite3.Row
    out = {}
    for row in conn.execute("SELECT * FROM articles"):
        d = dict(row)
        aid = d["id"]
        d["categories"] = [{"slug": r[0], "name": r[1]} for r in conn.execute(
            "SELECT c.slug, c.name FROM article_categories ac JOIN categories c ON c.id=ac.category_id"
            " WHERE ac.article_id=? ORDER BY ac.position", (aid,))]
        d["tags"] = [{"slug": r[0], "name": r[1]} for r in conn.execute(
            "SELECT t.slug, t.name FROM article_tags at JOIN tags t ON t.id=at.tag_id"
            " WHERE at.article_id=? ORDER BY at.position", (aid,))]
        d["images"] = [{"url": r[0], "caption": r[1]} for r in conn.execute(
            "SELECT url, caption FROM images WHERE article_id=? ORDER BY position", (aid,))]
        out[d["wp_post_id"]] = d
    return out


def compare(truth: list[dict], conn: sqlite3.Connection) -> tuple[dict[str, tuple[int, int]], list]:
    """(``{field: (equal, total)}``, the first differences as ``(post id, field, want, got)``)."""
    rows = db_rows(conn)
    counts: dict[str, list[int]] = {}
    diffs = []
    for want in truth:
        got = rows.get(want["wp_post_id"])
        for key, value in want.items():
            c = counts.setdefault(key, [0, 0])
            c[1] += 1
            have = got.get(key, "<no column>") if got is not None else "<no row>"
            if have == value:
                c[0] += 1
            elif len(diffs) < 200:
                diffs.append((want["wp_post_id"], key, value, have))
    return {k: (v[0], v[1]) for k, v in counts.items()}, diffs


def extra_articles(truth: list[dict], conn: sqlite3.Connection) -> list:
    """Article rows the truth does not have (e.g. a password-protected post stored as an article)."""
    want = {t["wp_post_id"] for t in truth}
    return [r[0] for r in conn.execute("SELECT wp_post_id FROM articles") if r[0] not in want]
