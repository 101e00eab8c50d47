"""Replay the archive through pywb, which lives in its own virtual environment.

pywb pins an old redis and pulls brotlipy, which breaks Scrapy's brotli
decoding (WARC.md), so it is never installed in the project's environment:
``ensure_pywb`` creates ``~/.cache/portal-archive/pywb-venv`` (or
``$PORTAL_ARCHIVE_PYWB_VENV``) on first use. The collection ``portal`` is a
``config.yaml`` under ``<archive>/state/pywb/`` pointing at the archive's own
``warc/`` and ``indexes/`` — no WARC is copied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from archive.errors import ArchiveError, NotAnArchive
from archive.layout import ArchiveLayout
from archive.ports import check_free, free_port, owns_port  # noqa: F401 - free_port: replay's API
from archive.warc.cdxj import ensure_indexes

PYWB_REQUIREMENT = "pywb>=2.8,<3"
COLLECTION = "portal"
READY_MARK = ".portal-archive-ready"


def default_venv() -> Path:
    env = os.environ.get("PORTAL_ARCHIVE_PYWB_VENV")
    if env:
        return Path(env).expanduser()
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "portal-archive" / "pywb-venv"


def ensure_pywb(venv: str | Path | None = None, *, log=None) -> Path:
    """Return the pywb venv, creating it (python -m venv + pip install pywb) if needed."""
    venv = Path(venv) if venv else default_venv()
    if (venv / READY_MARK).exists() and (venv / "bin" / "wayback").exists():
        return venv
    if venv.exists():
        shutil.rmtree(venv)  # a half-made venv from an interrupted first use
    venv.parent.mkdir(parents=True, exist_ok=True)
    say = log or (lambda msg: print(msg, file=sys.stderr))
    say(f"creating pywb's own environment in {venv} (first use only)…")
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--upgrade", "pip"],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", PYWB_REQUIREMENT],
    ]
    for cmd in steps:
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode != 0:
            tail = (res.stderr or res.stdout).strip().splitlines()[-3:]
            raise ArchiveError(
                f"could not set up pywb ({' '.join(cmd[-2:])} failed: {' | '.join(tail)}) — "
                f"check network access to the package index, or set PORTAL_ARCHIVE_PYWB_VENV "
                f"to an environment where `pip install '{PYWB_REQUIREMENT}'` was run"
            )
    (venv / READY_MARK).write_text(PYWB_REQUIREMENT + "\n")
    return venv


def prepare_collection(layout: ArchiveLayout, *, framed: bool = True) -> Path:
    """Index any closed WARC lacking a CDXJ and write pywb's config; return its directory.

    ``framed=False`` (``portal-archive qa``): pages replay at top level without pywb's
    banner frame, in their own config directory."""
    if not layout.warc_dir.is_dir() or not layout.warc_files():
        raise NotAnArchive(f"no closed WARC files in {layout.warc_dir} — crawl first or pass the right --archive")
    ensure_indexes(layout)
    home = layout.state_dir / ("pywb" if framed else "pywb-frameless")
    home.mkdir(parents=True, exist_ok=True)
    config = (
        "# written by portal-archive replay; regenerated on every run\n"
        "collections:\n"
        f"  {COLLECTION}:\n"
        f"    index_paths: {layout.index_dir}/\n"
        f"    archive_paths: {layout.warc_dir}/\n"
        f"framed_replay: {'true' if framed else 'false'}\n"
        "enable_memento: true\n"
    )
    (home / "config.yaml").write_text(config, encoding="utf-8")
    return home


def start_replay(layout: ArchiveLayout, port: int, *, host: str = "127.0.0.1",
                 venv: str | Path | None = None, wait: float = 60.0,
                 framed: bool = True) -> subprocess.Popen:
    """Start pywb's ``wayback`` on ``host:port`` serving the archive; return once it answers."""
    check_free(host, port, "replay")
    venv = ensure_pywb(venv)
    home = prepare_collection(layout, framed=framed)
    logf = open(layout.logs_dir / "pywb.log", "ab") if layout.logs_dir.is_dir() else subprocess.DEVNULL
    proc = subprocess.Popen(
        [str(venv / "bin" / "wayback"), "-b", host, "-p", str(port)],
        cwd=home, stdout=logf, stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_serving(proc, host, port, wait, layout.logs_dir / "pywb.log")
    except BaseException:  # not serving, or stopped meanwhile (SIGTERM, Ctrl-C): no orphan
        stop_replay(proc)
        raise
    return proc


def _wait_until_serving(proc: subprocess.Popen, host: str, port: int, wait: float, log: Path) -> None:
    """Until *our* pywb answers: the port's listening socket belongs to its pid (another
    server already on that port answering the probe does not count), then HTTP answers."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ArchiveError(f"pywb exited at start (code {proc.returncode}) — see {log}; "
                               "is the port in use? try another --port")
        if owns_port(proc.pid, port) is not False:  # None: no /proc to ask, the probe decides
            try:
                with urllib.request.urlopen(f"http://{host}:{port}/", timeout=2):
                    return
            except OSError:
                pass
        time.sleep(0.2)
    raise ArchiveError(f"pywb did not serve on {host}:{port} within {wait:.0f} s — see {log}")


def stop_replay(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def replay_url(port: int, url: str, timestamp: str = "", *, mode: str = "", host: str = "127.0.0.1") -> str:
    """The pywb URL of ``url`` at ``timestamp`` (14 digits, or '' for the latest); ``mode`` e.g. ``id_``."""
    return f"http://{host}:{port}/{COLLECTION}/{timestamp}{mode}/{url}"
