"""``portal-archive import``: take WARC files made by other tools into the archive."""

from __future__ import annotations

import click

from archive.integrity.importer import import_warcs
from archive.layout import ArchiveLayout

from .options import archive_option


@click.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
@archive_option
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Processes parsing pages (more than 1 pays off with more than 2 CPUs) [default: 1].")
@click.option("--origin", "origins", multiple=True, metavar="URL",
              help="An origin (scheme://host[:port]) of the portal, besides its crawls' start URLs "
                   "and aliases; records of any other origin are kept in the WARC copy but never "
                   "become captures or articles. Repeatable. [default when the archive has no crawl: "
                   "the portal's start URL]")
def import_cmd(files: tuple[str, ...], archive_dir: str, jobs: int | None, origins: tuple[str, ...]) -> None:
    """Import WARC files (wget, Heritrix, Browsertrix…; WARC/1.0 or 1.1, gzip or not).

    Each file is copied into warc/ (recompressed one gzip member per record if
    it is not already, the given file kept in warc/originals/), its responses
    become captures and the portal's posts in it become articles. A bad or
    already imported file stops the command before anything is changed.

    Import is a trust boundary: only records of the portal's own origins become
    captures; other hosts, look-alike hosts, other ports and records dated in
    the future (after now or after the file's own time) are kept in the WARC
    copy, listed and counted, never turned into articles. The portal's own
    crawls always win over imported copies of the same post.
    """
    def on_file(done):
        how = "recompressed" if done.recompressed else "copied"
        click.echo(f"{done.source} → warc/{done.stored_as} ({how}): {done.counts.captures} captures, "
                   f"{done.counts.articles} article saves, crawl {done.crawl_id}", err=True)
        for r in done.counts.refused[:20]:
            click.echo(f"refused: {r['target_uri']} ({r['reason']}: {r['detail']})", err=True)
        if len(done.counts.refused) > 20:
            click.echo(f"refused: … {len(done.counts.refused) - 20} more (table refused_records)", err=True)

    from crawler.settings import PORTAL_START_URL

    report = import_warcs(ArchiveLayout(archive_dir), list(files), jobs=jobs, on_file=on_file,
                          origins=origins, default_origin=PORTAL_START_URL)
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for f in report.files:
        for problem in f.counts.problems:
            click.echo(f"problem: {problem}", err=True)
    click.echo(report.summary())


COMMANDS = [import_cmd]
