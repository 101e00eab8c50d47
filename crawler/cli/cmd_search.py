"""`portal-archive search`: full-text search of the archived articles."""

from __future__ import annotations

import csv
import json
import sys

import click

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.research.search import (
    BROAD_MATCHES,
    MARK_END,
    MARK_START,
    MERGE_BROAD,
    MERGE_BY_SCORE,
    search,
    search_portals,
    search_summary,
)

from .options import (
    archive_option,
    chosen_sites,
    since_option,
    sites_options,
    until_option,
)

FIELDS = ("portal", "score", "published_at", "title", "url", "categories", "author",
          "date_is_bulk_import", "event_date", "snippet", "title_highlighted", "article_id",
          "in_document")


def _rich_text(s: str):
    from rich.text import Text
    out = Text()
    for i, part in enumerate(s.replace(MARK_END, MARK_START).split(MARK_START)):
        out.append(part, style="bold yellow" if i % 2 else None)
    return out


def _new_table(hits, columns):
    """A console and a table with ``columns``, or (console, None) after saying there are no hits."""
    from rich.console import Console
    from rich.table import Table
    console = Console(width=None if sys.stdout.isatty() else 160)
    if not hits:
        console.print("no matches")
        return console, None
    table = Table(show_lines=True)
    for col in columns:
        table.add_column(col, overflow="fold")
    return console, table


def _table(hits) -> None:
    console, table = _new_table(hits, ("date", "title / url", "snippet"))
    if table is None:
        return
    for h in hits:
        date = (h.published_at or "")[:10] or "?"
        if h.portal:
            date = f"{h.portal}\n{date}"
        if h.date_is_bulk_import:
            date += f"\n(bulk import; event {h.event_date or '?'})"
        title = _rich_text(h.title_highlighted or h.title or "")
        title.append(f"\n{h.url}", style="dim")
        if h.in_document:
            title.append(f"\nin a document of article {h.article_id}: {h.in_document}")
        table.add_row(date, title, _rich_text(h.snippet))
    console.print(table)


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@since_option
@until_option
@click.option("--category", help="Category slug or name.")
@click.option("--author", help="Author line (initials, e.g. T.H.).")
@click.option("--exact", "mode", flag_value="exact",
              help="Every word matches its letters exactly (ha noi finds only unaccented text).")
@click.option("--fold", "mode", flag_value="fold",
              help="Ignore every diacritic (Đà Nẵng also finds đã nâng).")
@click.option("--rank", "rank", flag_value="bm25", default="auto",
              help=f"Rank every match by relevance (bm25), even for a broad query (more than "
                   f"{BROAD_MATCHES:,} matches), which is slower.")
@click.option("--versions", is_flag=True,
              help="Search every archived version (article_versions) and show what changed.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0),
              help="Skip this many hits (the next page).")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@archive_option
@sites_options("Search")
def search_cmd(query, since, until, category, author, mode, rank, versions, limit, offset, fmt,
               archive_dir, sites, all_sites, config_path):
    """Search titles, leads, bodies, authors and sources.

    A word typed with marks matches those letters (Đà finds Đà, not đã or đa); one
    typed without marks matches every reading (da finds đã, đa, Đà). Case and old/new
    tone placement (hoà = hòa) never matter; posts with the letters as typed come first.

    Words are AND-ed; "a phrase"; word* for a prefix; OR between terms; NOT term;
    title:, lead:, body:, author:, source: before a word, "a phrase" or (a group):
    title:(cong an). document:(…) searches the text of linked documents instead.
    Put -- before a query that starts with a dash. A broad query (more than
    10,000 matches) is ranked without relevance scores: letters as typed first, then
    title matches, newest archived first (--rank: relevance, slower).
    """
    marks = (MARK_START, MARK_END) if fmt == "table" else ("[", "]")
    options = dict(mode=mode or "auto", since=since, until=until, category=category, author=author,
                   limit=limit, offset=offset, marks=marks)
    chosen = chosen_sites(sites, all_sites, config_path)
    if chosen:
        sources = [(p.name, open_db(ArchiveLayout(p.archive).db, readonly=True)) for p in chosen]
        hits = search_portals(sources, " ".join(query), rank=rank, **options)
        if hits:
            rule = MERGE_BROAD if any(h.broad_group is not None for h in hits) else MERGE_BY_SCORE
            click.echo(f"hits of {len(sources)} archives ({', '.join(n for n, _ in sources)}) "
                       f"merged {rule}", err=fmt != "table")
    elif versions:
        conn = open_db(ArchiveLayout(archive_dir).db, readonly=True)
        _versions(conn, " ".join(query), fmt=fmt, **{**options, "limit": limit + offset})
        return
    else:
        conn = open_db(ArchiveLayout(archive_dir).db, readonly=True)
        hits = search(conn, " ".join(query), rank=rank, **options)
        _summary(conn, " ".join(query), rank, fmt, options)
    if fmt == "table":
        _table(hits)
    elif fmt == "json":
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
    else:
        out = sys.stdout
        w = csv.DictWriter(out, fieldnames=FIELDS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for h in hits:
            row = h.to_dict()
            row["categories"] = "|".join(row["categories"])
            w.writerow(row)


def _summary(conn, query, rank, fmt, options) -> None:
    """For a broad query: how many hits, and how they are ranked (on stderr unless a table)."""
    total, rule = search_summary(conn, query, rank=rank, **{
        k: options[k] for k in ("mode", "since", "until", "category", "author")})
    if rule:
        click.echo(f"{total:,} matches; broad query (more than {BROAD_MATCHES:,}): ranked by {rule}"
                   " — --rank ranks them by relevance (slower)", err=fmt != "table")


VERSION_FIELDS = ("score", "article_id", "version", "versions", "seen_at", "title", "url",
                  "snippet", "changes")


def _versions(conn, query, *, offset, marks, fmt, **kw) -> None:
    """``--versions``: one row per matching version, with its word diff."""
    from archive.research.search_versions import search_versions
    hits = search_versions(conn, query, marks=marks, **kw)[offset:]
    if fmt == "json":
        click.echo(json.dumps([h.to_dict() for h in hits], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        w = csv.DictWriter(sys.stdout, fieldnames=VERSION_FIELDS, extrasaction="ignore",
                           lineterminator="\n")
        w.writeheader()
        for h in hits:
            w.writerow(h.to_dict())
    else:
        console, table = _new_table(hits, ("version", "title / url", "snippet / changes"))
        if table is None:
            return
        for h in hits:
            title = _rich_text(h.title_highlighted or h.title or "")
            title.append(f"\n{h.url}", style="dim")
            text = _rich_text(h.snippet)
            if h.changes:
                text.append("\nchanged: " + h.changes, style="cyan")
            table.add_row(f"{h.version} of {h.versions}\n{h.seen_at[:10]}", title, text)
        console.print(table)


COMMANDS = [search_cmd]
