"""Walk the gzip members of a WARC file and check each holds one whole record.

``warcio check`` and the indexers accept a file cut mid-record (WARC.md), so
truncation is found here: every member must decompress to its end and hold
exactly one record — ``WARC/1.x`` headers, ``Content-Length`` bytes of block,
then CRLFCRLF.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from typing import Callable, Iterator

from archive.errors import TruncatedWarc

CHUNK = 1 << 20


@dataclass
class Member:
    offset: int
    length: int
    data: bytes  # the uncompressed record

    def split(self) -> tuple[list[tuple[str, str]], bytes]:
        """(WARC headers in order, block)."""
        return split_record(self.data)


def split_record(data: bytes) -> tuple[list[tuple[str, str]], bytes]:
    end = data.index(b"\r\n\r\n")
    lines = data[:end].decode("utf-8", "replace").split("\r\n")
    headers = []
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    length = int(_get(headers, "Content-Length") or 0)
    return headers, data[end + 4:end + 4 + length]


def _get(headers: list[tuple[str, str]], name: str) -> str | None:
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def _whole_record_problem(data: bytes) -> str | None:
    if not data.startswith(b"WARC/1."):
        return "does not start with a WARC/1.x header"
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return "ends inside the WARC headers"
    try:
        headers, _ = split_record(data)
        length = int(_get(headers, "Content-Length") or "x")
    except ValueError:
        return "has no valid Content-Length"
    want = end + 4 + length + 4
    if len(data) < want:
        return f"holds {len(data) - end - 4} of {length + 4} block bytes"
    if len(data) > want:
        return "holds more than one record"
    if not data.endswith(b"\r\n\r\n"):
        return "does not end with CRLFCRLF"
    return None


def iter_members(path: str | os.PathLike, tap: Callable[[bytes], None] | None = None) -> Iterator[Member]:
    """Yield every member with its decompressed record; raise ``TruncatedWarc``
    (``good_until`` = offset of the first bad member) at the first bad one.
    ``tap`` receives every raw chunk read (e.g. to hash the file in the same pass)."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        if tap is not None:
            raw_read = f.read

            def read(n: int) -> bytes:
                chunk = raw_read(n)
                tap(chunk)
                return chunk
        else:
            read = f.read
        pos = 0
        buf = b""
        while True:
            if not buf:
                buf = read(CHUNK)
                if not buf:
                    return
            start = pos
            d = zlib.decompressobj(zlib.MAX_WBITS + 16)
            out = bytearray()
            consumed = 0
            while True:
                try:
                    out += d.decompress(buf)
                except zlib.error as exc:
                    raise _truncated(path, start, f"is not valid gzip ({exc})") from None
                if d.eof:
                    consumed += len(buf) - len(d.unused_data)
                    buf = d.unused_data
                    break
                consumed += len(buf)
                buf = read(CHUNK)
                if not buf:
                    raise _truncated(path, start, "ends before its gzip stream does")
            problem = _whole_record_problem(bytes(out))
            if problem:
                raise _truncated(path, start, problem)
            pos = start + consumed
            yield Member(start, consumed, bytes(out))


def _truncated(path: str, offset: int, what: str) -> TruncatedWarc:
    return TruncatedWarc(
        f"{path}: the gzip member at offset {offset} {what} — the file was cut while "
        "being written; run `portal-archive verify` (or a crawl, which recovers "
        "`.open` files) to cut it back to its last whole record",
        good_until=offset,
    )


def walk_members(path: str | os.PathLike) -> Iterator[tuple[int, int]]:
    """Yield ``(offset, length)`` of each gzip member; ``TruncatedWarc`` at a partial one."""
    for m in iter_members(path):
        yield m.offset, m.length


walk = walk_members  # name used in docs/design.md


def good_length(path: str | os.PathLike) -> tuple[int, int, str | None]:
    """``(bytes of whole records, number of records, problem or None)``."""
    n = 0
    end = 0
    try:
        for off, length in walk_members(path):
            n += 1
            end = off + length
    except TruncatedWarc as exc:
        return exc.good_until, n, str(exc)
    return end, n, None
