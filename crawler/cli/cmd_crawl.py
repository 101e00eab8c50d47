"""``portal-archive crawl``: one crawl into an archive."""

from __future__ import annotations

import sys

import click

from .options import archive_option


@click.command()
@archive_option
@click.option("--start-url", default=None, help="Where to start [default: the real portal].")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override any Scrapy or PORTAL_* setting (repeatable).")
def crawl(archive_dir, start_url, overrides):
    """Crawl the portal into WARC files and the SQLite database."""
    from crawler.runner import build_settings, parse_overrides, run_crawl

    try:
        parsed = parse_overrides(overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    result = run_crawl(build_settings(archive_dir, start_url, parsed))
    click.echo(
        f"crawl {result.crawl_id} {result.status}: {result.captures} captures, "
        f"{result.articles} articles in the archive, {result.errors} errors"
    )
    sys.exit(result.exit_code)


COMMANDS = [crawl]
