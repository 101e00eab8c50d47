"""portal-archive wacz: a WACZ that the wacz tool validates, with pages from the articles."""

from __future__ import annotations

import contextlib
import io
import json
import zipfile
from datetime import timedelta

from clirun import invoke_cli
from warc_helpers import T0, build_archive


def wacz_validate(path) -> tuple[int, str]:
    """``wacz validate -f PATH`` (py-wacz's own command), run in this process."""
    from wacz.main import main as wacz_main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = wacz_main(["validate", "-f", str(path)])
    return code, out.getvalue()


def test_wacz_validates_and_lists_articles(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=5, max_size=10_000)
    conn.close()
    out = tmp_path / "out.wacz"
    res = invoke_cli("wacz", "-o", str(out), "--archive", str(layout.root))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "5 pages" in res.stdout and "warning" not in res.stderr
    code, said = wacz_validate(out)
    assert code == 0 and "the passed WACZ is valid" in said, said
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
    res = invoke_cli("wacz", "-o", str(out), "--archive", str(layout.root), "--captured-since", since)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 pages" in res.stdout
    with zipfile.ZipFile(out) as z:
        packed = {n[len("archive/"):] for n in z.namelist() if n.startswith("archive/")}
    assert packed == {items[i][k].warc_file for i in (4, 5) for k in ("post_ref", "image_ref")}
    code, said = wacz_validate(out)
    assert code == 0 and "the passed WACZ is valid" in said, said
