"""Record a permanent failure found by a middleware as an ``errors`` row of the crawl."""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)


def record_error(crawler, url: str, kind: str, message: str) -> None:
    """Write an ``errors`` row through the spider's archive session (if any) and count it."""
    crawler.stats.inc_value(f"portal/errors/{kind}")
    log.warning("%s: %s (%s)", kind, url, message)
    archive = getattr(crawler.spider, "archive", None)
    if archive is not None:
        archive.error(url, kind, message)
