"""``portal-archive reindex``: rebuild the database from the WARC files alone."""

from __future__ import annotations

import sys

import click

from archive.integrity.reindex import reindex_archive
from archive.layout import ArchiveLayout

from .options import archive_option


@click.command()
@archive_option
@click.option("--db", "db_path", type=click.Path(dir_okay=False), default=None,
              help="Write the rebuilt database here instead of replacing <archive>/archive.sqlite.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes parsing pages (more than 1 pays off with more than 2 CPUs) [default: 1].")
@click.option("--quiet", "-q", is_flag=True, help="Print only the summary.")
def reindex(archive_dir: str, db_path: str | None, jobs: int | None, quiet: bool) -> None:
    """Rebuild the database from warc/*.warc.gz: crawls, captures, articles (parsed again).

    Without --db the database is built in a temporary file and swapped in
    atomically; the old one is kept as archive.sqlite.bak-<timestamp>.

    A damaged gzip member is skipped (the read resyncs at the next whole one);
    the command then still swaps the rebuilt database in, lists each skip and
    exits 3.
    """
    def on_file(path, counts):
        if not quiet:
            click.echo(f"{path.name}: {counts.records} records, {counts.captures} captures, "
                       f"{counts.articles} article saves", err=True)

    from crawler.settings import PORTAL_START_URL

    report = reindex_archive(ArchiveLayout(archive_dir), db_path, jobs=jobs, on_file=on_file,
                             default_origin=PORTAL_START_URL)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for problem in report.counts.problems:
        click.echo(f"problem: {problem}", err=True)
    click.echo(report.summary())
    if report.counts.skipped:
        sys.exit(3)  # rebuilt, but damaged records of the WARC files could not be read


COMMANDS = [reindex]
