"""``portal-archive demo``: crawl the offline replica end to end."""

from __future__ import annotations

import sys

import click

from replica import DEFAULT_POSTS, DEFAULT_SEED

from .options import archive_option


@click.command()
@archive_option
@click.option("--posts", default=DEFAULT_POSTS, show_default=True, help="Posts in the replica.")
@click.option("--seed", default=DEFAULT_SEED, show_default=True, help="Replica content seed.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override any Scrapy or PORTAL_* setting (repeatable).")
def demo(archive_dir, posts, seed, overrides):
    """Serve the offline replica on loopback and archive it (politeness off)."""
    from crawler.demo import run_demo
    from crawler.runner import parse_overrides

    summary = run_demo(archive_dir, posts, seed, parse_overrides(overrides))
    for line in summary.lines():
        click.echo(line)
    sys.exit(summary.result.exit_code)


COMMANDS = [demo]
