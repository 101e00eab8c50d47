"""`portal-archive report`: one self-contained HTML page of charts about the archive."""

from __future__ import annotations

import click

from archive.db import open_db
from archive.layout import ArchiveLayout

from .options import archive_option


@click.command("report")
@archive_option
@click.option("-o", "--output", default="report.html", show_default=True,
              type=click.Path(dir_okay=False), help="HTML file to write.")
def report_cmd(archive_dir, output):
    """Charts and tables: articles per month and category, crawl history, status codes, date trust."""
    from archive.research.report import write_report  # matplotlib is imported only here

    conn = open_db(ArchiveLayout(archive_dir).db, readonly=True)
    click.echo(f"wrote {write_report(conn, output)}", err=True)


COMMANDS = [report_cmd]
