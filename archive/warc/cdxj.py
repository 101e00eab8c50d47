"""CDXJ index per closed WARC file: ``<archive>/indexes/<warc name>.cdxj``.

Built with cdxj-indexer (the same indexer pywb and wacz use), sorted, so pywb
can serve the archive from ``warc/`` + ``indexes/`` without re-indexing.
"""

from __future__ import annotations

import os
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout


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


def index_warc(layout: ArchiveLayout, warc: Path) -> Path:
    return write_cdxj(warc, index_path(layout, warc))


def on_warc_closed(layout: ArchiveLayout, path: Path) -> None:
    """``WarcWriter`` ``on_close`` hook (``ArchiveSession`` calls it)."""
    index_warc(layout, path)


def ensure_indexes(layout: ArchiveLayout) -> list[Path]:
    """Index every closed WARC that has no (or an older) index; return the new indexes."""
    made = []
    for warc in layout.warc_files():
        idx = index_path(layout, warc)
        if not idx.exists() or idx.stat().st_mtime < warc.stat().st_mtime:
            made.append(index_warc(layout, warc))
    return made
