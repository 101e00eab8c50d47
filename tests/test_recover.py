"""Recovery after a killed crawl: .open files cut back to their last whole record, rows past the cut forgotten."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from warc_helpers import build_archive
from warcio.archiveiterator import ArchiveIterator

from archive.db import open_db
from archive.integrity.fixity import read_manifest
from archive.integrity.recover import recover_archive
from archive.integrity.verify import verify_archive
from archive.layout import ArchiveLayout
from archive.warc import walk_members
from archive.warc.dedup import DigestIndex

HERE = Path(__file__).parent


def test_open_file_cut_back_and_rows_forgotten(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=5, close=False)
    index = DigestIndex(conn)
    for it in items.values():
        index.remember(it["post_ref"].payload_digest, it["post_ref"], it["capture_id"])
    open_path = writer.current_path
    writer._file.flush()
    # the crash: the file ends inside post 3's page record
    cut_ref = items[3]["post_ref"]
    with open(open_path, "r+b") as f:
        f.truncate(cut_ref.offset + cut_ref.length // 2)
    writer._file = None  # the process "died": the writer never closes
    assert not read_manifest(layout)[0]

    report = recover_archive(layout, conn)

    final = layout.warc_dir / cut_ref.warc_file
    assert final.exists() and not open_path.exists()
    assert final.stat().st_size == cut_ref.offset
    assert [(f.name, f.cut_at, f.records_kept) for f in report.files] == [(final.name, cut_ref.offset, 1 + 4 * 3)]
    # rows for posts 3 and 4 (page + image) are gone, their articles too; posts 0-2 intact
    assert report.captures_removed == 4 and report.articles_removed == 2 and report.digests_removed == 2
    urls = {r[0] for r in conn.execute("SELECT url FROM captures")}
    assert urls == {items[i][k] for i in range(3) for k in ("url", "image_url")}
    assert {r[0] for r in conn.execute("SELECT url FROM articles")} == {items[i]["url"] for i in range(3)}
    assert conn.execute("SELECT count(*) FROM images").fetchone()[0] == 3
    assert index.lookup(items[3]["post_ref"].payload_digest) is None
    assert index.lookup(items[2]["post_ref"].payload_digest).record_id == items[2]["post_ref"].record_id
    # sealed like any closed file: manifest, index, verify sound, warcio reads it
    assert read_manifest(layout)[0] == {f"warc/{final.name}": report_digest(final)}
    assert (layout.index_dir / (final.name + ".cdxj")).exists()
    rep = verify_archive(layout)
    assert rep.sound, rep.defects
    with open(final, "rb") as f:
        assert sum(1 for _ in ArchiveIterator(f)) == 13
    # running it again finds nothing to do
    assert not recover_archive(layout, conn)


def report_digest(path):
    from archive.integrity.fixity import sha256_file
    return sha256_file(path)


def test_empty_and_warcinfo_only_files(tmp_path):
    layout = ArchiveLayout(tmp_path / "a").create()
    conn = open_db(layout.db)
    (layout.warc_dir / "portal-20260101000000000-00000-h-1.warc.gz.open").write_bytes(b"")
    from archive.warc import WarcWriter
    w = WarcWriter(layout.warc_dir, prefix="info", warcinfo={})
    w._ensure_file()
    w._file.flush()
    only_info = w.current_path
    w._file = None
    w2 = WarcWriter(layout.warc_dir, prefix="half", warcinfo={})
    w2._ensure_file()
    w2._file.flush()
    half = w2.current_path
    w2._file = None
    half.write_bytes(half.read_bytes()[:40])
    report = recover_archive(layout, conn)
    names = sorted(p.name for p in layout.warc_dir.iterdir())
    assert names == [only_info.name[: -len(".open")]]
    assert sorted((f.name.split("-")[0], f.removed) for f in report.files) == [
        ("half", True), ("info", False), ("portal", True)]
    assert verify_archive(layout).sound


def test_closed_file_missing_from_manifest_is_added(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=2)
    layout.manifest.unlink()
    report = recover_archive(layout, conn)
    assert report.manifest_added == [items[0]["post_ref"].warc_file]
    assert verify_archive(layout).sound


WRITER_SCRIPT = textwrap.dedent("""
    import sys, itertools
    sys.path.insert(0, sys.argv[2])
    from warc_helpers import build_archive, post_exchange, image_exchange, add_capture, T0
    from pathlib import Path
    layout, conn, writer, items = build_archive(Path(sys.argv[1]), posts=1, close=False)
    print("ready", flush=True)
    for i in itertools.count(1):
        ex = image_exchange(i, T0)
        ref = writer.write_exchange(ex)
        add_capture(conn, ex, ref)
""")


@pytest.mark.slow  # an external writer process, killed mid-write
def test_kill_9_while_writing(tmp_path):
    root = tmp_path / "a"
    proc = subprocess.Popen([sys.executable, "-c", WRITER_SCRIPT, str(root), str(HERE)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    warc_dir = root / "warc"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        opens = list(warc_dir.glob("*.open"))
        if opens and opens[0].stat().st_size > 2_000_000:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    layout = ArchiveLayout(root)
    conn = open_db(layout.db)
    rows_before = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    report = recover_archive(layout, conn)
    assert len(report.files) == 1 and not report.files[0].removed
    final = layout.warc_dir / report.files[0].name
    n = sum(1 for _ in walk_members(final))  # raises if anything partial is left
    assert n == report.files[0].records_kept
    rows_after = conn.execute("SELECT count(*) FROM captures").fetchone()[0]
    assert rows_after == rows_before - report.captures_removed
    assert rows_after >= (n - 1) // 2 - 1  # at most the last pair had no row yet
    rep = verify_archive(layout)
    assert rep.sound, rep.defects
