"""Charts of the archive report: matplotlib (Agg backend), returned as PNG data URIs."""

from __future__ import annotations

import base64
import io

from archive.errors import ArchiveError

try:
    import matplotlib
except ImportError as exc:  # pragma: no cover - depends on the installation
    raise ArchiveError(
        "the report needs matplotlib, which is not installed — "
        "run `pip install 'portal-archive[report]'`"
    ) from exc

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BLUE, ORANGE, GREEN, RED = "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format="png", dpi=96)
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _empty(ax, message="no data"):
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, color="grey")
    ax.set_xticks([])
    ax.set_yticks([])


def _thin_ticks(ax, labels, most=24):
    step = max(1, len(labels) // most)
    ax.set_xticks(range(0, len(labels), step))
    ax.set_xticklabels(labels[::step], rotation=60, ha="right", fontsize=8)


def months_chart(months) -> str:
    fig, ax = plt.subplots(figsize=(10, 3.6))
    if not months:
        _empty(ax)
    else:
        labels = [m for m, _, _ in months]
        shown = [a or 0 for _, a, _ in months]
        bulk = [b or 0 for _, _, b in months]
        x = range(len(labels))
        ax.bar(x, shown, color=BLUE, label="date as displayed")
        ax.bar(x, bulk, bottom=shown, color=ORANGE, label="bulk-import date (26/01/2019)")
        _thin_ticks(ax, labels)
        ax.set_ylabel("articles")
        ax.legend(fontsize=8)
    ax.set_title("Articles per month (published_at)")
    return _png(fig)


def barh_chart(rows, title: str, color: str = BLUE, xlabel: str = "articles") -> str:
    rows = list(rows)
    fig, ax = plt.subplots(figsize=(8, max(2.0, 0.32 * len(rows) + 1.0)))
    if not rows:
        _empty(ax)
    else:
        labels = [str(label) for label, _ in rows][::-1]
        values = [n for _, n in rows][::-1]
        ax.barh(range(len(rows)), values, color=color)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels(labels, fontsize=8)
        ax.set_xlabel(xlabel)
        for i, v in enumerate(values):
            ax.text(v, i, f" {v}", va="center", fontsize=8)
    ax.set_title(title)
    return _png(fig)


def crawls_chart(crawls) -> str:
    fig, ax = plt.subplots(figsize=(10, 3.6))
    if not crawls:
        _empty(ax)
    else:
        series = (("pages", BLUE), ("new", GREEN), ("changed", ORANGE), ("errors", RED))
        width = 0.2
        for i, (name, color) in enumerate(series):
            xs = [j + (i - 1.5) * width for j in range(len(crawls))]
            ax.bar(xs, [getattr(c, name) or 0 for c in crawls], width, label=name, color=color)
        _thin_ticks(ax, [f"#{c.id} {(c.started_at or '')[:10]}" for c in crawls])
        ax.legend(fontsize=8)
        ax.set_ylabel("count")
    ax.set_title("Crawl history: pages fetched, new and changed articles, errors")
    return _png(fig)
