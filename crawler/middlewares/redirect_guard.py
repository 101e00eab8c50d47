"""Redirects that must not be followed: off the site, in a loop, or too many in a row.

Runs just before Scrapy's RedirectMiddleware (priority 605, above its 600), on
the 3xx response that has already been archived. The redirect is refused —
an ``errors`` row and ``IgnoreRequest``, so the target is never requested —
when its target

- is outside the site's origins — scheme, host and port (``spider.scope``,
  ``archive.origins``): another host, or the portal's host on another port —
  or uses a scheme other than http/https (``offsite-redirect``);
- was already visited in this redirect chain (``redirect-loop``);
- would be hop number ``REDIRECT_MAX_TIMES + 1`` (``redirect-limit``).

Scrapy alone drops all three silently; here each becomes a reason on record.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest
from w3lib.url import canonicalize_url, safe_url_string

from .base import CrawlerMiddleware
from .errors import record_error

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def host_allowed(host: str | None, domains) -> bool:
    if not host:
        return False
    host = host.lower().rstrip(".")
    for domain in domains or ():
        d = domain.lower().split(":", 1)[0].rstrip(".")
        if host == d or host.endswith("." + d):
            return True
    return False


@dataclass(eq=False)
class RedirectGuardMiddleware(CrawlerMiddleware):
    SWITCH = "REDIRECT_ENABLED"  # off: no redirect is followed anyway
    max_times: int

    @classmethod
    def options(cls, s):
        return {"max_times": s.getint("REDIRECT_MAX_TIMES")}

    def process_response(self, request, response):
        if response.status not in REDIRECT_STATUSES or request.meta.get("dont_redirect"):
            return response
        location = response.headers.get(b"Location")
        if not location:
            return response
        target = urljoin(request.url, safe_url_string(location.decode("latin-1").strip()))
        problem = self._problem(request, target)
        if problem is None:
            return response
        kind, reason = problem
        record_error(self.crawler, request.url, kind,
                     f"HTTP {response.status} to {target}: {reason}")
        raise IgnoreRequest(f"{kind}: {target}")

    def _problem(self, request, target: str) -> tuple[str, str] | None:
        parts = urlsplit(target)
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        scope = getattr(self.crawler.spider, "scope", None)
        if parts.scheme not in ("http", "https"):
            return "offsite-redirect", f"scheme {parts.scheme or 'none'!r} is never fetched"
        if scope is not None:
            reason = scope.why_not(target)
            if reason is not None:
                return "offsite-redirect", (f"{reason}: outside the site's origins "
                                            f"({', '.join(sorted(map(str, scope.origins)))}); "
                                            "not followed")
        elif domains and not host_allowed(parts.hostname, domains):
            return "offsite-redirect", (f"host {parts.hostname} is outside "
                                        f"{', '.join(domains)}; not followed")
        chain = [*request.meta.get("redirect_urls", ()), request.url]
        seen = {canonicalize_url(u) for u in chain}
        if canonicalize_url(target) in seen:
            return "redirect-loop", f"a loop after {len(chain)} hops; not followed"
        if request.meta.get("redirect_times", 0) >= self.max_times:
            return "redirect-limit", (f"more than REDIRECT_MAX_TIMES ({self.max_times}) "
                                      "redirects in a row; not followed")
        return None
