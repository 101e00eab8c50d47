"""Read records back: one record at an offset, or every record of a file."""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from warcio.archiveiterator import ArchiveIterator

from archive.errors import ArchiveError

DEFAULT_MAX_PAYLOAD = 64 * 1024 * 1024


@dataclass
class StoredRecord:
    path: str
    offset: int
    rec_type: str
    warc_headers: list[tuple[str, str]]
    http_status: int | None = None
    http_protocol: str | None = None
    http_headers: list[tuple[str, str]] = field(default_factory=list)
    raw_payload: bytes = b""  # the body as stored (still content-encoded); b"" for revisits

    def warc_header(self, name: str) -> str | None:
        return _first(self.warc_headers, name)

    def http_header(self, name: str) -> str | None:
        return _first(self.http_headers, name)

    def http_header_list(self, name: str) -> list[str]:
        low = name.lower()
        return [v for k, v in self.http_headers if k.lower() == low]

    @property
    def record_id(self) -> str | None:
        return self.warc_header("WARC-Record-ID")

    @property
    def target_uri(self) -> str | None:
        return self.warc_header("WARC-Target-URI")

    @property
    def date(self) -> str | None:
        return self.warc_header("WARC-Date")

    @property
    def payload_digest(self) -> str | None:
        return self.warc_header("WARC-Payload-Digest")

    def payload(self, max_size: int = DEFAULT_MAX_PAYLOAD) -> bytes:
        """The body with its Content-Encoding (gzip, deflate) undone."""
        return decode_content(self.raw_payload, self.http_header("Content-Encoding"), max_size)

    @property
    def content_type(self) -> str | None:
        return self.http_header("Content-Type")

    @property
    def text(self) -> str:
        """The decoded payload as text (charset from Content-Type, else UTF-8)."""
        m = re.search(r"charset=[\"']?([\w.:-]+)", self.content_type or "", re.I)
        enc = m.group(1) if m else "utf-8"
        try:
            return self.payload().decode(enc, "replace")
        except LookupError:
            return self.payload().decode("utf-8", "replace")


def _first(headers, name):
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def decode_content(data: bytes, encoding: str | None, max_size: int = DEFAULT_MAX_PAYLOAD) -> bytes:
    if not encoding:
        return data
    codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
    for coding in reversed(codings):
        if coding in ("identity", ""):
            continue
        if coding in ("gzip", "x-gzip"):
            data = _inflate(data, zlib.MAX_WBITS + 32, max_size)
        elif coding == "deflate":
            try:
                data = _inflate(data, zlib.MAX_WBITS, max_size)
            except zlib.error:
                data = _inflate(data, -zlib.MAX_WBITS, max_size)
        else:
            raise ArchiveError(
                f"cannot decode Content-Encoding {coding!r} — only gzip and deflate are "
                "supported; the raw payload is still available as raw_payload"
            )
    return data


def _inflate(data: bytes, wbits: int, max_size: int) -> bytes:
    d = zlib.decompressobj(wbits)
    out = d.decompress(data, max_size + 1)
    if len(out) > max_size:
        raise ArchiveError(
            f"decoded payload is larger than {max_size} bytes — pass a larger max_size"
        )
    return out


def _resolve(path: str | os.PathLike) -> Path:
    p = Path(path)
    if not p.exists():
        alt = p.with_name(p.name + ".open")
        if alt.exists():
            return alt
        raise ArchiveError(
            f"WARC file {p} does not exist — run `portal-archive verify` to list "
            "rows pointing at missing files"
        )
    return p


def _stored(path: Path, offset: int, rec) -> StoredRecord:
    sr = StoredRecord(
        path=str(path), offset=offset, rec_type=rec.rec_type,
        warc_headers=list(rec.rec_headers.headers),
    )
    if rec.http_headers is not None and rec.rec_type in ("response", "revisit", "request"):
        sr.http_protocol = rec.http_headers.protocol
        sr.http_headers = list(rec.http_headers.headers)
        if rec.rec_type != "request":
            try:
                sr.http_status = int(rec.http_headers.get_statuscode())
            except (TypeError, ValueError):
                sr.http_status = None
    sr.raw_payload = rec.raw_stream.read()
    return sr


def read_record(path: str | os.PathLike, offset: int) -> StoredRecord:
    """The record whose gzip member starts at ``offset`` (a ``.open`` file is found too)."""
    p = _resolve(path)
    with open(p, "rb") as f:
        f.seek(offset)
        try:
            for rec in ArchiveIterator(f):
                return _stored(p, offset, rec)
        except Exception as exc:
            raise ArchiveError(
                f"no readable WARC record at {p}:{offset} ({exc}) — run `portal-archive verify`"
            ) from exc
    raise ArchiveError(f"no WARC record at {p}:{offset} — run `portal-archive verify`")


read_response = read_record  # name used in docs/design.md
StoredResponse = StoredRecord


def iter_records(path: str | os.PathLike) -> Iterator[StoredRecord]:
    """Every record of a file, in order, with its gzip member offset."""
    p = _resolve(path)
    with open(p, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            # read the payload first: get_record_offset() consumes the rest of the record
            stored = _stored(p, 0, rec)
            stored.offset = it.get_record_offset()
            yield stored
