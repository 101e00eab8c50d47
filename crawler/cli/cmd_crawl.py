"""``portal-archive crawl``: one crawl into an archive."""

from __future__ import annotations

import signal
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
              help="Stop cleanly once N articles are stored; listings, documents and page "
                   "requisites do not count (the next run resumes).")
@click.option("--alias", "aliases", multiple=True, metavar="OLD=NEW",
              help="Another origin (scheme://host[:port]) of the same site, e.g. after an "
                   "http→https or www. move or a new port (repeatable; the archive remembers it).")
@click.option("-v", "--verbose", is_flag=True, help="Print the summary even when not on a terminal.")
@click.option("--plan", is_flag=True,
              help="Fetch nothing but robots.txt and the sitemaps: estimate the crawl's fetches, "
                   "duration and --max-duration windows at this politeness (writes nothing).")
@click.option("--json", "as_json", is_flag=True, help="With --plan: the estimate as one JSON object.")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override any Scrapy or PORTAL_* setting (repeatable).")
@site_options
def crawl(archive_dir, start_url, full, max_duration, max_pages, aliases, verbose, plan, as_json,
          overrides, site, config_path):
    """Crawl the portal into WARC files and the SQLite database.

    \b
    Exit codes: 0 done (also stopped by SIGTERM: the next run resumes), 1 fatal,
    2 usage, 3 finished but some pages failed, 4 finished but the articles parsed
    far worse than in recent crawls (parse drift), 69 the portal could not be
    reached at all, 75 another crawl holds the archive, 130 stopped by SIGINT.
    With --plan: 0, or 69 when the portal could not be reached.
    """
    from crawler.runner import (
        EXIT_OK,
        EXIT_UNREACHABLE,
        build_settings,
        contact_warning,
        hold_signals,
        parse_overrides,
        run_crawl,
        validate_start_url,
    )

    if as_json and not plan:
        raise click.UsageError("--json goes with --plan")
    if not plan:
        hold_signals()  # a SIGTERM during start-up stops the crawl cleanly, not by default death

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
    if start_url is not None:
        try:
            start_url = validate_start_url(start_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--start-url") from exc
    if full:
        parsed["PORTAL_FULL"] = "True"
    if max_duration:
        parsed["CLOSESPIDER_TIMEOUT"] = str(max_duration)
    if max_pages:
        parsed["CLOSESPIDER_ITEMCOUNT"] = str(max_pages)  # items are articles: an article budget
    try:
        settings = build_settings(archive_dir, start_url, parsed)
    except ValueError as exc:  # PORTAL_START_URL given with -s
        raise click.UsageError(str(exc)) from exc
    warning = contact_warning(settings)
    if warning:
        click.echo(f"warning: {warning}", err=True)
    if plan:
        _plan(settings, window_given=bool(max_duration), as_json=as_json)
        return
    result = run_crawl(settings)
    line = result.line()
    if result.stopped_by == signal.SIGTERM:
        line += " — stopped by SIGTERM; the next run resumes"
    elif result.exit_code == EXIT_UNREACHABLE:
        line = (f"error: the portal could not be reached at all (crawl {result.crawl_id}: "
                f"{result.errors} requests failed, none answered) — check the network, DNS and the start URL "
                f"{settings.get('PORTAL_START_URL')}")
    if result.message:
        click.echo(f"error: {result.message}", err=True)
    if result.drift:
        click.echo(f"warning: {result.drift}", err=True)
    if result.exit_code != EXIT_OK or result.stopped_by == signal.SIGTERM:
        click.echo(line, err=True)
    elif verbose or sys.stdout.isatty():
        click.echo(line)
    sys.exit(result.exit_code)


def _plan(settings, *, window_given: bool, as_json: bool) -> None:
    import json

    from crawler.plan import plan_crawl

    estimate = plan_crawl(settings, window_given=window_given)
    if as_json:
        click.echo(json.dumps(estimate.to_json(), ensure_ascii=False))
    else:
        click.echo("\n".join(estimate.lines()))


COMMANDS = [crawl]
