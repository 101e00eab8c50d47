"""Every request, whatever made it (link, sitemap, redirect, resumed frontier), stays on the portal's origins.

Runs first among the downloader middlewares (priority 45, before Scrapy's
own ``OffsiteMiddleware`` at 50, which compares host names only and lets
any port through). A request whose origin — scheme, host and port — is not
one of the site's (``spider.scope``, ``archive.origins.Scope``) is never
sent: a ``skips`` row (reason ``off-site``, ``other-port`` or ``bad-url``,
with the page that led to it) and ``IgnoreRequest``. Requests marked
``meta["offsite_embed"]`` (off-site page requisites, when opted into) pass
when they are on another host — never the portal's host on another port,
and never a loopback or private address unless the portal is on one
(``Scope.why_not_embed``); they are never followed further.

``UrlLengthSkipMiddleware`` replaces Scrapy's ``UrlLengthMiddleware``: the same
``URLLENGTH_LIMIT``, but a dropped request becomes a ``skips`` row ``too-long``.
"""

from __future__ import annotations

from dataclasses import dataclass

from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.urllength import UrlLengthMiddleware

from .base import CrawlerMiddleware


def referrer_of(request) -> str | None:
    redirects = request.meta.get("redirect_urls")
    if redirects:
        return redirects[-1]
    ref = request.meta.get("referrer") or request.headers.get(b"Referer")
    if isinstance(ref, bytes):
        ref = ref.decode("latin-1")
    return ref


@dataclass(eq=False)
class ScopeGuardMiddleware(CrawlerMiddleware):
    def process_request(self, request, spider=None):
        spider = spider or self.crawler.spider
        scope = getattr(spider, "scope", None)
        if scope is None:
            return None
        if request.meta.get("offsite_embed"):  # an opted-in off-site requisite: another host only
            reason = scope.why_not_embed(request.url)
        else:
            reason = scope.why_not(request.url)
        if reason is None:
            return None
        skip = getattr(spider, "skip", None)
        if skip is not None:
            skip(request.url, reason, referrer_of(request), "request refused before sending")
        raise IgnoreRequest(f"{reason}: {request.url}")


class UrlLengthSkipMiddleware(UrlLengthMiddleware):
    """Scrapy's ``UrlLengthMiddleware`` (``URLLENGTH_LIMIT``), with every drop on record:
    a ``skips`` row ``too-long`` with the page that linked it (Scrapy only logs it)."""

    def get_processed_request(self, request, response):
        kept = super().get_processed_request(request, response)
        if kept is None:
            skip = getattr(self.crawler.spider, "skip", None)
            if skip is not None:
                skip(request.url, "too-long", getattr(response, "url", None),
                     f"longer than URLLENGTH_LIMIT ({self.maxlength})")
        return kept
