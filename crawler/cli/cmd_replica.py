"""``portal-archive replica``: serve the offline portal replica; ``replica truth``: its ground truth."""

from __future__ import annotations

import errno
import json
import signal
import sys

import click

from replica import DEFAULT_BASE_URL, DEFAULT_POSTS, DEFAULT_SEED

posts_option = click.option("--posts", type=click.IntRange(1), default=DEFAULT_POSTS,
                            show_default=True, help="Number of posts.")
seed_option = click.option("--seed", type=click.IntRange(0), default=DEFAULT_SEED,
                           show_default=True, help="Content seed.")
day_option = click.option("--day", type=click.IntRange(0), default=0, show_default=True,
                          help="Serve the site as it stands on this simulated day.")


def style_options(f):
    """The WordPress set-up (``replica.style.SiteStyle``) and the content variety."""
    from replica.style import REST_MODES, SEO_SHAPES, THEMES
    for opt in reversed((
        click.option("--theme", type=click.Choice(THEMES), default="classic", show_default=True,
                     help="classic: the portal's own theme; block: modelled on Twenty Twenty-Three; "
                          "magazine: modelled on tagDiv's Newspaper (source in the theme's box)."),
        click.option("--rest", type=click.Choice(REST_MODES), default="on", show_default=True,
                     help="REST API: on, or answer 401/403 (disabled by a plugin) / 404 (removed)."),
        click.option("--seo", type=click.Choice(SEO_SHAPES), default="og", show_default=True,
                     help="SEO plugin output: og (Open Graph only), none, yoast, rankmath, newsarticle, "
                          "mixed (JSON-LD shape per post)."),
        click.option("--variety", is_flag=True,
                     help="Editorial and WordPress variety: bylines, sources and date lines in many forms, "
                          "reporter accounts, edited, multi-page and password-protected posts."),
        click.option("--theme-change-day", type=click.IntRange(1), default=None,
                     help="From this simulated day on, the site uses the --theme-after theme."),
        click.option("--theme-after", type=click.Choice(THEMES), default="magazine", show_default=True,
                     help="The theme from --theme-change-day on."),
    )):
        f = opt(f)
    return f


def make_style(theme, rest, seo, theme_change_day, theme_after="magazine"):
    from replica.style import SiteStyle
    return SiteStyle(theme=theme, rest=rest, seo=seo, theme_change_day=theme_change_day,
                     theme_after=theme_after)


@click.group("replica", invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0 = any free port).")
@posts_option
@seed_option
@day_option
@click.option("--lastmod", is_flag=True, help="Write <lastmod> in sitemaps, as SEO plugins do.")
@click.option("--faults", "fault_spec", default="", metavar="SPEC",
              help="Seeded faults, e.g. '500=0.05,reset=0.02,hang=0.01,drip=0.02,429=0.03,503=0.01,bad' "
                   "(see docs/replica.md).")
@click.option("--no-validators", is_flag=True,
              help="No Last-Modified/ETag on post pages (as many WordPress sites), so no 304 for them.")
@click.option("--crawl-delay", type=click.FloatRange(0, min_open=True), default=None,
              help="Add 'Crawl-delay: N' to robots.txt.")
@style_options
@click.pass_context
def replica(ctx, host, port, posts, seed, day, lastmod, fault_spec, no_validators, crawl_delay,
            theme, rest, seo, variety, theme_change_day, theme_after):
    """Serve the offline WordPress replica of the portal on loopback until stopped.

    The first line on stdout is ``serving http://HOST:PORT/``.
    """
    if ctx.invoked_subcommand is not None:
        return
    from replica.content import Corpus
    from replica.faults import Faults, FaultSpecError
    from replica.server import check_loopback, serve
    from replica.site import Site

    try:
        check_loopback(host)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--host") from None
    try:
        faults = Faults.parse(fault_spec, seed)
    except FaultSpecError as exc:
        raise click.BadParameter(str(exc), param_hint="--faults") from None

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    site = Site(Corpus(posts, seed, day=day, variety=variety), lastmod=lastmod, faults=faults,
                validators=not no_validators, crawl_delay=crawl_delay,
                style=make_style(theme, rest, seo, theme_change_day, theme_after))

    def ready(base_url):
        site.default_base = base_url
        click.echo(f"serving {base_url}/")
        sys.stdout.flush()

    try:
        serve(site, host, port, ready=ready)
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            from archive.ports import busy
            raise busy(host, port, "replica") from None
        raise


@replica.command("truth")
@posts_option
@seed_option
@day_option
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True,
              help="Base URL the replica is served at (URLs in the truth use it).")
@style_options
@click.option("--documents", is_flag=True,
              help="Print the posts' documents instead (one JSON object per document, PDF text included).")
def truth(posts, seed, day, base_url, theme, rest, seo, variety, theme_change_day, theme_after, documents):
    """Print the ground truth: one JSON object per article, in post-id order.

    Give the same set-up options as the served replica: what a perfect crawler
    stores depends on them (e.g. --theme block shows no Gốc link)."""
    from replica.truth import iter_document_truth, iter_truth

    out = sys.stdout
    if documents:
        rows = iter_document_truth(posts, seed, base_url, day=day, variety=variety)
    else:
        rows = iter_truth(posts, seed, base_url, day=day, variety=variety,
                          style=make_style(theme, rest, seo, theme_change_day, theme_after))
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")


@replica.command("events")
@posts_option
@seed_option
@click.option("--day", type=click.IntRange(1), required=True, help="Last simulated day.")
def events(posts, seed, day):
    """Print the site's changes of days 1..DAY (add, edit, rename, delete) as JSON lines."""
    from replica.truth import iter_events

    for event in iter_events(posts, seed, day=day):
        sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")


@replica.command("bad-pages")
@posts_option
@seed_option
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="Base URL of the replica.")
def bad_pages(posts, seed, base_url):
    """Print the bad pages served with --faults bad (url, kind, expect, truth) as JSON lines."""
    from replica.badpages import bad_truth
    from replica.content import Corpus

    for row in bad_truth(Corpus(posts, seed), base_url.rstrip("/")):
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


COMMANDS = [replica]
