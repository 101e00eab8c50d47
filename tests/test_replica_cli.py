"""``portal-archive replica`` and ``replica truth`` as processes."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from clirun import invoke_cli

EXE = str(Path(sys.executable).with_name("portal-archive"))


@pytest.mark.slow
def test_replica_serves_until_sigterm():
    proc = subprocess.Popen([EXE, "replica", "--port", "0", "--posts", "50", "--seed", "4"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:") and line.endswith("/\n")
        base = line.split()[1]
        with urllib.request.urlopen(base + "robots.txt", timeout=10) as resp:
            assert f"Sitemap: {base}wp-sitemap.xml" in resp.read().decode()
        truth = [json.loads(x) for x in subprocess.run(
            [EXE, "replica", "truth", "--posts", "50", "--seed", "4", "--base-url", base.rstrip("/")],
            capture_output=True, text=True, check=True).stdout.splitlines()]
        assert len(truth) == 50
        with urllib.request.urlopen(truth[7]["url"], timeout=10) as resp:
            assert f"postid-{truth[7]['wp_post_id']}".encode() in resp.read()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_truth_cli_json_lines():
    out = invoke_cli("replica", "truth", "--posts", "12", check=True).stdout.splitlines()
    rows = [json.loads(x) for x in out]
    assert len(rows) == 12 and rows[0]["url"].startswith("http://127.0.0.1:8000/")
    assert [r["wp_post_id"] for r in rows] == sorted(r["wp_post_id"] for r in rows)


def test_rejects_non_loopback_host():
    res = invoke_cli("replica", "--host", "0.0.0.0", "--port", "0")
    assert res.returncode == 2 and "loopback" in res.stderr


def test_bad_faults_option_is_a_usage_error():
    res = invoke_cli("replica", "--faults", "500=7")
    assert res.returncode == 2 and "--faults" in res.stderr


@pytest.mark.slow
def test_faults_option_reaches_the_server():
    proc = subprocess.Popen([EXE, "replica", "--port", "0", "--posts", "20", "--faults", "500=1,bad"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        base = proc.stdout.readline().split()[1]
        with urllib.request.urlopen(base + "robots.txt", timeout=10) as resp:
            assert resp.status == 200                      # robots never fails
        try:
            urllib.request.urlopen(base + "bai-viet-rong.html", timeout=10)
            raise AssertionError("expected a 500")
        except urllib.error.HTTPError as exc:
            assert exc.code == 500
        with urllib.request.urlopen(base + "bai-viet-rong.html", timeout=10) as resp:
            assert resp.status == 200 and resp.read() == b""   # second attempt: the bad page
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
