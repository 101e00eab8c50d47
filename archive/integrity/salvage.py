"""``verify --salvage DIR``: copy every intact record of each damaged WARC file into a new file.

The intact gzip members (each one whole record whose walk found no damage)
are copied byte for byte, in order, into ``DIR/<name of the damaged file>``;
the damaged file itself is never changed. ``DIR`` must lie outside any archive
(a salvaged copy is not evidence until an archivist has looked at it); an
existing output file is never replaced.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout
from archive.outputs import OutputRefused, archive_part
from archive.warc.members import Damage, scan_members


@dataclass
class Salvaged:
    source: str
    output: Path
    records: int
    skipped: int


def check_target(layout: ArchiveLayout, out_dir: str | os.PathLike) -> Path:
    """``out_dir`` resolved, or ``OutputRefused``: never inside an archive (the outputs
    rule, ``archive.outputs.archive_part``), never anything but a directory."""
    part = archive_part(out_dir, [layout.root])
    if part is not None:
        raise OutputRefused(f"--salvage {out_dir} is inside {part}; salvaged copies never go there — "
                            "choose a directory outside the archive (e.g. ~/salvaged)")
    out = Path(out_dir).expanduser().resolve()
    if out.exists() and not out.is_dir():
        raise OutputRefused(f"--salvage {out_dir} exists and is not a directory — choose a directory")
    return out


def salvage_file(warc: Path, out_dir: Path) -> Salvaged:
    """Copy the intact members of ``warc`` into ``out_dir/<name>`` (created exclusively)."""
    dest = out_dir / warc.name.removesuffix(".open")
    records = skipped = 0
    try:
        out = open(dest, "xb")
    except FileExistsError:
        raise ArchiveError(f"{dest} already exists — salvage into an empty directory") from None
    try:
        with out, open(warc, "rb") as src:
            for item in scan_members(warc, keep=False):
                if isinstance(item, Damage):
                    skipped += 1
                    continue
                src.seek(item.offset)
                left = item.length
                while left:
                    chunk = src.read(min(left, 1 << 20))
                    if not chunk:
                        break
                    out.write(chunk)
                    left -= len(chunk)
                records += 1
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        dest.unlink(missing_ok=True)
        raise
    return Salvaged(warc.name, dest, records, skipped)


def salvage(layout: ArchiveLayout, names: list[str], out_dir: str | os.PathLike) -> list[Salvaged]:
    out = check_target(layout, out_dir)
    out.mkdir(parents=True, exist_ok=True)
    done = []
    for name in names:
        path = layout.warc_dir / name
        if not path.exists():
            path = path.with_name(name + ".open")
        done.append(salvage_file(path, out))
    return done
