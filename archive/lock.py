"""One crawl per archive at a time: an advisory lock in ``<archive>/state/``.

``fcntl.flock`` is released by the kernel when the holder dies, so a lock
left by a killed crawl is taken over at once; the file names the holder's pid
so that a refused crawl can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from archive.errors import ArchiveError, ArchiveLocked, from_os_error
from archive.layout import ArchiveLayout


class CrawlLock:
    def __init__(self, layout: ArchiveLayout):
        self.path = layout.state_dir / "crawl.lock"
        self._fd: int | None = None

    def holder(self) -> int | None:
        try:
            text = Path(self.path).read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def acquire(self) -> "CrawlLock":
        """Take the lock; ``ArchiveLocked`` if held, one-line ``ArchiveError`` if
        the lock file cannot be written (a full or read-only file system)."""
        try:
            return self._acquire()
        except OSError as exc:
            raise from_os_error(exc, str(self.path)) or ArchiveError(
                f"cannot take the crawl lock {self.path} ({exc}) — check the archive directory"
            ) from exc

    def _acquire(self) -> "CrawlLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            pid = self.holder()
            raise ArchiveLocked(
                f"archive {self.path.parent.parent} is being crawled by pid {pid} — "
                "wait for it to finish (or stop it) and run again", pid=pid) from None
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
            os.fsync(fd)
        except OSError:
            os.close(fd)  # the kernel drops the flock with the descriptor
            raise
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc):
        self.release()


def lock_holder(layout: ArchiveLayout) -> int | None:
    """The pid of the crawl holding the archive's lock, or None (probed, never taken);
    -1 when it is held but the holder has not written its pid yet."""
    path = layout.state_dir / "crawl.lock"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = path.read_text().strip()
            return int(text) if text.isdigit() else -1
        return None
    finally:
        os.close(fd)  # also releases the shared lock we may have taken
