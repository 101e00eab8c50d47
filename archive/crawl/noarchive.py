"""Whether a response asks not to be archived: ``noarchive`` in ``X-Robots-Tag`` or a robots meta tag.

An archive of record keeps such pages by default and flags them
(``captures.noarchive``); ``PORTAL_HONOUR_NOARCHIVE`` makes the crawler skip
them instead (a ``skips`` row, nothing in the WARC). Both forms are read as
search engines do:

- ``X-Robots-Tag: noarchive``, ``X-Robots-Tag: noindex, noarchive``; a value
  scoped to a user agent (``googlebot: noarchive``) counts only when the
  agent is ours (``portal-archive``) — other engines' rules are theirs;
- ``<meta name="robots" content="noarchive">`` (or ``name="portal-archive"``)
  in an HTML page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

BOT_NAMES = frozenset({"robots", "portal-archive"})
# directives that take a value after a colon: not user-agent prefixes
_VALUED = frozenset({"unavailable_after", "max-snippet", "max-image-preview", "max-video-preview"})
_AGENT = re.compile(r"^\s*([A-Za-z][\w.-]*)\s*:\s*(.*)$", re.S)
_META = re.compile(rb"<meta\b[^>]*>", re.I)
_ATTR = re.compile(rb"""([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_NOARCHIVE = re.compile(rb"noarchive", re.I)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _header_says(values: Iterable[str], bots: frozenset[str]) -> bool:
    for value in values:
        agent = None
        for item in value.split(","):
            m = _AGENT.match(item)
            if m and m.group(1).lower() not in _VALUED:
                agent, item = m.group(1).lower(), m.group(2)
            if item.strip().lower() == "noarchive" and (agent is None or agent in bots):
                return True
    return False


def _meta_says(body: bytes, bots: frozenset[str]) -> bool:
    if not _NOARCHIVE.search(body):  # the common case: one C-speed scan
        return False
    for tag in _META.finditer(body):
        attrs = {m.group(1).lower(): (m.group(2) or m.group(3) or m.group(4) or b"")
                 for m in _ATTR.finditer(tag.group(0))}
        name = attrs.get(b"name", b"").decode("latin-1").strip().lower()
        if name not in bots:
            continue
        content = attrs.get(b"content", b"").decode("latin-1").lower()
        if "noarchive" in {d.strip() for d in content.split(",")}:
            return True
    return False


def is_noarchive(headers: Iterable[tuple[str | bytes, str | bytes]], body: bytes | None,
                 content_type: str | None = None, *, bot_names: Iterable[str] = BOT_NAMES) -> bool:
    """True when the response (header list, decoded body) asks not to be archived."""
    bots = frozenset(b.lower() for b in bot_names)
    robots: list[str] = []
    for name, value in headers:
        name = name.decode("latin-1") if isinstance(name, bytes) else name
        if name.lower() == "x-robots-tag":
            robots.append(value.decode("latin-1") if isinstance(value, bytes) else value)
        elif content_type is None and name.lower() == "content-type":
            content_type = value.decode("latin-1") if isinstance(value, bytes) else value
    if robots and _header_says(robots, bots):
        return True
    if body and (content_type or "").split(";")[0].strip().lower() in HTML_TYPES:
        return _meta_says(body, bots)
    return False


def exchange_noarchive(headers: Iterable[tuple[str | bytes, str | bytes]], body: bytes,
                       *, max_size: int = 64 * 1024 * 1024) -> bool:
    """``is_noarchive`` for a body still content-encoded (as fetched and stored in WARC)."""
    from archive.errors import ArchiveError
    from archive.warc.read import decode_content

    ctype = encoding = None
    for name, value in headers:
        name = (name.decode("latin-1") if isinstance(name, bytes) else name).lower()
        value = value.decode("latin-1") if isinstance(value, bytes) else value
        if name == "content-type":
            ctype = value
        elif name == "content-encoding":
            encoding = value
    if (ctype or "").split(";")[0].strip().lower() not in HTML_TYPES:
        return is_noarchive(headers, None, ctype)
    try:
        body = decode_content(body, encoding, max_size)
    except (ArchiveError, ValueError, OSError, EOFError):
        body = b""  # an undecodable body: its headers still count
    except Exception:  # noqa: BLE001 - zlib.error and friends: never stop recording for this
        body = b""
    return is_noarchive(headers, body, ctype)
