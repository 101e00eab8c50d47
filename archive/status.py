"""What an archive holds and what its crawls did: ``portal-archive status``.

Read-only (the database is opened ``mode=ro``), so it can run while a crawl
holds the archive: the last crawls (start, duration, status, exit code,
fetches, new and changed articles, errors), counts, the last errors, disk use,
and whether a crawl is running now (the lock holder's pid).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime

from archive.crawl import parse_health
from archive.errors import NotAnArchive
from archive.layout import ArchiveLayout
from archive.lock import lock_holder


@dataclass
class CrawlSummary:
    id: int
    started_at: str
    ended_at: str | None
    duration_s: float | None
    status: str
    exit_code: int | None
    fetched: int
    new_articles: int
    changed_articles: int
    gone_articles: int
    errors: int
    parse_drift: str | None = None     # archive.crawl.parse_health's warning for this crawl


@dataclass
class ArchiveStatus:
    root: str
    running_pid: int | None          # pid holding the crawl lock now, else None
    crawls: list[CrawlSummary] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    disk: dict[str, int] = field(default_factory=dict)
    skips: dict[str, int] = field(default_factory=dict)  # reason → URLs the last crawl skipped
    skips_crawl_id: int | None = None
    noarchive: int = 0               # captures of pages that said noarchive (archived anyway)
    parser_profile: str | None = None  # the archive's parser-profile.toml, its fields (or why it is broken)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)


def _seconds(start: str | None, end: str | None) -> float | None:
    try:
        return (datetime.fromisoformat(end.replace("Z", "+00:00"))
                - datetime.fromisoformat(start.replace("Z", "+00:00"))).total_seconds()
    except (AttributeError, ValueError):
        return None


def article_changes(conn: sqlite3.Connection, crawl_id: int) -> tuple[int, int]:
    """(new, changed) articles of a crawl: first versions and later versions it stored."""
    return tuple(conn.execute(
        "SELECT coalesce(sum(v.version = 1), 0), coalesce(sum(v.version > 1), 0) "
        "FROM article_versions v JOIN captures c ON c.id = v.capture_id WHERE c.crawl_id=?",
        (crawl_id,)).fetchone())


def _crawls(conn: sqlite3.Connection, limit: int) -> list[CrawlSummary]:
    rows = conn.execute("SELECT id, started_at, ended_at, status, exit_code, stats_json FROM crawls "
                        "ORDER BY id DESC LIMIT ?", (limit,)).fetchall()
    out = []
    for cid, started, ended, status, exit_code, stats_json in rows:
        fetched = conn.execute("SELECT count(*) FROM captures WHERE crawl_id=?", (cid,)).fetchone()[0]
        new, changed = article_changes(conn, cid)
        errors = conn.execute("SELECT count(*) FROM errors WHERE crawl_id=?", (cid,)).fetchone()[0]
        try:
            stats = json.loads(stats_json or "{}")
        except ValueError:
            stats = {}
        drift = parse_health.drift_of(conn, cid)
        out.append(CrawlSummary(cid, started, ended, _seconds(started, ended), status, exit_code,
                                fetched, new, changed, int(stats.get("archive/gone", 0) or 0), errors,
                                parse_health.drift_message(drift) if drift else None))
    return out


def _counts(conn: sqlite3.Connection, layout: ArchiveLayout) -> dict[str, int]:
    one = lambda q: conn.execute(q).fetchone()[0]  # noqa: E731
    warcs = layout.warc_files()
    return {
        "articles": one("SELECT count(*) FROM articles"),
        "articles_gone": one("SELECT count(*) FROM articles WHERE gone_at IS NOT NULL"),
        "article_versions": one("SELECT count(*) FROM article_versions"),
        "captures": one("SELECT count(*) FROM captures"),
        "errors": one("SELECT count(*) FROM errors"),
        "crawls": one("SELECT count(*) FROM crawls"),
        "warc_files": len(warcs),
        "warc_bytes": sum(p.stat().st_size for p in warcs),
    }


def _skips(conn: sqlite3.Connection, status: ArchiveStatus) -> None:
    """What the newest crawl chose not to fetch (``skips``, migration 8), and noarchive captures."""
    try:
        last = conn.execute("SELECT max(crawl_id) FROM skips").fetchone()[0]
        status.noarchive = conn.execute("SELECT count(*) FROM captures WHERE noarchive=1").fetchone()[0]
    except sqlite3.OperationalError:  # an archive not yet migrated to version 8
        return
    if last is not None:
        status.skips_crawl_id = last
        status.skips = dict(conn.execute(
            "SELECT reason, count(*) FROM skips WHERE crawl_id=? GROUP BY reason ORDER BY 2 DESC",
            (last,)).fetchall())


def _parser_profile(layout: ArchiveLayout) -> str | None:
    """The archive's parser profile in one line (docs/parser.md), None without one."""
    if not layout.parser_profile.is_file():
        return None
    from archive.parser.profile import ProfileError, load_profile

    try:
        return load_profile(layout.parser_profile).describe()
    except ProfileError as exc:
        return f"broken — {exc}"


def _disk(layout: ArchiveLayout) -> dict[str, int]:
    total = 0
    for dirpath, _dirs, files in os.walk(layout.root):
        for name in files:
            try:
                total += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass  # a file renamed or removed by a running crawl
    usage = shutil.disk_usage(layout.root)
    return {"archive_bytes": total, "free_bytes": usage.free, "filesystem_bytes": usage.total}


def archive_status(root: str | os.PathLike, *, crawls: int = 10, errors: int = 10) -> ArchiveStatus:
    layout = ArchiveLayout(root)
    if not layout.db.exists():
        raise NotAnArchive(f"{layout.root} holds no archive.sqlite — give the archive directory "
                           "with --archive (or run `portal-archive crawl` first)")
    conn = sqlite3.connect(f"file:{layout.db}?mode=ro", uri=True, timeout=30)
    try:
        status = ArchiveStatus(str(layout.root), lock_holder(layout), _crawls(conn, crawls),
                               _counts(conn, layout))
        status.errors = [dict(zip(("at", "crawl_id", "kind", "url", "message"), r)) for r in conn.execute(
            "SELECT at, crawl_id, kind, url, message FROM errors ORDER BY id DESC LIMIT ?", (errors,))]
        _skips(conn, status)
    finally:
        conn.close()
    status.disk = _disk(layout)
    status.parser_profile = _parser_profile(layout)
    return status


def _size(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024 or unit == "TiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    m, s = divmod(int(seconds), 60)
    h, m = divmod(m, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s"


def format_status(st: ArchiveStatus) -> str:
    lines = [f"archive {st.root}",
             f"crawl running now: pid {st.running_pid}" if st.running_pid else "crawl running now: no"]
    c = st.counts
    lines.append(f"articles {c['articles']} ({c['articles_gone']} gone), versions {c['article_versions']}, "
                 f"captures {c['captures']}, errors {c['errors']}, crawls {c['crawls']}")
    lines.append(f"WARC files {c['warc_files']} ({_size(c['warc_bytes'])}); disk: archive "
                 f"{_size(st.disk['archive_bytes'])}, free {_size(st.disk['free_bytes'])}")
    if st.parser_profile:
        lines.append(f"parser profile: {st.parser_profile}")
    if st.skips or st.noarchive:
        parts = ", ".join(f"{reason} {n}" for reason, n in st.skips.items()) or "none"
        where = f" (crawl {st.skips_crawl_id})" if st.skips_crawl_id else ""
        lines.append(f"skipped URLs{where}: {parts}; noarchive pages archived anyway: "
                     f"{st.noarchive} (see the skips table, captures.noarchive)")
    lines.append("")
    lines.append("last crawls:")
    lines.append(f"  {'id':>5} {'started (UTC)':20} {'duration':>9} {'status':12} {'exit':>4} "
                 f"{'fetched':>8} {'new':>5} {'changed':>7} {'gone':>5} {'errors':>6}")
    for k in st.crawls:
        exit_code = "-" if k.exit_code is None else str(k.exit_code)
        lines.append(f"  {k.id:>5} {k.started_at:20} {_duration(k.duration_s):>9} {k.status:12} "
                     f"{exit_code:>4} {k.fetched:>8} {k.new_articles:>5} {k.changed_articles:>7} "
                     f"{k.gone_articles:>5} {k.errors:>6}")
    drifted = [k for k in st.crawls if k.parse_drift]
    if drifted:
        lines.append("")
        for k in drifted:
            lines.append(f"warning: crawl {k.id}: {k.parse_drift}")
    if st.errors:
        lines.append("")
        lines.append("last errors:")
        for e in st.errors:
            lines.append(f"  {e['at']} crawl {e['crawl_id']} {e['kind']}: {e['url']} — "
                         f"{(e['message'] or '')[:120]}")
    return "\n".join(lines)
