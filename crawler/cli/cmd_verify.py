"""``portal-archive verify``: check WARC files, rows, indexes and the fixity manifest."""

from __future__ import annotations

import sys

import click

from archive.integrity.salvage import check_target, salvage
from archive.integrity.verify import verify_archive
from archive.layout import ArchiveLayout

from .options import archive_option


@click.command()
@archive_option
@click.option("--deep", is_flag=True, help="Also parse every article again from its WARC record and compare.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="With --deep: check N random articles instead of all.")
@click.option("--fix-index", is_flag=True, help="Rebuild CDXJ indexes that are missing or disagree with their WARC.")
@click.option("--salvage", "salvage_dir", type=click.Path(file_okay=False), default=None,
              help="Copy every intact record of each damaged WARC into DIR/<name> (outside the archive's warc/).")
def verify(archive_dir: str, deep: bool, sample: int | None, fix_index: bool, salvage_dir: str | None) -> None:
    """Prove the archive: every WARC record (digests, gzip members), every row
    (pointers, content digests of articles, deleted rows), CDXJ indexes, import
    originals and the SHA-256 manifest.

    One line per defect on stdout (a damaged span of a WARC file is one line,
    with file, offset, record id and `corrupt` or `truncated`), notes and the
    summary on stderr. Exit 0 when sound, 1 when there is any defect.
    """
    if sample is not None and not deep:
        raise click.UsageError("--sample N needs --deep")
    layout = ArchiveLayout(archive_dir)
    if salvage_dir is not None:
        check_target(layout, salvage_dir)  # refuse before the long walk
    report = verify_archive(layout, deep=deep, sample=sample, fix_index=fix_index)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for line in report.defects:
        click.echo(line)
    for line in report.fixed:
        click.echo(f"fixed: {line}", err=True)
    if salvage_dir is not None and report.damage_spans:
        for s in salvage(layout, sorted(report.damage_spans), salvage_dir):
            click.echo(f"salvaged: {s.records} intact records of {s.source} into {s.output} "
                       f"({s.skipped} damaged span(s) left out)", err=True)
    elif salvage_dir is not None:
        click.echo("salvaged: nothing — no WARC file is damaged", err=True)
    click.echo(report.summary(), err=not report.sound)
    sys.exit(0 if report.sound else 1)


COMMANDS = [verify]
