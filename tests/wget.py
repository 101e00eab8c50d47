"""GNU wget as a foreign WARC writer for the import tests.

``.ci/install-system-packages`` installs it (the README's test command runs
that script); no test installs anything. A missing wget fails the test loudly.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


def ensure_wget() -> str:
    found = shutil.which("wget")
    if not found:
        pytest.fail("wget is not installed — run `bash .ci/install-system-packages` "
                    "(the one script that installs the Debian packages the tests need)", pytrace=False)
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
