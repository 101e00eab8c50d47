"""Taking in WARC files written by other tools (wget, Heritrix, Browsertrix…).

``inspect_warc(path)`` reads a whole file before anything is changed and says
how it is framed:

- ``members``: gzip, one member per record (what wget, Heritrix and this
  project write) — stored as a byte-for-byte copy, its offsets valid as they are;
- ``gzip``: one gzip stream over many records (``gzip file.warc``), and
- ``plain``: an uncompressed WARC — both recompressed record by record (each
  record's bytes unchanged, one gzip member each), because a record in them
  cannot be reached by offset; the given file is kept beside as evidence.

A file that is missing, empty, not a WARC, or cut inside a record raises
``BadWarc`` naming the file and what to do.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from archive.errors import ArchiveError
from archive.warc.limits import LIMITS, Limits
from archive.warc.members import (
    CHUNK,
    Damage,
    RecordParser,
    RecordProblem,
    scan_members,
)

GZIP_MAGIC = b"\x1f\x8b"


class BadWarc(ArchiveError):
    """A file given to ``import`` cannot be taken in."""


@dataclass
class Inspected:
    path: Path
    size: int
    sha256: str
    framing: str  # "members" | "gzip" | "plain"
    records: int
    first_date: str | None = None
    warcinfo: dict = field(default_factory=dict)
    record_ids: list[str] = field(default_factory=list)  # of its response and revisit records


def _bad(path: Path, what: str, todo: str = "nothing was imported; check the file") -> BadWarc:
    return BadWarc(f"{path}: {what} — {todo}")


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _Stream:
    """Inflated bytes of a plain or whole-file-gzip WARC, counted against the caps."""

    def __init__(self, path: Path, framing: str, limits: Limits):
        self.f = _open_stream(path, framing)
        self.size = path.stat().st_size
        self.limits = limits
        self.framing = framing
        self.read_total = 0

    def read(self, n: int) -> bytes:
        data = self.f.read(n)
        self.read_total += len(data)
        lim = self.limits
        if self.framing == "gzip" and (self.read_total > lim.file or (
                self.read_total > lim.bomb_floor and self.read_total > lim.bomb_ratio * max(self.size, 1))):
            raise ValueError(f"it inflates to more than {self.read_total} bytes from {self.size} — "
                             "a decompression bomb, not a WARC file")
        return data

    def close(self) -> None:
        self.f.close()


def stream_records(stream, limits: Limits = LIMITS, sink=None) -> Iterator[tuple[int, RecordParser]]:
    """``(offset, parser)`` of each record of an uncompressed stream, read in
    bounded chunks (``parser.headers``, ``parser.block`` when small enough).
    ``sink(bytes)`` receives each record's header block (with its blank line) and
    block as they are read. ``ValueError`` at anything that is not a sane record,
    ``EOFError`` at a record cut short."""
    pos = 0
    buf = b""
    while True:
        while True:
            stripped = buf.lstrip(b"\r\n")
            pos += len(buf) - len(stripped)
            buf = stripped
            if buf:
                break
            buf = stream.read(CHUNK)
            if not buf:
                return
        start = pos
        parser = RecordParser(limits, trailer=False, sink=sink)
        while True:
            try:
                rest = parser.feed(buf)
            except RecordProblem as exc:
                raise ValueError(f"the record at byte {start} {exc}") from None
            pos += len(buf) - len(rest)
            if parser.headers is not None and parser.got == parser.length:
                buf = rest
                break
            buf = stream.read(CHUNK)
            if not buf:
                raise EOFError(f"the record at byte {start} {parser.missing()}")
        yield start, parser


def _open_stream(path: Path, framing: str) -> BinaryIO:
    return gzip.open(path, "rb") if framing == "gzip" else open(path, "rb")


def _note(n: int, headers: dict, block: bytes, first: dict, ids: list[str]) -> None:
    if n == 0:
        first.update(headers)
        if headers.get("warc-type") == "warcinfo":
            first["_fields"] = _fields(block)
    if headers.get("warc-type") in ("response", "revisit") and headers.get("warc-record-id"):
        ids.append(headers["warc-record-id"])


def _scan_stream(path: Path, framing: str, ids: list[str]) -> tuple[int, dict]:
    """Read every record; return (count, headers of the first record)."""
    n, first = 0, {}
    try:
        stream = _Stream(path, framing, LIMITS)
        try:
            for _, parser in stream_records(stream):
                _note(n, _header_dict(bytes(parser.head)), bytes(parser.block or b""), first, ids)
                n += 1
        finally:
            stream.close()
    except EOFError as exc:
        raise _bad(path, f"is cut short ({exc})",
                   "it was truncated (an interrupted download or write?); fetch a whole copy; "
                   "nothing was imported") from None
    except (ValueError, OSError, zlib.error) as exc:
        raise _bad(path, f"is not a readable WARC file ({exc})",
                   "pass WARC files (.warc or .warc.gz); nothing was imported") from None
    if n == 0:
        raise _bad(path, "holds no WARC record", "pass a WARC file; nothing was imported")
    return n, first


def _header_dict(header: bytes) -> dict:
    out = {}
    for line in header.decode("utf-8", "replace").splitlines()[1:]:
        name, sep, value = line.partition(":")
        if sep:
            out.setdefault(name.strip().lower(), value.strip())
    return out


def _fields(block: bytes) -> dict:
    out = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            out.setdefault(name.strip(), value.strip())
    return out


def inspect_warc(path: str | os.PathLike) -> Inspected:
    path = Path(path)
    if not path.exists():
        raise _bad(path, "no such file", "check the path; nothing was imported")
    if not path.is_file():
        raise _bad(path, "is not a file", "pass WARC files, not directories; nothing was imported")
    try:
        with open(path, "rb") as f:
            magic = f.read(7)
    except OSError as exc:
        raise _bad(path, f"cannot be read ({exc.strerror})", "check its permissions; nothing was imported") from None
    if not magic:
        raise _bad(path, "is empty", "pass a WARC file; nothing was imported")
    ids: list[str] = []
    if magic.startswith(GZIP_MAGIC):
        framing = "members"
        n = 0
        first: dict = {}
        for m in scan_members(path, resync=False):
            if isinstance(m, Damage):
                if m.kind == "bomb":
                    raise _bad(path, f"is not a readable WARC file (it {m.why})",
                               "pass WARC files (.warc or .warc.gz); nothing was imported")
                framing = "gzip"  # one stream over many records, or cut: the stream scan tells
                ids.clear()
                n, first = _scan_stream(path, framing, ids)
                break
            _note(n, {k.lower(): v for k, v in reversed(m.headers)}, m.block or b"", first, ids)
            n += 1
    elif magic.startswith(b"WARC/1."):
        framing = "plain"
        n, first = _scan_stream(path, framing, ids)
    else:
        raise _bad(path, f"is not a WARC file (it starts with {magic!r})",
                   "pass WARC files (.warc or .warc.gz); nothing was imported")
    return Inspected(path=path, size=path.stat().st_size, sha256=sha256_of(path), framing=framing,
                     records=n, first_date=first.get("warc-date"), warcinfo=first.get("_fields", {}),
                     record_ids=ids)


def stored_name(ins: Inspected) -> str:
    """``import-<17-digit time of the first record>-<sanitised name>-<sha256[:12]>.warc.gz``.

    Only ``[A-Za-z0-9._-]`` of the given name survive: never a path taken from input."""
    stem = ins.path.name
    while True:
        low = stem.lower()
        for suffix in (".gz", ".warc", ".open", ".part"):
            if low.endswith(suffix):
                stem = stem[: -len(suffix)]
                break
        else:
            break
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:60] or "warc"
    digits = re.sub(r"\D", "", ins.first_date or "")
    if len(digits) < 14:
        digits = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
    stamp = (digits + "000")[:17]
    return f"import-{stamp}-{stem}-{ins.sha256[:12]}.warc.gz"


def _fsync_close(f) -> None:
    f.flush()
    os.fsync(f.fileno())
    f.close()


def write_copy(ins: Inspected, dest: Path, compress_level: int = 6) -> str:
    """Write ``dest`` (exclusive create) as a per-record gzip WARC; return its SHA-256."""
    h = hashlib.sha256()
    out = open(dest, "xb")
    try:
        if ins.framing == "members":
            with open(ins.path, "rb") as src:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    h.update(chunk)
                    out.write(chunk)
        else:
            src = _Stream(ins.path, ins.framing, LIMITS)
            comp = None

            def emit(data: bytes) -> None:
                h.update(data)
                out.write(data)

            def sink(data: bytes) -> None:
                nonlocal comp
                if comp is None:  # a record begins: one gzip member each, record bytes unchanged
                    comp = zlib.compressobj(compress_level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
                emit(comp.compress(data))

            try:
                for _ in stream_records(src, sink=sink):
                    emit(comp.compress(b"\r\n\r\n") + comp.flush())
                    comp = None
            finally:
                src.close()
        _fsync_close(out)
    except BaseException:
        out.close()
        dest.unlink(missing_ok=True)
        raise
    return h.hexdigest()


def keep_original(ins: Inspected, dest: Path) -> None:
    """A byte-for-byte copy of the given file (exclusive create, fsynced)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(ins.path, "rb") as src, open(dest, "xb") as out:
        shutil.copyfileobj(src, out, 1 << 20)
        out.flush()
        os.fsync(out.fileno())
