"""CDXJ index per closed WARC, written by cdxj-indexer when the file closes."""

from __future__ import annotations

import json
import re

from warc_helpers import build_archive

from archive.warc.cdxj import ensure_indexes, index_path


def test_index_per_closed_file(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=4, max_size=9_000, close=False)
    open_name = writer.current_path
    assert not (layout.index_dir / (open_name.name + ".cdxj")).exists()
    writer.close()
    files = layout.warc_files()
    assert len(files) >= 2
    assert sorted(p.name for p in layout.index_dir.iterdir()) == sorted(f.name + ".cdxj" for f in files)
    entries = {}
    for f in files:
        lines = index_path(layout, f).read_text("utf-8").splitlines()
        assert lines == sorted(lines)
        for line in lines:
            surt, ts, blob = line.split(" ", 2)
            data = json.loads(blob)
            assert data["filename"] == f.name
            entries[data["url"]] = (ts, data)
    for it in items.values():
        for key, url in (("post_ref", it["url"]), ("image_ref", it["image_url"])):
            ref = it[key]
            ts, data = entries[url]
            assert (data["filename"], int(data["offset"]), int(data["length"])) == (ref.warc_file, ref.offset, ref.length)
            assert ts == re.sub(r"\D", "", ref.date[:19])  # 14-digit timestamp of WARC-Date
            assert data["digest"] == ref.payload_digest.split(":", 1)[1] or data["digest"] == ref.payload_digest
            assert data["status"] == "200"
    # an index lost is rebuilt
    index_path(layout, files[0]).unlink()
    assert ensure_indexes(layout) == [index_path(layout, files[0])]
