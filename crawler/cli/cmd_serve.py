"""`portal-archive serve`: browse the archive read-only in Datasette."""

from __future__ import annotations

import click

from archive.layout import ArchiveLayout
from archive.research.datasette_serve import serve

from .options import archive_option


@click.command("serve")
@archive_option
@click.option("--port", default=8001, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; 0.0.0.0 exposes it to the network).")
def serve_cmd(archive_dir, port, host):
    """Open the archive read-only in Datasette, with table docs and canned queries."""
    click.echo(f"Datasette on http://{host}:{port}/ — Ctrl-C to stop", err=True)
    raise SystemExit(serve(ArchiveLayout(archive_dir), port=port, host=host))


COMMANDS = [serve_cmd]
