"""``portal-archive scrapyd deploy|schedule|jobs``: many portals on Scrapyd nodes."""

from __future__ import annotations

import click

from .options import chosen_sites, config_option, sites_options

SPIDER = "portal"


@click.group()
def scrapyd():
    """Run the crawls of a portals.toml on Scrapyd nodes (README: "Many portals on Scrapyd nodes")."""


@scrapyd.command()
@click.option("--node", "nodes", multiple=True, metavar="URL",
              help="Scrapyd node to deploy to (repeatable) [default: every node of the config].")
@click.option("--version", "version", default=None, help="Egg version [default: the Unix time].")
@config_option
def deploy(nodes, version, config_path):
    """Build the project egg and upload it to Scrapyd nodes."""
    from archive.fleet.egg import PROJECT, build_egg, default_version
    from archive.fleet.profiles import load_config
    from archive.fleet.scrapyd import Node

    if not nodes:
        cfg = load_config(config_path)
        nodes = sorted({p.node for p in cfg.sites.values() if p.node})
        if not nodes:
            raise click.UsageError(f"no site of {cfg.path} names a node — pass --node URL")
    version = version or default_version()
    egg = build_egg(version)
    for url in nodes:
        node = Node(url)
        doc = node.add_version(PROJECT, version, egg)
        click.echo(f"deployed {PROJECT} {version} ({len(egg) // 1024} KiB) to {node.label}: "
                   f"{doc.get('spiders', '?')} spider(s)")


@scrapyd.command()
@sites_options("Schedule")
@click.option("-s", "--set", "overrides", multiple=True, metavar="NAME=VALUE",
              help="Override a setting for these jobs (repeatable).")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing when every site is scheduled (cron).")
def schedule(sites, all_sites, overrides, quiet, config_path):
    """Schedule each site's crawl on its node (schedule.json)."""
    from archive.fleet.egg import PROJECT
    from archive.fleet.jobs import new_job_id
    from archive.fleet.scrapyd import Node
    from crawler.runner import parse_overrides

    chosen = chosen_sites(sites, all_sites, config_path)
    if not chosen:
        raise click.UsageError("name the sites with --site NAME, or pass --all")

    try:
        extra = parse_overrides(overrides)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc
    for profile in chosen:
        if not profile.node:
            raise click.UsageError(f"site {profile.name!r} names no node — add node = URL to its "
                                   "[sites.NAME] table (or to [defaults])")
        settings = {**profile.to_settings(), **extra}
        _validate(settings)
        job = Node(profile.node).schedule(PROJECT, SPIDER, settings, new_job_id(profile.name))
        if not quiet:
            click.echo(f"{profile.name}: job {job} on {Node(profile.node).label}")


def _validate(settings: dict[str, str]) -> None:
    """The settings a job will run with, checked here as `crawl -s` checks them."""
    from crawler.runner import build_settings

    try:
        build_settings(None, None, dict(settings))
    except ValueError as exc:
        raise click.UsageError(str(exc)) from exc


@scrapyd.command()
@click.option("--site", "sites", multiple=True, metavar="NAME", help="Only these sites (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--failed", is_flag=True,
              help="Only jobs of the last 24 hours that did not end with exit 0, and nodes that are "
                   "down; print nothing otherwise (for cron mail).")
@config_option
def jobs(sites, fmt, failed, config_path):
    """Pending, running and finished jobs across the nodes, with each outcome."""
    import json

    from archive.fleet.jobs import collect_jobs, recent_failures
    from archive.fleet.profiles import load_config

    cfg = load_config(config_path)
    rows = collect_jobs(cfg, set(sites) or None)
    if failed:
        rows = recent_failures(rows)
        if not rows:
            return
    if fmt == "json":
        click.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=1))
        return
    if not rows and not failed:
        click.echo("no jobs")
        return
    for r in rows:
        click.echo(f"{r.node}  {r.site or '?':<16} {r.state:<8} {r.job}  {r.summary}")


COMMANDS = [scrapyd]
