"""Package the archive as a WACZ file: the WARCs, their index, and ``pages.jsonl``
written from the ``articles`` rows (the wacz tool's page detection finds nothing
in a crawl: WARC.md).
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import sqlite3
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from archive.datearg import BadDate
from archive.db import open_db
from archive.errors import ArchiveError, NotAnArchive, from_os_error
from archive.layout import ArchiveLayout
from archive.outputs import check_output, write_output


@dataclass
class WaczResult:
    path: Path
    warc_files: list[str]
    pages: int
    unmatched_pages: list[str] = field(default_factory=list)
    log: str = ""


def normalise_since(since: str | None) -> str | None:
    """``2026-11-28`` or an ISO time → the ``captures.fetched_at`` form (``…Z``)."""
    if not since:
        return None
    s = since.strip()
    try:
        datetime.fromisoformat(s.removesuffix("Z"))
        ok = len(s) >= 10 and s[4] == "-" and s[7] == "-"
    except ValueError:
        ok = False
    if not ok:
        raise BadDate(f"--captured-since {since!r} is not a real date or time — use YYYY-MM-DD "
                      "or an ISO time such as 2026-11-28T22:00:00Z (UTC)")
    if len(s) == 10:
        return s + "T00:00:00Z"
    return s.replace("+00:00", "Z") if s.endswith("+00:00") else (s if s.endswith("Z") else s + "Z")


def page_rows(conn: sqlite3.Connection, since: str | None) -> list[dict]:
    """One page per article: the URL and time of the capture it was parsed from, its title."""
    sql = ("SELECT c.url, c.fetched_at, a.title FROM articles a JOIN captures c ON c.id = a.capture_id"
           " WHERE c.warc_file IS NOT NULL")
    args: tuple = ()
    if since:
        sql += " AND c.fetched_at >= ?"
        args = (since,)
    sql += " ORDER BY c.fetched_at, c.id"
    return [{"url": u, "ts": ts, "title": t or u} for u, ts, t in conn.execute(sql, args)]


def warcs_for(conn: sqlite3.Connection, layout: ArchiveLayout, since: str | None) -> list[Path]:
    """Closed WARC files to pack: all, or those with captures since ``since`` plus
    the files holding the originals their revisits refer to."""
    closed = {p.name: p for p in layout.warc_files()}
    if not since:
        return sorted(closed.values())
    names = {r[0] for r in conn.execute(
        "SELECT DISTINCT warc_file FROM captures WHERE fetched_at >= ? AND warc_file IS NOT NULL", (since,))}
    names |= {r[0] for r in conn.execute(
        "SELECT DISTINCT o.warc_file FROM captures c JOIN captures o ON o.id = c.refers_to_capture_id"
        " WHERE c.fetched_at >= ? AND o.warc_file IS NOT NULL", (since,))}
    return sorted(closed[n] for n in names if n in closed)


def _drop_unclosed_zip(failure: BaseException) -> None:
    """The wacz tool leaves its ZipFile open when writing fails (a full disk), held by
    the failure's frames: let it go now, quietly, instead of a traceback printed from
    its ``__del__`` at exit."""
    old, sys.unraisablehook = sys.unraisablehook, lambda _unraisable: None
    try:
        link: BaseException | None = failure
        while link is not None:
            link.__traceback__ = None
            link = link.__context__
        gc.collect()
    finally:
        sys.unraisablehook = old


def create_wacz(layout: ArchiveLayout, output: str | Path, *, since: str | None = None,
                title: str = "Hai Phong city news portal (portal-archive)",
                force: bool = False) -> WaczResult:
    """Package the WARCs as ``output`` (``-`` for standard output), written through
    ``archive.outputs.write_output``: never into the archive, an existing file only
    with ``force``."""
    from wacz.main import main as wacz_main  # the wacz package's own creator

    check_output(output, force=force, archive=layout.root)  # refuse before the work
    if not layout.db.exists():
        raise NotAnArchive(f"no database at {layout.db} — pass the right --archive")
    since = normalise_since(since)
    conn = open_db(layout.db, readonly=True)
    try:
        pages = page_rows(conn, since)
        warcs = warcs_for(conn, layout, since)
    finally:
        conn.close()
    if not warcs:
        raise ArchiveError(
            f"no closed WARC files to pack in {layout.warc_dir}"
            + (f" with captures since {since}" if since else "")
            + " — crawl first, or choose an earlier --since")
    with tempfile.TemporaryDirectory() as tmp, \
            write_output(output, force=force, archive=layout.root, suffix=".wacz") as part:
        pages_path = Path(tmp) / "pages.jsonl"
        with open(pages_path, "w", encoding="utf-8") as f:
            f.write(json.dumps({"format": "json-pages-1.0", "id": "pages", "title": "Articles"}) + "\n")
            for p in pages:
                f.write(json.dumps(p, ensure_ascii=False) + "\n")
        log = io.StringIO()
        args = ["create", "-o", str(part), "-p", str(pages_path), "--title", title,
                *[str(w) for w in warcs]]
        with contextlib.redirect_stdout(log):
            failure = None
            try:
                code = wacz_main(args)
            except Exception as exc:  # the wacz tool raises plain exceptions
                failure = exc
        if failure is not None:
            _drop_unclosed_zip(failure)
            error = from_os_error(failure, str(output)) if isinstance(failure, OSError) else None
            raise error or ArchiveError(f"wacz could not package the archive ({failure}) — run "
                                        "`portal-archive verify` first") from failure
        text = log.getvalue()
        if code not in (0, None):  # nothing is published
            raise ArchiveError(f"wacz failed: {text.strip().splitlines()[-1:]} — "
                               "run `portal-archive verify`")
    unmatched = [line.split("match for ", 1)[1] for line in text.splitlines()
                 if "unable to find a match for" in line]
    return WaczResult(Path(output), [w.name for w in warcs], len(pages) - len(unmatched), unmatched, text)
