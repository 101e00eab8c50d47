"""Decompression bombs: a gzip/deflate body that inflates past a limit is refused, with a reason.

Scrapy's HttpCompressionMiddleware already stops at ``DOWNLOAD_MAXSIZE`` but
turns the response into a silent ``IgnoreRequest``. This middleware runs just
before it (priority 595, above its 590) and inflates the body in bounded
steps, counting the output without keeping it (only intermediate layers of a
multi-layer ``Content-Encoding`` are kept, each bounded too). Past
``PORTAL_MAX_DECOMPRESSED_SIZE`` (never above ``DOWNLOAD_MAXSIZE``) the
response becomes an ``errors`` row ``decompression-bomb`` and is dropped; the
still-compressed body is archived as sent. A body that is not valid gzip is
left to Scrapy.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest, NotConfigured

from .base import CrawlerMiddleware
from .errors import record_error

STEP = 256 * 1024


class TooLarge(Exception):
    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def _inflate(data: bytes, wbits: int, limit: int, keep: bool) -> bytes:
    """Inflate ``data`` in ``STEP`` slices; ``TooLarge`` once output passes ``limit``."""
    out, total = [], 0
    d = zlib.decompressobj(wbits)
    pending = data
    while True:
        chunk = d.decompress(pending, STEP)
        pending = d.unconsumed_tail
        total += len(chunk)
        if total > limit:
            raise TooLarge(total)
        if keep:
            out.append(chunk)
        if d.eof:
            rest = d.unused_data
            if wbits & 16 and rest[:2] == b"\x1f\x8b":  # another gzip member
                d, pending = zlib.decompressobj(wbits), rest
                continue
            break
        if not chunk and not pending:
            break
    return b"".join(out)


def check_decoded_size(body: bytes, encodings: list[str], limit: int) -> None:
    """Raise ``TooLarge`` if undoing ``encodings`` (as listed in Content-Encoding) passes ``limit``."""
    layers = [e for e in (x.strip().lower() for x in encodings) if e and e != "identity"]
    data = body
    for depth, coding in enumerate(reversed(layers)):
        keep = depth < len(layers) - 1
        try:
            if coding in ("gzip", "x-gzip"):
                data = _inflate(data, zlib.MAX_WBITS | 16, limit, keep)
            elif coding == "deflate":
                try:
                    data = _inflate(data, zlib.MAX_WBITS, limit, keep)
                except zlib.error:
                    data = _inflate(data, -zlib.MAX_WBITS, limit, keep)
            else:
                return  # br, zstd, unknown: not ours to judge (never advertised)
        except zlib.error:
            return  # corrupt: Scrapy decides


@dataclass(eq=False)
class DecompressionGuardMiddleware(CrawlerMiddleware):
    SWITCH = "COMPRESSION_ENABLED"  # off: bodies are never inflated
    limit: int

    @classmethod
    def options(cls, s):
        limit = s.getint("PORTAL_MAX_DECOMPRESSED_SIZE")
        maxsize = s.getint("DOWNLOAD_MAXSIZE")
        if maxsize:
            limit = min(limit, maxsize) if limit > 0 else maxsize
        if limit <= 0:
            raise NotConfigured("no decompression limit set")
        return {"limit": limit}

    def process_response(self, request, response):
        if request.method == "HEAD":
            return response
        raw = response.headers.getlist(b"Content-Encoding")
        if not raw:
            return response
        encodings = [part for value in raw for part in value.decode("latin-1").split(",")]
        try:
            check_decoded_size(response.body, encodings, self.limit)
        except TooLarge as exc:
            record_error(self.crawler, request.url, "decompression-bomb",
                         f"{len(response.body)} compressed bytes inflate past {self.limit} bytes "
                         f"(stopped at {exc.size}); archived compressed, not parsed "
                         "— raise PORTAL_MAX_DECOMPRESSED_SIZE and DOWNLOAD_MAXSIZE if it is real")
            raise IgnoreRequest("decompressed body too large") from None
        return response
