"""Text of a PDF document, for ``documents.text`` (full-text search).

``pdf_text(data) -> PdfText(text, status, message)`` with pypdf (pure Python).
Bounded: files over ``MAX_BYTES`` are not read, at most ``MAX_PAGES`` pages
and ``MAX_CHARS`` characters are kept, and reading stops after
``MAX_SECONDS`` (checked between pages, and by a timer signal inside a page
when called from the main thread). A broken, encrypted or hostile file gives
``status`` ``failed`` (or ``encrypted``) and a message, never an exception.

Text: per page, each line NFC with whitespace collapsed (``archive.text.normalize``),
empty lines dropped, lines joined by ``\\n``; pages joined by ``\\n\\n``.
Tone marks come through as the PDF's ToUnicode map gives them; PDFs set in
legacy Vietnamese fonts (TCVN3, VNI) without such a map give garbled text,
which is stored as extracted.
"""

from __future__ import annotations

import io
import logging
import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from archive.text import normalize

MAX_BYTES = 16 * 1024 * 1024   # = the largest payload a rebuild holds in memory (archive.warc.limits)
MAX_PAGES = 2000
MAX_CHARS = 2_000_000
MAX_SECONDS = 20.0

OK, PARTIAL, FAILED, ENCRYPTED, TOO_LARGE, TRUNCATED = (
    "ok", "partial", "failed", "encrypted", "too-large", "truncated")


@dataclass(frozen=True)
class PdfText:
    text: str | None
    status: str          # ok | partial | failed | encrypted | too-large | truncated
    message: str | None = None


class _Timeout(Exception):
    pass


@contextmanager
def _alarm(seconds: float):
    """Interrupt a page that takes too long (main thread only; elsewhere the per-page check)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def fire(signum, frame):
        raise _Timeout()

    try:
        old = signal.signal(signal.SIGALRM, fire)
    except ValueError:   # not the main interpreter
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _page_text(raw: str) -> str:
    return "\n".join(line for line in (normalize(x) for x in raw.splitlines()) if line)


def pdf_text(data: bytes, *, truncated: bool = False, max_seconds: float = MAX_SECONDS) -> PdfText:
    """The text of the PDF ``data`` (bounded; never raises)."""
    if truncated:
        return PdfText(None, TRUNCATED, "the file was cut at the body-size cap: no text extracted")
    if len(data) > MAX_BYTES:
        return PdfText(None, TOO_LARGE, f"{len(data)} bytes, over the {MAX_BYTES}-byte text cap")
    try:
        from pypdf import PdfReader
    except ImportError as exc:  # a dependency of the project: only a broken install
        return PdfText(None, FAILED, f"pypdf is not installed ({exc})")
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # broken files are reported once, below
    pages: list[str] = []
    chars = 0
    status, message = OK, None
    deadline = time.monotonic() + max_seconds
    try:
        with _alarm(max_seconds):
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                try:
                    reader.decrypt("")          # the empty user password opens most "protected" PDFs
                except Exception:  # noqa: BLE001 - pypdf raises several kinds here
                    return PdfText(None, ENCRYPTED, "the PDF is encrypted")
            for n, page in enumerate(reader.pages):
                if n >= MAX_PAGES:
                    status, message = PARTIAL, f"only the first {MAX_PAGES} pages were read"
                    break
                if time.monotonic() > deadline:
                    raise _Timeout()
                text = _page_text(page.extract_text() or "")
                pages.append(text)
                chars += len(text)
                if chars > MAX_CHARS:
                    status, message = PARTIAL, f"text cut at {MAX_CHARS} characters"
                    break
    except _Timeout:
        if not pages:
            return PdfText(None, FAILED, f"text extraction took longer than {max_seconds:g} s")
        status, message = PARTIAL, f"text extraction stopped after {max_seconds:g} s"
    except RecursionError:
        return PdfText(None, FAILED, "the PDF's structure is nested too deeply")
    except Exception as exc:  # noqa: BLE001 - a hostile file may raise anything inside pypdf
        if not pages:
            return PdfText(None, FAILED, f"{type(exc).__name__}: {exc}"[:500])
        status, message = PARTIAL, f"stopped at page {len(pages) + 1}: {type(exc).__name__}: {exc}"[:500]
    text = "\n\n".join(p for p in pages if p)[:MAX_CHARS]
    return PdfText(text, status, message)
