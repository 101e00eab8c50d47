"""``portal-archive status``: what the archive holds and what its last crawls did."""

from __future__ import annotations

import click

from archive.status import archive_status, format_status

from .options import archive_option


@click.command()
@archive_option
@click.option("--crawls", "n_crawls", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many of the last crawls to list.")
@click.option("--errors", "n_errors", type=click.IntRange(min=0), default=10, show_default=True,
              help="How many of the last errors to list.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object instead of text.")
def status(archive_dir: str, n_crawls: int, n_errors: int, as_json: bool) -> None:
    """Last crawls, counts, last errors, disk use, and whether a crawl runs now.

    Read-only: safe while a crawl is running.
    """
    st = archive_status(archive_dir, crawls=n_crawls, errors=n_errors)
    click.echo(st.to_json() if as_json else format_status(st))


COMMANDS = [status]
