"""Recovery after a killed crawl: cut ``.open`` WARC files back to their last
whole record, rename them, and forget every database row that pointed past the cut.

Order matters for a crash *during* recovery: rows are removed first (one
transaction), then the file is cut and renamed; running recovery again finds
the same cut. Articles whose capture is lost are deleted (their URL is then
unknown to the database, so the next crawl fetches it again) unless an earlier
version survives: then they go back to it; images lose
their capture link; digests of lost records are forgotten so no revisit can
name them.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import documents as documents_db
from archive.db.store import VERSIONED_TEXT
from archive.integrity import fixity
from archive.layout import ArchiveLayout
from archive.warc import cdxj
from archive.warc.members import good_length
from archive.warc.writer import OPEN_SUFFIX, _fsync_dir

log = logging.getLogger(__name__)


@dataclass
class FileRecovery:
    name: str
    cut_at: int
    records_kept: int
    bytes_dropped: int
    removed: bool = False


@dataclass
class RecoveryReport:
    files: list[FileRecovery] = field(default_factory=list)
    captures_removed: int = 0
    articles_removed: int = 0
    images_unlinked: int = 0
    digests_removed: int = 0
    versions_removed: int = 0
    urls_lost: list[str] = field(default_factory=list)  # to fetch again (the frontier re-queues them)
    manifest_added: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.files or self.captures_removed or self.manifest_added or self.problems)

    def __str__(self) -> str:
        parts = []
        for f in self.files:
            if f.removed:
                parts.append(f"{f.name}: removed (no whole record)")
            else:
                parts.append(f"{f.name}: cut at byte {f.cut_at}, {f.records_kept} records kept, "
                             f"{f.bytes_dropped} bytes dropped")
        if self.captures_removed:
            parts.append(f"{self.captures_removed} captures, {self.articles_removed} articles, "
                         f"{self.versions_removed} article versions, {self.digests_removed} digests "
                         f"forgotten, {self.images_unlinked} images unlinked")
        if self.manifest_added:
            parts.append(f"added to manifest: {', '.join(self.manifest_added)}")
        parts.extend(self.problems)
        return "; ".join(parts) or "nothing to recover"


def forget_past(conn: sqlite3.Connection, warc_file: str, cut: int, report: RecoveryReport) -> None:
    """Remove the rows of records in ``warc_file`` at or past byte ``cut`` (one transaction)."""
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN IMMEDIATE")
    try:
        ids = {r[0] for r in conn.execute(
            "SELECT id FROM captures WHERE warc_file=? AND warc_offset + coalesce(warc_length, 0) > ?",
            (warc_file, cut))}
        frontier = set(ids)
        while frontier:  # revisits naming a lost record go too
            marks = ",".join("?" * len(frontier))
            more = {r[0] for r in conn.execute(
                f"SELECT id FROM captures WHERE refers_to_capture_id IN ({marks})", tuple(frontier))}
            frontier = more - ids
            ids |= frontier
        lost_records = [r[0] for r in conn.execute(
            "SELECT record_id FROM payload_digests WHERE record_id IN "
            "(SELECT record_id FROM captures WHERE warc_file=? AND warc_offset + coalesce(warc_length, 0) > ?)",
            (warc_file, cut))]
        report.urls_lost.extend(sorted({r[0] for chunk in _chunks(sorted(ids)) for r in conn.execute(
            f"SELECT url FROM captures WHERE id IN ({','.join('?' * len(chunk))})", chunk)}))
        versions = _table_exists(conn, "article_versions")
        documents = _table_exists(conn, "documents")
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            if versions:
                report.versions_removed += conn.execute(
                    f"DELETE FROM article_versions WHERE capture_id IN ({marks})", chunk).rowcount
                _back_to_last_version(conn, chunk)
            report.articles_removed += conn.execute(
                f"DELETE FROM articles WHERE capture_id IN ({marks})", chunk).rowcount
            if documents:
                documents_db.forget_captures(conn, chunk)
            report.images_unlinked += conn.execute(
                f"UPDATE images SET capture_id=NULL WHERE capture_id IN ({marks})", chunk).rowcount
            report.digests_removed += conn.execute(
                f"DELETE FROM payload_digests WHERE capture_id IN ({marks})", chunk).rowcount
            conn.execute(f"UPDATE captures SET refers_to_capture_id=NULL WHERE id IN ({marks})", chunk)
        for chunk in _chunks(sorted(ids)):
            marks = ",".join("?" * len(chunk))
            report.captures_removed += conn.execute(
                f"DELETE FROM captures WHERE id IN ({marks})", chunk).rowcount
        for rid in lost_records:
            report.digests_removed += conn.execute(
                "DELETE FROM payload_digests WHERE record_id=?", (rid,)).rowcount
        if own:
            conn.execute("COMMIT")
    except BaseException:
        if own:
            conn.execute("ROLLBACK")
        raise


def _back_to_last_version(conn: sqlite3.Connection, capture_ids: tuple) -> None:
    """Articles whose newest capture is lost but an earlier version survives go
    back to that version: every field the version holds (``store.VERSIONED``:
    text fields, categories and tags; image captions are not versioned, so the
    images stay) and its capture. Their digest is cleared so that the next
    fetch of the edit counts as a change again."""
    marks = ",".join("?" * len(capture_ids))
    cols = ", ".join((*VERSIONED_TEXT, "categories", "tags", "capture_id"))
    for (article_id,) in conn.execute(
            f"SELECT id FROM articles WHERE capture_id IN ({marks})", capture_ids).fetchall():
        last = conn.execute(f"SELECT {cols} FROM article_versions WHERE article_id=? "
                            "ORDER BY version DESC LIMIT 1", (article_id,)).fetchone()
        if last is None:
            continue
        row = dict(zip((*VERSIONED_TEXT, "categories", "tags", "capture_id"), tuple(last)))
        if row["published_at"] is None:  # a version from before migration 11: text fields only
            text = ("title", "lead", "body_text")
        else:
            text = VERSIONED_TEXT
        sets = ", ".join(f"{c}=?" for c in text)
        conn.execute(f"UPDATE articles SET {sets}, capture_id=?, content_digest=NULL WHERE id=?",
                     (*(row[c] for c in text), row["capture_id"], article_id))
        for table, join, key in (("categories", "article_categories", "category_id"),
                                 ("tags", "article_tags", "tag_id")):
            if row[table] is not None:
                _restore_terms(conn, article_id, table, join, key, json.loads(row[table]))


def _restore_terms(conn: sqlite3.Connection, article_id: int, table: str, join: str, key: str,
                   slugs: list[str]) -> None:
    conn.execute(f"DELETE FROM {join} WHERE article_id=?", (article_id,))
    for pos, slug in enumerate(slugs):
        conn.execute(f"INSERT OR IGNORE INTO {join}(article_id, {key}, position) "
                     f"SELECT ?, id, ? FROM {table} WHERE slug=?", (article_id, pos, slug))


def _chunks(items: list, n: int = 500):
    for i in range(0, len(items), n):
        yield tuple(items[i:i + n])


def _table_exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)).fetchone() is not None


def recover_file(layout: ArchiveLayout, conn: sqlite3.Connection | None, path: Path,
                 report: RecoveryReport) -> None:
    final = path.with_name(path.name[: -len(OPEN_SUFFIX)])
    size = path.stat().st_size
    cut, n, problem = (0, 0, "empty") if size == 0 else good_length(path)
    if conn is not None:
        forget_past(conn, final.name, cut if n else 0, report)
    if n == 0:
        path.unlink()
        _fsync_dir(path.parent)
        report.files.append(FileRecovery(final.name, 0, 0, size, removed=True))
        return
    if cut < size:
        with open(path, "r+b") as f:
            f.truncate(cut)
            f.flush()
            os.fsync(f.fileno())
    else:
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    if final.exists():
        report.problems.append(f"{final.name} already exists: left {path.name} in place — move one aside")
        return
    os.replace(path, final)
    _fsync_dir(final.parent)
    report.files.append(FileRecovery(final.name, cut, n, size - cut))
    fixity.add_to_manifest(layout, final)
    report.manifest_added.append(final.name)
    _index(layout, final, report)


def _index(layout: ArchiveLayout, warc: Path, report: RecoveryReport) -> None:
    try:
        cdxj.index_warc(layout, warc)
    except Exception as exc:  # noqa: BLE001 - an index can be rebuilt later
        report.problems.append(f"could not index {warc.name}: {exc}")


def recover_archive(layout: ArchiveLayout, conn: sqlite3.Connection | None) -> RecoveryReport:
    """Recover every ``*.warc.gz.open`` of the archive; also list closed files the
    manifest lacks (a crash between rename and manifest line) when they are whole.

    Call it while holding the archive's crawl lock, before any writer opens.
    """
    report = RecoveryReport()
    if conn is not None and not _table_exists(conn, "captures"):
        conn = None
    if not layout.warc_dir.is_dir():
        return report
    for path in sorted(layout.warc_dir.glob("*.warc.gz" + OPEN_SUFFIX)):
        recover_file(layout, conn, path, report)
    entries, _ = fixity.read_manifest(layout)
    for warc in layout.warc_files():
        name = fixity.manifest_name(layout, warc)
        if name in entries:
            continue
        cut, n, problem = good_length(warc)
        if problem is None and n:
            fixity.add_to_manifest(layout, warc)
            report.manifest_added.append(warc.name)
            if not cdxj.index_path(layout, warc).exists():
                _index(layout, warc, report)
        else:
            report.problems.append(
                f"{warc.name} is closed but not whole and not in the manifest — run `portal-archive verify`")
    if report:
        log.warning("recovery: %s", report)
    return report
