"""Downloader and spider middlewares that keep the crawler polite, bounded and on the site.

One component per module, each a ``base.CrawlerMiddleware`` (one ``from_crawler``
for all: its switch setting, the ``PORTAL_*`` settings it reads, its signals),
raising ``NotConfigured`` when switched off:

| module | component | does |
|---|---|---|
| ``crawl_delay`` | ``CrawlDelayMiddleware`` | robots.txt ``Crawl-delay`` → the host's downloader slot delay |
| ``retry_after`` | ``RetryAfterMiddleware`` | 429/503: pause the host's slot (``Retry-After`` or exponential backoff, capped), retry |
| ``body_limit`` | ``BodyLimitMiddleware`` | bodies cut at ``PORTAL_MAX_BODY_SIZE``, archived as ``WARC-Truncated: length`` |
| ``disk_guard`` | ``DiskGuardMiddleware`` | below ``PORTAL_MIN_FREE_SPACE`` free bytes: ``errors`` row, crawl closed (``disk-full``) |
| ``empty_body`` | ``EmptyBodyMiddleware`` | an empty 200 body: ``errors`` row ``empty-body`` |
| ``decompression`` | ``DecompressionGuardMiddleware`` | gzip/deflate bombs refused with an ``errors`` row |
| ``redirect_guard`` | ``RedirectGuardMiddleware`` | off-site, loop and over-long redirects: ``errors`` row, never followed |
| ``trap_guard`` | ``TrapGuardMiddleware`` | spider side: URL canonicalisation, scheme filter, crawler-trap rules |

``docs/faults.md`` says which fault each one answers and how it is tested.
"""
