"""Render the report: charts (PNG data URIs) next to tables of the same numbers, in one HTML file."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from html import escape
from pathlib import Path

from archive.outputs import write_output
from archive.research.report import charts
from archive.research.report.data import ReportData, collect

CSS = """
body{font-family:system-ui,"DejaVu Sans",sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ddd;padding:.25em .6em}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}
img{max-width:100%;height:auto}.note{color:#555;font-size:.9em}
"""


def _table(tid: str, headers: list[str], rows: list[tuple]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for v in row:
            if v is None:
                cells.append('<td class="n">—</td>')
            elif isinstance(v, (int, float)):
                cells.append(f'<td class="n">{v}</td>')
            else:
                cells.append(f"<td>{escape(str(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table id="t-{tid}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _chart(cid: str, uri: str, alt: str) -> str:
    return f'<img id="c-{cid}" alt="{escape(alt)}" src="{uri}">'


def _section(sid: str, title: str, *parts: str) -> str:
    return f'<section id="{sid}"><h2>{escape(title)}</h2>{"".join(parts)}</section>'


def render(d: ReportData, *, title: str, generated_at: str) -> str:
    months_rows = [(m, a or 0, b or 0, (a or 0) + (b or 0)) for m, a, b in d.months]
    crawl_rows = [(c.id, c.started_at, c.status, c.pages, c.new, c.changed, c.errors)
                  for c in d.crawls]
    sections = [
        _section("summary", "Summary",
                 _table("summary", ["what", "count"], list(d.totals.items()))),
        _section("months", "Articles per month",
                 _chart("months", charts.months_chart(d.months), "Articles per month"),
                 '<p class="note">By the month of <code>published_at</code>. Posts whose displayed '
                 "date is 26/01/2019 were bulk-imported that day; their real dates are unknown "
                 "(see <em>Dates</em> below).</p>",
                 _table("months", ["month", "date as displayed", "bulk-import date", "total"],
                        months_rows)),
        _section("categories", "Articles per category",
                 _chart("categories", charts.barh_chart(
                     [(f"{name} ({slug})", n) for slug, name, n in d.categories],
                     "Articles per category"), "Articles per category"),
                 _table("categories", ["slug", "name", "articles"], d.categories)),
        _section("crawls", "Crawl history",
                 _chart("crawls", charts.crawls_chart(d.crawls), "Crawl history"),
                 '<p class="note">pages: captures recorded; errors: rows in <code>errors</code>; '
                 "new and changed: first and later versions of articles parsed from the crawl's "
                 "captures (<code>article_versions</code>).</p>",
                 _table("crawls", ["crawl", "started", "status", "pages", "new", "changed",
                                   "errors"], crawl_rows)),
        _section("statuses", "HTTP status codes and error kinds",
                 _chart("statuses", charts.barh_chart(d.statuses, "Captures by HTTP status",
                                                      xlabel="captures"), "HTTP status codes"),
                 _table("statuses", ["status", "captures"], d.statuses),
                 _chart("errors", charts.barh_chart(d.error_kinds, "Errors by kind",
                                                    color=charts.RED, xlabel="errors"),
                        "Error kinds"),
                 _table("errors", ["kind", "errors"], d.error_kinds)),
        _section("documents", "Documents by type",
                 _chart("documents", charts.barh_chart([(m, n) for m, n, *_ in d.documents],
                                                       "Documents by type", xlabel="documents"),
                        "Documents by type"),
                 '<p class="note">Files the articles link to (PDF, Word, Excel …), each URL once; '
                 "archived: captured with a 200 answer; with text: PDFs whose text is in "
                 "<code>documents.text</code> and searchable.</p>",
                 _table("documents", ["type", "documents", "archived", "with text", "bytes"],
                        d.documents)),
        _section("dates", "Dates: which ones to trust",
                 _chart("dates", charts.barh_chart([(t, n) for t, n, _ in d.date_trust],
                                                   "Articles by date trust"), "Date trust"),
                 _table("dates", ["date trust", "articles", "meaning"], d.date_trust),
                 "<p>Bulk-import posts by the month of their <code>event_date</code> "
                 "(the earliest date their text names):</p>",
                 _table("event-months", ["event month", "articles"], d.event_months)),
    ]
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p class=\"note\">Generated {escape(generated_at)} by "
        "portal-archive from <code>archive.sqlite</code>.</p>"
        + "".join(sections) + "</body></html>"
    )


def build_report(conn: sqlite3.Connection, *, title: str | None = None) -> str:
    """The report as one HTML string (no external resources)."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return render(collect(conn), title=title or "Archive report — thanhphohaiphong.gov.vn",
                  generated_at=now)


def write_report(conn: sqlite3.Connection, out: str | Path, *, force: bool = False,
                 archive: str | Path | None = None, **kw) -> Path:
    """Write the report to ``out`` (``-`` for standard output) through
    ``archive.outputs.write_output``: an existing file only with ``force``."""
    html = build_report(conn, **kw)
    with write_output(out, force=force, archive=archive) as tmp:
        tmp.write_text(html, encoding="utf-8")
    return Path(out)
