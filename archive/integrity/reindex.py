"""``reindex``: rebuild the archive database from its WARC files alone.

``reindex_archive(root, db_path=None) -> ReindexReport`` reads every closed
``warc/*.warc.gz`` once, in time order (the 17-digit timestamp in the file
name, then the name), and writes a new database with ``archive.warc.rows``:
captures, payload digests and articles parsed again by the crawler's own
``parse_article`` (newest capture wins, ``first_seen_at``/``last_seen_at`` from
WARC-Date). ``crawls`` rows come back from each file's ``warcinfo`` record
(``crawl-id`` keeps its id, ``start-url``, ``settings``, ``software``; started at
the first record, ended at the last) or, for imported files, from
``logs/imports.jsonl``.

What the WARC files cannot give back: a crawl's status (``reindexed``), its
Scrapy stats, pid and exit code; ``errors`` rows of fetches that produced no
record (problems met while reindexing are added as ``errors`` rows of kind
``reindex``). ``.open`` files (a crawl killed mid-write) are skipped: a crawl
or ``verify`` first recovers them.

The new database is built in a temporary file beside the target and swapped
in atomically; the old one is kept as ``archive.sqlite.bak-<stamp>``. On any
failure the temporary file is removed and the old database is untouched. The
crawl lock is held throughout, so no crawl or import writes meanwhile.
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

from archive.db import open_db
from archive.db.replace import close_built, remove_db, replace_database, temp_db_path
from archive.db.store import Store
from archive.errors import ArchiveError, NotAnArchive
from archive.integrity.import_log import imports_by_file
from archive.integrity.importer import import_parts_key
from archive.layout import ArchiveLayout
from archive.origins import Scope, parse_aliases, stored_aliases
from archive.outputs import OutputRefused, check_output
from archive.parser.page_parse import PageParser, default_jobs
from archive.parser.profile import load_archive_profile
from archive.warc.read import read_record
from archive.warc.record_io import second, warcinfo_fields
from archive.warc.rows import IndexCounts, RowBuilder
from archive.warc.trust import Trust, origins_of, stamp

log = logging.getLogger(__name__)
STAMP = re.compile(r"-(\d{17})-")


def time_order(path: Path, imports: dict[str, dict] | None = None) -> tuple[str, str]:
    """Sort key: when the file entered the archive, then the name. A crawl file:
    the writer's 17-digit UTC timestamp in its name (when it was opened). An
    imported file: when it was imported (``logs/imports.jsonl``, else the stored
    copy's time) — not the dates its records claim — so a rebuild replays the
    archive's own history (an import holds the crawl lock: nothing interleaves)."""
    if path.name.startswith("import-"):
        entry = (imports or {}).get(path.name) or {}
        when = re.sub(r"\D", "", entry.get("imported_at") or entry.get("started_at") or "")
        if len(when) < 14:
            when = re.sub(r"\D", "", stamp(path.stat().st_mtime))
        return ((when + "000")[:17], path.name)
    m = STAMP.search(path.name)
    return (m.group(1) if m else "", path.name)


@dataclass
class ReindexReport:
    db: Path
    backup: Path | None = None
    files: int = 0
    crawls: int = 0
    articles: int = 0
    counts: IndexCounts = field(default_factory=IndexCounts)
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def pages_per_second(self) -> float:
        return self.counts.pages_parsed / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        c = self.counts
        text = (f"rebuilt {self.db} from {self.files} WARC files: {c.records} records, "
                f"{c.captures} captures ({c.revisits} revisits), {self.crawls} crawls, "
                f"{self.articles} articles from {c.pages_parsed} HTML pages in {self.seconds:.1f} s "
                f"({self.pages_per_second:.0f} pages/s)")
        if self.backup is not None:
            text += f"; the previous database is kept as {self.backup.name}"
        if c.skipped:
            text += (f"; {c.skipped} damaged span(s) of WARC files skipped (listed above) — "
                     "run `portal-archive verify`, and `verify --salvage DIR` to copy the intact records")
        return text


class CrawlRows:
    """``crawls`` rows rebuilt from warcinfo records and the import log."""

    def __init__(self, store: Store, imports: dict[str, dict]):
        self.store = store
        self.conn = store.conn
        self.imports = imports
        self.ids: dict[tuple, int] = {}
        self.spans: dict[int, dict] = {}
        self.scopes: dict[int, Scope | None] = {}  # crawl id → the site's origins in that crawl

    def for_file(self, path: Path) -> int:
        fields, date = {}, None
        try:
            first = read_record(path, 0)
            date = second(first.date)
            if first.rec_type == "warcinfo":
                fields = warcinfo_fields(first)
        except ArchiveError:
            pass  # the file walk reports the damage
        software = fields.get("software", "")
        entry = self.imports.get(path.name)
        if entry is not None:
            key = ("import", path.name)
            settings = {"import": {k: v for k, v in entry.items()
                                   if k not in ("crawl_id", "started_at", "ended_at", "tool_version",
                                                "refused", "refused_count")}}
            row = dict(started_at=entry.get("started_at") or date, ended_at=entry.get("ended_at"),
                       status="imported", start_url=None, settings=settings,
                       tool_version=entry.get("tool_version"))
            want = entry.get("crawl_id")
        elif (software.startswith("portal-archive/") and fields.get("crawl-id", "").isdigit()
              and not path.name.startswith("import-")):  # another archive's crawl ids are not ours
            key = ("crawl", fields["crawl-id"])
            row = dict(started_at=date, ended_at=None, status="reindexed",
                       start_url=fields.get("start-url") or None, settings=fields.get("settings"),
                       tool_version=software.split("/", 1)[1])
            want = int(fields["crawl-id"])
        else:
            key = ("file", path.name)
            row = dict(started_at=date, ended_at=None, status="imported", start_url=None,
                       settings={"import": {"stored_as": path.name, "warcinfo": fields}},
                       tool_version=None)
            want = None
        if key not in self.ids:
            self.ids[key] = self._insert(want, row)
            self.spans[self.ids[key]] = {"files": [], "ended_at": row["ended_at"],
                                         "counts": IndexCounts()}
            self.scopes[self.ids[key]] = self._scope(row, self.ids[key])
        return self.ids[key]

    def _scope(self, row: dict, crawl_id: int) -> Scope | None:
        """The site's origins as that crawl saw them (start URL, PORTAL_ALIASES of its
        warcinfo, origins remembered from earlier crawls); remembered again, as the crawl did."""
        if row["status"] != "reindexed" or not row["start_url"]:
            return None
        settings = row["settings"]
        try:
            settings = json.loads(settings) if isinstance(settings, str) else (settings or {})
            scope = Scope.build(row["start_url"], parse_aliases(settings.get("PORTAL_ALIASES")),
                                stored_aliases(self.conn))
        except (ValueError, AttributeError, TypeError) as exc:  # BadOrigin is a ValueError
            log.warning("crawl %s: origins not rebuilt (%s)", crawl_id, exc)
            return None
        self.store.remember_origins(scope.remembered(), crawl_id)
        return scope

    def _insert(self, want: int | None, row: dict) -> int:
        if want is not None and self.conn.execute(
                "SELECT 1 FROM crawls WHERE id=?", (want,)).fetchone():
            want = None
        settings = row["settings"]
        if not isinstance(settings, str) and settings is not None:
            settings = json.dumps(settings, ensure_ascii=False, sort_keys=True, default=str)
        with self.store.transaction():
            return self.conn.execute(
                "INSERT INTO crawls(id, started_at, status, start_url, settings_json, tool_version)"
                " VALUES (?,?,?,?,?,?)",
                (want, row["started_at"] or "", row["status"], row["start_url"], settings,
                 row["tool_version"])).lastrowid

    def add(self, crawl_id: int, name: str, counts: IndexCounts) -> None:
        span = self.spans[crawl_id]
        span["files"].append(name)
        span["counts"].add(counts)
        span["last"] = counts.last_date or span.get("last")
        span["first"] = span.get("first") or counts.first_date

    def finish(self) -> None:
        with self.store.transaction():
            for crawl_id, span in self.spans.items():
                c = span["counts"]
                stats = {"reindex/files": span["files"], "reindex/records": c.records,
                         "reindex/captures": c.captures, "reindex/revisits": c.revisits,
                         "reindex/article_saves": c.articles, "reindex/pages_parsed": c.pages_parsed,
                         "reindex/problems": len(c.problems)}
                self.conn.execute(
                    "UPDATE crawls SET ended_at=?, stats_json=?, started_at=coalesce(nullif(started_at, ''), ?)"
                    " WHERE id=?",
                    (span["ended_at"] or span.get("last"), json.dumps(stats, sort_keys=True),
                     span.get("first") or "", crawl_id))


def _lock(layout: ArchiveLayout):
    try:
        from archive.lock import CrawlLock
    except ImportError:  # pragma: no cover - the lock module is optional
        return nullcontext()
    return CrawlLock(layout)


def reindex_archive(root: str | os.PathLike | ArchiveLayout, db_path: str | os.PathLike | None = None,
                    *, jobs: int | None = None, on_file=None,
                    default_origin: str | None = None) -> ReindexReport:
    """Rebuild the database (``<archive>/archive.sqlite``, or ``db_path``) from ``warc/``.

    ``jobs``: processes parsing pages (default 1; the rows do not depend on it).
    ``on_file(path, counts)`` is called after each WARC file."""
    layout = root if isinstance(root, ArchiveLayout) else ArchiveLayout(root)
    if not layout.root.is_dir():
        raise NotAnArchive(f"no archive at {layout.root} — pass the right --archive")
    target = Path(db_path).expanduser().resolve() if db_path else layout.db
    if not target.parent.is_dir():
        raise ArchiveError(f"directory {target.parent} does not exist — create it or choose another --db")
    if target != layout.db:  # --db: an output like any -o (an existing database is kept as .bak)
        plan = check_output(db_path, force=True, archive=layout.root)
        if plan.mode not in ("new", "replace"):
            raise OutputRefused(f"--db {db_path} is not a regular file — choose a file name")
    with _lock(layout):
        imports = imports_by_file(layout)
        files = sorted(layout.warc_files(), key=lambda p: time_order(p, imports))
        if not files:
            raise NotAnArchive(f"no WARC files in {layout.warc_dir} — nothing to rebuild the "
                               "database from; pass the right --archive")
        profile = load_archive_profile(layout.root)
        with PageParser(default_jobs() if jobs is None else jobs, profile) as parser:
            return _build(layout, files, target, parser, on_file, default_origin)


def crawl_origins(files: list[Path], default_origin: str | None = None) -> frozenset:
    """The portal's origins as the archive's own crawl files state them (the
    ``start-url`` of their warcinfo records); ``default_origin`` when none does."""
    urls = []
    for path in files:
        if path.name.startswith("import-"):
            continue
        try:
            first = read_record(path, 0)
        except ArchiveError:
            continue
        if first.rec_type == "warcinfo" and warcinfo_fields(first).get("start-url"):
            urls.append(warcinfo_fields(first)["start-url"])
    return origins_of(urls) or origins_of([default_origin] if default_origin else [])


def file_trust(path: Path, imports: dict[str, dict], origins: frozenset) -> Trust:
    """The archive's own crawl files are trusted; an imported file gets the trust its
    import used (``logs/imports.jsonl``: origins, not-after), else the crawls' origins
    and the stored copy's own time."""
    if not path.name.startswith("import-"):
        return Trust()
    return Trust.from_log(imports.get(path.name, {}), origins, stamp(path.stat().st_mtime))


def _build(layout: ArchiveLayout, files: list[Path], target: Path, parser: PageParser,
           on_file, default_origin: str | None = None) -> ReindexReport:
    started = time.perf_counter()
    report = ReindexReport(db=target, files=len(files))
    left_open = [p.name for p in layout.warc_files(include_open=True) if p.name.endswith(".open")]
    if left_open:
        report.notes.append(f"skipped {len(left_open)} .open file(s) left by a killed crawl "
                            f"({', '.join(left_open)}) — the next crawl recovers them; reindex again then")
    for stale in target.parent.glob(f"{target.name}.reindex-*.tmp"):
        remove_db(stale)  # left by a killed reindex; we hold the lock
    tmp = temp_db_path(target)
    conn = open_db(tmp)
    try:
        conn.execute("PRAGMA synchronous=OFF")  # a temporary file: a crash just discards it
        store = Store(conn)
        builder = RowBuilder(store, layout.warc_dir, parser)
        imports = imports_by_file(layout)
        crawls = CrawlRows(store, imports)
        origins = crawl_origins(files, default_origin)
        for path in files:
            with store.transaction():
                crawl_id = crawls.for_file(path)
                builder.scope = crawls.scopes.get(crawl_id)
                entry = imports.get(path.name)
                counts = builder.index_file(path, crawl_id, file_trust(path, imports, origins),
                                            parts_key=import_parts_key(entry, path.name) if entry else None)
                crawls.add(crawl_id, path.name, counts)
                for problem in counts.problems:
                    store.add_error(crawl_id, None, "reindex", problem)
            report.counts.add(counts)
            if on_file is not None:
                on_file(path, counts)
        with store.transaction():
            builder.finish(report.counts)   # posts whose last parts were never fetched
        crawls.finish()
        store.flush_parse_health()
        report.crawls = len(crawls.spans)
        report.articles = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        conn.execute("PRAGMA synchronous=FULL")
        close_built(conn)
    except BaseException:
        conn.close()
        remove_db(tmp)
        raise
    report.backup = replace_database(tmp, target)
    report.seconds = time.perf_counter() - started
    return report
