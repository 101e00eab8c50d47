"""Oversize bodies: keep the first ``PORTAL_MAX_BODY_SIZE`` bytes as a truncated capture.

Scrapy's ``DOWNLOAD_MAXSIZE`` cancels an oversize download and keeps nothing.
Here the ``bytes_received`` signal counts the body and, once it passes the
limit, raises ``StopDownload(fail=False)``: Scrapy hands on the partial
response flagged ``download_stopped`` (the bytes of the read that crossed the
limit included, so the body ends at most one network read past it), and
``request.meta["portal_truncated"] = "length"`` makes the WARC capture write
``WARC-Truncated: length``. A declared ``Content-Length`` above
``DOWNLOAD_MAXSIZE`` would be refused before the body starts: for those the
request's ``download_maxsize`` is lifted so the cut happens here instead.

``process_response`` (run before any decompression) then writes an ``errors``
row ``truncated`` and drops the response: a cut page is archived, never parsed.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload

from .base import CrawlerMiddleware
from .errors import record_error

_COUNT = "_portal_body_bytes"


@dataclass(eq=False)
class BodyLimitMiddleware(CrawlerMiddleware):
    SIGNALS = ("headers_received", "bytes_received")
    max_size: int
    download_maxsize: int

    @classmethod
    def options(cls, s):
        max_size = s.getint("PORTAL_MAX_BODY_SIZE")
        if max_size <= 0:
            raise NotConfigured("PORTAL_MAX_BODY_SIZE is 0: bodies are not bounded here")
        return {"max_size": max_size, "download_maxsize": s.getint("DOWNLOAD_MAXSIZE")}

    # -- signals (one download) ---------------------------------------------------
    def headers_received(self, headers, body_length, request, spider):
        request.meta[_COUNT] = 0
        request.meta.pop("portal_truncated", None)
        limit = request.meta.get("download_maxsize", self.download_maxsize)
        declared = body_length if isinstance(body_length, int) else -1  # UNKNOWN_LENGTH
        if limit and 0 <= limit < declared and declared > self.max_size:
            request.meta["download_maxsize"] = 0  # cut here at max_size, not refused there

    def bytes_received(self, data, request, spider):
        received = request.meta.get(_COUNT, 0) + len(data)
        request.meta[_COUNT] = received
        if received > self.max_size:
            request.meta["portal_truncated"] = "length"
            self.crawler.stats.inc_value("portal/truncated")
            raise StopDownload(fail=False)

    # -- the response -----------------------------------------------------------
    def process_response(self, request, response):
        if request.meta.get("portal_truncated") != "length" \
                or "download_stopped" not in (response.flags or []):
            return response
        kept = len(response.body)
        record_error(self.crawler, request.url, "truncated",
                     f"body cut after {kept} bytes: larger than PORTAL_MAX_BODY_SIZE "
                     f"({self.max_size}); archived with WARC-Truncated: length, not parsed "
                     "— raise PORTAL_MAX_BODY_SIZE to keep such bodies whole")
        raise IgnoreRequest(f"truncated at {kept} bytes (PORTAL_MAX_BODY_SIZE)")
