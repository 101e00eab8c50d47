"""``portal-archive wacz``: package the archive's WARCs and article pages as a WACZ file."""

from __future__ import annotations

import click

from archive.layout import ArchiveLayout
from archive.warc.wacz import create_wacz

from .options import archive_option, force_option


@click.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=True),
              help="The .wacz file to write, or - for standard output (never inside an archive).")
@click.option("--captured-since", "since", default=None, metavar="DATE",
              help="Only captures fetched at or after DATE (YYYY-MM-DD or ISO time, UTC; the "
                   "captures.fetched_at column — not the publication date that search and "
                   "export's --since filter).")
@click.option("--since", "old_since", default=None, hidden=True)
@force_option
@archive_option
def wacz(output: str, since: str | None, old_since: str | None, force: bool, archive_dir: str) -> None:
    """Write a WACZ file (WARCs, CDXJ index, pages.jsonl from the articles)."""
    if old_since is not None:
        # same name, different column from search/export's --since: renamed, still accepted
        click.echo("warning: wacz --since is now --captured-since (it filters the capture "
                   "time, not the publication date)", err=True)
        since = since or old_since
    result = create_wacz(ArchiveLayout(archive_dir), output, since=since, force=force)
    click.echo(f"{result.path}: {len(result.warc_files)} WARC files, {result.pages} pages",
               err=output == "-")  # standard output carries the file itself
    for url in result.unmatched_pages:
        click.echo(f"warning: page not found in the WARCs: {url}", err=True)


COMMANDS = [wacz]
