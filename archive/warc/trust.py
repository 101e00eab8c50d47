"""Which records of a WARC file may become captures of the portal (import is a trust boundary).

A file made by another tool says what it likes: any target URI, any date. Only
records whose ``WARC-Target-URI`` is on one of the archive's origins (scheme,
host and port of its start URL, and the aliases it knows) become captures and
articles; a record dated in the future — after the import, or after the file
itself was last written — is refused too. Refused records stay in the stored
WARC copy (evidence is never dropped) and are listed, with the reason, in
``refused_records`` and ``logs/imports.jsonl``.

The archive's own crawl files are trusted as written. ``import`` and ``reindex``
apply the same ``Trust`` to the same file, so both give the same rows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from archive.origins import (
    BAD_URL,
    OFF_SITE,
    OTHER_PORT,
    Origin,
    Scope,
    origin_of,
    scheme_twin,
)

FUTURE, BAD_DATE = "future-date", "bad-date"
_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::(\d\d))?(?:\.\d+)?Z$")


def origins_of(urls: Iterable[str]) -> frozenset[Origin]:
    """The origins of ``urls`` (``archive.origins``: scheme, host, port) plus, for a
    default port, the same host on the other scheme (a portal that moved to https
    still serves and links http)."""
    out: set[Origin] = set()
    for url in urls:
        o = origin_of(url or "")
        if o is None:
            continue
        out.add(o)
        twin = scheme_twin(o)
        if twin is not None:
            out.add(twin)
    return frozenset(out)


def warc_date(value: str | None) -> str | None:
    """A WARC-Date as ``YYYY-mm-ddTHH:MM:SSZ``; ``None`` if it is not a valid UTC date."""
    m = _DATE.match((value or "").strip())
    if not m:
        return None
    y, mo, d, h, mi, s = (int(x or 0) for x in m.groups())
    try:
        return datetime(y, mo, d, h, mi, s).strftime("%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None


def stamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Trust:
    """``kind``: ``crawl`` (trusted) or ``import``; ``origins`` the portal's own;
    ``not_after``: no record may be dated later (UTC, ``…Z``)."""

    kind: str = "crawl"
    origins: frozenset[Origin] = field(default_factory=frozenset)
    not_after: str | None = None

    def refusal(self, target_uri: str | None, date: str | None) -> tuple[str, str] | None:
        """``(reason, detail)`` when the record must not become a capture of the portal."""
        if self.kind != "import":
            return None  # "crawl": the archive's own files; "legacy": imported before the boundary
        uri = (target_uri or "").strip().strip("<>").strip()
        reason = self._scope().why_not(uri) if self.origins else OFF_SITE
        if reason == BAD_URL:
            return BAD_URL, f"target URI {uri[:200]!r} is not an http(s) URL of a plain host"
        if reason == OTHER_PORT:
            return OTHER_PORT, f"{origin_of(uri)} is the portal's host on another port or scheme"
        if reason is not None:
            return reason, f"{origin_of(uri) or uri[:200]} is not one of the archive's origins"
        when = warc_date(date)
        if when is None:
            return BAD_DATE, f"WARC-Date {str(date)[:40]!r} is not a valid UTC date"
        if self.not_after and when > self.not_after:
            return FUTURE, f"dated {when}, after {self.not_after} (the import, or the file's own time)"
        return None

    @property
    def provenance(self) -> str:
        """``captures.provenance`` of what this trust lets in: ``crawl`` or ``import``."""
        return "crawl" if self.kind == "crawl" else "import"

    def _scope(self) -> Scope:
        first = min(self.origins)
        return Scope(first, first, self.origins)  # the crawl's own on-site rule

    def describe(self) -> dict:
        return {"origins": sorted(str(o) for o in self.origins), "not_after": self.not_after}

    @classmethod
    def from_log(cls, entry: dict, fallback: frozenset[Origin], not_after: str) -> Trust:
        """The trust an import used, as ``logs/imports.jsonl`` recorded it. A file
        imported by a version without the boundary (its line names no origins) is
        rebuilt as it was taken in: nothing refused (kind ``legacy``; its captures are
        still imports, so the portal's own crawls win over them)."""
        if entry and "origins" not in entry:
            return cls("legacy", fallback, None)
        origins = origins_of(entry.get("origins") or []) or fallback
        return cls("import", origins, entry.get("not_after") or not_after)
