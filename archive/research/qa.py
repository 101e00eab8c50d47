"""Replay quality assurance in a real browser (``portal-archive qa``), as Browsertrix's QA does.

For a sample of archived article pages, headless Chromium renders each page
twice: **live** (from the portal, or a replica serving it) and **replayed** from
the archive by pywb (frameless, so no banner is drawn). Per page it compares

- the **resources** each load fetched: a resource the live page loaded that
  replay could not serve (pywb answered 4xx/5xx, or the request left pywb for
  the live web — such requests are blocked, and counted as ``leaks``) is a
  **missing resource**, a defect of the archive;
- the two full-page **screenshots**: the share of pixels whose colour differs
  by more than ``TOLERANCE`` (0–255 per channel) in either image, over the
  larger of the two areas, as a percentage.

A page fails when a resource is missing or its pixel difference is above
``max_diff``. Screenshots (``live``, ``replay``, ``diff``) and ``report.json``
go to ``<archive>/logs/qa-<UTC stamp>/``.

Chromium is Debian's (``/usr/bin/chromium``, or ``$PORTAL_ARCHIVE_CHROMIUM``)
driven by the ``playwright`` package through ``executable_path`` (playwright's
own browser downloads are never used); it starts headless with a fresh
profile, no background networking, and the cache off.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import statistics
import tempfile
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from archive.errors import ArchiveError, NotAnArchive
from archive.layout import ArchiveLayout
from archive.research.replay import (
    COLLECTION,
    free_port,
    replay_url,
    start_replay,
    stop_replay,
)

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--hide-scrollbars",
                 "--font-render-hinting=none"]
VIEWPORT = {"width": 1280, "height": 900}
TOLERANCE = 16
NAV_TIMEOUT_MS = 30_000
IDLE_TIMEOUT_MS = 5_000
_REPLAYED = re.compile(rf"^/{COLLECTION}/(\d{{0,14}})([a-z]{{2}}_)?/(.+)$")


@dataclass
class PageResult:
    url: str
    live_url: str
    replay_url: str
    live_status: int | None = None
    replay_status: int | None = None
    live_resources: int = 0
    replay_served: int = 0
    missing: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    pixel_diff: float | None = None
    error: str | None = None
    passed: bool = False


@dataclass
class QaReport:
    pages: list[PageResult]
    out_dir: str
    max_diff: float

    @property
    def missing(self) -> int:
        return sum(len(p.missing) for p in self.pages)

    @property
    def failed(self) -> list[PageResult]:
        return [p for p in self.pages if not p.passed]

    @property
    def diffs(self) -> list[float]:
        return [p.pixel_diff for p in self.pages if p.pixel_diff is not None]

    @property
    def median_diff(self) -> float | None:
        return statistics.median(self.diffs) if self.diffs else None

    def as_dict(self) -> dict:
        return {"pages": [asdict(p) for p in self.pages], "summary": {
            "pages": len(self.pages), "failed": len(self.failed), "missing_resources": self.missing,
            "median_pixel_diff": self.median_diff, "max_pixel_diff": max(self.diffs, default=None),
            "max_diff_allowed": self.max_diff, "out_dir": self.out_dir}}


def find_chromium(path: str | None = None) -> str:
    path = path or os.environ.get("PORTAL_ARCHIVE_CHROMIUM") or shutil.which("chromium") \
        or shutil.which("chromium-browser")
    if not path or not Path(path).exists():
        raise ArchiveError("no Chromium found — install Debian's `chromium` package "
                           "(bash .ci/install-system-packages) or pass --chromium PATH")
    return path


def sample_pages(conn: sqlite3.Connection, n: int) -> list[tuple[str, str]]:
    """``n`` archived article pages spread evenly over the archive: (URL, 14-digit timestamp)."""
    rows = conn.execute(
        "SELECT c.url, c.fetched_at FROM articles a JOIN captures c ON c.id = a.capture_id "
        "WHERE c.status = 200 AND a.gone_at IS NULL ORDER BY a.id").fetchall()
    if not rows:
        raise NotAnArchive("the archive holds no article page to check — crawl first")
    if n >= len(rows):
        picked = rows
    else:
        step = (len(rows) - 1) / max(n - 1, 1)
        picked = [rows[round(k * step)] for k in range(n)]
    return [(url, re.sub(r"\D", "", fetched or "")[:14]) for url, fetched in picked]


def _origin(url: str) -> str:
    p = urlsplit(url)
    return f"{p.scheme}://{p.netloc}"


def _on_origin(url: str, origin: str, to: str) -> str:
    return to + url[len(origin):] if url.startswith(origin) else url


def _norm(url: str) -> str:
    p = urlsplit(url)
    return urlunsplit((p.scheme.lower(), p.netloc.lower(), p.path or "/", p.query, ""))


def pixel_difference(a_png: bytes, b_png: bytes, out: Path | None = None) -> float:
    """Percentage of pixels differing by more than ``TOLERANCE`` in any channel (Pillow)."""
    import io

    from PIL import Image, ImageChops

    a = Image.open(io.BytesIO(a_png)).convert("RGB")
    b = Image.open(io.BytesIO(b_png)).convert("RGB")
    size = (max(a.width, b.width), max(a.height, b.height))
    if a.size != size:
        a = _pad(a, size)
    if b.size != size:
        b = _pad(b, size)
    diff = ImageChops.difference(a, b)
    mask = Image.merge("RGB", [ch.point(lambda v: 255 if v > TOLERANCE else 0) for ch in diff.split()]
                       ).convert("L").point(lambda v: 255 if v else 0)
    changed = mask.histogram()[255]
    if out is not None:
        highlight = Image.composite(Image.new("RGB", size, (255, 0, 0)), a.convert("L").convert("RGB"), mask)
        highlight.save(out)
    return 100.0 * changed / (size[0] * size[1])


def _pad(img, size):
    from PIL import Image

    canvas = Image.new("RGB", size, (255, 0, 255))  # area only one image covers counts as different
    canvas.paste(img, (0, 0))
    return canvas


class _Loader:
    """One page load in a fresh browser page: main status, resources by URL, screenshot."""

    def __init__(self, context, replay_host: str | None = None):
        self.context = context
        self.replay_host = replay_host

    def load(self, url: str) -> tuple[int | None, dict[str, int], list[str], bytes]:
        page = self.context.new_page()
        resources: dict[str, int] = {}
        leaks: list[str] = []
        try:
            cdp = self.context.new_cdp_session(page)
            cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
            if self.replay_host:
                def guard(route):
                    host = urlsplit(route.request.url).netloc
                    if route.request.url.startswith(("data:", "blob:")) or host == self.replay_host:
                        route.continue_()
                    else:  # replay must never reach the live web
                        leaks.append(route.request.url)
                        route.abort()
                page.route("**/*", guard)
            page.on("response", lambda r: resources.__setitem__(r.url, r.status))
            page.on("requestfailed", lambda r: resources.setdefault(r.url, 0))
            response = page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)
            try:
                page.wait_for_load_state("networkidle", timeout=IDLE_TIMEOUT_MS)
            except Exception:  # noqa: BLE001 - a page that never goes idle is still compared
                pass
            shot = page.screenshot(full_page=True, animations="disabled", caret="hide")
            status = response.status if response is not None else None
            final = page.url
        finally:
            page.close()
        resources.pop(final, None)
        resources.pop(url, None)
        return status, resources, leaks, shot


def _replayed_original(url: str, replay_host: str) -> str | None:
    """``http://pywb/portal/<ts><mod>/<original>`` → ``<original>``; None for pywb's own files."""
    p = urlsplit(url)
    if p.netloc != replay_host:
        return None
    m = _REPLAYED.match(p.path + (f"?{p.query}" if p.query else ""))
    return m.group(3) if m else None


def run_qa(layout: ArchiveLayout, *, sample: int = 20, live_base: str | None = None,
           max_diff: float = 1.0, chromium: str | None = None, out_dir: Path | None = None,
           progress=None) -> QaReport:
    """Check ``sample`` article pages live against their replay; see the module docstring."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ArchiveError(f"playwright is not installed ({exc}) — "
                           "pip install 'portal-archive[qa]'") from exc
    try:
        import PIL  # noqa: F401
    except ImportError as exc:
        raise ArchiveError("Pillow is not installed — pip install 'portal-archive[qa]'") from exc
    browser_path = find_chromium(chromium)
    from archive.db import open_db

    conn = open_db(layout.db, readonly=True)
    try:
        pages = sample_pages(conn, sample)
    finally:
        conn.close()
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = Path(out_dir) if out_dir else layout.logs_dir / f"qa-{stamp}"
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    pywb = start_replay(layout, port, framed=False)
    replay_host = f"127.0.0.1:{port}"
    results: list[PageResult] = []
    try:
        with sync_playwright() as pw, tempfile.TemporaryDirectory(prefix="portal-qa-") as profile:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=browser_path, headless=True, args=CHROMIUM_ARGS,
                viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
                device_scale_factor=1, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
            try:
                live, replay = _Loader(context), _Loader(context, replay_host)
                for n, (url, ts) in enumerate(pages, 1):
                    origin = _origin(url)
                    live_origin = live_base.rstrip("/") if live_base else origin
                    res = PageResult(url=url, live_url=_on_origin(url, origin, live_origin),
                                     replay_url=replay_url(port, url, ts, mode="mp_"))
                    try:
                        _compare(res, live, replay, origin, live_origin, replay_host, out, n, max_diff)
                    except Exception as exc:  # noqa: BLE001 - one broken page is a failed page, not a crash
                        res.error = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
                        res.passed = False
                    results.append(res)
                    if progress:
                        progress(res)
            finally:
                context.close()
    finally:
        stop_replay(pywb)
    report = QaReport(results, str(out), max_diff)
    (out / "report.json").write_text(json.dumps(report.as_dict(), indent=1, ensure_ascii=False))
    return report


def _compare(res: PageResult, live: _Loader, replay: _Loader, origin: str, live_origin: str,
             replay_host: str, out: Path, n: int, max_diff: float) -> None:
    res.live_status, live_res, _, live_png = live.load(res.live_url)
    res.replay_status, replay_res, leaks, replay_png = replay.load(res.replay_url)
    loaded = {_norm(_on_origin(u, live_origin, origin)) for u, status in live_res.items()
              if 0 < status < 400 and not u.startswith(("data:", "blob:"))}
    served = set()
    for u, status in replay_res.items():
        original = _replayed_original(u, replay_host)
        if original is not None and 0 < status < 400:
            served.add(_norm(original))
    res.live_resources, res.replay_served = len(loaded), len(served & loaded)
    res.leaks = sorted(leaks)
    res.missing = sorted(loaded - served)
    (out / f"page-{n:03d}-live.png").write_bytes(live_png)
    (out / f"page-{n:03d}-replay.png").write_bytes(replay_png)
    res.pixel_diff = round(pixel_difference(live_png, replay_png, out / f"page-{n:03d}-diff.png"), 4)
    res.passed = (not res.missing and res.live_status == 200 and res.replay_status == 200
                  and res.pixel_diff <= max_diff)


def format_report(report: QaReport) -> str:
    lines = [f"{'diff %':>7}  {'loaded':>6}  {'missing':>7}  page"]
    for p in report.pages:
        diff = f"{p.pixel_diff:7.3f}" if p.pixel_diff is not None else "      -"
        lines.append(f"{diff}  {p.live_resources:>6}  {len(p.missing):>7}  {p.url}"
                     + ("" if p.passed else "  FAILED") + (f" ({p.error})" if p.error else ""))
        lines.extend(f"{'':26}missing: {u}" for u in p.missing[:10])
    med = report.median_diff
    lines.append(f"{len(report.pages)} pages, {len(report.failed)} failed, {report.missing} missing "
                 f"resources, median pixel difference "
                 f"{'-' if med is None else f'{med:.3f}'} % (max allowed {report.max_diff:g} %); "
                 f"screenshots in {report.out_dir}")
    return "\n".join(lines)
