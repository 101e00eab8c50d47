"""``portal-archive replay``: serve the archive through pywb on loopback."""

from __future__ import annotations

import click

from archive.layout import ArchiveLayout
from archive.research.replay import COLLECTION, free_port, start_replay, stop_replay

from .options import archive_option


@click.command()
@archive_option
@click.option("--port", type=int, default=None, help="Port on 127.0.0.1 (default: a free one).")
def replay(archive_dir: str, port: int | None) -> None:
    """Browse the archive in pywb (installed on first use in its own environment)."""
    port = port or free_port()
    proc = start_replay(ArchiveLayout(archive_dir), port)
    click.echo(f"replaying at http://127.0.0.1:{port}/{COLLECTION}/ — search with "
               f"http://127.0.0.1:{port}/{COLLECTION}/*/<url>; Ctrl-C stops")
    try:
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        stop_replay(proc)


COMMANDS = [replay]
