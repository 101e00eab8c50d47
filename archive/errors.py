"""Exceptions of the library. Each message says what happened and what to do."""

from __future__ import annotations

import errno


class ArchiveError(Exception):
    """Base class; the CLI prints ``error: <message>`` and exits with 1."""


class NotAnArchive(ArchiveError):
    pass


class ArchiveLocked(ArchiveError):
    """Another process holds the archive's crawl lock."""

    exit_code = 75  # EX_TEMPFAIL: cron may simply try again later

    def __init__(self, message: str, pid: int | None = None):
        super().__init__(message)
        self.pid = pid


class ReadOnlyArchive(ArchiveError):
    pass


class TruncatedWarc(ArchiveError):
    """A WARC file ends inside a record (a crash while writing)."""

    def __init__(self, message: str, good_until: int = 0):
        super().__init__(message)
        self.good_until = good_until


class SchemaTooNew(ArchiveError):
    pass


class DatabaseLocked(ArchiveError):
    """Another program holds a write lock on the archive's database."""


class PortInUse(ArchiveError):
    """A server could not listen on the port asked for."""


class PortalUnreachable(ArchiveError):
    """No answer at all from the portal."""

    exit_code = 69  # EX_UNAVAILABLE


_FULL = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))
_DENIED = (errno.EROFS, errno.EACCES, errno.EPERM)


_FIX_SPACE = "free some space (or move the archive) and run again; nothing archived was lost"
_FIX_WRITABLE = "choose a writable --archive directory or fix its permissions"
_REBUILD = "rebuild it from the WARC files with `portal-archive reindex`"

# SQLite's message (lower case) contains → the error class and its line ({db}, {text})
_SQLITE_ERRORS: tuple[tuple[tuple[str, ...], type[ArchiveError], str], ...] = (
    (("locked", "busy"), DatabaseLocked,
     "{db} is locked by another program ({text}; e.g. a SQLite shell or a notebook inside a "
     "write transaction) — end that transaction or close the program, then run again"),
    (("full",), ArchiveError, "{db}: {text} — " + _FIX_SPACE),
    (("readonly", "read-only"), ReadOnlyArchive, "cannot write {db} ({text}) — " + _FIX_WRITABLE),
    (("unable to open",), ArchiveError,
     "cannot open {db} ({text}) — check the --archive path and its permissions"),
    (("no such table", "no such column"), NotAnArchive,
     "{db} is not a complete portal-archive database ({text}) — pass the right --archive, or "
     + _REBUILD.replace(" from the WARC files", "")),
)


def from_os_error(exc: OSError, what: str | None = None) -> ArchiveError | None:
    """One line for an ``OSError`` a user can fix (full disk, read-only or missing
    path, busy port); ``None`` for anything else (a bug keeps its traceback)."""
    where = what or exc.filename or "the archive"
    if exc.errno in _FULL:
        return ArchiveError(f"no space left on the device holding {where} — {_FIX_SPACE}")
    if exc.errno in _DENIED:
        return ReadOnlyArchive(f"cannot write {where} ({exc.strerror}) — {_FIX_WRITABLE}")
    if exc.errno == errno.EADDRINUSE:
        return PortInUse(f"the port is already in use ({where}) — stop the program using it "
                         "or choose another --port")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR):
        return ArchiveError(f"{exc.strerror}: {where} — check the path")
    return None


def from_sqlite_error(exc: Exception, db: object = "the archive's database") -> ArchiveError:
    """One line for a ``sqlite3.Error``, with what to do about it; anything not
    recognised is damage ("database disk image is malformed", "file is not a database")."""
    text = str(exc)
    for words, cls, line in _SQLITE_ERRORS:
        if any(w in text.lower() for w in words):
            return cls(line.format(db=db, text=text))
    return ArchiveError(f"{db} is damaged ({text}) — {_REBUILD}")
