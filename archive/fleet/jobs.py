"""Jobs across Scrapyd nodes, joined with the outcome each job logged.

A job id starts with its site's name (``<site>.<UTC time>.<random>``), so a
running job, which Scrapyd lists without its settings, still names its site.
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

from archive.crawl.outcome import Outcome, parse_outcome
from archive.fleet.egg import PROJECT
from archive.fleet.scrapyd import Node, NodeError


def new_job_id(site: str) -> str:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{site}.{stamp}.{secrets.token_hex(3)}"


def site_of(job_id: str) -> str | None:
    head, sep, _rest = job_id.partition(".")
    return head if sep else None


@dataclass
class JobRow:
    node: str
    site: str | None
    job: str
    state: str           # pending, running, finished, or unreachable (the node)
    start_time: str | None = None
    end_time: str | None = None
    outcome: Outcome | None = None
    error: str | None = None

    @property
    def summary(self) -> str:
        if self.error:
            return f"error: {self.error}"
        if self.outcome:
            return self.outcome.summary()
        if self.state == "finished":
            return "ended without an outcome line (killed?) — read its log on the node"
        return f"since {self.start_time}" if self.start_time else ""

    def as_dict(self) -> dict:
        d = asdict(self)
        d["summary"] = self.summary
        return d


def collect_jobs(config, sites: set[str] | None = None) -> list[JobRow]:
    """Every job of the project on every node of the config, oldest first per node."""
    nodes = sorted({p.node for p in config.sites.values() if p.node and (not sites or p.name in sites)})
    rows: list[JobRow] = []
    for url in nodes:
        node = Node(url)
        try:
            listing = node.list_jobs(PROJECT)
        except NodeError as exc:
            rows.append(JobRow(node.label, None, "-", "unreachable", error=str(exc)))
            continue
        for state in ("finished", "running", "pending"):
            for job in listing.get(state, []):
                site = site_of(job["id"])
                if sites and site not in sites:
                    continue
                row = JobRow(node.label, site, job["id"], state, job.get("start_time"), job.get("end_time"))
                if state == "finished" and job.get("log_url"):
                    try:
                        row.outcome = parse_outcome(node.log_tail(job["log_url"]))
                    except NodeError as exc:
                        row.error = str(exc)
                rows.append(row)
    return rows


RECENT_HOURS = 24  # `jobs --failed` looks this far back


def recent_failures(rows: list[JobRow], hours: float = RECENT_HOURS) -> list[JobRow]:
    """Jobs that ended in the last ``hours`` without exit 0 (or without an outcome), and
    unreachable nodes."""
    now = datetime.now()  # Scrapyd writes local times without a zone
    out = []
    for r in rows:
        if r.state == "unreachable":
            out.append(r)
            continue
        if r.state != "finished" or not r.end_time:
            continue
        try:
            ended = datetime.fromisoformat(r.end_time)
        except ValueError:
            ended = now
        if (now - ended).total_seconds() > hours * 3600:
            continue
        if r.outcome is None or r.outcome.exit_code != 0 or r.error:
            out.append(r)
    return out
