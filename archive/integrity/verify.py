"""Check an archive's integrity: WARC members and digests, database pointers, fixity manifest.

``verify_archive(layout) -> VerifyReport``; ``report.defects`` holds one line
per defect (empty when the archive is sound).
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import open_db
from archive.errors import NotAnArchive, TruncatedWarc
from archive.integrity.fixity import manifest_name, read_manifest
from archive.layout import ArchiveLayout
from archive.warc.members import iter_members, split_record
from archive.warc.writer import OPEN_SUFFIX


@dataclass
class RecordInfo:
    record_id: str
    rec_type: str
    length: int
    payload_digest: str | None


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    seconds: float = 0.0
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def sound(self) -> bool:
        return not self.defects

    def summary(self) -> str:
        state = "sound" if self.sound else f"{len(self.defects)} defect(s)"
        return (f"{self.files} WARC files, {self.records} records, {self.captures} captures, "
                f"{self.articles} articles checked in {self.seconds:.1f} s: {state}")


def digest_matches(spec: str, data: bytes) -> bool | None:
    """``True``/``False``; ``None`` if the algorithm or encoding is unknown."""
    algo, _, value = spec.partition(":")
    try:
        h = hashlib.new(algo.lower().replace("-", ""), data).digest()
    except ValueError:
        return None
    value = value.strip()
    if len(value) == len(h) * 2:
        try:
            return binascii.unhexlify(value.lower()) == h
        except binascii.Error:
            return None
    try:
        return base64.b32decode(value.upper() + "=" * (-len(value) % 8)) == h
    except binascii.Error:
        return None


def _get(headers, name):
    low = name.lower()
    for k, v in headers:
        if k.lower() == low:
            return v
    return None


def check_warc(path: Path, records: dict, report: VerifyReport, *, growing: bool = False,
               refers: list | None = None) -> str:
    """Walk one file, check each record's digests; return the file's SHA-256."""
    sha = hashlib.sha256()
    name = path.name[: -len(OPEN_SUFFIX)] if path.name.endswith(OPEN_SUFFIX) else path.name
    d = report.defects
    try:
        for m in iter_members(path, tap=sha.update):
            report.records += 1
            headers, block = split_record(m.data)
            rid = _get(headers, "WARC-Record-ID") or ""
            rtype = _get(headers, "WARC-Type") or ""
            where = f"{path.name}@{m.offset} ({rtype} {rid})"
            if not m.data.startswith(b"WARC/1.1") and not (
                    name.startswith("import-") and m.data.startswith(b"WARC/1.0")):
                d.append(f"{where}: not a WARC/1.1 record")  # imported files keep their WARC/1.0
            bdig = _get(headers, "WARC-Block-Digest")
            if bdig is not None and digest_matches(bdig, block) is False:
                d.append(f"{where}: block digest mismatch (content altered)")
            pdig = _get(headers, "WARC-Payload-Digest")
            if pdig is not None and rtype != "revisit":
                payload = block
                if (_get(headers, "Content-Type") or "").startswith("application/http"):
                    cut = block.find(b"\r\n\r\n")
                    payload = block[cut + 4:] if cut >= 0 else b""
                if digest_matches(pdig, payload) is False:
                    d.append(f"{where}: payload digest mismatch (content altered)")
            if rtype == "revisit":
                target = _get(headers, "WARC-Refers-To")
                if target and refers is not None:
                    refers.append((where, target))
            if rid in records:
                d.append(f"{where}: record id used twice")
            records[rid] = (name, m.offset)
            records[(name, m.offset)] = RecordInfo(rid, rtype, m.length, pdig)
    except TruncatedWarc as exc:
        if not growing:  # a file being written may end inside the record being written
            d.append(f"{path.name}: truncated — {exc}")
        with open(path, "rb") as f:  # finish hashing what the walk did not read
            sha = hashlib.sha256()
            for chunk in iter(lambda: f.read(1 << 20), b""):
                sha.update(chunk)
    except OSError as exc:
        d.append(f"{path.name}: unreadable ({exc.strerror})")
    return sha.hexdigest()


@dataclass
class Rows:
    captures: list = field(default_factory=list)
    articles: list = field(default_factory=list)
    digests: list = field(default_factory=list)


def load_rows(conn: sqlite3.Connection) -> Rows:
    """Read the rows first: a record is flushed before its row is committed, so
    every row read here points at bytes the file walk that follows will see."""
    rows = Rows()
    rows.captures = [tuple(r) for r in conn.execute(
        "SELECT id, url, warc_file, warc_offset, warc_length, record_id, payload_digest, record_type"
        " FROM captures WHERE warc_file IS NOT NULL ORDER BY id")]
    rows.articles = [tuple(r) for r in conn.execute(
        "SELECT a.id, a.url, a.capture_id, c.id FROM articles a"
        " LEFT JOIN captures c ON c.id = a.capture_id ORDER BY a.id")]
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='payload_digests'").fetchone():
        rows.digests = [tuple(r) for r in conn.execute("SELECT digest, record_id FROM payload_digests")]
    return rows


def check_rows(rows: Rows, records: dict, report: VerifyReport) -> None:
    d = report.defects
    for cid, url, wf, off, length, rid, pdig, rtype in rows.captures:
        report.captures += 1
        who = f"capture {cid} ({url})"
        info = records.get((wf, off))
        if info is None:
            if rid in records:
                d.append(f"{who}: points at {wf}@{off} but its record {rid} is at {records[rid][0]}@{records[rid][1]}")
            else:
                d.append(f"{who}: no record at {wf}@{off} (file missing or cut)")
            continue
        if rid and info.record_id != rid:
            d.append(f"{who}: record at {wf}@{off} is {info.record_id}, not {rid}")
        if length is not None and info.length != length:
            d.append(f"{who}: record at {wf}@{off} is {info.length} bytes long, row says {length}")
        if pdig and info.payload_digest != pdig:
            d.append(f"{who}: payload digest {pdig} differs from the record's {info.payload_digest}")
        if rtype and info.rec_type != rtype:
            d.append(f"{who}: row says {rtype}, the record is a {info.rec_type}")
    for aid, url, cap, found in rows.articles:
        report.articles += 1
        if cap is None:
            d.append(f"article {aid} ({url}): no capture")
        elif found is None:
            d.append(f"article {aid} ({url}): capture {cap} does not exist")
    for dig, rid in rows.digests:
        if rid not in records:
            d.append(f"payload digest {dig}: its record {rid} is not in any WARC file")


def crawl_running(layout: ArchiveLayout) -> bool:
    """Whether a crawl holds the archive's lock (probed without taking it over)."""
    path = layout.state_dir / "crawl.lock"
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # closing releases a shared lock we may have taken
    return False


def check_manifest(layout: ArchiveLayout, hashes: dict[str, str], report: VerifyReport) -> None:
    d = report.defects
    if not layout.manifest.exists():
        if hashes:
            d.append(f"{layout.manifest.name}: missing — {len(hashes)} closed WARC files are unlisted")
        return
    entries, bad = read_manifest(layout)
    for line in bad:
        d.append(f"{layout.manifest.name}: malformed {line}")
    for name, digest in sorted(entries.items()):
        if name not in hashes:
            d.append(f"{name}: listed in {layout.manifest.name} but missing")
        elif hashes[name] != digest:
            d.append(f"{name}: SHA-256 {hashes[name]} differs from the manifest's {digest}")
    for name in sorted(set(hashes) - set(entries)):
        # whole (every member and digest checked above) but its fixity line is missing:
        # a crawl stopped by a full disk could not append it; the next crawl adds it
        report.notes.append(f"{name}: closed WARC file not listed in {layout.manifest.name} "
                            "(whole; the next crawl records its fixity)")


def verify_archive(layout: ArchiveLayout) -> VerifyReport:
    started = time.perf_counter()
    if not layout.root.is_dir():
        raise NotAnArchive(f"no archive at {layout.root} — pass the right --archive")
    report = VerifyReport()
    running = crawl_running(layout)
    if running:
        report.notes.append("a crawl is running: its .open file is checked up to its last whole record")
    rows = None
    if layout.db.exists():
        conn = open_db(layout.db, readonly=True)
        try:
            rows = load_rows(conn)
        finally:
            conn.close()
    records: dict = {}
    refers: list[tuple[str, str]] = []
    hashes: dict[str, str] = {}
    for path in layout.warc_files(include_open=True):
        report.files += 1
        is_open = path.name.endswith(OPEN_SUFFIX)
        sha = check_warc(path, records, report, growing=is_open and running, refers=refers)
        if not is_open:
            hashes[manifest_name(layout, path)] = sha
        elif not running:
            report.defects.append(
                f"{path.name}: left open by a killed crawl — the next crawl recovers it")
    for where, target in refers:
        if target not in records:
            report.defects.append(f"{where}: refers to {target}, which is in no WARC file of the archive")
    if rows is not None:
        check_rows(rows, records, report)
    unindexed = [p.name for p in layout.warc_files() if not (layout.index_dir / (p.name + ".cdxj")).exists()]
    if unindexed:
        report.notes.append(f"{len(unindexed)} closed WARC files have no CDXJ index yet "
                            "(`portal-archive replay` builds them)")
    check_manifest(layout, hashes, report)
    report.seconds = time.perf_counter() - started
    return report
