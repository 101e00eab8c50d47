"""Shared helpers of the benchmark scripts: measured child processes, machine facts, output.

Every figure comes from a child process timed from outside: wall time from
``time.perf_counter`` around it, CPU seconds (user + system, the process and
every descendant it waited for) and peak RSS from ``os.wait4``'s rusage.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = Path(os.environ.get("PORTAL_BENCH_OUT") or BENCH / "out")  # results; gitignored
PYTHON = sys.executable
CLI = [PYTHON, "-m", "crawler"]

# the demo's politeness-off settings (crawler/demo.py DEMO_SETTINGS), as -s pairs
DEMO_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "RANDOMIZE_DOWNLOAD_DELAY": "False",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
}


def demo_settings() -> dict:
    try:  # the demo's own dict when it is importable, so both stay the same
        from crawler.demo import DEMO_SETTINGS as live
        return dict(live)
    except ImportError:  # pragma: no cover
        return dict(DEMO_SETTINGS)


def setting_args(settings: dict) -> list[str]:
    out: list[str] = []
    for k, v in settings.items():
        out += ["-s", f"{k}={v}"]
    return out


def crawl_cmd(archive: Path, url: str, *options: str, settings: dict | None = None) -> list[str]:
    """``portal-archive crawl`` of ``url`` into ``archive`` with the demo's politeness-off
    settings (``settings`` added to them or replacing them), then ``options``."""
    return [*CLI, "crawl", "--archive", str(archive), "--start-url", url, *options,
            *setting_args({**demo_settings(), **(settings or {})})]


@dataclass
class Run:
    cmd: list[str]
    wall_s: float
    user_s: float
    sys_s: float
    maxrss_mb: float
    returncode: int
    rss_samples: list | None = None  # [(seconds since start, RSS MB, RSS MB with children)] when sampled
    load_before: float | None = None  # 1-minute load average when it started (the machine is shared)

    @property
    def cpu_s(self) -> float:
        return self.user_s + self.sys_s

    def to_dict(self) -> dict:
        d = asdict(self)
        d["cpu_s"] = round(self.cpu_s, 3)
        d["cmd"] = " ".join(self.cmd)
        if self.rss_samples is None:
            d.pop("rss_samples")
        for k in ("wall_s", "user_s", "sys_s", "maxrss_mb"):
            d[k] = round(d[k], 3)
        return d


def _sample_rss(pid: int, t0: float, every: float, into: list, stop: threading.Event) -> None:
    import psutil

    try:
        proc = psutil.Process(pid)
        while not stop.wait(every):
            own = proc.memory_info().rss
            tree = own
            for child in proc.children(recursive=True):
                try:
                    tree += child.memory_info().rss
                except psutil.Error:
                    pass
            into.append((round(time.perf_counter() - t0, 1), round(own / 2**20, 1), round(tree / 2**20, 1)))
    except psutil.Error:  # the process ended
        pass


def measured(cmd: list[str], *, log: Path | None = None, env: dict | None = None,
             cwd: Path | None = None, check: bool = True, rss_every: float = 0.0) -> Run:
    """Run ``cmd`` to its end; wall, CPU (process + waited-for descendants) and peak RSS.

    ``rss_every`` > 0 also samples the process's RSS every so many seconds.
    """
    out = open(log, "wb") if log else subprocess.DEVNULL
    samples: list | None = [] if rss_every > 0 else None
    load = os.getloadavg()[0]
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, cwd=cwd or ROOT,
                                env={**os.environ, **(env or {})})
        stop = threading.Event()
        if samples is not None:
            threading.Thread(target=_sample_rss, args=(proc.pid, t0, rss_every, samples, stop),
                             daemon=True).start()
        _, status, ru = os.wait4(proc.pid, 0)
        stop.set()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        if log:
            out.close()
    run = Run(list(map(str, cmd)), wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss / 1024,
              proc.returncode, samples, load)
    if check and run.returncode not in (0, 3, 8):  # crawl: 3 = some fetches failed; wget: 8 = some 404
        tail = log.read_text(errors="replace")[-2000:] if log else ""
        raise SystemExit(f"benchmark command failed ({run.returncode}): {' '.join(run.cmd)}\n{tail}")
    return run


class CpuMeter:
    """CPU seconds a running process (e.g. the shared replica) spends between two points."""

    def __init__(self, pid: int):
        import psutil

        self.proc = psutil.Process(pid)
        self.start = self._now()

    def _now(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def lap(self) -> float:
        now = self._now()
        used, self.start = now - self.start, now
        return used


def _version(pkg: str) -> str:
    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "-"


def machine() -> dict:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    try:
        wget = subprocess.run(["wget", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    except OSError:
        wget = "not installed"
    import sqlite3

    return {
        "nproc": os.cpu_count(), "cpu": cpu, "memory": mem,
        "os": platform.platform(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "wget": wget,
        "packages": {p: _version(p) for p in ("portal-archive", "scrapy", "twisted", "lxml", "warcio",
                                               "trafilatura", "psutil", "py-spy")},
    }


def revision() -> str:
    """The commit measured, with ``+dirty`` when the working tree differs from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("+dirty" if dirty else "")
    except OSError:
        return "?"


def save(name: str, data: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    data = {"benchmark": name, "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "revision": revision(), "machine": machine(), **data}
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def table(rows: list[dict], cols: list[tuple[str, str]]) -> str:
    """Markdown table; ``cols`` = [(key, header)]; floats get a sensible precision."""
    def fmt(v):
        if isinstance(v, float):
            return f"{v:.3g}" if abs(v) < 10 else f"{v:.0f}" if abs(v) >= 100 else f"{v:.1f}"
        return "" if v is None else str(v)

    head = "| " + " | ".join(h for _, h in cols) + " |"
    sep = "|" + "|".join("---" for _ in cols) + "|"
    body = ["| " + " | ".join(fmt(r.get(k)) for k, _ in cols) + " |" for r in rows]
    return "\n".join([head, sep, *body])


def write_md(name: str, text: str) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.md"
    path.write_text(text.rstrip() + "\n")
    return path
