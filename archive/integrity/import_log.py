"""The log of imported WARC files: ``<archive>/logs/imports.jsonl``.

One JSON object per imported file, appended (and fsynced) after the file is in
``warc/`` and its rows are committed: ``stored_as`` (name under ``warc/``),
``source`` (the name it had), ``source_sha256``, ``stored_sha256``,
``recompressed``, ``original_kept_as``, ``crawl_id``, ``started_at``,
``ended_at``, ``warcinfo``. ``import`` refuses a file whose SHA-256 is here;
``reindex`` rebuilds the import's ``crawls`` row from it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from archive.layout import ArchiveLayout


def log_path(layout: ArchiveLayout) -> Path:
    return layout.logs_dir / "imports.jsonl"


def read_imports(layout: ArchiveLayout) -> list[dict]:
    path = log_path(layout)
    if not path.exists():
        return []
    out = []
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line cut by a crash: the file itself is still in warc/
        if isinstance(entry, dict):
            out.append(entry)
    return out


def imports_by_file(layout: ArchiveLayout) -> dict[str, dict]:
    return {e["stored_as"]: e for e in read_imports(layout) if e.get("stored_as")}


def append_import(layout: ArchiveLayout, entry: dict) -> None:
    layout.logs_dir.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(log_path(layout), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
