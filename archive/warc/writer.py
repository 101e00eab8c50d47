"""WarcWriter: WARC/1.1 files, one gzip member per record, ``.open`` while written.

Files are named ``<prefix>-<YYYYmmddHHMMSSfff>-<serial:05d>-<host>-<pid>.warc.gz``
and written as ``….warc.gz.open``; on close or rotation the file is flushed,
fsynced, renamed and the directory fsynced, then ``on_close(path)`` is called.
Every record is flushed to the operating system before its ``RecordRef`` is
returned, so a crash of the process (not of the machine) never loses a record
the caller was told about.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import zlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Protocol

from archive import __version__
from archive.errors import ArchiveError
from archive.fsutil import fsync_dir as _fsync_dir
from archive.warc import records as R
from archive.warc.exchange import Exchange, RecordRef, warc_date

OPEN_SUFFIX = ".open"


class RefersTo(Protocol):
    record_id: str
    target_uri: str
    date: str


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", socket.gethostname()).strip("-") or "localhost"


def gzip_member(data: bytes, level: int) -> bytes:
    comp = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return comp.compress(data) + comp.flush()


# the library's defaults; the crawl's come from crawler/settings.py (PORTAL_WARC_*), which names these
DEFAULT_PREFIX = "portal"
DEFAULT_MAX_SIZE = 1_000_000_000   # bytes: rotate to a new file past this (IIPC's customary 1 GB)
DEFAULT_COMPRESS_LEVEL = 6         # zlib level; 9 costs 1.5x CPU for ~1 % size


class WarcWriter:
    def __init__(
        self,
        directory: str | os.PathLike,
        *,
        prefix: str = DEFAULT_PREFIX,
        max_size: int = DEFAULT_MAX_SIZE,
        warcinfo: dict | None = None,
        compress_level: int = DEFAULT_COMPRESS_LEVEL,
        on_close: Callable[[Path], None] | None = None,
    ):
        self.directory = Path(directory)
        self.prefix = prefix
        self.max_size = max_size
        self.warcinfo = dict(warcinfo or {})
        self.compress_level = compress_level
        self.on_close = on_close
        self.closed_files: list[Path] = []
        self._serial = 0
        self._host = _host()
        self._file = None
        self._path: Path | None = None  # final path (without .open)
        self._warcinfo_id = ""
        self._lock = threading.RLock()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ArchiveError(
                f"cannot create WARC directory {self.directory} ({exc.strerror}) — "
                "choose a writable archive directory"
            ) from exc

    # -- files -------------------------------------------------------------
    @property
    def current_path(self) -> Path | None:
        """The ``.open`` path being written, or ``None``."""
        return None if self._path is None else self._path.with_name(self._path.name + OPEN_SUFFIX)

    def _open_new(self) -> None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")[:17]
        name = f"{self.prefix}-{stamp}-{self._serial:05d}-{self._host}-{os.getpid()}.warc.gz"
        self._serial += 1
        self._path = self.directory / name
        try:
            self._file = open(self.current_path, "xb")
        except OSError as exc:
            raise ArchiveError(
                f"cannot create {self.current_path} ({exc.strerror}) — check the archive directory"
            ) from exc
        self._write_warcinfo(name)

    def _write_warcinfo(self, filename: str) -> None:
        info: dict = {
            "software": f"portal-archive/{__version__}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
        }
        info.update(self.warcinfo)  # the caller's values win
        fields = []
        for key, value in info.items():
            if value is None or key == "normalisations":
                continue
            text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                                   default=str)
            fields.append((str(key), text))
        fields.append(("normalisations", R.NORMALISATIONS))
        block = R.warc_fields(fields)
        self._warcinfo_id = R.new_record_id()
        headers = [
            ("WARC-Type", "warcinfo"),
            ("WARC-Record-ID", self._warcinfo_id),
            ("WARC-Date", warc_date()),
            ("WARC-Filename", filename),
            ("WARC-Block-Digest", R.sha1_digest(block)),
            ("Content-Type", "application/warc-fields"),
        ]
        self._append(R.record_bytes(headers, block))

    def _append(self, record: bytes) -> tuple[int, int]:
        member = gzip_member(record, self.compress_level)
        offset = self._file.tell()
        self._file.write(member)
        return offset, len(member)

    def _ensure_file(self) -> None:
        if self._file is not None and self._file.tell() >= self.max_size:
            self._close_current()
        if self._file is None:
            self._open_new()

    def _close_current(self) -> None:
        if self._file is None:
            return
        f, open_path, final = self._file, self.current_path, self._path
        self._file = None
        self._path = None
        f.flush()
        os.fsync(f.fileno())
        f.close()
        os.replace(open_path, final)
        _fsync_dir(final.parent)
        self.closed_files.append(final)
        if self.on_close is not None:
            self.on_close(final)

    def flush(self, fsync: bool = False) -> None:
        with self._lock:
            if self._file is not None:
                self._file.flush()
                if fsync:
                    os.fsync(self._file.fileno())

    def close(self) -> None:
        with self._lock:
            self._close_current()

    def __enter__(self) -> "WarcWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- records -----------------------------------------------------------
    def _ref(self, rtype, offset, length, rid, pdig, bdig, uri, date) -> RecordRef:
        return RecordRef(self._path.name, offset, length, rid, pdig, bdig, uri, date, rtype)

    def _request_record(self, ex: Exchange, date: str, concurrent_to: str) -> bytes:
        block = R.request_header_block(ex) + ex.request_body
        headers = [
            ("WARC-Type", "request"),
            ("WARC-Record-ID", R.new_record_id()),
            ("WARC-Date", date),
            ("WARC-Target-URI", ex.url),
            ("WARC-Concurrent-To", concurrent_to),
            ("WARC-Warcinfo-ID", self._warcinfo_id),
            ("WARC-Payload-Digest", R.sha1_digest(ex.request_body)),
            ("WARC-Block-Digest", R.sha1_digest(block)),
            ("Content-Type", R.HTTP_REQUEST_TYPE),
        ]
        return R.record_bytes(headers, block)

    def _common(self, rtype: str, ex: Exchange, rid: str, date: str) -> list[tuple[str, str]]:
        headers = [("WARC-Type", rtype), ("WARC-Record-ID", rid), ("WARC-Date", date),
                   ("WARC-Target-URI", ex.url)]
        if ex.ip:
            headers.append(("WARC-IP-Address", ex.ip))
        headers.append(("WARC-Warcinfo-ID", self._warcinfo_id))
        return headers

    def write_exchange(self, ex: Exchange) -> RecordRef:
        """Write a ``response`` record then its ``request`` record; both flushed."""
        block = R.response_header_block(ex) + ex.body
        pdig, bdig = R.payload_digest(ex.body), R.sha1_digest(block)
        extra = [("WARC-Payload-Digest", pdig), ("WARC-Block-Digest", bdig)]
        if ex.truncated:
            extra.append(("WARC-Truncated", ex.truncated))
        return self._write_pair("response", ex, block, extra, pdig, bdig)

    def write_revisit(self, ex: Exchange, refers_to: RefersTo) -> RecordRef:
        """Write an identical-payload-digest ``revisit`` record (HTTP headers only,
        no body) then its request record. ``refers_to`` needs ``record_id``,
        ``target_uri`` and ``date`` of the original record (a ``RecordRef`` or a
        ``DigestIndex.lookup`` result)."""
        block = R.response_header_block(ex)
        pdig, bdig = R.payload_digest(ex.body), R.sha1_digest(block)
        extra = [
            ("WARC-Profile", R.REVISIT_PROFILE),
            ("WARC-Refers-To-Target-URI", refers_to.target_uri),
            ("WARC-Refers-To-Date", refers_to.date),
            ("WARC-Refers-To", refers_to.record_id),
            ("WARC-Payload-Digest", pdig),
            ("WARC-Block-Digest", bdig),
        ]
        return self._write_pair("revisit", ex, block, extra, pdig, bdig)

    def _write_pair(self, rtype, ex, block, extra, pdig, bdig) -> RecordRef:
        date = warc_date(ex.fetched_at)
        rid = R.new_record_id()
        with self._lock:
            self._ensure_file()
            headers = self._common(rtype, ex, rid, date) + extra
            headers.append(("Content-Type", R.HTTP_RESPONSE_TYPE))
            resp = R.record_bytes(headers, block)
            req = self._request_record(ex, date, rid)
            offset, length = self._append(resp)
            self._append(req)
            self._file.flush()
            return self._ref(rtype, offset, length, rid, pdig, bdig, ex.url, date)
