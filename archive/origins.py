"""The portal's own origins: what is on-site, and one URL per resource across host moves.

An *origin* is scheme + host + port (RFC 6454). Only the portal's own origins
are on-site: the start URL's origin and its aliases. A link to the portal's
host on another port (``http://portal:8080/admin``), another host, a
sub-domain, a URL with user info (``http://portal@evil/``) or with a host
that is not a plain DNS name or IP literal is off-site, never fetched.

Aliases (``crawl --alias OLD=NEW``, setting ``PORTAL_ALIASES``) name
origins that are the same site, e.g. after an http→https move, a ``www.``
change or a new port. The archive remembers them (table ``origins``) with
the *primary* origin of each site: the origin its stored URLs (articles,
their images, links and terms) use, so a moved site is not archived again
as new. The primary origin is the one the archive first knew (its first
crawl's start URL for an archive older than the table); what was
fetched (``captures.url``, ``WARC-Target-URI``) stays the URL really asked.

Pure functions, no I/O; ``stored_aliases`` only reads the ``origins`` table.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from ipaddress import IPv6Address, ip_address
from urllib.parse import urlsplit, urlunsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# a DNS name (labels of letters, digits, hyphens; IDNA already applied) or a dotted IPv4
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")

# reasons a URL is not on-site (the ``skips.reason`` values, docs/schema.md)
OFF_SITE, OTHER_PORT, BAD_URL = "off-site", "other-port", "bad-url"
INTERNAL = "internal-address"  # an off-site embed on a loopback/private address: never


@dataclass(frozen=True, order=True)
class Origin:
    scheme: str
    host: str   # lower case, IDNA (xn--), no trailing dot; IPv6 without brackets
    port: int

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        if DEFAULT_PORTS.get(self.scheme) == self.port:
            return f"{self.scheme}://{host}"
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def netloc(self) -> str:
        return str(self).split("://", 1)[1]


class BadOrigin(ValueError):
    """Not a usable origin (the message says why)."""


def _host(raw: str) -> str:
    """The normal form of a host name, or ``BadOrigin``."""
    host = raw.strip()
    if not host:
        raise BadOrigin("no host")
    if "%" in host or "\\" in host:
        raise BadOrigin(f"host {raw!r} is percent-encoded or has a backslash")
    if ":" in host:  # an IPv6 literal (urlsplit removed the brackets)
        try:
            return str(IPv6Address(host))
        except ValueError:
            raise BadOrigin(f"host {raw!r} is not an IPv6 address") from None
    host = host.rstrip(".").lower()
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise BadOrigin(f"host {raw!r} is not a valid internationalised name") from None
    if not _HOSTNAME.match(host):
        raise BadOrigin(f"host {raw!r} is not a DNS name or IP address")
    return host


def _internal(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ip = ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified


def split_origin(url: str) -> Origin:
    """The origin of an absolute http(s) URL, or ``BadOrigin`` saying why it has none."""
    try:
        parts = urlsplit(url.strip())
    except ValueError as exc:
        raise BadOrigin(f"unparsable URL ({exc})") from None
    found = _netloc_origin(parts.scheme, parts.netloc)
    if isinstance(found, str):
        raise BadOrigin(found)
    return found


@lru_cache(maxsize=4096)
def _netloc_origin(scheme: str, netloc: str) -> Origin | str:
    """Origin of scheme + netloc, or the reason there is none (cached: a site links few hosts)."""
    parts = urlsplit(f"{scheme}://{netloc}/")
    try:
        port = parts.port
    except ValueError as exc:
        return f"unparsable URL ({exc})"
    scheme = scheme.lower()
    if scheme not in DEFAULT_PORTS:
        return f"scheme {scheme or 'none'!r} is not http or https"
    if "@" in netloc:
        return "the URL carries user info (user@host)"
    if parts.hostname is None:
        return "no host"
    try:
        host = _host(parts.hostname)
    except BadOrigin as exc:
        return str(exc)
    return Origin(scheme, host, port if port is not None else DEFAULT_PORTS[scheme])


def origin_of(url: str) -> Origin | None:
    try:
        return split_origin(url)
    except BadOrigin:
        return None


def parse_origin(text: str) -> Origin:
    """An origin written by a user: ``https://www.example.vn`` or ``http://127.0.0.1:8080/``."""
    text = text.strip()
    if "://" not in text:
        raise BadOrigin(f"{text!r} has no scheme — write it as http://host[:port] or https://host[:port]")
    parts = urlsplit(text)
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise BadOrigin(f"{text!r} is not an origin — give scheme, host and port only")
    return split_origin(text)


def parse_aliases(spec: str | Iterable[str] | None) -> list[tuple[Origin, Origin]]:
    """``OLD=NEW`` pairs (a list, or one string separated by spaces, commas or newlines)."""
    if not spec:
        return []
    items = re.split(r"[\s,]+", spec) if isinstance(spec, str) else list(spec)
    pairs = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        old, sep, new = item.partition("=")
        if not sep:
            raise BadOrigin(f"alias {item!r} is not OLD=NEW — e.g. "
                            "http://portal.example=https://www.portal.example")
        pairs.append((parse_origin(old), parse_origin(new)))
    return pairs


def scheme_twin(origin: Origin) -> Origin | None:
    """The same host on the other standard scheme, when ``origin`` uses its default port:
    ``https://host`` ↔ ``http://host``. A portal that moved to https still links itself with
    http in old posts; the twin is on-site (and stored under the primary origin)."""
    if DEFAULT_PORTS.get(origin.scheme) != origin.port:
        return None
    other = "http" if origin.scheme == "https" else "https"
    return Origin(other, origin.host, DEFAULT_PORTS[other])


@dataclass(frozen=True)
class Scope:
    """The origins of one site: ``live`` (fetched now), ``primary`` (stored URLs), all on-site ones."""

    live: Origin
    primary: Origin
    origins: frozenset[Origin] = field(default_factory=frozenset)

    @classmethod
    def build(cls, start_url: str, aliases: Iterable[tuple[Origin, Origin]] = (),
              remembered: dict[Origin, Origin] | None = None, *,
              scheme_twins: bool = True) -> Scope:
        """The scope of a crawl starting at ``start_url``.

        ``aliases``: OLD=NEW pairs (given now); ``remembered``: origin → primary
        origin, as the archive stored them (``stored_aliases``). The site is the
        group of origins the pairs connect to the start URL's origin; its primary
        origin is the one the archive already uses for any of them, else the start
        URL's origin (a new archive).
        """
        live = split_origin(start_url)
        remembered = dict(remembered or {})
        aliases = list(aliases)
        edges: list[tuple[Origin, Origin]] = [*aliases, *remembered.items()]
        group = {live}
        grew = True
        while grew:
            grew = False
            for a, b in edges:
                if (a in group) != (b in group):
                    group |= {a, b}
                    grew = True
            twins = {t for t in map(scheme_twin, group) if t is not None} if scheme_twins else set()
            if not twins <= group:
                group |= twins
                grew = True
        primary = next((remembered[o] for o in remembered if o in group), live)
        return cls(live, primary, frozenset(group | {primary}))

    # -- questions ------------------------------------------------------------
    def why_not(self, url: str) -> str | None:
        """None when ``url`` is on-site; else the reason (``off-site``, ``other-port``, ``bad-url``)."""
        try:
            origin = split_origin(url)
        except BadOrigin:
            return BAD_URL
        if origin in self.origins:
            return None
        if any(origin.host == o.host for o in self.origins):
            return OTHER_PORT
        return OFF_SITE

    def on_site(self, url: str) -> bool:
        return self.why_not(url) is None

    def why_not_embed(self, url: str) -> str | None:
        """For an off-site page requisite (fetched only when opted into): None when it may be
        fetched. Never the portal's host on another port or a bad URL, and never a loopback,
        private or link-local address (or ``localhost``) unless the portal itself lives on
        one — a public page must not make the crawler probe its own network."""
        reason = self.why_not(url)
        if reason != OFF_SITE:
            return reason
        if _internal(split_origin(url).host) and not _internal(self.live.host):
            return INTERNAL
        return None

    def hosts(self) -> list[str]:
        return sorted({o.host for o in self.origins})

    # -- rewriting ------------------------------------------------------------
    def _rebase(self, url: str, to: Origin) -> str:
        try:
            parts = urlsplit(url.strip())
        except ValueError:
            return url
        origin = _netloc_origin(parts.scheme, parts.netloc)
        if isinstance(origin, str) or origin not in self.origins:
            return url
        if parts.scheme == to.scheme and parts.netloc == to.netloc and parts.path:
            return url  # already in that form (the common case)
        return urlunsplit((to.scheme, to.netloc, parts.path or "/", parts.query, parts.fragment))

    def canonical(self, url: str) -> str:
        """An on-site URL on the primary origin (the form stored in rows); others unchanged."""
        return self._rebase(url, self.primary)

    def live_url(self, url: str) -> str:
        """An on-site URL on the live origin (the one fetched); others unchanged."""
        return self._rebase(url, self.live)

    def rebase_article(self, article):
        """The parser's ``Article`` with every on-site URL on the primary origin
        (page, original link, terms, images, links, documents): how rows store it."""
        if self.primary == self.live and len(self.origins) == 1:
            return article
        c = self.canonical
        changes = {"url": c(article.url)}
        if getattr(article, "original_url", None):
            changes["original_url"] = c(article.original_url)
        for name in ("categories", "tags", "images", "links", "documents"):
            items = getattr(article, name, None)
            if items:
                changes[name] = [replace(i, url=c(i.url)) if getattr(i, "url", None) else i
                                 for i in items]
        return replace(article, **changes)

    def remembered(self) -> dict[Origin, Origin]:
        """What the archive should remember: every origin of the site → the primary one."""
        return {o: self.primary for o in self.origins}


def stored_aliases(conn: sqlite3.Connection) -> dict[Origin, Origin]:
    """The ``origins`` table (migration 8): origin → primary origin.

    An archive whose table is still empty (crawled before migration 8) knows
    its first origin from its first crawl's start URL: that one is primary.
    """
    try:
        rows = conn.execute("SELECT origin, canonical FROM origins ORDER BY rowid").fetchall()
        if not rows:
            first = conn.execute("SELECT start_url FROM crawls WHERE start_url IS NOT NULL "
                                 "AND start_url != '' ORDER BY id LIMIT 1").fetchone()
            origin = origin_of(first[0]) if first else None
            return {origin: origin} if origin is not None else {}
    except sqlite3.OperationalError:
        return {}
    out: dict[Origin, Origin] = {}
    for origin, canonical in rows:
        try:
            out[parse_origin(origin)] = parse_origin(canonical)
        except BadOrigin:
            continue
    return out
