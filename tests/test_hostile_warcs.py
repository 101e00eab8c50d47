"""Hostile WARC files: one ``error:`` line, a non-zero exit, no traceback, and the
CLI's peak memory (``getrusage(RUSAGE_CHILDREN)`` measured around that one
subprocess) under 300 MB whatever the file."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hostile_warcs import gzip_bomb, huge_content_length, long_header_line, record

MB = 1024 * 1024

# a fresh interpreter runs the CLI, so RUSAGE_CHILDREN holds only that one process
MEASURE = """
import json, resource, subprocess, sys
p = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"rc": p.returncode, "out": p.stdout, "err": p.stderr,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def run_measured(*args: str) -> dict:
    cli = [sys.executable, "-m", "crawler", *args]
    res = subprocess.run([sys.executable, "-c", MEASURE, *cli], capture_output=True, text=True, check=False,
                         timeout=600)
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def assert_one_error_line(res: dict) -> None:
    assert res["rc"] != 0, res
    assert "Traceback" not in res["err"] + res["out"], res["err"][-2000:]
    lines = [x for x in res["err"].splitlines() if x.strip()]
    assert len([x for x in lines if x.startswith("error: ")]) == 1, res["err"][-2000:]
    assert res["maxrss_kb"] * 1024 < 300 * MB, res["maxrss_kb"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("hostile")
    warc = record([("WARC-Type", "warcinfo"), ("WARC-Record-ID", "<urn:uuid:w1>"),
                   ("WARC-Date", "2024-05-01T10:00:00Z")], b"software: x\r\n", version=b"WARC/1.1")
    (d / "concatenated-garbage.warc.gz").write_bytes(
        gzip.compress(warc) + b"garbage between members" + gzip.compress(warc.replace(b"w1", b"w2")))
    (d / "not-gzip.warc.gz").write_bytes(b"this is not gzip at all\n" * 10)
    (d / "empty.warc.gz").write_bytes(b"")
    return {
        "bomb": gzip_bomb(d / "bomb.warc.gz"),
        "header-line-plain": long_header_line(d / "long.warc"),
        "header-line-gzip": long_header_line(d / "long.warc.gz", compressed=True),
        "content-length-40-digits": huge_content_length(d / "cl.warc.gz"),
        "content-length-40-digits-plain": huge_content_length(d / "cl.warc", compressed=False),
        "concatenated-garbage": d / "concatenated-garbage.warc.gz",
        "not-gzip": d / "not-gzip.warc.gz",
        "empty": d / "empty.warc.gz",
    }


@pytest.mark.slow
@pytest.mark.parametrize("case, says", [
    ("bomb", "decompression bomb"),
    ("header-line-plain", "header line longer than"),
    ("header-line-gzip", "header line longer than"),
    ("content-length-40-digits", "Content-Length 999999999999999999999999"),
    ("content-length-40-digits-plain", "Content-Length 999999999999999999999999"),
    ("concatenated-garbage", "not a readable WARC"),
    ("not-gzip", "not a WARC file"),
    ("empty", "is empty"),
])
def test_import_of_a_hostile_file_is_one_error_line(hostile, tmp_path, case, says):
    root = tmp_path / "a"
    res = run_measured("import", str(hostile[case]), "--archive", str(root))
    assert_one_error_line(res)
    assert says in res["err"], res["err"]
    assert not list((root / "warc").glob("*.warc.gz")) if (root / "warc").exists() else True


@pytest.mark.slow
@pytest.mark.parametrize("case", ["bomb", "header-line-gzip", "content-length-40-digits",
                                  "concatenated-garbage", "not-gzip", "empty"])
def test_verify_and_reindex_of_an_archive_holding_a_hostile_file(hostile, tmp_path, case):
    """Planted under warc/: verify reports it (a few lines, exit 1), reindex skips it
    and exits 3 — both bounded, no traceback."""
    from warc_helpers import build_archive

    layout, conn, _, _ = build_archive(tmp_path / "a", posts=2)
    conn.close()
    planted = layout.warc_dir / f"portal-29990101000000000-00000-evil-1-{case}.warc.gz"
    planted.write_bytes(hostile[case].read_bytes())
    res = run_measured("verify", "--archive", str(layout.root))
    assert res["rc"] == 1 and "Traceback" not in res["err"]
    assert res["maxrss_kb"] * 1024 < 300 * MB
    lines = [x for x in res["out"].splitlines() if planted.name in x]
    assert 1 <= len(lines) <= 2, res["out"]  # the damage (+ the file is not in the manifest)
    res = run_measured("reindex", "--archive", str(layout.root), "--db", str(tmp_path / "r.sqlite"))
    assert "Traceback" not in res["err"] and res["maxrss_kb"] * 1024 < 300 * MB
    if case == "empty":
        assert res["rc"] == 0, res["err"]
    else:
        assert res["rc"] == 3, res["err"]
        assert "damaged span(s) of WARC files skipped" in res["out"]
