"""Hostile and damaged WARC files, written to disk for the import/verify/reindex tests.

Each maker writes a real file and returns its path. The big ones are built
streaming (a 100 MB header line never sits in this process's memory whole).
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path


def record(headers: list[tuple[str, str]], block: bytes, version: bytes = b"WARC/1.0") -> bytes:
    head = [version] + [f"{k}: {v}".encode() for k, v in headers]
    if not any(k.lower() == "content-length" for k, _ in headers):
        head.append(b"Content-Length: " + str(len(block)).encode())
    return b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"


def response(url: str, html: bytes, rid: str, date: str = "2024-05-01T10:00:00Z",
             status: str = "200 OK") -> bytes:
    http = (b"HTTP/1.1 " + status.encode() + b"\r\nContent-Type: text/html; charset=UTF-8\r\n"
            b"Content-Length: " + str(len(html)).encode() + b"\r\n\r\n" + html)
    return record([("WARC-Type", "response"), ("WARC-Record-ID", f"<urn:uuid:{rid}>"),
                   ("WARC-Date", date), ("WARC-Target-URI", url),
                   ("Content-Type", "application/http; msgtype=response")], http)


def gzip_bomb(path: Path, inflated: int = 4_000_000_000) -> Path:
    """One gzip member (~4 MB) claiming a 4 GB record of zeros."""
    head = record([("WARC-Type", "resource"), ("WARC-Record-ID", "<urn:uuid:bomb>"),
                   ("WARC-Date", "2024-05-01T10:00:00Z"), ("WARC-Target-URI", "http://evil.example/z"),
                   ("Content-Length", str(inflated))], b"")[:-4]
    # raw deflate blocks after a full flush do not depend on what came before, so
    # the compressed 16 MiB of zeros is computed once and repeated
    zeros = bytes(1 << 24)
    comp = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = comp.compress(head) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    n, rest = divmod(inflated, len(zeros))
    crc = zlib.crc32(head)
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    tail = comp.compress(zeros[:rest]) + comp.flush()
    crc = zlib.crc32(zeros[:rest], crc)
    with open(path, "wb") as f:
        f.write(b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + first)
        for _ in range(n):
            f.write(block)
        f.write(tail)
        f.write(struct.pack("<II", crc, (len(head) + inflated) & 0xFFFFFFFF))
    return path


def long_header_line(path: Path, size: int = 100 * 1024 * 1024, compressed: bool = False) -> Path:
    """A record whose one header line is ``size`` bytes long."""
    start = b"WARC/1.0\r\nWARC-Type: resource\r\nX-Long: "
    chunk = b"a" * (1 << 20)
    out = gzip.open(path, "wb") if compressed else open(path, "wb")
    with out as f:
        f.write(start)
        for _ in range(size // len(chunk)):
            f.write(chunk)
        f.write(b"\r\nContent-Length: 0\r\n\r\n\r\n\r\n")
    return path


def huge_content_length(path: Path, compressed: bool = True) -> Path:
    data = record([("WARC-Type", "resource"), ("WARC-Record-ID", "<urn:uuid:huge>"),
                   ("WARC-Date", "2024-05-01T10:00:00Z"), ("WARC-Target-URI", "http://evil.example/"),
                   ("Content-Length", "9" * 40)], b"")
    path.write_bytes(gzip.compress(data) if compressed else data)
    return path
