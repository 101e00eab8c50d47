"""Parse health: how well each crawl's articles parsed, and the drift alarm.

Every article the ``Store`` saves is tallied for the crawl its capture belongs
to: the share of articles with an author, a source, an event date, images,
and a title taken from theme markup, and the median body length. The shares
are stored per crawl in ``parse_health`` (migration 6) when the crawl ends
(``Store.finish_crawl``) or a rebuild finishes (``Store.flush_parse_health``).

*Drift*: a share more than ``DRIFT_POINTS`` (20 points) below the median of
the archive's recent crawls, or a median body length below
``DRIFT_MEDIAN_RATIO`` of theirs. A portal that changes its theme shows this
way while the WARC files still hold every page: ``portal-archive reindex``
with an updated parser repairs the rows. Crawls that parsed fewer than
``MIN_ARTICLES`` articles neither raise nor set the baseline (too few to tell).
"""

from __future__ import annotations

import sqlite3
import statistics
from dataclasses import dataclass, field

SHARES = ("author", "source", "event_date", "images", "title_theme")
MEDIAN_BODY = "median_body_chars"
METRICS = SHARES + (MEDIAN_BODY,)
DRIFT_POINTS = 0.20          # a share this far below the recent crawls' is drift
DRIFT_MEDIAN_RATIO = 0.80    # a median body length below this part of the recent crawls' is drift
RECENT_CRAWLS = 5            # the baseline: the median of this many earlier crawls
# crawls that parsed fewer articles are too small to judge or to compare with: a share
# measured on n articles wobbles by about 0.5/sqrt(n) (14 points at 12, 7 at 50), so
# below 50 a 20-point fall is chance as often as drift (a resumed crawl of 12 posts
# showed sources on 21 % against 42 %)
MIN_ARTICLES = 50


def article_flags(article) -> dict[str, bool]:
    """Which of the tallied fields one Article has."""
    return {
        "author": bool(article.author),
        "source": bool(article.source),
        "event_date": bool(article.event_date),
        "images": bool(article.images),
        "title_theme": article.sources.get("title") in ("theme", "profile"),
    }


@dataclass
class Tally:
    """The articles one crawl parsed, counted field by field."""
    articles: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SHARES, 0))
    body_lengths: list[int] = field(default_factory=list)

    def add(self, article) -> None:
        self.articles += 1
        for name, has in article_flags(article).items():
            self.counts[name] += has
        self.body_lengths.append(len(article.body_text or ""))

    def metrics(self) -> dict[str, float]:
        if not self.articles:
            return {}
        out = {name: self.counts[name] / self.articles for name in SHARES}
        out[MEDIAN_BODY] = float(statistics.median(self.body_lengths))
        return out


def save(conn: sqlite3.Connection, crawl_id: int, tally: Tally) -> None:
    """Write (replace) the crawl's parse_health rows; the caller holds the transaction."""
    conn.execute("DELETE FROM parse_health WHERE crawl_id=?", (crawl_id,))
    conn.executemany(
        "INSERT INTO parse_health(crawl_id, metric, value, articles) VALUES (?,?,?,?)",
        [(crawl_id, name, value, tally.articles) for name, value in tally.metrics().items()])


def crawl_metrics(conn: sqlite3.Connection, crawl_id: int) -> tuple[int, dict[str, float]]:
    """(articles parsed, metric → value) stored for one crawl; (0, {}) when none."""
    try:
        rows = conn.execute("SELECT metric, value, articles FROM parse_health WHERE crawl_id=?",
                            (crawl_id,)).fetchall()
    except sqlite3.OperationalError:        # an archive from before migration 6, opened read-only
        return 0, {}
    if not rows:
        return 0, {}
    return int(rows[0][2]), {r[0]: r[1] for r in rows}


def baseline(conn: sqlite3.Connection, crawl_id: int) -> dict[str, float]:
    """Per metric, the median of the ``RECENT_CRAWLS`` latest earlier crawls that parsed enough."""
    try:
        ids = [r[0] for r in conn.execute(
            "SELECT crawl_id FROM parse_health WHERE crawl_id < ? AND articles >= ?"
            " GROUP BY crawl_id ORDER BY crawl_id DESC LIMIT ?",
            (crawl_id, MIN_ARTICLES, RECENT_CRAWLS))]
    except sqlite3.OperationalError:
        return {}
    recent = [crawl_metrics(conn, i)[1] for i in ids]
    out = {}
    for name in METRICS:
        values = [m[name] for m in recent if m.get(name) is not None]
        if values:
            out[name] = float(statistics.median(values))
    return out


@dataclass(frozen=True)
class Drift:
    metric: str
    value: float
    baseline: float

    def describe(self) -> str:
        if self.metric == MEDIAN_BODY:
            return f"median body {self.value:.0f} characters (recent crawls {self.baseline:.0f})"
        label = "titles from theme markup" if self.metric == "title_theme" else f"{self.metric.replace('_', ' ')}"
        return f"{label} {self.value:.0%} of articles (recent crawls {self.baseline:.0%})"


def find_drift(current: dict[str, float], articles: int, recent: dict[str, float]) -> list[Drift]:
    """The metrics of ``current`` that fell below ``recent`` (a baseline) by more than the thresholds."""
    if articles < MIN_ARTICLES:
        return []
    out = []
    for name in METRICS:
        value, base = current.get(name), recent.get(name)
        if value is None or base is None:
            continue
        if name == MEDIAN_BODY:
            if value < base * DRIFT_MEDIAN_RATIO:
                out.append(Drift(name, value, base))
        elif value < base - DRIFT_POINTS - 1e-9:
            out.append(Drift(name, value, base))
    return out


def drift_of(conn: sqlite3.Connection, crawl_id: int) -> list[Drift]:
    """The drift of one stored crawl against the archive's crawls before it."""
    articles, current = crawl_metrics(conn, crawl_id)
    return find_drift(current, articles, baseline(conn, crawl_id)) if current else []


def drift_message(drift: list[Drift]) -> str:
    """One line for the end of a crawl and ``status``."""
    return ("parse drift: " + "; ".join(d.describe() for d in drift)
            + " — the portal may have changed its theme; the WARC files keep every page: describe "
              "its new markup in <archive>/parser-profile.toml (docs/parser.md, \"When the drift alarm "
              "fires\") or update portal-archive, then run `portal-archive reindex`")
