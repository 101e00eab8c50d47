"""portal-archive wacz: a WACZ that the wacz tool validates, with pages from the articles."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from datetime import timedelta
from pathlib import Path

from warc_helpers import T0, build_archive

BIN = Path(sys.executable).parent


def test_wacz_validates_and_lists_articles(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=5, max_size=10_000)
    conn.close()
    out = tmp_path / "out.wacz"
    res = subprocess.run([str(BIN / "portal-archive"), "wacz", "-o", str(out), "--archive", str(layout.root)],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "5 pages" in res.stdout and "warning" not in res.stderr
    val = subprocess.run([str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True, text=True)
    assert val.returncode == 0, val.stdout + val.stderr
    assert "valid" in val.stdout
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        assert {f"archive/{p.name}" for p in layout.warc_files()} <= set(names)
        lines = z.read("pages/pages.jsonl").decode("utf-8").splitlines()
    pages = [json.loads(l) for l in lines[1:]]
    assert sorted(p["url"] for p in pages) == sorted(it["url"] for it in items.values())
    assert {p["title"] for p in pages} == {f"Bài viết số {i}" for i in items}
    assert all(p["ts"].startswith("2026-11-28T22:00:0") for p in pages)


def test_wacz_since(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=6, max_size=8_000)
    conn.close()
    out = tmp_path / "since.wacz"
    since = (T0 + timedelta(seconds=4)).strftime("%Y-%m-%dT%H:%M:%SZ")
    res = subprocess.run([str(BIN / "portal-archive"), "wacz", "-o", str(out), "--archive", str(layout.root),
                          "--captured-since", since], capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 pages" in res.stdout
    with zipfile.ZipFile(out) as z:
        packed = {n[len("archive/"):] for n in z.namelist() if n.startswith("archive/")}
    assert packed == {items[i][k].warc_file for i in (4, 5) for k in ("post_ref", "image_ref")}
    assert subprocess.run([str(BIN / "wacz"), "validate", "-f", str(out)], capture_output=True).returncode == 0
