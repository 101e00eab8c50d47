"""`replay` knows its own pywb is the one serving (the listening socket belongs to
its pid, not just "something answered"), and SIGTERM leaves no pywb behind."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from archive.ports import owns_port


def test_owns_port_tells_the_listener_from_another_process():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert owns_port(os.getpid(), port) is True
        assert owns_port(os.getppid(), port) is False  # another live process of the same user
    assert owns_port(os.getpid(), port) is False  # closed: nobody listens


@pytest.mark.slow
def test_sigterm_stops_replay_and_its_pywb(demo_archive):
    from archive.ports import free_port

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "crawler", "replay", "--archive", str(demo_archive),
                             "--port", str(port)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    line = proc.stdout.readline()  # printed once pywb's own pid holds the port and answers
    assert line.startswith("replaying at"), line + proc.stderr.read()[-2000:]
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(proc.pid)], capture_output=True,
                              text=True).stdout.split()
    assert any(owns_port(int(pid), port) for pid in children)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
        except OSError:
            break
        time.sleep(0.1)
    else:
        pytest.fail("pywb still answers after replay got SIGTERM")
    for pid in children:
        assert not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z"
