"""portal-archive replay: pywb (own venv) serves the archive; id_ replay gives the stored bytes."""

from __future__ import annotations

import gzip
import signal
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from warc_helpers import T0, add_capture, build_archive, hooks, post_exchange

from archive.research.replay import free_port, replay_url, start_replay, stop_replay
from archive.warc import WarcWriter, payload_digest
from archive.warc.dedup import DigestIndex

pytestmark = pytest.mark.slow


def fetch(url: str, accept: str = "identity") -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers={"Accept-Encoding": accept})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, dict(r.headers), r.read()


def body_of(headers: dict, raw: bytes) -> bytes:
    enc = {k.lower(): v for k, v in headers.items()}.get("content-encoding")
    return gzip.decompress(raw) if enc == "gzip" else raw


def test_replay_serves_stored_bytes(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=3)
    # a second "crawl" with a revisit of post 0
    index = DigestIndex(conn)
    index.remember(items[0]["post_ref"].payload_digest, items[0]["post_ref"], items[0]["capture_id"])
    later = T0 + timedelta(days=1)
    with WarcWriter(layout.warc_dir, warcinfo={}, on_close=hooks(layout)) as w:
        ex = post_exchange(0, later)
        rev = w.write_revisit(ex, index.lookup(payload_digest(ex.body)))
        add_capture(conn, ex, rev, record_type="revisit")
    port = free_port()
    proc = start_replay(layout, port)
    try:
        ts = T0.strftime("%Y%m%d%H%M%S")
        # a client accepting gzip gets the stored, still-encoded bytes unchanged
        status, headers, raw = fetch(replay_url(port, items[1]["url"], ts, mode="id_"), accept="gzip")
        assert status == 200 and headers.get("Content-Encoding") == "gzip"
        assert raw == items[1]["body"]
        # one that does not gets them decoded by pywb
        status, headers, raw = fetch(replay_url(port, items[1]["url"], ts, mode="id_"))
        assert status == 200 and raw == items[1]["html"]
        status, headers, raw = fetch(replay_url(port, items[2]["image_url"], ts, mode="id_"))
        assert status == 200 and raw == items[2]["image"]
        # the revisit replays the original payload
        status, headers, raw = fetch(replay_url(port, items[0]["url"], later.strftime("%Y%m%d%H%M%S"), mode="id_"))
        assert status == 200 and body_of(headers, raw) == items[0]["html"]
        # the rewritten page replays too, with its image link rewritten into the archive
        status, headers, raw = fetch(replay_url(port, items[2]["url"], ts, mode="mp_"))
        page = body_of(headers, raw).decode("utf-8")
        assert "Bài viết số 2" in page and "/portal/" in page and "anh-2.jpg" in page
    finally:
        stop_replay(proc)


def test_replay_command(tmp_path):
    layout, conn, writer, items = build_archive(tmp_path / "a", posts=1)
    port = free_port()
    cli = str(Path(sys.executable).with_name("portal-archive"))
    proc = subprocess.Popen([cli, "replay", "--archive", str(layout.root), "--port", str(port)],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert f"http://127.0.0.1:{port}/portal/" in line
        status, headers, raw = fetch(replay_url(port, items[0]["image_url"], mode="id_"))
        assert raw == items[0]["image"]
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(30)
