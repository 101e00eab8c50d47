"""A crawl's outcome as one log line, written by a job and read back by whoever scheduled it.

Scrapyd reports that a job finished, not how it went. A portal-archive job
therefore ends its log with one line, ``portal-archive outcome: {json}``;
``portal-archive scrapyd jobs`` fetches the log through the node's
``log_url`` and reads that line back. Refused jobs (another crawl holds the
archive) and crawls that could not start end with the same line.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

PREFIX = "portal-archive outcome: "


@dataclass
class Outcome:
    site: str | None
    job: str | None
    exit_code: int
    status: str                  # finished, interrupted, failed, refused, …
    crawl_id: int | None = None
    captures: int = 0
    articles: int = 0
    errors: int = 0
    message: str | None = None
    egg_version: str | None = None

    @classmethod
    def from_result(cls, result, **extra) -> Outcome:
        """From ``crawler.runner.CrawlResult`` (any object with those attributes)."""
        return cls(exit_code=result.exit_code, status=result.status, crawl_id=result.crawl_id,
                   captures=result.captures, articles=result.articles, errors=result.errors,
                   message=getattr(result, "message", None) or getattr(result, "drift", None), **extra)

    def line(self) -> str:
        return PREFIX + json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    def summary(self) -> str:
        if self.status == "refused":
            return f"refused (exit {self.exit_code}): {self.message}"
        text = (f"crawl {self.crawl_id} {self.status} (exit {self.exit_code}): {self.captures} fetches, "
                f"{self.articles} articles, {self.errors} errors")
        return text + (f" — {self.message}" if self.message else "")


def parse_outcome(log_text: str) -> Outcome | None:
    """The last outcome line of a job's log, or None (still running, or killed)."""
    names = {f.name for f in fields(Outcome)}
    for line in reversed(log_text.splitlines()):
        pos = line.find(PREFIX)
        if pos < 0:
            continue
        try:
            data = json.loads(line[pos + len(PREFIX):])
            return Outcome(**{k: v for k, v in data.items() if k in names})
        except (ValueError, TypeError):
            continue
    return None


def append_outcome(log_file: str, outcome: Outcome) -> None:
    try:
        with open(log_file, "a", encoding="utf-8") as fh:
            fh.write(outcome.line() + "\n")
    except OSError:
        pass  # stderr already carries it; Scrapyd keeps that in its own log
