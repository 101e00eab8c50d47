"""What the crawler hands to the WARC writer, and what the writer hands back."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

HeaderList = list[tuple[str, str | bytes]]


@dataclass
class Exchange:
    """One HTTP request/response pair as fetched.

    ``body`` is the payload **still content-encoded** (gzip/deflate as sent)
    but with any chunked framing removed. Header values may be ``str``
    (decoded as latin-1, so bytes round-trip) or raw ``bytes``; repeated
    headers are separate entries, in the order received.
    """

    url: str
    status: int
    response_headers: HeaderList
    body: bytes
    method: str = "GET"
    protocol: str = "HTTP/1.1"
    request_headers: HeaderList = field(default_factory=list)
    request_body: bytes = b""
    fetched_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    ip: str | None = None
    truncated: str | None = None  # WARC-Truncated reason: "length", "time", "disconnect"…


@dataclass(frozen=True)
class RecordRef:
    """Where a record landed: the gzip member's span inside a closed file name.

    ``warc_file`` is the final basename (``….warc.gz``, never ``.open``);
    ``offset``/``length`` are those of the gzip member (what CDXJ and pywb
    use). ``target_uri`` and ``date`` (WARC-Date) let the ref serve as the
    ``refers_to`` of a later revisit record.
    """

    warc_file: str
    offset: int
    length: int
    record_id: str
    payload_digest: str
    block_digest: str
    target_uri: str = ""
    date: str = ""
    record_type: str = "response"


def warc_date(dt: datetime | None = None) -> str:
    """WARC/1.1 date with microseconds, UTC, ``Z`` suffix."""
    if dt is None:
        dt = datetime.now(timezone.utc)
    elif dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    else:
        dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
