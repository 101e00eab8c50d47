"""Scrapyd's runner for portal-archive nodes (``runner = crawler.scrapyd_runner``).

Scrapyd starts one process per job: ``python -m <runner> crawl portal -s NAME=VALUE …
-a _job=ID``. Scrapyd's own runner would hand that to ``scrapy crawl``; this
one runs the job exactly as ``portal-archive crawl`` does, with the same
settings validation, archive lock, recorded exit code and process exit code,
using the code of the deployed egg. The job's last log line is the outcome
(``archive.crawl.outcome``), which ``portal-archive scrapyd jobs`` reads back
through the node's ``log_url``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile


def _activate_egg() -> str | None:
    """Put the deployed egg of $SCRAPY_PROJECT first on sys.path; return its version."""
    project = os.environ.get("SCRAPY_PROJECT")
    if not project:
        return None
    from scrapyd import Config
    from scrapyd.utils import initialize_component

    storage = initialize_component(Config(), "eggstorage", "scrapyd.eggstorage.FilesystemEggStorage")
    version, egg = storage.get(project, os.environ.get("SCRAPYD_EGG_VERSION"))
    if egg is None:
        return None
    with egg:
        fd, path = tempfile.mkstemp(prefix=f"{project}-{version}-", suffix=".egg")
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(egg, out)
    # the egg's code, not an installed copy: drop what this module's import pulled in
    for name in list(sys.modules):
        if name.split(".")[0] in ("archive", "crawler", "replica"):
            del sys.modules[name]
    sys.path.insert(0, path)
    os.environ["PORTAL_EGG_PATH"] = path
    return version


def parse_args(argv: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    """``crawl portal -s A=1 -a b=2`` → (settings, spider arguments)."""
    args = list(argv)
    if args[:1] == ["crawl"]:
        args = args[1:]
    if args and not args[0].startswith("-"):
        args = args[1:]  # the spider name: always "portal"
    settings: dict[str, str] = {}
    spider_args: dict[str, str] = {}
    it = iter(args)
    for flag in it:
        value = next(it, None)
        if flag not in ("-s", "-a") or value is None or "=" not in value:
            raise SystemExit(f"error: unexpected argument {flag!r} from Scrapyd — "
                             "schedule jobs with `portal-archive scrapyd schedule`")
        name, _, val = value.partition("=")
        (settings if flag == "-s" else spider_args)[name] = val
    return settings, spider_args


def list_spiders() -> int:
    """``list``: Scrapyd checks a deployed egg with it; loading the spiders proves the egg imports."""
    from scrapy.settings import Settings
    from scrapy.spiderloader import SpiderLoader

    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    for name in SpiderLoader.from_settings(settings).list():
        print(name)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    egg_version = _activate_egg()
    if argv[:1] == ["list"]:
        return list_spiders()
    from archive.crawl.outcome import Outcome, append_outcome
    from archive.errors import ArchiveError
    from crawler.runner import EXIT_USAGE, build_settings, run_crawl

    settings, spider_args = parse_args(argv)
    job = spider_args.pop("_job", None)
    if spider_args.get("start_url"):
        settings["PORTAL_START_URL"] = spider_args.pop("start_url")
    log_file = settings.get("LOG_FILE")
    site = settings.get("PORTAL_SITE")
    if job:
        settings["PORTAL_SCRAPYD_JOB"] = job
    try:
        if site:
            from archive.fleet.profiles import bind_origin

            bind_origin(settings["PORTAL_ARCHIVE_DIR"], site, settings["PORTAL_START_URL"],
                        [a for a in (settings.get("PORTAL_ALIASES") or "").split(",") if a])
        result = run_crawl(build_settings(None, None, settings))
    except ArchiveError as exc:
        code = getattr(exc, "exit_code", 1)
        outcome = Outcome(site=site, job=job, exit_code=code, status="refused" if code == 75 else "failed",
                          message=str(exc), egg_version=egg_version)
    except ValueError as exc:  # a setting of the wrong type or name
        outcome = Outcome(site=site, job=job, exit_code=EXIT_USAGE, status="failed",
                          message=str(exc), egg_version=egg_version)
    else:
        outcome = Outcome.from_result(result, site=site, job=job, egg_version=egg_version)
    print(outcome.line(), file=sys.stderr, flush=True)
    if log_file:
        append_outcome(log_file, outcome)
    return outcome.exit_code


if __name__ == "__main__":
    sys.exit(main())
