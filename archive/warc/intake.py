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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterator

from archive.errors import ArchiveError, TruncatedWarc
from archive.warc.members import iter_members, split_record
from archive.warc.writer import gzip_member

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


def iter_raw_records(f: BinaryIO) -> Iterator[tuple[int, bytes, bytes]]:
    """``(offset, header bytes incl. the blank line, block)`` of each record of an
    uncompressed stream; ``ValueError``/``EOFError`` at anything else."""
    pos = 0
    while True:
        line = f.readline()
        while line in (b"\r\n", b"\n"):
            pos += len(line)
            line = f.readline()
        if not line:
            return
        start = pos
        if not line.startswith(b"WARC/1."):
            raise ValueError(f"no WARC record at byte {start} (it reads {line[:40]!r})")
        head = [line]
        pos += len(line)
        while True:
            line = f.readline()
            if not line:
                raise EOFError(f"the file ends inside the WARC headers of the record at byte {start}")
            pos += len(line)
            head.append(line)
            if line in (b"\r\n", b"\n"):
                break
        header = b"".join(head)
        m = re.search(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$", header)
        if not m:
            raise ValueError(f"the record at byte {start} has no Content-Length")
        want = int(m.group(1))
        block = f.read(want)
        pos += len(block)
        if len(block) < want:
            raise EOFError(f"the record at byte {start} holds {len(block)} of {want} block bytes")
        yield start, header, block


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
        with _open_stream(path, framing) as f:
            for _, header, block in iter_raw_records(f):
                _note(n, _header_dict(header), block, first, ids)
                n += 1
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
        raise _bad(path, f"cannot be read ({exc.strerror})", "check its permissions; nothing was imported")
    if not magic:
        raise _bad(path, "is empty", "pass a WARC file; nothing was imported")
    ids: list[str] = []
    if magic.startswith(GZIP_MAGIC):
        framing = "members"
        try:
            n = 0
            first: dict = {}
            for m in iter_members(path):
                headers, block = split_record(m.data)
                _note(n, {k.lower(): v for k, v in reversed(headers)}, block, first, ids)
                n += 1
        except TruncatedWarc:
            framing = "gzip"  # one stream over many records, or cut: the stream scan tells
            ids.clear()
            n, first = _scan_stream(path, framing, ids)
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
        digits = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S%f")
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
            with _open_stream(ins.path, ins.framing) as src:
                for _, header, block in iter_raw_records(src):
                    member = gzip_member(header + block + b"\r\n\r\n", compress_level)
                    h.update(member)
                    out.write(member)
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
