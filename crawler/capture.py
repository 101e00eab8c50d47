"""Scrapy request/response → ``archive.warc.exchange.Exchange``.

Called from the ``response_downloaded`` signal, which fires before any
downloader middleware's ``process_response``: the body is still
content-encoded, ``Content-Encoding`` is present, and redirects and responses
that Retry will discard are seen too (docs/design.md, "WARC files").
"""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from archive.warc.exchange import Exchange


def header_list(headers) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for name, values in headers.items():
        key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        for value in values:
            out.append((key, value if isinstance(value, bytes) else str(value).encode("latin-1")))
    return out


def exchange_from_scrapy(request, response) -> Exchange:
    request_headers = header_list(request.headers)
    if not any(k.lower() == "host" for k, _ in request_headers):
        netloc = urlsplit(request.url).netloc
        request_headers.insert(0, ("Host", netloc.encode("latin-1")))
    truncated = None
    if "dataloss" in (response.flags or []):
        truncated = "disconnect"
    elif request.meta.get("portal_truncated"):
        truncated = request.meta["portal_truncated"]
    ip = getattr(response, "ip_address", None)
    return Exchange(
        url=request.url,
        status=response.status,
        response_headers=header_list(response.headers),
        body=response.body,
        method=request.method,
        protocol=getattr(response, "protocol", None) or "HTTP/1.1",
        request_headers=request_headers,
        request_body=request.body or b"",
        fetched_at=datetime.now(timezone.utc),
        ip=str(ip) if ip is not None else None,
        truncated=truncated,
    )
