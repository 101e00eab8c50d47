"""``scrapy crawl portal``: the same crawl as ``portal-archive crawl``.

Scrapy's own ``crawl`` command would build the settings itself and skip what
``crawler.runner`` does: the ``-s`` checks (``crawler.settings_check``), the
archive's crawl lock (recovery of a killed crawl assumes it is held), the
user agent naming ``PORTAL_CONTACT_URL``, the log file under ``<archive>/logs/``
and the exit codes. This command hands both routes to the same code.
"""

from __future__ import annotations

import sys

from scrapy.commands.crawl import Command as ScrapyCrawl
from scrapy.exceptions import UsageError
from scrapy.settings import SETTINGS_PRIORITIES

from archive.errors import ArchiveError


class Command(ScrapyCrawl):
    requires_crawler_process = False  # crawler.runner.run_crawl makes its own

    def short_desc(self) -> str:
        return "Run the portal spider (as `portal-archive crawl`: same checks, lock and exit codes)"

    def run(self, args, opts) -> None:
        from crawler.runner import build_settings, run_crawl

        if args != ["portal"]:
            raise UsageError("the project has one spider: scrapy crawl portal [-a start_url=URL] "
                             "[-s NAME=VALUE ...]")
        spargs = dict(opts.spargs)
        start_url = spargs.pop("start_url", None)
        if spargs:
            raise UsageError(f"unknown spider argument {sorted(spargs)[0]!r}: only -a start_url=URL")
        if getattr(opts, "output", None) or getattr(opts, "overwrite_output", None):
            raise UsageError("-o/-O feeds are not supported: the archive is the output "
                             "(export with `portal-archive export`)")
        cmdline = SETTINGS_PRIORITIES["cmdline"]
        overrides = {name: self.settings[name] for name in self.settings.attributes
                     if self.settings.getpriority(name) == cmdline}
        try:
            settings = build_settings(None, start_url, overrides)
        except ArchiveError as exc:
            if getattr(exc, "exit_code", 1) == 2:
                raise UsageError(str(exc), print_help=False) from None
            raise
        try:
            result = run_crawl(settings)
        except ArchiveError as exc:
            print(f"error: {exc}", file=sys.stderr)
            self.exitcode = getattr(exc, "exit_code", 1)
            return
        if result.message:
            print(f"error: {result.message}", file=sys.stderr)
        self.exitcode = result.exit_code
