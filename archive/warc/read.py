"""Read records back: one record at an offset, or every record of a file."""

from __future__ import annotations

import io
import os
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from warcio.statusandheaders import StatusAndHeadersParser

from archive.errors import ArchiveError
from archive.warc.limits import LIMITS, Limits
from archive.warc.members import Damage, Member, scan_members

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
    payload_kept: bool = True  # False: larger than ``Limits.keep``, only digested (raw_payload is b"")
    payload_length: int = 0  # bytes of the stored payload (also when not kept)
    block_length: int = 0
    member_length: int = 0  # compressed bytes of its gzip member

    def warc_header(self, name: str) -> str | None:
        return _first(self.warc_headers, name)

    def http_header(self, name: str) -> str | None:
        return _first(self.http_headers, name)

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
        """The decoded payload as text, decoded as the parser decodes pages
        (``Content-Type`` charset, BOM, meta tag, then guesses)."""
        from archive.parser.decode import decode_html
        from archive.warc.capture_rows import charset

        return decode_html(self.payload(), charset(self.content_type))


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


_HTTP = StatusAndHeadersParser(["HTTP/1.0", "HTTP/1.1", "HTTP/2", "HTTP/2.0"], verify=False)
HTTP_TYPES = ("response", "revisit", "request")


def stored_from_member(path: Path | str, m: Member) -> StoredRecord:
    """A ``StoredRecord`` of a whole member (an HTTP block's headers parsed by warcio)."""
    sr = StoredRecord(path=str(path), offset=m.offset, rec_type=m.rec_type, warc_headers=list(m.headers))
    sr.block_length = m.block_length
    sr.member_length = m.length
    block = m.block
    ctype = (m.header("Content-Type") or "").lower()
    if m.rec_type in HTTP_TYPES and ctype.startswith("application/http"):
        head = m.http_head if block is None else block
        stream = io.BytesIO(head)
        try:
            parsed = _HTTP.parse(stream)
        except Exception:  # noqa: BLE001 - a block that holds no HTTP message: keep it raw
            parsed = None
        if parsed is not None and parsed.protocol:
            sr.http_protocol = parsed.protocol
            sr.http_headers = list(parsed.headers)
            if m.rec_type != "request":
                try:
                    sr.http_status = int(parsed.get_statuscode())
                except (TypeError, ValueError):
                    sr.http_status = None
            if block is not None:
                sr.raw_payload = block[stream.tell():]
            else:
                sr.payload_kept = False
            sr.payload_length = m.block_length - len(m.http_head)
            return sr
    if block is None:
        sr.payload_kept = False
    else:
        sr.raw_payload = block
    sr.payload_length = m.block_length
    return sr


def read_record(path: str | os.PathLike, offset: int, limits: Limits = LIMITS) -> StoredRecord:
    """The record whose gzip member starts at ``offset`` (a ``.open`` file is found too)."""
    p = _resolve(path)
    try:
        item = next(scan_members(p, limits, resync=False, start=offset), None)
    except OSError as exc:
        raise ArchiveError(f"cannot read {p} ({exc.strerror}) — check the file") from exc
    if item is None:
        raise ArchiveError(f"no WARC record at {p}:{offset} — run `portal-archive verify`")
    if isinstance(item, Damage):
        raise ArchiveError(f"no readable WARC record at {p}:{offset} ({item.kind}: the gzip member "
                           f"{item.why}) — run `portal-archive verify`")
    return stored_from_member(p, item)




def scan_records(path: str | os.PathLike, limits: Limits = LIMITS) -> Iterator[StoredRecord | Damage]:
    """Every whole record of a file with its gzip member offset, and every damaged
    span (``Damage``) between them; the walk resyncs past damage."""
    p = _resolve(path)
    for item in scan_members(p, limits):
        yield item if isinstance(item, Damage) else stored_from_member(p, item)


def iter_records(path: str | os.PathLike, limits: Limits = LIMITS) -> Iterator[StoredRecord]:
    """Every whole record of a file, in order, with its gzip member offset
    (damaged spans are left out: ``scan_records`` names them)."""
    for item in scan_records(path, limits):
        if not isinstance(item, Damage):
            yield item
