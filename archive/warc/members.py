"""Walk the gzip members of a WARC file, bounded, and check each holds one whole record.

``warcio check`` and the indexers accept a file cut mid-record (WARC.md), so
damage is found here: every member must inflate to its end and hold exactly
one record — ``WARC/1.x`` headers, ``Content-Length`` bytes of block, then
CRLFCRLF.

Every read is streaming and capped (``archive.warc.limits``): a header line,
the number of header lines, ``Content-Length``, the inflated size of a member
and of the file. A member past a cap, or one that does not inflate, is
*damage*: ``scan_members`` reports it once (offset, length, ``corrupt`` or
``truncated``, why) and **resyncs** — it looks for the next gzip member that
holds a WARC record and goes on from there, so one flipped byte costs one
record, not the rest of the file. Digests are computed while inflating, so a
block larger than ``Limits.keep`` is checked without being held in memory.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from archive.errors import TruncatedWarc
from archive.warc.limits import LIMITS, Limits

CHUNK = 1 << 20  # compressed bytes read at a time
OUT = 1 << 20  # inflated bytes produced at a time
FEED = 1 << 16  # compressed bytes handed to zlib at a time
HTTP_HEAD_CAP = 1 << 20  # an HTTP header block longer than this has no findable payload
GZIP_MAGIC = b"\x1f\x8b\x08"
_DIGITS = re.compile(rb"^[0-9]+$")


class RecordProblem(Exception):
    """The bytes do not hold a sane WARC record (a cap exceeded or a framing error)."""


def _hasher(spec: str | None):
    if not spec:
        return None
    algo = spec.partition(":")[0].strip().lower().replace("-", "")
    try:
        return hashlib.new(algo)
    except ValueError:
        return None


def digest_matches(spec: str, digest: bytes) -> bool | None:
    """Whether ``spec`` (``sha1:BASE32`` or hex) names ``digest``; ``None`` if unreadable."""
    import base64
    import binascii

    value = spec.partition(":")[2].strip()
    if len(value) == len(digest) * 2:
        try:
            return binascii.unhexlify(value.lower()) == digest
        except binascii.Error:
            return None
    try:
        return base64.b32decode(value.upper() + "=" * (-len(value) % 8)) == digest
    except binascii.Error:
        return None


def parse_header_block(head: bytes) -> list[tuple[str, str]]:
    """The named fields of a WARC header block (the version line left out);
    continuation lines are joined to the field before them."""
    headers: list[tuple[str, str]] = []
    for raw in head.split(b"\n")[1:]:
        line = raw.rstrip(b"\r").decode("utf-8", "replace")
        if not line.strip():
            continue
        if line[:1] in (" ", "\t") and headers:
            name, value = headers[-1]
            headers[-1] = (name, (value + " " + line.strip()).strip())
            continue
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    return headers


def header(headers: list[tuple[str, str]], name: str) -> str | None:
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


_get = header


def sane_length(value: str | None, limits: Limits = LIMITS) -> int:
    """``Content-Length`` as an int, or ``RecordProblem`` when it is missing, not
    digits, or more than ``limits.record``."""
    raw = (value or "").strip().encode("ascii", "replace")
    if not _DIGITS.match(raw):
        raise RecordProblem("has no valid Content-Length")
    if len(raw) > 19 or int(raw) > limits.record:
        shown = raw[:24].decode() + ("…" if len(raw) > 24 else "")
        raise RecordProblem(f"claims Content-Length {shown}, more than the {limits.record} bytes "
                            "a record may hold")
    return int(raw)


class RecordParser:
    """Push parser of one record: ``feed`` inflated bytes; it returns what lies
    past the record (after its block and, when ``trailer``, the CRLFCRLF)."""

    def __init__(self, limits: Limits = LIMITS, *, keep: bool = True, trailer: bool = True,
                 sink=None):
        self.limits = limits
        self.sink = sink  # receives the record's bytes as read: header block (with its blank line), block
        self.keep = keep
        self.trailer = trailer
        self.head = bytearray()
        self.headers: list[tuple[str, str]] | None = None
        self.length = 0
        self.got = 0
        self.block: bytearray | None = None
        self.block_hash = None
        self.payload_hash = None
        self.http = False
        self.http_head = bytearray()
        self.http_done = False
        self.tail = b""
        self._lines = 0

    @property
    def complete(self) -> bool:
        return (self.headers is not None and self.got == self.length
                and (not self.trailer or len(self.tail) >= 4))

    def feed(self, data: bytes) -> bytes:
        if self.headers is None:
            data = self._feed_head(data)
            if self.headers is None:
                return b""
        if self.got < self.length and data:
            n = min(len(data), self.length - self.got)
            self._feed_block(data[:n])
            data = data[n:]
        if self.got < self.length or not data:
            return b""
        if not self.trailer:
            return data
        need = 4 - len(self.tail)
        self.tail += data[:need]
        if not b"\r\n\r\n".startswith(self.tail):
            raise RecordProblem("does not end with CRLFCRLF after its block")
        return data[need:]

    def _feed_head(self, data: bytes) -> bytes:
        start = max(0, len(self.head) - 3)
        self.head += data
        if len(self.head) >= 7 and not self.head.startswith(b"WARC/1."):
            raise RecordProblem("does not start with a WARC/1.x header")
        crlf = self.head.find(b"\r\n\r\n", start)
        lf = self.head.find(b"\n\n", start)
        ends = [(i, w) for i, w in ((crlf, 4), (lf, 2)) if i >= 0]
        if not ends:
            last = self.head.rfind(b"\n")
            if len(self.head) - last - 1 > self.limits.header_line:
                raise RecordProblem(f"has a header line longer than {self.limits.header_line} bytes")
            if self.head.count(b"\n", start) + self._lines > self.limits.header_count:
                raise RecordProblem(f"has more than {self.limits.header_count} header lines")
            self._lines += self.head.count(b"\n", start)
            return b""
        end, width = min(ends)
        block = bytes(self.head[end + width:])
        head = bytes(self.head[:end])
        raw_head = bytes(self.head[:end + width])
        lines = head.split(b"\n")
        if len(lines) > self.limits.header_count:
            raise RecordProblem(f"has more than {self.limits.header_count} header lines")
        if max(len(x) for x in lines) > self.limits.header_line:
            raise RecordProblem(f"has a header line longer than {self.limits.header_line} bytes")
        self.head = bytearray(head)
        self.headers = parse_header_block(head)
        self.length = sane_length(header(self.headers, "Content-Length"), self.limits)
        if self.keep and self.length <= self.limits.keep:
            self.block = bytearray()
        self.block_hash = _hasher(header(self.headers, "WARC-Block-Digest"))
        self.payload_hash = _hasher(header(self.headers, "WARC-Payload-Digest") or "sha1:")
        self.http = (header(self.headers, "Content-Type") or "").lower().startswith("application/http")
        if self.sink is not None:
            self.sink(raw_head)
        return block

    def _feed_block(self, chunk: bytes) -> None:
        self.got += len(chunk)
        if self.sink is not None:
            self.sink(chunk)
        if self.block is not None:
            self.block += chunk
        if self.block_hash is not None:
            self.block_hash.update(chunk)
        if not self.http:
            if self.payload_hash is not None:
                self.payload_hash.update(chunk)
            return
        if self.http_done:
            if self.payload_hash is not None:
                self.payload_hash.update(chunk)
            return
        start = max(0, len(self.http_head) - 3)
        self.http_head += chunk
        end = self.http_head.find(b"\r\n\r\n", start)
        if end >= 0:
            self.http_done = True
            if self.payload_hash is not None:
                self.payload_hash.update(bytes(self.http_head[end + 4:]))
            del self.http_head[end + 4:]
        elif len(self.http_head) > HTTP_HEAD_CAP:
            self.http_done = True
            self.payload_hash = None  # no payload boundary within reach: its digest cannot be checked
            del self.http_head[HTTP_HEAD_CAP:]

    def missing(self) -> str:
        """Why the record is not complete (for a member that ended early)."""
        if self.headers is None:
            return "ends inside the WARC headers" if self.head else "holds no record"
        if self.got < self.length:
            return f"holds {self.got} of {self.length} block bytes"
        return "does not end with CRLFCRLF after its block"


@dataclass
class Member:
    """One whole record in one gzip member."""

    offset: int
    length: int  # compressed bytes
    head: bytes  # the WARC header block (version line and fields, no blank line)
    headers: list[tuple[str, str]]
    block_length: int
    block: bytes | None  # None when larger than ``Limits.keep`` (only digested)
    block_digest: bytes | None = None  # of the algorithm ``WARC-Block-Digest`` names
    payload_digest: bytes | None = None  # of the algorithm ``WARC-Payload-Digest`` names (sha1 if none)
    http_head: bytes = b""  # an HTTP record's status line and headers (incl. the blank line)

    def header(self, name: str) -> str | None:
        return header(self.headers, name)

    @property
    def rec_type(self) -> str:
        return self.header("WARC-Type") or ""

    @property
    def record_id(self) -> str:
        return self.header("WARC-Record-ID") or ""

    @property
    def data(self) -> bytes:
        """The uncompressed record (only for a kept block)."""
        if self.block is None:
            raise ValueError(f"record at {self.offset} is larger than the in-memory limit")
        return self.head + b"\r\n\r\n" + self.block + b"\r\n\r\n"

    def split(self) -> tuple[list[tuple[str, str]], bytes]:
        """(WARC headers in order, block)."""
        return self.headers, self.block if self.block is not None else b""

    def block_ok(self) -> bool | None:
        spec = self.header("WARC-Block-Digest")
        if spec is None or self.block_digest is None:
            return None
        return digest_matches(spec, self.block_digest)

    def payload_ok(self) -> bool | None:
        spec = self.header("WARC-Payload-Digest")
        if spec is None or self.payload_digest is None or self.rec_type == "revisit":
            return None
        return digest_matches(spec, self.payload_digest)


@dataclass
class Damage:
    """Bytes of a file that hold no whole record: reported once."""

    offset: int
    length: int  # up to the next whole member (or the end of the file)
    kind: str  # "corrupt" | "truncated" | "bomb"
    why: str
    record_id: str | None = None  # when the WARC headers could still be read
    fatal: bool = False  # the rest of the file is not read (a decompression bomb)

    def describe(self, name: str) -> str:
        rid = f" (record {self.record_id})" if self.record_id else ""
        span = f"{self.length} bytes" if not self.fatal else "the rest of the file"
        return f"{name}@{self.offset}{rid}: {self.kind} — the gzip member {self.why}; {span} skipped"


@dataclass
class _Budget:
    limits: Limits
    inflated: int = 0
    problem: str | None = None

    def spend(self, n: int, position: int) -> None:
        self.inflated += n
        lim = self.limits
        if self.inflated > lim.file:
            self.problem = f"inflates to more than {lim.file} bytes (the per-file cap)"
        elif self.inflated > lim.bomb_floor and self.inflated > lim.bomb_ratio * max(position, 1):
            self.problem = (f"inflates {self.inflated // max(position, 1)}:1 — a decompression "
                            "bomb, not a WARC file")


class _Bomb(Exception):
    pass


class _Source:
    """The file's bytes through one read buffer shared by consecutive members, handed
    to zlib in small slices (a member ends inside a slice: zlib copies only the rest
    of that slice, not of a whole buffer)."""

    def __init__(self, f: BinaryIO):
        self.f = f
        self.buf = b""
        self.base = 0

    def view(self, pos: int, n: int = FEED) -> memoryview:
        if not (self.base <= pos and pos + n <= self.base + len(self.buf)):
            self.f.seek(pos)
            self.buf = self.f.read(max(CHUNK, n))
            self.base = pos
        i = pos - self.base
        return memoryview(self.buf)[i:i + n]


def _read_member(src: _Source, start: int, size: int, limits: Limits, keep: bool,
                 budget: _Budget) -> tuple[Member | None, int, str | None, str | None, str | None]:
    """Inflate the member at ``start``: ``(member or None, end offset, problem, kind, record id)``."""
    d = zlib.decompressobj(zlib.MAX_WBITS + 16)
    parser = RecordParser(limits, keep=keep)
    pos = start

    def rid():
        return header(parser.headers, "WARC-Record-ID") if parser.headers else None

    while True:
        buf = src.view(pos)
        if not buf:
            return None, pos, "ends before its gzip stream does (the file was cut)", "truncated", rid()
        data = buf
        while True:
            try:
                out = d.decompress(data, OUT)
            except zlib.error as exc:
                return None, pos, f"does not inflate ({exc})", "corrupt", rid()
            budget.spend(len(out), pos + len(buf))
            if budget.problem:
                raise _Bomb(budget.problem)
            try:
                rest = parser.feed(out)
            except RecordProblem as exc:
                return None, pos, str(exc), "corrupt", rid()
            if rest:
                return None, pos, "holds more than one record", "corrupt", rid()
            if d.eof:
                end = pos + len(buf) - len(d.unused_data)
                if not parser.complete:
                    kind = "truncated" if end >= size else "corrupt"
                    return None, end, parser.missing(), kind, rid()
                m = Member(
                    offset=start, length=end - start, head=bytes(parser.head),
                    headers=parser.headers or [], block_length=parser.length,
                    block=bytes(parser.block) if parser.block is not None else None,
                    block_digest=parser.block_hash.digest() if parser.block_hash else None,
                    payload_digest=parser.payload_hash.digest() if parser.payload_hash else None,
                    http_head=bytes(parser.http_head) if parser.http else b"")
                return m, end, None, None, None
            data = d.unconsumed_tail
            if not data and not out:
                break
            if not data and len(out) < OUT:
                break
        pos += len(buf)


def _looks_like_member(f: BinaryIO, at: int) -> bool:
    f.seek(at)
    probe = f.read(1 << 16)
    d = zlib.decompressobj(zlib.MAX_WBITS + 16)
    try:
        out = d.decompress(probe, 16)
    except zlib.error:
        return False
    return out.startswith(b"WARC/1.") or (len(out) < 7 and b"WARC/1.".startswith(out) and bool(out))


def find_next_member(f: BinaryIO, start: int, size: int) -> int:
    """Offset of the next gzip member at or after ``start`` that holds a WARC
    record (its first bytes inflate to ``WARC/1.``); ``size`` when there is none."""
    pos = start
    while pos < size:
        f.seek(pos)
        chunk = f.read(CHUNK + 2)
        if not chunk:
            break
        i = chunk.find(GZIP_MAGIC)
        while i >= 0:
            if _looks_like_member(f, pos + i):
                return pos + i
            i = chunk.find(GZIP_MAGIC, i + 1)
        pos += CHUNK
    return size


def scan_members(path: str | os.PathLike, limits: Limits = LIMITS, *, keep: bool = True,
                 resync: bool = True, start: int = 0) -> Iterator[Member | Damage]:
    """Every whole member (``Member``) and every damaged span (``Damage``) of a
    file, in order. With ``resync`` the walk goes on at the next member that
    holds a WARC record; without, it stops at the first damage."""
    path = os.fspath(path)
    budget = _Budget(limits)
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        pos = start
        src = _Source(f)
        while pos < size:
            magic = bytes(src.view(pos, 3))
            try:
                if magic != GZIP_MAGIC[: len(magic)] or len(magic) < 3:
                    member, end, why, kind, rid = None, pos, "is not gzip data", "corrupt", None
                else:
                    member, end, why, kind, rid = _read_member(src, pos, size, limits, keep, budget)
            except _Bomb as exc:
                yield Damage(pos, size - pos, "bomb", str(exc), fatal=True)
                return
            if member is not None:
                yield member
                pos = end
                continue
            nxt = find_next_member(f, max(end, pos + 1), size) if resync else size
            if kind == "truncated" and nxt < size:
                kind = "corrupt"  # whole members follow: the bytes were damaged, not cut
            yield Damage(pos, nxt - pos, kind or "corrupt", why or "is damaged", record_id=rid)
            if not resync:
                return
            pos = nxt


def iter_members(path: str | os.PathLike, limits: Limits = LIMITS) -> Iterator[Member]:
    """Yield every member; raise ``TruncatedWarc`` (``good_until`` = offset of the
    first bad member) at the first damage."""
    for item in scan_members(path, limits, resync=False):
        if isinstance(item, Damage):
            raise _truncated(os.fspath(path), item)
        yield item


def _truncated(path: str, damage: Damage) -> TruncatedWarc:
    return TruncatedWarc(
        f"{path}: the gzip member at offset {damage.offset} {damage.why} ({damage.kind}) — if a crawl "
        "was killed while writing it, a crawl recovers `.open` files; else run `portal-archive verify`",
        good_until=damage.offset,
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

