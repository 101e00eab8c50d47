"""GNU wget as a foreign WARC writer for the import tests.

``ensure_wget()`` returns wget's path, installing Debian's package with
``apt-get install -y wget`` when it is missing; the calling test is skipped
(with the reason) only if that install fails.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def ensure_wget() -> str:
    found = shutil.which("wget")
    if found:
        return found
    try:
        proc = subprocess.run(["apt-get", "install", "-y", "wget"], capture_output=True, text=True,
                              timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"wget is not installed and `apt-get install -y wget` could not run: {exc}")
    found = shutil.which("wget")
    if proc.returncode != 0 or not found:
        pytest.skip("wget is not installed and `apt-get install -y wget` failed: "
                    + (proc.stderr or proc.stdout).strip()[-300:])
    return found


def wget_mirror(url: str, workdir: Path, name: str, *, compress: bool = True) -> Path:
    """``wget --recursive --level=inf --no-parent --warc-file=…`` of ``url``; return the WARC.

    robots.txt is obeyed (wget's default), as our crawler does (ROBOTSTXT_OBEY).
    wget exits 8 when some URL answered an HTTP error (the replica's 404s):
    that is a normal mirror, not a failure."""
    wget = ensure_wget()
    workdir.mkdir(parents=True, exist_ok=True)
    args = [wget, "--recursive", "--level=inf", "--no-parent", "--no-verbose",
            f"--warc-file={name}", "--directory-prefix", str(workdir / f"{name}-files"), url]
    if not compress:
        args.insert(1, "--no-warc-compression")
    proc = subprocess.run(args, cwd=workdir, capture_output=True, text=True, timeout=600)
    warc = workdir / (f"{name}.warc.gz" if compress else f"{name}.warc")
    assert proc.returncode in (0, 8) and warc.exists(), f"wget failed ({proc.returncode}): {proc.stderr[-2000:]}"
    return warc
