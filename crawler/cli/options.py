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
