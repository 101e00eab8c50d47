"""Options shared by several commands."""

from __future__ import annotations

import click

from archive.layout import DEFAULT_ARCHIVE

archive_option = click.option(
    "--archive", "archive_dir", default=DEFAULT_ARCHIVE, show_default=True,
    type=click.Path(file_okay=False), help="Archive directory.",
)

force_option = click.option(
    "--force", is_flag=True,
    help="Replace an existing -o file (atomically), write into a device/FIFO, follow a symlink.",
)

# -o FILE: a path or "-" for standard output; archive.outputs decides whether it may be written
OUTPUT_HELP = "File to write, or - for standard output (never inside an archive)."


config_option = click.option(
    "--config", "config_path", default=None, type=click.Path(dir_okay=False),
    help="Site profiles file [default: $PORTAL_ARCHIVE_CONFIG, ./portals.toml, "
         "/etc/portal-archive/portals.toml].")


def site_options(fn):
    """``--site NAME`` and ``--config FILE``: take the crawl's settings from a site profile."""
    fn = config_option(fn)
    return click.option("--site", default=None, metavar="NAME",
                        help="Crawl this site of the profiles file (start URL, archive, "
                             "politeness, window); -s still overrides.")(fn)


def apply_profile(site, config_path, archive_dir, start_url, overrides):
    """Profile settings under the ``-s`` overrides; binds the archive to the site's origin."""
    from archive.fleet.profiles import bind_archive, load_config

    ctx = click.get_current_context()
    if start_url or ctx.get_parameter_source("archive_dir") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--site takes the start URL and archive from the profile: "
                               "drop --archive/--start-url (or use -s to override)")
    profile = load_config(config_path).site(site)
    settings = {**profile.to_settings(), **overrides}
    archive_dir = settings.pop("PORTAL_ARCHIVE_DIR")
    start_url = settings.pop("PORTAL_START_URL")
    bind_archive(profile)
    return archive_dir, start_url, settings


class DateArg(click.ParamType):
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, a real date (``archive.datearg``); else a usage error."""

    name = "DATE"

    def convert(self, value, param, ctx):
        from archive.datearg import BadDate, parse_date_arg
        try:
            return parse_date_arg(value, param.name if param else "date")
        except BadDate as exc:
            self.fail(str(exc), param, ctx)


DATE = DateArg()
since_option = click.option(
    "--since", type=DATE, help="Published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD; "
    "the articles.published_at column, the portal's displayed date).")
until_option = click.option(
    "--until", type=DATE, help="Published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD; "
    "the articles.published_at column).")


def sites_options(what: str):
    """``--site NAME`` (repeatable), ``--all`` and ``--config FILE``: several portals' archives."""
    def deco(fn):
        fn = config_option(fn)
        fn = click.option("--all", "all_sites", is_flag=True, help=f"{what} every site of the profiles file.")(fn)
        return click.option("--site", "sites", multiple=True, metavar="NAME",
                            help=f"{what} this site of the profiles file (repeatable).")(fn)
    return deco


def chosen_sites(sites, all_sites, config_path):
    """The profiles that ``--site``/``--all`` name, or None when neither is given."""
    if not sites and not all_sites:
        return None
    if sites and all_sites:
        raise click.UsageError("give --site NAME or --all, not both")
    from archive.fleet.profiles import load_config

    cfg = load_config(config_path)
    return list(cfg.sites.values()) if all_sites else [cfg.site(n) for n in sites]
