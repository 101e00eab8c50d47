"""Outputs never destroy anything (issue 14.4): every ``-o`` goes through ``archive.outputs``.

Real files, a real FIFO, a real UNIX socket, real symlinks and /dev/null (only
ever refused, never written); the commands run through the real CLI.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from clirun import invoke_cli

from archive.errors import ArchiveError
from archive.outputs import OutputRefused, check_output, write_output
from crawler.cli import main

try:
    from .researcher_archive import ARTICLES, build_archive
    from .warc_helpers import build_archive as build_warc_archive
except ImportError:
    from researcher_archive import ARTICLES, build_archive
    from warc_helpers import build_archive as build_warc_archive


@pytest.fixture(scope="module")
def layout(tmp_path_factory):
    return build_archive(tmp_path_factory.mktemp("outputs") / "arch")


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(result, *words):
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert len(errors) == 1, result.output
    assert "Traceback" not in result.output
    for w in words:
        assert w in errors[0], errors[0]
    return errors[0]


def export(layout, out, *extra):
    return run("export", "--format", "jsonl", "-o", out, "--archive", layout.root, *extra)


# -- existing regular files -------------------------------------------------------
def test_existing_file_is_kept_without_force(layout, tmp_path):
    out = tmp_path / "a.jsonl"
    out.write_text("precious\n")
    r = export(layout, out)
    assert r.exit_code == 2
    one_error_line(r, "exists", "--force")
    assert out.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.jsonl"]  # no temporary left


def test_force_replaces_atomically(layout, tmp_path):
    out = tmp_path / "a.jsonl"
    out.write_text("old\n")
    before = out.stat().st_ino
    r = export(layout, out, "--force")
    assert r.exit_code == 0, r.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(ARTICLES)
    assert out.stat().st_ino != before  # a rename of a complete file, not a rewrite in place
    assert [p.name for p in tmp_path.iterdir()] == ["a.jsonl"]


def test_force_never_writes_through_a_hard_link(layout, tmp_path):
    precious = tmp_path / "precious.bin"
    precious.write_bytes(b"evidence")
    os.link(precious, tmp_path / "out.jsonl")
    assert export(layout, tmp_path / "out.jsonl", "--force").exit_code == 0
    assert precious.read_bytes() == b"evidence"


def test_new_file_is_written(layout, tmp_path):
    out = tmp_path / "new.jsonl"
    assert export(layout, out).exit_code == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == len(ARTICLES)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~_umask()


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


# -- standard output ------------------------------------------------------------------
def test_dash_is_standard_output(layout, tmp_path):
    proc = invoke_cli("export", "--format", "jsonl", "-o", "-", "--archive", str(layout.root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout_bytes.decode("utf-8").splitlines()]
    assert len(rows) == len(ARTICLES)
    assert not (tmp_path / "-").exists()


def test_report_to_standard_output(layout, tmp_path):
    proc = invoke_cli("report", "-o", "-", "--archive", str(layout.root), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout_bytes.startswith(b"<!DOCTYPE html>") or b"<html" in proc.stdout_bytes[:200]
    assert not (tmp_path / "-").exists()


# -- not regular files ------------------------------------------------------------------
def test_device_is_refused_even_as_root(layout):
    before = os.stat("/dev/null")
    r = export(layout, "/dev/null")
    assert r.exit_code == 2
    one_error_line(r, "character device", "--force")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


def test_fifo_is_refused_then_written_into_with_force(layout, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    r = export(layout, fifo)
    assert r.exit_code == 2
    one_error_line(r, "FIFO")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    r = export(layout, fifo, "--force")
    reader.join(30)
    assert r.exit_code == 0, r.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still a FIFO, not replaced by a file
    assert len(got[0].decode("utf-8").splitlines()) == len(ARTICLES)


def test_socket_is_refused_even_with_force(layout, tmp_path):
    path = tmp_path / "sock"
    s = socket.socket(socket.AF_UNIX)
    s.bind(str(path))
    try:
        for extra in ((), ("--force",)):
            r = export(layout, path, *extra)
            assert r.exit_code == 2
            one_error_line(r, "socket")
            assert stat.S_ISSOCK(os.lstat(path).st_mode)
    finally:
        s.close()


def test_directory_is_refused(layout, tmp_path):
    r = export(layout, tmp_path, "--force")
    assert r.exit_code != 0
    assert "Traceback" not in r.output


def test_symlink_is_refused_then_followed_with_force(layout, tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    r = export(layout, link)
    assert r.exit_code == 2
    one_error_line(r, "symbolic link")
    assert link.is_symlink() and target.read_text() == "old\n"
    r = export(layout, link, "--force")
    assert r.exit_code == 0, r.output
    assert link.is_symlink()  # the link stays; its target got the output
    assert len(target.read_text(encoding="utf-8").splitlines()) == len(ARTICLES)


# -- the archive itself -------------------------------------------------------------
def test_archive_files_are_never_targets(layout, tmp_path):
    root = layout.root
    (root / "warc").mkdir(exist_ok=True)
    (root / "state").mkdir(exist_ok=True)
    warc = root / "warc" / "X.warc.gz"
    warc.write_bytes(b"\x1f\x8bevidence")
    db_digest = digest(layout.db)
    link_into_warc = tmp_path / "innocent.jsonl"
    link_into_warc.symlink_to(warc)
    targets = [layout.db, warc, root / "warc" / "new.warc.gz", root / "state" / "lock",
               root / "manifest-sha256.txt", root / "archive.sqlite-wal", layout.parser_profile]
    for target in targets:
        for extra in ((), ("--force",)):
            r = export(layout, target, *extra)
            assert r.exit_code == 2, (target, r.output)
            one_error_line(r, "archive")
    r = export(layout, link_into_warc, "--force")
    assert r.exit_code == 2
    one_error_line(r, "archive")
    assert digest(layout.db) == db_digest
    assert warc.read_bytes() == b"\x1f\x8bevidence"
    assert not (root / "warc" / "new.warc.gz").exists()
    r = run("report", "-o", layout.db, "--force", "--archive", layout.root)
    assert r.exit_code == 2
    one_error_line(r, "archive")
    assert digest(layout.db) == db_digest


def test_another_archive_is_recognised(layout, tmp_path):
    other = build_archive(tmp_path / "other")
    before = digest(other.db)
    r = export(layout, other.db, "--force")
    assert r.exit_code == 2
    one_error_line(r, "archive")
    assert digest(other.db) == before


def test_a_new_file_beside_the_archive_is_fine(layout):
    out = layout.root / "export.jsonl"
    try:
        assert export(layout, out).exit_code == 0
    finally:
        out.unlink(missing_ok=True)


# -- the library function ------------------------------------------------------------------
def test_failed_write_leaves_the_target_alone(tmp_path):
    out = tmp_path / "x.txt"
    out.write_text("keep")
    with pytest.raises(RuntimeError):
        with write_output(out, force=True) as tmp:
            tmp.write_text("half")
            raise RuntimeError("writer failed")
    assert out.read_text() == "keep"
    assert [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def test_a_file_appearing_meanwhile_is_not_overwritten(tmp_path):
    out = tmp_path / "x.txt"
    with pytest.raises(OutputRefused, match="exists|appeared"):
        with write_output(out) as tmp:
            tmp.write_text("mine")
            out.write_text("theirs")
    assert out.read_text() == "theirs"


def test_check_output_plans(tmp_path):
    assert check_output("-").mode == "stdout"
    assert check_output(tmp_path / "n").mode == "new"
    (tmp_path / "e").write_text("")
    assert check_output(tmp_path / "e", force=True).mode == "replace"
    with pytest.raises(OutputRefused, match="does not exist"):
        check_output(tmp_path / "no" / "dir" / "f")
    assert issubclass(OutputRefused, ArchiveError)


def test_wacz_refuses_the_archive_and_existing_files(tmp_path):
    layout, conn, _writer, _items = build_warc_archive(tmp_path / "w", posts=2, max_size=10_000)
    conn.close()
    warc = layout.warc_files()[0]
    before = digest(warc)
    r = run("wacz", "-o", warc, "--force", "--archive", layout.root)
    assert r.exit_code == 2
    one_error_line(r, "archive")
    assert digest(warc) == before
    out = tmp_path / "o.wacz"
    out.write_bytes(b"keep")
    r = run("wacz", "-o", out, "--archive", layout.root)
    assert r.exit_code == 2
    one_error_line(r, "exists")
    assert out.read_bytes() == b"keep"
    r = run("wacz", "-o", out, "--force", "--archive", layout.root)
    assert r.exit_code == 0, r.output
    assert out.read_bytes()[:2] == b"PK"


def test_reindex_db_and_salvage_follow_the_same_rule(tmp_path):
    """reindex --db and verify --salvage: never into an archive, never onto a device."""
    layout, conn, _writer, _items = build_warc_archive(tmp_path / "w", posts=2, max_size=10_000)
    conn.close()
    warc = layout.warc_files()[0]
    before = digest(warc)
    link = tmp_path / "innocent.sqlite"
    link.symlink_to(warc)
    for target in (warc, link, layout.root / "state" / "x.sqlite", "/dev/null"):
        r = run("reindex", "--archive", layout.root, "--db", target, "-q")
        assert r.exit_code == 2, (target, r.output)
        one_error_line(r)
    assert digest(warc) == before
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    r = run("verify", "--archive", layout.root, "--salvage", layout.root / "logs" / "salvaged")
    assert r.exit_code != 0
    one_error_line(r, "inside")


def test_dev_stdout_is_refused_with_a_hint(layout):
    """/dev/stdout is a link: refused with a hint (written to with --force: below)."""
    r = export(layout, "/dev/stdout")
    assert r.exit_code == 2
    one_error_line(r, "-o -")


@pytest.mark.slow  # /dev/stdout is the file descriptor of a real process
def test_dev_stdout_with_force_is_standard_output(layout, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "crawler", "export", "--format", "jsonl", "-o", "/dev/stdout",
                           "--force", "--archive", str(layout.root)], capture_output=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.decode("utf-8").splitlines()) == len(ARTICLES)
    assert os.path.islink("/dev/stdout")


def test_unwritable_directory_is_one_line(layout):
    """A directory nobody can create files in (/proc/self, even for root): one line, exit 1."""
    r = export(layout, "/proc/self/a.jsonl")
    assert r.exit_code == 1
    one_error_line(r, "writable")
