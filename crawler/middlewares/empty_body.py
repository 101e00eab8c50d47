"""An empty 200 answer where a page, feed, sitemap or image was expected is a failure on record.

Scrapy hands an empty body on like any other; the spider then finds nothing in
it and the URL silently yields nothing. Here (after decompression, priority
585) a ``200`` to a ``GET`` whose body is empty becomes an ``errors`` row
``empty-body`` and is dropped; the empty response itself is archived as sent.
An empty ``robots.txt`` is valid and passes.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest

from .base import CrawlerMiddleware
from .errors import record_error


@dataclass(eq=False)
class EmptyBodyMiddleware(CrawlerMiddleware):
    SWITCH = "PORTAL_EMPTY_BODY_IS_ERROR"

    def process_response(self, request, response):
        if response.status != 200 or request.method != "GET" or response.body:
            return response
        if urlsplit(request.url).path == "/robots.txt":
            return response
        record_error(self.crawler, request.url, "empty-body",
                     "HTTP 200 with an empty body; archived as sent, nothing to parse "
                     "— the server may be failing: the next crawl fetches it again")
        raise IgnoreRequest("empty body")
