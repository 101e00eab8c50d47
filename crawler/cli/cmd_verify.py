"""``portal-archive verify``: check WARC files, database pointers and the fixity manifest."""

from __future__ import annotations

import sys

import click

from archive.integrity.verify import verify_archive
from archive.layout import ArchiveLayout

from .options import archive_option


@click.command()
@archive_option
def verify(archive_dir: str) -> None:
    """Check every WARC record's digests, every row's WARC pointer and the SHA-256 manifest.

    Exit 0 when the archive is sound; otherwise exit 1 and print one line per defect.
    """
    report = verify_archive(ArchiveLayout(archive_dir))
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for line in report.defects:
        click.echo(line)
    click.echo(report.summary(), err=not report.sound)
    sys.exit(0 if report.sound else 1)


COMMANDS = [verify]
