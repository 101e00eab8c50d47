"""``portal-archive replay``: serve the archive through pywb on loopback."""

from __future__ import annotations

import signal

import click

from archive.layout import ArchiveLayout
from archive.research.replay import COLLECTION, free_port, start_replay, stop_replay

from .options import archive_option


def _interrupt(signum, frame):
    raise KeyboardInterrupt  # SIGTERM/SIGHUP stop pywb as Ctrl-C does


@click.command()
@archive_option
@click.option("--port", type=int, default=None, help="Port on 127.0.0.1 (default: a free one).")
def replay(archive_dir: str, port: int | None) -> None:
    """Browse the archive in pywb (installed on first use in its own environment).

    The replay is ready once pywb's own process holds the listening socket and
    answers; SIGTERM, SIGHUP and Ctrl-C stop pywb too (no orphaned server).
    """
    port = port or free_port()
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    proc = None
    try:
        proc = start_replay(ArchiveLayout(archive_dir), port)
        click.echo(f"replaying at http://127.0.0.1:{port}/{COLLECTION}/ — search with "
                   f"http://127.0.0.1:{port}/{COLLECTION}/*/<url>; Ctrl-C stops")
        proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        if proc is not None:
            stop_replay(proc)


COMMANDS = [replay]
