"""The ``portal-archive`` command line: thin click commands, no logic.

Every module ``crawler/cli/cmd_*.py`` exposes ``COMMANDS`` (a list of click
commands); they are collected here, so adding a command touches one new file.
Library errors (``archive.errors.ArchiveError``) become one line on stderr,
``error: …``, and exit code 1 (or the error's own ``exit_code``); so do the
errors a user can fix that reach here unwrapped: a damaged or locked SQLite
database, a full disk, a read-only or missing path, a busy port.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3
import sys

import click

from archive import __version__
from archive.errors import ArchiveError, from_os_error, from_sqlite_error
from archive.layout import DEFAULT_ARCHIVE, ArchiveLayout

_NoArgsIsHelp = getattr(click.exceptions, "NoArgsIsHelpError", ())


def _archive_db(args: list[str]) -> str:
    """The database the command line names (for an error message)."""
    root = DEFAULT_ARCHIVE
    for i, arg in enumerate(args):
        if arg == "--archive" and i + 1 < len(args):
            root = args[i + 1]
        elif arg.startswith("--archive="):
            root = arg.split("=", 1)[1]
    return str(ArchiveLayout(root).db)


class _Group(click.Group):
    _argv: list[str] = []

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            self._fail(exc)
        except sqlite3.Error as exc:
            self._fail(from_sqlite_error(exc, _archive_db(self._argv)))
        except OSError as exc:
            error = from_os_error(exc)
            if error is None:
                raise
            self._fail(error)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """Click's own errors (usage, bad option values) become one line too, exit 2."""
        self._argv = list(args) if args is not None else sys.argv[1:]  # for an error message
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _NoArgsIsHelp as exc:  # bare `portal-archive`: the help, as click shows it
            exc.show()
            sys.exit(exc.exit_code)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else "portal-archive"
            click.echo(f"error: {exc.format_message()} — see `{where} --help`", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except click.Abort:
            click.echo("error: aborted", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)

    @staticmethod
    def _fail(exc: ArchiveError):
        click.echo(f"error: {exc}", err=True)
        sys.exit(getattr(exc, "exit_code", 1))

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
