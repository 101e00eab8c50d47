"""Where a command may write its output file (``-o``), and how: nothing is ever destroyed.

One function for every ``-o`` of the command line (``export``, ``report``,
``wacz`` …)::

    with write_output(target, force=force, archive=layout.root) as tmp:
        write_everything_to(tmp)         # a fresh file; ``target`` is untouched so far

The rules (docs/outputs in the README):

- ``-`` means standard output.
- The target must be a regular file or a new name. A device, FIFO or socket
  is refused, and so is a symbolic link, unless ``force``: then a device or
  FIFO is written into (never replaced), and a link is followed to its target.
- Nothing inside an archive is ever a target, ``force`` or not: its
  ``warc/``, ``state/``, ``indexes/`` and ``logs/`` directories, its database
  (with ``-wal``/``-shm``/``-journal`` and ``.bak-*`` copies) and its fixity
  manifest. An archive is recognised by the ``archive`` argument and by any
  enclosing directory that holds ``archive.sqlite`` or both ``warc/`` and
  ``state/``.
- An existing regular file is replaced only with ``force``, atomically
  (rename of a complete temporary file in the same directory); a new file is
  published with ``link(2)``, so a file that appears meanwhile is not
  overwritten either.
- A failed write leaves the target as it was and removes the temporary file.
"""

from __future__ import annotations

import os
import shutil
import stat
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from archive.errors import ArchiveError
from archive.fsutil import fsync_dir
from archive.layout import PARSER_PROFILE

STDOUT = "-"
STDOUT_NAMES = ("/dev/stdout", "/dev/fd/1", "/proc/self/fd/1")  # with --force: standard output
ARCHIVE_DIRS = frozenset({"warc", "state", "indexes", "logs"})
ARCHIVE_DB = "archive.sqlite"
ARCHIVE_MANIFEST = "manifest-sha256.txt"


class OutputRefused(ArchiveError):
    """The output path would destroy something; nothing was written."""

    exit_code = 2  # a usage mistake: choose another -o


@dataclass(frozen=True)
class OutputTarget:
    """Where the output goes: ``stdout``, ``new`` file, ``replace`` a regular
    file (forced), or ``stream`` into an existing device/FIFO (forced)."""

    mode: str
    path: Path | None


def _kind(st: os.stat_result) -> str:
    mode = st.st_mode
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def archive_part(path: str | os.PathLike, archives=()) -> str | None:
    """The part of an archive that ``path`` would hit, if any (``archives``: archive roots
    known to the caller; any enclosing directory that looks like an archive counts too).
    Checked as given and with symbolic links resolved."""
    absolute = Path(os.path.abspath(Path(path).expanduser()))
    roots = [Path(os.path.realpath(a)) for a in archives if a is not None]
    for candidate in {absolute, Path(os.path.realpath(absolute))}:
        part = _archive_part(candidate, roots)
        if part is not None:
            return part
    return None


def _archive_part(path: Path, archives: list[Path]) -> str | None:
    roots = list(archives)
    for parent in path.parents:
        if (parent / ARCHIVE_DB).exists() or ((parent / "warc").is_dir() and
                                             (parent / "state").is_dir()):
            roots.append(parent)
    for root in roots:
        try:
            rel = path.relative_to(root)
        except ValueError:
            continue
        if not rel.parts:
            return f"the archive directory {root}"
        first = rel.parts[0]
        if len(rel.parts) > 1 and first in ARCHIVE_DIRS:
            return f"the archive's {first}/ directory ({root / first})"
        if len(rel.parts) == 1 and (first.startswith(ARCHIVE_DB) or first in (ARCHIVE_MANIFEST, PARSER_PROFILE)):
            return f"the archive's own file {root / first}"
    return None


def check_output(target: str | os.PathLike, *, force: bool = False,
                 archive: str | os.PathLike | None = None) -> OutputTarget:
    """Decide where an output goes, or raise ``OutputRefused`` (nothing is touched)."""
    if str(target) == STDOUT or (force and str(target) in STDOUT_NAMES):
        return OutputTarget("stdout", None)
    if not str(target):
        raise OutputRefused("empty output path — give -o FILE, or -o - for standard output")
    absolute = Path(os.path.abspath(Path(target).expanduser()))
    resolved = Path(os.path.realpath(absolute))
    several = archive if isinstance(archive, (list, tuple)) else [archive]  # export --all
    part = archive_part(absolute, several)
    if part is not None:
        raise OutputRefused(f"{target} is inside {part}; an output never goes there — "
                            "choose a path outside the archive")
    try:
        lst = os.lstat(absolute)
    except FileNotFoundError:
        lst = None
    except OSError as exc:
        raise OutputRefused(f"cannot inspect {target} ({exc.strerror}) — choose another -o path") from exc
    if lst is not None and stat.S_ISLNK(lst.st_mode):
        if not force:
            hint = " (for standard output, give -o -)" if str(target) in STDOUT_NAMES else ""
            raise OutputRefused(f"{target} is a symbolic link (to {os.readlink(absolute)}){hint} — "
                                "pass --force to write to where it points, or choose another path")
        absolute = resolved
        try:
            lst = os.stat(resolved)
        except FileNotFoundError:
            lst = None
    if not absolute.parent.is_dir():
        raise OutputRefused(f"the directory of {target} does not exist — create it first, "
                            "or choose a writable -o path")
    if lst is None:
        return OutputTarget("new", absolute)
    if stat.S_ISREG(lst.st_mode):
        if not force:
            raise OutputRefused(f"{target} exists — pass --force to replace it, or choose a new name")
        return OutputTarget("replace", absolute)
    if stat.S_ISDIR(lst.st_mode):
        raise OutputRefused(f"{target} is a directory — give a file name")
    if not force:
        raise OutputRefused(f"{target} is {_kind(lst)}, not a regular file — "
                            "pass --force to write into it, or choose a file name")
    if stat.S_ISSOCK(lst.st_mode):
        raise OutputRefused(f"{target} is a socket; nothing can be written into it — "
                            "choose a file name")
    return OutputTarget("stream", absolute)


@contextmanager
def write_output(target: str | os.PathLike, *, force: bool = False,
                 archive: str | os.PathLike | None = None, suffix: str = "") -> Iterator[Path]:
    """Yield a fresh temporary path to write; publish it to ``target`` when the block succeeds.

    The checks of ``check_output`` run before the block and again just before
    publishing (the place may have changed while the output was written).
    """
    plan = check_output(target, force=force, archive=archive)
    tmpdir = None
    try:
        if plan.mode in ("new", "replace"):
            assert plan.path is not None
            fd, name = tempfile.mkstemp(prefix=f".{plan.path.name}.", suffix=f".part{suffix}",
                                        dir=plan.path.parent)
        else:
            tmpdir = tempfile.mkdtemp(prefix="portal-archive-out-")
            fd, name = tempfile.mkstemp(suffix=f".part{suffix}", dir=tmpdir)
    except OSError as exc:  # a read-only or full directory
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise ArchiveError(f"cannot write {target} ({exc.strerror or exc}) — "
                           "choose a writable -o path") from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        _publish(tmp, target, force=force, archive=archive)
    except OSError as exc:
        raise ArchiveError(f"cannot write {target} ({exc.strerror or exc}) — "
                           "choose a writable -o path") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


def _publish(tmp: Path, target, *, force: bool, archive) -> None:
    plan = check_output(target, force=force, archive=archive)
    if plan.mode == "stdout":
        out = sys.stdout.buffer
        with open(tmp, "rb") as fh:
            shutil.copyfileobj(fh, out)
        out.flush()
        return
    assert plan.path is not None
    if plan.mode == "stream":  # a device or FIFO the user forced: written into, never replaced
        fd = os.open(plan.path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0))
        with open(fd, "wb") as out, open(tmp, "rb") as fh:
            shutil.copyfileobj(fh, out)
        return
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o666 & ~_umask())
    if plan.mode == "replace":
        os.replace(tmp, plan.path)
    else:
        try:
            os.link(tmp, plan.path)  # fails if the name appeared meanwhile: never overwrite
        except FileExistsError:
            raise OutputRefused(f"{target} appeared while the output was written — "
                                "pass --force to replace it, or choose a new name") from None
        except OSError:  # a file system without hard links
            if os.path.lexists(plan.path):
                raise OutputRefused(f"{target} exists — pass --force to replace it") from None
            os.replace(tmp, plan.path)
        else:
            tmp.unlink()
    fsync_dir(plan.path.parent)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
