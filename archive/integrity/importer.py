"""``import``: take WARC files made by other tools into the archive.

``import_warcs(root, paths) -> ImportReport``. Every file is read whole first
(``archive.warc.intake.inspect_warc``); a missing, empty, non-WARC or cut file,
or one whose SHA-256 is already in the archive (the fixity manifest or
``logs/imports.jsonl``), stops the command before anything is changed.

Then, holding the crawl lock, each file in turn:

1. is written to ``warc/import-<time>-<sanitised name>-<sha12>.warc.gz`` —
   a byte-for-byte copy when it is gzip with one member per record, else
   recompressed one member per record (record bytes unchanged) with the given
   file kept as ``warc/originals/<stored name>.source``;
2. gets a ``crawls`` row (status ``imported``, settings naming the source file,
   its SHA-256 and warcinfo), ``captures`` rows pointing into the stored copy,
   payload digests, and the portal's articles found in it (200 HTML responses
   that ``parse_article`` accepts; an article already seen by a newer capture
   is left as it is) — all in one transaction, with a line in
   ``logs/imports.jsonl`` (which ``reindex`` reads);
3. is added to the fixity manifest and gets its CDXJ index.

A failure in step 1 or 2 removes what that file had added.
"""

from __future__ import annotations

import os
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from archive import __version__
from archive.db import open_db
from archive.db.store import Store
from archive.errors import ArchiveError
from archive.integrity import fixity
from archive.integrity.import_log import append_import, read_imports
from archive.layout import ArchiveLayout
from archive.origins import stored_aliases
from archive.parser.page_parse import PageParser, default_jobs
from archive.parser.profile import load_archive_profile
from archive.warc import cdxj
from archive.warc.intake import (
    BadWarc,
    Inspected,
    inspect_warc,
    keep_original,
    stored_name,
    write_copy,
)
from archive.warc.rows import IndexCounts, RowBuilder, parts_key
from archive.warc.trust import Trust, origins_of, stamp

MAX_LOGGED_REFUSALS = 10_000  # per file in logs/imports.jsonl (all are in refused_records)


def refused_by_reason(refused: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for r in refused:
        out[r["reason"]] = out.get(r["reason"], 0) + 1
    return out


@dataclass
class ImportedFile:
    source: str
    stored_as: str
    recompressed: bool
    original_kept_as: str | None
    crawl_id: int
    counts: IndexCounts


@dataclass
class ImportReport:
    files: list[ImportedFile] = field(default_factory=list)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        captures = sum(f.counts.captures for f in self.files)
        articles = sum(f.counts.articles for f in self.files)
        text = (f"imported {len(self.files)} WARC file(s): {captures} captures, "
                f"{articles} article saves in {self.seconds:.1f} s")
        refused = refused_by_reason([r for f in self.files for r in f.counts.refused])
        if refused:
            text += ("; refused " + ", ".join(f"{n} {why}" for why, n in sorted(refused.items()))
                     + " record(s): kept in the WARC copy, never captures or articles "
                     "(listed in refused_records and logs/imports.jsonl)")
        return text


def _lock(layout: ArchiveLayout):
    try:
        from archive.lock import CrawlLock
    except ImportError:  # pragma: no cover
        return nullcontext()
    return CrawlLock(layout)


def known_hashes(layout: ArchiveLayout) -> dict[str, str]:
    """SHA-256 → name of the archived file it belongs to."""
    known: dict[str, str] = {}
    entries, _ = fixity.read_manifest(layout)
    for name, digest in entries.items():
        known[digest] = name
    for entry in read_imports(layout):
        stored = entry.get("stored_as")
        if stored and (layout.warc_dir / stored).exists():
            for key in ("source_sha256", "stored_sha256"):
                if entry.get(key):
                    known[entry[key]] = f"warc/{stored}"
    return known


def _refuse_known_records(layout: ArchiveLayout, inspected: list[Inspected]) -> None:
    """The same records in another file (e.g. recompressed) are a duplicate too."""
    seen: dict[str, str] = {}
    conn = open_db(layout.db, readonly=True) if layout.db.exists() else None
    try:
        for ins in inspected:
            ids = ins.record_ids
            for i in range(0, len(ids), 500):
                chunk = ids[i:i + 500]
                hit = next((rid for rid in chunk if rid in seen), None)
                where = seen.get(hit) if hit else None
                if hit is None and conn is not None:
                    row = conn.execute(
                        f"SELECT record_id, warc_file FROM captures WHERE record_id IN "
                        f"({','.join('?' * len(chunk))}) LIMIT 1", chunk).fetchone()
                    if row is not None:
                        hit, where = row[0], f"warc/{row[1]}"
                if hit is not None:
                    raise BadWarc(f"{ins.path}: its record {hit} is already in the archive ({where}) "
                                  "— it is a copy of an archived file; leave it out; nothing was imported")
            seen.update(dict.fromkeys(ids, str(ins.path)))
    finally:
        if conn is not None:
            conn.close()


def archive_origins(layout: ArchiveLayout, given: list[str] | tuple[str, ...] = ()) -> frozenset:
    """The portal's origins as the archive knows them: its crawls' start URLs, the
    aliases it stores (table ``origins``), and ``given`` (``import --origin``)."""
    urls = list(given)
    if layout.db.exists():
        conn = open_db(layout.db, readonly=True)
        try:
            urls += [r[0] for r in conn.execute(
                "SELECT DISTINCT start_url FROM crawls WHERE start_url IS NOT NULL AND status != 'imported'")]
            for origin, primary in stored_aliases(conn).items():
                urls += [str(origin), str(primary)]
        finally:
            conn.close()
    return origins_of(urls)


def import_warcs(root: str | os.PathLike | ArchiveLayout, paths: list[str | os.PathLike], *,
                 jobs: int | None = None, on_file=None, origins: list[str] | tuple[str, ...] = (),
                 default_origin: str | None = None) -> ImportReport:
    """Import ``paths`` into the archive at ``root``; ``on_file(ImportedFile)`` after each.
    ``jobs``: processes parsing pages (default 1; the rows do not depend on it).
    ``origins``: the portal's origins besides those the archive knows;
    ``default_origin``: used when neither names any (an archive with no crawl yet)."""
    started = time.perf_counter()
    layout = root if isinstance(root, ArchiveLayout) else ArchiveLayout(root)
    if not paths:
        raise ArchiveError("no WARC files given — pass one or more FILE.warc.gz")
    layout.create()
    report = ImportReport()
    with _lock(layout):
        inspected = [inspect_warc(p) for p in paths]
        known = known_hashes(layout)
        given: dict[str, Path] = {}
        for ins in inspected:
            if ins.sha256 in known:
                raise BadWarc(f"{ins.path}: already in the archive as {known[ins.sha256]} (same SHA-256) "
                              "— leave it out; nothing was imported")
            if ins.sha256 in given:
                raise BadWarc(f"{ins.path}: the same file as {given[ins.sha256]} (same SHA-256) "
                              "— give it once; nothing was imported")
            given[ins.sha256] = ins.path
        _refuse_known_records(layout, inspected)
        known = archive_origins(layout, origins)
        if not known and default_origin:
            known = origins_of([default_origin])
        if not known:
            raise ArchiveError("the archive knows no origin of the portal — pass --origin "
                               "https://portal.example (its crawls' start URL); nothing was imported")
        now = stamp(time.time())
        # one run: a post's parts are gathered over the run's files of the same crawl (rows.parts_key)
        run = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17]
        with PageParser(default_jobs() if jobs is None else jobs, load_archive_profile(layout.root)) as parser:
            conn = open_db(layout.db)
            try:
                builder = RowBuilder(Store(conn), layout.warc_dir, parser)
                for ins in inspected:
                    trust = Trust("import", known, min(now, stamp(ins.path.stat().st_mtime)))
                    done = _import_one(layout, ins, report, builder, trust, run)
                    report.files.append(done)
                    if on_file is not None:
                        on_file(done)
                with builder.store.transaction():
                    builder.finish()   # posts whose last parts are in no file of the run
            finally:
                conn.close()
    report.seconds = time.perf_counter() - started
    return report


def _import_one(layout: ArchiveLayout, ins: Inspected, report: ImportReport,
                builder: RowBuilder, trust: Trust, run: str) -> ImportedFile:
    name = stored_name(ins)
    dest = layout.warc_dir / name
    if dest.exists():
        raise BadWarc(f"{ins.path}: {dest} already exists — it was imported before; nothing was imported")
    part = dest.with_name(name + ".part")
    original = layout.warc_dir / "originals" / f"{name}.source" if ins.framing != "members" else None
    for stale in (part, original):  # left by a killed import (we hold the lock)
        if stale is not None:
            stale.unlink(missing_ok=True)
    created: list[Path] = []
    try:
        created.append(part)
        stored_sha = write_copy(ins, part)
        if original is not None:
            created.append(original)
            keep_original(ins, original)
        os.replace(part, dest)
        created[0] = dest
        done = _index(layout, ins, name, stored_sha, original, builder, trust, run)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    hooks = [lambda: fixity.add_to_manifest(layout, dest, stored_sha)]
    if original is not None:  # the given file is evidence too: in the manifest beside its copy
        hooks.append(lambda: fixity.add_to_manifest(layout, original, ins.sha256))
    hooks.append(lambda: cdxj.index_warc(layout, dest))
    for hook in hooks:
        try:
            hook()
        except (ArchiveError, OSError) as exc:
            report.notes.append(f"{name}: {exc} — `portal-archive verify` will list what is missing")
    return done


def import_parts_key(entry: dict, name: str) -> object:
    """Which files' parts are gathered together (``archive.warc.rows.parts_key``): those
    of one import run written by the same crawl. ``reindex`` computes it again from the
    file's line of ``logs/imports.jsonl`` (a line without ``import_run``: the file alone)."""
    run = entry.get("import_run")
    return ("import", run or name, parts_key(entry.get("warcinfo"), name) if run else name)


def _index(layout: ArchiveLayout, ins: Inspected, name: str, stored_sha: str,
           original: Path | None, builder: RowBuilder, trust: Trust, run: str) -> ImportedFile:
    about = {
        "source": ins.path.name, "source_sha256": ins.sha256, "source_framing": ins.framing,
        "stored_as": name, "stored_sha256": stored_sha, "recompressed": ins.framing != "members",
        "original_kept_as": original.relative_to(layout.root).as_posix() if original else None,
        "warcinfo": ins.warcinfo, **trust.describe(),
        # when it entered the archive, to the millisecond: reindex replays files in this order
        "imported_at": datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")[:17],
        "import_run": run,
    }
    store = builder.store
    conn = store.conn
    with store.transaction():
        crawl_id = store.start_crawl(None, {"import": about})
        counts = builder.index_file(layout.warc_dir / name, crawl_id, trust,
                                    parts_key=import_parts_key(about, name))
        for problem in counts.problems:
            store.add_error(crawl_id, None, "import", problem)
        stats = {"import/records": counts.records, "import/captures": counts.captures,
                 "import/revisits": counts.revisits, "import/article_saves": counts.articles,
                 "import/pages_parsed": counts.pages_parsed, "import/problems": len(counts.problems),
                 "import/refused": len(counts.refused)}
        store.finish_crawl(crawl_id, "imported", stats)
        row = conn.execute("SELECT started_at, ended_at FROM crawls WHERE id=?", (crawl_id,)).fetchone()
        append_import(layout, {**about, "crawl_id": crawl_id, "started_at": row[0],
                               "ended_at": row[1], "tool_version": __version__,
                               "refused": counts.refused[:MAX_LOGGED_REFUSALS],
                               "refused_count": refused_by_reason(counts.refused)})
    return ImportedFile(source=str(ins.path), stored_as=name, recompressed=ins.framing != "members",
                        original_kept_as=about["original_kept_as"], crawl_id=crawl_id, counts=counts)
