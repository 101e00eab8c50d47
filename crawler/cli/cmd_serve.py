"""`portal-archive serve`: browse the archive read-only in Datasette."""

from __future__ import annotations

import click

from archive.layout import ArchiveLayout
from archive.ports import is_loopback
from archive.research.datasette_serve import MAX_RETURNED_ROWS, SQL_TIME_LIMIT_MS, serve

from .options import archive_option, chosen_sites, sites_options


@click.command("serve")
@archive_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; any other needs --public).")
@click.option("--public", is_flag=True,
              help="Allow a --host that is not loopback: the whole database becomes readable, "
                   "with read-only SQL, by anyone who can reach that address.")
@sites_options("Serve (one database per portal, queries across them)")
def serve_cmd(archive_dir, port, host, public, sites, all_sites, config_path):
    """Open the archive read-only in Datasette, with table docs and canned queries.

    Safe while a crawl writes the archive: the database is opened read-only
    (never immutable), its WAL is left to the crawl, and every query sees what
    the crawl has committed.
    """
    layout = ArchiveLayout(archive_dir)
    chosen = chosen_sites(sites, all_sites, config_path)
    target = {p.name: ArchiveLayout(p.archive) for p in chosen} if chosen else layout
    what = layout.db if target is layout else "the archives of " + ", ".join(target)
    if not is_loopback(host):
        if not public:
            raise click.BadParameter(
                f"{host} is not a loopback address: the archive would be readable from the "
                "network — add --public if that is what you want", param_hint="--host")
        click.echo(f"PUBLIC: anyone who can reach http://{host}:{port}/ can read every table of "
                   f"{what} (articles, every captured URL, crawl settings and errors) and run "
                   f"read-only SQL on it ({SQL_TIME_LIMIT_MS} ms and {MAX_RETURNED_ROWS} rows "
                   "per query at most)", err=True)
    raise SystemExit(serve(target, port=port, host=host, announce=lambda: click.echo(
        f"Datasette on http://{host}:{port}/ — Ctrl-C to stop", err=True)))


COMMANDS = [serve_cmd]
