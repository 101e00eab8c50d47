"""Bytes → str for HTML pages: BOM, the caller's encoding, <meta charset>, then guesses.

Never raises on bad bytes: the last resort is UTF-8 with replacement characters.
Order (as browsers do): byte-order mark, the transport encoding given by the
caller (HTTP ``Content-Type``), a ``<meta charset>`` / ``http-equiv`` in the
first bytes, strict UTF-8, then a Vietnamese-aware choice between
windows-1258 and windows-1252.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# <meta charset="x">  and  <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.IGNORECASE
)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._\-]+)""", re.IGNORECASE)

# labels that browsers map onto another decoder (WHATWG Encoding Standard)
_ALIASES = {
    "iso-8859-1": "cp1252", "latin1": "cp1252", "latin-1": "cp1252", "l1": "cp1252",
    "us-ascii": "cp1252", "ascii": "cp1252", "iso8859-1": "cp1252", "iso_8859-1": "cp1252",
    "windows-1252": "cp1252", "x-cp1252": "cp1252",
    "windows-1258": "cp1258", "x-cp1258": "cp1258",
    "utf8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    # a meta tag cannot truthfully declare UTF-16 (the tag itself would not be readable)
    "utf-16": "utf-8", "utf-16le": "utf-8", "utf-16be": "utf-8",
    "x-user-defined": "cp1252",
}

# characters that only Vietnamese text decoded as windows-1258 produces often
_VIET_1258 = set("ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323")
_PREFIX = 4096
_SINGLE_BYTE = ("cp125", "iso8859", "latin", "ascii", "mac-", "koi8", "tis-620", "cp437", "cp850")


def _codec(label: str | bytes | None) -> str | None:
    """A Python codec name for an encoding label, or None if unknown."""
    if not label:
        return None
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    label = label.strip().strip("\"'").lower()
    label = _ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(data: bytes, codec: str | None) -> str | None:
    if not codec:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def sniff_declared(data: bytes) -> str | None:
    """The encoding declared inside the document (meta tag or XML declaration)."""
    head = data[:_PREFIX]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    return _codec(m.group(1)) if m else None


def guess_legacy(data: bytes) -> str:
    """windows-1258 when the bytes read as Vietnamese that way, else windows-1252."""
    as1258 = data.decode("cp1258", "replace")
    viet = sum(1 for ch in as1258 if ch in _VIET_1258)
    high = sum(1 for b in data if b >= 0x80) or 1
    return "cp1258" if viet * 4 >= high else "cp1252"


def _mostly_utf8(data: bytes) -> str | None:
    """Lossy UTF-8 when only a few sequences are broken (a truncated page, one bad byte)."""
    for k in (1, 2, 3):   # cut inside the last character: drop the partial bytes
        text = _try(data[:-k], "utf-8")
        if text is not None and not text.isascii():    # UTF-8 before the cut
            return text
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ch >= "\x80" and ch != "\ufffd")
    return text if good >= 8 * bad else None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """The page as text. Never raises."""
    return decode_bytes(data, encoding)[0]


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, bool]:
    """(the page as text, whether that text is ``data`` read as strict UTF-8). Never raises."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), False
    declared = [c for c in (_codec(encoding), sniff_declared(data)) if c]
    if declared and declared[0].startswith(_SINGLE_BYTE) and not data.isascii():
        # bytes that are valid UTF-8 with non-ASCII in them are UTF-8, whatever a
        # single-byte label says (legacy text is almost never valid UTF-8 by chance)
        text = _try(data, "utf-8")
        if text is not None:
            return text, True
    for codec in declared + ["utf-8"]:
        text = _try(data, codec)
        if text is not None:
            return text, codec == "utf-8"
    if not declared or declared[0] == "utf-8":
        text = _mostly_utf8(data)
        if text is not None:
            return text, False
    legacy = guess_legacy(data)
    if declared and declared[0] not in ("utf-8", legacy):
        # the declaration does not fit every byte — still the best guess, lossy
        return data.decode(declared[0], "replace"), False
    return data.decode(legacy, "replace"), False
