"""Site profiles: many portals described in one ``portals.toml``.

A profile names a portal and everything a crawl of it needs: start URL, host
aliases, archive directory, politeness, nightly window and the Scrapyd node it
runs on. ``crawl --site NAME`` and ``scrapyd schedule`` turn a profile into
the same ``NAME=VALUE`` settings that ``-s`` gives (``-s`` still wins), so a
profile is validated exactly like ``-s``.

The file::

    [defaults]                      # optional: applies to every site
    contact_url = "https://archive.example.org/contact"
    delay = 2.0                     # seconds between requests (DOWNLOAD_DELAY)
    concurrency = 1                 # requests at once per host
    max_duration = 21600            # the nightly window, seconds (CLOSESPIDER_TIMEOUT)
    node = "http://127.0.0.1:6800"  # the Scrapyd node that runs it

    [sites.haiphong]
    start_url = "https://thanhphohaiphong.gov.vn/"
    aliases = ["http://thanhphohaiphong.gov.vn"]  # older origins of the same site
    archive = "/var/lib/portal-archive/haiphong"
    settings = { PORTAL_FETCH_AMP = true }       # any other setting, as with -s

An archive remembers the origins it was crawled from (its ``origins`` table,
``archive.origins``): a profile that would move it to another site is refused
unless the old origin is listed among its aliases.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from archive.errors import ArchiveError
from archive.layout import ArchiveLayout
from archive.origins import BadOrigin, split_origin

CONFIG_ENV = "PORTAL_ARCHIVE_CONFIG"
DEFAULT_CONFIG_PATHS = ("portals.toml", "/etc/portal-archive/portals.toml")

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")

# profile key -> (setting it becomes, type, lower bound)
FIELDS: dict[str, tuple[str, type, float | None]] = {
    "start_url": ("PORTAL_START_URL", str, None),
    "archive": ("PORTAL_ARCHIVE_DIR", str, None),
    "contact_url": ("PORTAL_CONTACT_URL", str, None),
    "delay": ("DOWNLOAD_DELAY", float, 0),
    "concurrency": ("CONCURRENT_REQUESTS_PER_DOMAIN", int, 1),
    "max_duration": ("CLOSESPIDER_TIMEOUT", int, 1),
}
OTHER_KEYS = {"aliases", "node", "settings"}


class ProfileError(ArchiveError):
    """A profile file or entry that cannot be used: a usage error."""

    exit_code = 2


def origin(url: str) -> str:
    """``scheme://host:port`` of a URL, with the default port written out
    (``archive.origins`` normalises the host: case, trailing dot, IDNA)."""
    try:
        o = split_origin(url)
    except BadOrigin as exc:
        raise ProfileError(f"{url!r} is not an http(s) URL with a host ({exc}) — write it like "
                           "https://portal.example.gov.vn/") from exc
    host = f"[{o.host}]" if ":" in o.host else o.host
    return f"{o.scheme}://{host}:{o.port}"


@dataclass(frozen=True)
class SiteProfile:
    name: str
    start_url: str
    archive: str
    aliases: tuple[str, ...] = ()
    node: str | None = None
    contact_url: str | None = None
    delay: float | None = None
    concurrency: int | None = None
    max_duration: int | None = None
    settings: dict = field(default_factory=dict)

    @property
    def origin(self) -> str:
        return origin(self.start_url)

    def alias_pairs(self) -> list[str]:
        """Aliases as ``OLD=NEW`` origin pairs, the form ``--alias`` takes."""
        new = split_origin(self.start_url)  # the origin only: a start URL may have a path
        return [f"{split_origin(a)}={new}" for a in self.aliases]

    def to_settings(self) -> dict[str, str]:
        """The ``-s`` settings this profile stands for (strings, as on a command line)."""
        out: dict[str, str] = {"PORTAL_SITE": self.name}
        for key, (setting, _type, _low) in FIELDS.items():
            value = getattr(self, key)
            if value is not None:
                out[setting] = str(value)
        if self.aliases:
            out["PORTAL_ALIASES"] = ",".join(self.alias_pairs())
        for name, value in self.settings.items():
            out[name] = json.dumps(value) if isinstance(value, (list, dict)) else (
                str(value) if not isinstance(value, bool) else ("True" if value else "False"))
        return out


@dataclass(frozen=True)
class PortalConfig:
    path: Path
    sites: dict[str, SiteProfile]

    def site(self, name: str) -> SiteProfile:
        try:
            return self.sites[name]
        except KeyError:
            known = ", ".join(sorted(self.sites)) or "none"
            raise ProfileError(f"no site {name!r} in {self.path} (sites: {known}) — "
                               "check the name or add a [sites.NAME] table") from None


def find_config(path: str | os.PathLike | None = None) -> Path:
    """The config file: ``--config``, else $PORTAL_ARCHIVE_CONFIG, else ./portals.toml,
    else /etc/portal-archive/portals.toml."""
    if path:
        candidates = [Path(path)]
    elif os.environ.get(CONFIG_ENV):
        candidates = [Path(os.environ[CONFIG_ENV])]
    else:
        candidates = [Path(p) for p in DEFAULT_CONFIG_PATHS]
    for c in candidates:
        if c.is_file():
            return c
    raise ProfileError(f"no portals config at {', '.join(map(str, candidates))} — "
                       "pass --config FILE (see docs/scheduling.md for the format)")


def load_config(path: str | os.PathLike | None = None) -> PortalConfig:
    cfg_path = find_config(path)
    try:
        data = tomllib.loads(cfg_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(f"cannot read {cfg_path}: {exc} — check the file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{cfg_path} is not valid TOML ({exc}) — fix the file") from exc
    unknown = set(data) - {"defaults", "sites"}
    if unknown:
        raise ProfileError(f"{cfg_path}: unknown table(s) {', '.join(sorted(unknown))} — "
                           "only [defaults] and [sites.NAME] are read")
    defaults = data.get("defaults", {})
    sites_raw = data.get("sites", {})
    if not isinstance(defaults, dict) or not isinstance(sites_raw, dict) or not sites_raw:
        raise ProfileError(f"{cfg_path} lists no [sites.NAME] table — add one per portal")
    base = cfg_path.parent
    sites = {name: _profile(cfg_path, base, name, {**defaults, **entry})
             for name, entry in sites_raw.items()}
    _check_unique(cfg_path, sites)
    return PortalConfig(cfg_path, sites)


def _profile(cfg_path: Path, base: Path, name: str, entry: dict) -> SiteProfile:
    where = f"{cfg_path} [sites.{name}]"
    if not _NAME.match(name):
        raise ProfileError(f"{where}: a site name is lower-case letters, digits, '-' or '_'")
    if not isinstance(entry, dict):
        raise ProfileError(f"{where} must be a table")
    unknown = set(entry) - set(FIELDS) - OTHER_KEYS
    if unknown:
        import difflib
        hints = []
        for key in sorted(unknown):
            near = difflib.get_close_matches(key, [*FIELDS, *OTHER_KEYS], n=1)
            hints.append(f"{key!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise ProfileError(f"{where}: unknown key {', '.join(hints)}")
    for required in ("start_url", "archive"):
        if not entry.get(required):
            raise ProfileError(f"{where}: {required} is missing — every site needs start_url and archive")
    values: dict = {}
    for key, (_setting, typ, low) in FIELDS.items():
        if key not in entry:
            continue
        value = entry[key]
        if typ is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, typ) or isinstance(value, bool):
            raise ProfileError(f"{where}: {key} must be {typ.__name__}, not {value!r}")
        if low is not None and isinstance(value, (int, float)) and value < low:
            raise ProfileError(f"{where}: {key} must be at least {low}, not {value!r}")
        values[key] = value
    origin(values["start_url"])
    for key in ("contact_url",):
        if key in values:
            origin(values[key])
    archive = Path(values["archive"]).expanduser()
    values["archive"] = str(archive if archive.is_absolute() else (base / archive).resolve())
    aliases = entry.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ProfileError(f"{where}: aliases must be a list of URLs")
    for a in aliases:
        origin(a)
    node = entry.get("node")
    if node is not None:
        if not isinstance(node, str):
            raise ProfileError(f"{where}: node must be a URL such as http://127.0.0.1:6800")
        origin(node)
    settings = entry.get("settings", {})
    if not isinstance(settings, dict):
        raise ProfileError(f"{where}: settings must be a table of NAME = value")
    return SiteProfile(name=name, aliases=tuple(aliases), node=node.rstrip("/") if node else None,
                       settings=dict(settings), **values)


def _check_unique(cfg_path: Path, sites: dict[str, SiteProfile]) -> None:
    seen: dict[str, str] = {}
    for name, p in sites.items():
        other = seen.get(p.archive)
        if other:
            raise ProfileError(f"{cfg_path}: sites {other!r} and {name!r} share the archive "
                               f"{p.archive} — give each portal its own archive directory")
        seen[p.archive] = name


def bind_archive(profile: SiteProfile) -> None:
    """Refuse a profile that would move an existing archive to another site."""
    bind_origin(profile.archive, profile.name, profile.start_url, profile.alias_pairs())


def bind_origin(archive: str, name: str, start_url: str, alias_pairs=()) -> None:
    """An archive belongs to the origins it has crawled (its ``origins`` table,
    ``archive.origins``). A start URL that none of them reaches — directly, by the
    profile's aliases, or as the http/https twin on the default port — would start a
    new site inside this archive: refused, naming the alias that would allow it.
    A new archive accepts any start URL (its first crawl records its origin).
    """
    from archive.db import open_db
    from archive.origins import Scope, parse_aliases, stored_aliases

    layout = ArchiveLayout(archive)
    if not layout.db.exists():
        return
    conn = open_db(layout.db, readonly=True)
    try:
        remembered = stored_aliases(conn)
    finally:
        conn.close()
    if not remembered:
        return
    try:
        scope = Scope.build(start_url, parse_aliases(list(alias_pairs)), remembered)
    except ValueError as exc:
        raise ProfileError(f"site {name!r}: {exc}") from exc
    if not set(remembered) & set(scope.origins):
        old = next(iter(remembered.values()))
        raise ProfileError(
            f"archive {layout.root} holds {old}, but site {name!r} starts at "
            f"{split_origin(start_url)} — if the portal moved, add \"{old}\" to the site's "
            "aliases; otherwise give the site its own archive")
