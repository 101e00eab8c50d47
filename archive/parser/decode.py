"""Bytes → str for HTML pages: w3lib's browser-like sniffing, plus two rules of ours.

``w3lib.encoding.html_to_unicode`` does what browsers do (and what Scrapy uses):
byte-order mark, the transport encoding (HTTP ``Content-Type``), a ``<meta
charset>`` / ``http-equiv`` / XML declaration, the WHATWG label mapping
(``iso-8859-1`` → windows-1252…), then our auto-detection hook. Never raises.
On top of it, for pages in the wild:

1. **A single-byte label on bytes that are valid UTF-8** (with non-ASCII in
   them) is wrong: the page is UTF-8. Legacy text is almost never valid UTF-8
   by chance; a server or template that says ISO-8859-1 for a UTF-8 page is
   common, and decoding it as labelled would lose every diacritic.
2. **A declaration the bytes do not fit** (UTF-8 declared, windows-1258 sent):
   the auto-detection decides instead — UTF-8 with a few broken sequences
   (a page cut mid-character loses only the partial character), else
   windows-1258 when the bytes read as Vietnamese that way, else windows-1252.

The auto-detection hook (no declaration at all) is the same choice.
"""

from __future__ import annotations

from w3lib.encoding import (
    html_body_declared_encoding,
    html_to_unicode,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# characters that only Vietnamese text decoded as windows-1258 produces often
_VIET_1258 = set("ăĂđĐơƠưƯ\u0300\u0301\u0303\u0309\u0323")
_SINGLE_BYTE = ("cp125", "iso8859", "latin", "ascii", "mac-", "koi8", "tis-620", "cp437", "cp850")


def guess_legacy(data: bytes) -> str:
    """windows-1258 when the bytes read as Vietnamese that way, else windows-1252."""
    as1258 = data.decode("cp1258", "replace")
    viet = sum(1 for ch in as1258 if ch in _VIET_1258)
    high = sum(1 for b in data if b >= 0x80) or 1
    return "cp1258" if viet * 4 >= high else "cp1252"


def _mostly_utf8(data: bytes) -> str | None:
    """Lossy UTF-8 when only a few sequences are broken (a truncated page, one bad byte)."""
    for k in (1, 2, 3):   # cut inside the last character: drop the partial bytes
        try:
            text = data[:-k].decode("utf-8")
        except UnicodeDecodeError:
            continue
        if not text.isascii():    # UTF-8 before the cut
            return text
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    good = sum(1 for ch in text if ch >= "\x80" and ch != "\ufffd")
    return text if good >= 8 * bad else None


def _detect(data: bytes) -> str:
    """w3lib's auto-detection hook: UTF-8 if the bytes are (nearly) UTF-8, else a legacy guess."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    return "utf-8" if _mostly_utf8(data) is not None else guess_legacy(data)


def _declared(content_type: str | None, data: bytes) -> str | None:
    label = http_content_type_encoding(content_type) or html_body_declared_encoding(data)
    return resolve_encoding(label) if label else None


def decode_html(data: bytes, encoding: str | None = None) -> str:
    """The page as text. Never raises."""
    return decode_bytes(data, encoding)[0]


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, bool]:
    """(the page as text, whether that text is ``data`` read as strict UTF-8).

    ``encoding``: the transport encoding (the ``Content-Type`` charset), if any."""
    content_type = f"text/html; charset={encoding}" if encoding else None
    bom, _ = read_bom(data)
    if bom is None:
        declared = _declared(content_type, data)
        if declared and declared.startswith(_SINGLE_BYTE) and not data.isascii():  # rule 1
            try:
                return data.decode("utf-8"), True
            except UnicodeDecodeError:
                pass
    used, text = html_to_unicode(content_type, data, default_encoding="utf-8", auto_detect_fun=_detect)
    if bom is not None:
        return text, False
    utf8 = used in ("utf-8", "utf8")
    if "\ufffd" in text and text.count("\ufffd") > data.count(b"\xef\xbf\xbd"):  # rule 2: a misfit
        if utf8:
            fixed = _mostly_utf8(data)
            return (fixed, False) if fixed is not None else (data.decode(guess_legacy(data), "replace"), False)
        legacy = guess_legacy(data)
        if legacy != used:
            return data.decode(legacy, "replace"), False
        return text, False
    return text, utf8
