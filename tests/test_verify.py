"""portal-archive verify: a sound archive passes; each injected defect is reported."""

from __future__ import annotations

import gzip
import subprocess
import sys
from pathlib import Path

import pytest
from clirun import invoke_cli
from warc_helpers import build_archive

from archive.integrity.fixity import read_manifest, sha256_file
from archive.integrity.verify import verify_archive

CLI = str(Path(sys.executable).with_name("portal-archive"))


def run_verify(root):
    return invoke_cli("verify", "--archive", str(root))


@pytest.fixture
def archive(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=6, max_size=8_000)
    conn.close()
    return layout, items


def test_sound_archive(archive):
    layout, items = archive
    files = layout.warc_files()
    assert len(files) >= 2
    entries, bad = read_manifest(layout)
    assert not bad and set(entries) == {f"warc/{f.name}" for f in files}
    assert all(entries[f"warc/{f.name}"] == sha256_file(f) for f in files)
    report = verify_archive(layout)
    assert report.sound, report.defects
    assert report.captures == 12 and report.articles == 6 and report.files == len(files)
    res = run_verify(layout.root)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "sound" in res.stdout


@pytest.mark.slow
def test_the_console_script_and_sha256sum_agree_on_a_sound_archive(archive):
    """The installed ``portal-archive`` script (a process, as cron runs it) and
    coreutils' ``sha256sum -c`` read the same manifest."""
    layout, items = archive
    res = subprocess.run(["sha256sum", "-c", "manifest-sha256.txt"], cwd=layout.root, capture_output=True)
    assert res.returncode == 0, res.stdout
    res = subprocess.run([CLI, "verify", "--archive", str(layout.root)], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "sound" in res.stdout


def test_truncated_file(archive):
    layout, items = archive
    f = layout.warc_files()[-1]
    data = f.read_bytes()
    f.write_bytes(data[: len(data) - 50])
    res = run_verify(layout.root)
    assert res.returncode == 1
    line = next(x for x in res.stdout.splitlines() if x.startswith(f"{f.name}@"))
    assert "): truncated — the gzip member" in line
    assert f"warc/{f.name}: SHA-256" in res.stdout  # the manifest notices too


def test_flipped_byte_in_payload(archive):
    layout, items = archive
    ref = items[2]["image_ref"]
    f = layout.warc_dir / ref.warc_file
    # rewrite the image record's member with one payload byte flipped, still valid gzip
    data = f.read_bytes()
    member = data[ref.offset: ref.offset + ref.length]
    rec = bytearray(gzip.decompress(member))
    rec[-100] ^= 0x01
    new_member = gzip.compress(bytes(rec))
    f.write_bytes(data[: ref.offset] + new_member + data[ref.offset + ref.length:])
    res = run_verify(layout.root)
    assert res.returncode == 1
    lines = res.stdout.splitlines()
    assert any(ref.record_id in l and "block digest mismatch" in l for l in lines)
    assert any(ref.record_id in l and "payload digest mismatch" in l for l in lines)
    assert any(f"warc/{f.name}: SHA-256" in l for l in lines)


def test_flipped_byte_in_compressed_stream(archive):
    layout, items = archive
    ref = items[1]["post_ref"]
    f = layout.warc_dir / ref.warc_file
    data = bytearray(f.read_bytes())
    data[ref.offset + ref.length // 2] ^= 0xFF
    f.write_bytes(bytes(data))
    res = run_verify(layout.root)
    assert res.returncode == 1
    assert f.name in res.stdout


def test_deleted_file(archive):
    layout, items = archive
    ref = items[0]["post_ref"]
    (layout.warc_dir / ref.warc_file).unlink()
    res = run_verify(layout.root)
    assert res.returncode == 1
    assert f"warc/{ref.warc_file}: listed in manifest-sha256.txt but missing" in res.stdout
    assert f"capture {items[0]['capture_id']} (" in res.stdout


def test_row_pointing_nowhere(archive):
    layout, items = archive
    from archive.db import open_db
    conn = open_db(layout.db)
    conn.execute("UPDATE captures SET warc_offset = warc_offset + 7 WHERE id=?", (items[3]["capture_id"],))
    conn.execute("UPDATE captures SET payload_digest='sha1:AAAA' WHERE id=?", (items[4]["image_capture_id"],))
    conn.execute("PRAGMA foreign_keys=OFF")
    conn.execute("UPDATE articles SET capture_id=99999 WHERE id=?", (items[5]["article_id"],))
    conn.close()
    res = run_verify(layout.root)
    assert res.returncode == 1
    out = res.stdout
    assert f"capture {items[3]['capture_id']} (" in out and "but its record" in out
    assert f"capture {items[4]['image_capture_id']} (" in out and "payload digest sha1:AAAA" in out
    assert f"article {items[5]['article_id']} (" in out and "capture 99999 does not exist" in out
    assert len(out.splitlines()) == 3  # one line per defect; the summary goes to stderr


def test_manifest_mismatch_and_unlisted(archive):
    layout, items = archive
    lines = layout.manifest.read_text().splitlines()
    first = lines[0]
    lines[0] = ("0" * 64) + first[64:]
    del lines[1]
    layout.manifest.write_text("\n".join(lines) + "\n")
    res = run_verify(layout.root)
    assert res.returncode == 1
    assert f"{first[66:]}: SHA-256" in res.stdout
    # a whole file without its fixity line (a disk-full stop) is a note, not a defect
    assert "closed WARC file not listed" in res.stderr
    assert "closed WARC file not listed" not in res.stdout


def test_open_file_is_a_defect_unless_a_crawl_runs(tmp_path):
    from archive.lock import CrawlLock

    layout, conn, writer, items = build_archive(tmp_path / "a", posts=2, close=False)
    conn.close()
    open_name = writer.current_path.name
    res = run_verify(layout.root)
    assert res.returncode == 1
    assert f"{open_name}: left open by a killed crawl" in res.stdout
    with CrawlLock(layout):
        # a half-written record at the end of the file being written is expected
        with open(writer.current_path, "ab") as f:
            f.write(gzip.compress(b"WARC/1.1\r\nContent-Length: 100\r\n\r\nabc")[:20])
        res = run_verify(layout.root)
        assert res.returncode == 0, res.stdout
        assert "note: a crawl is running" in res.stderr
    writer._file.close()


def test_revisit_pointing_nowhere(archive):
    from types import SimpleNamespace

    from warc_helpers import T0, post_exchange

    from archive.integrity.fixity import on_warc_closed
    from archive.warc import WarcWriter

    layout, items = archive
    ghost = SimpleNamespace(record_id="<urn:uuid:00000000-0000-0000-0000-000000000000>",
                            target_uri=items[0]["url"], date="2026-01-01T00:00:00.000000Z")
    with WarcWriter(layout.warc_dir, warcinfo={}, on_close=lambda p: on_warc_closed(layout, p)) as w:
        w.write_revisit(post_exchange(0, T0), ghost)
    res = run_verify(layout.root)
    assert res.returncode == 1
    assert f"refers to {ghost.record_id}, which is in no WARC file" in res.stdout
    assert "have no CDXJ index" in res.stderr
