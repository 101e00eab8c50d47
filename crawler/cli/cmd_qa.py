"""``portal-archive qa``: check replay against the live site in headless Chromium."""

from __future__ import annotations

import json
import sys

import click

from archive.layout import ArchiveLayout

from .options import archive_option


@click.command()
@archive_option
@click.option("--sample", type=click.IntRange(1), default=20, show_default=True,
              help="How many archived article pages to check (spread evenly over the archive).")
@click.option("--live", "live_base", default=None, metavar="URL",
              help="Where the site is served live now, if not at the archived URLs "
                   "(e.g. a replica on another port: http://127.0.0.1:8001/).")
@click.option("--max-diff", type=click.FloatRange(0, 100), default=1.0, show_default=True,
              help="A page fails above this pixel difference (percent).")
@click.option("--chromium", default=None, metavar="PATH",
              help="Chromium binary [default: $PORTAL_ARCHIVE_CHROMIUM, chromium on PATH].")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def qa(archive_dir, sample, live_base, max_diff, chromium, as_json):
    """Render sampled article pages live and replayed from the archive (pywb) in headless
    Chromium; report per page the resources replay could not serve and the pixel difference.

    Exit code 0 when every page passes, 3 when a page has a missing resource or a
    difference above --max-diff. Screenshots go to <archive>/logs/qa-<stamp>/.
    """
    from archive.research.qa import format_report, run_qa

    def progress(page):
        if sys.stderr.isatty():
            click.echo(f"checked {page.url}: {page.pixel_diff} % difference, "
                       f"{len(page.missing)} missing", err=True)

    report = run_qa(ArchiveLayout(archive_dir), sample=sample, live_base=live_base, max_diff=max_diff,
                    chromium=chromium, progress=progress)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    else:
        click.echo(format_report(report))
    sys.exit(3 if report.failed else 0)


COMMANDS = [qa]
