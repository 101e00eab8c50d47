"""Scrapy settings of the portal-archive crawler: polite defaults for the real portal.

Project settings are prefixed ``PORTAL_``; every one can be overridden with
``-s NAME=VALUE`` on ``portal-archive crawl`` or ``scrapy crawl portal``.
"""

from archive import __version__

BOT_NAME = "portal-archive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- the archive ---------------------------------------------------------------
PORTAL_ARCHIVE_DIR = "archive-data"         # <archive>/archive.sqlite, warc/, logs/, state/
PORTAL_START_URL = "https://thanhphohaiphong.gov.vn/"
# other origins of the same site, "OLD=NEW" (scheme://host[:port]), separated by spaces or commas;
# `crawl --alias` adds to it; the archive remembers them (archive/origins.py, table origins)
PORTAL_ALIASES = ""
PORTAL_CONTACT_URL = "https://github.com/portal-archive/portal-archive"  # named in the user agent
PORTAL_SITE = ""                            # the site profile (portals.toml) this crawl runs for
PORTAL_SCRAPYD_JOB = ""                     # the Scrapyd job id, when a Scrapyd node runs the crawl
PORTAL_WARC_MAX_SIZE = 1_000_000_000        # bytes; rotate to a new WARC file past this
PORTAL_WARC_PREFIX = "portal"
PORTAL_WARC_COMPRESS_LEVEL = 6              # zlib level; 9 costs 1.5x CPU for ~1% size
PORTAL_SCHEDULER_WINDOW = 2000              # requests handed to Scrapy's scheduler at once (memory)
PORTAL_STORAGE_PROCESS = True               # WARC + SQLite writes in a child process (the other core)
PORTAL_FETCH_IMAGES = True                  # fetch the images of each post (replay shows them)
PORTAL_FETCH_DOCUMENTS = True              # documents posts link to (pdf, doc(x), xls(x)…, document MIME types)
PORTAL_FETCH_REQUISITES = True             # what a browser loads to render each captured page (CSS, JS, fonts…)
PORTAL_FETCH_OFFSITE_REQUISITES = False    # requisites on other hosts (font CDNs…): opt-in, never crawled further
PORTAL_FETCH_AMP = False                    # AMP copies (<post>/amp) are not fetched by default
PORTAL_FETCH_REST = True                    # each post's REST JSON (/wp-json/wp/v2/posts/<id>?_embed), when linked
PORTAL_FOLLOW_LINKS = True                  # discover through listings, feed and related links
PORTAL_MAX_DEPTH_LISTING = 2000             # /page/N/ beyond this is a trap, not an archive
PORTAL_HONOUR_NOARCHIVE = False             # True: pages saying noarchive are skipped, not archived+flagged

# --- recurring crawls (see archive/crawl/revisit.py) ------------------------------------
PORTAL_FULL = False                         # True: fetch everything again (--full)
PORTAL_REVISIT_RECENT_DAYS = 3              # posts published this recently are re-checked each crawl
PORTAL_REVISIT_PERIOD_DAYS = 90             # every older post is re-checked once per this many days

# --- politeness (the real portal is a government server) ------------------------
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 8
CONCURRENT_ITEMS = 1                        # one article per page: no parallel item processing to pay for
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5                 # ±50 % around DOWNLOAD_DELAY
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
# `portal-archive crawl` rebuilds it from PORTAL_CONTACT_URL; with `scrapy crawl`, set USER_AGENT too
USER_AGENT = f"portal-archive/{__version__} (+{PORTAL_CONTACT_URL}; archival crawler)"

# warcio cannot read brotli bodies (warcio#73): never advertise br or zstd
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi,en;q=0.5",
    "Accept-Encoding": "gzip, deflate",
}

# --- robustness -------------------------------------------------------------------
DOWNLOAD_TIMEOUT = 60
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 10
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's RemoteControl runs Python sent over HTTP: never
HTTPCACHE_ENABLED = False  # a cache hit would not be a capture
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
LOG_LEVEL = "INFO"

PORTAL_PROGRESS = False                     # a progress bar on stderr; the CLI turns it on for a terminal
PORTAL_PROGRESS_INTERVAL = 60.0             # off a terminal: a "progress:" log line this often (s; 0: none)
PORTAL_MAX_PAGES = 0                        # exactly this many fetches, then a clean stop (0: no limit)

EXTENSIONS = {
    "scrapy.extensions.remote_control.RemoteControl": None,  # no listening socket (see above)
    "crawler.archive_extension.ArchiveExtension": 100,
    "crawler.progress.Progress": 200,
}
ITEM_PIPELINES = {
    "crawler.pipelines.ArticlePipeline": 300,
}

# --- faults, bounds and traps (crawler/middlewares/, docs/faults.md) ---------------
PORTAL_CRAWL_DELAY_MAX = 60.0               # robots.txt Crawl-delay honoured up to this many seconds
PORTAL_RETRY_AFTER_BASE = 1.0               # 429/503 without Retry-After: pause 1, 2, 4 … s
PORTAL_RETRY_AFTER_MAX = 300.0              # never pause a host longer than this per answer
PORTAL_RETRY_AFTER_TIMES = 6                # retries of a throttled request before an errors row
PORTAL_MAX_BODY_SIZE = 32 * 1024 * 1024     # bodies cut here, archived with WARC-Truncated: length
PORTAL_MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024  # gzip/deflate inflating past this: refused
PORTAL_MAX_URLS_PER_PATTERN = 5000          # distinct URLs per pattern (digits folded): trap cap
PORTAL_MAX_STRAY_DEPTH = 1                  # hops through pages neither article nor listing (calendars)
PORTAL_MIN_FREE_SPACE = 128 * 1024 * 1024    # below this many free bytes the crawl stops cleanly
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.scope_guard.ScopeGuardMiddleware": 45,
    "crawler.middlewares.disk_guard.DiskGuardMiddleware": 60,
    "crawler.middlewares.crawl_delay.CrawlDelayMiddleware": 110,
    "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,
    "crawler.middlewares.empty_body.EmptyBodyMiddleware": 585,
    "crawler.middlewares.decompression.DecompressionGuardMiddleware": 595,
    "crawler.middlewares.redirect_guard.RedirectGuardMiddleware": 605,
    "crawler.middlewares.body_limit.BodyLimitMiddleware": 620,
    "crawler.middlewares.page_budget.PageBudgetMiddleware": 890,  # last before the download
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,   # replaced by: (a skips row)
    "crawler.middlewares.scope_guard.UrlLengthSkipMiddleware": 800,
    "crawler.middlewares.trap_guard.TrapGuardMiddleware": 950,
}
