"""Parsing the pages of WARC records, here or in worker processes.

``parse_page((raw, content_encoding, url, content_type))`` is pure: it undoes
the Content-Encoding and runs ``archive.warc.capture_rows.parse_capture``; it
returns a ``Parsed`` (article, nothing, or the problem). ``PageParser(jobs)`` runs batches of them:
``submit(tasks)`` returns at once (with ``jobs > 1`` the batch is already
being parsed in worker processes), ``results(handle)`` gives the outcomes in
task order. Only parsing moves to the workers; the caller applies results to
the database strictly in record order, so the rows do not depend on ``jobs``.
"""

from __future__ import annotations

from concurrent.futures import Future, ProcessPoolExecutor

from archive.errors import ArchiveError
from archive.parser.profile import ParserProfile
from archive.warc.capture_rows import Parsed, parse_capture
from archive.warc.read import decode_content

Task = tuple[bytes, "str | None", str, "str | None"]  # raw payload, Content-Encoding, URL, Content-Type


def default_jobs() -> int:
    """1: on the 2-core reference machine worker processes only compete with the
    main one (which reads records and writes rows); pass ``jobs`` on bigger machines."""
    return 1


def parse_page(task: Task, profile: ParserProfile | None = None) -> Parsed:
    raw, coding, url, content_type = task
    try:
        html = decode_content(raw, coding)
    except ArchiveError as exc:
        return Parsed(problem=str(exc), undecodable=True)
    return parse_capture(html, url, content_type, profile)


def _batch(tasks: list[Task], profile: ParserProfile | None = None) -> list[Parsed]:
    return [parse_page(t, profile) for t in tasks]


class PageParser:
    """``profile``: the archive's parser profile, handed to every page it parses."""

    def __init__(self, jobs: int = 1, profile: ParserProfile | None = None):
        self.jobs = max(1, int(jobs))
        self.profile = profile
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, tasks: list[Task]):
        if self.jobs == 1 or len(tasks) < 2:
            return ("here", tasks)
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.jobs)
        size = -(-len(tasks) // self.jobs)
        return ("pool", [self._pool.submit(_batch, tasks[i:i + size], self.profile)
                         for i in range(0, len(tasks), size)])

    def results(self, handle) -> list[Parsed]:
        where, items = handle
        if where == "here":
            return _batch(items, self.profile)
        out: list[Parsed] = []
        for future in items:
            assert isinstance(future, Future)
            out.extend(future.result())
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> "PageParser":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
