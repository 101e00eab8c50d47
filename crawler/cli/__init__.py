"""The ``portal-archive`` command line: thin click commands, no logic.

Every module ``crawler/cli/cmd_*.py`` exposes ``COMMANDS`` (a list of click
commands); they are collected here, so adding a command touches one new file.
Library errors (``archive.errors.ArchiveError``) become one line on stderr,
``error: …``, and exit code 1.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import click

from archive import __version__
from archive.errors import ArchiveError


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            click.echo(f"error: {exc}", err=True)
            code = getattr(exc, "exit_code", 1)
            sys.exit(code)

    def list_commands(self, ctx):
        return sorted(self.commands)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="portal-archive")
def main() -> None:
    """Archive the Hai Phong city news portal into WARC files and SQLite."""


def _load_commands() -> None:
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name.startswith("cmd_"):
            module = importlib.import_module(f"{__name__}.{mod.name}")
            for cmd in getattr(module, "COMMANDS", []):
                main.add_command(cmd)


_load_commands()
