"""Scrapy settings of the portal-archive crawler: polite defaults for the real portal.

Every setting the project reads or sets is declared **once**, in ``DECLARED``
below, with its type, its default and its bounds; the module-level names Scrapy
reads (``settings.setmodule``) are made from that table. Code reads settings
without fallbacks (``s.getint(NAME)``, never with a default of its own), and
``tests/test_settings.py`` checks that every ``PORTAL_*`` name read anywhere is
declared here.

``-s NAME=VALUE`` (``portal-archive crawl`` and ``scrapy crawl portal`` alike)
is checked up front by ``crawler.settings_check.validate_overrides``: a wrong
type, a value out of bounds or an unknown name is a usage error (exit code 2)
naming the setting and the nearest valid name.

Adding a setting: one ``Setting(...)`` line in the right group, read it with
``crawler.settings.getX("NAME")``, document it where its feature is documented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from archive import __version__
from archive.warc import writer as _warc


@dataclass(frozen=True)
class Setting:
    name: str
    type: type          # bool, int, float, str, list or dict
    default: Any
    doc: str = ""
    min: float | None = None        # inclusive lower bound for int/float
    max: float | None = None        # inclusive upper bound for int/float
    nullable: bool = False          # None (unset) is a valid value


MiB = 1024 * 1024
CONTACT = "https://github.com/portal-archive/portal-archive"

DECLARED: tuple[Setting, ...] = (
    # --- Scrapy project -----------------------------------------------------------
    Setting("BOT_NAME", str, "portal-archive"),
    Setting("SPIDER_MODULES", list, ["crawler.spiders"]),
    Setting("NEWSPIDER_MODULE", str, "crawler.spiders"),
    Setting("COMMANDS_MODULE", str, "crawler.scrapy_commands",
            "`scrapy crawl portal` runs through the same validation and lock as `portal-archive crawl`"),

    # --- the archive ---------------------------------------------------------------
    Setting("PORTAL_ARCHIVE_DIR", str, "archive-data",
            "<archive>/archive.sqlite, warc/, logs/, state/"),
    Setting("PORTAL_START_URL", str, "https://thanhphohaiphong.gov.vn/"),
    Setting("PORTAL_CONTACT_URL", str, CONTACT, "named in the user agent"),
    Setting("PORTAL_ALIASES", str, "",
            "other origins of the same site, OLD=NEW (scheme://host[:port]), separated by spaces or "
            "commas; `crawl --alias` adds to it; the archive remembers them (archive/origins.py)"),
    Setting("PORTAL_SITE", str, "", "the site profile (portals.toml) this crawl runs for"),
    Setting("PORTAL_SCRAPYD_JOB", str, "", "the Scrapyd job id, when a Scrapyd node runs the crawl"),
    # the WARC writer's own defaults (archive/warc/writer.py: the library is used without Scrapy too)
    Setting("PORTAL_WARC_MAX_SIZE", int, _warc.DEFAULT_MAX_SIZE,
            "bytes; rotate to a new WARC file past this", min=1),
    Setting("PORTAL_WARC_PREFIX", str, _warc.DEFAULT_PREFIX, "WARC file names start with it"),
    Setting("PORTAL_WARC_COMPRESS_LEVEL", int, _warc.DEFAULT_COMPRESS_LEVEL,
            "zlib level; 9 costs 1.5x CPU for ~1% size", min=0, max=9),
    Setting("PORTAL_SCHEDULER_WINDOW", int, 2000,
            "requests handed to Scrapy's scheduler at once (memory)", min=1),
    Setting("PORTAL_STORAGE_PROCESS", bool, True,
            "WARC + SQLite writes in a child process (the other core)"),
    Setting("PORTAL_FETCH_IMAGES", bool, True, "fetch the images of each post (replay shows them)"),
    Setting("PORTAL_FETCH_DOCUMENTS", bool, True,
            "documents posts link to (pdf, doc(x), xls(x)…, document MIME types)"),
    Setting("PORTAL_FETCH_REQUISITES", bool, True,
            "what a browser loads to render each captured page (CSS, JS, fonts…)"),
    Setting("PORTAL_FETCH_OFFSITE_REQUISITES", bool, False,
            "requisites on other hosts (font CDNs…): opt-in, never crawled further"),
    Setting("PORTAL_FETCH_REST", bool, True,
            "each post's REST JSON (/wp-json/wp/v2/posts/<id>?_embed), when linked"),
    Setting("PORTAL_FETCH_AMP", bool, False, "AMP copies (<post>/amp) are not fetched by default"),
    Setting("PORTAL_FOLLOW_LINKS", bool, True, "discover through listings, feed and related links"),
    Setting("PORTAL_MAX_DEPTH_LISTING", int, 2000,
            "/page/N/ beyond this is a trap, not an archive", min=0),
    Setting("PORTAL_HONOUR_NOARCHIVE", bool, False,
            "True: pages saying noarchive are skipped, not archived and flagged"),
    Setting("PORTAL_PROGRESS", bool, False,
            "a progress line on stderr; the CLI turns it on for a terminal"),
    Setting("PORTAL_MAX_PAGES", int, 0,
            "exactly this many fetches of any kind, then a clean stop (0: no limit)", min=0),
    Setting("PORTAL_PROGRESS_INTERVAL", float, 60.0,
            "off a terminal: a 'progress:' log line this often (s; 0: none)", min=0),
    Setting("PORTAL_PLAN_WINDOW", float, 21600.0,
            "crawl --plan without --max-duration: the window it counts in (s; the nightly "
            "6 hours of docs/scheduling.md)", min=1),

    # --- recurring crawls (archive/crawl/planner.py, docs/scheduling.md) -------------
    Setting("PORTAL_FULL", bool, False, "True: fetch everything again (--full)"),
    Setting("PORTAL_REVISIT_RECENT_DAYS", int, 3,
            "posts published this recently are re-checked each crawl", min=0),
    Setting("PORTAL_REVISIT_PERIOD_DAYS", int, 90,
            "every older post is re-checked once per this many days", min=1),

    # --- politeness (the real portal is a government server) ------------------------
    Setting("ROBOTSTXT_OBEY", bool, True),
    Setting("CONCURRENT_REQUESTS", int, 8, min=1),
    Setting("CONCURRENT_ITEMS", int, 1,
            "one article per page: no parallel item processing to pay for", min=1),
    Setting("CONCURRENT_REQUESTS_PER_DOMAIN", int, 1, min=1),
    Setting("DOWNLOAD_DELAY", float, 1.0, "seconds between requests to a host", min=0),
    Setting("DOWNLOAD_DELAY_JITTER", float, 0.5, "±50 % around DOWNLOAD_DELAY", min=0, max=1),
    Setting("AUTOTHROTTLE_ENABLED", bool, True),
    Setting("AUTOTHROTTLE_START_DELAY", float, 1.0, min=0),
    Setting("AUTOTHROTTLE_MAX_DELAY", float, 60.0, min=0),
    Setting("AUTOTHROTTLE_TARGET_CONCURRENCY", float, 1.0, min=0.01),
    # `portal-archive crawl` rebuilds it from PORTAL_CONTACT_URL (crawler.runner.build_settings)
    Setting("USER_AGENT", str, f"portal-archive/{__version__} (+{CONTACT}; archival crawler)"),
    # warcio cannot read brotli bodies (warcio#73): never advertise br or zstd
    Setting("DEFAULT_REQUEST_HEADERS", dict, {
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        "Accept-Language": "vi,en;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }),

    # --- robustness -------------------------------------------------------------------
    Setting("DOWNLOAD_TIMEOUT", float, 60, "seconds", min=0.001),
    Setting("DOWNLOAD_MAXSIZE", int, 64 * MiB, "bytes; 0 = no limit", min=0),
    Setting("DOWNLOAD_WARNSIZE", int, 16 * MiB, min=0),
    Setting("RETRY_ENABLED", bool, True),
    Setting("RETRY_TIMES", int, 3, min=0),
    Setting("RETRY_HTTP_CODES", list, [500, 502, 503, 504, 522, 524, 408, 429]),
    Setting("REDIRECT_ENABLED", bool, True),
    Setting("REDIRECT_MAX_TIMES", int, 10, min=0),
    Setting("COMPRESSION_ENABLED", bool, True),
    Setting("COOKIES_ENABLED", bool, False),
    Setting("TELNETCONSOLE_ENABLED", bool, False),
    Setting("REMOTE_CONTROL_ENABLED", bool, False, "Scrapy 2.19's RemoteControl runs Python sent over HTTP: never"),
    Setting("HTTPCACHE_ENABLED", bool, False, "a cache hit would not be a capture"),
    Setting("SCHEDULER_PRIORITY_QUEUE", str, "scrapy.pqueues.DownloaderAwarePriorityQueue"),
    Setting("LOG_LEVEL", str, "INFO"),
    Setting("LOG_FILE", str, None, "set by build_settings: <archive>/logs/crawl-<stamp>.log",
            nullable=True),
    Setting("CLOSESPIDER_TIMEOUT", float, 0, "--max-duration; 0 = no limit", min=0),
    Setting("CLOSESPIDER_PAGECOUNT", int, 0, "Scrapy's response count; 0 = no limit", min=0),
    Setting("CLOSESPIDER_ITEMCOUNT", int, 0,
            "--max-pages: exactly this many articles (posts requested, then no more discovery); "
            "0 = no limit", min=0),

    Setting("EXTENSIONS", dict, {
        "scrapy.extensions.remote_control.RemoteControl": None,
        "crawler.archive_extension.ArchiveExtension": 100,
        "crawler.progress.Progress": 200,
    }),
    Setting("ITEM_PIPELINES", dict, {"crawler.pipelines.ArticlePipeline": 300}),

    # --- faults, bounds and traps (crawler/middlewares/, docs/faults.md) ---------------
    Setting("PORTAL_CRAWL_DELAY_ENABLED", bool, True, "honour robots.txt Crawl-delay"),
    Setting("PORTAL_CRAWL_DELAY_MAX", float, 60.0,
            "robots.txt Crawl-delay honoured up to this many seconds", min=0),
    Setting("PORTAL_RETRY_AFTER_ENABLED", bool, True, "pause a host on 429/503 (Retry-After)"),
    Setting("PORTAL_RETRY_AFTER_BASE", float, 1.0,
            "429/503 without Retry-After: pause 1, 2, 4 … s", min=0),
    Setting("PORTAL_RETRY_AFTER_MAX", float, 300.0,
            "never pause a host longer than this per answer", min=0),
    Setting("PORTAL_RETRY_AFTER_TIMES", int, 6,
            "retries of a throttled request before an errors row", min=0),
    Setting("PORTAL_EMPTY_BODY_IS_ERROR", bool, True,
            "a 200 with an empty body becomes an errors row 'empty-body'"),
    Setting("PORTAL_MAX_BODY_SIZE", int, 32 * MiB,
            "bodies cut here, archived with WARC-Truncated: length; 0 = off", min=0),
    Setting("PORTAL_MAX_DECOMPRESSED_SIZE", int, 64 * MiB,
            "gzip/deflate inflating past this: refused; 0 = only DOWNLOAD_MAXSIZE", min=0),
    Setting("PORTAL_TRAP_GUARD", bool, True, "cap URL patterns and stray hops (crawler traps)"),
    Setting("PORTAL_MAX_URLS_PER_PATTERN", int, 5000,
            "distinct URLs per pattern (digits folded): trap cap", min=1),
    Setting("PORTAL_MAX_STRAY_DEPTH", int, 1,
            "hops through pages neither article nor listing (calendars)", min=0),
    Setting("PORTAL_MIN_FREE_SPACE", int, 128 * MiB,
            "below this many free bytes the crawl stops cleanly; 0 = off", min=0),
    Setting("DOWNLOADER_MIDDLEWARES", dict, {
        "crawler.middlewares.scope_guard.ScopeGuardMiddleware": 45,
        "crawler.middlewares.disk_guard.DiskGuardMiddleware": 60,
        "crawler.middlewares.crawl_delay.CrawlDelayMiddleware": 110,
        "crawler.middlewares.retry_after.RetryAfterMiddleware": 560,
        "crawler.middlewares.empty_body.EmptyBodyMiddleware": 585,
        "crawler.middlewares.decompression.DecompressionGuardMiddleware": 595,
        "crawler.middlewares.redirect_guard.RedirectGuardMiddleware": 605,
        "crawler.middlewares.body_limit.BodyLimitMiddleware": 620,
        "crawler.middlewares.page_budget.PageBudgetMiddleware": 890,  # last before the download
    }),
    Setting("SPIDER_MIDDLEWARES", dict, {
        "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,   # replaced by: (a skips row)
        "crawler.middlewares.scope_guard.UrlLengthSkipMiddleware": 800,
        "crawler.middlewares.trap_guard.TrapGuardMiddleware": 950,
    }),
)

BY_NAME: dict[str, Setting] = {s.name: s for s in DECLARED}
assert len(BY_NAME) == len(DECLARED), "a setting is declared twice"

# the module-level names Scrapy's settings.setmodule() reads
globals().update({s.name: s.default for s in DECLARED if s.default is not None})
