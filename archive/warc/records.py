"""Bytes of WARC/1.1 records: HTTP header blocks, WARC headers and digests.

The HTTP header blocks are built here (not by warcio) so that header values
keep their bytes: warcio percent-encodes non-ASCII header values.
"""

from __future__ import annotations

import base64
import hashlib
import http
import uuid
from urllib.parse import urlsplit

from archive.warc.exchange import Exchange, HeaderList

WARC_VERSION = b"WARC/1.1"
REVISIT_PROFILE = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
HTTP_RESPONSE_TYPE = "application/http; msgtype=response"
HTTP_REQUEST_TYPE = "application/http; msgtype=request"

HOP_BY_HOP = frozenset(
    h.lower()
    for h in (
        "Transfer-Encoding", "Connection", "Keep-Alive", "Proxy-Authenticate",
        "Proxy-Authorization", "Proxy-Connection", "TE", "Trailer", "Upgrade",
    )
)

# What the crawler changes between the wire and the record; stated in warcinfo.
NORMALISATIONS = (
    "HTTP status line rebuilt as '<protocol> <code> <standard reason phrase>'; "
    "header names title-cased by Scrapy (original case lost); "
    "hop-by-hop headers dropped (Transfer-Encoding, Connection, Keep-Alive, Proxy-*, TE, Trailer, Upgrade); "
    "chunked transfer framing removed; "
    "Content-Length set to the stored body length; "
    "body stored still content-encoded as received, Content-Encoding kept"
)


def sha1_digest(data: bytes) -> str:
    """``sha1:`` + base32, the form pywb and CDXJ tools expect."""
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def payload_digest(body: bytes) -> str:
    """Payload digest of a (still content-encoded, de-chunked) body."""
    return sha1_digest(body)


def new_record_id() -> str:
    return f"<urn:uuid:{uuid.uuid4()}>"


def _b(value: str | bytes) -> bytes:
    if isinstance(value, bytes):
        return value
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _clean(value: bytes) -> bytes:
    # a header value can never hold a line break inside a record
    return value.replace(b"\r", b" ").replace(b"\n", b" ")


def status_line(protocol: str, status: int) -> bytes:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"{protocol or 'HTTP/1.1'} {status} {phrase}".encode("ascii")


def _connection_tokens(headers: HeaderList) -> set[str]:
    tokens: set[str] = set()
    for name, value in headers:
        if name.lower() == "connection":
            for tok in _b(value).decode("latin-1").split(","):
                if tok.strip():
                    tokens.add(tok.strip().lower())
    return tokens


def response_header_block(ex: Exchange) -> bytes:
    """Status line + headers + blank line, as stored in the response record."""
    drop = HOP_BY_HOP | _connection_tokens(ex.response_headers)
    no_body_status = ex.status < 200 or ex.status in (204, 304)
    set_length = not no_body_status and ex.method.upper() != "HEAD"
    lines = [status_line(ex.protocol, ex.status)]
    length_written = False
    for name, value in ex.response_headers:
        low = name.lower()
        if low in drop:
            continue
        if low == "content-length" and set_length:
            if length_written:
                continue
            value = str(len(ex.body))
            length_written = True
        lines.append(_b(name) + b": " + _clean(_b(value)))
    if set_length and not length_written:
        lines.append(b"Content-Length: " + str(len(ex.body)).encode("ascii"))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def request_target(url: str) -> str:
    parts = urlsplit(url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return target


def request_header_block(ex: Exchange) -> bytes:
    """Request line (full path with query) + Host + every header + blank line."""
    parts = urlsplit(ex.url)
    lines = [f"{ex.method.upper()} {request_target(ex.url)} HTTP/1.1".encode("ascii", "replace")]
    if not any(n.lower() == "host" for n, _ in ex.request_headers):
        lines.append(b"Host: " + parts.netloc.encode("idna" if not parts.netloc.isascii() else "ascii"))
    for name, value in ex.request_headers:
        lines.append(_b(name) + b": " + _clean(_b(value)))
    return b"\r\n".join(lines) + b"\r\n\r\n"


def warc_fields(fields: list[tuple[str, str]]) -> bytes:
    """``application/warc-fields`` body."""
    out = []
    for name, value in fields:
        value = str(value).replace("\r", " ").replace("\n", " ")
        out.append(f"{name}: {value}\r\n")
    return "".join(out).encode("utf-8")


def record_bytes(headers: list[tuple[str, str]], block: bytes) -> bytes:
    """A whole uncompressed record: version line, headers, Content-Length, block, CRLFCRLF."""
    head = [WARC_VERSION]
    for name, value in headers:
        value = str(value).replace("\r", " ").replace("\n", " ")
        head.append(f"{name}: {value}".encode("utf-8"))
    head.append(b"Content-Length: " + str(len(block)).encode("ascii"))
    return b"\r\n".join(head) + b"\r\n\r\n" + block + b"\r\n\r\n"
