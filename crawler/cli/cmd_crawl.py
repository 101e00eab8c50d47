"""``portal-archive crawl``: one crawl into an archive."""

from __future__ import annotations

import sys

import click

from .options import apply_profile, archive_option, site_options


@click.command()
@archive_option
@click.option("--start-url", default=None, help="Where to start [default: the real portal].")
@click.option("--full", is_flag=True, help="Fetch everything again, not only what may have changed.")
@click.option("--max-duration", type=click.IntRange(min=1), default=None, metavar="SECONDS",
              help="Stop cleanly after this long (the next run resumes).")
@click.option("--max-pages", type=click.IntRange(min=1), default=None, metavar="N",
              help="Stop cleanly after N responses (the next run resumes).")
@click.option("--alias", "aliases", multiple=True, metavar="OLD=NEW",
              help="Another origin (scheme://host[:port]) of the same site, e.g. after an "
                   "http→https or www. move or a new port (repeatable; the archive remembers it).")
@click.option("-v", "--verbose", is_flag=True, help="Print the summary even when not on a terminal.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override any Scrapy or PORTAL_* setting (repeatable).")
@site_options
def crawl(archive_dir, start_url, full, max_duration, max_pages, aliases, verbose, overrides, site,
          config_path):
    """Crawl the portal into WARC files and the SQLite database.

    \b
    Exit codes: 0 done, 1 fatal, 2 usage, 3 finished but some pages failed,
    4 finished but the articles parsed far worse than in recent crawls (parse drift),
    75 another crawl holds the archive, 130 stopped by SIGINT/SIGTERM.
    """
    from crawler.runner import EXIT_OK, build_settings, parse_overrides, run_crawl

    try:
        parsed = parse_overrides(overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    if site:
        archive_dir, start_url, parsed = apply_profile(site, config_path, archive_dir, start_url, parsed)
    if aliases:
        from archive.origins import BadOrigin, parse_aliases

        given = " ".join([parsed.get("PORTAL_ALIASES") or "", *aliases]).strip()
        try:
            parse_aliases(given)
        except BadOrigin as exc:
            raise click.BadParameter(str(exc), param_hint="--alias") from exc
        parsed["PORTAL_ALIASES"] = given
    if full:
        parsed["PORTAL_FULL"] = "True"
    if max_duration:
        parsed["CLOSESPIDER_TIMEOUT"] = str(max_duration)
    if max_pages:
        parsed["CLOSESPIDER_PAGECOUNT"] = str(max_pages)
    result = run_crawl(build_settings(archive_dir, start_url, parsed))
    line = (f"crawl {result.crawl_id} {result.status}: {result.captures} fetches, "
            f"{result.articles} articles in the archive, {result.errors} errors")
    if result.message:
        click.echo(f"error: {result.message}", err=True)
    if result.drift:
        click.echo(f"warning: {result.drift}", err=True)
    if result.exit_code != EXIT_OK:
        click.echo(line, err=True)
    elif verbose or sys.stdout.isatty():
        click.echo(line)
    sys.exit(result.exit_code)


COMMANDS = [crawl]
