"""Check an archive's integrity: WARC members and digests, database pointers, fixity manifest.

``verify_archive(layout) -> VerifyReport``; ``report.defects`` holds one line
per defect (empty when the archive is sound).
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import open_db
from archive.errors import ArchiveError, NotAnArchive
from archive.integrity.fixity import manifest_name, read_manifest, sha256_file
from archive.layout import ArchiveLayout
from archive.lock import lock_holder
from archive.warc.members import Damage, Member, scan_members
from archive.warc.writer import OPEN_SUFFIX


@dataclass
class RecordInfo:
    record_id: str
    rec_type: str
    length: int
    payload_digest: str | None
    target_uri: str | None = None


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    seconds: float = 0.0
    damaged: int = 0  # damaged spans of WARC files (each one defect line)
    defects: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # warc file name → [(offset, length, index of its defect line)]: rows pointing into
    # a damaged span are named on that line instead of a line of their own
    damage_spans: dict = field(default_factory=dict)
    fixed: list[str] = field(default_factory=list)  # what --fix-index rebuilt

    @property
    def sound(self) -> bool:
        return not self.defects

    def summary(self) -> str:
        state = "sound" if self.sound else f"{len(self.defects)} defect(s)"
        if self.damaged:
            state += f", {self.damaged} damaged span(s) of WARC files"
        return (f"{self.files} WARC files, {self.records} records, {self.captures} captures, "
                f"{self.articles} articles checked in {self.seconds:.1f} s: {state}")


MANDATORY = ("WARC-Record-ID", "WARC-Type", "WARC-Date")


def check_warc(path: Path, records: dict, report: VerifyReport, *, growing: bool = False,
               refers: list | None = None) -> str:
    """Walk one file (bounded, resyncing past damage), check each record; return the file's SHA-256.

    Each damaged span is one defect line naming file, offset, record id (when its
    headers could be read) and whether it is ``corrupt`` or ``truncated``."""
    name = path.name.removesuffix(OPEN_SUFFIX)
    d = report.defects
    try:
        size = path.stat().st_size
        if size == 0 and not growing:
            d.append(f"{path.name}: empty file — it holds no WARC record; remove it")
            report.damaged += 1
        for item in scan_members(path, keep=False):
            if isinstance(item, Damage):
                if growing and item.kind == "truncated" and item.offset + item.length >= size:
                    continue  # the record a running crawl is writing
                report.damaged += 1
                report.damage_spans.setdefault(name, []).append((item.offset, item.length, len(d)))
                d.append(item.describe(path.name))
                continue
            _check_member(path.name, name, item, records, report, refers)
    except OSError as exc:
        d.append(f"{path.name}: unreadable ({exc.strerror})")
        return ""
    try:
        return sha256_file(path)
    except OSError as exc:
        d.append(f"{path.name}: unreadable ({exc.strerror})")
        return ""


def _check_member(shown: str, name: str, m: Member, records: dict, report: VerifyReport,
                  refers: list | None) -> None:
    d = report.defects
    report.records += 1
    rid = m.record_id
    rtype = m.rec_type
    where = f"{shown}@{m.offset} ({rtype} {rid})"
    if not m.head.startswith(b"WARC/1.1") and not (name.startswith("import-") and m.head.startswith(b"WARC/1.0")):
        d.append(f"{where}: not a WARC/1.1 record")  # imported files keep their WARC/1.0
    missing = [h for h in MANDATORY if not m.header(h)]
    if rtype in ("response", "revisit", "request", "resource") and not m.header("WARC-Target-URI"):
        missing.append("WARC-Target-URI")
    if missing:
        d.append(f"{where}: lacks {', '.join(missing)}")
    if m.block_ok() is False:
        d.append(f"{where}: block digest mismatch (content altered)")
    if m.payload_ok() is False:
        d.append(f"{where}: payload digest mismatch (content altered)")
    if rtype == "revisit":
        target = m.header("WARC-Refers-To")
        if target and refers is not None:
            refers.append((where, target))
    if rid and rid in records:
        other = records[rid]
        d.append(f"{where}: record id used twice (also {other[0]}@{other[1]})")
    elif rid:
        records[rid] = (name, m.offset)
    records[(name, m.offset)] = RecordInfo(rid, rtype, m.length, m.header("WARC-Payload-Digest"),
                                          m.header("WARC-Target-URI"))


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
        rows.digests = [tuple(r) for r in conn.execute(
            "SELECT p.digest, p.record_id, c.warc_file, c.warc_offset FROM payload_digests p"
            " LEFT JOIN captures c ON c.id = p.capture_id")]
    return rows


def _damaged_at(report: VerifyReport, wf: str | None, off: int | None) -> bool:
    return off is not None and any(s <= off < s + n for s, n, _ in report.damage_spans.get(wf, ()))


def _in_damage(report: VerifyReport, wf: str, off: int | None, who: str) -> bool:
    """A row pointing into a damaged span is named on that span's line."""
    for start, length, line in report.damage_spans.get(wf, ()):
        if off is not None and start <= off < start + length:
            report.defects[line] += f"; {who} pointed there"
            return True
    return False


def check_rows(rows: Rows, records: dict, report: VerifyReport) -> None:
    d = report.defects
    for cid, url, wf, off, length, rid, pdig, rtype in rows.captures:
        report.captures += 1
        who = f"capture {cid} ({url})"
        info = records.get((wf, off))
        if info is None:
            if _in_damage(report, wf, off, who):
                continue
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
    for dig, rid, wf, off in rows.digests:
        if rid not in records and not _damaged_at(report, wf, off):
            d.append(f"payload digest {dig}: its record {rid} is not in any WARC file")


def crawl_running(layout: ArchiveLayout) -> bool:
    """Whether a crawl holds the archive's lock (probed without taking it over)."""
    return lock_holder(layout) is not None


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


def check_originals(layout: ArchiveLayout, hashes: dict[str, str], report: VerifyReport) -> None:
    """Import originals (``warc/originals/*.source``) are evidence too: hash each for
    the manifest, and compare it with the SHA-256 the import log recorded."""
    from archive.integrity.import_log import read_imports

    odir = layout.warc_dir / "originals"
    if odir.is_dir():
        for path in sorted(odir.glob("*.source")):
            try:
                hashes[manifest_name(layout, path)] = sha256_file(path)
            except OSError as exc:
                report.defects.append(f"warc/originals/{path.name}: unreadable ({exc.strerror})")
    for entry in read_imports(layout):
        kept = entry.get("original_kept_as")
        if not kept:
            continue
        got = hashes.get(kept)
        if got is None:
            report.defects.append(f"{kept}: the original of import {entry.get('source')!r} is missing "
                                  "(logs/imports.jsonl names it) — restore it from a backup")
        elif entry.get("source_sha256") and got != entry["source_sha256"]:
            report.defects.append(f"{kept}: SHA-256 {got} differs from the imported file's "
                                  f"{entry['source_sha256']} (logs/imports.jsonl) — it was altered")


def check_database(layout: ArchiveLayout, records: dict, report: VerifyReport, *,
                   deep: bool, sample: int | None) -> None:
    """Rows proven against the WARC walk: digests of article rows, deleted rows, missing captures."""
    from archive.integrity import rowcheck
    from archive.parser.profile import load_archive_profile
    from archive.warc.rows import capture_guard

    d = report.defects
    conn = open_db(layout.db, readonly=True)
    try:
        lines, unchecked = rowcheck.edited_articles(conn)
        d.extend(lines)
        if unchecked:
            report.notes.append(f"{unchecked} article rows have no content_digest (written by an old "
                                "version): their fields cannot be proven; `reindex` gives them one")
        d.extend(rowcheck.orphans(conn))
        guard = capture_guard(conn)
        profile = load_archive_profile(layout.root)     # as the crawl and reindex parse
        for defect, line in rowcheck.unparsed_posts(conn, layout.warc_dir, guard, profile):
            (d if defect else report.notes).append(line)
        captured = {(r[0], r[1]) for r in conn.execute(
            "SELECT warc_file, warc_offset FROM captures WHERE warc_file IS NOT NULL")}
        lines, notes = rowcheck.missing_captures(conn, layout, records, captured)
        d.extend(lines)
        report.notes.extend(notes)
        if deep:
            d.extend(rowcheck.deep_check(conn, layout.warc_dir, sample, guard, profile))
    finally:
        conn.close()


def check_indexes(layout: ArchiveLayout, records: dict, damaged: set[str], report: VerifyReport,
                  fix: bool) -> None:
    from archive.warc import cdxj

    unindexed = []
    for warc in layout.warc_files():
        idx = cdxj.index_path(layout, warc)
        problem = None
        if idx.exists():
            problem = cdxj.check_index(layout, warc, records)
        elif warc.name not in damaged:
            unindexed.append(warc.name)
        if fix and warc.name not in damaged and (problem or not idx.exists()):
            try:
                cdxj.index_warc(layout, warc)
            except ArchiveError as exc:
                report.defects.append(str(exc))
                continue
            report.fixed.append(f"indexes/{idx.name}: rebuilt")
            if not idx.exists() or problem is None:
                continue
            problem = None
            unindexed = [n for n in unindexed if n != warc.name]
        if problem:
            report.defects.append(problem)
    unindexed = [n for n in unindexed if not (fix and (layout.index_dir / (n + ".cdxj")).exists())]
    if unindexed:
        report.notes.append(f"{len(unindexed)} closed WARC files have no CDXJ index yet "
                            "(`portal-archive replay` or `verify --fix-index` builds them)")


def verify_archive(layout: ArchiveLayout, *, deep: bool = False, sample: int | None = None,
                   fix_index: bool = False) -> VerifyReport:
    """Check everything; ``deep`` also parses articles again (``sample`` of them, or all);
    ``fix_index`` rebuilds CDXJ indexes that are missing or disagree with their file."""
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
        check_database(layout, records, report, deep=deep, sample=sample)
    elif hashes:
        report.defects.append(f"{layout.db.name}: missing — {len(hashes)} WARC files hold captures no "
                              "database lists; rebuild it with `portal-archive reindex`")
    check_indexes(layout, records, set(report.damage_spans), report, fix_index)
    check_originals(layout, hashes, report)
    check_manifest(layout, hashes, report)
    report.seconds = time.perf_counter() - started
    return report
