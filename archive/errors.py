"""Exceptions of the library. Each message says what happened and what to do."""


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
