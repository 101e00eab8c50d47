"""CDXJ index per closed WARC file: ``<archive>/indexes/<warc name>.cdxj``.

Built with cdxj-indexer (the same indexer pywb and wacz use), sorted, so pywb
can serve the archive from ``warc/`` + ``indexes/`` without re-indexing.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout
from archive.warc.members import Damage, scan_members

log = logging.getLogger(__name__)


def index_path(layout: ArchiveLayout, warc: Path) -> Path:
    return layout.index_dir / (Path(warc).name + ".cdxj")


def write_cdxj(warc: str | os.PathLike, output: str | os.PathLike) -> Path:
    """Index one WARC file into ``output`` (sorted CDXJ lines, written atomically)."""
    from cdxj_indexer.main import write_cdx_index  # slow to import: only when indexing

    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".tmp")
    try:
        write_cdx_index(str(tmp), [os.fspath(warc)], {"sort": True})
        os.replace(tmp, output)
    except Exception as exc:
        tmp.unlink(missing_ok=True)
        raise ArchiveError(
            f"cannot index {warc} ({exc}) — run `portal-archive verify` to check the file"
        ) from exc
    return output


def assert_whole(warc: str | os.PathLike) -> None:
    """cdxj-indexer reads with warcio, which has no caps (a 100 MB header line is
    read whole): a file is walked with the bounded reader first, and a damaged
    one is not indexed."""
    for item in scan_members(warc, keep=False, resync=False):
        if isinstance(item, Damage):
            raise ArchiveError(f"cannot index {Path(warc).name}: {item.describe(Path(warc).name)} — "
                               "run `portal-archive verify` (and `verify --salvage DIR`)")


def index_warc(layout: ArchiveLayout, warc: Path, *, check: bool = True) -> Path:
    """Index one file; ``check=False`` only for a file this process has just written."""
    if check:
        assert_whole(warc)
    return write_cdxj(warc, index_path(layout, warc))


def on_warc_closed(layout: ArchiveLayout, path: Path) -> None:
    """``WarcWriter`` ``on_close`` hook (``ArchiveSession`` calls it): our own file, just written."""
    index_warc(layout, path, check=False)


def read_index(path: Path) -> Iterator[tuple[int, dict | None]]:
    """``(line number, JSON fields or None when unreadable)`` of each CDXJ line."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            if len(raw) > 1 << 20:
                yield n, None
                continue
            _, _, rest = raw.decode("utf-8", "replace").partition(" {")
            try:
                fields = json.loads("{" + rest) if rest else None
            except ValueError:
                fields = None
            yield n, fields if isinstance(fields, dict) else None


def check_index(layout: ArchiveLayout, warc: Path, records: dict) -> str | None:
    """One line when ``indexes/<warc>.cdxj`` disagrees with the file (``records``
    maps ``(file name, offset)`` to what the walk found: ``.length``, ``.rec_type``,
    ``.target_uri``); ``None`` when it agrees."""
    idx = index_path(layout, warc)
    bad: list[str] = []
    pointed: set[int] = set()
    lines = 0
    for n, fields in read_index(idx):
        lines += 1
        if fields is None:
            bad.append(f"line {n} unreadable")
            continue
        try:
            off, length = int(fields.get("offset", -1)), int(fields.get("length", -1))
        except (TypeError, ValueError):
            bad.append(f"line {n} has no offset/length")
            continue
        info = records.get((fields.get("filename", warc.name), off))
        if fields.get("filename", warc.name) != warc.name or info is None:
            bad.append(f"line {n} points at offset {off}, where no record starts")
        elif info.length != length:
            bad.append(f"line {n} says {length} bytes, the record at {off} has {info.length}")
        else:
            pointed.add(off)
    unindexed = [key[1] for key, info in records.items() if isinstance(key, tuple) and key[0] == warc.name
                 and getattr(info, "rec_type", None) in ("response", "revisit")
                 and (getattr(info, "target_uri", None) or "").startswith(("http:", "https:"))
                 and key[1] not in pointed]
    if not bad and not unindexed:
        return None
    what = []
    if bad:
        what.append(f"{len(bad)} of {lines} lines wrong ({'; '.join(bad[:3])}{'…' if len(bad) > 3 else ''})")
    if unindexed:
        what.append(f"{len(unindexed)} records not indexed (e.g. offset {unindexed[0]})")
    return (f"indexes/{idx.name}: {', '.join(what)} — replay would serve the wrong bytes; "
            "`portal-archive verify --fix-index` rebuilds it")


def ensure_indexes(layout: ArchiveLayout) -> list[Path]:
    """Index every closed WARC that has no (or an older) index; return the new indexes.
    A damaged file is left unindexed (logged): `verify` reports it."""
    made = []
    for warc in layout.warc_files():
        idx = index_path(layout, warc)
        if not idx.exists() or idx.stat().st_mtime < warc.stat().st_mtime:
            try:
                made.append(index_warc(layout, warc))
            except ArchiveError as exc:
                log.warning("%s", exc)
    return made
