"""Parse health: how well each crawl's articles parsed, and the drift alarm.

Every article the ``Store`` saves is tallied for the crawl its capture belongs
to: the share of articles with an author, a source, an event date, images,
and a title taken from theme markup, and the median body length. The shares
are stored per crawl in ``parse_health`` (migration 6) when the crawl ends
(``Store.finish_crawl``) or a rebuild finishes (``Store.flush_parse_health``).

*Drift* (``find_drift``): a share is in drift when it is more than ``DRIFT_POINTS``
(20 points) below the baseline **and** the fall is significant for this crawl's
size: under the baseline share ``p``, seeing this few articles with the field
among the ``n`` parsed has a one-sided binomial probability below ``ALPHA``
(``binomial_cdf``, stdlib only). So a night of 20 new posts is judged as well as
a full crawl: 0 sources in 20 against a 37 % baseline is drift (p ≈ 0.0001),
while a resumed crawl of 12 posts with sources on 2 of them (17 %) against 42 %
is chance (p ≈ 0.06). Crawls of fewer than ``MIN_JUDGED`` articles are never
judged. The median body length has no such test: it is drift below
``DRIFT_MEDIAN_RATIO`` of the baseline's, judged on crawls of at least
``MIN_MEDIAN_ARTICLES`` articles (the median of fewer wobbles by more than 20 %).

*Baseline* (``baseline``): per metric, the median of the ``RECENT_CRAWLS``
latest earlier crawls that parsed at least ``BASELINE_ARTICLES`` articles (a
share of fewer is too rough to judge others by). An archive's first crawl reads
every post, so it always sets one; incremental nights that parse enough, and
``--full`` crawls, keep it current. A portal that changes its theme shows this
way while the WARC files still hold every page: ``portal-archive reindex`` with
an updated parser (or ``parser-profile.toml``) repairs the rows.
"""

from __future__ import annotations

import math
import sqlite3
import statistics
from dataclasses import dataclass, field

SHARES = ("author", "source", "event_date", "images", "title_theme")
MEDIAN_BODY = "median_body_chars"
METRICS = SHARES + (MEDIAN_BODY,)
DRIFT_POINTS = 0.20          # a share this far below the recent crawls' is drift (if significant)
DRIFT_MEDIAN_RATIO = 0.80    # a median body length below this part of the recent crawls' is drift
RECENT_CRAWLS = 5            # the baseline: the median of this many earlier crawls
# significance of a share's fall: the one-sided binomial probability of so few articles with
# the field, were the baseline share still true. 0.001 per field: five shares are judged
# every night, so a portal whose parsing did not change alarms less than once in 200 nights
# (0.5 %); 0.01 would be once in 20. The false alarm of a resumed 12-post crawl (sources on
# 2 of 12 against 42 %: p = 0.064) stays silent at either level.
ALPHA = 0.001
MIN_JUDGED = 10              # fewer articles are never judged (no rule can tell at 5)
MIN_MEDIAN_ARTICLES = 50     # the median body is judged from this many (its wobble: ~0.9/sqrt(n))
BASELINE_ARTICLES = 30       # crawls that parsed fewer do not set the baseline (±9 points at 30)


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
    """Per metric, the median of the ``RECENT_CRAWLS`` latest earlier crawls that parsed at
    least ``BASELINE_ARTICLES`` articles."""
    try:
        ids = [r[0] for r in conn.execute(
            "SELECT crawl_id FROM parse_health WHERE crawl_id < ? AND articles >= ?"
            " GROUP BY crawl_id ORDER BY crawl_id DESC LIMIT ?",
            (crawl_id, BASELINE_ARTICLES, RECENT_CRAWLS))]
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


def binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p): the chance of at most ``k`` successes in ``n``."""
    if k < 0:
        return 0.0
    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    return min(1.0, sum(math.comb(n, i) * p ** i * (1.0 - p) ** (n - i) for i in range(k + 1)))


def share_drifts(share: float, articles: int, base: float) -> bool:
    """Whether a share measured on ``articles`` articles fell below ``base`` by more than
    ``DRIFT_POINTS`` and by more than chance (``ALPHA``)."""
    if articles < MIN_JUDGED or share >= base - DRIFT_POINTS - 1e-9:
        return False
    return binomial_cdf(round(share * articles), articles, base) < ALPHA


def find_drift(current: dict[str, float], articles: int, recent: dict[str, float]) -> list[Drift]:
    """The metrics of ``current`` (measured on ``articles`` articles) that fell below
    ``recent`` (a baseline) by more than the thresholds (module doc)."""
    out = []
    for name in METRICS:
        value, base = current.get(name), recent.get(name)
        if value is None or base is None:
            continue
        if name == MEDIAN_BODY:
            if articles >= MIN_MEDIAN_ARTICLES and value < base * DRIFT_MEDIAN_RATIO:
                out.append(Drift(name, value, base))
        elif share_drifts(value, articles, base):
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
