"""``verify`` proves the rows, indexes and originals too, and reports damage, not noise.

Archives are written by the real ``ArchiveSession`` (``tests/session_crawl.py``);
every check runs the CLI as a subprocess on a copy.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from clirun import run_cli
from hostile_warcs import record, response
from session_crawl import BASE, T0, crawl

from archive.db import open_db
from archive.layout import ArchiveLayout
from archive.warc.members import scan_members

POSTS = 40


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("proves") / "archive"
    crawl(root, [(i, 1) for i in range(1, POSTS + 1)], T0)
    crawl(root, [(i, 2 if i == 3 else 1) for i in range(1, POSTS + 1)], T0 + timedelta(days=1),
          extra=[(f"{BASE}/gone.html", 404)])
    return root


@pytest.fixture
def archive(built, tmp_path) -> ArchiveLayout:
    shutil.copytree(built, tmp_path / "a")
    return ArchiveLayout(tmp_path / "a")


def verify(layout: ArchiveLayout, *args: str):
    return run_cli("verify", "--archive", str(layout.root), *args, check=False)


def defects(res) -> list[str]:
    return [x for x in res.stdout.splitlines() if x.strip()]


def edit(layout: ArchiveLayout, sql: str, *params, fk: bool = False) -> None:
    conn = open_db(layout.db)
    conn.execute(f"PRAGMA foreign_keys={'ON' if fk else 'OFF'}")
    conn.execute(sql, params)
    conn.commit()
    conn.close()


def article_id(layout: ArchiveLayout, post: int) -> int:
    conn = sqlite3.connect(layout.db)
    try:
        return conn.execute("SELECT id FROM articles WHERE wp_post_id=?", (post,)).fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
def test_a_sound_archive_is_sound_also_deep(archive):
    res = verify(archive, "--deep")
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.rstrip().endswith("40 articles checked in " + res.stdout.split(" checked in ")[1].split(" s")[0] + " s: sound")


@pytest.mark.slow
def test_rows_edited_in_sql_are_reported(archive):
    ids = {n: article_id(archive, n) for n in (5, 6, 7)}
    edit(archive, "UPDATE articles SET title='Tiêu đề giả' WHERE id=?", ids[5])
    edit(archive, "UPDATE articles SET body_text=body_text || ' thêm' WHERE id=?", ids[6])
    edit(archive, "UPDATE articles SET published_at='2099-01-01T00:00:00+07:00' WHERE id=?", ids[7])
    res = verify(archive)
    assert res.returncode == 1
    lines = defects(res)
    assert len(lines) == 3, lines
    for n in (5, 6, 7):
        assert any(x.startswith(f"article {ids[n]} (") and "its row was edited" in x for x in lines)


@pytest.mark.slow
@pytest.mark.parametrize("fk", [False, True])
def test_a_deleted_article_row_is_a_defect(archive, fk):
    aid = article_id(archive, 9)
    edit(archive, "DELETE FROM articles WHERE id=?", aid, fk=fk)
    res = verify(archive)
    assert res.returncode == 1
    lines = defects(res)
    if fk:  # the cascade took every trace from the database: the WARC record still holds the post
        assert any(f"{BASE}/bai-9.html" in x and "has no article row" in x for x in lines), lines
    else:
        assert any(x.startswith(f"article {aid}: its row was deleted") for x in lines), lines


@pytest.mark.slow
def test_deleted_captures_and_a_deleted_database_are_defects(archive, tmp_path):
    edit(archive, "DELETE FROM captures WHERE url=?", f"{BASE}/wp-content/uploads/anh-12.jpg")
    res = verify(archive)
    assert res.returncode == 1
    assert any("HTTP records have no captures row" in x for x in defects(res)), res.stdout
    archive.db.unlink()
    res = verify(archive)
    assert res.returncode == 1
    assert any(x.startswith("archive.sqlite: missing") for x in defects(res)), res.stdout


@pytest.mark.slow
def test_corrupted_cdxj_offsets_are_a_defect_and_fix_index_rebuilds(archive):
    idx = min(archive.index_dir.glob("*.cdxj"))
    lines = idx.read_text().splitlines()
    lines[2] = lines[2].replace('"offset": "', '"offset": "1')
    idx.write_text("\n".join(lines) + "\n")
    res = verify(archive)
    assert res.returncode == 1
    assert [x for x in defects(res) if x.startswith(f"indexes/{idx.name}: 1 of ")], res.stdout
    res = verify(archive, "--fix-index")
    assert f"fixed: indexes/{idx.name}: rebuilt" in res.stderr
    res = verify(archive)
    assert res.returncode == 0, res.stdout


@pytest.mark.slow
def test_deep_finds_a_row_edited_together_with_its_digest(archive):
    from archive.integrity.rowcheck import _terms, row_digest

    aid = article_id(archive, 11)
    conn = open_db(archive.db)
    conn.execute("UPDATE articles SET body_text='Nội dung đã bị sửa.' WHERE id=?", (aid,))
    conn.row_factory = sqlite3.Row
    row = conn.execute("SELECT * FROM articles WHERE id=?", (aid,)).fetchone()
    conn.execute("UPDATE articles SET content_digest=? WHERE id=?", (row_digest(row, _terms(conn)), aid))
    conn.commit()
    conn.close()
    assert verify(archive).returncode == 0  # consistent with itself: only the WARC can tell
    res = verify(archive, "--deep")
    assert res.returncode == 1
    assert [x for x in defects(res) if x.startswith(f"article {aid} (") and "body_text" in x], res.stdout
    res = verify(archive, "--deep", "--sample", "3")
    assert res.returncode in (0, 1) and "Traceback" not in res.stderr
    res = run_cli("verify", "--archive", str(archive.root), "--sample", "3", check=False)
    assert res.returncode == 2 and "--sample N needs --deep" in res.stderr


def plain_warc(path: Path) -> Path:
    recs = [record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", "<urn:uuid:i0>"),
                    ("WARC-Date", "2024-05-01T10:00:00Z")], b"software: wget\r\n")]
    recs += [response(f"{BASE}/khac-{i}.html", b"<html><body>x</body></html>", f"r{i}") for i in range(3)]
    path.write_bytes(b"".join(recs))
    return path


@pytest.mark.slow
def test_import_originals_are_in_the_manifest_and_checked(archive, tmp_path):
    run_cli("import", str(plain_warc(tmp_path / "wget.warc")), "--archive", str(archive.root))  # BASE is a crawl origin
    originals = list((archive.warc_dir / "originals").glob("*.source"))
    assert len(originals) == 1
    assert f"warc/originals/{originals[0].name}" in archive.manifest.read_text()
    assert verify(archive).returncode == 0
    data = bytearray(originals[0].read_bytes())
    data[10] ^= 1
    originals[0].write_bytes(bytes(data))
    res = verify(archive)
    assert res.returncode == 1
    assert [x for x in defects(res) if originals[0].name in x and "SHA-256" in x], res.stdout
    originals[0].unlink()
    res = verify(archive)
    assert res.returncode == 1
    assert [x for x in defects(res) if originals[0].name in x and "missing" in x], res.stdout


def flip_compressed_byte(path: Path, member_index: int) -> tuple[int, str]:
    members = list(scan_members(path, keep=False))
    m = members[member_index]
    data = bytearray(path.read_bytes())
    data[m.offset + m.length // 2] ^= 0x55
    path.write_bytes(bytes(data))
    return m.offset, m.record_id


@pytest.mark.slow
def test_one_flipped_byte_is_at_most_three_lines_and_reindex_keeps_the_rest(archive, tmp_path):
    conn = sqlite3.connect(archive.db)
    wf, total = conn.execute("SELECT warc_file, count(*) FROM captures GROUP BY warc_file"
                             " ORDER BY count(*) DESC").fetchone()
    conn.close()
    path = archive.warc_dir / wf
    n_members = sum(1 for _ in scan_members(path, keep=False))
    offset, _ = flip_compressed_byte(path, 41)  # a record in the middle of the file
    res = verify(archive)
    assert res.returncode == 1
    lines = defects(res)
    assert len(lines) <= 3, lines
    damage = [x for x in lines if x.startswith(f"{wf}@{offset}")]
    assert len(damage) == 1 and ": corrupt — " in damage[0] and "truncated" not in damage[0], lines
    assert "1 damaged span(s)" in res.stdout + res.stderr
    # reindex keeps every other record and says what it skipped
    res = run_cli("reindex", "--archive", str(archive.root), "--db", str(tmp_path / "r.sqlite"), check=False)
    assert res.returncode == 3, res.stderr
    assert "1 damaged span(s) of WARC files skipped" in res.stdout
    new = sqlite3.connect(tmp_path / "r.sqlite")
    kept = new.execute("SELECT count(*) FROM captures WHERE warc_file=?", (wf,)).fetchone()[0]
    assert kept >= total - 1
    # salvage: every intact record into a new file, never inside warc/
    bad = run_cli("verify", "--archive", str(archive.root), "--salvage", str(archive.warc_dir / "x"), check=False)
    assert bad.returncode != 0 and bad.stderr.startswith("error: ") and "is inside" in bad.stderr
    assert not (archive.warc_dir / "x").exists()
    out = tmp_path / "salvaged"
    res = verify(archive, "--salvage", str(out))
    assert f"salvaged: {n_members - 1} intact records of {wf}" in res.stderr
    assert sum(1 for _ in scan_members(out / wf)) == n_members - 1
    assert all(hasattr(m, "headers") for m in scan_members(out / wf))  # no damage in the copy


@pytest.mark.slow
def test_a_cut_file_is_truncated_not_corrupt(archive):
    path = max(archive.warc_dir.glob("*.warc.gz"))
    data = path.read_bytes()
    path.write_bytes(data[:-100])
    res = verify(archive)
    damage = [x for x in defects(res) if x.startswith(path.name + "@")]
    assert len(damage) == 1 and ": truncated — " in damage[0], res.stdout
