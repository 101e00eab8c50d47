"""`portal-archive export`: articles with categories, tags and date-trust columns to a file."""

from __future__ import annotations

import click

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.outputs import check_output
from archive.research.export import FORMATS, export

from .options import (
    OUTPUT_HELP,
    archive_option,
    chosen_sites,
    force_option,
    since_option,
    sites_options,
    until_option,
)


@click.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
              help="csv (UTF-8 with BOM, lists joined by |), jsonl, or parquet (needs pyarrow).")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False,
              allow_dash=True), help=OUTPUT_HELP)
@since_option
@until_option
@click.option("--category", help="Category slug or name.")
@click.option("--with-html", is_flag=True, help="Also export the cleaned body HTML.")
@force_option
@archive_option
@sites_options("Export (one table with a portal column)")
def export_cmd(fmt, output, since, until, category, with_html, force, archive_dir, sites,
               all_sites, config_path):
    """Export the articles, streamed, with their categories, tags and date trust."""
    chosen = chosen_sites(sites, all_sites, config_path)
    if chosen:
        roots = [ArchiveLayout(p.archive).root for p in chosen]
        check_output(output, force=force, archive=roots)
        source = [(p.name, open_db(ArchiveLayout(p.archive).db, readonly=True)) for p in chosen]
    else:
        roots = ArchiveLayout(archive_dir).root
        check_output(output, force=force, archive=roots)  # before opening anything
        source = open_db(ArchiveLayout(archive_dir).db, readonly=True)
    n = export(source, fmt, output, since=since, until=until, category=category,
               include_html=with_html, force=force, archive=roots)
    click.echo(f"exported {n} articles to {output}", err=True)


COMMANDS = [export_cmd]
