"""Reading WARC records the way ``reindex`` and ``import`` need it.

Payloads as a browser saw them (chunked framing and Content-Encoding undone),
WARC/1.0 quirks (``<…>`` around target URIs), WARC-Date to the second, the
fields of a warcinfo record, and the gzip member spans of a file (which also
find a cut that warcio reads past without a word).
"""

from __future__ import annotations

import re

from archive.warc.read import StoredRecord, decode_content


def clean_uri(uri: str | None) -> str | None:
    """WARC/1.0 writers (wget) put the target URI in angle brackets."""
    if uri is None:
        return None
    uri = uri.strip()
    if uri.startswith("<") and uri.endswith(">"):
        uri = uri[1:-1].strip()
    return uri


def second(warc_date: str | None) -> str | None:
    """``2026-11-28T23:08:24.267641Z`` → ``2026-11-28T23:08:24Z`` (the crawl's ``fetched_at``)."""
    if not warc_date:
        return None
    m = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)", warc_date.strip())
    if not m:
        return warc_date.strip()
    stamp = m.group(1)
    return (stamp if len(stamp) == 19 else stamp + ":00") + "Z"


def dechunk(data: bytes) -> bytes | None:
    """Undo HTTP/1.1 chunked transfer coding; ``None`` if ``data`` is not chunked."""
    out = bytearray()
    pos = 0
    while True:
        eol = data.find(b"\n", pos)
        if eol < 0:
            return None if not out else bytes(out)  # cut inside the framing: keep what we have
        try:
            size = int(data[pos:eol].split(b";", 1)[0].strip(), 16)
        except ValueError:
            return None
        if size == 0:
            return bytes(out)
        start = eol + 1
        out += data[start:start + size]
        if start + size >= len(data):
            return bytes(out)
        pos = start + size
        if data[pos:pos + 2] == b"\r\n":
            pos += 2
        elif data[pos:pos + 1] == b"\n":
            pos += 1


def transfer_payload(rec: StoredRecord) -> bytes:
    """The payload with any chunked framing removed, still content-encoded."""
    te = (rec.http_header("Transfer-Encoding") or "").lower()
    if "chunked" in te:
        plain = dechunk(rec.raw_payload)
        if plain is not None:
            return plain
    return rec.raw_payload


def http_payload(rec: StoredRecord) -> bytes:
    """The body as a browser would see it: de-chunked, Content-Encoding undone."""
    return decode_content(transfer_payload(rec), rec.http_header("Content-Encoding"))


def warcinfo_fields(rec: StoredRecord) -> dict[str, str]:
    """The ``application/warc-fields`` block of a warcinfo record (first value of a name wins)."""
    fields: dict[str, str] = {}
    for line in rec.raw_payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() and name.strip() not in fields:
            fields[name.strip()] = value.strip()
    return fields


