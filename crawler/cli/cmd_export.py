"""`portal-archive export`: articles with categories, tags and date-trust columns to a file."""

from __future__ import annotations

import click

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.outputs import check_output
from archive.research.export import FORMATS, export

from .options import OUTPUT_HELP, archive_option, force_option


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv (UTF-8 with BOM, lists joined by |), jsonl, or parquet (needs pyarrow).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False,
              allow_dash=True), help=OUTPUT_HELP)
@click.option("--since", help="Published on or after (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Published on or before (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--category", help="Category slug or name.")
@click.option("--with-html", is_flag=True, help="Also export the cleaned body HTML.")
@force_option
@archive_option
def export_cmd(fmt, output, since, until, category, with_html, force, archive_dir):
    """Export the articles, streamed, with their categories, tags and date trust."""
    layout = ArchiveLayout(archive_dir)
    check_output(output, force=force, archive=layout.root)  # before opening anything
    conn = open_db(layout.db, readonly=True)
    n = export(conn, fmt, output, since=since, until=until, category=category,
               include_html=with_html, force=force, archive=layout.root)
    click.echo(f"exported {n} articles to {output}", err=True)


COMMANDS = [export_cmd]
