"""Run the real CLI as a subprocess (Twisted's reactor cannot restart in-process)."""

from __future__ import annotations

import os
import subprocess
import sys

E2E_POSTS = 300


def run_cli(*args: str, check: bool = True, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    """Run ``portal-archive ARGS`` as a subprocess (the real thing)."""
    proc = subprocess.run([sys.executable, "-m", "crawler", *args], capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ, PYTHONUNBUFFERED="1"),
                          **kw)
    if check and proc.returncode != 0:
        raise AssertionError(
            f"portal-archive {' '.join(args)} exited {proc.returncode}\n"
            f"stdout: {proc.stdout[-3000:]}\nstderr: {proc.stderr[-3000:]}")
    return proc
