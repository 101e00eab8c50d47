"""Options shared by several commands."""

from __future__ import annotations

import click

from archive.layout import DEFAULT_ARCHIVE

archive_option = click.option(
    "--archive", "archive_dir", default=DEFAULT_ARCHIVE, show_default=True,
    type=click.Path(file_okay=False), help="Archive directory.",
)
