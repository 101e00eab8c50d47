"""`portal-archive report`: one self-contained HTML page of charts about the archive."""

from __future__ import annotations

import click

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.outputs import check_output

from .options import OUTPUT_HELP, archive_option, force_option


@click.command("report")
@archive_option
@click.option("-o", "--output", default="report.html", show_default=True,
              type=click.Path(dir_okay=False, allow_dash=True), help=OUTPUT_HELP)
@force_option
def report_cmd(archive_dir, output, force):
    """Charts and tables: articles per month and category, crawl history, status codes, date trust."""
    from archive.research.report import write_report  # matplotlib is imported only here

    layout = ArchiveLayout(archive_dir)
    check_output(output, force=force, archive=layout.root)  # before the work
    conn = open_db(layout.db, readonly=True)
    click.echo(f"wrote {write_report(conn, output, force=force, archive=layout.root)}", err=True)


COMMANDS = [report_cmd]
