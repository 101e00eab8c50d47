"""The SHA-256 fixity manifest of closed WARC files: ``<archive>/manifest-sha256.txt``.

One line per closed file, in ``sha256sum`` format, paths relative to the
archive root: ``<sha256>  warc/<file>``. So ``sha256sum -c manifest-sha256.txt``
run in the archive directory checks it too. A line is appended when a file
closes; a later line for the same file wins (recovery rewrites a cut file).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from archive.layout import ArchiveLayout


def sha256_file(path: str | os.PathLike) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def manifest_name(layout: ArchiveLayout, path: Path) -> str:
    path = Path(path).resolve()
    try:
        return path.relative_to(layout.root).as_posix()
    except ValueError:
        return f"warc/{path.name}"


def add_to_manifest(layout: ArchiveLayout, path: str | os.PathLike, digest: str | None = None) -> str:
    """Append ``<sha256>  warc/<name>`` for a closed file (one write, fsynced); return the digest."""
    digest = digest or sha256_file(path)
    line = f"{digest}  {manifest_name(layout, Path(path))}\n".encode("utf-8")
    fd = os.open(layout.manifest, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    return digest


def on_warc_closed(layout: ArchiveLayout, path: Path) -> None:
    """``WarcWriter`` ``on_close`` hook (``ArchiveSession`` calls it)."""
    add_to_manifest(layout, path)


def read_manifest(layout: ArchiveLayout) -> tuple[dict[str, str], list[str]]:
    """``({relative path: sha256}, [malformed lines])``; the last line of a file wins."""
    entries: dict[str, str] = {}
    bad: list[str] = []
    if not layout.manifest.exists():
        return entries, bad
    for n, line in enumerate(layout.manifest.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        digest, sep, name = line.partition("  ")
        if not sep or len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            bad.append(f"line {n}: {line[:80]!r}")
            continue
        entries[name.lstrip("*")] = digest
    return entries, bad
